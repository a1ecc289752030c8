"""PostgreSQL specifics of the data layer: the schema as created there, its full-text documents,
read-only sessions, and one sentence for each way a server can fail.

Full-text search does not use PostgreSQL's own parser. Its tokens differ from those of SQLite's
FTS5 (it keeps "10-15" as '10' and '-15', reads URLs and e-mail addresses as single words, keeps
diacritics) and, in a database whose LC_CTYPE is C, it takes curly quotes for letters, so that
'“monolithic' would be a word. Instead, publishing splits every text into words here, in Python,
exactly as ``carebrowser.data.search_syntax`` splits a search (runs of letters and digits),
folds them as FTS5's ``unicode61 remove_diacritics 2`` does (lower case, no diacritics), and
stores them with their positions as a ``tsvector`` in ``statement_fts`` and ``source_fts``, each
with a GIN index. A search, parsed once by ``search_syntax``, becomes a ``tsquery`` of the same
folded words, each a quoted lexeme: ``care "children's trusts" -fines`` is
``'care' & ('children' <-> 's' <-> 'trusts') & !'fines'``, cast from text and never parsed from
what the user typed. So both backends find the same statements for the same search, whatever
the server's locale (tests
compare the words with FTS5's own index for the characters of English and Western European
text; in other scripts FTS5 removes fewer diacritics than ``fold`` does).

Text columns are created ``COLLATE "C"`` so that PostgreSQL orders and compares names and titles
by code point, as SQLite does, whatever the database's default collation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.types import NullType, TypeEngine

from carebrowser.data.schema import Base
from carebrowser.data.search_syntax import Term, parse_search
from carebrowser.passwords import ENCODINGS, hide_passwords, unencoded_password

#: The driver carebrowser uses for PostgreSQL; "postgresql://" and "postgres://" addresses get it.
DRIVER = "postgresql+psycopg"
#: The collation of every text column: code-point order, the same as SQLite's BINARY.
COLLATION = "C"
#: PostgreSQL refuses lexemes longer than this many bytes; longer words are not indexed.
MAX_LEXEME_BYTES = 2047
#: A tsvector holds at most this many positions of a word, and none past LAST_POSITION.
MAX_POSITIONS = 256
LAST_POSITION = 16383
#: TCP keepalives: a connection idle this many seconds is probed, every KEEPALIVE_INTERVAL
#: seconds, and given up after KEEPALIVE_COUNT probes without an answer (a dropped network).
KEEPALIVE_IDLE = 10
KEEPALIVE_INTERVAL = 5
KEEPALIVE_COUNT = 3

#: The words of carebrowser.data.fts.search_words: runs of letters and digits.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

#: For ASCII text, the same words faster: every other ASCII character becomes a space.
_ASCII_SPACES = bytes.maketrans(
    bytes(c for c in range(128) if not chr(c).isalnum()),
    b" " * sum(1 for c in range(128) if not chr(c).isalnum()),
)

_search_metadata = MetaData()


def _fts_table(
    name: str, metadata: MetaData, document: TypeEngine[Any], parent: str | None = None
) -> Table:
    """A full-text table; with a *parent* (for creating it) its foreign key and GIN index too."""
    extras: list[Any] = []
    if parent:  # postgresql_using loads the dialect, which a query-only table need not
        extras.append(ForeignKeyConstraint(["id"], [f"{parent}.id"], ondelete="CASCADE"))
        extras.append(Index(f"ix_{name}_document", "document", postgresql_using="gin"))
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("document", document, nullable=False),
        *extras,
    )


# For queries only (no TSVECTOR, no index), so that SQLite users do not load the dialect.
#: The words of each statement's text (id is the statement's id).
statement_fts = _fts_table("statement_fts", _search_metadata, NullType())
#: The words of each source's headline and text (id is the source's id).
source_fts = _fts_table("source_fts", _search_metadata, NullType())

#: Every table carebrowser reads, the full-text tables included.
TABLE_NAMES = (*Base.metadata.tables, statement_fts.name, source_fts.name)


def server_metadata() -> MetaData:
    """The schema as created on PostgreSQL: Base.metadata with text columns collated "C",
    and the full-text tables."""
    metadata = MetaData()
    for table in Base.metadata.sorted_tables:
        copy = table.to_metadata(metadata)
        for column in copy.columns:
            if isinstance(column.type, Text):
                column.type = Text(collation=COLLATION)
            elif isinstance(column.type, String):
                column.type = String(column.type.length, collation=COLLATION)
    from sqlalchemy.dialects.postgresql import TSVECTOR

    _fts_table(statement_fts.name, metadata, TSVECTOR(), parent="statement")
    _fts_table(source_fts.name, metadata, TSVECTOR(), parent="source")
    return metadata


# -- words ------------------------------------------------------------------------------------


def fold(word: str) -> str:
    """A word as it is indexed: lower case, without diacritics (as FTS5's remove_diacritics).

    A final sigma is a sigma: lower() writes 'ς' only at the end of a word, and a text's and a
    search's words end in different places ("A'Σ" is one run of lower(), two words).
    """
    decomposed = unicodedata.normalize("NFD", word.lower().replace("\u03c2", "\u03c3"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def _words_in_order(text_: str) -> list[str]:
    """The words of *text_*, in order, lower case (not yet folded)."""
    lowered = text_.lower()
    if len(lowered) != len(text_):  # 'İ' lowers to two characters: per word, as searches
        return [w.lower() for w in _WORD.findall(text_)]
    # Fast: ASCII punctuation becomes spaces (UTF-8 keeps other characters' bytes >= 128), then
    # only the few pieces holding other characters need the regular expression.
    words: list[str] = []
    for piece in lowered.encode().translate(_ASCII_SPACES).decode().split():
        if piece.isascii():
            words.append(piece)
        else:
            words.extend(_WORD.findall(piece))
    return words


def _positions(texts: Iterable[str | None]) -> dict[str, list[int]]:
    """Each folded word of *texts* and where it stands (1, 2, ...), as a tsvector holds them.

    A gap of one position between texts keeps a phrase from running from a headline into its
    text, as FTS5 keeps one within a column. PostgreSQL holds at most MAX_POSITIONS positions of
    a word, none past LAST_POSITION: phrases are found only within the first 16,383 words.
    """
    found: dict[str, list[int]] = {}
    at = 0
    for text_ in texts:
        if not text_:
            continue
        for word in _words_in_order(text_):
            at += 1
            folded = word if word.isascii() else fold(word)
            if not folded or len(folded.encode()) > MAX_LEXEME_BYTES:
                continue
            places = found.setdefault(folded, [])
            if at <= LAST_POSITION and len(places) < MAX_POSITIONS:
                places.append(at)
        at += 1
    return found


def document_words(*texts: str | None) -> list[str]:
    """The distinct folded words of *texts*, sorted; words too long to index are left out."""
    return sorted(_positions(texts))


def document(*texts: str | None) -> str:
    """The text form of the tsvector of *texts*' words and their positions: what publishing
    stores, so that phrases can be searched for ('care':3 'trusts':4).

    The words are runs of letters and digits, so none holds a quote or a backslash to escape.
    """
    return " ".join(
        f"'{word}':{','.join(map(str, places))}" if places else f"'{word}'"
        for word, places in _positions(texts).items()
    )


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsquery_term(term: Term) -> str | None:
    """A term as a tsquery: its words FOLLOWED BY one another; None if it cannot match."""
    words = [fold(w) for w in term.words]
    if any(len(w.encode()) > MAX_LEXEME_BYTES for w in words):
        return None
    lexemes = [_lexeme(w) for w in words if w]
    if not lexemes:
        return None
    if term.prefix:
        lexemes[-1] += ":*"
    return lexemes[0] if len(lexemes) == 1 else "(" + " <-> ".join(lexemes) + ")"


def tsquery_text(user_text: str) -> str | None:
    """A tsquery of the search *user_text* (carebrowser.data.search_syntax): every group AND-ed,
    a group's terms OR-ed, excluded terms negated.

    Each word is a quoted lexeme, so brackets and quotes typed by the user never make a syntax
    error. None when nothing can match: no terms, or a required word too long to be indexed.
    """
    query = parse_search(user_text)
    parts: list[str] = []
    for group in query.groups:
        written = [t for t in map(_tsquery_term, group) if t is not None]
        if not written:
            return None
        parts.append(written[0] if len(written) == 1 else "(" + " | ".join(written) + ")")
    for term in query.excluded:
        written_term = _tsquery_term(term)
        if written_term is not None:  # a word too long to index is in no document
            parts.append("!" + written_term)
    return " & ".join(parts) if parts else None


# -- connecting -------------------------------------------------------------------------------


def server_url(target: str) -> URL:
    """The address *target* with carebrowser's driver when it names none (postgresql://...).

    Raises ValueError for an address whose password holds '@', '/', '?' or '#' unencoded: read
    as SQLAlchemy and libpq read it, part of the password would be taken for the host.
    """
    if unencoded_password(target):
        raise ValueError(
            "its user name or password holds characters that must be percent-encoded in an "
            f"address ({ENCODINGS}); or leave the password out and keep it in ~/.pgpass or "
            "PGPASSWORD"
        )
    url = make_url(target)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername=DRIVER)
    return url


def hide_password(target: str) -> str:
    """*target* with its password, in any form, replaced by ***."""
    return hide_passwords(target)


def connect_args(url: URL) -> dict[str, Any]:
    """Connection settings the address does not set itself: time limits, the program's name,
    and UTF-8 (so that even a database in another encoding can be told what is wrong with it).

    TCP keepalives and tcp_user_timeout end a connection whose network drops packets without a
    word; carebrowser.data.watchdog bounds the wait on a server that is frozen.
    """
    from carebrowser.data.watchdog import connect_seconds, limit_seconds

    wanted: dict[str, Any] = {
        "connect_timeout": connect_seconds(),
        "keepalives": 1,
        "keepalives_idle": KEEPALIVE_IDLE,
        "keepalives_interval": KEEPALIVE_INTERVAL,
        "keepalives_count": KEEPALIVE_COUNT,
        "tcp_user_timeout": round(limit_seconds() * 1000),
        "application_name": "carebrowser",
        "client_encoding": "UTF8",
    }
    return {k: v for k, v in wanted.items() if k not in url.query}


def configure(engine: Engine, *, read_only: bool) -> None:
    """Bound every wait of *engine*'s connections on the server (carebrowser.data.watchdog);
    make every session of a reading engine read-only and tolerant of NUL in parameters.

    PostgreSQL text cannot hold NUL characters, which SQLite accepts in a search; a reader drops
    them from query parameters, so any text typed into a filter is still accepted. A writing
    engine (publishing) is left as it is, so that a NUL in the data is an error, not a loss.
    """
    from carebrowser.data.watchdog import WatchedConnection

    @event.listens_for(engine, "do_connect")
    def _watched(_dialect: Any, _record: object, cargs: Any, cparams: Any) -> Any:
        return WatchedConnection.connect(*cargs, **cparams)

    if not read_only:
        return
    from psycopg.types.string import StrDumperUnknown

    class _NulFreeStrDumper(StrDumperUnknown):
        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", "") if "\x00" in obj else obj)

    @event.listens_for(engine, "connect")
    def _session(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.adapters.register_dumper(str, _NulFreeStrDumper)
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        dbapi_connection.commit()


# -- what went wrong --------------------------------------------------------------------------

#: What went wrong, by SQLSTATE code (or its class, the first two characters).
_KINDS = (
    ("28P01", "wrong password"),
    ("28", "login"),
    ("3D000", "no database"),
    ("42501", "not allowed"),
    ("42P01", "no tables"),
    ("57014", "too slow"),
    ("08", "unreachable"),
    ("57P0", "unreachable"),
)
#: What went wrong, by the words of the message: psycopg gives no SQLSTATE for a refusal while
#: connecting, and libpq's own "no password supplied" has none at all.
_SAID = (
    (re.compile(r"no password supplied"), "no password"),
    (re.compile(r"password authentication failed"), "wrong password"),
    (re.compile(r'database "[^"]*" does not exist'), "no database"),
    (
        re.compile(r'role "[^"]*" does not exist|no pg_hba\.conf entry|authentication failed'),
        "login",
    ),
)


def first_line(error: BaseException) -> str:
    """The gist of a driver's message: its first line, without "connection failed:" and the like."""
    original = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    reason = lines[0] if lines else type(original).__name__
    reason = reason.rsplit(" failed: ", 1)[-1]
    for prefix in ("connection failed: ", "FATAL: ", "ERROR: "):
        if reason.startswith(prefix):
            reason = reason[len(prefix) :].strip()
    return " ".join(reason.split()).rstrip(".")


def kind(error: BaseException) -> str | None:
    """What went wrong: 'unreachable', 'stopped answering', 'wrong password', 'no password',
    'login', 'no database', 'not allowed', 'no tables', 'too slow', or None for anything else
    (a constraint, a bug)."""
    import psycopg

    from carebrowser.data.watchdog import StoppedAnswering

    original = getattr(error, "orig", None) or error
    if isinstance(original, StoppedAnswering):
        return "stopped answering"
    state = str(getattr(original, "sqlstate", None) or "")
    for prefix, name in _KINDS:
        if state.startswith(prefix):
            return name
    if not state and isinstance(original, psycopg.OperationalError):
        said = str(original)
        for words, name in _SAID:
            if words.search(said):
                return name
    if getattr(error, "connection_invalidated", False):
        return "unreachable"
    # Without a SQLSTATE the driver itself gave up: no answer, refused, connection closed.
    lost = isinstance(original, psycopg.OperationalError | psycopg.InterfaceError)
    return "unreachable" if not state and lost else None


def problem(error: BaseException, label: str) -> str:
    """One sentence for a server error: what happened, on which server, what to do next."""
    reason = hide_passwords(first_line(error))
    what = kind(error)
    if what == "wrong password":
        return (
            f"The database server {label} refused the password ({reason}). Check the password "
            "in the address, in ~/.pgpass or in PGPASSWORD (in an address, write @ : / ? # % "
            "as %40 %3A %2F %3F %23 %25), or ask its administrator."
        )
    if what == "no password":
        return (
            f"The database server {label} asks for a password and was given none ({reason}). "
            "Put it in ~/.pgpass (a line HOST:PORT:DATABASE:USER:PASSWORD, readable by you "
            "alone) or in PGPASSWORD, or in the address, then try again."
        )
    if what == "stopped answering":
        return (
            f"The database server {label} stopped answering ({reason}). Check that the server "
            "is running and that this computer can reach it, then try again; or open the "
            "bundled dataset."
        )
    if what == "login":
        return (
            f"The database server {label} refused the login ({reason}). "
            "Check the user name and password in the address, or ask its administrator."
        )
    if what == "no database":
        return (
            f"The database named in {label} does not exist on that server ({reason}). "
            "Check the database name at the end of the address, or ask the administrator to "
            "publish the dataset there ('carebrowser db publish')."
        )
    if what == "not allowed":
        return (
            f"The database user may not read {label} ({reason}). Ask the administrator to "
            "grant it read access (README: 'Sharing a database on PostgreSQL')."
        )
    if what == "no tables":
        return (
            f"{label} does not hold a carebrowser dataset ({reason}). "
            "Publish one into it with 'carebrowser db publish --to ADDRESS', "
            "or open the bundled dataset."
        )
    if what == "too slow":
        return f"The database server {label} cancelled a query that took too long. Try again."
    if what == "unreachable":
        return (
            f"The database server {label} cannot be reached ({reason}). Check that the server "
            "is running and that this computer can reach it, then try again; or open the "
            "bundled dataset."
        )
    return (
        f"{label} could not be read ({reason}). Check the server and the network, "
        "or open the bundled dataset."
    )
