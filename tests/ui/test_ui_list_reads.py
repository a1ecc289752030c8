"""The stakeholder list reads off the GUI thread: a category's next page, its category counts
and the people of the organisations selected. A read held by an injected delay leaves the window
answering and the list as it was; an answer superseded meanwhile is never shown."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot
from ui_helpers import (
    GATE_SECONDS,
    LGA,
    MILBURN,
    TREE_PAGE,
    Gate,
    answering,
    assert_counted,
    long_list_window,
    settle,
    show,
    stakeholder,
)

from carebrowser.data.database import DatabaseInfo
from carebrowser.queries import Archive, StakeholderRow
from carebrowser.ui import stakeholder_panel
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.models.roles import ROOT, ROW_ROLE
from carebrowser.ui.models.stakeholders import StakeholderTreeModel
from carebrowser.ui.reads import activity, wait_for_reads
from carebrowser.ui.settings import Settings
from carebrowser.ui.stakeholder_panel import StakeholderPanel

#: The categories' counts as the archive reads them (before a test watches them).
COUNTS = Archive.category_counts


@pytest.fixture
def long_list(
    qtbot: QtBot, synthetic: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[MainWindow]:
    """A window whose stakeholder list is read a page of TREE_PAGE at a time, counted."""
    window = long_list_window(qtbot, synthetic, settings, monkeypatch)
    show(qtbot, window)
    qtbot.waitUntil(lambda: not window.stakeholders.model.counting)
    settle(qtbot)
    yield window
    window.close()


def _read_in_part(model: StakeholderTreeModel) -> QModelIndex:
    """The category row whose first page is read and its next not yet."""
    rows = [model.index(r, 0) for r in range(model.rowCount())]
    return next(i for i in rows if model.rowCount(i) and model.has_more(i))


def _rows(model: StakeholderTreeModel, category: QModelIndex) -> list[int]:
    """The ids of the stakeholders read in *category*."""
    return [model.index(r, 0, category).data(ROW_ROLE).id for r in range(model.rowCount(category))]


def test_a_held_page_leaves_the_window_answering_and_the_rows_shown(
    qtbot: QtBot, long_list: MainWindow, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scrolling a category into view reads its next page on a pool thread: while that read is
    held, the window answers, types, says it is reading, and keeps the rows it shows."""
    window = long_list
    model, tree = window.stakeholders.model, window.stakeholders.tree
    category = _read_in_part(model)
    pages = Archive.stakeholders
    asked: list[Any] = []

    def held(self: Archive, *args: Any, **named: Any) -> Any:
        asked.append(args)
        gate.wait()
        return pages(self, *args, **named)

    monkeypatch.setattr(Archive, "stakeholders", held)
    before = _rows(model, category)
    assert model.has_more(category)
    tree.scrollTo(model.index(model.rowCount(category) - 1, 0, category))
    qtbot.waitUntil(gate.entered.is_set)
    answering(qtbot)
    window.filter_bar.search.setFocus()
    qtbot.keyClicks(window.filter_bar.search, "care")
    assert window.filter_bar.search.text() == "care"
    qtbot.waitUntil(activity().busy)  # the status bar says a read is under way
    assert _rows(model, category) == before  # the rows shown stay
    gate.opened.set()
    qtbot.waitUntil(lambda: model.rowCount(category) > len(before))
    after = _rows(model, category)
    expected = pages(model.archive, {category.data(ROW_ROLE)}, speaking=True, limit=len(after))
    assert after[: len(before)] == before and after == [s.id for s in expected.rows]
    assert len(asked) == 1  # one page at a time


