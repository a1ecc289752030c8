"""Side-by-side comparison of two to four stakeholders, proposal by proposal.

Everything the panel reads (the comparison, the pickers' pages and their matches) is read on a
reading thread (ui/reads.py): the comparison shown stays until the new one arrives, and one that
a newer choice superseded is dropped.
"""

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
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carebrowser.queries import (
    PAGE_SIZE,
    Archive,
    ComparisonRow,
    Filters,
    PositionRow,
    StakeholderRow,
)
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
from carebrowser.ui.reads import ReadStream
from carebrowser.ui.widgets import RowFitter, counted, heading, named, setup_table

if TYPE_CHECKING:
    from carebrowser.export import Table
    from carebrowser.ui.export_subjects import ExportSubject

MAX_COMPARED = 4
#: Stakeholders read at a time into the pickers (20,000 at the largest).
STAKEHOLDER_PAGE = PAGE_SIZE
#: Stakeholders read at a time into a picker's list of those matching what is typed.
MATCH_PAGE = 100


#: add_stakeholder()'s sentence for a stakeholder not found by its key.
_GONE = "That stakeholder is no longer in the database."


def _listed_as(found: Choice) -> Choice:
    """A stakeholder found by typing, as the pickers' list names it."""
    return stakeholder_choice(found.value) if isinstance(found.value, StakeholderRow) else found


