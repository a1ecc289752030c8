"""The window over a shared PostgreSQL server behaves as over the bundled file."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from pg_server import Server
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_ui_browse import click
from test_ui_browse import (
    test_click_a_matrix_cell_and_read_its_evidence as click_a_cell_and_read_its_evidence,
)
from test_ui_browse import (
    test_select_the_lga_and_read_its_statements as select_and_read_statements,
)
from ui_helpers import LGA, MILBURN, settle, shown_window, stakeholder

from carebrowser.data.database import DatabaseInfo, open_database
from carebrowser.logs import setup_logging
from carebrowser.queries import Archive, Filters
from carebrowser.ui import reads
from carebrowser.ui.error_dialogs import ServerLostDialog
from carebrowser.ui.errors import ErrorReporter
from carebrowser.ui.main_window import SERVER_LOST_STATUS, MainWindow
from carebrowser.ui.settings import Settings
from carebrowser.ui.widgets import counted


@pytest.fixture
def pg_window(qtbot: QtBot, pg_archive: Archive, settings: Settings) -> Iterator[MainWindow]:
    """The main window over the bundled dataset published to a real PostgreSQL server."""
    info = DatabaseInfo("a PostgreSQL server", 1, False)
    yield from shown_window(qtbot, pg_archive, info, settings)


def test_select_a_stakeholder_and_read_its_quotes_on_postgresql(
    qtbot: QtBot, pg_window: MainWindow, pg_archive: Archive
) -> None:
    assert pg_archive.engine.dialect.name == "postgresql"
    select_and_read_statements(qtbot, pg_window, pg_archive)


def test_click_a_matrix_cell_on_postgresql(
    qtbot: QtBot, pg_window: MainWindow, pg_archive: Archive
) -> None:
    click_a_cell_and_read_its_evidence(qtbot, pg_window, pg_archive)


def _statements_shown(window: MainWindow) -> list[int]:
    model = window.statements.model
    return [model.quote(row).id for row in range(model.rowCount())]


def test_a_stopped_server_is_a_clear_status_and_retry_reads_it_again(
    qtbot: QtBot, own_server: tuple[Server, str], settings: Settings
) -> None:
    server, url = own_server
    engine, info = open_database(url)
    archive = Archive(engine)
    reporter = ErrorReporter(setup_logging())
    reporter.database = info
    window = MainWindow(archive, info, settings, reporter)
    reporter.window = window
    qtbot.addWidget(window)
    try:
        window.resize(1400, 900)
        window.show()
        qtbot.waitExposed(window)
        lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
        expected = archive.quotes(
            Filters(stakeholders=frozenset({milburn.id}), search="trusts")
        ).rows
        qtbot.keyClicks(window.filter_bar.search, "trusts")
        qtbot.keyClick(window.filter_bar.search, Qt.Key.Key_Return)
        panel = window.stakeholders
        click(qtbot, panel.tree, panel.model.index_of(lga.id))
        settle(qtbot)  # the statements are read off the GUI thread
        people = frozenset(p.id for p in archive.people_of({lga.id}))
        lga_trusts = archive.quotes(
            Filters(stakeholders=frozenset({lga.id}) | people, search="trusts")
        )
        assert _statements_shown(window) == [q.id for q in lga_trusts.rows] != []

        server.stop()
        with qtbot.capture_exceptions() as escaped:
            click(qtbot, panel.tree, panel.model.index_of(milburn.id))
            qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
        assert escaped == []
        dialog = reporter.dialog
        assert isinstance(dialog, ServerLostDialog) and dialog.retry_button is not None
        said = dialog.text.text()
        assert said.startswith(f"The database server {info.label} cannot be reached")
        assert "Check that the server is running" in said and "Traceback" not in said
        assert dialog.windowTitle() == "carebrowser: the database server cannot be reached"
        assert window.status.text() == SERVER_LOST_STATUS and window.retry_button.isVisible()
        settle(qtbot)  # the statements' own read, off the GUI thread, fails too
        heading = window.statements.heading.text()
        assert heading.startswith(f"Statements of {MILBURN} matching") and "could not be" in heading
        assert _statements_shown(window) == []
        # Nothing the person chose is lost.
        assert panel.selected_ids() == {milburn.id}
        assert window.filter_bar.search.text() == "trusts"

        # Closed, then Retry in the status bar while the server is still down: the same again.
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: reporter.dialog is None)
        with qtbot.capture_exceptions() as escaped:
            qtbot.mouseClick(window.retry_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
        assert escaped == []
        dialog = reporter.dialog
        assert isinstance(dialog, ServerLostDialog) and dialog.retry_button is not None
        assert window.status.text() == SERVER_LOST_STATUS
        assert panel.selected_ids() == {milburn.id}

        server.start()
        with qtbot.capture_exceptions() as escaped:
            qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: _statements_shown(window) == [q.id for q in expected])
        assert escaped == []
        assert window.statements.heading.text() == (
            f"Statements of {MILBURN} matching \u201ctrusts\u201d"
        )
        assert panel.selected_ids() == {milburn.id}
        assert window.filter_bar.search.text() == "trusts"
        assert window.status.text().startswith(counted(len(expected), "statement"))
        assert not window.retry_button.isVisible() and reporter.dialog is None
        assert reporter.shown == 2
    finally:
        reads.wait_for_reads()  # a read still under way gives its connection back first
        engine.dispose()
        window.close()  # reads nothing: no connection is opened after the engine let go
    assert engine.pool.checkedin() == 0
    gc.collect()  # a connection left open would warn here (warnings are errors)
