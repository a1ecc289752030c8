"""The search grammar, read once for every backend and for highlighting.

A search is a list of terms, every one required: a word (``fines``), a "quoted phrase" (its words
next to each other, in order), a word or phrase ending in ``*`` (the last word as a prefix:
``trust*`` finds trusts). ``OR`` (capitals) between two terms needs either; a term after ``-`` or
``NOT`` must be absent. ``AND`` is what terms mean anyway and is left out. Words are runs of
letters and digits, as the full-text index holds them: ``children's`` and ``re-engagement`` are
phrases of two words. Anything else a person types (brackets, stray quotes, colons) only separates
words, so no text is ever a syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Words as FTS5's unicode61 tokenizer sees them: runs of letters, digits and marks.
WORD = re.compile(r"[^\W_]+", re.UNICODE)

#: At most this many words of a search are used; the rest are ignored.
MAX_SEARCH_WORDS = 16

#: The grammar in two sentences, as the search box's tooltip, the help and the command line say it.
SEARCH_HELP = (
    'A search finds the statements holding every word; "quoted words" must stand together, '
    "trust* finds trust, trusts and trustee, OR finds either side, and -word or NOT word leaves "
    'out what holds that word. For example: "care trusts" OR "children\'s trusts" -fines'
)

#: What opens and closes a phrase: straight quotes and the curly ones Word and e-mail write.
_QUOTES = '"\u201c\u201d\u201e\u201f'
#: A piece of a search: a quoted phrase (its closing quote may be missing) or a run of other text.
_PIECE = re.compile(rf"[{_QUOTES}]([^{_QUOTES}]*)[{_QUOTES}]?(\*?)|[^\s{_QUOTES}]+")


@dataclass(frozen=True)
class Term:
    """Words that must stand next to each other, in order; the last one a prefix when *prefix*."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class SearchQuery:
    """A parsed search: every group must match (one of its terms), no excluded term may."""

    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.groups or self.excluded)

    def terms(self) -> list[Term]:
        """The terms that can match (excluded ones are never shown as matches)."""
        return [term for group in self.groups for term in group]


def _term(text: str, star: bool) -> Term | None:
    words = tuple(w.lower() for w in WORD.findall(text))
    if not words:
        return None
    prefix = star or text.rstrip().endswith("*")
    return Term(words, prefix)


def parse_search(user_text: str) -> SearchQuery:
    """The terms of *user_text*; any text is accepted, operators without terms are left out."""
    items: list[tuple[bool, Term] | str] = []  # (excluded, term) or "OR"
    negate = False
    used = 0
    for piece in _PIECE.finditer(user_text):
        raw = piece.group()
        if raw in ("OR", "|"):
            items.append("OR")
            continue
        if raw == "AND":
            continue
        if raw == "NOT":
            negate = True
            continue
        if piece.group(1) is not None:  # a quoted phrase
            term = _term(piece.group(1), bool(piece.group(2)))
        else:
            following = user_text[piece.end() : piece.end() + 1]
            if raw.startswith("-") and (WORD.search(raw) or (following and following in _QUOTES)):
                negate = True  # -word, -"a phrase"
            term = _term(raw, False)
        if term is None:
            continue
        room = MAX_SEARCH_WORDS - used
        if len(term.words) > room:
            term = Term(term.words[:room])
        used += len(term.words)
        items.append((negate, term))
        negate = False
        if used == MAX_SEARCH_WORDS:
            break
    return _combine(items)


def _combine(items: list[tuple[bool, Term] | str]) -> SearchQuery:
    """Join terms around OR into groups; an OR beside nothing, or an excluded term, is dropped."""
    groups: list[list[Term]] = []
    excluded: list[Term] = []
    joining = False
    previous_positive = False
    for item in items:
        if isinstance(item, str):  # OR
            joining = previous_positive
            continue
        negated, term = item
        if negated:
            if term not in excluded:
                excluded.append(term)
            previous_positive = joining = False
            continue
        if joining:
            if term not in groups[-1]:
                groups[-1].append(term)
        elif [term] not in groups:
            groups.append([term])
        previous_positive, joining = True, False
    return SearchQuery(tuple(tuple(g) for g in groups), tuple(excluded))


def search_words(user_text: str) -> list[str]:
    """Every word of a search's terms (the excluded ones too), in order, without duplicates."""
    query = parse_search(user_text)
    words: list[str] = []
    for term in (*query.terms(), *query.excluded):
        words.extend(w for w in term.words if w not in words)
    return words


def describe_search(user_text: str) -> str:
    """A search as a heading shows it: in curly quotes, unless it holds quotes of its own."""
    shown = " ".join(user_text.split())
    if any(q in shown for q in _QUOTES):
        return shown
    return f"\u201c{shown}\u201d"
