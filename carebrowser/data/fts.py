"""Full-text indexes: FTS5 on SQLite, and the escaping that makes any user text a valid query."""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

#: Words as FTS5's unicode61 tokenizer sees them: runs of letters, digits and marks.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

#: At most this many words of a search are used; the rest are ignored.
MAX_SEARCH_WORDS = 16

_SQLITE_DDL = (
    "CREATE VIRTUAL TABLE statement_fts USING fts5("
    "text, content='statement', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE source_fts USING fts5("
    "headline, text, content='source', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO statement_fts(statement_fts) VALUES ('rebuild')",
    "INSERT INTO source_fts(source_fts) VALUES ('rebuild')",
)


def create_sqlite(connection: Connection) -> None:
    """Create and fill the FTS5 indexes over statements and source texts."""
    for statement in _SQLITE_DDL:
        connection.execute(text(statement))


def search_words(user_text: str) -> list[str]:
    """The words of a user's search, in order, without duplicates; operators are plain words."""
    words: list[str] = []
    for match in _WORD.finditer(user_text):
        word = match.group().lower()
        if word not in words:
            words.append(word)
        if len(words) == MAX_SEARCH_WORDS:
            break
    return words


def fts5_query(user_text: str) -> str | None:
    """An FTS5 MATCH expression finding rows that contain every word, the last one as a prefix.

    Each word is a quoted string, so AND/OR/NOT, '*', quotes and brackets typed by the user are
    searched for as text and never raise a syntax error. None when the text has no words.
    """
    words = search_words(user_text)
    if not words:
        return None
    terms = [f'"{word}"' for word in words]
    terms[-1] += " *"
    return " ".join(terms)
