"""Where a search's words occur in a text, for highlighting matches as the index found them."""

from __future__ import annotations

import re
import unicodedata

from carebrowser.data.fts import search_words

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def _fold(word: str) -> str:
    """Case-folded and without diacritics, as the full-text index compares words."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def match_spans(text: str, user_text: str) -> list[tuple[int, int]]:
    """(start, end) of every word of *text* that a search for *user_text* matches.

    Whole words match; the search's last word also matches as a prefix, as in the search itself.
    """
    words = [_fold(w) for w in search_words(user_text)]
    if not words:
        return []
    exact, prefix = set(words[:-1]), words[-1]
    spans = []
    for token in _TOKEN.finditer(text):
        folded = _fold(token.group())
        if folded in exact or folded.startswith(prefix):
            spans.append((token.start(), token.end()))
    return spans
