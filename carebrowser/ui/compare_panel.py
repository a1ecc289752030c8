"""Side-by-side comparison of two to four stakeholders, proposal by proposal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
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

from carebrowser.queries import PAGE_SIZE, Archive, Filters, PositionRow, StakeholderRow
from carebrowser.ui.delegates import StanceDelegate
from carebrowser.ui.models.choices import (
    Choice,
    ChoicePage,
    PagedChoiceListModel,
    grouped_stakeholder_choices,
    stakeholder_choice,
    stakeholder_choices,
)
from carebrowser.ui.models.comparison import AGREEMENT, FIXED_COLUMNS, PROPOSAL, ComparisonModel
from carebrowser.ui.pickers import FindingComboBox
from carebrowser.ui.widgets import counted, heading, named, setup_table

if TYPE_CHECKING:
    from carebrowser.export import Table
    from carebrowser.ui.export_subjects import ExportSubject

MAX_COMPARED = 4
#: Stakeholders read at a time into the pickers (20,000 at the largest).
STAKEHOLDER_PAGE = PAGE_SIZE
#: Stakeholders read at a time into a picker's list of those matching what is typed.
MATCH_PAGE = 100


def _listed_as(found: Choice) -> Choice:
    """A stakeholder found by typing, as the pickers' list names it."""
    return stakeholder_choice(found.value) if isinstance(found.value, StakeholderRow) else found


