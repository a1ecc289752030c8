"""Starting the window: display checks, opening the database, --screenshot, error reporting."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from carebrowser import APP_ID
from carebrowser import exit_status as status
from carebrowser.data.database import (
    QUERY_ERRORS,
    DatabaseError,
    DatabaseInfo,
    is_query_failure,
    open_database,
    query_error_message,
)
from carebrowser.data.dna_cache import is_dna_file, open_database_or_dna
from carebrowser.logs import setup_logging
from carebrowser.queries import Archive, Filters, UnknownName
from carebrowser.startup import started
from carebrowser.ui import reads
from carebrowser.ui.errors import ErrorReporter, install_error_hooks
from carebrowser.ui.icon import application_icon
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.settings import Settings

#: A name that matches nothing (--select); the window cannot be shown (carebrowser.exit_status).
EXIT_USAGE = status.USAGE
EXIT_FAILED = status.FAILED
XCB_PACKAGES = (
    "libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libegl1"
)
#: Libraries Qt's xcb platform plugin needs beyond a bare X client, by their package.
XCB_LIBRARIES = {
    "xcb-cursor": "libxcb-cursor0",
    "xkbcommon-x11": "libxkbcommon-x11-0",
    "xcb-icccm": "libxcb-icccm4",
    "xcb-keysyms": "libxcb-keysyms1",
    "xcb-shape": "libxcb-shape0",
    "EGL": "libegl1",
}
log = logging.getLogger("carebrowser")


def display_problem(environ: dict[str, str] | None = None) -> str | None:
    """Why no window can be shown here (one sentence with the fix), or None if one can."""
    env = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None
    if env.get("WAYLAND_DISPLAY"):
        return None
    if not env.get("DISPLAY"):
        return (
            "carebrowser: no display found, so the window cannot open. Run it in a desktop "
            "session, set DISPLAY (e.g. DISPLAY=:0), or use --screenshot FILE to render offscreen."
        )
    import ctypes.util  # only here: most starts (a desktop session, offscreen) never ask

    missing = [pkg for lib, pkg in XCB_LIBRARIES.items() if ctypes.util.find_library(lib) is None]
    if missing:
        return (
            "carebrowser: the Qt xcb libraries are missing, so the window cannot open; install "
            f"them (e.g. sudo apt-get install {' '.join(missing)}) or use --screenshot FILE."
        )
    return None


def open_archive(
    target: str | None, ask: Callable[[DatabaseError], bool] | None
) -> tuple[Archive, DatabaseInfo] | str:
    """The archive of *target*, or the bundled one when *ask* accepts; else the error message."""
    try:
        engine, info = open_database_or_dna(target)
    except DatabaseError as error:
        if target is None or ask is None or not ask(error):
            return f"carebrowser: {error}"
        try:
            engine, info = open_database(None)
        except DatabaseError as bundled_error:
            return f"carebrowser: {bundled_error}"
    return Archive(engine), info


def application() -> QApplication:
    """The QApplication, created once with the organisation and application names."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("carebrowser")
    app.setApplicationName("carebrowser")
    app.setApplicationDisplayName("carebrowser")
    QGuiApplication.setDesktopFileName(APP_ID)
    app.setWindowIcon(application_icon())
    return app


def prepare_window(window: MainWindow, args: argparse.Namespace) -> str | None:
    """Apply --view and --select; a message when a name is unknown."""
    if getattr(args, "select", None):
        try:
            found = [min(window.archive.find_stakeholders([name])) for name in args.select]
        except UnknownName as error:
            return f"carebrowser: {error}"
        ids = list(dict.fromkeys(found))
        window.select_stakeholders(ids)
    else:
        ids = []
    if getattr(args, "view", None) == "source":
        # Open the reader where there is something to read: the first selected one's statement.
        first = window.archive.quotes(Filters(stakeholders=frozenset(ids[:1])), limit=1).rows
        if first:
            window.open_statement(first[0].source_id, first[0].id)
    if getattr(args, "view", None):
        window.set_view(args.view, focus=False)
    return None


