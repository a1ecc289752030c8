"""The filter bar: full-text search combined with proposal, category, source and date range."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from carebrowser.data.search_syntax import SEARCH_HELP
from carebrowser.queries import Archive, Filters
from carebrowser.ui.models.choices import (
    Choice,
    ChoiceListModel,
    ChoicePage,
    PagedChoiceListModel,
    category_choices,
    proposal_choices,
    source_choices,
    stance_choices,
)
from carebrowser.ui.reads import ReadStream
from carebrowser.ui.widgets import LazyComboBox, named, with_clear_button

#: Typing pauses this long (ms) before the search runs.
TYPING_PAUSE = 250
#: A window fewer lines of text high than this (a small screen, 200%, large fonts) shows the
#: search alone, the other filters behind "More filters": the views keep the room.
COMPACT_LINES = 40
#: The earliest and latest dates the date range offers.
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2003, 12, 31)


class FilterBar(QWidget):
    """Everything that narrows the views except the stakeholder selection; emits filters_changed."""

    filters_changed = Signal()
    #: A read off the GUI thread that failed (the window reports it), and what was being done.
    read_failed = Signal(object, str)

    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = named(
            QLineEdit(self),
            "Search",
            f"{SEARCH_HELP}. Any text may be typed.",
        )
        self.search.setPlaceholderText(
            'Search statements and sources: words, "a phrase", trust*, OR, -word (Ctrl+F)'
        )
        with_clear_button(self.search, "Clear the search")
        self.archive = archive
        # 2,000 proposals and 100,000 sources at the largest: each read a page at a time, from
        # the first popup on.
        self.proposal = self._combo(
            "Proposal filter",
            "Only statements and positions on this proposal; type the first letters of a title "
            "to jump to it",
            proposal_choices([]),
            LazyComboBox(self, find=self._find_proposal),
        )
        self.proposal.setModel(
            PagedChoiceListModel(proposal_choices([]), self._proposal_page, self)
        )
        self.category = self._combo(
            "Category filter", "Only stakeholders of this category", category_choices()
        )
        self.source = self._combo(
            "Source filter",
            "Only statements from this source",
            source_choices([]),
            LazyComboBox(self),
        )
        self.source.setModel(PagedChoiceListModel(source_choices([]), self._source_page, self))
        # The proposals' and sources' pages, and the proposal found by the letters typed, are
        # read off the GUI thread (each list on a stream of its own: one never cancels another).
        for combo, what in ((self.proposal, "proposals"), (self.source, "sources")):
            model, pages = combo.model(), ReadStream(combo)
            if isinstance(model, PagedChoiceListModel):
                model.read_off_thread(pages.read, self._failed_reading(f"reading the {what}"))
        if isinstance(self.proposal, LazyComboBox):
            self.proposal.find_off_thread(
                lambda error: self.read_failed.emit(error, "finding a proposal")
            )
        self.stance = self._combo(
            "Stance filter",
            "Only positions taken with this stance, and the statements that are their evidence",
            stance_choices(),
        )
        self.dated = named(
            QCheckBox("&Dated", self),
            "Filter by date",
            "Only statements from sources dated within the range (inferred dates count "
            "by the first day of their period)",
        )
        self.date_from = self._date("From date", "The first date of the range", FIRST_DAY)
        self.date_to = self._date("To date", "The last date of the range", LAST_DAY)
        self.clear_button = named(
            QPushButton("C&lear filters", self), "Clear filters", "Remove every filter and search"
        )

        # Two rows, three when the bar is narrow (a small screen, or twice the usual font
        # size): the dates then go on a row of their own.
        search_label = QLabel("Sea&rch:", self)
        search_label.setBuddy(self.search)
        # Room for a few words: narrower, the dates go on a row of their own.
        self.search.setMinimumWidth(20 * self.fontMetrics().averageCharWidth())
        self._dates = QWidget(self)
        dates = QHBoxLayout(self._dates)
        dates.setContentsMargins(0, 0, 0, 0)
        dates.addWidget(self.dated)
        dates.addWidget(self.date_from, 1)
        dates.addWidget(QLabel("\u2013", self._dates))
        dates.addWidget(self.date_to, 1)
        self._search_row = QHBoxLayout()
        self._search_row.addWidget(search_label)
        self._search_row.addWidget(self.search, 3)
        self._search_row.addWidget(self._dates, 2)
        # Shown when the window is short (see fit_height): the dates and the choices behind it.
        self.more_button = named(
            QToolButton(self),
            "More filters",
            "Show or hide the dates, proposal, category, source and stance filters",
        )
        self.more_button.setCheckable(True)
        self.more_button.setText("More filters")
        self.more_button.setVisible(False)
        self._search_row.addWidget(self.more_button)
        self._search_row.addWidget(self.clear_button)
        self._dates_row = QHBoxLayout()
        # Each choice with its label, so that the last two can move to a row of their own.
        self._choices: list[QWidget] = []
        for text, widget in (
            ("&Proposal:", self.proposal),
            ("C&ategory:", self.category),
            ("&Source:", self.source),
            ("Stan&ce:", self.stance),
        ):
            pair = QWidget(self)
            pair_layout = QHBoxLayout(pair)
            pair_layout.setContentsMargins(0, 0, 0, 0)
            label = QLabel(text, pair)
            label.setBuddy(widget)
            widget.setParent(pair)
            pair_layout.addWidget(label)
            pair_layout.addWidget(widget, 1)
            self._choices.append(pair)
        self._choices_row, self._more_choices_row = QHBoxLayout(), QHBoxLayout()
        for pair in self._choices:
            self._choices_row.addWidget(pair, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._search_row)
        layout.addLayout(self._dates_row)
        layout.addLayout(self._choices_row)
        layout.addLayout(self._more_choices_row)
        self._narrow = False
        self._compact = False
        spacing = layout.spacing()
        widths = [pair.minimumSizeHint().width() for pair in self._choices]
        #: The least width the four choices need on one row.
        self._one_row_of_choices = sum(widths) + 3 * spacing
        # The widest a row must be when narrow (the dates and two choices on rows of their
        # own): the least the bar asks for.
        self._narrowest = max(
            widths[0] + widths[1] + spacing,
            widths[2] + widths[3] + spacing,
            self._dates.minimumSizeHint().width(),
            search_label.minimumSizeHint().width()
            + self.search.minimumWidth()
            + self.clear_button.minimumSizeHint().width()
            + 2 * layout.spacing(),
        )

        self._typing = QTimer(self, singleShot=True, interval=TYPING_PAUSE)
        self._typing.timeout.connect(self.filters_changed)
        self.search.textChanged.connect(self._typing.start)
        self.search.returnPressed.connect(self._search_now)
        for combo in (self.proposal, self.category, self.source, self.stance):
            combo.currentIndexChanged.connect(self.filters_changed)
        self.dated.toggled.connect(self._dated_toggled)
        self.date_from.dateChanged.connect(self._date_changed)
        self.date_to.dateChanged.connect(self._date_changed)
        self.clear_button.clicked.connect(self.clear)
        self.more_button.toggled.connect(self._show_more)
        # Tab goes from the search to More filters, then to the filters it shows.
        QWidget.setTabOrder(self.search, self.more_button)
        QWidget.setTabOrder(self.more_button, self.proposal)
        self.filters_changed.connect(self._name_more)
        self._dated_toggled(False)

    @property
    def narrow(self) -> bool:
        """Whether the dates and the last two choices are on rows of their own (the bar is too
        narrow for two rows)."""
        return self._narrow

    @property
    def compact(self) -> bool:
        """Whether the search is shown alone, the other filters behind More filters."""
        return self._compact

    def fit_height(self, height: int) -> None:
        """Show the search alone, the other filters behind More filters, when the window is
        *height* pixels high and that is under COMPACT_LINES lines of text; all of them again
        when it is taller."""
        compact = height < COMPACT_LINES * self.fontMetrics().height()
        if compact == self._compact:
            return
        self._compact = compact
        self.more_button.setVisible(compact)
        self._show_more()

    def _show_more(self) -> None:
        shown = not self._compact or self.more_button.isChecked()
        self._dates.setVisible(shown)
        for pair in self._choices:
            pair.setVisible(shown)
        self.updateGeometry()
        self._name_more()

    def _name_more(self) -> None:
        """Say on More filters how many of the filters behind it are set."""
        filters = self.filters()
        count = sum(
            (
                bool(filters.proposals),
                bool(filters.categories),
                bool(filters.sources),
                bool(filters.stances),
                filters.date_from is not None or filters.date_to is not None,
            )
        )
        text = f"More filters ({count} set)" if count else "More filters"
        if text != self.more_button.text():
            self.more_button.setText(text)
            self.more_button.setAccessibleName(text)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        height = hint.height()
        if not (self._compact and self.more_button.isChecked()):
            # As short as the search's row: a window made shorter than COMPACT_LINES shows that
            # row alone (fit_height), and every row fits a window taller than that. Every row
            # asked for in a short window has its room, the window taller if need be.
            height = min(height, self._search_row.minimumSize().height())
        return QSize(min(hint.width(), self._narrowest), height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def _arrange(self, width: int) -> None:
        """Dates beside the search and the choices on one row when two rows fit *width*; else
        the dates on a row of their own and the choices on two."""
        others = (self._search_row.itemAt(i) for i in range(self._search_row.count()))
        beside = (
            sum(i.minimumSize().width() for i in others if i and i.widget() is not self._dates)
            + self._dates.minimumSizeHint().width()
            + 3 * self._search_row.spacing()
        )
        narrow = width < max(beside, self._one_row_of_choices, self._narrowest)
        if narrow == self._narrow:
            return
        self._narrow = narrow
        if narrow:
            self._search_row.removeWidget(self._dates)
            self._dates_row.addWidget(self._dates)
            for pair in self._choices[2:]:
                self._choices_row.removeWidget(pair)
                self._more_choices_row.addWidget(pair, 1)
        else:
            self._dates_row.removeWidget(self._dates)
            self._search_row.insertWidget(2, self._dates, 2)
            for pair in self._choices[2:]:
                self._more_choices_row.removeWidget(pair)
                self._choices_row.addWidget(pair, 1)
        self.updateGeometry()

    def _combo(
        self,
        name: str,
        description: str,
        choices: Sequence[Choice],
        combo: QComboBox | None = None,
    ) -> QComboBox:
        combo = named(combo or QComboBox(self), name, description)
        combo.setModel(ChoiceListModel(choices, combo))
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(10)
        return combo

    def _date(self, name: str, description: str, day: dt.date) -> QDateEdit:
        edit = named(QDateEdit(QDate(day.year, day.month, day.day), self), name, description)
        edit.setDisplayFormat("d MMM yyyy")
        edit.setCalendarPopup(True)
        edit.setDateRange(QDate(1990, 1, 1), QDate(2030, 12, 31))
        inner = edit.findChild(QLineEdit)
        if inner is not None:
            named(inner, name, description)
        return edit

    def _failed_reading(self, doing: str) -> Callable[[BaseException], None]:
        return lambda error: self.read_failed.emit(error, doing)

    def _proposal_page(self, after: object | None) -> ChoicePage:
        page = self.archive.proposals_page(after=after)  # type: ignore[arg-type]
        return proposal_choices(page.rows)[1:], page.cursor

    def _find_proposal(self, typed: str) -> Choice | None:
        found = self.archive.proposal_starting(typed)
        return proposal_choices([found])[1] if found is not None else None

    def _source_page(self, after: object | None) -> ChoicePage:
        page = self.archive.sources_page(after=after)  # type: ignore[arg-type]
        return source_choices(page.rows)[1:], page.cursor

    def _search_now(self) -> None:
        self._typing.stop()
        self.filters_changed.emit()

    def _dated_toggled(self, dated: bool) -> None:
        self.date_from.setEnabled(dated)
        self.date_to.setEnabled(dated)
        self.filters_changed.emit()

    def _date_changed(self) -> None:
        if self.dated.isChecked():
            self.filters_changed.emit()

    def typing(self) -> bool:
        """Whether a search is being typed (its filters not applied yet)."""
        return self._typing.isActive()

    def filters(self) -> Filters:
        """The filters as set (stakeholders are chosen elsewhere)."""

        def chosen(combo: QComboBox) -> frozenset[object]:
            model = combo.model()
            value = (
                model.value(combo.currentIndex()) if isinstance(model, ChoiceListModel) else None
            )
            return frozenset() if value is None else frozenset({value})

        dated = self.dated.isChecked()
        return Filters(
            proposals=chosen(self.proposal),  # type: ignore[arg-type]
            categories=chosen(self.category),  # type: ignore[arg-type]
            sources=chosen(self.source),  # type: ignore[arg-type]
            date_from=self.date_from.date().toPython() if dated else None,  # type: ignore[arg-type]
            date_to=self.date_to.date().toPython() if dated else None,  # type: ignore[arg-type]
            search=self.search.text(),
            stances=self._stances(),
        )

    def _stances(self) -> frozenset[str]:
        model = self.stance.model()
        if not isinstance(model, ChoiceListModel):
            return frozenset()
        value = model.value(self.stance.currentIndex())
        return value if isinstance(value, frozenset) else frozenset()

    def set_filters(self, filters: Filters) -> None:
        """Show *filters* (one value per field is shown; the first when several); emits once."""
        widgets = (
            self.search,
            self.proposal,
            self.category,
            self.source,
            self.stance,
            self.dated,
            self.date_from,
            self.date_to,
        )
        for widget in widgets:
            widget.blockSignals(True)
        self.search.setText(filters.search)
        for combo, values in (
            (self.proposal, filters.proposals),
            (self.category, filters.categories),
            (self.source, filters.sources),
        ):
            model = combo.model()
            value = sorted(values, key=str)[0] if values else None
            if isinstance(model, PagedChoiceListModel) and value is not None:
                # A choice not read yet (the list is read on the first popup): add just it.
                for choice in self._choices_of(combo, value):
                    model.pin(choice)
            if isinstance(model, ChoiceListModel):
                combo.setCurrentIndex(max(model.row_of(value), 0))
        stances = self.stance.model()
        if isinstance(stances, ChoiceListModel):
            stances.set_choices(stance_choices(filters.stances))
            self.stance.setCurrentIndex(max(stances.row_of(filters.stances or None), 0))
        dated = filters.date_from is not None or filters.date_to is not None
        self.dated.setChecked(dated)
        self.date_from.setEnabled(dated)
        self.date_to.setEnabled(dated)
        start, end = filters.date_from or FIRST_DAY, filters.date_to or LAST_DAY
        self.date_from.setDate(QDate(start.year, start.month, start.day))
        self.date_to.setDate(QDate(end.year, end.month, end.day))
        for widget in widgets:
            widget.blockSignals(False)
        self._typing.stop()
        self.filters_changed.emit()

    def _choices_of(self, combo: QComboBox, value: object) -> list[Choice]:
        if combo is self.proposal:
            return proposal_choices(self.archive.proposals_by_ids([value]))[1:]  # type: ignore[list-item]
        return source_choices(self.archive.sources_by_ids([value]))[1:]  # type: ignore[list-item]

    def clear(self) -> None:
        """Remove every filter and the search."""
        self.set_filters(Filters())

    def focus_search(self) -> None:
        """Put the keyboard focus in the search box, its text selected (Ctrl+F)."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
