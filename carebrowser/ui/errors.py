"""Every failure in the window ends in one clear dialog and a log entry, and the app carries on.

- install_error_hooks(): sys.excepthook, threading.excepthook and Qt's message handler, so nothing
  escapes silently (superqt's exceptions_as_dialog and QMessageHandler are the model).
- ErrorReporter: takes failures from any thread and shows one ErrorDialog at a time: what
  happened, where the log is, and a "Copy details" button for whoever supports the person; a
  database server that cannot be reached gets a ServerLostDialog with a Retry button.
- errors_as_dialog(): a context manager turning a synchronous action's exception into that dialog.

The dialogs themselves are in carebrowser.ui.error_dialogs, imported when the first is shown.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    Qt,
    QtMsgType,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QWidget

from carebrowser.data.database import (
    DatabaseError,
    DatabaseInfo,
    is_connection_lost,
    is_query_failure,
)
from carebrowser.data.database import query_error_message as _query_error_message
from carebrowser.logs import log_path as _default_log_path

if TYPE_CHECKING:
    from carebrowser.ui.error_dialogs import ErrorDialog

log = logging.getLogger("carebrowser.ui")
qt_log = logging.getLogger("carebrowser.qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}
#: Qt messages that say nothing about carebrowser (the offscreen platform's, for one).
_QT_NOISE = ("propagateSizeHints",)


def qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Route Qt's own warnings into logging (carebrowser.qt) instead of the terminal."""
    level = _QT_LEVELS.get(mode, logging.ERROR)
    if any(noise in message for noise in _QT_NOISE):
        level = logging.DEBUG
    where = f" ({context.category})" if context is not None and context.category else ""
    qt_log.log(level, "%s%s", message, where)


def describe(error: BaseException, database: DatabaseInfo | None = None) -> str:
    """The sentence a person reads for *error*: what happened and what to do next."""
    from carebrowser.export import ExportError  # imported with the first failure, not at start

    if isinstance(error, (DatabaseError, ExportError)):
        return str(error)
    if database is not None and is_query_failure(error):
        return _query_error_message(error, database)
    said = (str(error).strip().splitlines() or [""])[0][:300]
    what = f"{type(error).__name__}: {said}" if said else type(error).__name__
    return (
        f"Something went wrong ({what}). What you were doing may not have finished; you can "
        "carry on working. If it happens again, send the log file to your IT support."
    )


class ErrorReporter(QObject):
    """Failures from any thread end here: logged, then one dialog at a time on the GUI thread.

    While a dialog is open, later failures are logged and counted in it rather than stacked.
    A database server that cannot be reached is also announced (server_lost), and its dialog's
    Retry button asks the window to read again (retry_requested).
    """

    #: (message, details, server lost): queued to the GUI thread, so a worker thread never
    #: touches widgets.
    reported = Signal(str, str, bool)
    #: The sentence saying that the database server cannot be reached (on the GUI thread).
    server_lost = Signal(str)
    #: Retry was pressed in the dialog saying that the database server cannot be reached.
    retry_requested = Signal()

    def __init__(self, log_file: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file if log_file is not None else _default_log_path()
        #: The open database, so a failed query is explained in terms of its file.
        self.database: DatabaseInfo | None = None
        #: The window dialogs are shown over (else the active window).
        self.window: QWidget | None = None
        self.dialog: ErrorDialog | None = None
        self.shown = 0
        self._later = 0
        self._seen: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def report(self, error: BaseException, context: str = "") -> None:
        """Log *error* with its traceback and show it (from any thread, never raises)."""
        try:
            key = (type(error).__name__, str(error)[:200])
            with self._lock:
                self._seen[key] = count = self._seen.get(key, 0) + 1
            where = f" while {context}" if context else ""
            if count <= 3:
                log.error("unexpected error%s", where, exc_info=error)
            else:
                log.error("the same error again%s (%d times): %s", where, count, key)
            message = describe(error, self.database)
            details = "".join(traceback.format_exception(error))
            lost = self.database is not None and is_connection_lost(error)
            self.reported.emit(message, details, lost)
        except Exception:  # the last line of defence must not raise into Qt or a thread
            log.critical("could not report an error", exc_info=True)

    def _show(self, message: str, details: str, lost: bool) -> None:
        if lost:
            self.server_lost.emit(message)
        if self.dialog is not None and self.dialog.isVisible():
            self._later += 1
            self.dialog.add_later_problem(self._later)
            return
        self._later = 0
        from carebrowser.ui.error_dialogs import ErrorDialog, ServerLostDialog

        parent = self.window or QApplication.activeWindow()
        if lost:
            dialog: ErrorDialog = ServerLostDialog(message, details, self.log_file, parent)
            dialog.accepted.connect(self.retry_requested)  # Retry
        else:
            dialog = ErrorDialog(message, details, self.log_file, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        self.shown += 1
        dialog.open()  # window-modal and non-blocking: the event loop, and the app, carry on

    def _closed(self) -> None:
        self.dialog = None


_reporter: ErrorReporter | None = None


def reporter() -> ErrorReporter | None:
    """The installed reporter, for workers and panels that catch an error themselves."""
    return _reporter


def report_error(error: BaseException, context: str = "") -> None:
    """Report *error* through the installed reporter, or log it and say so on stderr."""
    if _reporter is not None:
        _reporter.report(error, context)
        return
    log.error("unexpected error%s", f" while {context}" if context else "", exc_info=error)
    print(f"carebrowser: {describe(error)}", file=sys.stderr)


def install_error_hooks(error_reporter: ErrorReporter) -> Callable[[], None]:
    """Send uncaught exceptions (any thread) and Qt's messages to *error_reporter* and the log.

    Returns a function that puts the previous hooks back (for tests).
    """
    global _reporter
    previous = (sys.excepthook, threading.excepthook, _reporter)

    def excepthook(
        kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous[0](kind, error, tb)
            return
        error_reporter.report(error.with_traceback(tb))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "a thread"
        error_reporter.report(args.exc_value.with_traceback(args.exc_traceback), f"in {name}")

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook
    previous_qt = qInstallMessageHandler(qt_message_handler)
    _reporter = error_reporter

    def uninstall() -> None:
        global _reporter
        if sys.excepthook is excepthook:
            sys.excepthook = previous[0]
        if threading.excepthook is thread_excepthook:
            threading.excepthook = previous[1]
        qInstallMessageHandler(previous_qt)
        _reporter = previous[2]

    return uninstall


@contextlib.contextmanager
def errors_as_dialog(context: str, error_reporter: ErrorReporter | None = None) -> Iterator[None]:
    """Run a synchronous action; an exception becomes the error dialog and the app carries on.

    ``with errors_as_dialog("exporting quotes"): write_xlsx(...)``
    """
    try:
        yield
    except Exception as error:
        if error_reporter is not None:
            error_reporter.report(error, context)
        else:
            report_error(error, context)
