"""The timeline's reader: the stances statements show, when, counted per period in SQL.

A statement dated by month, year or approximately is a span (carebrowser.data.dates); the date
filter keeps a statement whose span starts in the range, as every other view does with the
statement's date. A window (the part of the time axis shown) keeps what overlaps it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Engine, Select, case, func, literal, select, tuple_

from carebrowser.data.dates import OPEN_END, date_span
from carebrowser.data.tables import (
    Proposal,
    Source,
    Stakeholder,
    Statement,
    StatementStance,
)
from carebrowser.queries import backend
from carebrowser.queries.filters import Filters
from carebrowser.queries.rows import format_date

#: What the timeline lays out down: one row per stakeholder, or one per proposal.
Axis = Literal["stakeholder", "proposal"]
AXES: tuple[Axis, ...] = ("stakeholder", "proposal")

#: A window of the time axis: its first and last day.
Window = tuple[dt.date, dt.date]

#: Rows shown at most; the heading says when there are more.
ROW_LIMIT = 200


@dataclass(frozen=True)
class TimelineRow:
    """A row of the timeline: a stakeholder or a proposal, and how many stances it has."""

    id: int
    label: str
    detail: str
    count: int


@dataclass(frozen=True)
class StanceMark:
    """One statement's stance on one proposal: a mark on the timeline."""

    statement_id: int
    quote_id: str
    stakeholder_id: int
    stakeholder: str
    proposal_id: int
    proposal: str
    stance: str
    note: str | None
    date_from: dt.date
    date_until: dt.date
    date: dt.date
    date_precision: str
    date_inferred: bool
    source_id: int
    source_key: str
    publication: str
    headline: str | None
    text: str
    kind: str
    truncated: bool

    @property
    def date_label(self) -> str:
        """The date as precise as it is known: '17 Oct 2002', 'Oct 2002 (inferred)'."""
        return format_date(self.date, self.date_precision, self.date_inferred)

    @property
    def is_span(self) -> bool:
        """Whether the date stands for more than one day (drawn as a band)."""
        return self.date_until > self.date_from

    @property
    def is_open_ended(self) -> bool:
        """Whether only the earliest day is known ("on or after"): the span has no known end."""
        return self.date_until == OPEN_END

    def row_id(self, axis: Axis) -> int:
        """The id of the row the mark is drawn in."""
        return self.stakeholder_id if axis == "stakeholder" else self.proposal_id


@dataclass(frozen=True)
class PeriodCount:
    """How many stances of one kind a row has in one period (the timeline zoomed out)."""

    row_id: int
    period: dt.date
    stance: str
    count: int


@dataclass(frozen=True)
class SourceTick:
    """A source on the time axis, with its headline and its date's span."""

    id: int
    publication: str
    headline: str | None
    date: dt.date
    date_precision: str
    date_inferred: bool
    date_from: dt.date
    date_until: dt.date

    @property
    def date_label(self) -> str:
        """The date as precise as it is known."""
        return format_date(self.date, self.date_precision, self.date_inferred)

    @property
    def title(self) -> str:
        """The headline, or the publication when the piece has none."""
        return self.headline or self.publication


@dataclass(frozen=True)
class Spell:
    """The statements of one stakeholder on one proposal that show one stance: how many, and
    the earliest and latest start and end of their date spans."""

    stakeholder_id: int
    proposal_id: int
    stance: str
    count: int
    first_from: dt.date
    first_until: dt.date
    last_from: dt.date
    last_until: dt.date


