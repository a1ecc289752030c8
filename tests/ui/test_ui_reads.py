"""Reads off the GUI thread: a slow read leaves the window responsive, a superseded result is
never painted, a superseded SQLite statement is interrupted, and a failure is reported."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from ui_helpers import GATE_SECONDS, Gate, answering

from carebrowser.data.cancelling import Cancellation, ReadCancelled, cancellable
from carebrowser.data.database import open_database
from carebrowser.queries import Archive, Filters
from carebrowser.queries.networks import NetworkReader
from carebrowser.queries.timeline import Timeline
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.network import NetworkPanel
from carebrowser.ui.reads import ReadStream, activity, wait_for_reads
from carebrowser.ui.timeline import TimelinePanel


def test_a_slow_read_leaves_the_window_responsive(
    qtbot: QtBot, window: MainWindow, gates: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the coalition map's read is held, keys typed in the filter bar are handled, a
    timer fires, the busy indicator shows, and the old picture stays; then the new one comes."""
    window.set_view("network")
    panel = window.network
    qtbot.waitUntil(lambda: panel.network is not None)
    before = panel.network
    gate = Gate()
    gates.append(gate)
    network_rows = NetworkReader.network_rows

    def slow(self: NetworkReader, *args: Any, **named: Any) -> Any:
        gate.wait()
        return network_rows(self, *args, **named)

    monkeypatch.setattr(NetworkReader, "network_rows", slow)
    panel.redraw()
    assert gate.entered.wait(GATE_SECONDS)
    answering(qtbot)
    qtbot.keyClicks(window.filter_bar.search, "care")
    assert window.filter_bar.search.text() == "care"
    qtbot.waitUntil(activity().busy)  # the read is under way: the status bar says so
    assert window.reading_label.isVisible()
    assert panel.network is before and not gate.opened.is_set()  # the old picture stays
    with qtbot.waitSignal(panel.network_shown):
        gate.opened.set()
    assert panel.network is not before
    qtbot.waitUntil(lambda: not activity().busy())
    assert not window.reading_label.isVisible()


def test_a_superseded_result_is_never_painted(
    qtbot: QtBot, archive: Archive, gates: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first request's read is held while a second one, with other filters, is drawn; when
    the first is let go, its network is dropped: the picture stays the second's."""
    panel = NetworkPanel(archive)
    qtbot.addWidget(panel)
    panel.show()
    first_gate = Gate()
    gates.append(first_gate)
    network_rows = NetworkReader.network_rows
    asked: list[Filters] = []

    def held_first(self: NetworkReader, filters: Filters, *args: Any, **named: Any) -> Any:
        asked.append(filters)
        if len(asked) == 1:
            first_gate.wait()
        return network_rows(self, filters, *args, **named)

    monkeypatch.setattr(NetworkReader, "network_rows", held_first)
    shown: list[object] = []
    panel.network_shown.connect(lambda: shown.append(panel.network))
    panel.set_filters(Filters())
    assert first_gate.entered.wait(GATE_SECONDS)
    second = Filters(search="fines")
    with qtbot.waitSignal(panel.network_shown):
        panel.set_filters(second)
    assert panel.network is not None
    drawn = panel.network
    first_gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)  # any queued answer of the first read is delivered now, and dropped
    assert shown == [drawn] and panel.network is drawn
    assert asked[0] == Filters() and asked[1] == second


def test_a_failed_read_is_reported_and_a_superseded_one_is_not(qtbot: QtBot) -> None:
    """The latest read's failure reaches its panel; an earlier read's failure is dropped."""
    stream = ReadStream()
    gate = Gate()
    shown: list[object] = []
    failures: list[BaseException] = []

    def held_then_fails() -> int:
        gate.wait()
        raise ValueError("superseded")

    def fails() -> int:
        raise ValueError("the latest")

    stream.read(held_then_fails, shown.append, failures.append)
    assert gate.entered.wait(GATE_SECONDS)
    with qtbot.waitSignal(stream.answered):
        stream.read(fails, shown.append, failures.append)
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)
    assert [str(f) for f in failures] == ["the latest"] and shown == []
    assert not stream.reading()


def _endless(connection: Any) -> Any:
    """A statement that would count for a very long time."""
    return connection.execute(
        text(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
            "SELECT count(*) FROM (SELECT i FROM n LIMIT 10000000000)"
        )
    ).scalar()


