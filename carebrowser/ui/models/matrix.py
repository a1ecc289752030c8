"""The proposal matrix: stakeholders x proposals, each cell a position's stance."""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from carebrowser.analysis.timeline import CHANGE_GLYPH, ChangeOfPosition
from carebrowser.data.vocabulary import STANCE_COLOURS, STANCE_GLYPHS
from carebrowser.queries import Matrix, PositionRow, ProposalRow, StakeholderRow
from carebrowser.ui.models.resets import resetting
from carebrowser.ui.models.roles import (
    BLANK_CELL,
    ID_ROLE,
    ROOT,
    ROW_ROLE,
    STANCE_CELL_ROLE,
    STANCE_ROLE,
    StanceCell,
)
from carebrowser.ui.models.variants import returns_variant

Index = QModelIndex | QPersistentModelIndex
#: Proposal titles in column headers wrap at about this many characters.
HEADER_WIDTH = 18
BLACK = QColor("#000000")
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ForegroundRole,
        STANCE_ROLE,
        STANCE_CELL_ROLE,
        ROW_ROLE,
        ID_ROLE,
    }
)


#: Where the next batch of rows starts (None: at the first row).
Cursor = tuple[object, ...] | None
#: One batch of rows read by fetchMore: the stakeholders, their cells, where the next batch
#: starts (None: none follows).
MatrixRows = tuple[Sequence[StakeholderRow], dict[tuple[int, int], PositionRow], Cursor]
#: Reads the batch of rows that starts at a cursor (on any thread).
MatrixFetch = Callable[[Cursor], MatrixRows]
#: A batch with the changes of position of its stakeholders.
_Batch = tuple[
    Sequence[StakeholderRow],
    dict[tuple[int, int], PositionRow],
    Cursor,
    dict[tuple[int, int], "ChangeOfPosition"],
]
#: Runs a read off the GUI thread: (read, show its answer, tell its failure).
StartRead = Callable[
    [Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], Any
]
#: The changes of position of some stakeholders, by (stakeholder id, proposal id).
Changes = dict[tuple[int, int], ChangeOfPosition]
#: Reads the changes of position of some stakeholders, by (stakeholder id, proposal id).
ChangesOf = Callable[[Sequence[int]], Changes]


def stance_label(stance: str) -> str:
    """A stance with its glyph, so it is never told by colour alone: '✘ opposes'."""
    return f"{STANCE_GLYPHS[stance]} {stance}"


def evidence_label(count: int) -> str:
    """'1 statement', '3 statements'."""
    return f"{count} statement{'s' if count != 1 else ''}"


