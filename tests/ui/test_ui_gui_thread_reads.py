"""Nothing on the GUI thread waits for the database, proved on a scripted walk over every view.

Every SQL statement the engine runs is noted with the thread that runs it (and, on the GUI
thread, what in the window asked for it), and so is every call of an Archive method. The walk:
a start with a selection, a comparison and filters kept from the last one; the name box; a
stakeholder selected by another view; a search; a proposal chosen; a new order of the
statements; every view; a matrix cell; one stakeholder added to the comparison; the reader's
next statement; Retry. After the window is first shown, no statement may run on the GUI thread.
While the window is being made (before it is shown, so there is nothing yet to answer) only the
reads of ALLOWED_AT_START may: the first screenful it opens with, and the choices kept from the
last start.
"""

from __future__ import annotations

import functools
import inspect
import threading
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import event
from ui_helpers import LGA, MILBURN, proposal, settle, shown, stakeholder

from carebrowser.data.database import DatabaseInfo
from carebrowser.queries import Archive, Filters
from carebrowser.ui import settings as options
from carebrowser.ui.main_window import COMPARE, MATRIX, NETWORK, READER, STAKEHOLDERS, MainWindow
from carebrowser.ui.settings import Settings

#: What the window reads on the GUI thread while it is made, before it is first shown, and why
#: (the issue's start-up decision: read one screenful before the first paint, and nothing more).
ALLOWED_AT_START: dict[str, str] = {
    "first_stakeholders": "the stakeholder list's first screenful, which the first paint shows",
    "people_by_organisation": "the people of the organisations in that first screenful",
    "stakeholders_by_keys": "the stakeholders selected and compared last time, by their keys",
    "sources_by_keys": "the source filter kept from last time, by its keys",
    "proposals": "the proposal filter kept from last time (read only when one was kept)",
    "proposals_by_ids": "that proposal's title, for the filter bar",
    "sources_by_ids": "that source's title, for the filter bar",
}
#: The views after the first, by number.
VIEWS = (MATRIX, COMPARE, READER, NETWORK, NETWORK + 1)


def archive_methods() -> list[str]:
    """Every public method of Archive (its readers' questions)."""
    return sorted(
        name
        for name, _member in inspect.getmembers(Archive, inspect.isfunction)
        if not name.startswith("_")
    )


def _asked_by() -> str:
    """What in the window is asking, innermost first (its frames under carebrowser/ui/)."""
    frames = [
        f"{f.filename.split('carebrowser/')[-1]}:{f.lineno} {f.name}"
        for f in traceback.extract_stack()
        if "carebrowser/ui/" in f.filename
    ]
    return " < ".join(reversed(frames))


def _question() -> str:
    """The query-layer method being asked (the outermost frame under carebrowser/queries/)."""
    return next(
        (f.name for f in traceback.extract_stack() if "carebrowser/queries/" in f.filename),
        "(not through the query layer)",
    )


