"""The comparison, the export dialog's counts and the matrix read off the GUI thread: a read held
by an injected delay leaves the window answering and what it showed in place; an answer that a
newer choice superseded is never shown."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from ui_helpers import (
    GATE_SECONDS,
    LGA,
    MILBURN,
    Gate,
    answering,
    open_finder,
    settle,
    shown_compare,
    stakeholder,
)

from carebrowser.queries import Archive, Filters
from carebrowser.queries.timeline import Timeline
from carebrowser.ui.compare_panel import ComparePanel
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.matrix_panel import MatrixPanel
from carebrowser.ui.reads import wait_for_reads


def held_compare(monkeypatch: pytest.MonkeyPatch, gate: Gate, held: int) -> list[list[int]]:
    """Hold the comparisons that take in stakeholder *held*; the ids each comparison asked."""
    compare = Archive.compare
    asked: list[list[int]] = []

    def slow(self: Archive, ids: Sequence[int]) -> Any:
        asked.append(list(ids))
        if held in ids:
            gate.wait()
        return compare(self, ids)

    monkeypatch.setattr(Archive, "compare", slow)
    return asked


def test_a_held_comparison_leaves_the_window_answering_and_the_old_rows_shown(
    qtbot: QtBot, archive: Archive, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    compare = shown_compare(qtbot, archive)
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    rita = stakeholder(archive, "Rita Stringfellow")
    compare.set_stakeholders([lga.id, milburn.id])
    settle(qtbot)
    before = [compare.model.comparison_row(r) for r in range(compare.model.rowCount())]
    assert before and list(compare.model.stakeholders) == [lga, milburn]
    held_compare(monkeypatch, gate, rita.id)
    compare.add_stakeholder(rita.id)
    assert gate.entered.wait(GATE_SECONDS)
    answering(qtbot)
    # The pickers answer keys: a letter opens the finder of the third picker.
    open_finder(compare.pickers[3], "lga")
    # The comparison shown stays until the new one arrives.
    assert list(compare.model.stakeholders) == [lga, milburn]
    assert [compare.model.comparison_row(r) for r in range(compare.model.rowCount())] == before
    with qtbot.waitSignal(compare.shown):
        gate.opened.set()
    assert list(compare.model.stakeholders) == [lga, milburn, rita]


def test_a_superseded_comparison_is_never_shown(
    qtbot: QtBot, archive: Archive, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    compare = shown_compare(qtbot, archive)
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    rita = stakeholder(archive, "Rita Stringfellow")
    asked = held_compare(monkeypatch, gate, rita.id)
    shown: list[list[int]] = []
    compare.shown.connect(lambda: shown.append([s.id for s in compare.model.stakeholders]))
    compare.set_stakeholders([lga.id, rita.id])
    assert gate.entered.wait(GATE_SECONDS)
    with qtbot.waitSignal(compare.shown):
        compare.set_stakeholders([lga.id, milburn.id])  # chosen before the first answered
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)  # the first read's answer, queued now, is dropped
    assert asked[0] == [lga.id, rita.id]
    assert shown == [[lga.id, milburn.id]]
    assert [s.id for s in compare.compared()] == [lga.id, milburn.id]


def test_the_finder_shows_the_matches_of_what_was_typed_last(
    qtbot: QtBot, archive: Archive, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The matches of 'lg' are held while 'lga' is typed: the finder answers keys, shows the
    matches of 'lga', and never those of 'lg'; Enter chooses among them."""
    compare = shown_compare(qtbot, archive)
    as_listed = Archive.stakeholders_as_listed

    def held(self: Archive, name: str = "", **named: Any) -> Any:
        if name == "lg":
            gate.wait()
        return as_listed(self, name, **named)

    monkeypatch.setattr(Archive, "stakeholders_as_listed", held)
    picker = compare.pickers[0]
    finder = open_finder(picker, "lg")
    assert gate.entered.wait(GATE_SECONDS)
    answering(qtbot)
    with qtbot.waitSignal(finder.shown):
        QTest.keyClick(finder.edit, "a")
    current = finder.current()
    assert current is not None and current.label == LGA
    listed = finder.model
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)
    assert finder.model is listed
    QTest.keyClick(finder.edit, Qt.Key.Key_Return)
    assert picker.currentText() == LGA


# -- the export dialog's counts ------------------------------------------------------------


def held_matrix_size(monkeypatch: pytest.MonkeyPatch, gate: Gate) -> list[int]:
    """Hold the matrix's count until the gate opens; how many counts were asked for."""
    matrix_size = Archive.matrix_size
    asked: list[int] = []

    def slow(self: Archive, *args: Any, **named: Any) -> Any:
        asked.append(1)
        gate.wait()
        return matrix_size(self, *args, **named)

    monkeypatch.setattr(Archive, "matrix_size", slow)
    return asked


