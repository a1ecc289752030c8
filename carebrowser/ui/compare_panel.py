"""Side-by-side comparison of two to four stakeholders, proposal by proposal."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carebrowser.export import Table, comparison_table
from carebrowser.queries import Archive, StakeholderRow
from carebrowser.ui.delegates import StanceDelegate
from carebrowser.ui.models import ChoiceListModel, ComparisonModel
from carebrowser.ui.models.choices import stakeholder_choices
from carebrowser.ui.models.comparison import AGREEMENT, FIXED_COLUMNS, PROPOSAL
from carebrowser.ui.widgets import counted, heading, named, setup_table

MAX_COMPARED = 4


class ComparePanel(QWidget):
    """Choose two to four stakeholders; a row per proposal, disagreements marked."""

    open_statement = Signal(int, int)
    status_changed = Signal()

    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        # Every stakeholder (20,000 at the largest): read when the view is first shown.
        self.choices = ChoiceListModel(stakeholder_choices([]), self)
        self._stale = True
        self.model = ComparisonModel(self)

        pickers = QGridLayout()
        self.pickers: list[QComboBox] = []
        for number in range(1, MAX_COMPARED + 1):
            picker = named(
                QComboBox(self),
                f"Stakeholder {number} to compare",
                "Choose a stakeholder; type the first letters to jump to a name"
                + ("" if number <= 2 else " (optional)"),
            )
            picker.setModel(self.choices)
            picker.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            picker.setMinimumContentsLength(16)
            label = QLabel(f"&{number}:", self)
            label.setBuddy(picker)
            # Two by two, so that the pickers fit at twice the usual font size.
            row, column = divmod(number - 1, 2)
            pickers.addWidget(label, row, 2 * column)
            pickers.addWidget(picker, row, 2 * column + 1)
            pickers.setColumnStretch(2 * column + 1, 1)
            picker.currentIndexChanged.connect(self._refresh)
            self.pickers.append(picker)
        self.disagreements_box = named(
            QCheckBox("Show only &disagreements", self),
            "Show only disagreements",
            "Leave out the proposals on which the compared stakeholders take the same stance",
        )
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.table = named(
            setup_table(QTableView(self), wrap_rows=True),
            "Comparison",
            "A row per proposal: each compared stakeholder's stance and key quotation; the "
            "Agreement column says where they disagree. Press Enter to read a quotation.",
            tooltip=False,
        )
        self.table.setModel(self.model)
        self.table.setItemDelegate(StanceDelegate(self.table))
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        top = QHBoxLayout()
        top.addWidget(heading("Compare stakeholders", self), 1)
        top.addWidget(self.disagreements_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(pickers)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)

        self.disagreements_box.toggled.connect(self._disagreements_only)
        self.table.activated.connect(self._open)
        self.table.doubleClicked.connect(self._open)
        self._refresh()

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure_loaded()
        super().showEvent(event)

    def ensure_loaded(self) -> None:
        """Read every stakeholder into the pickers (once), keeping the ones chosen."""
        if self._stale:
            self._set_choices(self.archive.all_stakeholders())
            self._stale = False  # only once read: a failed read is tried again

    def reload(self) -> None:
        """Read the comparison again (when the database is back after a failed read)."""
        if self.isVisible():
            self.ensure_loaded()
        self._refresh()

    def _set_choices(self, stakeholders: Sequence[StakeholderRow]) -> None:
        chosen = [self.choices.value(p.currentIndex()) for p in self.pickers]
        for picker in self.pickers:
            picker.blockSignals(True)
        self.choices.set_choices(stakeholder_choices(stakeholders))
        for picker, value in zip(self.pickers, chosen, strict=True):
            row = self.choices.row_of_id(value.id) if isinstance(value, StakeholderRow) else 0
            picker.setCurrentIndex(max(row, 0))
            picker.blockSignals(False)

    def set_stakeholders(self, ids: Sequence[int]) -> None:
        """Compare these stakeholders (the first four); the pickers show them."""
        if self._stale:
            # Not shown yet: offer just these until the view is shown and reads them all.
            self._set_choices(self.archive.stakeholders_by_ids(ids[:MAX_COMPARED]))
        for picker in self.pickers:
            picker.blockSignals(True)
        for number, picker in enumerate(self.pickers):
            row = -1
            if number < len(ids):
                row = self.choices.row_of_id(ids[number])
            picker.setCurrentIndex(max(row, 0))
            picker.blockSignals(False)
        self._refresh(extra=max(0, len(ids) - MAX_COMPARED))

    def compared(self) -> list[StakeholderRow]:
        """The chosen stakeholders, each once, in picker order."""
        chosen: dict[int, StakeholderRow] = {}
        for picker in self.pickers:
            value = self.choices.value(picker.currentIndex())
            if isinstance(value, StakeholderRow):
                chosen.setdefault(value.id, value)
        return list(chosen.values())

    def set_proposals(self, proposals: frozenset[int]) -> None:
        """Keep to the proposals the filters name (all when empty)."""
        self.model.set_proposals(proposals)
        self.status_changed.emit()

    def _refresh(self, *_args: object, extra: int = 0) -> None:
        stakeholders = self.compared()
        rows = self.archive.compare([s.id for s in stakeholders]) if len(stakeholders) >= 2 else []
        self.model.set_comparison(stakeholders if len(stakeholders) >= 2 else [], rows)
        if len(stakeholders) < 2:
            self.hint.setText(
                "Choose two to four stakeholders above, or select them in the stakeholder "
                "list or the matrix and press Compare selected."
            )
        elif extra:
            self.hint.setText(f"Only four stakeholders can be compared; {extra} more left out.")
        else:
            self.hint.setText("")
        self.hint.setVisible(bool(self.hint.text()))
        self._size_columns()
        self.status_changed.emit()

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        for column in (PROPOSAL, AGREEMENT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def _disagreements_only(self, only: bool) -> None:
        self.model.set_disagreements_only(only)
        self.status_changed.emit()

    def _open(self, index: QModelIndex) -> None:
        quote = self.model.key_quote(index)
        if quote is not None:
            self.open_statement.emit(quote.source_id, quote.id)

    def status_text(self) -> str:
        """'Showing 3 of 7 proposals (disagreements only)'."""
        if len(self.compared()) < 2:
            return "Choose two to four stakeholders to compare"
        only = " (disagreements only)" if self.model.disagreements_only else ""
        total = counted(self.model.total(), "proposal")
        return f"Showing {self.model.rowCount()} of {total}{only}"

    def selection_count(self) -> int:
        """How many proposal rows are selected."""
        return len({i.row() for i in self.table.selectionModel().selectedIndexes()})

    def export_table(self, selected_only: bool) -> Table:
        """The selected proposal rows, or all shown, as a comparison export table."""
        rows = self.model.shown_rows()
        if selected_only:
            chosen = sorted({i.row() for i in self.table.selectionModel().selectedIndexes()})
            rows = [rows[r] for r in chosen]
        return comparison_table(self.model.stakeholders, rows)

    def focus_table(self) -> None:
        """Put the keyboard focus on the comparison."""
        if not self.table.currentIndex().isValid() and self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, len(FIXED_COLUMNS)))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
