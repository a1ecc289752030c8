"""Start-up reads only what the first paint needs; the matrix reads its rows a batch at a time."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QModelIndex, QObject
from pytestqt.qtbot import QtBot
from ui_helpers import TREE_PAGE, assert_counted, long_list_window, settle, show

from carebrowser.data.database import DatabaseInfo
from carebrowser.export import matrix_table, position_evidence_table
from carebrowser.export import positions_table as export_positions_table
from carebrowser.queries import Archive, Filters
from carebrowser.ui import export_subjects, matrix_panel, quote_panel, stakeholder_panel
from carebrowser.ui.main_window import MATRIX, MainWindow
from carebrowser.ui.matrix_panel import MATRIX_BATCH, MatrixPanel
from carebrowser.ui.models.matrix import Cursor, MatrixFetch, MatrixModel, MatrixRows
from carebrowser.ui.models.roles import ID_ROLE
from carebrowser.ui.settings import Settings


def _shown(qtbot: QtBot, archive: Archive, settings: Settings, height: int = 900) -> MainWindow:
    """A main window over *archive*, shown offscreen, 1,400 pixels wide."""
    window = MainWindow(archive, DatabaseInfo("synthetic", 1, True), settings)
    qtbot.addWidget(window)
    show(qtbot, window, height)
    return window


def _stakeholders_read(model: Any) -> int:
    """How many stakeholders the list has read, in all its categories."""
    return sum(model.rowCount(model.index(r, 0)) for r in range(model.rowCount()))


def _note_preparations(monkeypatch: pytest.MonkeyPatch, notes: list[str]) -> None:
    """Note "prepared" in *notes* each time a window makes its name filter ready."""
    prepare = Archive.prepare_name_filter
    monkeypatch.setattr(
        Archive, "prepare_name_filter", lambda self: notes.append("prepared") or prepare(self)
    )


def test_the_matrix_reads_its_rows_a_batch_at_a_time(qtbot: QtBot, synthetic: Archive) -> None:
    whole = synthetic.matrix(Filters(), hide_empty=True)
    assert len(whole.stakeholders) > MATRIX_BATCH  # or there would be nothing to fetch
    panel = MatrixPanel(synthetic)
    qtbot.addWidget(panel)
    assert panel.model.rowCount() == 0  # nothing read before it is shown
    panel.show()
    qtbot.waitExposed(panel)
    settle(qtbot)  # the matrix is read off the GUI thread
    model = panel.model
    assert model.rowCount() == MATRIX_BATCH and model.canFetchMore()
    assert model.columnCount() == len(whole.proposals)
    assert panel.status_text().startswith("Showing the first ")
    first = [s.id for s in model.matrix.stakeholders]
    # Scrolled to its end, the table reads the next batch off the GUI thread.
    model.fetchMore()
    assert model.fetching and model.rowCount() == MATRIX_BATCH
    model.fetchMore()  # asked again meanwhile: one batch is read, once
    settle(qtbot)
    assert not model.fetching
    assert model.rowCount() == 2 * MATRIX_BATCH
    assert [s.id for s in model.matrix.stakeholders][:MATRIX_BATCH] == first
    while model.canFetchMore():
        model.fetch_now()
    assert not model.canFetchMore()
    assert {s.id for s in model.matrix.stakeholders} == {s.id for s in whole.stakeholders}
    assert model.rowCount() == len(whole.stakeholders)
    assert model.matrix.cells == whole.cells
    assert not panel.status_text().startswith("Showing the first ")
    # Transposed, the stakeholders are the columns and fetchMore adds columns.
    with qtbot.waitSignal(panel.shown):  # read off the GUI thread
        panel.set_filters(Filters())
    panel.transpose_box.setChecked(True)
    assert model.columnCount() == MATRIX_BATCH and model.rowCount() == len(whole.proposals)
    model.fetchMore()
    settle(qtbot)
    assert model.columnCount() > MATRIX_BATCH


@pytest.mark.parametrize(
    ("filters", "hide_empty"),
    [(Filters(), True), (Filters(categories=frozenset({"council", "press"})), False)],
)
def test_the_whole_matrix_is_exported_from_the_database_not_from_the_rows_read(
    qtbot: QtBot,
    synthetic: Archive,
    monkeypatch: pytest.MonkeyPatch,
    filters: Filters,
    hide_empty: bool,
) -> None:
    whole = synthetic.matrix(filters, hide_empty=hide_empty)
    panel = MatrixPanel(synthetic)
    qtbot.addWidget(panel)
    panel.hide_empty_box.setChecked(hide_empty)
    settle(qtbot)  # the matrix is read off the GUI thread
    panel.set_filters(filters)
    panel.show()
    qtbot.waitExposed(panel)
    settle(qtbot)
    panel.table.clearSelection()
    assert panel.model.canFetchMore()  # only the first rows are read
    read = panel.model.rowCount()
    monkeypatch.setattr(matrix_panel, "EXPORT_ROWS", 7)  # many blocks of rows
    subject = export_subjects.matrix_subject(panel)
    grid, evidence, positions = subject.shapes
    assert not subject.selected
    assert grid.count() == len(whole.stakeholders)
    assert positions.count() == len(whole.cells)
    statements = sum(len(p.evidence_quote_ids) for p in whole.cells.values())
    assert evidence.count() == statements
    grid_table, positions_table = grid.table(), positions.table()
    evidence_table = evidence.table()
    # Counting and making the tables read no more of the panel's rows (the GUI thread's);
    # the export reads the rows as it writes them, on its own thread.
    assert panel.model.rowCount() == read and panel.model.canFetchMore()
    expected_grid = matrix_table(whole)
    assert grid_table.header == expected_grid.header
    assert list(grid_table.rows) == list(expected_grid.rows)
    assert grid_table.source_ids == expected_grid.source_ids
    in_order = [
        cell
        for s in whole.stakeholders
        for p in whole.proposals
        if (cell := whole.cells.get((s.id, p.id))) is not None
    ]
    expected_positions = export_positions_table(in_order)
    assert list(positions_table.rows) == list(expected_positions.rows)
    assert positions_table.source_ids == expected_positions.source_ids
    expected_evidence = position_evidence_table(in_order, synthetic.evidence_by_position)
    evidence_rows = list(evidence_table.rows)
    assert evidence_rows == list(expected_evidence.rows) and len(evidence_rows) == statements
    assert evidence_table.source_ids == expected_evidence.source_ids


def test_the_window_reads_no_whole_table_for_views_not_shown(
    qtbot: QtBot, synthetic: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("start-up read a whole table")

    source = synthetic.sources_page(limit=5).rows[-1]
    settings.save_filters(synthetic, Filters(sources=frozenset({source.id})))
    for name in ("matrix", "sources", "all_stakeholders", "matrix_stakeholders", "find_sources"):
        monkeypatch.setattr(Archive, name, refused)
    shown = MainWindow(synthetic, DatabaseInfo("synthetic", 1, True), settings)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    assert shown.filter_bar.filters().sources == {source.id}  # restored without the list
    assert shown.stakeholders.model.rowCount() > 0
    monkeypatch.undo()
    combo = shown.filter_bar.source
    assert combo.count() == 2  # 'All sources' and the restored one
    combo.showPopup()  # the first popup reads the list, a page at a time
    settle(qtbot)  # off the GUI thread
    combo.hidePopup()
    values = [combo.itemData(row, ID_ROLE) for row in range(combo.count())]
    assert len(values) > 2 and len(set(values)) == len(values)
    shown.filter_bar.clear()
    shown.set_view(MATRIX)
    settle(qtbot)  # the matrix is read off the GUI thread
    assert shown.matrix.model.rowCount() > 0
    shown.close()


def test_the_statement_count_is_bounded_until_asked_for(
    qtbot: QtBot, synthetic: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(quote_panel, "COUNT_AT_MOST", 100)
    panel = quote_panel.QuotePanel(synthetic, "Statements")
    qtbot.addWidget(panel)
    first = synthetic.sources_page(limit=1).rows[0].date
    dated = Filters(date_from=first)  # no stored count answers a date range
    with qtbot.waitSignal(panel.shown):
        panel.show_statements(dated, "All statements")
    assert panel.status_text().endswith("of at least 100 statements loaded")
    everything = len(list(synthetic.all_quotes(dated)))
    assert panel.total_count() == synthetic.quote_count(dated) == everything > 100
    assert panel.status_text().endswith(f"of {everything:,} statements loaded")
    # A category's statements are counted exactly, from the stakeholders' stored counts.
    council = Filters(categories=frozenset({"council"}))
    with qtbot.waitSignal(panel.shown):
        panel.show_statements(council, "Statements of councils")
    everything = len(list(synthetic.all_quotes(council)))
    assert everything > 100 and panel.status_text().endswith(f"of {everything:,} statements loaded")


def test_the_stakeholder_list_reads_more_as_a_category_s_end_comes_into_view(
    qtbot: QtBot, synthetic: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = long_list_window(qtbot, synthetic, settings, monkeypatch)
    show(qtbot, window)
    panel = window.stakeholders
    model, tree = panel.model, panel.tree
    counts = model.archive.category_counts()
    read = lambda: _stakeholders_read(model)  # noqa: E731
    assert sum(c.count for c in counts) > read() >= TREE_PAGE  # the first screenful, not all
    biggest = max(counts, key=lambda c: c.count)
    first = model.category_index(biggest.category)
    count = biggest.count
    assert count > 2 * TREE_PAGE

    def shown_then(index: QModelIndex, done: Callable[[], bool]) -> bool:
        tree.scrollTo(index)  # what comes into view above it may push it out again
        return done()

    # Its first page is read when it comes into view, the next when its end does.
    qtbot.waitUntil(lambda: shown_then(first, lambda: model.rowCount(first) >= TREE_PAGE))
    end = model.index(model.rowCount(first) - 1, 0, first)
    qtbot.waitUntil(lambda: shown_then(end, lambda: model.rowCount(first) >= 2 * TREE_PAGE))
    assert model.has_more(first)
    # Selecting a stakeholder far down its category reads up to it, in order.
    last = model.archive.stakeholders({biggest.category}, limit=count).rows[-1]
    panel.select([last.id])
    settle(qtbot)  # read off the GUI thread
    assert panel.selected_ids() == {last.id}
    assert model.rowCount(first) == count
    found = model.index_of(last.id, read=False)
    assert tree.currentIndex() == found
    assert tree.visualRect(found).intersects(tree.viewport().rect())
    window.close()


def test_a_tall_window_reads_statements_until_its_table_is_full(
    qtbot: QtBot, synthetic: Archive, settings: Settings
) -> None:
    window = _shown(qtbot, synthetic, settings, height=2400)
    table, model = window.statements.table, window.statements.model
    # The first page does not fill it; the view asks for more until its rows do.
    qtbot.waitUntil(lambda: table.verticalScrollBar().maximum() > 0)
    assert model.rowCount() > quote_panel.QUOTE_PAGE
    window.close()


def test_a_tall_window_reads_matrix_rows_until_its_table_is_full(
    qtbot: QtBot, synthetic: Archive, settings: Settings
) -> None:
    window = _shown(qtbot, synthetic, settings, height=2400)
    window.set_view(MATRIX)
    settle(qtbot)  # the matrix is read off the GUI thread
    table, model = window.matrix.table, window.matrix.model
    # The first batch does not fill it; the panel reads on until its rows do, and no further.
    qtbot.waitUntil(lambda: table.verticalScrollBar().maximum() > 0)
    assert model.rowCount() > MATRIX_BATCH and model.canFetchMore()
    last = model.rowCount() - 1
    assert table.rowViewportPosition(last - MATRIX_BATCH) < table.viewport().height()
    window.close()


def test_keystrokes_that_arrive_together_make_one_query(
    qtbot: QtBot, synthetic: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared: list[str] = []
    _note_preparations(monkeypatch, prepared)
    window = MainWindow(synthetic, DatabaseInfo("synthetic", 1, True), settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: bool(prepared))  # its reads are not the keystrokes'
    panel = window.stakeholders
    asked: list[str] = []
    read = Archive.first_stakeholders
    monkeypatch.setattr(
        Archive,
        "first_stakeholders",
        lambda self, categories=(), name="", **kw: (
            asked.append(name) or read(self, categories, name, **kw)
        ),
    )
    for typed in ("c", "co", "cou"):  # before the event loop turns again, as a paste or a burst
        panel.name_filter.setText(typed)
    qtbot.waitUntil(lambda: panel.model.name == "cou")
    assert asked == ["cou"]
    window.close()


def test_a_long_list_is_shown_before_its_category_counts_are_read(
    qtbot: QtBot, synthetic: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At start, the first screenful is shown at once; the counts follow, read off the GUI
    thread."""
    counted_on: list[threading.Thread] = []
    read = Archive.category_counts

    def counts(
        self: Archive, categories: object = (), name: str = "", *, speaking: bool = False
    ) -> object:
        counted_on.append(threading.current_thread())
        return read(self, categories, name, speaking=speaking)  # type: ignore[arg-type]

    monkeypatch.setattr(Archive, "category_counts", counts)
    window = long_list_window(qtbot, synthetic, settings, monkeypatch)
    panel, model = window.stakeholders, window.stakeholders.model
    # The first screenful, with a lower bound for the last category read...
    assert model.counting and panel.count_label.text() == f"at least {TREE_PAGE} shown"
    assert model.index(model.rowCount() - 1, 0).data().endswith("+)")
    assert not counted_on
    window.resize(1400, 900)
    window.show()
    # ...then counted, on a reading thread.
    qtbot.waitUntil(lambda: not model.counting)
    assert len(counted_on) == 1 and counted_on[0] is not threading.main_thread()
    # The list shows those with statements (the "With statements only" box is ticked).
    expected = {c.category: c.count for c in read(synthetic, (), "", speaking=True)}
    assert_counted(panel, expected)
    window.close()


