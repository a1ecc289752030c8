"""A statements table's first page is read off the GUI thread whatever asks for it: a new
order, a matrix cell's evidence, the timeline's chosen statement. A read held by an injected
delay leaves the window answering and the rows shown in place; an answer that a newer order or
cell has superseded is never shown."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_helpers import LGA, MILBURN, Gate, proposal, settle, stakeholder

from carebrowser.queries import Archive
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.quote_panel import QuotePanel
from carebrowser.ui.reads import activity


def _answering(qtbot: QtBot) -> None:
    """The GUI thread runs a timer's slot: it is not held."""
    ticks: list[int] = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks), timeout=2_000)


def _hold(
    monkeypatch: pytest.MonkeyPatch, name: str, gate: Gate, when: Callable[..., bool]
) -> None:
    """Hold the Archive method *name* at *gate* for the calls *when* picks (once)."""
    method = getattr(Archive, name)
    held: list[int] = []

    def maybe_held(self: Archive, *args: Any, **named: Any) -> Any:
        if not held and when(*args, **named):
            held.append(1)
            gate.wait()
        return method(self, *args, **named)

    monkeypatch.setattr(Archive, name, maybe_held)


def _shown(panel: QuotePanel) -> list[int]:
    return [panel.model.quote(r).id for r in range(panel.model.rowCount())]


