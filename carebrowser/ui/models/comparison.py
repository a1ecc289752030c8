"""Two to four stakeholders side by side, proposal by proposal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from carebrowser.queries import ComparisonRow, QuoteRow, StakeholderRow, disagreements
from carebrowser.ui.models.matrix import stance_label
from carebrowser.ui.models.quotes import statement_text
from carebrowser.ui.models.resets import resetting
from carebrowser.ui.models.roles import (
    DISAGREE_ROLE,
    NOTE_ROLE,
    ROOT,
    ROW_ROLE,
    STANCE_CELL_ROLE,
    STANCE_ROLE,
    StanceCell,
)
from carebrowser.ui.models.variants import returns_variant

Index = QModelIndex | QPersistentModelIndex
PROPOSAL, AGREEMENT = 0, 1
#: Columns before the stakeholders' own.
FIXED_COLUMNS = ("Proposal", "Agreement")
DISAGREE_MARK = "\u2260 disagree"


def agreement_label(row: ComparisonRow, *, spoken: bool = False) -> str:
    """Whether the stakeholders agree, in words: never told by a colour or a glyph alone; and
    *spoken*, for a screen reader, in words alone ("disagree", not "not equal to disagree")."""
    taken = sum(p is not None for p in row.positions)
    label = DISAGREE_MARK if row.disagree else "= same stance" if taken > 1 else "one position only"
    return label.removeprefix("\u2260 ").removeprefix("= ") if spoken else label


class ComparisonModel(QAbstractTableModel):
    """Archive.compare() rows: a column per stakeholder, rows where they disagree marked."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stakeholders: tuple[StakeholderRow, ...] = ()
        self.disagreements_only = False
        self.proposals: frozenset[int] = frozenset()
        self._all: list[ComparisonRow] = []
        self._rows: list[ComparisonRow] = []

    def set_comparison(
        self, stakeholders: Sequence[StakeholderRow], rows: Sequence[ComparisonRow]
    ) -> None:
        """Compare *stakeholders* over *rows* (one per proposal)."""
        with resetting(self):
            self.stakeholders, self._all = tuple(stakeholders), list(rows)
            self._select()

    def set_disagreements_only(self, only: bool) -> None:
        """Show only the proposals on which the stakeholders disagree, or all of them."""
        if only != self.disagreements_only:
            with resetting(self):
                self.disagreements_only = only
                self._select()

    def set_proposals(self, proposals: frozenset[int]) -> None:
        """Keep to the proposals the filters name (all when empty)."""
        if proposals != self.proposals:
            with resetting(self):
                self.proposals = proposals
                self._select()

    def _select(self) -> None:
        rows = disagreements(self._all) if self.disagreements_only else self._all
        self._rows = [r for r in rows if not self.proposals or r.proposal.id in self.proposals]

    def total(self) -> int:
        """How many proposals any of the stakeholders took a position on (within the filters)."""
        return sum(1 for r in self._all if not self.proposals or r.proposal.id in self.proposals)

    def comparison_row(self, row: int) -> ComparisonRow:
        """The comparison shown in *row*."""
        return self._rows[row]

    def shown_rows(self) -> list[ComparisonRow]:
        """Every comparison row shown, in order."""
        return list(self._rows)

    def column_texts(self, column: int) -> set[str]:
        """The distinct texts shown in one of the fixed columns (PROPOSAL or AGREEMENT)."""
        if column == PROPOSAL:
            return {row.proposal.title for row in self._rows if row.proposal.title}
        if column == AGREEMENT:
            return {agreement_label(row) for row in self._rows}
        raise ValueError(f"column {column} is not one of the fixed columns")

    def key_quote(self, index: Index) -> QuoteRow | None:
        """The key quotation in a stakeholder's cell."""
        column = index.column() - len(FIXED_COLUMNS)
        if not index.isValid() or column < 0:
            return None
        return self._rows[index.row()].key_quotes[column]

    # -- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(FIXED_COLUMNS) + len(self.stakeholders)

    @returns_variant
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == ROW_ROLE:
            return row
        if role == DISAGREE_ROLE:
            return row.disagree
        if column == PROPOSAL:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return row.proposal.title
            if role == Qt.ItemDataRole.ToolTipRole:
                return row.proposal.summary
            return None
        if column == AGREEMENT:
            if role == Qt.ItemDataRole.DisplayRole:
                return agreement_label(row)
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return agreement_label(row, spoken=True)
            if role == Qt.ItemDataRole.FontRole and row.disagree:
                font = QFont()
                font.setBold(True)
                return font
            return None
        return self._cell(row, column - len(FIXED_COLUMNS), role)

    @staticmethod
    def _cell(row: ComparisonRow, which: int, role: int) -> Any:
        position, quote = row.positions[which], row.key_quotes[which]
        if position is None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return "no position"
            return None
        note = statement_text(quote)[0] if quote else ""
        if role == STANCE_CELL_ROLE:
            reported = quote is not None and quote.kind == "reported"
            return StanceCell(position.stance, stance_label(position.stance), note, reported)
        if role == Qt.ItemDataRole.DisplayRole:
            return stance_label(position.stance)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{position.stance}: {note}" if note else position.stance
        if role == STANCE_ROLE:
            return position.stance
        if role == NOTE_ROLE:
            return note
        if role == Qt.ItemDataRole.FontRole and quote is not None and quote.kind == "reported":
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            source = f"\n{quote.source_name}" if quote else ""
            return (
                f"{stance_label(position.stance)}: {position.summary}{source}\n"
                "Press Enter to read the quotation in its source."
            )
        return None

    @returns_variant
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if section < len(FIXED_COLUMNS):
            return FIXED_COLUMNS[section] if role == Qt.ItemDataRole.DisplayRole else None
        stakeholder = self.stakeholders[section - len(FIXED_COLUMNS)]
        if role == Qt.ItemDataRole.DisplayRole:
            return stakeholder.name
        if role == Qt.ItemDataRole.ToolTipRole:
            # The whole name: a narrow column elides it.
            return f"{stakeholder.name}\n{stakeholder.description or stakeholder.category}"
        return None
