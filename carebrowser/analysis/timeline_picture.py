"""What the timeline shows for one window of time, read with the timeline's reader. No Qt.

The view reads these on its thread; the benchmarks time the same reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from carebrowser.analysis.timeline import ChangeOfPosition, bucket_months, changes_of_position
from carebrowser.queries import Filters
from carebrowser.queries.timeline import (
    ROW_LIMIT,
    Axis,
    PeriodCount,
    SourceTick,
    StanceMark,
    Timeline,
    TimelineRow,
    Window,
)

#: The most marks drawn one by one; past it, each row's stances are counted per period.
MARK_LIMIT = 3000
#: Sources ticked at most on the axis.
SOURCE_LIMIT = 300


@dataclass(frozen=True)
class Cell:
    """One row's stances in one period, counted (the timeline zoomed out)."""

    row_id: int
    first: dt.date
    last: dt.date
    counts: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        """How many stances the cell counts."""
        return sum(n for _stance, n in self.counts)


@dataclass
class Picture:
    """The rows, marks (or counts), sources and changes of position of one window."""

    axis: Axis = "stakeholder"
    rows: list[TimelineRow] = field(default_factory=list)
    total_rows: int = 0
    window: Window = (dt.date(2001, 1, 1), dt.date(2002, 12, 31))
    #: How far the window may be moved or widened: the filtered stances' extent, padded.
    bounds: Window = (dt.date(2001, 1, 1), dt.date(2002, 12, 31))
    #: The stances in the window, in time order; None when there are too many to draw.
    marks: list[StanceMark] | None = None
    #: The stances in the window counted per row, period and stance, when marks is None.
    cells: list[Cell] = field(default_factory=list)
    months: int = 1
    sources: list[SourceTick] = field(default_factory=list)
    #: Whether the window holds more sources than are ticked.
    more_sources: bool = False
    #: Changes of position by (stakeholder id, proposal id), and each row's in words.
    changes: dict[tuple[int, int], ChangeOfPosition] = field(default_factory=dict)
    change_notes: dict[int, list[str]] = field(default_factory=dict)
    #: How many stances pass the filters in the window (at least, when too many to draw).
    in_window: int = 0

    def row_of_change(self, key: tuple[int, int]) -> int:
        """The row a change of position is drawn in."""
        return key[0] if self.axis == "stakeholder" else key[1]


def cells_of(counts: list[PeriodCount], months: int) -> list[Cell]:
    """Counts per row, period and stance gathered into cells, in time order then row."""
    gathered: dict[tuple[int, dt.date], list[tuple[str, int]]] = {}
    for count in counts:
        gathered.setdefault((count.row_id, count.period), []).append((count.stance, count.count))
    cells = []
    for (row_id, first), counted in gathered.items():
        index = first.year * 12 + first.month - 1 + months
        last = dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)
        cells.append(Cell(row_id, first, last, tuple(sorted(counted))))
    return sorted(cells, key=lambda c: (c.first, c.row_id))


def padded_window(first: dt.date, last: dt.date) -> Window:
    """Whole months around a span of days, with a month to spare on either side."""
    start = (first - dt.timedelta(days=28)).replace(day=1)
    after = last + dt.timedelta(days=28)
    index = after.year * 12 + after.month
    return start, dt.date(index // 12, index % 12 + 1, 1) - dt.timedelta(days=1)


def read_rows(
    timeline: Timeline, filters: Filters, axis: Axis, *, fallback: Window | None = None
) -> Picture:
    """The rows (most stances first), the extent and the changes of position of the rows;
    the window is the whole extent (or *fallback* when nothing passes the filters)."""
    extent = timeline.extent(filters)
    rows, total = timeline.rows(filters, axis, limit=ROW_LIMIT)
    ids = [row.id for row in rows]
    if axis == "stakeholder":
        spells = timeline.spells(filters, stakeholders=ids)
    else:
        spells = timeline.spells(filters, proposals=ids)
    bounds = padded_window(*extent) if extent else (fallback or Picture().bounds)
    return Picture(axis, rows, total, bounds, bounds, changes=changes_of_position(spells))


def read_window(
    timeline: Timeline,
    filters: Filters,
    picture: Picture,
    window: Window,
    *,
    mark_limit: int = MARK_LIMIT,
) -> Picture:
    """*picture*'s rows over another window: its marks when there are at most *mark_limit*,
    else its stances counted per row and period in SQL; and the sources in it."""
    first, last = max(window[0], picture.bounds[0]), min(window[1], picture.bounds[1])
    if last < first:
        first, last = picture.bounds
    shown = Picture(
        picture.axis,
        picture.rows,
        picture.total_rows,
        (first, last),
        picture.bounds,
        changes=picture.changes,
        change_notes=picture.change_notes,
    )
    ids = [row.id for row in picture.rows]
    shown.in_window = timeline.mark_count(
        filters, shown.window, at_most=mark_limit + 1, axis=picture.axis, rows=ids
    )
    if shown.in_window <= mark_limit:
        shown.marks = timeline.marks(
            filters, shown.window, axis=picture.axis, rows=ids, limit=mark_limit
        )
    else:
        shown.months = bucket_months(*shown.window)
        counts = timeline.counts(filters, picture.axis, ids, shown.months, shown.window)
        shown.cells = cells_of(counts, shown.months)
    shown.sources, shown.more_sources = timeline.sources(filters, shown.window, limit=SOURCE_LIMIT)
    return shown
