"""The reader's source list and the comparison's pickers read a page at a time, never a table."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from ui_helpers import settle, shown

from carebrowser.data.database import DatabaseInfo
from carebrowser.data.vocabulary import CATEGORIES
from carebrowser.queries import Archive, SourceRow, StakeholderRow
from carebrowser.ui import compare_panel, reader_panel
from carebrowser.ui.compare_panel import ComparePanel
from carebrowser.ui.main_window import COMPARE, READER, MainWindow
from carebrowser.ui.models.choices import (
    CategoryHeading,
    ChoicePage,
    PagedChoiceListModel,
    reader_source_choices,
)
from carebrowser.ui.reader_panel import ReaderPanel
from carebrowser.ui.settings import Settings

#: The synthetic archive's 400 stakeholders and 2,000 sources: many pages of these sizes.
SOURCE_PAGE, READ_UP_TO, STAKEHOLDER_PAGE = 50, 150, 40
MATCHES = " \u2014 matches the search"
#: A word in about three sources in five of the synthetic archive.
WORD = "fines"


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader_panel, "SOURCE_PAGE", SOURCE_PAGE)
    monkeypatch.setattr(reader_panel, "READ_UP_TO", READ_UP_TO)
    monkeypatch.setattr(compare_panel, "STAKEHOLDER_PAGE", STAKEHOLDER_PAGE)


#: Each test's panels are freed as it ends (see the collected fixture).
pytestmark = pytest.mark.usefixtures("collected")


def no_whole_tables(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a chooser read a whole table")

    for name in ("sources", "all_stakeholders", "all_quotes", "matrix"):
        monkeypatch.setattr(Archive, name, refused)


def as_listed(archive: Archive, count: int) -> list[StakeholderRow]:
    """The first *count* stakeholders in the stakeholder list's order."""
    return archive.stakeholders_as_listed(limit=count).rows


def stakeholders_in(combo: QComboBox) -> list[StakeholderRow]:
    """The stakeholders a picker lists (not its headings or '(none)'), in its order."""
    return [v for v in listed(combo) if isinstance(v, StakeholderRow)]


def grouped_right(combo: QComboBox) -> None:
    """A heading for each category, before its first stakeholder read in a page."""
    model = combo.model()
    assert isinstance(model, PagedChoiceListModel)
    shown: list[str] = []
    for row in range(model.first_read_row, model.rowCount()):
        value = model.value(row)
        if isinstance(value, CategoryHeading):
            assert model.is_heading(row) and not model.flags(model.index(row)) & (
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            )
            shown.append(value.category)
        else:
            assert isinstance(value, StakeholderRow) and shown[-1] == value.category
    assert shown == [c for c in CATEGORIES if c in shown]  # the vocabulary's order, each once


def by_date(archive: Archive, count: int) -> list[SourceRow]:
    """The first *count* sources in the reader's order."""
    return archive.sources_page(limit=count).rows


def listed(combo: QComboBox) -> list[object]:
    model = combo.model()
    assert isinstance(model, PagedChoiceListModel)
    return [model.value(row) for row in range(model.rowCount())]


def scroll_popup_to_the_end(qtbot: QtBot, combo: QComboBox) -> None:
    """Open the list, scroll it to its last row, close it."""
    count = combo.count()
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    view.scrollToBottom()
    qtbot.waitUntil(lambda: combo.count() > count)
    combo.hidePopup()


