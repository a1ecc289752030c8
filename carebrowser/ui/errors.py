"""Every failure in the window ends in one clear dialog and a log entry, and the app carries on.

- install_error_hooks(): sys.excepthook, threading.excepthook and Qt's message handler, so nothing
  escapes silently (superqt's exceptions_as_dialog and QMessageHandler are the model).
- ErrorReporter: takes failures from any thread and shows one ErrorDialog at a time: what
  happened, where the log is, and a "Copy details" button for whoever supports the person; a
  database server that cannot be reached gets a ServerLostDialog with a Retry button.
- errors_as_dialog(): a context manager turning a synchronous action's exception into that dialog.
- show_database_error(): the dialog for a database that cannot be opened, offering the bundled one.
"""

from __future__ import annotations

import contextlib
import logging
import platform
import sys
import threading
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    Qt,
    QtMsgType,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from carebrowser import __version__
from carebrowser.data.database import (
    DatabaseError,
    DatabaseInfo,
    is_connection_lost,
    is_query_failure,
)
from carebrowser.data.database import query_error_message as _query_error_message
from carebrowser.export import ExportError
from carebrowser.logs import log_path as _default_log_path

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


def _environment() -> str:
    return (
        f"carebrowser {__version__}, Python {platform.python_version()}, "
        f"PySide6 {pyside_version}, {platform.platform()}"
    )


class ErrorDialog(QDialog):
    """One failure: the sentence, where the log file is, and the details to copy or show."""

    ICON = QStyle.StandardPixmap.SP_MessageBoxCritical

    def __init__(
        self,
        message: str,
        details: str,
        log_file: Path | None,
        parent: QWidget | None = None,
        *,
        title: str = "carebrowser: something went wrong",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.message = message
        self.log_file = log_file
        icon = QLabel(self)
        icon.setPixmap(self.style().standardIcon(self.ICON).pixmap(48, 48))
        icon.setAccessibleName("error icon")
        self.text = QLabel(message, self)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("what happened")
        self.more = QLabel("", self)
        self.more.setAccessibleName("later problems")
        self.more.hide()
        where = f"Details are in {log_file}." if log_file else "Details could not be logged."
        self.where = QLabel(where, self)
        self.where.setWordWrap(True)
        self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.where.setAccessibleName("log file")
        self.details = QPlainTextEdit(self)
        self.details.setReadOnly(True)
        self.details.setPlainText(
            f"{message}\n\n{details.rstrip()}\n\nLog file: {log_file}\n{_environment()}\n"
        )
        self.details.setAccessibleName("details")
        self.details.hide()
        self.buttons = QDialogButtonBox(self)
        self.copy_button = self.buttons.addButton(
            "&Copy details", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button.setAccessibleName("Copy details")
        self.copy_button.clicked.connect(self.copy_details)
        self.show_button = self.buttons.addButton(
            "Show &details", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.show_button.setAccessibleName("Show details")
        self.show_button.setCheckable(True)
        self.show_button.toggled.connect(self.details.setVisible)
        self.close_button = self.add_closing_button()
        self.buttons.rejected.connect(self.reject)
        self.buttons.accepted.connect(self.accept)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        for label in (self.text, self.more, self.where):
            words.addWidget(label)
        top.addLayout(words, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())
        self.setMinimumWidth(420)

    def add_closing_button(self) -> QPushButton:
        """The button that closes the dialog (subclasses add their own choices first)."""
        button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        assert button is not None
        button.setAccessibleName("Close")
        button.setDefault(True)
        return button

    def _choice_then_close(self, label: str, name: str) -> tuple[QPushButton, QPushButton]:
        """A choice that accepts the dialog, as its default, then the button that closes it."""
        choice = self.buttons.addButton(label, QDialogButtonBox.ButtonRole.AcceptRole)
        choice.setAccessibleName(name)
        close = ErrorDialog.add_closing_button(self)
        close.setDefault(False)
        choice.setDefault(True)
        return choice, close

    def details_text(self) -> str:
        """What 'Copy details' puts on the clipboard: the sentence, traceback, log, versions."""
        return self.details.toPlainText()

    def copy_details(self) -> None:
        """Put the details on the clipboard, for an e-mail to IT support."""
        QGuiApplication.clipboard().setText(self.details_text())
        self.copy_button.setText("Copied")

    def add_later_problem(self, count: int) -> None:
        """Say that more problems happened while this dialog was open (they are in the log)."""
        noun = "problem" if count == 1 else "problems"
        self.more.setText(f"{count} more {noun} happened since; they are in the log too.")
        self.more.show()


class DatabaseErrorDialog(ErrorDialog):
    """A database that cannot be opened: what happened, which file, what to do next."""

    def __init__(
        self, message: str, details: str, log_file: Path | None, parent: QWidget | None = None
    ) -> None:
        self.bundled_button: QPushButton | None = None
        super().__init__(
            message, details, log_file, parent, title="carebrowser: cannot open the database"
        )
        self.setWindowModality(Qt.WindowModality.ApplicationModal)

    def add_closing_button(self) -> QPushButton:
        self.bundled_button, close = self._choice_then_close(
            "Open the &bundled dataset", "Open the bundled dataset"
        )
        return close


class ServerLostDialog(ErrorDialog):
    """The database server cannot be reached: what happened, and Retry for when it is back."""

    ICON = QStyle.StandardPixmap.SP_MessageBoxWarning
    TITLE = "carebrowser: the database server cannot be reached"

    def __init__(
        self, message: str, details: str, log_file: Path | None, parent: QWidget | None = None
    ) -> None:
        self.retry_button: QPushButton | None = None
        super().__init__(message, details, log_file, parent, title=self.TITLE)

    def add_closing_button(self) -> QPushButton:
        self.retry_button, close = self._choice_then_close("&Retry", "Retry")
        self.retry_button.setToolTip("Read the database again, once the server is running")
        return close


def show_database_error(
    parent: QWidget | None, error: BaseException | str, log_path: Path | None
) -> bool:
    """Show why a database cannot be opened; True when the person chose the bundled dataset."""
    message = str(error)
    cause = error.__cause__ if isinstance(error, BaseException) else None
    details = "".join(traceback.format_exception(cause)) if cause is not None else ""
    if isinstance(error, BaseException):
        log.warning("cannot open a database: %s", message, exc_info=cause)
    dialog = DatabaseErrorDialog(message, details, log_path, parent)
    chosen = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return chosen


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
