"""A click on an organisation reads its people and its statements' first page together, on a
reading thread: the page waits for no turn of the GUI thread after the people are known."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from ui_helpers import GATE_SECONDS, LGA, Gate, settle, stakeholder

from carebrowser.queries import Archive, Filters
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.quote_panel import QUOTE_PAGE

GONE = "disk I/O error"
PEOPLE_FAILED = "finding the people of the organisations selected"


def _shown_ids(window: MainWindow) -> list[int]:
    model = window.statements.model
    return [model.quote(row).id for row in range(model.rowCount())]


def _first_page(archive: Archive, ids: set[int]) -> list[int]:
    page = archive.quotes(Filters(stakeholders=frozenset(ids)), limit=QUOTE_PAGE)
    return [q.id for q in page.rows]


def _count_people_reads(monkeypatch: pytest.MonkeyPatch) -> list[threading.Thread]:
    """Note the thread of each read of the people of organisations."""
    people_of = Archive.people_of
    read_on: list[threading.Thread] = []

    def noted(self: Archive, ids: Any) -> Any:
        read_on.append(threading.current_thread())
        return people_of(self, ids)

    monkeypatch.setattr(Archive, "people_of", noted)
    return read_on


def test_the_first_page_is_read_with_the_people_without_a_turn_of_the_gui_thread(
    qtbot: QtBot, window: MainWindow, archive: Archive, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The LGA's people held on the reading thread, then let go while the GUI thread does not
    turn: the statements' first page is read all the same, and shown once, with the people."""
    panel = window.stakeholders
    lga = stakeholder(archive, LGA)
    people = archive.people_of([lga.id])
    people_of, quotes = Archive.people_of, Archive.quotes
    paged = threading.Event()

    def held(self: Archive, ids: Any) -> Any:
        gate.wait()
        return people_of(self, ids)

    def noted(self: Archive, filters: Filters, **named: Any) -> Any:
        if lga.id in filters.stakeholders:
            paged.set()
        return quotes(self, filters, **named)

    monkeypatch.setattr(Archive, "people_of", held)
    monkeypatch.setattr(Archive, "quotes", noted)
    headings: list[str] = []
    window.statements.shown.connect(lambda: headings.append(window.statements.heading.text()))
    panel.select([lga.id])
    assert gate.entered.wait(GATE_SECONDS)
    assert not paged.is_set()
    gate.opened.set()
    # The GUI thread waits here, turning no event loop: the people's answer could not be
    # delivered to it, so a page asked for only once it had them would never be read.
    assert paged.wait(GATE_SECONDS / 2)
    settle(qtbot)
    names = ", ".join(p.name for p in people)
    assert headings == [f"Statements of {LGA}, with their people ({names})"]
    assert _shown_ids(window) == _first_page(archive, {lga.id, *(p.id for p in people)})
    assert panel.people_of_selected() == people  # kept: an export reads them no more


def test_people_read_once_are_not_read_again_for_another_order(
    qtbot: QtBot, window: MainWindow, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel, statements = window.stakeholders, window.statements
    lga = stakeholder(archive, LGA)
    read_on = _count_people_reads(monkeypatch)
    with qtbot.waitSignal(statements.shown):
        panel.select([lga.id])
    assert len(read_on) == 1 and read_on[0] is not threading.main_thread()
    heading = statements.heading.text()
    with qtbot.waitSignal(statements.shown):
        statements.set_sort("source", True)
    settle(qtbot)
    assert len(read_on) == 1
    assert statements.heading.text() == heading and "with their people" in heading


def test_a_failed_people_read_shows_those_selected_without_their_people(
    qtbot: QtBot, window: MainWindow, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The people cannot be read: the statements of the LGA alone are shown, and the failure is
    reported once, as finding the people."""
    panel = window.stakeholders
    lga = stakeholder(archive, LGA)

    def gone(self: Archive, ids: Any) -> Any:
        raise sqlite3.OperationalError(GONE)

    monkeypatch.setattr(Archive, "people_of", gone)
    failures: list[tuple[str, str]] = []
    panel.read_failed.connect(lambda error, doing: failures.append((str(error), doing)))
    with qtbot.waitSignal(window.statements.shown):
        panel.select([lga.id])
    settle(qtbot)
    assert failures == [(GONE, PEOPLE_FAILED)]
    assert window.statements.heading.text() == f"Statements of {LGA}"
    assert _shown_ids(window) == _first_page(archive, {lga.id})
    assert panel.people_of_selected() == []  # not read on the GUI thread after all


def test_unticked_with_their_people_reads_no_people(
    qtbot: QtBot, window: MainWindow, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = window.stakeholders
    lga = stakeholder(archive, LGA)
    panel.with_people.setChecked(False)
    settle(qtbot)
    read_on = _count_people_reads(monkeypatch)
    with qtbot.waitSignal(window.statements.shown):
        panel.select([lga.id])
    settle(qtbot)
    assert read_on == []
    assert window.statements.heading.text() == f"Statements of {LGA}"
    assert _shown_ids(window) == _first_page(archive, {lga.id})
