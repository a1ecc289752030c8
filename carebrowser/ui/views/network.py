"""The coalition map: who stands with whom, on what, with the words behind every tie (Ctrl+5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from carebrowser.queries import Filters
from carebrowser.ui.network import NetworkPanel
from carebrowser.ui.views.base import ExportablePanel, View

if TYPE_CHECKING:
    from carebrowser.ui.main_window import MainWindow


class CoalitionMapView(View):
    """The network of the filter bar's stakeholders, its ties and their statements."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.network = network = NetworkPanel(window.archive, window)
        network.open_statement.connect(window.open_statement)
        network.read_failed.connect(window.read_failed)
        statements = network.statements
        super().__init__(
            network,
            (network, statements),
            ((network.ties_table, network), (statements.table, statements)),
        )

    def filters_changed(self, filters: Filters) -> None:
        self.network.set_filters(filters)

    def reload(self, filters: Filters) -> None:
        self.network.set_filters(filters)

    def focus(self) -> None:
        self.network.focus_picture()

    def export_panel(self, focus: QWidget | None) -> ExportablePanel:
        # The statements sit inside the network's panel: they first, when they hold the focus.
        statements = self.network.statements
        if focus is not None and statements.isAncestorOf(focus):
            return statements
        return self.network


def build(window: MainWindow) -> CoalitionMapView:
    """The view, made when first shown."""
    return CoalitionMapView(window)
