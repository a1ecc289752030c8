"""The window over a shared PostgreSQL server behaves as over the bundled file."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from test_ui_browse import (
    test_click_a_matrix_cell_and_read_its_evidence as click_a_cell_and_read_its_evidence,
)
from test_ui_browse import (
    test_select_the_lga_and_read_its_statements as select_and_read_statements,
)
from ui_helpers import shown_window

from carebrowser.data.database import DatabaseInfo
from carebrowser.queries import Archive
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.settings import Settings


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
