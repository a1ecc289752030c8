"""Where a search matches in a text, by the grammar the index is searched with
(carebrowser.data.search_syntax): for highlighting matches and counting them as the index finds
them."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from carebrowser.data.search_syntax import WORD, SearchQuery, Term, parse_search

#: A text's words: (folded word, start, end).
_Tokens = list[tuple[str, int, int]]


def _fold(word: str) -> str:
    """Case-folded and without diacritics, as the full-text index compares words."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tokens(text: str) -> _Tokens:
    return [(_fold(m.group()), m.start(), m.end()) for m in WORD.finditer(text)]


def _term_words(term: Term) -> list[str]:
    return [w for w in map(_fold, term.words) if w]


def _occurrences(tokens: _Tokens, term: Term) -> Iterable[tuple[int, int]]:
    """(start, end) of each place in *tokens* where *term* stands, its words one after another."""
    words = _term_words(term)
    if not words:
        return
    last = len(words) - 1
    for at in range(len(tokens) - last):
        for offset, word in enumerate(words):
            token = tokens[at + offset][0]
            if not (token == word or (offset == last and term.prefix and token.startswith(word))):
                break
        else:
            yield tokens[at][1], tokens[at + last][2]


def _holds(token_lists: list[_Tokens], term: Term) -> bool:
    return any(next(iter(_occurrences(tokens, term)), None) for tokens in token_lists)


def query_matches(query: SearchQuery, *texts: str | None) -> bool:
    """Whether *texts* (a statement's text; a source's headline and text) match *query*, as the
    index decides: a phrase stands within one text. An empty query matches nothing."""
    if not query:
        return False
    token_lists = [_tokens(t) for t in texts if t]
    if any(_holds(token_lists, term) for term in query.excluded):
        return False
    return all(any(_holds(token_lists, term) for term in group) for group in query.groups)


def search_matches(user_text: str, *texts: str | None) -> bool:
    """Whether *texts* match the search *user_text* (see query_matches)."""
    return query_matches(parse_search(user_text), *texts)


def match_spans(text: str, user_text: str) -> list[tuple[int, int]]:
    """(start, end) of every place in *text* where a term of the search *user_text* stands, in
    order: whole words, a phrase as a whole, a prefix where it ends in '*'; never an excluded
    term. Overlapping places are joined."""
    query = parse_search(user_text)
    terms = query.terms()
    if not terms:
        return []
    tokens = _tokens(text)
    found = sorted(span for term in terms for span in _occurrences(tokens, term))
    joined: list[tuple[int, int]] = []
    for start, end in found:
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(end, joined[-1][1]))
        else:
            joined.append((start, end))
    return joined