def test_a_page_read_for_an_older_filter_is_never_shown(
    qtbot: QtBot, long_list: MainWindow, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page held while a new name is typed: the new list is shown; the old list's page, let
    go after, is dropped: every category holds the new filter's stakeholders, in order."""
    panel, model, tree = (
        long_list.stakeholders,
        long_list.stakeholders.model,
        long_list.stakeholders.tree,
    )
    archive = model.archive
    category = _read_in_part(model)
    pages = Archive.stakeholders
    held_names: list[str] = []

    def held_for_everyone(self: Archive, categories: Any = (), name: str = "", **named: Any) -> Any:
        if name == "":
            held_names.append(name)
            gate.wait()
        return pages(self, categories, name, **named)

    monkeypatch.setattr(Archive, "stakeholders", held_for_everyone)
    tree.scrollTo(model.index(model.rowCount(category) - 1, 0, category))
    qtbot.waitUntil(gate.entered.is_set)
    with qtbot.waitSignal(panel.filtered):
        panel.name_filter.setText("e")
        panel.name_filter.returnPressed.emit()
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)  # the held page's answer is delivered now, and dropped
    settle(qtbot)
    assert model.name == "e" and held_names
    for row in range(model.rowCount()):
        index = model.index(row, 0)
        shown = _rows(model, index)
        expected = archive.stakeholders(
            {index.data(ROW_ROLE)}, "e", speaking=True, limit=max(1, len(shown))
        ).rows
        assert shown == [s.id for s in expected][: len(shown)]


def _counts_watched(monkeypatch: pytest.MonkeyPatch, first: Callable[[str], None]) -> None:
    """Archive.category_counts calls *first* with the name it is asked for, then counts."""
    counts = Archive.category_counts

    def watched(self: Archive, categories: Any = (), name: str = "", **named: Any) -> Any:
        first(name)
        return counts(self, categories, name, **named)

    monkeypatch.setattr(Archive, "category_counts", watched)


def _type_name(qtbot: QtBot, panel: StakeholderPanel, name: str) -> None:
    """Type *name* into the list's Name box and wait until its list is shown."""
    with qtbot.waitSignal(panel.filtered):
        panel.name_filter.setText(name)
        panel.name_filter.returnPressed.emit()


def _assert_counted_for(panel: StakeholderPanel, archive: Archive, name: str) -> None:
    """The list shows the categories of *name* with their counts (read here again)."""
    counts = COUNTS(archive, (), name, speaking=True)
    assert_counted(panel, {c.category: c.count for c in counts})