def test_a_new_order_held_leaves_the_window_answering_and_an_older_order_is_dropped(
    qtbot: QtBot, window: MainWindow, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sorting by source is held on a pool thread: the window answers, says it is reading and
    keeps the rows in date order; sorting by stakeholder meanwhile wins over it, and the
    source order, let go after, is never shown."""
    panel = window.statements
    settle(qtbot)
    before = _shown(panel)
    assert before
    _hold(monkeypatch, "quotes", gate, lambda *_a, sort="date", **_n: sort == "source")
    panel.set_sort("source", False)
    assert gate.entered.wait(10)
    _answering(qtbot)
    qtbot.keyClicks(window.filter_bar.search, "x")
    assert window.filter_bar.search.text() == "x"
    window.filter_bar.search.clear()
    qtbot.waitUntil(activity().busy)
    assert _shown(panel) == before and panel.model.sort_by == "date"
    with qtbot.waitSignal(panel.shown, timeout=10_000):
        panel.set_sort("stakeholder", True)
    by_stakeholder = _shown(panel)
    assert panel.model.sort_by == "stakeholder" and by_stakeholder != before
    gate.opened.set()
    settle(qtbot)
    assert panel.model.sort_by == "stakeholder" and _shown(panel) == by_stakeholder


def test_a_cells_evidence_held_leaves_the_matrix_answering_and_an_older_cell_is_dropped(
    qtbot: QtBot, window: MainWindow, archive: Archive, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The evidence of one cell is held: the matrix takes keys and the old evidence stays;
    another cell chosen meanwhile shows its own, and the first cell's, let go, never shows."""
    window.set_view("matrix")
    settle(qtbot)
    lga = stakeholder(archive, LGA)
    trusts, care = proposal(archive, "children's trusts"), proposal(archive, "care trusts")
    matrix, evidence = window.matrix, window.evidence
    first = matrix.model.position_at(matrix.model.index_of(lga.id, trusts.id))
    second = matrix.model.position_at(matrix.model.index_of(lga.id, care.id))
    assert first is not None and second is not None
    assert set(first.evidence_quote_ids) != set(second.evidence_quote_ids)
    heading, before = evidence.heading.text(), _shown(evidence)
    _hold(monkeypatch, "evidence_quotes", gate, lambda ids, **_n: list(ids) == [first.id])
    assert matrix.select_cell(lga.id, trusts.id)
    assert gate.entered.wait(10)
    _answering(qtbot)
    assert (evidence.heading.text(), _shown(evidence)) == (heading, before)  # as it was
    qtbot.waitUntil(activity().busy)
    with qtbot.waitSignal(evidence.shown, timeout=10_000):
        assert matrix.select_cell(lga.id, care.id)
    shown = {evidence.model.quote(r).quote_id for r in range(evidence.model.rowCount())}
    assert shown == set(second.evidence_quote_ids)
    gate.opened.set()
    settle(qtbot)
    assert evidence.position == second
    shown = {evidence.model.quote(r).quote_id for r in range(evidence.model.rowCount())}
    assert shown == set(second.evidence_quote_ids)


def test_a_chosen_statement_held_is_superseded_by_the_next_one_chosen(
    qtbot: QtBot, archive: Archive, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The timeline's statement panel: the statement of the mark chosen first is held, the
    next mark's is shown, and the first, let go, never replaces it."""
    panel = QuotePanel(archive, "Statement")
    qtbot.addWidget(panel)
    panel.show()
    ids = [q.id for q in archive.quotes(limit=2).rows]
    _hold(monkeypatch, "quotes_by_ids", gate, lambda wanted: list(wanted) == ids[:1])
    panel.show_quotes(ids[:1], "the first")
    assert gate.entered.wait(10)
    _answering(qtbot)
    assert panel.model.rowCount() == 0
    with qtbot.waitSignal(panel.shown, timeout=10_000):
        panel.show_quotes(ids[1:], "the second")
    assert _shown(panel) == ids[1:] and panel.heading.text() == "the second"
    gate.opened.set()
    settle(qtbot)
    assert _shown(panel) == ids[1:] and panel.heading.text() == "the second"


def test_a_cell_asked_for_while_the_matrix_is_read_is_made_current_when_it_comes(
    qtbot: QtBot, window: MainWindow, archive: Archive, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cell asked for while the matrix is out of date (made, not shown): the matrix is read
    on a pool thread, held there while the window answers; a second cell asked for meanwhile
    wins, and is current once the matrix comes, the first never."""
    lga = stakeholder(archive, LGA)
    trusts, care = proposal(archive, "children's trusts"), proposal(archive, "care trusts")
    matrix = window.matrix  # made, hidden: read when shown or asked for a cell
    settle(qtbot)
    _hold(monkeypatch, "matrix_proposals", gate, lambda *_a, **_n: True)
    made_current: list[object] = []
    matrix.position_selected.connect(made_current.append)
    assert matrix.select_cell(lga.id, trusts.id)
    assert gate.entered.wait(10)
    _answering(qtbot)
    qtbot.keyClicks(window.filter_bar.search, "x")
    assert window.filter_bar.search.text() == "x"
    window.filter_bar.search.clear()
    assert matrix.select_cell(lga.id, care.id)
    gate.opened.set()
    settle(qtbot)
    current = matrix.current_position()
    assert current is not None and (current.stakeholder_id, current.proposal_id) == (
        lga.id,
        care.id,
    )
    assert all(p is None or p.proposal_id != trusts.id for p in made_current)


def test_the_first_cell_of_stakeholders_selected_elsewhere_is_found_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, archive: Archive, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stakeholders selected by another view: the matrix's cell of the first one's position is
    looked for on a pool thread; held there, the window answers; a newer selection wins."""
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    window.set_view("matrix")
    settle(qtbot)
    window.set_view("stakeholders")
    asked = lga.id
    _hold(monkeypatch, "positions", gate, lambda f, *_a, **_n: f.stakeholders == {asked})
    window.select_stakeholders([lga.id])
    assert gate.entered.wait(10)
    _answering(qtbot)
    assert window.stakeholders.selected_ids() == {lga.id}  # the list at once
    window.select_stakeholders([milburn.id])
    gate.opened.set()
    settle(qtbot)
    current = window.matrix.current_position()
    assert current is not None and current.stakeholder_id == milburn.id


def test_the_proposal_typed_in_the_filter_bar_is_found_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, archive: Archive, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Letters typed in the closed proposal chooser look for the first title they start, on a
    pool thread: the search for "c" is held there while "ch" is typed; the window answers, the
    match of "ch" is chosen, and that of "c", let go, never replaces it."""
    first_c, first_ch = archive.proposal_starting("c"), archive.proposal_starting("ch")
    assert first_c is not None and first_ch is not None and first_c != first_ch
    _hold(monkeypatch, "proposal_starting", gate, lambda typed: typed == "c")
    combo, bar = window.filter_bar.proposal, window.filter_bar
    combo.setFocus()
    interval = QApplication.keyboardInputInterval()
    QApplication.setKeyboardInputInterval(60_000)  # "c" then "h" are typed as one word
    try:
        qtbot.keyClicks(combo, "c")
        assert gate.entered.wait(10)
        _answering(qtbot)
        with qtbot.waitSignal(bar.filters_changed, timeout=10_000):
            qtbot.keyClicks(combo, "h")
    finally:
        QApplication.setKeyboardInputInterval(interval)
    assert combo.currentText() == first_ch.title and bar.filters().proposals == {first_ch.id}
    gate.opened.set()
    settle(qtbot)
    assert combo.currentText() == first_ch.title and bar.filters().proposals == {first_ch.id}
