"""The dialogs that show a failure: what happened, where the log is, the details to copy.

Imported when the first one is shown (carebrowser.ui.errors reports failures; most sessions
never need these).
"""

from __future__ import annotations

import logging
import platform
import traceback
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
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
from carebrowser.passwords import hide_passwords

log = logging.getLogger("carebrowser.ui")


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
        # Whatever the message and traceback hold, no password is shown or copied.
        message, details = hide_passwords(message), hide_passwords(details)
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
    """Show why a database cannot be opened; True when the person chose the bundled dataset.

    The cause is logged (the dialog says the details are in the log) and shown under
    "Show details": the error with what led to it, or the sentence alone when there is none.
    """
    message = str(error)
    if isinstance(error, BaseException):
        log.warning("cannot open a database: %s", message, exc_info=error)
        details = "".join(traceback.format_exception(error))
    else:
        log.warning("cannot open a database: %s", message)
        details = ""
    dialog = DatabaseErrorDialog(message, details, log_path, parent)
    chosen = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return chosen
