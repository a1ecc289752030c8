"""The first view: the stakeholder list beside the statements of those selected (Ctrl+1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from carebrowser.queries import Filters
from carebrowser.ui.quote_panel import QuotePanel
from carebrowser.ui.stakeholder_panel import StakeholderPanel
from carebrowser.ui.views.base import ExportablePanel, View, splitter

if TYPE_CHECKING:
    from carebrowser.ui.main_window import MainWindow


class BrowseView(View):
    """The stakeholders and their statements; the window shows the statements of the selection."""

    def __init__(self, window: MainWindow) -> None:
        self.stakeholders = StakeholderPanel(window.archive, window)
        self.statements = QuotePanel(window.archive, "Statements", window)
        # The statements get two thirds of the room: the list's names fit in the rest.
        page = splitter(
            window,
            "browse",
            Qt.Orientation.Horizontal,
            self.stakeholders,
            self.statements,
            shares=(1, 2),
        )
        super().__init__(
            page,
            (self.stakeholders, self.statements),
            ((self.stakeholders.tree, self.stakeholders), (self.statements.table, self.statements)),
        )

    def read(self, filters: Filters) -> None:
        """Nothing to read when made: the window fills it as it applies the filters."""

    def filters_changed(self, filters: Filters) -> None:
        self.stakeholders.set_categories(filters.categories)

    def focus(self) -> None:
        self.stakeholders.focus_list()

    def status_text(self) -> str:
        return f"{self.statements.status_text()} \u00b7 {self.stakeholders.status_text()}"

    def export_panel(self, focus: QWidget | None) -> ExportablePanel:
        for panel in self.panels:
            if focus is not None and panel.isAncestorOf(focus):
                return panel
        return self.statements  # elsewhere (the filter bar, say): the statements it filters


def build(window: MainWindow) -> BrowseView:
    """The view, made at start."""
    return BrowseView(window)