def test_the_export_dialog_opens_while_its_count_is_held_and_export_waits_for_it(
    qtbot: QtBot,
    window: MainWindow,
    archive: Archive,
    gate: Gate,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    window.set_view("matrix")
    settle(qtbot)
    window.matrix.table.clearSelection()
    held_matrix_size(monkeypatch, gate)
    dialog = window.export_selection(window.matrix)
    assert dialog is not None and dialog.isVisible()
    assert gate.entered.wait(GATE_SECONDS)
    answering(qtbot)
    assert dialog.counting()
    assert dialog.summary.text() == "Counting the stakeholder rows to export\u2026"
    dialog.format_buttons["csv"].setChecked(True)
    dialog.open_box.setChecked(False)
    dialog.set_target(tmp_path / "matrix.csv")
    dialog.accept()  # Export pressed before the count came: it waits, and says so
    assert dialog.isVisible() and not window.exports.busy()
    assert dialog.summary.text().endswith("the export starts as soon as they are counted.")
    with qtbot.waitSignal(window.exports.finished):
        gate.opened.set()
    rows, _positions = matrix_size_of(archive, window)
    assert (tmp_path / "matrix.csv").read_text(encoding="utf-8").count("\n") == rows + 1


def matrix_size_of(archive: Archive, window: MainWindow) -> tuple[int, int]:
    matrix = window.matrix
    return archive.matrix_size(matrix.filters, hide_empty=matrix.hide_empty_box.isChecked())


def test_a_count_for_a_dialog_closed_is_dropped(
    qtbot: QtBot, window: MainWindow, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.set_view("matrix")
    settle(qtbot)
    window.matrix.table.clearSelection()
    held_matrix_size(monkeypatch, gate)
    dialog = window.export_selection(window.matrix)
    assert dialog is not None
    assert gate.entered.wait(GATE_SECONDS)
    counted: list[str] = []
    dialog.counted.connect(lambda: counted.append(dialog.summary.text()))
    dialog.accept()  # Export pressed, waiting for the count ...
    dialog.reject()  # ... then Cancel: nothing is exported when the count comes
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)
    assert counted == [] and not window.exports.busy()
    assert window.exports.dialog is None


# -- the matrix ----------------------------------------------------------------------------


def test_the_matrix_shown_stays_while_its_columns_are_held_and_an_older_read_is_dropped(
    qtbot: QtBot, archive: Archive, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hide empty rows and columns unticked: its read is held (the window answers, the matrix
    shown stays); ticked again before it came, the newer read is shown, the held one never."""
    panel = MatrixPanel(archive)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    settle(qtbot)
    before = panel.model.matrix
    assert before.stakeholders and panel.hide_empty_box.isChecked()
    matrix_proposals = Archive.matrix_proposals

    def held(self: Archive, filters: Any, *, hide_empty: bool) -> Any:
        if not hide_empty:
            gate.wait()
        return matrix_proposals(self, filters, hide_empty=hide_empty)

    monkeypatch.setattr(Archive, "matrix_proposals", held)
    shown: list[object] = []
    panel.shown.connect(lambda: shown.append(panel.model.matrix))
    panel.hide_empty_box.setChecked(False)
    assert gate.entered.wait(GATE_SECONDS)
    answering(qtbot)
    assert panel.model.matrix is before  # the matrix shown stays until the new one comes
    with qtbot.waitSignal(panel.shown):
        panel.hide_empty_box.setChecked(True)
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)
    assert len(shown) == 1 and panel.model.matrix is shown[0]
    assert [p.id for p in panel.model.matrix.proposals] == [p.id for p in before.proposals]


def test_the_matrix_reads_its_changes_of_position_off_the_gui_thread(
    qtbot: QtBot, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    spells = Timeline.spells
    on_the_gui_thread: list[bool] = []

    def recorded(self: Timeline, *args: Any, **named: Any) -> Any:
        on_the_gui_thread.append(threading.current_thread() is threading.main_thread())
        return spells(self, *args, **named)

    monkeypatch.setattr(Timeline, "spells", recorded)
    panel = MatrixPanel(archive)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.shown):
        panel.show()  # its first showing
    with qtbot.waitSignal(panel.shown):
        panel.set_filters(Filters(search="trusts"))
    assert on_the_gui_thread and not any(on_the_gui_thread)


def test_a_stakeholder_added_is_read_off_the_gui_thread_and_a_new_comparison_wins(
    qtbot: QtBot, archive: Archive, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One stakeholder added that the pickers have not read is read by its key on a pool
    thread: held there, the pickers answer keys and the comparison stays; two chosen meanwhile
    replace it, and the one added, let go, is never added. Added again, it joins them."""
    compare = ComparePanel(archive)  # hidden: the pickers have read no stakeholder
    qtbot.addWidget(compare)
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    rita = stakeholder(archive, "Rita Stringfellow")
    compare.set_stakeholders([lga.id, milburn.id])
    settle(qtbot)
    assert compare.choices.row_of_id(rita.id) < 0  # not read by the pickers
    by_ids = Archive.stakeholders_by_ids

    def held(self: Archive, ids: Sequence[int]) -> Any:
        if rita.id in ids and not gate.opened.is_set():
            gate.wait()
        return by_ids(self, ids)

    monkeypatch.setattr(Archive, "stakeholders_by_ids", held)
    said: list[str] = []
    compare.add_stakeholder(rita.id, said.append)
    assert gate.entered.wait(GATE_SECONDS)
    answering(qtbot)
    compare.show()
    picker = compare.pickers[3]
    picker.setFocus()
    QTest.keyClicks(picker, "lga")
    assert picker.finder.isVisible() and picker.finder.edit.text() == "lga"
    picker.finder.hide()
    assert compare.compared() == [lga, milburn] and said == []
    compare.set_stakeholders([milburn.id, lga.id])  # chosen before the one added answered
    gate.opened.set()
    assert wait_for_reads()
    settle(qtbot)
    assert compare.compared() == [milburn, lga] and said == []
    compare.add_stakeholder(rita.id, said.append)
    settle(qtbot)
    assert compare.compared() == [milburn, lga, rita]
    assert said == [
        "Added Rita Stringfellow to the comparison. To compare other stakeholders only, select "
        "two to four and press Compare selected."
    ]
