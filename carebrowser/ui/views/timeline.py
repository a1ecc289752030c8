"""Positions over time (Ctrl+6): the timeline over the statement of the mark chosen."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from carebrowser.analysis.timeline import CHANGE_GLYPH
from carebrowser.queries import Filters
from carebrowser.queries.timeline import StanceMark
from carebrowser.ui.quote_panel import QuotePanel
from carebrowser.ui.timeline import TimelinePanel
from carebrowser.ui.views.base import View, splitter

if TYPE_CHECKING:
    from carebrowser.ui.main_window import MainWindow


class TimelineView(View):
    """The filtered statements' stances over time, for the stakeholders selected in the list
    (all when none is); the statement of the mark chosen below it."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.timeline = timeline = TimelinePanel(window.archive, window)
        self.statement = statement = QuotePanel(window.archive, "Statement", window)
        page = splitter(window, "timeline", Qt.Orientation.Vertical, timeline, statement)
        page.setStretchFactor(0, 3)
        page.setStretchFactor(1, 1)
        timeline.mark_selected.connect(self._show_mark)
        timeline.cell_selected.connect(self._show_cell)
        timeline.open_statement.connect(window.open_statement)
        timeline.date_range_chosen.connect(self._filter_dates)
        timeline.read_failed.connect(window.read_failed)
        statement.open_statement.connect(window.open_statement)
        statement.read_failed.connect(window.read_failed)
        window.stakeholders.selection_changed.connect(self._selection_changed)
        super().__init__(
            page, (timeline, statement), ((timeline.table, timeline), (statement.table, statement))
        )

    def _filters(self, filters: Filters) -> Filters:
        return filters.but(stakeholders=self.window.stakeholders.selected_ids())

    def read(self, filters: Filters) -> None:
        self.timeline.set_filters(self._filters(filters))
        self._show_mark(None)

    def filters_changed(self, filters: Filters) -> None:
        self.timeline.set_filters(self._filters(filters))
        self._show_mark(self.timeline.current_mark())

    def _selection_changed(self) -> None:
        with self.window.reading("showing the timeline of the stakeholders selected"):
            self.timeline.set_filters(self._filters(self.window.filter_bar.filters()))

    def reload(self, filters: Filters) -> None:
        self.timeline.reload()
        self._show_mark(self.timeline.current_mark())

    def focus(self) -> None:
        self.timeline.focus_table()

    def _show_mark(self, mark: StanceMark | None) -> None:
        """Show the statement of *mark* once read (off the GUI thread; a failure is reported)."""
        search = self.window.filter_bar.search.text()
        if mark is None:
            self.statement.show_quotes([], "Statement: choose a mark of the timeline", search)
            return
        change = self.timeline.picture.changes.get((mark.stakeholder_id, mark.proposal_id))
        flag = f" \u2014 {CHANGE_GLYPH} {change.describe()}" if change is not None else ""
        heading = f"{mark.stakeholder} on {mark.proposal}: {mark.stance}, {mark.date_label}"
        doing = "showing the statement of a mark"
        self.statement.show_quotes([mark.statement_id], heading + flag, search, doing)

    def _show_cell(self, filters: Filters, heading: str) -> None:
        self.statement.show_statements(filters, heading, "showing the statements of a period")

    def _filter_dates(self, first: dt.date, last: dt.date) -> None:
        """A range dragged on the time axis becomes the date filter of every view."""
        bar = self.window.filter_bar
        bar.set_filters(bar.filters().but(date_from=first, date_to=last))


def build(window: MainWindow) -> TimelineView:
    """The view, made when first shown."""
    return TimelineView(window)
