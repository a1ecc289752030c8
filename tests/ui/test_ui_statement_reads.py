"""The statements table's further pages and the reader's reads run off the GUI thread: a read
held there leaves the window answering, and an answer a newer action superseded is not shown."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from ui_helpers import GATE_SECONDS, Gate, answering, settle

from carebrowser.queries import Archive, Filters, SourceRow
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.models import quotes
from carebrowser.ui.models.quotes import STATEMENT
from carebrowser.ui.models.roles import MATCH_SPANS_ROLE
from carebrowser.ui.quote_panel import QUOTE_PAGE
from carebrowser.ui.reads import activity, wait_for_reads


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
    qtbot: QtBot, window: MainWindow, gates: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While Ctrl+End's read is held, a timer fires, keys are handled, the busy indicator shows
    and the rows read stay; then the rest arrives and the last statement is current."""
    statements = window.statements
    settle(qtbot)
    total = statements.total_count()
    assert statements.model.rowCount() == QUOTE_PAGE < total
    gate = Gate()
    gates.append(gate)
    _hold_further_pages(monkeypatch, gate)
    statements.focus_table()
    QTest.keyClick(statements.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert gate.entered.wait(GATE_SECONDS)
    answering(qtbot)
    qtbot.waitUntil(activity().busy)
    assert window.reading_label.isVisible()
    assert statements.model.rowCount() == QUOTE_PAGE  # what was read stays
    QTest.keyClick(statements.table, Qt.Key.Key_Down)
    assert statements.table.currentIndex().row() == 1
    gate.opened.set()
    qtbot.waitUntil(lambda: statements.table.currentIndex().row() == total - 1)
    assert statements.model.rowCount() == total


def test_a_page_under_way_when_the_filters_change_is_never_appended(
    qtbot: QtBot, window: MainWindow, gates: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table scrolled to its end reads the next page; the search changes meanwhile: its
    statements are shown, and the held page, let go, is dropped."""
    statements = window.statements
    settle(qtbot)
    gate = Gate()
    gates.append(gate)
    asked = _hold_further_pages(monkeypatch, gate)
    statements.table.scrollToBottom()  # the view asks for more at its end
    statements.model.fetchMore(QModelIndex())  # as it does, should the scroll not reach it
    assert gate.entered.wait(GATE_SECONDS)
    assert asked == [Filters()] and statements.model.fetching
    with qtbot.waitSignal(statements.shown):
        QTest.keyClicks(window.filter_bar.search, "fines")
    fines = _ids(window)
    expected = window.archive.quotes(Filters(search="fines"), limit=QUOTE_PAGE).rows
    assert fines == [q.id for q in expected]
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)  # the held page's answer, if any, is delivered now, and dropped
    assert _ids(window) == fines
    assert len(set(fines)) == len(fines)


def _hold_source_text(monkeypatch: pytest.MonkeyPatch, gate: Gate, held_id: int) -> None:
    source_text = Archive.source_text

    def held(self: Archive, source_id: int) -> Any:
        if source_id == held_id:
            gate.wait()
        return source_text(self, source_id)

    monkeypatch.setattr(Archive, "source_text", held)


def test_a_source_being_read_leaves_the_window_answering_and_its_text_shown(
    qtbot: QtBot, window: MainWindow, gates: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the source chosen is read, its text held, the old text stays, keys are handled,
    and the busy indicator shows; then the chosen source is shown."""
    window.set_view("source")
    reader = window.reader
    settle(qtbot)
    before = reader.current_source()
    assert before is not None and reader.source_box.count() > 1
    text = reader.text.toPlainText()
    chosen = reader.sources.value(1)
    assert isinstance(chosen, SourceRow) and chosen != before
    gate = Gate()
    gates.append(gate)
    _hold_source_text(monkeypatch, gate, chosen.id)
    reader.source_box.setFocus()
    QTest.keyClick(reader.source_box, Qt.Key.Key_Down)
    assert gate.entered.wait(GATE_SECONDS)
    qtbot.waitUntil(activity().busy)
    assert window.reading_label.isVisible()
    assert reader.current_source() == before and reader.text.toPlainText() == text
    QTest.keyClicks(window.filter_bar.search, "xy")  # typing goes on
    assert window.filter_bar.search.text() == "xy"
    with qtbot.waitSignal(reader.source_shown):
        gate.opened.set()
    assert reader.current_source() == chosen
    assert reader.text.toPlainText() != text


def test_a_source_chosen_while_another_is_read_is_the_one_shown(
    qtbot: QtBot, window: MainWindow, gates: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first source chosen is held; a second is chosen and shown; the first, let go, is
    dropped: the text and the list stay the second's."""
    window.set_view("source")
    reader = window.reader
    settle(qtbot)
    first, second = reader.sources.value(1), reader.sources.value(2)
    assert isinstance(first, SourceRow) and isinstance(second, SourceRow)
    gate = Gate()
    gates.append(gate)
    _hold_source_text(monkeypatch, gate, first.id)
    shown: list[SourceRow | None] = []
    reader.source_shown.connect(lambda: shown.append(reader.current_source()))
    reader.source_box.setCurrentIndex(1)
    assert gate.entered.wait(GATE_SECONDS)
    with qtbot.waitSignal(reader.source_shown):
        reader.source_box.setCurrentIndex(2)
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)  # the held text's answer, if any, is delivered now, and dropped
    assert shown == [second] and reader.current_source() == second
    expected = window.archive.source_text(second.id).text
    assert reader.marks.source is not None and reader.marks.source.text == expected
    assert reader.source_box.currentIndex() == 2


def test_who_said_a_statement_is_read_off_the_gui_thread_and_the_last_asked_is_shown(
    qtbot: QtBot, window: MainWindow, gates: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Explaining a statement whose positions are held leaves the window answering; a second
    statement explained meanwhile is the one the details show."""
    window.set_view("source")
    reader = window.reader
    settle(qtbot)
    source = next(s for s in window.archive.sources() if s.statement_count > 1)
    reader.show_source(source.id)
    settle(qtbot)
    order = list(dict.fromkeys(s.statement_id for s in window.archive.source_text(source.id).spans))
    first, second = order[0], order[1]
    gate = Gate()
    gates.append(gate)
    positions_citing = Archive.positions_citing

    def held_first(self: Archive, statement_id: int) -> Any:
        if statement_id == first:
            gate.wait()
        return positions_citing(self, statement_id)

    monkeypatch.setattr(Archive, "positions_citing", held_first)
    reader.activate(first)
    assert gate.entered.wait(GATE_SECONDS)
    assert reader.active == first  # highlighted at once; who said it follows
    with qtbot.waitSignal(reader.details_shown):
        reader.activate(second)
    details = reader.details.toPlainText()
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)
    assert reader.details.toPlainText() == details and reader.active == second
    said = window.archive.quotes_by_ids([second])[0]
    assert said.stakeholder in details


def test_a_search_s_statements_are_marked_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The words a search matches in each statement are found with the read, on its thread:
    the GUI thread only shows them (folding the text holds it longer than the rest of a row)."""
    threads: list[bool] = []
    search_matches = quotes.search_matches

    def on_which_thread(search: str, *texts: str) -> bool:
        threads.append(threading.current_thread() is threading.main_thread())
        return search_matches(search, *texts)

    monkeypatch.setattr(quotes, "search_matches", on_which_thread)
    statements = window.statements
    with qtbot.waitSignal(statements.shown):
        QTest.keyClicks(window.filter_bar.search, "care")
    statements.table.viewport().repaint()  # painted with its marks
    model = statements.model
    marked = [model.index(r, STATEMENT).data(MATCH_SPANS_ROLE) for r in range(model.rowCount())]
    assert marked and all(marked)
    assert threads and not any(threads)
