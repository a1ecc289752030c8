"""Full-text indexes: FTS5 on SQLite, and a parsed search (carebrowser.data.search_syntax) written
as an FTS5 query, so that any user text is a valid query."""

from __future__ import annotations

from sqlalchemy import Connection, text

from carebrowser.data.search_syntax import (
    MAX_SEARCH_WORDS,
    SearchQuery,
    Term,
    parse_search,
    search_words,
)

__all__ = ["MAX_SEARCH_WORDS", "create_sqlite", "fts5_query", "search_words"]

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


def _fts5_term(term: Term) -> str:
    # Words are runs of letters and digits: nothing in them needs escaping inside the quotes.
    return '"' + " ".join(term.words) + '"' + (" *" if term.prefix else "")


def _fts5_any(terms: tuple[Term, ...]) -> str:
    written = [_fts5_term(t) for t in terms]
    return written[0] if len(written) == 1 else "(" + " OR ".join(written) + ")"


def fts5_expression(query: SearchQuery) -> tuple[str, bool] | None:
    """*query* as an FTS5 MATCH expression, and whether the rows it matches are the ones to leave
    out (a search of excluded terms only: FTS5's NOT needs something on its left). None when the
    query has no terms."""
    if not query:
        return None
    if not query.groups:
        return _fts5_any(query.excluded), True
    required = " AND ".join(_fts5_any(group) for group in query.groups)
    if query.excluded:
        required = f"({required}) NOT {_fts5_any(query.excluded)}"
    return required, False


def fts5_query(user_text: str) -> tuple[str, bool] | None:
    """The FTS5 expression of a user's search (see fts5_expression); never a syntax error."""
    return fts5_expression(parse_search(user_text))
