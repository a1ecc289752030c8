"""The database schema: SQLAlchemy 2.x typed ORM classes with the dataset's rules as constraints."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
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
        # Covers the name filter (sort name, aliases, role) as well as the list's order.
        Index("ix_stakeholder_category_sort", "category", "sort_name", "id", "aliases", "role"),
        Index("ix_stakeholder_sort", "sort_name", "id"),
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

    organisation: Mapped[Stakeholder | None] = relationship(remote_side=[id])


class Source(Base):
    """One published piece, with its cleaned text."""

    __tablename__ = "source"
    __table_args__ = (
        CheckConstraint(_one_of("date_precision", DATE_PRECISIONS), name="ck_date_precision"),
        CheckConstraint(
            "NOT date_inferred OR (date_evidence IS NOT NULL AND date_evidence <> '')",
            name="ck_inferred_date_has_evidence",
        ),
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
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    summary: Mapped[str] = mapped_column(Text)
    proposer_id: Mapped[int | None] = mapped_column(ForeignKey("stakeholder.id"))
    policy_area: Mapped[str] = mapped_column(String(80))

    proposer: Mapped[Stakeholder | None] = relationship()


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
