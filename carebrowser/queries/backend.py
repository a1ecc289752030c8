"""Where database backends differ: full-text search. Nothing above this module knows the backend.

Ordering needs nothing here: on PostgreSQL every text column is created COLLATE "C" by
``carebrowser db publish`` (see carebrowser.data.postgres), so names and titles sort by code
point there as they do in SQLite, and keyset cursors compare the same way on both.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Engine, Text, bindparam, cast, select, text

from carebrowser.data.fts import fts5_query
from carebrowser.data.postgres import source_fts, statement_fts, tsquery_text
from carebrowser.data.schema import Source, Statement


class SearchBackend(Protocol):
    """Turns a user's search text into SQL conditions; any text is accepted."""

    def statement_matches(self, user_text: str) -> Any:
        """A condition true for statements whose text contains every word of *user_text*."""

    def source_matches(self, user_text: str) -> Any:
        """A condition true for sources whose headline or text contains every word."""


class SQLiteSearch:
    """FTS5 over the statement_fts and source_fts indexes."""

    def statement_matches(self, user_text: str) -> Any:
        query = fts5_query(user_text)
        if query is None:
            # Matches nothing but keeps the table: false() left positions()' EXISTS without it.
            return Statement.id.in_(())
        matching = (
            select(text("rowid"))
            .select_from(text("statement_fts"))
            .where(text("statement_fts MATCH :statement_query").bindparams(statement_query=query))
        )
        return Statement.id.in_(matching)

    def source_matches(self, user_text: str) -> Any:
        query = fts5_query(user_text)
        if query is None:
            return Source.id.in_(())
        matching = (
            select(text("rowid"))
            .select_from(text("source_fts"))
            .where(text("source_fts MATCH :source_query").bindparams(source_query=query))
        )
        return Source.id.in_(matching)


def _tsquery(name: str, query: str) -> Any:
    """CAST(:name AS TSQUERY): quoted lexemes, taken as they are (the dialect loads when used)."""
    from sqlalchemy.dialects.postgresql import TSQUERY

    return cast(bindparam(name, query, type_=Text), TSQUERY)


class PostgreSQLSearch:
    """tsvector documents with GIN indexes, written by 'carebrowser db publish'."""

    def statement_matches(self, user_text: str) -> Any:
        query = tsquery_text(user_text)
        if query is None:
            return Statement.id.in_(())
        matching = select(statement_fts.c.id).where(
            statement_fts.c.document.bool_op("@@")(_tsquery("statement_query", query))
        )
        return Statement.id.in_(matching)

    def source_matches(self, user_text: str) -> Any:
        query = tsquery_text(user_text)
        if query is None:
            return Source.id.in_(())
        matching = select(source_fts.c.id).where(
            source_fts.c.document.bool_op("@@")(_tsquery("source_query", query))
        )
        return Source.id.in_(matching)


def for_engine(engine: Engine) -> SearchBackend:
    """The search backend for an engine's dialect."""
    if engine.dialect.name == "sqlite":
        return SQLiteSearch()
    if engine.dialect.name == "postgresql":
        return PostgreSQLSearch()
    raise NotImplementedError(f"no full-text search for {engine.dialect.name}")