class ThreadLog:
    """The SQL statements run, and the Archive methods called, on the GUI thread and off it."""

    def __init__(self) -> None:
        #: From the making of the window on (what the test sets up before is not noted).
        self.recording = False
        #: While the window is being made (before it is shown).
        self.starting = False
        #: (query method, asked by) of each statement run on the GUI thread, by phase.
        self.on_gui: dict[str, list[tuple[str, str]]] = {"start": [], "use": []}
        self.statements_off_gui = 0
        #: Archive methods called, and on which thread (GUI or not).
        self.called: dict[str, set[bool]] = {}
        self._depth = threading.local()

    def statement(self, *_arguments: Any) -> None:
        if not self.recording:
            return
        if threading.current_thread() is threading.main_thread():
            asked_by = _asked_by()
            if asked_by:  # the window's statement, not the test's own look-ups
                phase = "start" if self.starting else "use"
                self.on_gui[phase].append((_question(), asked_by))
        else:
            self.statements_off_gui += 1

    def wrap(self, name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def noted(*args: Any, **named: Any) -> Any:
            depth = getattr(self._depth, "value", 0)
            if (
                depth == 0 and self.recording and _asked_by()
            ):  # the window's own question (not the test's)
                on_gui = threading.current_thread() is threading.main_thread()
                self.called.setdefault(name, set()).add(on_gui)
            self._depth.value = depth + 1
            try:
                return method(*args, **named)
            finally:
                self._depth.value = depth

        return noted


@pytest.fixture
def thread_log(archive: Archive, monkeypatch: pytest.MonkeyPatch) -> Iterator[ThreadLog]:
    log = ThreadLog()
    for name in archive_methods():
        monkeypatch.setattr(Archive, name, log.wrap(name, getattr(Archive, name)))
    event.listen(archive.engine, "before_cursor_execute", log.statement)
    yield log
    event.remove(archive.engine, "before_cursor_execute", log.statement)


@pytest.fixture
def walked_window(
    qtbot: QtBot, archive: Archive, settings: Settings, thread_log: ThreadLog
) -> Iterator[MainWindow]:
    """A window started with a selection, a comparison and filters kept from the last start."""
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    settings.set_keys(options.SELECTED, [lga.key])
    settings.set_keys(options.COMPARED, [lga.key, milburn.key])
    source = archive.sources()[0]
    settings.save_filters(archive, Filters(sources=frozenset({source.id})))
    thread_log.recording = thread_log.starting = True
    window = MainWindow(archive, DatabaseInfo("the bundled dataset", 1, True), settings)
    thread_log.starting = False
    yield shown(qtbot, window, (1400, 900))
    window.close()
    settle(qtbot)


def test_the_walk_reads_nothing_on_the_gui_thread(
    qtbot: QtBot, walked_window: MainWindow, archive: Archive, thread_log: ThreadLog
) -> None:
    window, panel = walked_window, walked_window.stakeholders
    milburn, trusts = stakeholder(archive, MILBURN), proposal(archive, "children's trusts")
    window.filter_bar.set_filters(Filters())
    settle(qtbot)
    qtbot.keyClicks(panel.name_filter, "Local")
    settle(qtbot)
    panel.name_filter.clear()
    settle(qtbot)
    window.select_stakeholders([milburn.id])  # as another view or --select does
    settle(qtbot)
    qtbot.keyClicks(window.filter_bar.search, "care")
    settle(qtbot)
    choose = window.filter_bar.proposal  # a proposal chosen in its list, as a person does
    choose.showPopup()
    settle(qtbot)
    choose.setCurrentIndex(choose.findText(trusts.title))
    choose.hidePopup()
    settle(qtbot)
    assert window.filter_bar.filters().proposals == {trusts.id}
    window.statements.set_sort("source", True)
    settle(qtbot)
    for number in (*VIEWS, STAKEHOLDERS):
        window.set_view(number)
        settle(qtbot)
    window.filter_bar.set_filters(Filters())
    window.set_view(MATRIX)
    settle(qtbot)
    matrix = window.matrix
    cell = archive.positions(Filters(stakeholders=frozenset({milburn.id})))[-1]
    assert matrix.select_cell(cell.stakeholder_id, cell.proposal_id)
    settle(qtbot)
    assert matrix.current_position() == cell
    assert window.evidence.model.rowCount() > 0
    window.compare_stakeholders([milburn.id])
    settle(qtbot)
    window.open_statement(*_first_statement(archive, milburn.id))
    settle(qtbot)
    window.window_actions.next_statement.trigger()
    settle(qtbot)
    window.set_view(STAKEHOLDERS)
    settle(qtbot)
    window.retry()
    settle(qtbot)
    assert panel.selected_ids() == {milburn.id}

    # The walk read the database, on reading threads.
    assert thread_log.statements_off_gui > 0
    assert {"quotes", "matrix_block", "compare", "source_text"} <= thread_log.called.keys()
    on_gui_later = "\n".join(f"{q}: {by}" for q, by in thread_log.on_gui["use"])
    assert not on_gui_later, f"read on the GUI thread once the window was shown:\n{on_gui_later}"
    at_start = {question for question, _by in thread_log.on_gui["start"]}
    assert at_start <= ALLOWED_AT_START.keys(), at_start
    called_on_gui = {name for name, threads in thread_log.called.items() if True in threads}
    assert called_on_gui <= ALLOWED_AT_START.keys(), called_on_gui


def _first_statement(archive: Archive, stakeholder_id: int) -> tuple[int, int]:
    """(source id, statement id) of a stakeholder's first statement."""
    first = archive.quotes(Filters(stakeholders=frozenset({stakeholder_id})), limit=1).rows[0]
    return first.source_id, first.id
