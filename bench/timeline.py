"""The timeline at scale: its reads (open, zoom, filter) and the drawing of what they read, both
on the GUI thread until each worker thread has a database connection of its own."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Callable
from pathlib import Path

from bench.metrics import Figure, median_ms
from carebrowser.analysis.timeline_picture import Picture, read_rows, read_window
from carebrowser.data.database import open_database
from carebrowser.queries import Filters
from carebrowser.queries.timeline import Timeline

#: The reads run on a reading thread (carebrowser.ui.timeline.reading): the GUI thread does not
#: wait for them; the drawing is on the GUI thread.
TARGET = "read off the GUI thread"
PAINT_TARGET = "<= 100 ms at L (GUI thread)"
#: The filter of the filter figure: two years of the local authorities' statements.
FILTERED = Filters(
    categories=frozenset({"local government"}),
    date_from=dt.date(2001, 1, 1),
    date_to=dt.date(2002, 12, 31),
)


def _shown(picture: Picture) -> str:
    if picture.marks is not None:
        return f"{len(picture.marks):,} marks"
    return f"{len(picture.cells):,} cells counted per {picture.months} month(s)"


def _measure(path: Path, runs: int, reads: Callable[[Timeline], Picture]) -> tuple[float, Picture]:
    """The median time of *reads* over a new reader each run, and what the last run read."""
    engine, _info = open_database(path)
    times: list[float] = []
    shown = Picture()
    try:
        for _ in range(runs):
            timeline = Timeline(engine)

            def read(t: Timeline = timeline) -> None:
                nonlocal shown
                shown = reads(t)

            times.append(median_ms(read, 1))
    finally:
        engine.dispose()
    return statistics.median(times), shown


def _open(timeline: Timeline, filters: Filters | None = None) -> Picture:
    filters = filters or Filters()
    picture = read_rows(timeline, filters, "stakeholder")
    return read_window(timeline, filters, picture, picture.bounds)


def timeline_open(path: Path, size: str, runs: int) -> Figure:
    """Open the timeline: its rows, extent and changes, then the whole extent."""
    ours, shown = _measure(path, runs, _open)
    note = f"{len(shown.rows)} rows, {len(shown.changes):,} changes of position; {_shown(shown)}"
    return Figure("open the timeline (query layer)", size, ours, None, TARGET, note=note, runs=runs)


def timeline_zoom(path: Path, size: str, runs: int) -> list[Figure]:
    """Zoom the open timeline to a month, then to a week, in the middle of its extent."""
    engine, _info = open_database(path)
    try:
        picture = _open(Timeline(engine))
    finally:
        engine.dispose()
    first, last = picture.bounds
    middle = first + (last - first) / 2
    figures = []
    for name, days in (("a month", 30), ("a week", 7)):
        window = (middle, middle + dt.timedelta(days=days - 1))
        ours, shown = _measure(
            path, runs, lambda t, w=window: read_window(t, Filters(), picture, w)
        )
        figures.append(
            Figure(
                f"zoom the timeline to {name} (query layer)",
                size,
                ours,
                None,
                TARGET,
                note=_shown(shown),
                runs=runs,
            )
        )
    return figures


def timeline_filter(path: Path, size: str, runs: int) -> Figure:
    """A new filter: two years of the local authorities' statements."""
    ours, shown = _measure(path, runs, lambda t: _open(t, FILTERED))
    note = f"local government, 2001-2002: {len(shown.rows)} rows; {_shown(shown)}"
    return Figure(
        "filter the timeline (query layer)", size, ours, None, TARGET, note=note, runs=runs
    )


def timeline_paint(path: Path, size: str, runs: int) -> Figure:
    """Draw the picture read at the opening (the GUI thread's part), offscreen, 1,400 wide."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from carebrowser.ui.timeline.canvas import TimelineCanvas

    app = QApplication.instance() or QApplication([])
    engine, _info = open_database(path)
    try:
        picture = _open(Timeline(engine))
    finally:
        engine.dispose()
    canvas = TimelineCanvas()
    canvas.resize(1400, 600)
    canvas.show()
    app.processEvents()

    def draw() -> None:
        canvas.set_picture(picture)
        canvas.viewport().grab()

    ours = statistics.median(median_ms(draw, 1) for _ in range(runs))
    canvas.close()
    return Figure(
        "draw the opened timeline (GUI thread)", size, ours, None, PAINT_TARGET,
        note=_shown(picture), runs=runs,
    )  # fmt: skip


TIMELINE_METRICS = (timeline_open, timeline_zoom, timeline_filter, timeline_paint)
