"""Passwords never shown: the one function every log record, message, dialog and setting passes.

A database address may carry a password (``postgresql://user:PASSWORD@host/db``), and people type
it as they know it, often without percent-encoding: ``postgresql://user:p@ss:w/rd#1@host/db``.
SQLAlchemy and libpq read such an address up to the first ``@``, so a masking that follows them
shows the rest (``user:***@ss:w/rd#1@host/db``). Here the password runs to the *last* ``@`` of
the address, and an address whose password cannot be told apart from its host is masked to the
end: masking too much costs a few characters of a message, too little costs the password.

No Qt and no database: the log file, the command line and the window all use it.
"""

from __future__ import annotations

import re

#: A URL's scheme and '//', as in postgresql:// or postgresql+psycopg://.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")
#: What ends an address inside a sentence (a quote may be part of a password).
_END = re.compile(r"\s")
#: password=VALUE in a libpq connection string, a URL's query or an environment (PGPASSWORD=).
_KEYWORD = re.compile(r"(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&;]*)")
#: What stands for a password.
MASK = "***"
#: The characters that must be percent-encoded in a password (with the encodings to use).
ENCODINGS = "@ as %40, : as %3A, / as %2F, ? as %3F, # as %23, % as %25"


def hide_passwords(text: str) -> str:
    """*text* with the password of every address in it replaced by ``***``."""
    if "://" not in text and "assword" not in text.lower():
        return text
    text = _KEYWORD.sub(lambda m: m.group(1) + MASK, text)
    parts: list[str] = []
    done = 0
    for match in _SCHEME.finditer(text):
        if match.start() < done:
            continue  # inside an address already masked
        end_match = _END.search(text, match.end())
        end = end_match.start() if end_match else len(text)
        rest = text[match.end() : end]
        masked = _masked_rest(rest)
        if masked != rest and "@" not in rest:
            # A password holding white space: it runs to the last '@' of the line, if any.
            line_end = text.find("\n", end)
            at = text.rfind("@", end, len(text) if line_end < 0 else line_end)
            if at >= 0:
                end_match = _END.search(text, at)
                end = end_match.start() if end_match else len(text)
                masked = masked + text[at:end]
        parts.append(text[done : match.end()])
        parts.append(masked)
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _masked_rest(rest: str) -> str:
    """What follows 'scheme://' in one address, with its password masked."""
    at = rest.rfind("@")
    if at >= 0:
        userinfo = rest[:at]
        user, colon, _password = userinfo.partition(":")
        if not colon:
            return rest
        return f"{user}:{MASK}{rest[at:]}"
    # No '@': host[:port]. A port that is not a number is a password typed without its host.
    host_end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    host, colon, port = rest[:host_end].partition(":")
    if colon and not port.isdigit() and not host.startswith("["):
        return f"{host}:{MASK}"
    return rest


def unencoded_password(address: str) -> bool:
    """Whether *address* holds a user name or password with '@', '/', '?' or '#' not encoded.

    Such an address is read differently by every program (SQLAlchemy and libpq stop at the first
    '@'); carebrowser refuses it rather than send part of a password as a host name.
    """
    scheme = _SCHEME.match(address)
    if scheme is None:
        return False
    rest = address[scheme.end() :]
    at = rest.rfind("@")
    return at >= 0 and any(c in rest[:at] for c in "@/?#")