class ComparePanel(QWidget):
    """Choose two to four stakeholders; a row per proposal, disagreements marked."""

    open_statement = Signal(int, int)
    status_changed = Signal()
    #: A comparison read off the GUI thread is shown.
    shown = Signal()
    #: A read off the GUI thread that failed (the window reports it), and what was being done.
    read_failed = Signal(object, str)

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
        self._pages = ReadStream(self)
        self.choices.read_off_thread(
            self._pages.read, lambda error: self.read_failed.emit(error, "reading stakeholders")
        )
        self._reads = ReadStream(self)
        # A stakeholder added (add_stakeholder) that the pickers have not read.
        self._adding = ReadStream(self)
        self._compared: list[int] = []
        #: The stakeholders set_stakeholders() asked for, while they are being read.
        self._setting: list[int] | None = None
        self.model = ComparisonModel(self)
        #: The width of each text of the fixed columns, once measured, in the font named.
        self._advances: dict[str, int] = {}
        self._advances_font: tuple[str, float] = ("", 0.0)

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
        # Each row measured when it comes and when a column's width changes, not at every layout
        # (ResizeToContents measured every row's wrapped quotations several times a comparison).
        self.fitter = RowFitter(self.table)
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

    def reading(self) -> bool:
        """Whether a comparison is being read (the one shown stays until it arrives)."""
        return self._reads.reading()

    # A page of either list is read on a reading thread: up to MATCH_PAGE rows of the covering
    # index, category by category, as the stakeholder list's name box reads them. Nothing of the
    # panel is touched there.

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
        """Compare these stakeholders (the first four); the pickers show them when the
        comparison is read (off the GUI thread; the comparison shown stays until then).

        Those not read yet are pinned to the top of the pickers' list: nothing else is read (a
        hidden comparison offers just them until it is shown)."""
        wanted = list(dict.fromkeys(ids[:MAX_COMPARED]))
        extra = max(0, len(ids) - MAX_COMPARED)
        known = {
            i: value
            for i in wanted
            if isinstance(value := self.choices.value(self.choices.row_of_id(i)), StakeholderRow)
        }
        missing = [i for i in wanted if i not in known]
        archive = self.archive

        def read() -> tuple[list[StakeholderRow], list[StakeholderRow], list[ComparisonRow]]:
            found = archive.stakeholders_by_ids(missing) if missing else []
            rows = {**known, **{s.id: s for s in found}}
            chosen = [rows[i] for i in wanted if i in rows]
            compared = archive.compare([s.id for s in chosen]) if len(chosen) >= 2 else []
            return found, chosen, compared

        def show(
            answer: tuple[list[StakeholderRow], list[StakeholderRow], list[ComparisonRow]],
        ) -> None:
            found, chosen, compared = answer
            for choice in stakeholder_choices(found)[1:]:
                self.choices.pin(choice)
            for number, picker in enumerate(self.pickers):
                picker.blockSignals(True)
                row = self.choices.row_of_id(chosen[number].id) if number < len(chosen) else 0
                picker.setCurrentIndex(max(row, 0))
                picker.blockSignals(False)
            self._show(chosen, compared, extra)

        self._adding.cancel()  # a stakeholder added before: this comparison replaces it
        self._reads.read(read, show, self._failed)
        self._setting = wanted

    def add_stakeholder(
        self, stakeholder_id: int, said: Callable[[str], None] = lambda _sentence: None
    ) -> None:
        """Add one stakeholder to the comparison, in the first picker left empty, unless four are
        compared already; *said* hears what was done (or what to do), as a sentence for the
        status bar.

        A stakeholder the pickers have not read is read by its key off the GUI thread first (a
        newer one added supersedes it); the comparison is read off the GUI thread too."""
        known = self.choices.value(self.choices.row_of_id(stakeholder_id))
        if isinstance(known, StakeholderRow):
            self._adding.cancel()
            said(self._add(known))
            return
        by_ids = self.archive.stakeholders_by_ids

        def failed(error: BaseException) -> None:
            self.read_failed.emit(error, "adding a stakeholder to the comparison")

        self._adding.read(
            lambda: by_ids([stakeholder_id]),
            lambda found: said(self._add(found[0]) if found else _GONE),
            failed,
        )

    def _add(self, stakeholder: StakeholderRow) -> str:
        """add_stakeholder() once the stakeholder is read: what was done, as a sentence."""
        stakeholder_id, pending = stakeholder.id, self._setting
        ids = list(pending) if pending is not None else [s.id for s in self.compared()]
        if stakeholder_id in ids:
            return f"{stakeholder.name} is compared already."
        if len(ids) >= MAX_COMPARED:
            return (
                f"Four stakeholders are compared already: to compare {stakeholder.name}, choose "
                "it in place of one of them (Alt+1 to Alt+4), or select two to four and press "
                "Compare selected."
            )
        empty = next(
            (
                p
                for p in self.pickers
                if not isinstance(self.choices.value(p.currentIndex()), StakeholderRow)
            ),
            None,
        )
        if pending is not None or empty is None:
            # Those asked for a moment ago are still being read (or one is chosen twice).
            self.set_stakeholders([*ids, stakeholder_id])
        else:
            empty.setCurrentIndex(self.choices.pin(stakeholder_choice(stakeholder)))
        if not ids:
            return (
                f"{stakeholder.name} is in the comparison: choose a stakeholder to compare it "
                "with, or select two to four and press Compare selected."
            )
        return (
            f"Added {stakeholder.name} to the comparison. To compare other stakeholders only, "
            "select two to four and press Compare selected."
        )

    def kept_keys(self) -> list[str]:
        """The keys of those compared, or of those asked for while they are still being read
        (what the settings keep to the next start)."""
        if self._setting is None:
            return [s.key for s in self.compared()]
        found = {s.id: s for s in self.archive.stakeholders_by_ids(self._setting)}  # at close
        return [found[i].key for i in self._setting if i in found]

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

    def _refresh(self) -> None:
        """Read the comparison of the stakeholders the pickers show, off the GUI thread."""
        stakeholders = self.compared()
        self._compared = [s.id for s in stakeholders]
        self._setting = None  # the pickers' choice now supersedes what was asked for before
        if len(stakeholders) < 2:
            self._reads.cancel()  # a comparison on its way is no longer wanted
            self._show(stakeholders, [], 0)
            return
        ids, archive = list(self._compared), self.archive
        self._reads.read(
            lambda: archive.compare(ids),
            lambda rows: self._show(stakeholders, rows, 0),
            self._failed,
        )

    def _failed(self, error: BaseException) -> None:
        self._setting = None
        self.read_failed.emit(error, "comparing stakeholders")

    def _show(
        self, stakeholders: list[StakeholderRow], rows: list[ComparisonRow], extra: int
    ) -> None:
        self._compared = [s.id for s in stakeholders]
        self._setting = None
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
        self.shown.emit()

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
            hint = header.sectionSizeHint(column)
            cap = max(int(width * share), least, hint)
            header.resizeSection(column, min(max(self._widest(column, cap), hint), cap))

    def _widest(self, column: int, cap: int) -> int:
        """The width of the column's widest text on one line, with the cell's margins (what
        sizeHintForColumn gives, from the font), or *cap* once a text is at least that wide.

        The longest texts are measured first, and each text once for the font: the titles of
        555 proposals were measured at each comparison and each change of the table's width.
        """
        metrics = self.table.fontMetrics()
        font = (self.table.font().key(), metrics.fontDpi())
        if font != self._advances_font:
            self._advances.clear()
            self._advances_font = font
        margin = 2 * (self.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 1
        widest = 0
        for text in sorted(self.model.column_texts(column), key=len, reverse=True):
            advance = self._advances.get(text)
            if advance is None:
                advance = self._advances[text] = metrics.horizontalAdvance(text)
            widest = max(widest, advance + margin)
            if widest >= cap:
                return cap
        return widest

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
        return self.positions_reader(selected_only)()

    def positions_reader(self, selected_only: bool) -> Callable[[], list[PositionRow]]:
        """compared_positions() as a read that runs on any thread: what the panel shows and
        selects is taken now, the database is read when it is called."""
        rows = self.model.shown_rows()
        if selected_only:
            chosen = sorted({i.row() for i in self.table.selectionModel().selectedIndexes()})
            rows = [rows[r] for r in chosen]
        proposals = frozenset(row.proposal.id for row in rows)
        ids = [s.id for s in self.model.stakeholders]
        with_people, archive = self.with_people(), self.archive

        def read() -> list[PositionRow]:
            if not proposals:
                return []  # no proposals would mean every proposal
            speakers = ids + ([p.id for p in archive.people_of(ids)] if with_people else [])
            return archive.positions(Filters(stakeholders=frozenset(speakers), proposals=proposals))

        return read

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