def test_a_long_list_typed_for_is_counted_once_it_is_shown(
    qtbot: QtBot, synthetic: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name typed: its first screenful is read off the GUI thread and shown at once, saying
    "at least"; its counts are read after, and the list takes them without a second reset."""
    window = long_list_window(qtbot, synthetic, settings, monkeypatch)
    show(qtbot, window)
    panel = window.stakeholders
    model = panel.model
    qtbot.waitUntil(lambda: not model.counting)
    expected = {c.category: c.count for c in synthetic.category_counts((), "e", speaking=True)}
    assert sum(expected.values()) > TREE_PAGE
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    shown: list[tuple[bool, str]] = []
    panel.filtered.connect(lambda: shown.append((model.counting, panel.count_label.text())))
    panel.name_filter.setText("e")
    panel.name_filter.returnPressed.emit()  # at once, rather than on the next turn
    qtbot.waitUntil(lambda: bool(shown))  # read off the GUI thread
    counting, label = shown[0]
    assert counting and label == f"at least {TREE_PAGE:,} shown"
    qtbot.waitUntil(lambda: not model.counting)
    assert resets == [1]
    assert_counted(panel, expected)
    window.close()


def test_a_name_typed_reads_a_screenful_then_the_rest_as_it_scrolls_into_view(
    qtbot: QtBot, synthetic: Archive, settings: Settings
) -> None:
    """A new filter reads as many stakeholders as fill the list as shown, not a whole page;
    what is further down is read when it comes into view."""
    window = _shown(qtbot, synthetic, settings, height=600)
    panel = window.stakeholders
    model, tree = panel.model, panel.tree
    settle(qtbot)
    speaking = {c.category: c.count for c in synthetic.category_counts((), "e", speaking=True)}
    assert sum(speaking.values()) > stakeholder_panel.TREE_PAGE  # or a page would be all
    screenful = panel.screenful()
    assert 0 < screenful < stakeholder_panel.TREE_PAGE
    read = lambda: _stakeholders_read(model)  # noqa: E731
    shown: list[int] = []
    panel.filtered.connect(lambda: shown.append(read()))
    panel.name_filter.setText("e")
    panel.name_filter.returnPressed.emit()
    qtbot.waitUntil(lambda: bool(shown))  # read off the GUI thread
    assert shown[0] == screenful
    # Those rows fill the list: its last row in view is a stakeholder read.
    bottom = tree.indexAt(tree.viewport().rect().bottomLeft())
    assert bottom.isValid() and bottom.parent().isValid()
    # Scrolled down to the end, again and again, the list reads on until it has everyone.
    bar = tree.verticalScrollBar()

    def scrolled_to_the_end() -> bool:
        bar.setValue(bar.maximum())
        return read() == sum(speaking.values()) and not model.counting

    qtbot.waitUntil(scrolled_to_the_end, timeout=20_000)
    assert_counted(panel, speaking)
    window.close()


def test_the_name_filter_is_made_ready_after_the_first_paint(
    qtbot: QtBot, synthetic: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    _note_preparations(monkeypatch, events)
    window = MainWindow(synthetic, DatabaseInfo("synthetic", 1, True), settings)
    qtbot.addWidget(window)

    class Paints(QObject):
        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not events:
                events.append("painted")
            return False

    paints = Paints()
    window.stakeholders.tree.viewport().installEventFilter(paints)
    window.show()
    qtbot.waitUntil(lambda: "prepared" in events)
    assert events == ["painted", "prepared"]  # once, after the list was painted
    window.close()


def test_a_failed_preparation_is_not_an_error(
    qtbot: QtBot, synthetic: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    tried: list[bool] = []

    def fails(_self: Archive) -> None:
        tried.append(True)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Archive, "prepare_name_filter", fails)
    window = MainWindow(synthetic, DatabaseInfo("synthetic", 1, True), settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: bool(tried))  # an exception escaping the slot would fail the test
    window.stakeholders.name_filter.setText("co")
    qtbot.waitUntil(lambda: window.stakeholders.model.name == "co")
    assert window.stakeholders.model.rowCount() > 0
    window.close()


def test_a_batch_read_for_a_matrix_shown_before_is_never_added(synthetic: Archive) -> None:
    """The next batch is read off the GUI thread; when the matrix is replaced meanwhile (the
    filters changed), that batch's answer is dropped, and one is read for the new matrix."""
    started: list[tuple[Callable[[], Any], Callable[[Any], None]]] = []
    cancelled: list[bool] = []
    model = MatrixModel()
    model.read_off_thread(
        lambda read, show, _failed: started.append((read, show)),
        lambda: cancelled.append(True),
        lambda error: pytest.fail(f"no read fails here: {error}"),
    )

    def batches(filters: Filters) -> MatrixFetch:
        proposals = synthetic.matrix_proposals(filters, hide_empty=True)

        def fetch(after: Cursor) -> MatrixRows:
            return synthetic.matrix_block(
                filters, hide_empty=True, columns=[p.id for p in proposals], after=after, limit=5
            )

        return fetch

    everyone, councils = Filters(), Filters(categories=frozenset({"council"}))
    model.set_lazy(synthetic.matrix_proposals(everyone, hide_empty=True), batches(everyone))
    model.fetchMore()
    model.fetchMore()  # asked again while the first is under way: nothing more is read
    assert len(started) == 1 and model.fetching and model.rowCount() == 5
    read, show = started[0]
    answer = read()  # on a reading thread, in the window
    model.set_lazy(synthetic.matrix_proposals(councils, hide_empty=True), batches(councils))
    assert cancelled and not model.fetching
    show(answer)  # arrives all the same: dropped
    first = [s.id for s in model.matrix.stakeholders]
    assert model.rowCount() == 5 and all(s.category == "council" for s in model.matrix.stakeholders)
    model.fetchMore()
    read, show = started[1]
    show(read())
    whole = synthetic.matrix(councils, hide_empty=True)
    assert [s.id for s in model.matrix.stakeholders] == [s.id for s in whole.stakeholders][:10]
    assert [s.id for s in model.matrix.stakeholders][:5] == first


def test_the_matrix_shows_its_rows_before_it_chooses_its_first_position(
    qtbot: QtBot, window: MainWindow
) -> None:
    # Shown with the focus before its rows come: the rows are painted in one turn of the event
    # loop, the first position is made current (and its evidence read) in the next.
    current_when_shown: list[bool] = []
    matrix = window.matrix  # made, not shown yet: nothing read
    matrix.shown.connect(lambda: current_when_shown.append(matrix.table.currentIndex().isValid()))
    window.set_view(MATRIX)
    settle(qtbot)
    qtbot.waitUntil(lambda: matrix.table.currentIndex().isValid())
    assert current_when_shown == [False]
    first = matrix.current_position()
    assert first is not None
    settle(qtbot)
    assert [p.id for p in window.evidence.positions] == [first.id]
