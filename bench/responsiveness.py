"""How long the window's GUI thread is held while a person works: its longest pause and the 99th
percentile of its event-loop latency, per interaction.

A precise 1 ms timer ticks on the GUI thread throughout; the time between two ticks is how long
the event loop could not answer (a tick is late by whatever ran in between: a read, a layout, a
paint). Each interaction is driven as a person would (keys typed 120 ms apart, clicks, view
switches) and measured until everything it asked for has been read and painted.

    python -m bench.responsiveness ARCHIVE.sqlite   # prints one JSON line
    python -m bench.responsiveness postgresql+psycopg://USER@HOST/DATABASE   # the same, served
"""

from __future__ import annotations

import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.metrics import Figure

ROOT = Path(__file__).resolve().parents[1]
#: Milliseconds between the keys typed.
TYPING_MS = 120
#: The interactions measured, in order.
INTERACTIONS = (
    ("typing a stakeholder filter", "filter"),
    ("typing a search", "search"),
    ("selecting stakeholders", "select"),
    ("switching to every view the first time (each made)", "views_first"),
    ("switching every view (made before)", "views"),
    ("opening the coalition map", "network"),
    ("opening the timeline", "timeline"),
    ("scrolling the matrix", "scroll"),
    ("opening the export dialog and exporting", "export"),
    ("comparing two stakeholders", "compare"),
)


class Ticks:
    """The GUI thread's 1 ms timer: when each tick came."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.times: list[float] = []
        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(1)
        self.timer.timeout.connect(lambda: self.times.append(time.perf_counter()))
        self.timer.start()

    @contextmanager
    def measuring(self, into: dict[str, list[float]], key: str) -> Iterator[None]:
        """Record the gaps between ticks while the block runs (and its answers arrive)."""
        first = len(self.times)
        started = time.perf_counter()
        yield
        times = self.times[first:]
        gaps = [(b - a) * 1000 for a, b in itertools.pairwise(times)]
        # The gap from the block's start to its first tick counts too (work done at once).
        if len(self.times) > first:
            gaps.append((self.times[first] - started) * 1000)
        into[key] = gaps


def _run(app: Any, milliseconds: float) -> None:
    """Let the event loop run for *milliseconds* (ticks included)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(max(1, round(milliseconds)), loop.quit)
    loop.exec()


def _settle(app: Any, done: Callable[[], bool] = lambda: True, limit: float = 120.0) -> None:
    """Run the event loop until no read is under way and *done*, then a little longer (the
    paints that follow)."""
    from carebrowser.ui import reads

    deadline = time.perf_counter() + limit
    while reads.activity().reading() or not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not settle in time")
        _run(app, 10)
    _run(app, 60)