def screenshot(window: MainWindow, path: str, size: tuple[int, int] | None = None) -> bool:
    """Render the window offscreen at *size* (else as at a first start) and save it as a PNG."""
    if size is not None:
        window.resize(*size)
    window.show()
    for _ in range(3):
        QApplication.processEvents()
    # The views read off the GUI thread (carebrowser.ui.reads): each shows its rows once its
    # read is done and the answer's signal is handled (which may ask for another read).
    deadline = time.monotonic() + 30
    while reads.activity().reading() and time.monotonic() < deadline:
        reads.wait_for_reads(1_000)
        QApplication.processEvents()
    for _ in range(3):
        QApplication.processEvents()
    return window.grab().save(path, "PNG")


def _database_error(error: DatabaseError, log_file: Path | None) -> bool:
    """Say why the database cannot be opened (its cause logged and under "Show details");
    True when the person chose the bundled one."""
    from carebrowser.ui.error_dialogs import show_database_error  # only when it happens

    return show_database_error(None, error, log_file)


def run_window(args: argparse.Namespace) -> int:
    """Open the window (or render it with --screenshot); returns the exit status."""
    opened = open_window(args)
    if isinstance(opened, int):
        return opened
    status_code = application().exec()
    reads.wait_for_reads(5_000)  # no read left running while Python shuts down
    return status_code


def open_window(args: argparse.Namespace) -> MainWindow | int:
    """The window *args* ask for, shown, before the event loop runs; or the exit status when it
    cannot open (its message printed) or when --screenshot has rendered it."""
    shot = getattr(args, "screenshot", None)
    if shot and display_problem() is not None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # render without a display
    if not shot and (problem := display_problem()):
        print(problem, file=sys.stderr)
        return EXIT_FAILED
    log_file = setup_logging()  # details go to the log file, never to a traceback on screen
    app = application()
    reporter = ErrorReporter(log_file, app)
    install_error_hooks(reporter)
    ask = None if shot else (lambda error: _database_error(error, log_file))
    target = getattr(args, "db", None)
    if target is not None and is_dna_file(Path(target)):
        from carebrowser.ui.dna_progress import convert_with_progress  # a DNA file only

        convert_with_progress(target)  # converted once, behind a dialog
    opened = open_archive(getattr(args, "db", None), ask)
    if isinstance(opened, str):
        print(opened, file=sys.stderr)
        return EXIT_FAILED
    archive, info = opened
    reporter.database = info
    try:
        if shot:
            with tempfile.TemporaryDirectory(prefix="carebrowser-") as scratch:
                # A screenshot neither reads nor changes the person's remembered settings.
                store = QSettings(os.path.join(scratch, "s.ini"), QSettings.Format.IniFormat)
                window = MainWindow(archive, info, Settings(store))
                reporter.window = window
                return _screenshot(window, args, shot)
        # The first view's reads start once the window is painted, not while it is.
        reads.hold_reads()
        window = MainWindow(archive, info, Settings())
        reporter.window = window
        problem = prepare_window(window, args)
        if problem:
            print(problem, file=sys.stderr)
        window.show()
        _FirstPaint(window)
        started()  # before the first paint: the event loop runs with the collector
        return window
    except QUERY_ERRORS as error:  # the file opened, but its first queries failed: as if unopenable
        reads.release_reads(start=False)  # the reads of a window that is not shown
        if not is_query_failure(error):
            raise
        log.error("cannot show %s", info.label, exc_info=True)
        unreadable = DatabaseError(query_error_message(error, info))
        unreadable.__cause__ = error
        if shot or info.bundled or not _database_error(unreadable, log_file):
            print(f"carebrowser: {unreadable}", file=sys.stderr)
            return EXIT_FAILED
        args.db = None
        return open_window(args)


class _FirstPaint(QObject):
    """Starts the reads held while the window was made (reads.hold_reads) when its first paint
    is over, or after FALLBACK_MS if it is not painted by then (hidden, minimised)."""

    FALLBACK_MS = 1_000

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        window.installEventFilter(self)
        QTimer.singleShot(self.FALLBACK_MS, self, reads.release_reads)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # After this frame: the window's widgets are painted in the same turn.
            QTimer.singleShot(0, self, reads.release_reads)
        return False


def _screenshot(window: MainWindow, args: argparse.Namespace, shot: str) -> int:
    problem = prepare_window(window, args)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    saved = screenshot(window, shot, getattr(args, "size", None))
    window.close()
    if not saved:
        print(f"carebrowser: could not write the screenshot {shot}", file=sys.stderr)
        return EXIT_FAILED
    return 0
