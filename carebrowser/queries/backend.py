"""Where database backends differ: full-text search, and the few functions with which the quotes
export computes its cells. Nothing above this module knows the backend.

Ordering needs nothing here: on PostgreSQL every text column is created COLLATE "C" by
``carebrowser db publish`` (see carebrowser.data.postgres), so names and titles sort by code
point there as they do in SQLite, and keyset cursors compare the same way on both.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import (
    Engine,
    Integer,
    Select,
    Text,
    bindparam,
    cast,
    extract,
    func,
    literal,
    select,
    text,
)

from carebrowser.data.fts import fts5_query
from carebrowser.data.tables import Source, Statement


class SearchBackend(Protocol):
    """Turns a user's search text into SQL conditions; any text is accepted."""

    def statement_matches(self, user_text: str) -> Any:
        """A condition true for statements whose text matches the search *user_text*."""

    def source_matches(self, user_text: str) -> Any:
        """A condition true for sources whose headline or text matches the search."""


class SQLiteSearch:
    """FTS5 over the statement_fts and source_fts indexes."""

    def statement_matches(self, user_text: str) -> Any:
        return _fts5_matches(Statement.id, "statement", fts5_query(user_text))

    def source_matches(self, user_text: str) -> Any:
        return _fts5_matches(Source.id, "source", fts5_query(user_text))


def _fts5_matches(column: Any, table: str, query: tuple[str, bool] | None) -> Any:
    """*column* IN the rowids of *table*_fts that match *query*, or NOT IN them when the query
    only excludes (nothing when it is None)."""
    if query is None:
        # Matches nothing but keeps the table: false() left positions()' EXISTS without it.
        return column.in_(())
    expression, excluding = query
    matching = (
        select(text("rowid"))
        .select_from(text(f"{table}_fts"))
        .where(
            text(f"{table}_fts MATCH :{table}_query").bindparams(**{f"{table}_query": expression})
        )
    )
    return column.not_in(matching) if excluding else column.in_(matching)


def _tsquery(name: str, query: str) -> Any:
    """CAST(:name AS TSQUERY): quoted lexemes, taken as they are (the dialect loads when used)."""
    from sqlalchemy.dialects.postgresql import TSQUERY

    return cast(bindparam(name, query, type_=Text), TSQUERY)


class PostgreSQLSearch:
    """tsvector documents with GIN indexes, written by 'carebrowser db publish'."""

    def statement_matches(self, user_text: str) -> Any:
        from carebrowser.data.postgres import statement_fts

        return _tsquery_matches(Statement.id, statement_fts, "statement_query", user_text)

    def source_matches(self, user_text: str) -> Any:
        from carebrowser.data.postgres import source_fts

        return _tsquery_matches(Source.id, source_fts, "source_query", user_text)


def _tsquery_matches(column: Any, documents: Any, name: str, user_text: str) -> Any:
    """*column* IN the ids of *documents* whose document matches *user_text*."""
    from carebrowser.data.postgres import tsquery_text

    query = tsquery_text(user_text)
    if query is None:
        return column.in_(())
    matching = select(documents.c.id).where(
        documents.c.document.bool_op("@@")(_tsquery(name, query))
    )
    return column.in_(matching)


def for_engine(engine: Engine) -> SearchBackend:
    """The search backend for an engine's dialect."""
    if engine.dialect.name == "sqlite":
        return SQLiteSearch()
    if engine.dialect.name == "postgresql":
        return PostgreSQLSearch()
    raise NotImplementedError(f"no full-text search for {engine.dialect.name}")


def joined_in_order(
    dialect: str, rows: Select[Any], order_by: Sequence[Any], separator: str
) -> Select[Any]:
    """One row: the text column of *rows*, in *order_by*, joined by *separator* (NULL if none).

    The row's column is named ``joined``. SQLite's group_concat follows the order of an ordered
    subquery (its optimiser keeps a subquery's ORDER BY under an order-sensitive aggregate);
    PostgreSQL's string_agg is given the order itself.
    """
    if dialect == "sqlite":
        ordered = rows.order_by(*order_by).subquery()
        (column,) = ordered.c
        return select(func.group_concat(column, separator).label("joined")).select_from(ordered)
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import aggregate_order_by

        (value,) = rows.selected_columns
        joined = func.string_agg(value, aggregate_order_by(literal(separator), *order_by))
        return rows.with_only_columns(joined.label("joined"))
    raise NotImplementedError(f"no ordered text aggregate for {dialect}")


def first_character_code(dialect: str, value: Any) -> Any:
    """The code point of *value*'s first character (NULL or 0 when it is empty).

    Cheaper than comparing substr(value, 1, 1): no one-character string is made for each row.
    """
    if dialect == "sqlite":
        return func.unicode(value)
    if dialect == "postgresql":
        # In a UTF8 database, ascii() is the first character's code point, as its manual says.
        return func.ascii(value)
    raise NotImplementedError(f"no character codes for {dialect}")


def valid_date(dialect: str, date: Any) -> Any | None:
    """A condition true where a Date column holds a real date; None where the backend's type
    allows nothing else. SQLite keeps any text: date(d, '+0 days') rolls '2001-02-30' over to
    '2001-03-02' and gives NULL for '2002-13-45', so a date is real where it comes back unchanged.
    """
    if dialect == "sqlite":
        return func.date(date, "+0 days") == date
    return None


def date_parts(dialect: str, date: Any) -> tuple[Any, Any, Any]:
    """Integer expressions for the year, month and day of a Date column.

    SQLite holds a date as 'YYYY-MM-DD' text (SQLAlchemy's Date type): its parts are read where
    they stand, cheaper than strftime(), which parses the whole date again for each part.
    """
    if dialect == "sqlite":
        spans = ((1, 4), (6, 2), (9, 2))
        year, month, day = (cast(func.substr(date, at, size), Integer) for at, size in spans)
        return year, month, day
    if dialect == "postgresql":
        year, month, day = (cast(extract(part, date), Integer) for part in ("year", "month", "day"))
        return year, month, day
    raise NotImplementedError(f"no date parts for {dialect}")