def test_showing_the_reader_and_the_comparison_reads_no_whole_table(
    qtbot: QtBot, synthetic: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_whole_tables(monkeypatch)
    window = MainWindow(synthetic, DatabaseInfo("synthetic", 1, True), settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.filter_bar.search.setText(WORD)
    window.filter_bar.search.returnPressed.emit()  # the search, with the reader hidden
    window.set_view(READER)
    reader = window.reader
    settle(qtbot)  # the source's text is read off the GUI thread
    first = by_date(synthetic, SOURCE_PAGE)
    assert listed(reader.source_box) == first  # the first page, in date order
    assert reader.sources.canFetchMore()
    assert reader.current_source() == first[0]
    assert "Source 1 of the first 50" in window.status.text()
    window.set_view(COMPARE)
    settle(qtbot)  # the first page is read off the GUI thread
    picker = window.compare.pickers[0]
    # '(none)' and the first page in the stakeholder list's order, under category headings
    assert listed(picker)[0] is None
    assert stakeholders_in(picker) == as_listed(synthetic, STAKEHOLDER_PAGE)
    grouped_right(picker)
    assert window.compare.choices.canFetchMore()
    window.close()


def test_a_failed_first_read_is_read_again_on_retry(
    qtbot: QtBot, synthetic: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    def gone(*_args: object, **_kwargs: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    reader, compare = ReaderPanel(synthetic), ComparePanel(synthetic)
    qtbot.addWidget(reader)
    qtbot.addWidget(compare)
    failures: list[BaseException] = []
    reader.read_failed.connect(lambda error, _doing: failures.append(error))
    with monkeypatch.context() as lost:
        lost.setattr(Archive, "sources_page", gone)
        lost.setattr(Archive, "stakeholders_as_listed", gone)
        reader.ensure_loaded()  # read off the GUI thread: the window hears of the failure
        qtbot.waitUntil(lambda: bool(failures))
        assert isinstance(failures[0], sqlite3.OperationalError)
        with qtbot.waitSignal(compare.read_failed):  # read off the GUI thread, reported
            compare.ensure_loaded()
    assert reader.source_box.count() == 0 and reader.current_source() is None
    assert compare.pickers[0].count() == 1
    no_whole_tables(monkeypatch)
    reader.reload()  # what Retry does, once the database is back
    settle(qtbot)
    assert listed(reader.source_box) == by_date(synthetic, SOURCE_PAGE)
    assert reader.current_source() == by_date(synthetic, 1)[0]
    compare.show()
    qtbot.waitExposed(compare)
    compare.reload()
    settle(qtbot)
    assert stakeholders_in(compare.pickers[0]) == as_listed(synthetic, STAKEHOLDER_PAGE)


def test_scrolling_a_popup_reads_the_next_page(qtbot: QtBot, synthetic: Archive) -> None:
    reader = shown(qtbot, ReaderPanel(synthetic), (1000, 700))
    scroll_popup_to_the_end(qtbot, reader.source_box)
    count = reader.source_box.count()
    assert count >= 2 * SOURCE_PAGE and count % SOURCE_PAGE == 0
    assert listed(reader.source_box) == by_date(synthetic, count)

    compare = ComparePanel(synthetic)
    qtbot.addWidget(compare)
    compare.show()
    qtbot.waitExposed(compare)
    settle(qtbot)  # the first page
    picker = compare.pickers[1]
    scroll_popup_to_the_end(qtbot, picker)
    read = len(stakeholders_in(picker))
    assert read >= 2 * STAKEHOLDER_PAGE
    assert stakeholders_in(picker) == as_listed(synthetic, read)
    grouped_right(picker)  # a page going on in a category adds no heading
    assert compare.pickers[0].count() == picker.count()  # one list for the four pickers


def test_show_source_far_down_the_list_shows_it_without_reading_to_it(
    qtbot: QtBot, synthetic: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = shown(qtbot, ReaderPanel(synthetic), (1000, 700))
    no_whole_tables(monkeypatch)
    sources = by_date(synthetic, 1000)
    far = sources[-1]
    statement = synthetic.source_text(far.id).spans[0].statement_id
    reader.show_source(far.id, statement)
    settle(qtbot)  # the source, and its text, are read off the GUI thread
    assert reader.current_source() == far
    assert reader.active == statement
    assert reader.source_box.currentText() == far.name
    model = reader.sources
    assert model.is_pinned(reader.source_box.currentIndex())
    assert model.rowCount() == SOURCE_PAGE + 1  # the first page and it, pinned on top
    assert reader.status_text().startswith("Source: ")
    # A source a little further than the pages read: the list reads on to it, in order.
    near = sources[SOURCE_PAGE + 20]
    reader.show_source(near.id)
    settle(qtbot)
    assert reader.current_source() == near
    row = reader.source_box.currentIndex()
    assert not model.is_pinned(row)
    read = listed(reader.source_box)[model.first_read_row :]
    assert read[: SOURCE_PAGE + 21] == sources[: SOURCE_PAGE + 21]
    assert read[row - model.first_read_row] == near
    assert far not in read  # pinned once, not listed twice
    # Pages read later leave the pinned source out of their place.
    while model.canFetchMore():
        model.fetch_now()
    values = listed(reader.source_box)
    assert len(values) == len(set(values)) == len(synthetic.sources_page(limit=5000).rows)


def test_the_arrow_keys_walk_past_a_page_boundary_in_date_order(
    qtbot: QtBot, synthetic: Archive
) -> None:
    reader = shown(qtbot, ReaderPanel(synthetic), (1000, 700))
    box = reader.source_box
    box.setFocus()
    sources = by_date(synthetic, SOURCE_PAGE + 3)
    box.setCurrentIndex(SOURCE_PAGE - 2)
    for expected in sources[SOURCE_PAGE - 1 :]:
        QTest.keyClick(box, Qt.Key.Key_Down)
        settle(qtbot)
        assert reader.current_source() == expected  # the text shown follows
    assert box.count() == 2 * SOURCE_PAGE
    QTest.keyClick(box, Qt.Key.Key_Up)
    settle(qtbot)
    assert reader.current_source() == sources[-2]
    # The statements of the source, F8 and Shift+F8 in the window, step round as before.
    spans = synthetic.source_text(sources[-2].id).spans
    reader.step(1)
    assert reader.active == spans[0].statement_id
    reader.step(-1)
    assert reader.active == spans[-1].statement_id


def test_the_sources_matching_the_search_are_marked_page_by_page(
    qtbot: QtBot, synthetic: Archive
) -> None:
    matching = {s.id for s in synthetic.sources(WORD)}
    assert 0 < len(matching) < len(synthetic.sources())
    reader = shown(qtbot, ReaderPanel(synthetic), (1000, 700))
    box, model = reader.source_box, reader.sources
    far = by_date(synthetic, 1500)[-1]
    reader.show_source(far.id)  # pinned
    settle(qtbot)

    def marks_right() -> None:
        for row in range(box.count()):
            source = model.value(row)
            assert isinstance(source, SourceRow)
            marked = box.itemText(row).endswith(MATCHES)
            assert marked == (bool(reader.search.strip()) and source.id in matching), row

    reader.set_search(WORD)
    settle(qtbot)  # the marks are read off the GUI thread
    marks_right()
    assert box.itemText(box.currentIndex()).endswith(MATCHES) == (far.id in matching)
    for _page in range(3):
        model.fetchMore()  # each page marked as it is read, off the GUI thread
        settle(qtbot)
    marks_right()
    reader.set_search("")
    settle(qtbot)
    marks_right()
    reader.hide()
    reader.set_search(WORD)  # hidden: marked when next shown
    reader.show()
    settle(qtbot)
    marks_right()
    assert "statements highlighted" in reader.status_text()


def test_the_comparison_compares_two_chosen_stakeholders(
    qtbot: QtBot, synthetic: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    everyone = as_listed(synthetic, 1000)
    no_whole_tables(monkeypatch)
    compare = ComparePanel(synthetic)
    qtbot.addWidget(compare)
    first, far = everyone[3], everyone[-1]
    # Hidden: the pickers offer just the two, read by id.
    compare.set_stakeholders([first.id, far.id])
    settle(qtbot)  # read off the GUI thread
    assert listed(compare.pickers[0]) == [None, first, far]
    compare.show()
    qtbot.waitExposed(compare)
    settle(qtbot)
    assert compare.compared() == [first, far]
    # far pinned, and the first page (first was in it)
    assert stakeholders_in(compare.pickers[0]) == [first, far] + [
        s for s in as_listed(synthetic, STAKEHOLDER_PAGE) if s != first
    ]
    rows = synthetic.compare([first.id, far.id])
    assert compare.model.rowCount() == len(rows)
    assert compare.status_text().startswith("Showing ")

    # A person picks from the second page of the list, and types part of a name not read yet.
    picker = compare.pickers[1]
    scroll_popup_to_the_end(qtbot, picker)
    second = everyone[STAKEHOLDER_PAGE + 5]
    picker.setCurrentIndex(compare.choices.row_of_id(second.id))
    assert compare.compared() == [first, second]
    settle(qtbot)
    other = compare.pickers[2]
    read_names = [v.name.casefold() for v in listed(other) if isinstance(v, StakeholderRow)]
    word = next(
        w
        for w in (s.name.split()[0] for s in everyone[other.count() :])
        if not any(n.startswith(w.casefold()) for n in read_names)
    )
    other.setFocus()
    QTest.keyClicks(other, word)  # lists those whose name holds it
    assert other.finder.isVisible() and other.finder.edit.text() == word
    QTest.keyClick(other.finder.edit, Qt.Key.Key_Return)  # the first whose name starts with it
    settle(qtbot)  # Enter before the matches came: the best of them when they come
    assert not other.finder.isVisible()
    chosen = compare.choices.value(other.currentIndex())
    assert isinstance(chosen, StakeholderRow)
    assert chosen == next(s for s in everyone if s.name.startswith(word))
    assert compare.choices.is_pinned(other.currentIndex())
    assert compare.compared() == [first, second, chosen]
    assert list(compare.model.stakeholders) == [first, second, chosen]


def test_the_paged_list_model(qtmodeltester: ModelTester, synthetic: Archive) -> None:
    reads: list[object] = []

    def page(after: object | None) -> ChoicePage:
        reads.append(after)
        found = synthetic.sources_page(after=after if isinstance(after, tuple) else None, limit=7)
        return reader_source_choices(found.rows, set()), found.cursor

    model = PagedChoiceListModel([], page)
    qtmodeltester.check(model)
    assert model.rowCount() == 0 and not reads  # nothing read before start()
    far = by_date(synthetic, 500)[-1]
    assert model.pin(reader_source_choices([far], set())[0]) == 0
    model.start()
    qtmodeltester.check(model)  # fetches more itself
    assert reads[0] is None and len(reads) > 1
    assert model.is_pinned(0) and model.first_read_row == 1
    assert [model.value(r) for r in range(1, 8)] == by_date(synthetic, 7)
    source = model.value(1)
    assert isinstance(source, SourceRow)
    model.replace(1, reader_source_choices([source], {source.id}))
    qtmodeltester.check(model)
    assert model.index(1).data().endswith(MATCHES)
    assert model.value(1) == source
    with pytest.raises(IndexError):
        model.replace(model.rowCount(), reader_source_choices([source], set()))


def test_the_finder_reads_its_matches_a_page_at_a_time(
    qtbot: QtBot, synthetic: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compare_panel, "MATCH_PAGE", 20)
    no_whole_tables(monkeypatch)
    compare = ComparePanel(synthetic)
    qtbot.addWidget(compare)
    compare.show()
    qtbot.waitExposed(compare)
    picker = compare.pickers[0]
    picker.setFocus()
    QTest.keyClicks(picker, "a")
    settle(qtbot)  # the matches are read off the GUI thread
    finder = picker.finder
    model = finder.model
    assert model is not None

    def found() -> list[StakeholderRow]:
        assert model is not None
        rows = (model.value(r) for r in range(model.rowCount()))
        return [v for v in rows if isinstance(v, StakeholderRow)]

    assert len(found()) == 20 and model.canFetchMore()
    finder.matches.scrollToBottom()
    qtbot.waitUntil(lambda: len(found()) > 20)
    read = found()
    assert read == synthetic.stakeholders_as_listed("a", limit=len(read)).rows
    QTest.keyClick(finder.edit, Qt.Key.Key_Escape)
    assert not finder.isVisible() and picker.currentIndex() == 0