def month_start(month: int) -> dt.date:
    """The first day of a month numbered as StatementStance.month."""
    return dt.date(month // 12, month % 12 + 1, 1)


class Timeline:
    """Read-only questions about the stances statements show over time; plain rows out."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._search = backend.for_engine(engine)

    def _where(self, filters: Filters, window: Window | None = None) -> list[Any]:
        """Conditions on a stance for the filters, and for what overlaps *window*."""
        where: list[Any] = []
        if filters.stakeholders:
            where.append(StatementStance.speaker_id.in_(sorted(filters.stakeholders)))
        if filters.categories:
            where.append(
                StatementStance.speaker_id.in_(
                    select(Stakeholder.id).where(
                        Stakeholder.category.in_(sorted(filters.categories))
                    )
                )
            )
        if filters.proposals:
            where.append(StatementStance.proposal_id.in_(sorted(filters.proposals)))
        statement: list[Any] = []
        if filters.sources:
            statement.append(Statement.source_id.in_(sorted(filters.sources)))
        if filters.search.strip():
            statement.append(self._search.statement_matches(filters.search))
        if statement:
            where.append(StatementStance.statement_id.in_(select(Statement.id).where(*statement)))
        if filters.date_from is not None:
            where.append(StatementStance.date_from >= filters.date_from)
        if filters.date_to is not None:
            where.append(StatementStance.date_from <= filters.date_to)
        if window is not None:
            # The month bound first, so that the month index serves the range.
            first_month = (window[0].year - 1) * 12 + window[0].month - 1
            where.append(StatementStance.month >= first_month)
            where.append(StatementStance.date_from <= window[1])
            where.append(StatementStance.date_until >= window[0])
        return where

    @staticmethod
    def _row_column(axis: Axis) -> Any:
        return StatementStance.speaker_id if axis == "stakeholder" else StatementStance.proposal_id

    def extent(self, filters: Filters = Filters()) -> Window | None:
        """The first and last day of the filtered stances' spans; None when there are none.

        Read along the month index from either end: a span is at most a year long, so the
        last day is among the stances of the last twelve months."""
        where = self._where(filters)
        first_query = (
            select(StatementStance.date_from, StatementStance.month)
            .where(*where)
            .order_by(StatementStance.month, StatementStance.date_from)
            .limit(1)
        )
        last_month = (
            select(StatementStance.month)
            .where(*where)
            .order_by(StatementStance.month.desc())
            .limit(1)
        )
        with self.engine.connect() as connection:
            first = connection.execute(first_query).first()
            if first is None:
                return None
            month = connection.scalar(last_month)
            # An "on or after" span has no known end: its earliest day is the latest known.
            known_end = case(
                (StatementStance.date_until == OPEN_END, StatementStance.date_from),
                else_=StatementStance.date_until,
            )
            last = connection.scalar(
                select(func.max(known_end)).where(
                    *where, StatementStance.month >= int(month or 0) - 12
                )
            )
        return _as_date(first[0]), _as_date(last)

    def rows(
        self, filters: Filters = Filters(), axis: Axis = "stakeholder", *, limit: int = ROW_LIMIT
    ) -> tuple[list[TimelineRow], int]:
        """The rows with stances, most stances first (then by name), and how many there are."""
        column = self._row_column(axis)
        counted = (
            select(column.label("row_id"), func.count().label("n"))
            .where(*self._where(filters))
            .group_by(column)
            .subquery()
        )
        joined: Any
        if axis == "stakeholder":
            label, detail, key = Stakeholder.name, Stakeholder.category, Stakeholder.sort_name
            joined = Stakeholder
        else:
            label, detail, key = Proposal.title, Proposal.policy_area, Proposal.title
            joined = Proposal
        query = (
            select(counted.c.row_id, label, detail, counted.c.n)
            .join(joined, joined.id == counted.c.row_id)
            .order_by(counted.c.n.desc(), key, counted.c.row_id)
            .limit(limit)
        )
        with self.engine.connect() as connection:
            rows = [TimelineRow(*row) for row in connection.execute(query)]
            total = connection.scalar(select(func.count()).select_from(counted))
        return rows, int(total or 0)

    def mark_count(
        self,
        filters: Filters = Filters(),
        window: Window | None = None,
        *,
        at_most: int,
        axis: Axis = "stakeholder",
        rows: Sequence[int] | None = None,
    ) -> int:
        """How many stances pass the filters and overlap *window* (in *rows*, if given),
        counting up to *at_most*."""
        inner = select(literal(1)).select_from(StatementStance).where(*self._where(filters, window))
        if rows is not None:
            inner = inner.where(self._row_column(axis).in_(list(rows)))
        query = select(func.count()).select_from(inner.limit(at_most).subquery())
        with self.engine.connect() as connection:
            return int(connection.scalar(query) or 0)

    def _mark_select(self) -> Select[Any]:
        return (
            select(
                StatementStance.statement_id,
                Statement.key,
                StatementStance.speaker_id,
                Stakeholder.name,
                StatementStance.proposal_id,
                Proposal.title,
                StatementStance.stance,
                StatementStance.note,
                StatementStance.date_from,
                StatementStance.date_until,
                Source.date,
                Source.date_precision,
                Source.date_inferred,
                Source.id,
                Source.key,
                Source.publication,
                Source.headline,
                Statement.text,
                Statement.kind,
                Statement.truncated,
            )
            .join(Statement, Statement.id == StatementStance.statement_id)
            .join(Source, Source.id == Statement.source_id)
            .join(Stakeholder, Stakeholder.id == StatementStance.speaker_id)
            .join(Proposal, Proposal.id == StatementStance.proposal_id)
        )

    #: The order marks are read and reached in: time, then stakeholder, proposal, statement.
    _ORDER = (
        StatementStance.date_from,
        StatementStance.date_until,
        StatementStance.speaker_id,
        StatementStance.proposal_id,
        StatementStance.statement_id,
    )

    def marks(
        self,
        filters: Filters = Filters(),
        window: Window | None = None,
        *,
        axis: Axis = "stakeholder",
        rows: Sequence[int] | None = None,
        after: tuple[object, ...] | None = None,
        limit: int = 5000,
    ) -> list[StanceMark]:
        """The stances that pass the filters and overlap *window*, in time order; with *rows*,
        only those drawn in these rows."""
        query = self._mark_select().where(*self._where(filters, window))
        if rows is not None:
            query = query.where(self._row_column(axis).in_(list(rows)))
        if after is not None:
            query = query.where(tuple_(*self._ORDER) > tuple_(*(literal(v) for v in after)))
        query = query.order_by(*self._ORDER).limit(limit)
        with self.engine.connect() as connection:
            return [_mark(row) for row in connection.execute(query)]

    def all_marks(self, filters: Filters = Filters()) -> Iterator[StanceMark]:
        """Every stance that passes the filters, in time order, a page at a time (exports)."""
        after: tuple[object, ...] | None = None
        while True:
            page = self.marks(filters, after=after, limit=2000)
            yield from page
            if len(page) < 2000:
                return
            last = page[-1]
            after = (
                last.date_from,
                last.date_until,
                last.stakeholder_id,
                last.proposal_id,
                last.statement_id,
            )

    def counts(
        self,
        filters: Filters,
        axis: Axis,
        rows: Sequence[int],
        months: int,
        window: Window | None = None,
    ) -> list[PeriodCount]:
        """Stances counted per row, period of *months* months and stance, in SQL."""
        if not rows:
            return []
        column = self._row_column(axis)
        period = (StatementStance.month // months) * months
        query = (
            select(column, period, StatementStance.stance, func.count())
            .where(*self._where(filters, window), column.in_(list(rows)))
            .group_by(column, period, StatementStance.stance)
        )
        with self.engine.connect() as connection:
            return [
                PeriodCount(row_id, month_start(int(start)), stance, count)
                for row_id, start, stance, count in connection.execute(query)
            ]

    def spells(
        self,
        filters: Filters = Filters(),
        *,
        stakeholders: Iterable[int] | None = None,
        proposals: Iterable[int] | None = None,
    ) -> list[Spell]:
        """Each stakeholder's stances on each proposal, grouped by stance (see Spell)."""
        where = self._where(filters)
        if stakeholders is not None:
            where.append(StatementStance.speaker_id.in_(sorted(set(stakeholders))))
        if proposals is not None:
            where.append(StatementStance.proposal_id.in_(sorted(set(proposals))))
        group = (StatementStance.speaker_id, StatementStance.proposal_id, StatementStance.stance)
        query = (
            select(
                *group,
                func.count(),
                func.min(StatementStance.date_from),
                func.min(StatementStance.date_until),
                func.max(StatementStance.date_from),
                func.max(StatementStance.date_until),
            )
            .where(*where)
            .group_by(*group)
            .order_by(*group)
        )
        with self.engine.connect() as connection:
            return [
                Spell(*row[:4], *(_as_date(value) for value in row[4:]))
                for row in connection.execute(query)
            ]

    def sources(
        self, filters: Filters = Filters(), window: Window | None = None, *, limit: int = 400
    ) -> tuple[list[SourceTick], bool]:
        """The sources of the filtered stances that overlap *window*, by date (at most *limit*),
        and whether there are more. Read in date order, each source checked as it comes."""
        where = self._where(filters, window)
        cited = (
            select(literal(1))
            .select_from(Statement)
            .join(StatementStance, StatementStance.statement_id == Statement.id)
            .where(Statement.source_id == Source.id, *where)
            .exists()
        )
        query = select(
            Source.id,
            Source.publication,
            Source.headline,
            Source.date,
            Source.date_precision,
            Source.date_inferred,
        ).where(cited)
        if window is not None:
            # A source's span is at most a year long, and starts on its date.
            query = query.where(
                Source.date <= window[1], Source.date >= window[0] - dt.timedelta(days=366)
            )
        query = query.order_by(Source.date, Source.id).limit(limit + 1)
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        ticks = []
        for source_id, publication, headline, date, precision, inferred in rows[:limit]:
            first, last = date_span(_as_date(date), str(precision))
            when = _as_date(date)
            tick = SourceTick(
                source_id, publication, headline, when, precision, inferred, first, last
            )
            ticks.append(tick)
        return ticks, len(rows) > limit


def _as_date(value: Any) -> dt.date:
    """A date as the driver gives it (SQLite aggregates return text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _mark(row: Any) -> StanceMark:
    values = list(row)
    for index in (8, 9, 10):
        values[index] = _as_date(values[index])
    return StanceMark(*values)


__all__ = [
    "AXES",
    "ROW_LIMIT",
    "Axis",
    "PeriodCount",
    "SourceTick",
    "Spell",
    "StanceMark",
    "Timeline",
    "TimelineRow",
    "Window",
    "month_start",
]
