"""The timeline as a table, for screen readers and the keyboard: a row per mark in time order,
or zoomed out a row per row and period with its stances counted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from carebrowser.analysis.timeline import period_label
from carebrowser.analysis.timeline_picture import Picture
from carebrowser.data.vocabulary import STANCE_GLYPHS
from carebrowser.ui.models.roles import STANCE_ROLE

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()

MARK_COLUMNS = ("Date", "Stakeholder", "Proposal", "Stance", "Changed", "Statement", "Source")
CELL_COLUMNS = ("Period", "Row", "Stances", "Total")


def stance_words(stance: str) -> str:
    """'✘ opposes': the glyph and the word."""
    return f"{STANCE_GLYPHS.get(stance, '?')} {stance}"


_ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.AccessibleTextRole,
    STANCE_ROLE,
)


class TimelineTableModel(QAbstractTableModel):
    """The marks of a Picture (or its cells, zoomed out) as rows, in time order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.picture = Picture()
        self._names: dict[int, str] = {}

    def set_picture(self, picture: Picture) -> None:
        """Show the marks or cells of *picture*."""
        self.beginResetModel()
        self.picture = picture
        self._names = {row.id: row.label for row in picture.rows}
        self.endResetModel()

    @property
    def columns(self) -> tuple[str, ...]:
        """The column headings for what is shown."""
        return MARK_COLUMNS if self.picture.marks is not None else CELL_COLUMNS

    def rowCount(self, parent: Index = ROOT) -> int:
        if parent.isValid():
            return 0
        marks = self.picture.marks
        return len(marks) if marks is not None else len(self.picture.cells)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in _ROLES:
            return None
        # What a screen reader reads: the same, with each stance as a word alone ("concerns",
        # not "! concerns").
        spoken = role == Qt.ItemDataRole.AccessibleTextRole
        stance: Callable[[str], str] = str if spoken else stance_words
        if spoken:
            role = Qt.ItemDataRole.DisplayRole
        row, column = index.row(), index.column()
        if self.picture.marks is None:
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            cell = self.picture.cells[row]
            months = self.picture.months < 12
            return (
                period_label(cell.first, cell.last, months),
                self._names.get(cell.row_id, ""),
                ", ".join(f"{n} {stance(taken)}" for taken, n in cell.counts),
                str(cell.total),
            )[column]
        mark = self.picture.marks[row]
        if role == STANCE_ROLE:
            return mark.stance if column == 3 else None
        change = self.picture.changes.get((mark.stakeholder_id, mark.proposal_id))
        values = (
            mark.date_label,
            mark.stakeholder,
            mark.proposal,
            stance(mark.stance),
            change.describe() if change is not None else "",
            mark.text,
            mark.headline or mark.publication,
        )
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 3 and mark.note:
                return f"Reviewed: {mark.note}"
            return values[column] if column in (4, 5, 6) else None
        return values[column]

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            columns = self.columns
            if 0 <= section < len(columns):
                if columns[section] == "Row":
                    return "Stakeholder" if self.picture.axis == "stakeholder" else "Proposal"
                return columns[section]
        return None