class ComparePanel(QWidget):
    """Choose two to four stakeholders; a row per proposal, disagreements marked."""

    open_statement = Signal(int, int)
    status_changed = Signal()

    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        #: Whether an export of the positions compared takes in the people of the
        #: organisations compared: the stakeholder list's "With their people", wired by the view.
        self.with_people: Callable[[], bool] = lambda: False
        # '(none)' and the stakeholders under their categories, in the stakeholder list's order,
        # read a page at a time: the first when the view is first shown, more as a picker's list
        # is scrolled.
        self.choices = PagedChoiceListModel(stakeholder_choices([]), self._stakeholder_page, self)
        self._compared: list[int] = []
        self.model = ComparisonModel(self)

        pickers = QGridLayout()
        self.pickers: list[FindingComboBox] = []
        for number in range(1, MAX_COMPARED + 1):
            picker = named(
                FindingComboBox(self._matching, "stakeholder", self, listed_as=_listed_as),
                f"Stakeholder {number} to compare",
                "Choose a stakeholder; type part of a name, alias or role to list those matching"
                + ("" if number <= 2 else " (optional)"),
            )
            picker.setModel(self.choices)
            picker.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            picker.setMinimumContentsLength(16)
            label = QLabel(f"&{number}:", self)
            label.setBuddy(picker)
            # On Linux a combo box is named by its label (its own name is its current text):
            # a screen reader says "Stakeholder 1 to compare", not "1:".
            label.setAccessibleName(picker.accessibleName())
            # Two by two, so that the pickers fit at twice the usual font size.
            row, column = divmod(number - 1, 2)
            pickers.addWidget(label, row, 2 * column)
            pickers.addWidget(picker, row, 2 * column + 1)
            pickers.setColumnStretch(2 * column + 1, 1)
            picker.currentIndexChanged.connect(self._picked)
            self.pickers.append(picker)
        self.disagreements_box = named(
            QCheckBox("Show only d&isagreements", self),
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
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # A long name is elided in its header (the whole name is in the header's tooltip).
        header.setTextElideMode(Qt.TextElideMode.ElideRight)
        # The fixed columns are sized to the table's width as it changes (see _size_columns).
        self.table.viewport().installEventFilter(self)

        top = QHBoxLayout()
        top.addWidget(heading("Compare stakeholders", self, elide=True), 1)
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
        """Read the first page of stakeholders into the pickers (once), keeping those chosen."""
        self.choices.start()  # no read when a page is: a failed read is tried again

    def reload(self) -> None:
        """Read the comparison again (when the database is back after a failed read)."""
        if self.isVisible():
            self.ensure_loaded()
        self._refresh()

    # A page of either list is read on the GUI thread: up to MATCH_PAGE rows of the covering
    # index, category by category, as the stakeholder list's name box reads them.

    def _stakeholder_page(self, after: object | None) -> ChoicePage:
        cursor = after if isinstance(after, tuple) else None
        page = self.archive.stakeholders_as_listed(after=cursor, limit=STAKEHOLDER_PAGE)
        category = str(cursor[0]) if cursor else None
        return grouped_stakeholder_choices(page.rows, category), page.cursor

    def _matching(self, typed: str, after: object | None) -> ChoicePage:
        """A page of the stakeholders whose name, alias or role holds *typed*, grouped."""
        cursor = after if isinstance(after, tuple) else None
        page = self.archive.stakeholders_as_listed(typed, after=cursor, limit=MATCH_PAGE)
        category = str(cursor[0]) if cursor else None
        return grouped_stakeholder_choices(page.rows, category, described=True), page.cursor

    def set_stakeholders(self, ids: Sequence[int]) -> None:
        """Compare these stakeholders (the first four); the pickers show them.

        Those not read yet are pinned to the top of the pickers' list: nothing else is read (a
        hidden comparison offers just them until it is shown)."""
        wanted = list(ids[:MAX_COMPARED])
        for picker in self.pickers:
            picker.blockSignals(True)
        missing = [i for i in wanted if self.choices.row_of_id(i) < 0]
        for choice in stakeholder_choices(self.archive.stakeholders_by_ids(missing))[1:]:
            self.choices.pin(choice)
        for number, picker in enumerate(self.pickers):
            row = self.choices.row_of_id(wanted[number]) if number < len(wanted) else 0
            picker.setCurrentIndex(max(row, 0))
            picker.blockSignals(False)
        self._refresh(extra=max(0, len(ids) - MAX_COMPARED))

    def add_stakeholder(self, stakeholder_id: int) -> str:
        """Add one stakeholder to the comparison, in the first picker left empty, unless four are
        compared already; what was done (or what to do), as a sentence for the status bar."""
        found = self.archive.stakeholders_by_ids([stakeholder_id])
        if not found:
            return "That stakeholder is no longer in the database."
        stakeholder, compared = found[0], self.compared()
        if any(s.id == stakeholder_id for s in compared):
            return f"{stakeholder.name} is compared already."
        empty = next(
            (
                p
                for p in self.pickers
                if not isinstance(self.choices.value(p.currentIndex()), StakeholderRow)
            ),
            None,
        )
        if empty is None:
            return (
                f"Four stakeholders are compared already: to compare {stakeholder.name}, choose "
                "it in place of one of them (Alt+1 to Alt+4), or select two to four and press "
                "Compare selected."
            )
        empty.setCurrentIndex(self.choices.pin(stakeholder_choice(stakeholder)))
        if len(compared) == 0:
            return (
                f"{stakeholder.name} is in the comparison: choose a stakeholder to compare it "
                "with, or select two to four and press Compare selected."
            )
        return (
            f"Added {stakeholder.name} to the comparison. To compare other stakeholders only, "
            "select two to four and press Compare selected."
        )

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

    def _picked(self, *_row: object) -> None:
        # A pinned row moves the others down: the pickers then say so, but nothing changed.
        if [s.id for s in self.compared()] != self._compared:
            self._refresh()

    def _refresh(self, *, extra: int = 0) -> None:
        stakeholders = self.compared()
        self._compared = [s.id for s in stakeholders]
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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._size_columns()
        return super().eventFilter(watched, event)

    def _size_columns(self) -> None:
        """The stakeholders' columns get the width: the proposal's title wraps within a fifth of
        the table (less with three or four stakeholders), the agreement within an eighth (or
        their headers, if wider)."""
        header = self.table.horizontalHeader()
        if header.count() < len(FIXED_COLUMNS):
            return
        width = self.table.viewport().width()
        least = 10 * self.table.fontMetrics().averageCharWidth()
        many = len(self.model.stakeholders) > 2
        for column, share in ((PROPOSAL, 0.15 if many else 0.2), (AGREEMENT, 0.125)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            wanted = max(self.table.sizeHintForColumn(column), header.sectionSizeHint(column))
            cap = max(int(width * share), least, header.sectionSizeHint(column))
            header.resizeSection(column, min(wanted, cap))

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

    def export_subject(self, _filters: Filters) -> ExportSubject:
        """The selected proposal rows of the comparison, or every row shown."""
        from carebrowser.ui.export_subjects import comparison_subject

        return comparison_subject(self)

    def selection_count(self) -> int:
        """How many proposal rows are selected."""
        return len({i.row() for i in self.table.selectionModel().selectedIndexes()})

    def compared_positions(self, selected_only: bool) -> list[PositionRow]:
        """The positions of those compared (and the people of the organisations among them,
        when with_people() says so) on the selected proposal rows, or on all shown."""
        rows = self.model.shown_rows()
        if selected_only:
            chosen = sorted({i.row() for i in self.table.selectionModel().selectedIndexes()})
            rows = [rows[r] for r in chosen]
        proposals = frozenset(row.proposal.id for row in rows)
        if not proposals:
            return []  # no proposals would mean every proposal
        ids = [s.id for s in self.model.stakeholders]
        if self.with_people():
            ids += [p.id for p in self.archive.people_of(ids)]
        return self.archive.positions(Filters(stakeholders=frozenset(ids), proposals=proposals))

    def export_table(self, selected_only: bool) -> Table:
        """The selected proposal rows, or all shown, as a comparison export table."""
        from carebrowser.export import comparison_table  # imported when first exported

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