class MatrixModel(QAbstractTableModel):
    """A Matrix from the query layer; rows are stakeholders, or proposals when transposed."""

    def __init__(self, matrix: Matrix | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.matrix = matrix or Matrix((), (), {})
        self.transposed = False
        self._fetch: MatrixFetch | None = None
        self._after: Cursor = None
        #: Whether the next batch is being read off the GUI thread.
        self.fetching = False
        self._start_read: StartRead | None = None
        self._cancel_read: Callable[[], None] = lambda: None
        self._fetch_failed: Callable[[BaseException], None] = lambda _error: None
        #: The changes of position of the stakeholders read, flagged in their cells.
        self.changes: dict[tuple[int, int], ChangeOfPosition] = {}
        self._changes_of: ChangesOf | None = None

    def read_off_thread(
        self,
        start: StartRead,
        cancel: Callable[[], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Read further batches (fetchMore, as the view scrolls to the end) with *start*, which
        runs a read off the GUI thread; *cancel* drops the one under way; *failed* hears of a
        batch that could not be read. Without it, fetchMore reads on the GUI thread."""
        self._start_read, self._cancel_read, self._fetch_failed = start, cancel, failed

    def set_changes_of(self, changes_of: ChangesOf | None) -> None:
        """Read the changes of position of each batch of stakeholders with *changes_of*."""
        self._changes_of = changes_of

    def _read_changes(
        self, rows: Sequence[StakeholderRow]
    ) -> dict[tuple[int, int], ChangeOfPosition]:
        if self._changes_of is None or not rows:
            return {}
        return self._changes_of([row.id for row in rows])

    def set_matrix(self, matrix: Matrix) -> None:
        """Show another matrix (after the filters changed)."""
        changes = self._read_changes(matrix.stakeholders)
        self._stop_fetching()
        with resetting(self):
            self.matrix = matrix
            self.changes = changes
            self._fetch = None
        self._headers_changed()

    def _stop_fetching(self) -> None:
        if self.fetching:
            self._cancel_read()
            self.fetching = False

    def set_lazy(
        self,
        proposals: Sequence[ProposalRow],
        fetch: MatrixFetch,
        first: MatrixRows | None = None,
        changes: Changes | None = None,
    ) -> None:
        """Show a matrix read a batch of stakeholders at a time: the first now (or *first*,
        read already, with its *changes* of position when read too), the others as the view
        asks for them (canFetchMore/fetchMore, when scrolled to the end).

        The first batch is read before the reset: when it cannot be read, nothing changes."""
        rows, cells, after = fetch(None) if first is None else first
        if changes is None:
            changes = self._read_changes(rows)
        self._stop_fetching()
        with resetting(self):
            self.matrix = Matrix(tuple(rows), tuple(proposals), dict(cells))
            self.changes = changes
            self._fetch, self._after = (fetch if after is not None else None), after
        self._headers_changed()

    def canFetchMore(self, parent: Index = ROOT) -> bool:
        return not parent.isValid() and self._fetch is not None

    def fetchMore(self, parent: Index = ROOT) -> None:
        """Read the next batch: off the GUI thread when read_off_thread() said how, the rows
        added when they arrive (the view asks again meanwhile: nothing more is read)."""
        if parent.isValid() or self._fetch is None or self.fetching:
            return
        if self._start_read is None:
            self.fetch_now()
            return
        fetch, after = self._fetch, self._after
        self.fetching = True
        self._start_read(
            lambda: self._read_batch(fetch, after),
            lambda batch: self._add(fetch, batch),
            self._failed_fetch,
        )

    def fetch_now(self) -> None:
        """Read the next batch now, on this thread (for a caller that needs it at once)."""
        self._stop_fetching()
        if self._fetch is not None:
            fetch = self._fetch
            self._add(fetch, self._read_batch(fetch, self._after))

    def _read_batch(self, fetch: MatrixFetch, after: Cursor) -> _Batch:
        rows, cells, cursor = fetch(after)
        return rows, cells, cursor, self._read_changes(rows)

    def _failed_fetch(self, error: BaseException) -> None:
        self.fetching = False
        self._fetch_failed(error)

    def _add(self, fetch: MatrixFetch, batch: _Batch) -> None:
        if fetch is not self._fetch:
            return  # read for a matrix shown before
        self.fetching = False
        rows, cells, after, changes = batch
        self._after = after
        if after is None:
            self._fetch = None
        if not rows:
            return
        self.changes.update(changes)
        first = len(self.matrix.stakeholders)
        last = first + len(rows) - 1
        if self.transposed:
            self.beginInsertColumns(ROOT, first, last)
        else:
            self.beginInsertRows(ROOT, first, last)
        self.matrix = Matrix(
            self.matrix.stakeholders + tuple(rows),
            self.matrix.proposals,
            {**self.matrix.cells, **cells},
        )
        if self.transposed:
            self.endInsertColumns()
        else:
            self.endInsertRows()

    def set_transposed(self, transposed: bool) -> None:
        """Lay proposals out as rows and stakeholders as columns, or back."""
        if transposed != self.transposed:
            with resetting(self):
                self.transposed = transposed
            self._headers_changed()

    def _headers_changed(self) -> None:
        # Headers cache their size; a reset alone leaves them as wide as the old titles.
        for orientation, count in (
            (Qt.Orientation.Horizontal, self.columnCount()),
            (Qt.Orientation.Vertical, self.rowCount()),
        ):
            if count:
                self.headerDataChanged.emit(orientation, 0, count - 1)

    def stakeholder_at(self, index: Index) -> StakeholderRow:
        """The stakeholder of a cell."""
        row = index.column() if self.transposed else index.row()
        return self.matrix.stakeholders[row]

    def proposal_at(self, index: Index) -> ProposalRow:
        """The proposal of a cell."""
        column = index.row() if self.transposed else index.column()
        return self.matrix.proposals[column]

    def position_at(self, index: Index) -> PositionRow | None:
        """The position in a cell, None where the stakeholder took none."""
        if not index.isValid():
            return None
        key = (self.stakeholder_at(index).id, self.proposal_at(index).id)
        return self.matrix.cells.get(key)

    def index_of(self, stakeholder_id: int, proposal_id: int) -> QModelIndex:
        """The cell of a stakeholder and a proposal, invalid when either is not shown."""
        rows = [s.id for s in self.matrix.stakeholders]
        columns = [p.id for p in self.matrix.proposals]
        if stakeholder_id not in rows or proposal_id not in columns:
            return QModelIndex()
        row, column = rows.index(stakeholder_id), columns.index(proposal_id)
        return self.index(column, row) if self.transposed else self.index(row, column)

    # -- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        if parent.isValid():
            return 0
        return len(self.matrix.proposals if self.transposed else self.matrix.stakeholders)

    def columnCount(self, parent: Index = ROOT) -> int:
        if parent.isValid():
            return 0
        return len(self.matrix.stakeholders if self.transposed else self.matrix.proposals)

    @returns_variant
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _ROLES or not index.isValid():
            return None
        position = self.position_at(index)
        if role == STANCE_CELL_ROLE:
            if position is None:
                return BLANK_CELL
            return StanceCell(position.stance, self._label(position))
        if position is None:
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return "no position"
            if role == Qt.ItemDataRole.ToolTipRole:
                stakeholder, proposal = self.stakeholder_at(index), self.proposal_at(index)
                return f"{stakeholder.name} took no position on {proposal.title}."
            return None
        count = len(position.evidence_quote_ids)
        change = self.changes.get((position.stakeholder_id, position.proposal_id))
        if role == Qt.ItemDataRole.DisplayRole:
            return self._label(position)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            changed = f", {change.describe()}" if change is not None else ""
            return f"{position.stance}, {evidence_label(count)} as evidence{changed}"
        if role == Qt.ItemDataRole.ToolTipRole:
            changed = f"{CHANGE_GLYPH} {change.describe()}\n" if change is not None else ""
            return (
                f"{position.stakeholder} on {position.proposal}: {position.stance}.\n"
                f"{changed}{position.summary}\n{evidence_label(count)} as evidence; "
                "select the cell to read them."
            )
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(STANCE_COLOURS[position.stance])
        if role == Qt.ItemDataRole.ForegroundRole:
            return BLACK
        if role == STANCE_ROLE:
            return position.stance
        if role == ROW_ROLE:
            return position
        if role == ID_ROLE:
            return position.id
        return None

    def _label(self, position: PositionRow) -> str:
        """A cell's text: its stance, its evidence count, and whether the position changed."""
        change = self.changes.get((position.stakeholder_id, position.proposal_id))
        flag = f" {CHANGE_GLYPH}" if change is not None else ""
        return f"{stance_label(position.stance)} ({len(position.evidence_quote_ids)}){flag}"

    @returns_variant
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # A header sizing itself asks about 200 of 2,000 columns, for four roles, twice.
        if role not in _HEADER_ROLES:
            return None
        stakeholders_along = (orientation == Qt.Orientation.Vertical) != self.transposed
        items = self.matrix.stakeholders if stakeholders_along else self.matrix.proposals
        if not 0 <= section < len(items):
            return None
        item = items[section]
        if role == Qt.ItemDataRole.AccessibleTextRole:  # the name without the header's breaks
            return item.name if isinstance(item, StakeholderRow) else item.title
        if isinstance(item, StakeholderRow):
            if role == Qt.ItemDataRole.DisplayRole:
                return _wrap(item.name) if orientation == Qt.Orientation.Horizontal else item.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{item.name} ({item.description or item.category})"
        else:
            if role == Qt.ItemDataRole.DisplayRole:
                return _wrap(item.title) if orientation == Qt.Orientation.Horizontal else item.title
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{item.title}: {item.summary}"
        return None


_HEADER_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole.value,
        Qt.ItemDataRole.ToolTipRole.value,
        Qt.ItemDataRole.AccessibleTextRole.value,
    }
)


@functools.lru_cache(maxsize=4096)  # headers are asked for again at each paint
def _wrap(title: str) -> str:
    return "\n".join(textwrap.wrap(title, HEADER_WIDTH)) or title
