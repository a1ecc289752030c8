"""The window reports every failure in one dialog, logs it, and carries on.

Exceptions in slots and in threads, Qt's warnings, a synchronous action's error, a database that
cannot be opened, and a database that breaks mid-session.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QSettings, QTimer, qWarning
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot
from reliability_figures import PROPERTY, count

from carebrowser.data.database import DatabaseError, bundled_database_path, open_database
from carebrowser.export import ExportError
from carebrowser.logs import log_path, setup_logging
from carebrowser.queries import Archive
from carebrowser.ui.error_dialogs import DatabaseErrorDialog, show_database_error
from carebrowser.ui.errors import ErrorReporter, errors_as_dialog
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.settings import Settings
from carebrowser.ui.views import VIEWS


def _shown(qtbot: QtBot, reporter: ErrorReporter, times: int = 1) -> None:
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert reporter.shown == times


def test_an_exception_in_a_slot_is_one_dialog_with_copyable_details(
    qtbot: QtBot, reporter: ErrorReporter
) -> None:
    button = QPushButton("Export")
    qtbot.addWidget(button)

    def broken() -> None:
        raise RuntimeError("the export button is broken")

    button.clicked.connect(broken)
    button.click()
    _shown(qtbot, reporter)
    dialog = reporter.dialog
    assert dialog is not None
    assert "RuntimeError: the export button is broken" in dialog.text.text()
    assert "carry on" in dialog.text.text()
    assert str(log_path()) in dialog.where.text()
    dialog.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "Traceback (most recent call last)" in copied and str(log_path()) in copied
    assert dialog.isVisible()  # copying does not close it
    button.click()  # a second failure while the dialog is open: counted, not stacked
    qtbot.waitUntil(lambda: dialog.more.isVisible())
    assert reporter.shown == 1 and "1 more problem" in dialog.more.text()
    assert "the export button is broken" in log_path().read_text(encoding="utf-8")
    dialog.close_button.click()
    qtbot.waitUntil(lambda: reporter.dialog is None)
    button.click()  # after closing it, the next failure gets a dialog again
    _shown(qtbot, reporter, times=2)
    count("window failures reported")


def test_an_exception_in_a_thread_reaches_the_gui_thread(
    qtbot: QtBot, reporter: ErrorReporter
) -> None:
    def work() -> None:
        raise ZeroDivisionError("in a worker")

    worker = threading.Thread(target=work, name="export worker")
    worker.start()
    worker.join()
    _shown(qtbot, reporter)
    assert reporter.dialog is not None and "ZeroDivisionError" in reporter.dialog.text.text()
    logged = log_path().read_text(encoding="utf-8")
    assert "while in export worker" in logged and "[export worker]" in logged
    count("window failures reported")


def test_qt_warnings_go_to_the_log(
    reporter: ErrorReporter, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="carebrowser.qt"):
        qWarning("QFont::setPointSize: Point size <= 0 (-1), must be greater than 0")
    assert any(r.name == "carebrowser.qt" and "setPointSize" in r.message for r in caplog.records)
    assert reporter.shown == 0  # a warning is logged, not shown


def test_a_synchronous_action_error_is_a_dialog_with_its_own_words(
    qtbot: QtBot, reporter: ErrorReporter
) -> None:
    message = "Could not write /x/quotes.csv: the disk is full. Nothing was written."
    with errors_as_dialog("exporting quotes", reporter):
        raise ExportError(message)
    _shown(qtbot, reporter)
    assert reporter.dialog is not None and reporter.dialog.text.text() == message
    count("window failures reported")


@pytest.mark.parametrize(("button", "chosen"), [("bundled", True), ("close", False)])
def test_the_bad_database_dialog_offers_the_bundled_dataset(
    qtbot: QtBot, tmp_path: Path, button: str, chosen: bool
) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database")
    with pytest.raises(DatabaseError) as caught:
        open_database(str(bad))
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DatabaseErrorDialog)
        seen.extend([dialog.text.text(), dialog.where.text(), dialog.windowTitle()])
        target = dialog.bundled_button if button == "bundled" else dialog.close_button
        assert target is not None
        target.click()

    QTimer.singleShot(0, answer)
    assert show_database_error(None, caught.value, log_path()) is chosen
    what, where, title = seen
    assert str(bad) in what and "not an SQLite database" in what and "bundled dataset" in what
    assert str(log_path()) in where and "cannot open" in title


@pytest.mark.parametrize("what", ["missing", "not a database"])
def test_a_file_that_cannot_be_opened_has_its_cause_logged_and_shown(
    qtbot: QtBot, tmp_path: Path, what: str
) -> None:
    from carebrowser.ui.app import _database_error, open_archive

    setup_logging()
    target = tmp_path / "notes.sqlite"
    if what == "not a database":
        target.write_text("not a database")
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DatabaseErrorDialog)
        dialog.show_button.click()
        seen.extend([dialog.text.text(), dialog.where.text(), dialog.details.toPlainText()])
        dialog.close_button.click()

    QTimer.singleShot(0, answer)
    refused = open_archive(str(target), lambda error: _database_error(error, log_path()))
    assert isinstance(refused, str) and str(target) in refused
    sentence, where, details = seen
    assert str(log_path()) in where
    # "Show details" holds more than the sentence again: what raised it, and its cause.
    assert details.startswith(sentence) and "Traceback (most recent call last)" in details
    assert "DatabaseError" in details
    if what == "missing":
        assert "FileNotFoundError" in details
    logged = log_path().read_text(encoding="utf-8")
    assert "cannot open a database" in logged and str(target) in logged
    assert "Traceback (most recent call last)" in logged
    count("window failures reported")


@contextlib.contextmanager
def _window(qtbot: QtBot, target: str | None, tmp_path: Path) -> Iterator[MainWindow]:
    engine, info = open_database(target)
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Archive(engine), info, Settings(store))
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    try:
        yield window
    finally:
        window.close()
        engine.dispose()


def test_damage_found_mid_session_is_reported_and_the_window_carries_on(
    qtbot: QtBot, reporter: ErrorReporter, tmp_path: Path
) -> None:
    damaged = tmp_path / "damaged index.sqlite"
    with bundled_database_path() as path:
        damaged.write_bytes(path.read_bytes())
    with contextlib.closing(sqlite3.connect(damaged)) as connection:
        connection.execute("DELETE FROM statement_fts_data WHERE id > 10")  # the search index
        connection.commit()
    with _window(qtbot, str(damaged), tmp_path) as window:
        reporter.database, reporter.window = window.info, window
        qtbot.waitUntil(lambda: window.statements.model.rowCount() > 0)  # read off the thread
        shown_before = window.statements.model.rowCount()
        window.filter_bar.search.setText("care trusts")
        window.filter_bar.search.returnPressed.emit()
        _shown(qtbot, reporter)
        assert reporter.dialog is not None
        said = reporter.dialog.text.text()
        assert str(damaged) in said and "could not be read" in said and "bundled dataset" in said
        reporter.dialog.close_button.click()
        window.filter_bar.search.setText("")
        window.filter_bar.search.returnPressed.emit()
        qtbot.waitUntil(lambda: window.statements.model.rowCount() == shown_before)
        for view in range(len(VIEWS)):  # every view still answers
            window.set_view(view)
        window.set_view(0)
        assert window.isVisible()
    count("window failures reported")


def _words(text: str) -> str:
    return text[:2000]


@PROPERTY
@given(typed=st.text(st.characters(exclude_categories=()), max_size=120).map(_words))
def test_any_text_in_the_windows_search_boxes_is_accepted(
    qtbot: QtBot, reporter: ErrorReporter, window_on_bundled: MainWindow, typed: str
) -> None:
    count("hypothesis examples: window search boxes")
    window = window_on_bundled
    window.filter_bar.search.setText(typed)
    window.filter_bar.search.returnPressed.emit()
    window.stakeholders.name_filter.setText(typed)
    window.stakeholders.name_filter.returnPressed.emit()
    QApplication.processEvents()
    assert reporter.shown == 0, reporter.dialog and reporter.dialog.text.text()


@pytest.fixture
def window_on_bundled(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    """The main window over the bundled dataset, settings in a temporary file."""
    with _window(qtbot, None, tmp_path) as window:
        yield window


@pytest.mark.parametrize("pasted", ['"' * 100_000, "\u4e2d" * 100_000, "(care AND " * 10_000])
def test_a_hundred_kilobyte_paste_is_accepted(
    reporter: ErrorReporter, window_on_bundled: MainWindow, pasted: str
) -> None:
    count("100 kB inputs")
    window = window_on_bundled
    for box in (window.filter_bar.search, window.stakeholders.name_filter):
        box.setText(pasted)
        box.returnPressed.emit()
    QApplication.processEvents()
    assert reporter.shown == 0