def test_a_superseded_sqlite_statement_is_interrupted() -> None:
    """Cancelling a read stops the statement it is running, and the read's later statements."""
    engine, _info = open_database()
    token = Cancellation()
    started = threading.Event()
    outcome: list[BaseException] = []

    def read() -> None:
        with cancellable(token), engine.connect() as connection:
            connection.execute(text("SELECT 1")).scalar()
            started.set()
            try:
                _endless(connection)
            except Exception as error:
                outcome.append(error)
            try:
                connection.execute(text("SELECT 1"))
            except Exception as error:
                outcome.append(error)

    thread = threading.Thread(target=read)
    thread.start()
    assert started.wait(GATE_SECONDS)
    while thread.is_alive():  # an interrupt just before the statement starts has no effect
        token.cancel()
        thread.join(0.05)
    assert "interrupted" in str(outcome[0])
    assert isinstance(outcome[1], ReadCancelled)
    with engine.connect() as connection:  # the connection reads again for the next read
        assert connection.execute(text("SELECT 1")).scalar() == 1
    engine.dispose()


def test_reading_threads_have_connections_of_their_own() -> None:
    """Two threads reading at once use two connections (never one shared sqlite3 connection)."""
    engine, _info = open_database()
    both = threading.Barrier(2, timeout=GATE_SECONDS)
    seen: list[int] = []

    def read() -> None:
        with engine.connect() as connection:
            seen.append(id(connection.connection.dbapi_connection))
            both.wait()  # both hold their connection now
            connection.execute(text("SELECT count(*) FROM statement")).scalar()

    threads = [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(GATE_SECONDS)
    assert len(set(seen)) == 2
    engine.dispose()


def test_a_search_keeps_the_rows_shown_until_its_own_arrive_and_never_shows_an_older_one(
    qtbot: QtBot, window: MainWindow, gates: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A search whose read is held leaves the statements shown as they were; a newer search
    is shown; when the held one is let go, it is dropped."""
    panel = window.statements
    before = [panel.model.quote(r).id for r in range(panel.model.rowCount())]
    heading = panel.heading.text()
    assert before
    gate = Gate()
    gates.append(gate)
    quote_total = Archive.quote_total

    def held_for_trusts(self: Archive, filters: Filters, **named: Any) -> Any:
        if filters.search == "trusts":
            gate.wait()
        return quote_total(self, filters, **named)

    monkeypatch.setattr(Archive, "quote_total", held_for_trusts)
    window.filter_bar.search.setFocus()
    with qtbot.waitSignal(window.filter_bar.filters_changed):
        qtbot.keyClicks(window.filter_bar.search, "trusts")
    assert gate.entered.wait(GATE_SECONDS)
    # The old rows and heading stay while the read runs; typing goes on.
    assert [panel.model.quote(r).id for r in range(panel.model.rowCount())] == before
    assert panel.heading.text() == heading
    window.filter_bar.search.clear()
    with qtbot.waitSignal(panel.shown):
        qtbot.keyClicks(window.filter_bar.search, "fines")
    fines = [panel.model.quote(r).id for r in range(panel.model.rowCount())]
    assert "fines" in panel.heading.text() and fines != before
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)  # the held read's answer, if any, is delivered now, and dropped
    assert "fines" in panel.heading.text()
    assert [panel.model.quote(r).id for r in range(panel.model.rowCount())] == fines
    assert window.focusWidget() is window.filter_bar.search  # the keyboard stayed there


def test_a_slow_name_filter_keeps_the_list_and_typing_and_shows_only_the_latest(
    qtbot: QtBot, window: MainWindow, gates: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stakeholder list's read for "mil" is held: the keys go on being taken, the list
    shown stays, "lga" is read and shown; "mil"'s answer, let go after, is never shown."""
    panel = window.stakeholders
    gate = Gate()
    gates.append(gate)
    first_stakeholders = Archive.first_stakeholders
    asked: list[str] = []

    def held_first(self: Archive, categories: Any, name: str, **named: Any) -> Any:
        asked.append(name)
        if name == "mil":
            gate.wait()
        return first_stakeholders(self, categories, name, **named)

    monkeypatch.setattr(Archive, "first_stakeholders", held_first)
    before = panel.model.known_total()
    shown: list[str] = []
    panel.filtered.connect(lambda: shown.append(panel.model.name))
    panel.name_filter.setText("mil")
    panel.name_filter.returnPressed.emit()
    assert gate.entered.wait(GATE_SECONDS)
    qtbot.waitUntil(activity().busy)  # under way: the status bar says so
    assert panel.model.name == "" and panel.model.known_total() == before  # the list stays
    qtbot.keyClicks(panel.name_filter, "x")  # typing goes on meanwhile
    assert panel.name_filter.text() == "milx"
    with qtbot.waitSignal(panel.filtered):
        panel.name_filter.setText("local government")
        panel.name_filter.returnPressed.emit()
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)  # any queued answer of the held read is delivered now, and dropped
    assert shown == ["local government"] and panel.model.name == "local government"
    names = {s.name for s in panel.model.stakeholders(_every_row(panel.model))}
    assert "Local Government Association" in names and "Alan Milburn" not in names
    assert "mil" in asked


def _every_row(model: Any) -> list[Any]:
    """The index of every stakeholder row of the list (categories' children)."""
    rows = []
    for category in range(model.rowCount()):
        parent = model.index(category, 0)
        rows += [model.index(row, 0, parent) for row in range(model.rowCount(parent))]
    return rows


def test_the_timeline_made_while_its_first_read_is_held_leaves_the_window_answering(
    qtbot: QtBot, window: MainWindow, gates: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl+6 the first time: the view is made and shown at once while its read is held; keys
    typed are handled; the timeline is drawn when the read is let go."""
    gate = Gate()
    gates.append(gate)
    rows = Timeline.rows

    def slow(self: Timeline, *args: Any, **named: Any) -> Any:
        gate.wait()
        return rows(self, *args, **named)

    monkeypatch.setattr(Timeline, "rows", slow)
    window.set_view("timeline")
    assert window.current_view() == 5  # shown at once, its read under way
    panel = window.view(5).timeline  # type: ignore[attr-defined]
    assert gate.entered.wait(GATE_SECONDS)
    answering(qtbot)
    qtbot.keyClicks(window.filter_bar.search, "x")
    assert window.filter_bar.search.text() == "x"
    assert not panel.picture.rows and not gate.opened.is_set()
    window.filter_bar.search.clear()
    gate.opened.set()
    qtbot.waitUntil(lambda: bool(panel.picture.rows) and not panel.reads.busy)


def test_a_superseded_timeline_is_never_drawn(
    qtbot: QtBot, archive: Archive, gates: list[Gate], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first filters' timeline is held while the second's is drawn; let go, it is dropped."""
    panel = TimelinePanel(archive)
    qtbot.addWidget(panel)
    panel.show()
    first_gate = Gate()
    gates.append(first_gate)
    rows = Timeline.rows
    asked: list[Filters] = []

    def held_first(self: Timeline, filters: Filters, *args: Any, **named: Any) -> Any:
        asked.append(filters)
        if len(asked) == 1:
            first_gate.wait()
        return rows(self, filters, *args, **named)

    monkeypatch.setattr(Timeline, "rows", held_first)
    drawn: list[int] = []
    panel.canvas.set_picture = lambda picture, keep=None: drawn.append(picture.total_rows)  # type: ignore[method-assign]
    panel.set_filters(Filters())
    assert first_gate.entered.wait(GATE_SECONDS)
    second = Filters(search="fines")
    panel.set_filters(second)
    qtbot.waitUntil(lambda: len(drawn) == 1)
    first_gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)  # any queued answer of the first read is delivered now, and dropped
    whole = len(Timeline(archive.engine).rows(Filters(), "stakeholder")[0])
    assert len(drawn) == 1 and drawn[0] == panel.picture.total_rows != whole
    assert asked[0] == Filters() and asked[1] == second


def test_a_stream_that_outlives_the_read_activity_is_let_go_quietly(qtbot: QtBot) -> None:
    """At exit Qt may delete the window's read activity before a panel's stream: the stream,
    busy when it goes, is forgotten without an error (it raised one in a slot at exit)."""
    from shiboken6 import Shiboken

    from carebrowser.ui import reads

    gone = reads.ReadActivity()
    stream = ReadStream()
    gone._set(stream, True)
    assert gone.busy()
    Shiboken.delete(gone)
    gone._forget(id(stream))  # what the stream's `destroyed` asks of it
    assert not gone.busy() and not gone.reading()
    stream.deleteLater()


def test_a_read_answering_as_its_panel_goes_emits_on_a_live_object(
    qtbot: QtBot, gate: Gate
) -> None:
    """A read whose panel is deleted (the window closed) while it runs still has the object
    it answers through, alive: deleted with the panel, a pool thread emitting at that moment
    touched freed memory (a crash at close, seen once in a full test run). Its answer reaches
    nobody."""
    from shiboken6 import Shiboken

    answers: list[object] = []
    stream = ReadStream()
    stream.read(lambda: gate.wait() or 42, answers.append, answers.append)
    qtbot.waitUntil(gate.entered.is_set)
    signals = stream._signals
    Shiboken.delete(stream)  # as closing the window deletes its panels
    assert Shiboken.isValid(signals)
    gate.opened.set()
    assert wait_for_reads(GATE_SECONDS * 1000)
    qtbot.wait(50)  # any answer queued would be delivered here
    assert answers == [] and Shiboken.isValid(signals)
