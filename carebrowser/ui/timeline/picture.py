"""What the timeline draws, read from the database for one window of time. No painting here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from carebrowser.analysis.timeline import ChangeOfPosition
from carebrowser.data.dates import date_span
from carebrowser.queries.timeline import (
    Axis,
    PeriodCount,
    SourceTick,
    StanceMark,
    TimelineRow,
    Window,
)
from carebrowser.ui.timeline.scale import month_end


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
    source_total: int = 0
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
        last = first
        for _ in range(months - 1):
            last = month_end(last) + dt.timedelta(days=1)
        cells.append(Cell(row_id, first, month_end(last), tuple(sorted(counted))))
    return sorted(cells, key=lambda c: (c.first, c.row_id))


def span_of(date: dt.date, precision: str) -> Window:
    """A date's span (see carebrowser.data.dates)."""
    return date_span(date, precision)
