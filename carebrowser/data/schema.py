"""The database schema: SQLAlchemy 2.x typed ORM classes with the dataset's rules as constraints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from carebrowser.data.vocabulary import (
    CATEGORIES,
    DATE_PRECISIONS,
    KINDS,
    RATINGS,
    STAKEHOLDER_KINDS,
    STANCES,
)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Meta(Base):
    """Key-value facts about the database itself, the schema version among them."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Stakeholder(Base):
    """A person or an organisation that said something, or whose position is reported."""

    __tablename__ = "stakeholder"
    __table_args__ = (
        CheckConstraint(_one_of("kind", STAKEHOLDER_KINDS), name="ck_stakeholder_kind"),
        CheckConstraint(_one_of("category", CATEGORIES), name="ck_stakeholder_category"),
        CheckConstraint(f"rating IS NULL OR {_one_of('rating', RATINGS)}", name="ck_rating"),
        CheckConstraint("organisation_id IS NULL OR kind = 'person'", name="ck_affiliation"),
        CheckConstraint("organisation_id IS NULL OR organisation_id <> id", name="ck_not_self"),
        CheckConstraint(
            "second_organisation_id IS NULL OR (organisation_id IS NOT NULL "
            "AND second_organisation_id <> organisation_id AND second_organisation_id <> id)",
            name="ck_second_affiliation",
        ),
        CheckConstraint("statement_count >= 0", name="ck_stakeholder_statement_count"),
        # Covers the name filter (sort name, aliases, role), the window's "with statements"
        # filter (statement_count) and the list's order.
        Index(
            "ix_stakeholder_category_sort",
            "category",
            "sort_name",
            "id",
            "aliases",
            "role",
            "statement_count",
        ),
        Index("ix_stakeholder_sort", "sort_name", "id"),
        # The people of organisations (an organisation's rows in the list, "With their
        # people"). Partial: only people have affiliations, and a query's "IN (...)" implies
        # the indexes' condition, so SQLite's planner uses them.
        *(
            Index(
                f"ix_stakeholder_{column}",
                column,
                sqlite_where=text(f"{column} IS NOT NULL"),
                postgresql_where=text(f"{column} IS NOT NULL"),
            )
            for column in ("organisation_id", "second_organisation_id")
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sort_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(40))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder.id"))
    role: Mapped[str | None] = mapped_column(Text)
    aliases: Mapped[str] = mapped_column(Text, default="")
    rating: Mapped[str | None] = mapped_column(String(40))
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    #: How many statements it made; stored by store_counts() so that lists need not count.
    statement_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: A second affiliation, for a person the articles give joint posts in two organisations.
    second_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder.id"))

    organisation: Mapped[Stakeholder | None] = relationship(
        remote_side=[id], foreign_keys=[organisation_id]
    )
    second_organisation: Mapped[Stakeholder | None] = relationship(
        remote_side=[id], foreign_keys=[second_organisation_id]
    )


class Source(Base):
    """One published piece, with its cleaned text."""

    __tablename__ = "source"
    __table_args__ = (
        CheckConstraint(_one_of("date_precision", DATE_PRECISIONS), name="ck_date_precision"),
        CheckConstraint(
            "NOT date_inferred OR (date_evidence IS NOT NULL AND date_evidence <> '')",
            name="ck_inferred_date_has_evidence",
        ),
        CheckConstraint("statement_count >= 0", name="ck_source_statement_count"),
        Index("ix_source_date", "date", "id"),
        Index("ix_source_publication", "publication", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    capture: Mapped[str] = mapped_column(String(200))
    publication: Mapped[str] = mapped_column(String(200))
    publication_evidence: Mapped[str | None] = mapped_column(Text)
    headline: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    date: Mapped[dt.date] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(20))
    date_inferred: Mapped[bool] = mapped_column(Boolean)
    date_evidence: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    #: How many statements quote it; stored by store_counts().
    statement_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: What the capture cuts off of the headline or the by-line, and other facts of the capture.
    note: Mapped[str | None] = mapped_column(Text)


statement_proposal = Table(
    "statement_proposal",
    Base.metadata,
    Column("statement_id", ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True),
    Column("proposal_id", ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_statement_proposal_proposal", "proposal_id", "statement_id"),
)

position_evidence = Table(
    "position_evidence",
    Base.metadata,
    Column("position_id", ForeignKey("position.id", ondelete="CASCADE"), primary_key=True),
    Column("statement_id", ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_position_evidence_statement", "statement_id", "position_id"),
)


class Proposal(Base):
    """A policy proposal under discussion."""

    __tablename__ = "proposal"
    __table_args__ = (CheckConstraint("position_count >= 0", name="ck_proposal_position_count"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    summary: Mapped[str] = mapped_column(Text)
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder.id"))
    policy_area: Mapped[str] = mapped_column(String(80))
    #: How many positions it has; stored by store_counts().
    position_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    proposer: Mapped[Stakeholder | None] = relationship(foreign_keys=[proposer_id])


class Statement(Base):
    """A verbatim span of a source's cleaned text, attributed to one speaker."""

    __tablename__ = "statement"
    __table_args__ = (
        CheckConstraint(_one_of("kind", KINDS), name="ck_statement_kind"),
        CheckConstraint('start >= 0 AND "end" > start', name="ck_span"),
        CheckConstraint('length(text) = "end" - start', name="ck_span_length"),
        UniqueConstraint("source_id", "start", "end", "speaker_id", name="uq_statement_span"),
        # Each in the order of a quotes sort (date: sort_date, source_id, start, id), so that a
        # page is read from the index without sorting every matching statement.
        Index("ix_statement_speaker", "speaker_id", "sort_date", "source_id", "start", "id"),
        Index("ix_statement_source", "source_id", "start", "id"),
        Index("ix_statement_date", "sort_date", "source_id", "start", "id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    speaker_id: Mapped[int] = mapped_column(ForeignKey("stakeholder.id"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The source's date, copied here so that statements sort by date through one index.
    sort_date: Mapped[dt.date] = mapped_column(Date)
    #: The speaker's role as this source prints it ("director of education and social policy
    #: at the LGA"), or None where it prints none; a person's role changes between sources.
    role: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship()
    speaker: Mapped[Stakeholder] = relationship()
    proposals: Mapped[list[Proposal]] = relationship(secondary=statement_proposal)


class Position(Base):
    """A stakeholder's stance on a proposal, with the statements it rests on."""

    __tablename__ = "position"
    __table_args__ = (
        CheckConstraint(_one_of("stance", STANCES), name="ck_stance"),
        UniqueConstraint("stakeholder_id", "proposal_id", name="uq_position"),
        Index("ix_position_proposal", "proposal_id", "stakeholder_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stakeholder_id: Mapped[int] = mapped_column(ForeignKey("stakeholder.id"))
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    stance: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)

    stakeholder: Mapped[Stakeholder] = relationship()
    proposal: Mapped[Proposal] = relationship()
    evidence: Mapped[list[Statement]] = relationship(secondary=position_evidence)


class StatementStance(Base):
    """The stance one statement shows on one proposal it speaks to (DNA's "agreement").

    A position is the curated summary; its evidence carries the stance each statement shows.
    The speaker and the date span are copied from the statement and its source, so that a
    timeline is read and counted through one index.
    """

    __tablename__ = "statement_stance"
    __table_args__ = (
        CheckConstraint(_one_of("stance", STANCES), name="ck_statement_stance"),
        CheckConstraint("date_until >= date_from", name="ck_statement_stance_span"),
        # Each covers the timeline's reads of its rows: a row's spells (by proposal and stance,
        # see carebrowser.analysis.timeline), a row's counts per period (by month), and a
        # window's stances (by month first).
        Index(
            "ix_statement_stance_speaker",
            *("speaker_id", "proposal_id", "stance", "date_from", "date_until", "month"),
        ),
        Index(
            "ix_statement_stance_speaker_month",
            *("speaker_id", "month", "stance", "date_from", "date_until"),
        ),
        Index(
            "ix_statement_stance_proposal",
            *("proposal_id", "speaker_id", "stance", "date_from", "date_until", "month"),
        ),
        Index(
            "ix_statement_stance_month",
            *("month", "speaker_id", "proposal_id", "stance", "date_from", "date_until"),
        ),
    )
    statement_id: Mapped[int] = mapped_column(
        ForeignKey("statement.id", ondelete="CASCADE"), primary_key=True
    )
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposal.id", ondelete="CASCADE"), primary_key=True
    )
    stance: Mapped[str] = mapped_column(String(40))
    #: Why a reviewed stance differs from the position's; None where it is the position's.
    note: Mapped[str | None] = mapped_column(Text)
    speaker_id: Mapped[int] = mapped_column(ForeignKey("stakeholder.id"))
    #: The first and last day the statement's date stands for (carebrowser.data.dates).
    date_from: Mapped[dt.date] = mapped_column(Date)
    date_until: Mapped[dt.date] = mapped_column(Date)
    #: date_from's month as a number (year * 12 + month - 1): periods are counted by dividing it.
    month: Mapped[int] = mapped_column(Integer)


def month_number(date: dt.date) -> int:
    """The month column's value for a date: year * 12 + month - 1."""
    return date.year * 12 + date.month - 1


#: The counts kept on rows (table, column, the rows counted, their column naming the row).
STORED_COUNTS: tuple[tuple[type[Base], str, type[Base], str], ...] = (
    (Stakeholder, "statement_count", Statement, "speaker_id"),
    (Source, "statement_count", Statement, "source_id"),
    (Proposal, "position_count", Position, "proposal_id"),
)


def _counts() -> Iterator[tuple[Table, str, Any]]:
    """Each stored count: its table, its column and the count of the rows it counts."""
    for table, column, counted, key in STORED_COUNTS:
        owner, rows = table.__table__, counted.__table__
        assert isinstance(owner, Table) and isinstance(rows, Table)
        number = select(func.count()).select_from(rows).where(rows.c[key] == owner.c.id)
        yield owner, column, number.scalar_subquery()


def store_counts(connection: Connection) -> None:
    """Fill the stored counts from the rows they count (the build does this once, at the end)."""
    for owner, column, number in _counts():
        connection.execute(update(owner).values({column: number}))


def stored_count_errors(connection: Connection) -> list[str]:
    """The stored counts that differ from the rows they count: a line each, at most ten a count."""
    errors: list[str] = []
    for owner, column, number in _counts():
        query = (
            select(owner.c.id, owner.c[column], number)
            .where(owner.c[column] != number)
            .order_by(owner.c.id)
            .limit(10)
        )
        errors += [
            f"{owner.name} {row_id}: {column} is {stored}, but there are {actual}"
            for row_id, stored, actual in connection.execute(query)
        ]
    return errors
