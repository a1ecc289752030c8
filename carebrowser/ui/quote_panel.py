"""The quote panel: statements of the selected stakeholders, or a matrix cell's evidence."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carebrowser.queries import Archive, Filters, Page, PositionRow, QuoteRow, QuoteSort
from carebrowser.ui.delegates import HighlightDelegate, WrappedTextDelegate
from carebrowser.ui.empty_note import EmptyNote, no_match_text
from carebrowser.ui.models.quotes import (
    DATE,
    KIND,
    PROPOSALS,
    SORTS,
    SOURCE,
    SPEAKER,
    STATEMENT,
    Fetch,
    Prepared,
    QuoteTableModel,
    evidence_fetch,
    ids_fetch,
    prepare,
    statements_fetch,
)
from carebrowser.ui.reads import ReadStream
from carebrowser.ui.sizing import ColumnFitter, row_height_cap
from carebrowser.ui.widgets import RowFitter, counted, heading, named, setup_table

if TYPE_CHECKING:
    from carebrowser.export import Table
    from carebrowser.ui.export_subjects import ExportSubject

#: Statements fetched at a time: each row's height is measured, so a page is about a screenful
#: (the view reads on by itself while its rows do not fill it).
QUOTE_PAGE = 12
#: The status bar counts statements up to this many ("at least 10,000"), a bounded read.
COUNT_AT_MOST = 10_000
#: Ctrl+End reads the statements up to this many, and goes to the last of them.
END_AT_MOST = 10_000
#: Added to the heading when the statements could not be read.
NOT_READ = "could not be read"
SORT_CHOICES: tuple[tuple[str, QuoteSort], ...] = (
    ("Date", "date"),
    ("Source", "source"),
    ("Stakeholder", "stakeholder"),
)


@dataclass(frozen=True)
class Statements:
    """The statements of *filters*, under *heading*; *shown* is called on the GUI thread once
    they are shown, or could not be read (see QuotePanel.show_worked_out)."""

    filters: Filters
    heading: str
    shown: Callable[[], None] | None = None


@dataclass(frozen=True)
class _Subject:
    """What a first read reads: *fetch* reads its pages, and settle() says what they are once
    the first arrives (given the total *count* read with it, None when it could not be read)."""

    fetch: Fetch
    search: str
    settle: Callable[[tuple[int, bool] | None], None]
    count: Callable[[], tuple[int, bool]] | None = None


@dataclass(frozen=True)
class _FirstRead:
    """Statements asked for: *subject* is worked out on the reading thread (it may read the
    database itself), then their first page is read there (in the order chosen then)."""

    subject: Callable[[], _Subject]
    doing: str


#: A first read's answer: its subject, the total counted, the page and its cells.
_FirstAnswer = tuple[_Subject, tuple[int, bool] | None, Page[QuoteRow], list[Prepared]]


class QuotePanel(QWidget):
    """A table of statements, sorted by the database and fetched a page at a time."""

    open_statement = Signal(int, int)
    status_changed = Signal()
    #: The statements asked for (show_statements, show_evidence, show_quotes, a new order) are
    #: shown.
    shown = Signal()
    #: A read that failed (the window reports it), and what was being done.
    read_failed = Signal(object, str)

    def __init__(self, archive: Archive, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.title = title
        self.filters = Filters()
        #: The positions whose evidence is shown (none for the statements of a filter), and the
        #: first of them.
        self.positions: tuple[PositionRow, ...] = ()
        self.position: PositionRow | None = None
        self._total = 0
        self._total_exact = True
        #: Whether the statements shown are those of the filters (not a position's evidence).
        self._of_filters = False
        self.model = QuoteTableModel(evidence_fetch(archive, None), self, page_size=QUOTE_PAGE)
        self._reads = ReadStream(self)
        # Further pages, as the table is scrolled to its end or Ctrl+End, are read off the GUI
        # thread too; a page under way when other statements are asked for is dropped.
        self._pages = ReadStream(self)
        self.model.read_off_thread(
            self._pages.read,
            self._pages.cancel,
            lambda error: self.read_failed.emit(error, "reading more statements"),
        )
        #: Ctrl+End sent again to the table once the rest is read: the table's own goes on.
        self._to_end = False
        #: The order chosen, and the statements asked for last (and, for evidence, of which
        #: positions): a new order reads them again, off the GUI thread.
        self._sort: tuple[QuoteSort, bool] = (self.model.sort_by, self.model.descending)
        self._asked: _FirstRead | None = None
        self._positions_asked: tuple[PositionRow, ...] = ()
        self.model.sort_elsewhere(self._resort)

        self.heading = heading(title, self, elide=True)
        self.sort_box = named(
            QComboBox(self),
            f"Sort {title.lower()} by",
            "Order the statements by date, source or stakeholder",
        )
        for label, _sort in SORT_CHOICES:
            self.sort_box.addItem(label)
        sort_label = QLabel("Sort &by:", self)
        sort_label.setBuddy(self.sort_box)
        self.descending_box = named(
            QCheckBox("Reverse &order", self),
            "Reverse order",
            "Show the latest date, or the end of the alphabet, first",
        )
        self.table = named(
            setup_table(QTableView(self)),
            title,
            "Statements: speaker, verbatim text, kind, proposals, source and date. "
            "Press Enter or double-click to read a statement in its source.",
            tooltip=False,
        )
        self.table.setModel(self.model)
        self.table.setItemDelegate(WrappedTextDelegate(self.table))
        self.table.setItemDelegateForColumn(STATEMENT, HighlightDelegate(self.table))
        # Rows as tall as their wrapped text, each measured once (not on every layout).
        # A long statement's row is capped; the whole of it is in the tooltip and the reader.
        self.rows = RowFitter(
            self.table,
            lambda row: (self.model.quote(row).id, self.model.search),
            cap=row_height_cap(self.table),
        )
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(DATE, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        # The statement gets the room: the other columns shrink first, their text wrapped or
        # elided (the whole of it in each cell's tooltip).
        self.columns = ColumnFitter(
            self.table,
            STATEMENT,
            ((SPEAKER, 20), (KIND, 12), (PROPOSALS, 18), (SOURCE, 18), (DATE, 13)),
            optional=(PROPOSALS, KIND),  # told in the statement's tooltip too
            share=0.5,
        )
        self.table.verticalHeader().hide()
        self.empty_note = EmptyNote(self.table, self._empty_text)

        controls = QHBoxLayout()
        controls.addWidget(self.heading, 1)
        controls.addWidget(sort_label)
        controls.addWidget(self.sort_box)
        controls.addWidget(self.descending_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.table, 1)

        self.sort_box.currentIndexChanged.connect(self._sort_from_controls)
        self.descending_box.toggled.connect(self._sort_from_controls)
        header.sortIndicatorChanged.connect(self._sort_from_header)
        self.table.installEventFilter(self)
        self.table.activated.connect(self._open)
        self.table.doubleClicked.connect(self._open)
        self.model.modelReset.connect(self._contents_changed)
        self.model.rowsInserted.connect(self._contents_changed)
        self.model.modelReset.connect(self.empty_note.refresh)
        self.model.rowsInserted.connect(self.empty_note.refresh)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_End
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
            and not self._to_end
            and self.model.canFetchMore(QModelIndex())
        ):
            # The table's own Ctrl+End goes to the last row read: read the rest first, off the
            # GUI thread, then press it again (a read that fails is reported as scrolling's).
            self.model.fetch_all(END_AT_MOST, then=self._go_to_end)
            return True
        return super().eventFilter(watched, event)

    def _go_to_end(self) -> None:
        """Ctrl+End, once the rows up to END_AT_MOST are read."""
        self._to_end = True
        try:
            press = QKeyEvent(
                QEvent.Type.KeyPress, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier
            )
            QApplication.sendEvent(self.table, press)
        finally:
            self._to_end = False

    # -- what is shown ------------------------------------------------------------------------

    def show_statements(
        self, filters: Filters, heading_text: str, doing: str = "showing the statements"
    ) -> None:
        """Show the statements that pass *filters*, under *heading_text*, once read.

        They are read off the GUI thread (carebrowser.ui.reads): the statements shown stay
        until the new ones arrive (`shown`), and a newer call supersedes this one. When they
        cannot be read, the table is empty, the heading says so, and read_failed tells the
        window (*doing* says what was being done).
        """
        asked = Statements(filters, heading_text)
        self.show_worked_out(lambda: asked, doing)

    def show_worked_out(
        self, work_out: Callable[[], Statements], doing: str = "showing the statements"
    ) -> None:
        """Show the statements that *work_out* says, as show_statements does; *work_out* runs
        on the reading thread, just before their first page is read there, and may read the
        database itself (the people of the organisations selected): the first page then waits
        for no turn of the GUI thread. It is worked out again when another order is chosen
        before the page arrives; should it fail, the heading says the statements could not be
        read. Its `shown` is called on the GUI thread once they are shown, or failed."""
        archive = self.archive

        def subject() -> _Subject:
            asked = work_out()
            filters = asked.filters
            told: list[bool] = []  # whether asked.shown was called

            def count() -> tuple[int, bool]:
                # Counting a busy filter's statements in full reads them all (~50 ms at
                # 1,000,000): the status bar counts up to COUNT_AT_MOST (stakeholders or sources
                # alone are counted exactly from the stored counts); total_count() counts in
                # full when asked.
                return archive.quote_total(filters, at_most=COUNT_AT_MOST)

            def settle(total: tuple[int, bool] | None) -> None:
                self.filters, self.position, self.positions = filters, None, ()
                self.heading.setText(asked.heading)
                if total is not None:
                    self._of_filters = True
                    self._total, self._total_exact = total
                if asked.shown is not None and not told:
                    told.append(True)  # not again when another order is read
                    asked.shown()

            return _Subject(statements_fetch(archive, filters), filters.search, settle, count)

        self._read_first(_FirstRead(subject, doing))

    def show_evidence(
        self,
        position: PositionRow | Sequence[PositionRow] | None,
        search: str = "",
        doing: str = "showing the evidence of a position",
    ) -> None:
        """Show the statements a position rests on, or several positions (each statement
        once), once read off the GUI thread (as show_statements); nothing when *position* is
        None or none."""
        if position is None:
            chosen: tuple[PositionRow, ...] = ()
        elif isinstance(position, PositionRow):
            chosen = (position,)
        else:
            chosen = tuple(position)
        if not chosen:
            heading_text = f"{self.title}: select a cell of the matrix"
        elif len(chosen) == 1:
            first = chosen[0]
            heading_text = f"{self.title}: {first.stakeholder} on {first.proposal} ({first.stance})"
        else:
            each = "; ".join(f"{p.stakeholder} on {p.proposal} ({p.stance})" for p in chosen)
            heading_text = f"{self.title} of {len(chosen)} positions: {each}"

        def settle(_total: tuple[int, bool] | None) -> None:
            self._of_filters = False
            self.positions = chosen
            self.position = chosen[0] if chosen else None
            self._total = len({i for p in chosen for i in p.evidence_quote_ids})
            self._total_exact = True
            self.heading.setText(heading_text)

        evidence = _Subject(evidence_fetch(self.archive, [p.id for p in chosen]), search, settle)
        self._read_first(_FirstRead(lambda: evidence, doing), chosen)

    def show_quotes(
        self,
        ids: Sequence[int],
        heading_text: str,
        search: str = "",
        doing: str = "showing a statement",
    ) -> None:
        """Show the given statements (the timeline's mark chosen), under *heading_text*, once
        read off the GUI thread (as show_statements)."""
        count = len(ids)

        def settle(_total: tuple[int, bool] | None) -> None:
            self.position, self.positions, self._of_filters = None, (), False
            self.heading.setText(heading_text)
            self._total, self._total_exact = count, True

        given = _Subject(ids_fetch(self.archive, ids), search, settle)
        self._read_first(_FirstRead(lambda: given, doing))

    def positions_asked(self) -> tuple[PositionRow, ...]:
        """The positions whose evidence was asked for last (shown, or on its way)."""
        return self._positions_asked

    def _read_first(self, asked: _FirstRead, positions: tuple[PositionRow, ...] = ()) -> None:
        """Read the first page *asked* for, in the order chosen, off the GUI thread; then say
        what it is (asked.settle) and show it. The statements shown stay until then and read
        no further pages; a newer first read (another order chosen meanwhile) supersedes it."""
        self._asked, self._positions_asked = asked, positions
        sort = sort_by, descending = self._sort
        self.model.hold()
        #: The subject worked out on the reading thread (seen here once it has answered).
        worked_out: list[_Subject] = []

        def read() -> _FirstAnswer:
            subject = asked.subject()
            worked_out.append(subject)
            total = subject.count() if subject.count is not None else None
            first = subject.fetch(sort_by, descending, None, QUOTE_PAGE)
            return subject, total, first, prepare(first.rows, subject.search)

        def show(answer: _FirstAnswer) -> None:
            subject, total, first, prepared = answer
            if self._asked is asked:  # another order reads these again, not worked out again
                self._asked = _FirstRead(lambda: subject, asked.doing)
            subject.settle(total)
            self.model.show_page(subject.fetch, subject.search, first, prepared, sort)
            self.shown.emit()

        def failed(error: BaseException) -> None:
            if worked_out:
                worked_out[0].settle(None)
                self._not_read(worked_out[0].search)
            else:
                self.heading.setText(self.title)
                self._not_read("")
            self.read_failed.emit(error, asked.doing)

        self._reads.read(read, show, failed)

    def _not_read(self, search: str) -> None:
        """Say in the heading that the statements could not be read; show none."""
        self._total, self._total_exact = 0, True
        self._of_filters = False
        self.heading.setText(f"{self.heading.text()} — {NOT_READ}")
        self.model.set_source(evidence_fetch(self.archive, None), search)  # reads nothing

    def sort_order(self) -> tuple[QuoteSort, bool]:
        """The order chosen (its rows shown, or on their way): sort and descending."""
        return self._sort

    def _resort(self, sort_by: QuoteSort, descending: bool) -> None:
        """Another order chosen: the statements asked for last are read again in it, off the
        GUI thread; those shown stay until they arrive."""
        if (sort_by, descending) == self._sort:
            return
        self._sort = (sort_by, descending)
        if self._asked is None:  # nothing asked for yet: the first read takes this order
            self.model.sort_by, self.model.descending = self._sort
            return
        self._read_first(self._asked, self._positions_asked)

    def set_sort(self, sort_by: QuoteSort, descending: bool) -> None:
        """Sort by date, source or stakeholder (as if chosen in the panel)."""
        self.descending_box.setChecked(descending)
        self.sort_box.setCurrentIndex([s for _l, s in SORT_CHOICES].index(sort_by))
        self._sort_from_controls()

    def _sort_from_controls(self) -> None:
        sort_by = SORT_CHOICES[self.sort_box.currentIndex()][1]
        descending = self.descending_box.isChecked()
        column = next(c for c, s in SORTS.items() if s == sort_by)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header = self.table.horizontalHeader()
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (column, order):
            header.setSortIndicator(column, order)  # calls the model's sort() via the view
        self.model.set_sort(sort_by, descending)

    def _sort_from_header(self, column: int, order: Qt.SortOrder) -> None:
        if column not in SORTS:
            # Only date, source and stakeholder sort; put the indicator back on the current one.
            current = next(c for c, s in SORTS.items() if s == self.model.sort_by)
            previous = (
                Qt.SortOrder.DescendingOrder
                if self.model.descending
                else Qt.SortOrder.AscendingOrder
            )
            self.table.horizontalHeader().setSortIndicator(current, previous)
            return
        choice = [s for _l, s in SORT_CHOICES].index(SORTS[column])
        self.sort_box.blockSignals(True)
        self.sort_box.setCurrentIndex(choice)
        self.sort_box.blockSignals(False)
        self.descending_box.blockSignals(True)
        self.descending_box.setChecked(order == Qt.SortOrder.DescendingOrder)
        self.descending_box.blockSignals(False)

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            quote = self.model.quote(index.row())
            self.open_statement.emit(quote.source_id, quote.id)

    def _contents_changed(self) -> None:
        self.status_changed.emit()

    def _empty_text(self) -> str:
        """Why no statement is shown, when the filters and search leave none."""
        if not self._of_filters or self.model.rowCount():
            return ""
        return no_match_text(self.filters)

    # -- for the status bar and exports -------------------------------------------------------

    def shown_count(self) -> int:
        """How many statements are loaded in the table."""
        return self.model.rowCount()

    def total_count(self) -> int:
        """How many statements the filters (or the position) give in all."""
        if not self._total_exact:
            self._total = self.archive.quote_count(self.filters)
            self._total_exact = True
        return self._total

    def status_text(self) -> str:
        """'166 statements' when all are read, else '12 of 166 statements loaded' ('of at least
        10,000 statements loaded' for many)."""
        shown, every = self.shown_count(), counted(self._total, "statement")
        if self._total_exact and shown >= self._total:
            return every
        at_least = "" if self._total_exact else "at least "
        return f"{shown:,} of {at_least}{every} loaded"

    def export_subject(self, _filters: Filters) -> ExportSubject:
        """The selected statements, or every statement the panel stands for."""
        from carebrowser.ui.export_subjects import quote_subject

        return quote_subject(self)

    def selection_count(self) -> int:
        """How many statements are selected."""
        return len(self.table.selectionModel().selectedRows())

    def export_table(self, selected_only: bool) -> Table:
        """The selected statements, or all the panel stands for, as an export table."""
        from carebrowser.export import quotes_table  # imported when first exported

        if selected_only:
            rows = [i.row() for i in self.table.selectionModel().selectedRows()]
            return quotes_table(self.model.quotes(rows))
        if self.positions:
            quotes = {q.id: q for p in self.positions for q in self.archive.evidence(p.id)}
            return quotes_table(sorted(quotes.values(), key=lambda q: (q.date, q.id)))
        return quotes_table(self.archive.all_quotes(self.filters, self.model.sort_by))

    def focus_table(self) -> None:
        """Put the keyboard focus on the statements, on the first one if none is current."""
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.selectRow(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
