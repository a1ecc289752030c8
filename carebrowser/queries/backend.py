"""Where database backends differ: full-text search. Nothing above this module knows the backend."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import Engine, false, select, text

from carebrowser.data.fts import fts5_query
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
            return false()
        matching = (
            select(text("rowid"))
            .select_from(text("statement_fts"))
            .where(text("statement_fts MATCH :statement_query").bindparams(statement_query=query))
        )
        return Statement.id.in_(matching)

    def source_matches(self, user_text: str) -> Any:
        query = fts5_query(user_text)
        if query is None:
            return false()
        matching = (
            select(text("rowid"))
            .select_from(text("source_fts"))
            .where(text("source_fts MATCH :source_query").bindparams(source_query=query))
        )
        return Source.id.in_(matching)


def for_engine(engine: Engine) -> SearchBackend:
    """The search backend for an engine's dialect."""
    if engine.dialect.name == "sqlite":
        return SQLiteSearch()
    raise NotImplementedError(f"no full-text search for {engine.dialect.name}")
