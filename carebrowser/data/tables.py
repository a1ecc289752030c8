"""The tables as the query layer reads them: SQLAlchemy Core, without the ORM.

carebrowser.data.schema declares the tables as ORM classes, with the dataset's rules as
constraints, for what builds, imports and publishes a database. Reading needs only the tables
and their columns: declaring the ORM classes and configuring their mappers took about 40 ms of
every start of the window (and of every command), before anything was read. So the query layer
reads through these: the same tables, column for column (the same names, types, keys and
nullability; tests/test_tables.py compares them with the schema's), and the same spelling as the
ORM classes (``Stakeholder.name``, ``select_from(Statement)``), so that a query reads the same
either way. A column added to the schema is added here too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    ForeignKey,
    FromClause,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()


class Columns:
    """A table (or an alias of one) for reading: its columns as attributes
    (``Stakeholder.name``), and the table itself where SQLAlchemy asks for a FROM clause
    (``select_from(Statement)``, ``join(Source, ...)``), as the ORM classes offer them."""

    def __init__(self, table: FromClause, name: str) -> None:
        self.__table__ = table
        self.__tablename__ = name

    def __clause_element__(self) -> Any:  # the table, wherever SQLAlchemy takes an element
        return self.__table__

    def __getattr__(self, name: str) -> ColumnElement[Any]:
        if name.startswith("__"):  # copy, pickle and the like ask before __init__ has run
            raise AttributeError(name)
        try:
            column: ColumnElement[Any] = self.__table__.c[name]
        except KeyError:
            raise AttributeError(f"{self.__tablename__} has no column {name!r}") from None
        return column

    def alias(self, name: str) -> Columns:
        """The same table under another name, to join it a second time."""
        return Columns(self.__table__.alias(name), self.__tablename__)

    def __repr__(self) -> str:
        return f"Columns({self.__tablename__})"


def _table(name: str, *columns: Column[Any]) -> Columns:
    return Columns(Table(name, metadata, *columns), name)


def _required(name: str, kind: Any, *args: Any) -> Column[Any]:
    return Column(name, kind, *args, nullable=False)


def _optional(name: str, kind: Any, *args: Any) -> Column[Any]:
    return Column(name, kind, *args, nullable=True)


def _id() -> Column[Any]:
    return Column("id", Integer, primary_key=True)


Meta = _table(
    "meta",
    Column("key", String(64), primary_key=True),
    _required("value", Text),
)
Stakeholder = _table(
    "stakeholder",
    _id(),
    _required("key", String(80)),
    _required("name", String(200)),
    _required("sort_name", String(200)),
    _required("kind", String(20)),
    _required("category", String(40)),
    _optional("organisation_id", Integer, ForeignKey("stakeholder.id")),
    _optional("role", Text),
    _required("aliases", Text),
    _optional("rating", String(40)),
    _required("truncated", Boolean),
    _optional("note", Text),
    _required("statement_count", Integer),
    _optional("second_organisation_id", Integer, ForeignKey("stakeholder.id")),
)
Source = _table(
    "source",
    _id(),
    _required("key", String(80)),
    _required("capture", String(200)),
    _required("publication", String(200)),
    _optional("publication_evidence", Text),
    _optional("headline", Text),
    _optional("author", Text),
    _required("date", Date),
    _required("date_precision", String(20)),
    _required("date_inferred", Boolean),
    _optional("date_evidence", Text),
    _required("text", Text),
    _required("statement_count", Integer),
    _optional("note", Text),
)
statement_proposal = Table(
    "statement_proposal",
    metadata,
    Column("statement_id", Integer, ForeignKey("statement.id"), primary_key=True),
    Column("proposal_id", Integer, ForeignKey("proposal.id"), primary_key=True),
)
position_evidence = Table(
    "position_evidence",
    metadata,
    Column("position_id", Integer, ForeignKey("position.id"), primary_key=True),
    Column("statement_id", Integer, ForeignKey("statement.id"), primary_key=True),
)
Proposal = _table(
    "proposal",
    _id(),
    _required("key", String(80)),
    _required("title", String(200)),
    _required("summary", Text),
    _optional("proposer_id", Integer, ForeignKey("stakeholder.id")),
    _required("policy_area", String(80)),
    _required("position_count", Integer),
)
Statement = _table(
    "statement",
    _id(),
    _required("key", String(80)),
    _required("source_id", Integer, ForeignKey("source.id")),
    _required("speaker_id", Integer, ForeignKey("stakeholder.id")),
    _required("start", Integer),
    _required("end", Integer),
    _required("text", Text),
    _required("kind", String(20)),
    _required("truncated", Boolean),
    _required("sort_date", Date),
    _optional("role", Text),
)
Position = _table(
    "position",
    _id(),
    _required("stakeholder_id", Integer, ForeignKey("stakeholder.id")),
    _required("proposal_id", Integer, ForeignKey("proposal.id")),
    _required("stance", String(40)),
    _required("summary", Text),
)
StatementStance = _table(
    "statement_stance",
    Column("statement_id", Integer, ForeignKey("statement.id"), primary_key=True),
    Column("proposal_id", Integer, ForeignKey("proposal.id"), primary_key=True),
    _required("stance", String(40)),
    _optional("note", Text),
    _required("speaker_id", Integer, ForeignKey("stakeholder.id")),
    _required("date_from", Date),
    _required("date_until", Date),
    _required("month", Integer),
)
