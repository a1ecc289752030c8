"""The statements table's further pages and the reader's reads run off the GUI thread: a read
held there leaves the window answering, and an answer a newer action superseded is not shown."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from test_ui_reads import GATE_SECONDS, Gate
from ui_helpers import settle

from carebrowser.queries import Archive, Filters
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.quote_panel import QUOTE_PAGE
from carebrowser.ui.reads import activity, wait_for_reads


@pytest.fixture
def held() -> Iterator[list[Gate]]:
    """Gates a test holds reads at; all opened, and the reads done, when it ends."""
    made: list[Gate] = []
    yield made
    for gate in made:
        gate.opened.set()
    assert wait_for_reads()


def _ids(window: MainWindow) -> list[int]:
    model = window.statements.model
    return [model.quote(row).id for row in range(model.rowCount())]


def _hold_further_pages(monkeypatch: pytest.MonkeyPatch, gate: Gate) -> list[Filters]:
    """Hold every read of a page after the first (the table scrolled on); the filters asked."""
    quotes = Archive.quotes
    asked: list[Filters] = []

    def held(self: Archive, filters: Filters, **named: Any) -> Any:
        if named.get("after") is not None:
            asked.append(filters)
            gate.wait()
        return quotes(self, filters, **named)

    monkeypatch.setattr(Archive, "quotes", held)
    return asked


def test_ctrl_end_reads_the_rest_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, held: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While Ctrl+End's read is held, a timer fires, keys are handled, the busy indicator shows
    and the rows read stay; then the rest arrives and the last statement is current."""
    statements = window.statements
    settle(qtbot)
    total = statements.total_count()
    assert statements.model.rowCount() == QUOTE_PAGE < total
    gate = Gate()
    held.append(gate)
    _hold_further_pages(monkeypatch, gate)
    statements.focus_table()
    QTest.keyClick(statements.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert gate.entered.wait(GATE_SECONDS)
    ticks: list[int] = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks))
    qtbot.waitUntil(activity().busy)
    assert window.reading_label.isVisible()
    assert statements.model.rowCount() == QUOTE_PAGE  # what was read stays
    QTest.keyClick(statements.table, Qt.Key.Key_Down)
    assert statements.table.currentIndex().row() == 1
    gate.opened.set()
    qtbot.waitUntil(lambda: statements.table.currentIndex().row() == total - 1, timeout=10_000)
    assert statements.model.rowCount() == total


def test_a_page_under_way_when_the_filters_change_is_never_appended(
    qtbot: QtBot, window: MainWindow, held: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table scrolled to its end reads the next page; the search changes meanwhile: its
    statements are shown, and the held page, let go, is dropped."""
    statements = window.statements
    settle(qtbot)
    gate = Gate()
    held.append(gate)
    asked = _hold_further_pages(monkeypatch, gate)
    statements.table.scrollToBottom()  # the view asks for more at its end
    statements.model.fetchMore(QModelIndex())  # as it does, should the scroll not reach it
    assert gate.entered.wait(GATE_SECONDS)
    assert asked == [Filters()] and statements.model.fetching
    with qtbot.waitSignal(statements.shown, timeout=10_000):
        QTest.keyClicks(window.filter_bar.search, "fines")
    fines = _ids(window)
    expected = window.archive.quotes(Filters(search="fines"), limit=QUOTE_PAGE).rows
    assert fines == [q.id for q in expected]
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)  # the held page's answer, if any, is delivered now, and dropped
    assert _ids(window) == fines
    assert len(set(fines)) == len(fines)
