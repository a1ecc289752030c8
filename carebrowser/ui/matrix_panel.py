"""The proposal matrix: who stands where on what, each cell a stance with its evidence count."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carebrowser.analysis.timeline import ChangeOfPosition, changes_of_position
from carebrowser.data.database import QUERY_ERRORS
from carebrowser.data.vocabulary import STANCES
from carebrowser.queries import Archive, Filters, MatrixBlock, PositionRow, ProposalRow
from carebrowser.queries.timeline import Timeline
from carebrowser.ui.delegates import StanceDelegate
from carebrowser.ui.empty_note import EmptyNote, no_match_text
from carebrowser.ui.models.matrix import (
    HEADER_WIDTH,
    Changes,
    ChangesOf,
    Cursor,
    MatrixFetch,
    MatrixModel,
    MatrixRows,
    stance_label,
)
from carebrowser.ui.reads import ReadStream
from carebrowser.ui.widgets import counted, heading, named, setup_table

if TYPE_CHECKING:
    from carebrowser.export import Table
    from carebrowser.ui.export_subjects import ExportSubject

#: Stakeholders (rows) read at a time, about a screenful (the table reads on while its rows do
#: not fill it, and as it is scrolled to the end). Each batch reads its rows' positions on every
#: proposal: at the largest size, 200 rows were 7,800 positions (96 ms) at the first opening.
MATRIX_BATCH = 30
#: How many batches select_cell reads on to find a stakeholder not read yet (1,800 rows).
FIND_BATCHES = 60
#: Rows read at a time when the whole matrix is exported, on the export's thread. Reading a
#: block holds the interpreter from the GUI thread for a while: at the largest size, 100 rows
#: paused it for up to about 70 ms now and then, 200 rows for up to about 120 ms.
EXPORT_ROWS = 100


class MatrixPanel(QWidget):
    """Stakeholders x proposals following the filters; selecting a cell shows its evidence."""

    position_selected = Signal(object)
    compare_requested = Signal(list)
    status_changed = Signal()
    #: The matrix read off the GUI thread (set_filters) is shown.
    shown = Signal()
    #: A read off the GUI thread that failed (the window reports it), and what was being done.
    read_failed = Signal(object, str)

    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.filters = Filters()
        #: The matrix is read when the panel is first shown (or asked for a cell), not before.
        self._stale = True
        self.model = MatrixModel(parent=self)
        self.timeline = Timeline(archive.engine)
        self.model.set_changes_of(self._changes_of)
        self._reads = ReadStream(self)
        #: A cell asked for by select_cell while the matrix, or the rows down to it, are read;
        #: and how many batches have been read on to find it.
        self._wanted: tuple[int, int] | None = None
        self._wanted_batches = 0
        # Further rows, as the table is scrolled to its end, are read off the GUI thread too.
        self._pages = ReadStream(self)
        self.model.read_off_thread(
            self._pages.read,
            self._pages.cancel,
            lambda error: self.read_failed.emit(error, "reading more of the matrix"),
        )

        self.hide_empty_box = named(
            QCheckBox("Hide empt&y rows and columns", self),
            "Hide empty rows and columns",
            "Leave out stakeholders and proposals without any position",
        )
        self.hide_empty_box.setChecked(True)
        self.transpose_box = named(
            QCheckBox("&Transpose", self),
            "Transpose the matrix",
            "Show proposals as rows and stakeholders as columns",
        )
        self.compare_button = named(
            QPushButton("Co&mpare selected", self),
            "Compare the stakeholders of the selected cells",
            "Show the stakeholders of the selected cells (two to four) side by side",
        )
        self.table = named(
            setup_table(QTableView(self)),
            "Proposal matrix",
            "Each cell gives a stakeholder's stance on a proposal, in words and colour, with "
            "the number of statements it rests on. Select a cell to read its evidence below.",
            tooltip=False,
        )
        self.table.setModel(self.model)
        self.table.setItemDelegate(StanceDelegate(self.table))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectItems)
        # Every cell holds the same kind of label: size them from the font, not cell by cell
        # (ResizeToContents asked the delegate about each of thousands of cells).
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft)
        self._size_cells()
        self.empty_note = EmptyNote(self.table, self._empty_text)

        controls = QHBoxLayout()
        self.heading = heading("Proposal matrix", self, elide=True)
        controls.addWidget(self.heading, 1)
        controls.addWidget(self.hide_empty_box)
        controls.addWidget(self.transpose_box)
        controls.addWidget(self.compare_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.table, 1)

        # A batch is about a screenful: a taller or wider table reads on until it is full.
        self._filling = QTimer(self, singleShot=True, interval=0)
        self._filling.timeout.connect(self._fill)
        self.model.modelReset.connect(self._fill_soon)
        self.model.modelReset.connect(self.empty_note.refresh)
        self.model.rowsInserted.connect(self._fill_soon)
        self.model.columnsInserted.connect(self._fill_soon)
        self.model.rowsInserted.connect(self._look_for_wanted)
        self.model.columnsInserted.connect(self._look_for_wanted)
        self.table.verticalScrollBar().rangeChanged.connect(self._fill_soon)
        self.table.horizontalScrollBar().rangeChanged.connect(self._fill_soon)
        self.hide_empty_box.toggled.connect(self._reload)
        self.transpose_box.toggled.connect(self._transpose)
        self.table.selectionModel().currentChanged.connect(self._current_changed)
        self.compare_button.clicked.connect(
            lambda: self.compare_requested.emit(self.selected_stakeholder_ids())
        )

    def _size_cells(self) -> None:
        metrics = self.table.fontMetrics()
        pad = metrics.height() // 4
        widest = max(metrics.horizontalAdvance(f"{stance_label(s)} (99)") for s in STANCES)
        title = metrics.horizontalAdvance("m" * (HEADER_WIDTH - 4))
        self.table.horizontalHeader().setDefaultSectionSize(max(widest, title) + 6 * pad)
        self.table.verticalHeader().setDefaultSectionSize(metrics.height() + 3 * pad)
        # Long names are elided (the whole name is in the header's tooltip): the cells keep
        # the room on a narrow window.
        self.table.verticalHeader().setMaximumWidth(28 * metrics.averageCharWidth())
        self.table.verticalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._size_cells()

    def set_filters(self, filters: Filters) -> None:
        """Follow the filters: categories, proposals, sources, dates and search.

        Shown, the matrix is read off the GUI thread (its columns under a search take a few
        hundred milliseconds at the largest size): the matrix shown stays until it arrives.
        """
        self.filters = filters.but(stakeholders=frozenset())
        self.heading.setText(self.heading_text())
        if self.isVisible():
            self._load_off_thread()
        else:
            self._reads.cancel()
            self._stale = True

    def heading_text(self) -> str:
        """'Proposal matrix', and the period its positions' evidence is dated in, if narrowed."""
        if self.filters.dated:
            return f"Proposal matrix, as of {self.filters.period()}"
        return "Proposal matrix"

    def _empty_text(self) -> str:
        """Why the matrix is empty, when the filters and search leave no position."""
        if self._stale or self.model.matrix.stakeholders:
            return ""
        return no_match_text(self.filters, "positions")

    def _changes_of(self, ids: Sequence[int]) -> dict[tuple[int, int], ChangeOfPosition]:
        """The changes of position of these stakeholders that the filters show."""
        return self._changes_under(self.filters)(ids)

    def _changes_under(self, filters: Filters) -> ChangesOf:
        """_changes_of() under *filters*, on any thread (nothing of the panel is touched)."""
        timeline = self.timeline

        def changes(ids: Sequence[int]) -> dict[tuple[int, int], ChangeOfPosition]:
            if not ids:
                return {}
            return changes_of_position(timeline.spells(filters, stakeholders=ids))

        return changes

    def _fill_soon(self, *_signal_arguments: object) -> None:
        self._filling.start(0)

    def _fill(self) -> None:
        """Read the next batch while the last stakeholder read is in view (a tall window)."""
        model, table = self.model, self.table
        if not self.isVisible() or not model.canFetchMore():
            return
        if model.transposed:
            last = model.columnCount() - 1
            end = table.columnViewportPosition(last) + table.columnWidth(last)
            room = table.viewport().width()
        else:
            last = model.rowCount() - 1
            end = table.rowViewportPosition(last) + table.rowHeight(last)
            room = table.viewport().height()
        if last < 0 or end <= room:
            model.fetchMore()  # its rowsInserted (columnsInserted) looks again

    def showEvent(self, event: QShowEvent) -> None:
        # Shown with the matrix out of date: read off the GUI thread (the matrix shown stays).
        if self._stale and not self._reads.reading():
            self._load_off_thread()
        super().showEvent(event)

    def ensure_loaded(self) -> None:
        """Read the matrix if the filters or options changed since it was last read, or if
        it is being read: now, for a caller that needs it at once (a cell, an export)."""
        if self._reads.reading():
            self._reads.cancel()
            self._stale = True
        if self._stale:
            self._load()

    def reload(self) -> None:
        """Read the matrix again (when the database is back after a failed read)."""
        self._stale = True
        self._reload()

    def _reload(self) -> None:
        self._reads.cancel()  # read now, or when shown, with the options as they are
        if self.isVisible():
            self._load_off_thread()
        else:
            # Hidden: read it when shown (start-up and restored settings cost nothing here).
            self._stale = True

    def _load(self) -> None:
        self._stale = False
        current = self.model.position_at(self.table.currentIndex())
        try:
            self.model.set_lazy(*self._batches())
        except QUERY_ERRORS:
            self._stale = True  # the matrix read before stays, and is read again when asked
            raise
        self._restore_current(current)
        self.status_changed.emit()

    def _load_off_thread(self) -> None:
        """Read the columns and the first batch on a reading thread, then show them."""
        self._stale = False
        filters, hide_empty = self.filters, self.hide_empty_box.isChecked()
        changes_of = self._changes_under(filters)
        Answer = tuple[list[ProposalRow], MatrixFetch, MatrixRows, Changes]

        def read() -> Answer:
            proposals, batch = self._batches(filters, hide_empty)
            first = batch(None)
            # The changes of position of the first rows, flagged in their cells, read here too.
            return proposals, batch, first, changes_of([row.id for row in first[0]])

        def show(answer: Answer) -> None:
            proposals, batch, first, changes = answer
            current = self.model.position_at(self.table.currentIndex())
            wanted, self._wanted = self._wanted, None
            self.model.set_lazy(proposals, batch, first, changes)
            self._restore_current(current)
            if wanted is not None:  # a cell asked for while the matrix was read
                self._select_read(*wanted)
            elif current is None and self.table.hasFocus():
                # Focused before its rows came: on its first position, and its evidence read,
                # at the event loop's next turn, once the rows are painted (in one turn with
                # them: 70 ms at 1,000,000 statements).
                QTimer.singleShot(0, self, self._focus_first)
            self.status_changed.emit()
            self.shown.emit()

        def failed(error: BaseException) -> None:
            self._stale = True  # the matrix read before stays, and is read again when asked
            self.read_failed.emit(error, "reading the matrix")

        self._reads.read(read, show, failed)

    def _batches(
        self, filters: Filters | None = None, hide_empty: bool | None = None
    ) -> tuple[list[ProposalRow], MatrixFetch]:
        """The columns, and a reader of a batch of rows with their cells (on any thread:
        nothing of the panel is touched)."""
        filters = self.filters if filters is None else filters
        hide_empty = self.hide_empty_box.isChecked() if hide_empty is None else hide_empty
        proposals = self.archive.matrix_proposals(filters, hide_empty=hide_empty)
        columns = [p.id for p in proposals]

        def batch(after: Cursor) -> MatrixRows:
            rows, cells, cursor = self.archive.matrix_block(
                filters, hide_empty=hide_empty, columns=columns, after=after, limit=MATRIX_BATCH
            )
            return rows, cells, cursor

        return proposals, batch

    def _transpose(self, transposed: bool) -> None:
        current = self.model.position_at(self.table.currentIndex())
        self.model.set_transposed(transposed)
        self._restore_current(current)

    def _restore_current(self, position: PositionRow | None) -> None:
        index = QModelIndex()
        if position is not None:
            index = self.model.index_of(position.stakeholder_id, position.proposal_id)
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        else:
            self.position_selected.emit(None)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._wanted = None  # another cell made current: the one asked for is not wanted
        self.position_selected.emit(self.model.position_at(current))

    def select_cell(self, stakeholder_id: int, proposal_id: int) -> bool:
        """Make a stakeholder's cell on a proposal current and selected, and scroll to it;
        False if the matrix shows no such cell.

        When the matrix is out of date, or being read, or the stakeholder's row is further down
        than it has been read, the rows are read off the GUI thread and the cell is made current
        when they arrive (True meanwhile); another cell made current first supersedes it."""
        self._wanted = None
        if self._stale or self._reads.reading():
            self._wanted, self._wanted_batches = (stakeholder_id, proposal_id), 0
            if not self._reads.reading():
                self._load_off_thread()  # hidden too: the cell is wanted
            return True
        self._wanted_batches = 0
        return self._select_read(stakeholder_id, proposal_id)

    def _select_read(self, stakeholder_id: int, proposal_id: int) -> bool:
        """select_cell() among the rows read; reading on (off the GUI thread) a few batches
        while it is not among them."""
        index = self.model.index_of(stakeholder_id, proposal_id)
        if index.isValid():
            self.table.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self.table.scrollTo(index)
            return True
        if self.model.canFetchMore() and self._wanted_batches < FIND_BATCHES:
            self._wanted_batches += 1
            self._wanted = (stakeholder_id, proposal_id)
            self.model.fetchMore()  # its rows, inserted, are looked through again
            return True
        return False

    def _look_for_wanted(self, *_signal_arguments: object) -> None:
        if self._wanted is not None and not self._reads.reading():
            wanted, self._wanted = self._wanted, None
            self._select_read(*wanted)

    def current_position(self) -> PositionRow | None:
        """The position in the current cell."""
        return self.model.position_at(self.table.currentIndex())

    def selected_stakeholder_ids(self) -> list[int]:
        """The stakeholders of the selected cells, in matrix order."""
        indexes = sorted(
            self.table.selectionModel().selectedIndexes(), key=lambda i: (i.row(), i.column())
        )
        return list(dict.fromkeys(self.model.stakeholder_at(i).id for i in indexes))

    def status_text(self) -> str:
        """'Showing 12 stakeholders x 8 proposals (40 positions)'."""
        matrix = self.model.matrix
        first = "the first " if self.model.canFetchMore() else ""  # more rows to read
        return (
            f"Showing {first}{counted(len(matrix.stakeholders), 'stakeholder')} \u00d7 "
            f"{counted(len(matrix.proposals), 'proposal')} "
            f"({counted(len(matrix.cells), 'position')})"
        )

    def export_subject(self, _filters: Filters) -> ExportSubject:
        """The selected cells' positions, or the whole matrix shown; as rows or as a grid."""
        from carebrowser.ui.export_subjects import matrix_subject

        return matrix_subject(self)

    def selection_count(self) -> int:
        """How many cells holding a position are selected."""
        return len(self.selected_positions())

    def selected_positions(self, *, load: bool = True) -> list[PositionRow]:
        """The positions in the selected cells, in the order the matrix shows them (with
        *load*, of the matrix as the filters now give it, read first if need be)."""
        if load:
            self.ensure_loaded()  # exports ask for these (and then the matrix) while hidden
        indexes = sorted(
            self.table.selectionModel().selectedIndexes(), key=lambda i: (i.row(), i.column())
        )
        return [p for i in indexes if (p := self.model.position_at(i)) is not None]

    def shown_matrix(self) -> tuple[list[ProposalRow], Iterator[MatrixBlock]]:
        """The whole matrix the panel stands for (its filters and options now, whatever rows it
        has read): its columns, and its rows with their cells EXPORT_ROWS at a time, read as
        they are taken; an export reads them on its own thread."""
        filters, hide_empty = self.filters, self.hide_empty_box.isChecked()
        proposals = self.archive.matrix_proposals(filters, hide_empty=hide_empty)
        columns = [p.id for p in proposals]
        blocks = self.archive.matrix_blocks(
            filters, hide_empty=hide_empty, columns=columns, limit=EXPORT_ROWS
        )
        return proposals, blocks

    def shown_size(self) -> tuple[int, int]:
        """How many stakeholder rows and positions the whole matrix the panel stands for has."""
        return self.archive.matrix_size(self.filters, hide_empty=self.hide_empty_box.isChecked())

    def export_table(self, selected_only: bool) -> Table:
        """The selected cells' positions, or the whole matrix shown (its rows read as they are
        written), as an export table."""
        from carebrowser.export import matrix_blocks_table, positions_table  # when first exported

        if selected_only:
            return positions_table(self.selected_positions())
        return matrix_blocks_table(*self.shown_matrix())

    def _focus_first(self) -> None:
        if not self.table.currentIndex().isValid() and self.table.hasFocus():
            self.focus_table()

    def focus_table(self) -> None:
        """Put the keyboard focus on the matrix, on its first position if none is current."""
        # Before the focus: a view that gains it makes its first cell current, maybe an empty one.
        if not self.table.currentIndex().isValid():
            for stakeholder in self.model.matrix.stakeholders:
                found = [
                    p
                    for p in self.model.matrix.proposals
                    if (stakeholder.id, p.id) in self.model.matrix.cells
                ]
                if found:
                    self.select_cell(stakeholder.id, found[0].id)
                    break
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