def test_counts_read_for_an_older_filter_are_never_shown(
    qtbot: QtBot,
    synthetic: Archive,
    settings: Settings,
    gate: Gate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The counts of the whole list, read after the first paint, are held: the window answers
    and the list says "at least"; "e" typed meanwhile is shown, then counted; the whole list's,
    let go after, are dropped."""
    _counts_watched(monkeypatch, lambda name: gate.wait() if name == "" else None)
    window = long_list_window(qtbot, synthetic, settings, monkeypatch)
    show(qtbot, window)
    panel, model = window.stakeholders, window.stakeholders.model
    qtbot.waitUntil(gate.entered.is_set)
    answering(qtbot)
    assert model.counting and panel.count_label.text().startswith("at least")
    _type_name(qtbot, panel, "e")
    # "e"'s own counts, read once its list is painted, while the whole list's are still held.
    qtbot.waitUntil(lambda: not model.counting)
    assert not gate.opened.is_set()
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)  # the held counts are delivered now, and dropped
    settle(qtbot)
    _assert_counted_for(panel, synthetic, "e")
    window.close()


def test_a_filter_typed_is_shown_before_its_counts_are_read(
    qtbot: QtBot,
    synthetic: Archive,
    settings: Settings,
    gate: Gate,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A name typed shows its first screenful without waiting for its categories' counts:
    with them held, the list is "e"'s and says "at least"; let go, they are shown."""
    _counts_watched(monkeypatch, lambda name: gate.wait() if name == "e" else None)
    window = long_list_window(qtbot, synthetic, settings, monkeypatch)
    show(qtbot, window)
    panel, model = window.stakeholders, window.stakeholders.model
    settle(qtbot)
    _type_name(qtbot, panel, "e")
    qtbot.waitUntil(gate.entered.is_set)
    answering(qtbot)
    assert model.name == "e" and model.counting
    first = model.index(0, 0)
    shown = [model.index(r, 0, first).data(ROW_ROLE) for r in range(model.rowCount(first))]
    wanted = synthetic.first_stakeholders(name="e", speaking=True, limit=len(shown)).rows
    assert shown and shown == wanted
    assert panel.count_label.text().startswith("at least")
    gate.opened.set()
    settle(qtbot)
    _assert_counted_for(panel, synthetic, "e")
    window.close()


def test_a_name_typed_letter_by_letter_is_counted_once_the_typing_pauses(
    qtbot: QtBot, long_list: MainWindow, synthetic: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each letter's list is shown; the counts are read once, for the name as it ends."""
    counted: list[str] = []
    _counts_watched(monkeypatch, counted.append)
    panel, model = long_list.stakeholders, long_list.stakeholders.model
    for name in ("e", "er", "e"):
        _type_name(qtbot, panel, name)
        assert model.name == name
    qtbot.waitUntil(lambda: not model.counting)
    assert counted == ["e"]
    _assert_counted_for(panel, synthetic, "e")


def test_the_people_of_an_organisation_selected_are_read_off_the_gui_thread(
    qtbot: QtBot, window: MainWindow, archive: Archive, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Selecting the LGA reads its people on a pool thread: held, the window answers and the
    statements wait; Milburn, selected meanwhile, is shown at once; the LGA's people, let go
    after, are dropped."""
    panel = window.stakeholders
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    people_of = Archive.people_of

    def held(self: Archive, ids: Any) -> Any:
        gate.wait()
        return people_of(self, ids)

    monkeypatch.setattr(Archive, "people_of", held)
    heading = window.statements.heading.text()
    panel.select([lga.id])
    qtbot.waitUntil(gate.entered.is_set)
    answering(qtbot)
    assert panel.selected_ids() == {lga.id}
    assert window.statements.heading.text() == heading  # asked for with the people, once read
    with qtbot.waitSignal(window.statements.shown):
        panel.select([milburn.id])  # a person: no people to read
    assert window.statements.heading.text().startswith(f"Statements of {MILBURN}")
    gate.opened.set()
    assert wait_for_reads()
    qtbot.wait(50)
    settle(qtbot)
    assert panel.selected_ids() == {milburn.id}
    assert window.statements.heading.text().startswith(f"Statements of {MILBURN}")
    assert "with their people" not in window.statements.heading.text()


def test_the_whole_list_exported_is_read_as_it_is_written(
    window: MainWindow, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The table of the whole list reads nothing when it is made (on the GUI thread, by the
    export dialog); its rows are read when the export writes them, on the export's thread."""
    panel = window.stakeholders
    everyone = Archive.all_stakeholders
    read_on: list[threading.Thread] = []

    def noted(self: Archive, *args: Any, **named: Any) -> Any:
        read_on.append(threading.current_thread())
        return everyone(self, *args, **named)

    monkeypatch.setattr(Archive, "all_stakeholders", noted)
    table = panel.export_table(False)
    assert read_on == []
    written: list[list[Any]] = []
    writer = threading.Thread(target=lambda: written.append([list(r) for r in table.rows]))
    writer.start()
    writer.join(GATE_SECONDS)
    assert read_on == [writer]
    names = [row[0] for row in written[0]]
    assert names == [s.name for s in everyone(archive, speaking=True)]


def _far_down(model: StakeholderTreeModel) -> tuple[QModelIndex, StakeholderRow]:
    """A category read in part, and a stakeholder of it a page beyond the rows read."""
    category = _read_in_part(model)
    name = str(category.data(ROW_ROLE))
    listed = model.archive.stakeholders({name}, speaking=True, limit=3 * TREE_PAGE).rows
    assert len(listed) > model.rowCount(category) + 1
    return category, listed[-1]


def hold_first(monkeypatch: pytest.MonkeyPatch, gate: Gate, read: str) -> None:
    """Hold the first call of the archive's *read* at *gate* (on the pool thread that makes
    it); the calls after it go through."""
    unheld = getattr(Archive, read)
    held: list[int] = []

    def held_once(self: Archive, *args: Any, **named: Any) -> Any:
        if not held:
            held.append(1)
            gate.wait()
        return unheld(self, *args, **named)

    monkeypatch.setattr(Archive, read, held_once)


def test_selecting_one_not_read_yet_reads_up_to_them_off_the_gui_thread(
    qtbot: QtBot, long_list: MainWindow, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another view asks the list to select a stakeholder further down than it has read: the
    list is read up to them on a pool thread. Held there, the window answers and the selection
    stays; a stakeholder selected meanwhile wins, and the held answer, let go, selects nobody.
    Asked again, they are selected, made current and scrolled to once their page arrives."""
    panel, model, tree = (
        long_list.stakeholders,
        long_list.stakeholders.model,
        long_list.stakeholders.tree,
    )
    category, far = _far_down(model)
    hold_first(monkeypatch, gate, "stakeholder_place")
    near = model.index(0, 0, category).data(ROW_ROLE)
    panel.select([far.id])
    assert gate.entered.wait(GATE_SECONDS)
    answering(qtbot)
    qtbot.keyClicks(long_list.filter_bar.search, "x")
    assert long_list.filter_bar.search.text() == "x"
    long_list.filter_bar.search.clear()
    assert panel.selected_ids() == frozenset() and panel.selecting()
    qtbot.waitUntil(activity().busy)
    panel.select([near.id])  # read already: selected at once, and the far one not wanted
    assert panel.selected_ids() == {near.id}
    gate.opened.set()
    assert wait_for_reads()
    settle(qtbot)
    assert panel.selected_ids() == {near.id}
    panel.select([far.id])
    assert panel.selected_ids() == {near.id}  # until their page arrives
    qtbot.waitUntil(lambda: not panel.selecting())
    assert panel.selected_ids() == {far.id}
    current = tree.currentIndex()
    assert current.data(ROW_ROLE) == far
    assert tree.visualRect(current).intersects(tree.viewport().rect())  # scrolled to


def test_retry_reads_the_list_off_the_gui_thread_and_a_name_typed_meanwhile_wins(
    qtbot: QtBot, long_list: MainWindow, gate: Gate, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Retry reads the list again on a pool thread: held there, the window answers and the
    list stays as it is; a name typed meanwhile is shown, and Retry's list, let go, is dropped.
    Retry let through selects again those selected and shows their statements."""
    window, panel, model = long_list, long_list.stakeholders, long_list.stakeholders.model
    chosen = model.index(0, 0, model.index(0, 0)).data(ROW_ROLE)
    panel.select([chosen.id])
    settle(qtbot)
    hold_first(monkeypatch, gate, "first_stakeholders")
    rows = [model.index(r, 0).data() for r in range(model.rowCount())]
    window.retry()
    assert gate.entered.wait(GATE_SECONDS)
    answering(qtbot)
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == rows
    qtbot.keyClicks(panel.name_filter, chosen.name)
    qtbot.waitUntil(lambda: model.name == chosen.name, timeout=10_000)
    gate.opened.set()
    assert wait_for_reads()
    settle(qtbot)
    assert model.name == chosen.name  # Retry's list of the old name never came back
    panel.name_filter.clear()
    settle(qtbot)
    window.retry()
    settle(qtbot)
    assert panel.selected_ids() == {chosen.id}
    assert window.statements.heading.text().startswith(f"Statements of {chosen.name}")


def test_a_page_lays_out_its_own_category_alone(
    qtbot: QtBot, synthetic: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A category's next page lays out that category's rows, not the whole list's: the view
    asks the model nothing about the other categories' rows (with every page a full layout
    asked about all of them, the GUI thread's longest pause as a long list was read). The rows
    are where a full layout puts them, the people of its organisations shown, the list scrolled
    where it was."""
    asked: list[int] = []  # the category row of each stakeholder row the view asked for
    index = StakeholderTreeModel.index

    def counted(
        self: StakeholderTreeModel, row: int, column: int, parent: QModelIndex = ROOT
    ) -> QModelIndex:
        if parent.isValid() and not parent.parent().isValid():
            asked.append(parent.row())
        return index(self, row, column, parent)

    monkeypatch.setattr(StakeholderTreeModel, "index", counted)
    window = long_list_window(qtbot, synthetic, settings, monkeypatch)
    show(qtbot, window)
    qtbot.waitUntil(lambda: not window.stakeholders.model.counting)
    settle(qtbot)
    model, tree = window.stakeholders.model, window.stakeholders.tree
    categories = [model.index(r, 0) for r in range(model.rowCount())]
    read = [c for c in categories if model.rowCount(c)]
    category = next(c for c in categories if model.has_more(c))
    for other in categories:  # every category with rows read, so that others have rows too
        if not model.rowCount(other):
            model.read_more(other)
    assert len([c for c in categories if model.rowCount(c)]) > len(read) >= 1
    tree.executeDelayedItemsLayout()
    bar = tree.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    scrolled, before = bar.value(), model.rowCount(category)
    asked.clear()

    model.read_more(category)
    tree.executeDelayedItemsLayout()  # a full layout asked for would run here

    assert model.rowCount(category) > before
    assert asked and set(asked) == {category.row()}
    assert bar.value() == scrolled
    everything = [
        model.index(r, 0, parent)
        for parent in [QModelIndex(), *categories]
        for r in range(model.rowCount(parent))
    ]
    people = [
        model.index(r, 0, stakeholder)
        for stakeholder in everything
        if stakeholder.parent().isValid()
        for r in range(model.rowCount(stakeholder))
    ]
    assert people  # organisations with their people among the rows
    laid_out = [tree.visualRect(i) for i in everything + people]
    tree.scheduleDelayedItemsLayout()
    tree.executeDelayedItemsLayout()
    assert [tree.visualRect(i) for i in everything + people] == laid_out
    assert all(tree.isExpanded(c) for c in categories if model.rowCount(c))
    assert all(tree.isExpanded(s) for s in everything if model.hasChildren(s))
    assert all(tree.visualRect(p).isValid() for p in people)  # laid out, in view or not
    window.close()


def test_a_category_read_on_reads_larger_pages(
    qtbot: QtBot, synthetic: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scrolled to its end again and again, a category reads as many rows as it has read,
    up to GROWN_PAGES pages at a time (each page lays the category out again), in the list's
    order."""
    page = 2
    limits: list[tuple[str, int]] = []  # each page's category, and how many it asked for
    stakeholders = Archive.stakeholders

    def recorded(self: Archive, *args: Any, **named: Any) -> Any:
        limits.extend((name, named["limit"]) for name in args[0])
        return stakeholders(self, *args, **named)

    monkeypatch.setattr(Archive, "stakeholders", recorded)
    monkeypatch.setattr(stakeholder_panel, "TREE_PAGE", page)
    window = MainWindow(synthetic, DatabaseInfo("synthetic", 1, True), settings)
    qtbot.addWidget(window)
    show(qtbot, window)
    qtbot.waitUntil(lambda: not window.stakeholders.model.counting)
    settle(qtbot)
    model, tree = window.stakeholders.model, window.stakeholders.tree
    categories = [model.index(r, 0) for r in range(model.rowCount())]
    category = max(categories, key=lambda c: int(c.data().rsplit("(", 1)[1].strip("+)")))
    limits.clear()
    wanted: list[int] = []
    while model.has_more(category) and len(wanted) < 6:
        read = model.rowCount(category)
        wanted.append(max(page, min(read, stakeholder_panel.GROWN_PAGES * page)))
        end = model.index(read - 1, 0, category) if read else category

        def scrolled_to(end: QModelIndex = end, read: int = read) -> bool:
            tree.scrollTo(end)  # what comes into view above it may push it out again
            return model.rowCount(category) > read

        qtbot.waitUntil(scrolled_to)
        settle(qtbot)
    name = category.data(ROW_ROLE)
    assert len(wanted) >= 4 and [n for c, n in limits if c == name] == wanted
    assert max(wanted) == stakeholder_panel.GROWN_PAGES * page
    expected = stakeholders(synthetic, {name}, speaking=True, limit=model.rowCount(category))
    assert _rows(model, category) == [s.id for s in expected.rows]
    window.close()