def probe(path: Path | str) -> dict[str, list[float]]:
    """Open the window on *path* (a file, or a PostgreSQL address) and measure each
    interaction's gaps (ms)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import gc
    import tempfile

    gc.disable()  # as carebrowser.launch.main starts the window (carebrowser.startup.started)

    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QAbstractItemView, QApplication

    from carebrowser.data.database import open_database
    from carebrowser.queries import Archive
    from carebrowser.startup import started
    from carebrowser.ui.main_window import MainWindow
    from carebrowser.ui.models.roles import ROW_ROLE
    from carebrowser.ui.settings import Settings
    from carebrowser.ui.views import VIEWS, imported_ahead

    app = QApplication.instance() or QApplication([])
    engine, info = open_database(path)
    folder = tempfile.mkdtemp(prefix="carebrowser-bench-")
    settings = Settings(QSettings(f"{folder}/carebrowser.ini", QSettings.Format.IniFormat))
    window = MainWindow(Archive(engine), info, settings)
    window.resize(1400, 900)
    window.show()
    started()
    # A person looks at the first screen a moment before typing: meanwhile the other views'
    # modules are imported off the GUI thread (docs/performance.md says what typing at once costs).
    _settle(app, imported_ahead)
    ticks = Ticks()
    gaps: dict[str, list[float]] = {}

    def type_into(widget: Any, text: str) -> None:
        widget.setFocus()
        for letter in text:
            QTest.keyClick(widget, letter)
            _run(app, TYPING_MS)

    with ticks.measuring(gaps, "filter"):
        type_into(window.stakeholders.name_filter, "council")
        _settle(app, lambda: not window.stakeholders._typing.isActive())
    window.stakeholders.name_filter.clear()
    _settle(app, lambda: not window.stakeholders._typing.isActive())

    with ticks.measuring(gaps, "search"):
        type_into(window.filter_bar.search, "care trusts")
        _settle(app, lambda: not window.filter_bar._typing.isActive())

    tree = window.stakeholders.tree
    model = window.stakeholders.model
    wanted, clicked = min(5, model.rowCount()), 0
    with ticks.measuring(gaps, "select"):
        # The first stakeholder of each of the first categories, clicked in turn. A category's
        # first page is read (off the GUI thread) when its row comes into view: the list is
        # scrolled down to it, as a person scrolls, until it is read.
        def scrolled_to(category: Any) -> bool:
            if model.rowCount(category) or not model.has_more(category):
                return True
            tree.scrollTo(category, QAbstractItemView.ScrollHint.PositionAtTop)
            return False

        for row in range(wanted):
            category = model.index(row, 0)
            _settle(app, lambda c=category: scrolled_to(c))
            if not model.rowCount(category):
                continue  # a category with nobody in it
            index = model.index(0, 0, category)
            tree.scrollTo(index)
            _run(app, 30)
            spot = tree.visualRect(index).center()
            QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=spot)
            _settle(app)
            clicked += window.stakeholders.selected_ids() == {index.data(ROW_ROLE).id}
    print(f"selecting stakeholders: {clicked} of {wanted} clicks made", file=sys.stderr)

    for key in ("views_first", "views"):  # each view made (its modules imported), then again
        with ticks.measuring(gaps, key):
            for number in range(len(VIEWS)):
                window.set_view(number)
                _settle(app)
            window.set_view(0)
            _settle(app)

    network = next(n for n, spec in enumerate(VIEWS) if spec.name == "network")
    with ticks.measuring(gaps, "network"):
        window.filter_bar.search.clear()  # the whole archive's map, not a search's
        _settle(app, lambda: not window.filter_bar._typing.isActive())
        window.set_view(network)
        _settle(app, lambda: window.network.network is not None)

    # The whole archive's timeline (the search cleared above), until its picture is painted.
    timeline = next(n for n, spec in enumerate(VIEWS) if spec.name == "timeline")
    with ticks.measuring(gaps, "timeline"):
        window.set_view(timeline)
        panel = window.view(timeline).timeline
        # At L, on SQLite, the whole archive's timeline is read for about two minutes (off the
        # GUI thread): the limit is for a window that never settles, not a measure.
        _settle(app, lambda: not panel.reads.busy, limit=900)

    matrix = next(n for n, spec in enumerate(VIEWS) if spec.name == "matrix")
    window.set_view(matrix)
    _settle(app)
    bar = window.matrix.table.verticalScrollBar()
    with ticks.measuring(gaps, "scroll"):
        for _step in range(30):
            bar.setValue(bar.value() + bar.pageStep())
            _run(app, 30)
        _settle(app)

    window.set_view(0)
    _settle(app)
    with ticks.measuring(gaps, "export"):
        export_path = Path(folder) / "statements.csv"
        dialog = window.export_selection(window.statements)
        _settle(app)
        if dialog is not None:
            dialog.format_buttons["csv"].setChecked(True)
            dialog.open_box.setChecked(False)
            dialog.set_target(export_path)
            dialog.accept()
            _settle(app, lambda: not window.exports.busy())

    compare = next(n for n, spec in enumerate(VIEWS) if spec.name == "compare")
    window.set_view(compare)
    _settle(app)
    # Two of the busiest stakeholders near the top of the list, chosen by typing their names.
    listed = window.archive.stakeholders_as_listed(limit=200).rows
    busiest = sorted(listed, key=lambda s: -s.statement_count)[:2]
    with ticks.measuring(gaps, "compare"):
        for picker, chosen in zip(window.compare.pickers, busiest, strict=False):
            type_into(picker, chosen.name)
            QTest.keyClick(picker.finder.edit, Qt.Key.Key_Return)
            _settle(app, lambda p=picker: not p.finder.isVisible())
        _settle(app, lambda: len(window.compare.model.stakeholders) == len(busiest))
    window.close()
    ticks.timer.stop()
    engine.dispose()
    return gaps


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


def _probes(address: str, runs: int) -> list[dict[str, list[float]]]:
    """*runs* probes of the window on *address*, each in a process of its own."""
    results: list[dict[str, list[float]]] = []
    for _ in range(max(1, runs)):
        done = subprocess.run(
            [sys.executable, "-m", "bench.responsiveness", address],
            cwd=ROOT,
            env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"the responsiveness probe failed: {done.stderr[-2000:]}")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results


def _medians(results: list[dict[str, list[float]]], key: str) -> tuple[float, float]:
    """The median over *results* of the longest pause and of the 99th percentile."""
    longest = statistics.median(max(r[key], default=0.0) for r in results)
    return longest, statistics.median(_p99(r[key]) for r in results)


def responsiveness_metrics(path: Path, size: str, runs: int) -> list[Figure]:
    """The GUI thread's longest pause and 99th percentile latency, per interaction (the
    median over *runs* probes, each in a process of its own)."""
    results = _probes(str(path), runs)
    figures = []
    for label, key in INTERACTIONS:
        longest, p99 = _medians(results, key)
        pause = f"GUI thread's longest pause: {label} (window)"
        latency = f"event-loop latency, 99th percentile: {label} (window)"
        figures.append(Figure(pause, size, longest, None, "<= 50 ms at L", runs=len(results)))
        figures.append(Figure(latency, size, p99, None, "<= 16 ms at L", runs=len(results)))
    return figures


def pg_responsiveness_metrics(path: Path, size: str, runs: int, url: str) -> list[Figure]:
    """The same on the archive served by PostgreSQL at *url*; the baseline is the SQLite
    file, probed in the same run (alternately, so that both meet the same machine)."""
    served: list[dict[str, list[float]]] = []
    local: list[dict[str, list[float]]] = []
    for _ in range(max(1, runs)):
        served += _probes(url, 1)
        local += _probes(str(path), 1)
    figures = []
    for label, key in INTERACTIONS:
        (longest, p99), (longest_sqlite, p99_sqlite) = _medians(served, key), _medians(local, key)
        pause = f"GUI thread's longest pause: {label} (window, PostgreSQL)"
        latency = f"event-loop latency, 99th percentile: {label} (window, PostgreSQL)"
        note = "baseline: SQLite, same run"
        figures.append(
            Figure(pause, size, longest, longest_sqlite, "<= 50 ms at L", note=note, runs=runs)
        )
        figures.append(
            Figure(latency, size, p99, p99_sqlite, "<= 16 ms at L", note=note, runs=runs)
        )
    return figures


if __name__ == "__main__":
    print(json.dumps(probe(sys.argv[1])))
