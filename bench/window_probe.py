"""One measured window session, run as its own process by bench/window.py.

    python -m bench.window_probe measure bare|window ...   one of these, timed, with peak memory
    python -m bench.window_probe bare                 the baseline: a bare QMainWindow
    python -m bench.window_probe window DB [ROUNDS]   carebrowser's window on DB, then interactions

A probe prints "ready" at the end of the first frame that paints the window with data ("measure"
times the whole process up to that line), then one JSON line of interaction timings in
milliseconds, and exits.

"Painted" means the frame the view was painted in is over (see _Paints): what a user sees. The
probe does not render the view a second time (``grab()``), which no user waits for.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import ClassVar

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


#: Where the window keeps settings, logs and caches (platformdirs and Qt follow them).
_XDG = ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")


def _ready() -> None:
    print("ready", flush=True)


def bare() -> None:
    """The baseline: a bare PySide6 QMainWindow, after `import sqlalchemy.orm`."""
    import sqlalchemy.orm  # noqa: F401  (the baseline includes it)
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1400, 900)
    ready = _Ready(lambda: True)
    _Paints(window, on_frame=ready)
    window.show()
    _until(app, lambda: ready.said)
    print(json.dumps({}), flush=True)


class _Ready:
    """Says "ready" at the end of the first frame painted once *shown* holds: at once, not when
    the event loop's turn is over (the work a window defers until after its paint is not part
    of its start)."""

    def __init__(self, shown: Callable[[], bool]) -> None:
        self.shown = shown
        self.said = False

    def __call__(self) -> None:
        if not self.said and self.shown():
            self.said = True
            _ready()


class _Paints:
    """When a widget was painted: each paint's start, and its end, taken when the frame it was
    painted in is over: the window's update request (or first expose) is handled, with every
    widget painted in it and the window flushed.

    The probe handles those two events itself, from a filter on the window, to see when they
    return. It watches only the widgets measured and their window: an application-wide filter
    would call into Python for every event of every object and make PySide6 wrap each object
    (about 15 ms at the start), and it cannot tell the end of a frame from an event sent within
    it (a child added while the statements are painted). Work a window defers until after its
    paint (a slow count) is not part of the paint.
    """

    #: Every _Paints, told when a frame is over.
    _all: ClassVar[list[_Paints]] = []
    #: The filter on each window (one, however many widgets are measured in it).
    _windows: ClassVar[dict[int, object]] = {}
    #: Whether a frame is being handled now.
    handling: ClassVar[bool] = False

    def __init__(self, widget: object, on_frame: Callable[[], None] | None = None) -> None:
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QWidget

        assert isinstance(widget, QWidget)
        paint = QEvent.Type.Paint

        class PaintFilter(QObject):
            def eventFilter(inner, watched: QObject, event: QEvent) -> bool:
                if event.type() == paint and self.started is None:
                    self.started = time.perf_counter()
                return False

        self.frames: list[tuple[float, float]] = []
        self.started: float | None = None
        self._on_frame = on_frame
        self._filter = PaintFilter()
        widget.installEventFilter(self._filter)
        _Paints._all.append(self)
        top = widget.window()
        if id(top) not in _Paints._windows:
            _Paints._windows[id(top)] = _frame_filter(top)

    def _close(self, ended: float) -> None:
        assert self.started is not None
        self.frames.append((self.started, ended))
        self.started = None
        if self._on_frame is not None:
            self._on_frame()

    def since(self, moment: float) -> float | None:
        """When the first paint that started after *moment* ended; None before it has."""
        if self.started is not None and not _Paints.handling:
            # Painted outside a frame the probe handles (a repaint): over with this turn of
            # the event loop.
            self._close(time.perf_counter())
        return next((end for start, end in self.frames if start > moment), None)


def _frame_filter(top: object) -> object:
    """Handle *top*'s frames (update requests, and exposes of its native window) in a filter,
    and tell every _Paints when each is over."""
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QWidget

    assert isinstance(top, QWidget)
    frame = (QEvent.Type.UpdateRequest, QEvent.Type.Expose)
    show = QEvent.Type.Show

    class FrameFilter(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            kind = event.type()
            if kind in frame and not _Paints.handling:
                _Paints.handling = True
                try:
                    watched.event(event)
                finally:
                    _Paints.handling = False
                ended = time.perf_counter()
                for paints in _Paints._all:
                    if paints.started is not None:
                        paints._close(ended)
                return True
            if kind == show and watched is top and top.windowHandle() is not None:
                top.windowHandle().installEventFilter(self)
            return False

    watcher = FrameFilter()
    top.installEventFilter(watcher)
    if top.windowHandle() is not None:
        top.windowHandle().installEventFilter(watcher)
    return watcher


def _painted(app: object, paints: _Paints, moment: float) -> float:
    """When the first paint that started after *moment* ended (waiting for it)."""
    _until(app, lambda: paints.since(moment) is not None)
    return paints.since(moment) or 0.0


def _until(app: object, done: Callable[[], bool], limit: float = 120.0) -> None:
    """Process events until *done*: waiting for them, not spinning (a tight processEvents loop
    also trips a reference-counting fault in PySide6 6.12 on Python 3.11)."""
    from PySide6.QtCore import QEventLoop, QTimer

    heartbeat = QTimer()
    heartbeat.start(5)
    deadline = time.perf_counter() + limit
    try:
        while not done():
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)  # type: ignore[attr-defined]
            if time.perf_counter() > deadline:
                raise TimeoutError("the window did not get there in time")
    finally:
        heartbeat.stop()


def window(db: str, rounds: int) -> None:
    """carebrowser's window on *db*: cold start, then each interaction *rounds* times.

    It starts as the `carebrowser` command does (carebrowser.launch.main, then carebrowser.cli):
    the same modules imported in the same order, the same steps, the person's settings and log
    folder (which `measure` points at an empty folder); only the event loop is the probe's.
    """
    gc.disable()  # as carebrowser.launch.main does first
    from carebrowser.cli import argument_parser
    from carebrowser.logs import setup_logging

    setup_logging()
    args = argument_parser().parse_args(["--db", db])
    from carebrowser.ui.app import application, open_window

    main = open_window(args)
    assert not isinstance(main, int), "the window did not open"
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QTreeView

    app = application()
    # The size the interactions have always been measured at (and the bare window's), set
    # before the first paint: the window was laid out at its default size when shown.
    main.resize(1400, 900)
    tree_model = main.stakeholders.model
    ready = _Ready(lambda: tree_model.rowCount() > 0)
    # Shown, not yet painted: the event loop has not run.
    tree_paints = _Paints(main.stakeholders.tree.viewport(), on_frame=ready)
    _until(app, lambda: ready.said)
    from PySide6.QtTest import QTest  # after the start: the app itself never imports it

    from carebrowser.ui import reads

    timings: dict[str, list[float]] = {"keystroke": [], "keystroke_counted": [], "select": [],
                                       "matrix_first": [], "matrix": []}  # fmt: skip
    resets: list[float] = []
    tree_model.modelAboutToBeReset.connect(lambda: resets.append(time.perf_counter()))
    counted: list[float] = []  # a long list's counts are read after its first paint
    tree_model.dataChanged.connect(lambda *_: counted.append(time.perf_counter()))
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        # A different one each round (among the busiest): nothing measured or laid out for one
        # round is kept for the next.
        busiest = [
            row[0]
            for row in connection.execute(
                "SELECT speaker_id FROM statement GROUP BY speaker_id ORDER BY count(*) DESC "
                "LIMIT ?",
                (rounds,),
            )
        ]
    name_filter = main.stakeholders.name_filter
    quote_paints = _Paints(main.statements.table.viewport())
    matrix_paints: _Paints | None = None  # the view is made when first shown
    for round_ in range(rounds):
        # A keystroke in the stakeholder filter, to the tree painted with the new list.
        name_filter.setFocus()
        name_filter.setText("s" if round_ % 2 else "")
        _until(app, lambda: not main.stakeholders._typing.isActive())
        # Nothing else read meanwhile (the start's last reads, the text set above): one
        # keystroke is measured, not the reads that happened to be under way when it came.
        _until(app, lambda: not reads.activity().reading())
        app.processEvents()
        resets.clear()
        counted.clear()
        started = time.perf_counter()
        QTest.keyClick(name_filter, Qt.Key.Key_M)
        _until(
            app,
            lambda: (
                bool(resets)
                and not main.stakeholders._typing.isActive()
                and tree_paints.since(resets[-1]) is not None
            ),
        )
        ended = tree_paints.since(resets[-1]) or 0.0
        timings["keystroke"].append((ended - started) * 1000)
        # And to the list painted again with its counts, when they came after.
        _until(app, lambda: not tree_model.counting)
        if counted:
            ended = _painted(app, tree_paints, counted[-1])
        timings["keystroke_counted"].append((ended - started) * 1000)
        name_filter.clear()
        _until(app, lambda: not main.stakeholders._typing.isActive())

        # Click a stakeholder (one of the busiest, not selected before) to the first page of
        # its statements painted. As a user finds a name before clicking it, the list is first
        # scrolled to the stakeholder (and that painted): the click is what is measured.
        chosen = busiest[round_ % len(busiest)]
        tree = main.stakeholders.tree
        main.stakeholders.select([])
        _until(app, lambda: not reads.activity().reading())  # the cleared filter's list shown

        def in_view(tree: QTreeView = tree, chosen: int = chosen) -> bool:
            index = main.stakeholders.model.index_of(chosen)
            tree.scrollTo(index)  # again, if rows read meanwhile moved it
            app.processEvents()
            return tree.viewport().rect().contains(tree.visualRect(index).center())

        _until(app, in_view, limit=10)
        _until(app, lambda: not tree_paints.started)
        spot = tree.visualRect(main.stakeholders.model.index_of(chosen)).center()
        started = time.perf_counter()
        QTest.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=spot)
        if main.stakeholders.selected_ids() != frozenset({chosen}):
            raise RuntimeError(f"the click at {spot} did not select stakeholder {chosen}")
        timings["select"].append((_painted(app, quote_paints, started) - started) * 1000)

        # Open the matrix view, painted: the first time (the view made, its rows read), then
        # again.
        main.set_view(0, focus=False)
        app.processEvents()
        started = time.perf_counter()
        main.set_view(1)
        if matrix_paints is None:  # before the event loop paints it
            matrix_paints = _Paints(main.matrix.table.viewport())
        painted = (_painted(app, matrix_paints, started) - started) * 1000
        timings["matrix_first" if round_ == 0 else "matrix"].append(painted)
        main.set_view(0, focus=False)
    print(json.dumps({k: statistics.median(v) for k, v in timings.items() if v}), flush=True)
    main.close()


def measure(arguments: list[str]) -> int:
    """Run a probe as a child of this small process; print its start time and peak memory.

    The child of a large process would count the parent's pages in its own peak.
    """
    home = tempfile.mkdtemp(prefix="carebrowser-bench-home-")
    # Nothing remembered, no log written into the person's own folders.
    environment = {**os.environ, **{name: os.path.join(home, name) for name in _XDG}}
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.window_probe", *arguments],
        stdout=subprocess.PIPE,
        text=True,
        env=environment,
    )
    assert child.stdout is not None
    first = child.stdout.readline().strip()
    ready_ms = (time.perf_counter() - started) * 1000
    report = child.stdout.readline().strip()
    child.stdout.close()
    status = child.wait()
    shutil.rmtree(home, ignore_errors=True)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    found = {"first": first, "ready_ms": ready_ms, "timings": report, "peak_kib": peak_kib}
    print(json.dumps(found))
    return status


if __name__ == "__main__":
    if sys.argv[1] == "measure":
        raise SystemExit(measure(sys.argv[2:]))
    if sys.argv[1] == "bare":
        bare()
    else:
        window(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 3)
