"""The proposal matrix over the evidence of the position in its current cell (Ctrl+2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from carebrowser.queries import Filters, PositionRow
from carebrowser.ui.matrix_panel import MatrixPanel
from carebrowser.ui.quote_panel import QuotePanel
from carebrowser.ui.views.base import View, follow, splitter

if TYPE_CHECKING:
    from carebrowser.ui.main_window import MainWindow


class MatrixView(View):
    """Positions laid out stakeholder x proposal; the statements of the one in the current cell."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.matrix = matrix = MatrixPanel(window.archive, window)
        self.evidence = evidence = QuotePanel(window.archive, "Evidence", window)
        # The matrix gets two thirds of the height, so that its rows show under its header
        # on a short window.
        page = splitter(window, "matrix", Qt.Orientation.Vertical, matrix, evidence, shares=(2, 1))
        actions = window.window_actions
        follow(actions.hide_empty, matrix.hide_empty_box)
        follow(actions.transpose, matrix.transpose_box)
        matrix.compare_requested.connect(window.compare_stakeholders)
        matrix.position_selected.connect(self._show_evidence)
        # Several cells selected: the evidence of them all, not only the current one's.
        matrix.table.selectionModel().selectionChanged.connect(self._show_evidence)
        evidence.open_statement.connect(window.open_statement)
        evidence.read_failed.connect(window.read_failed)
        matrix.read_failed.connect(window.read_failed)
        super().__init__(
            page, (matrix, evidence), ((matrix.table, matrix), (evidence.table, evidence))
        )

    def read(self, filters: Filters) -> None:
        self.matrix.set_filters(filters)
        self.evidence.show_evidence(None, filters.search)

    def filters_changed(self, filters: Filters) -> None:
        self.matrix.set_filters(filters)
        self.evidence.show_evidence(self._positions(), filters.search)

    def reload(self, filters: Filters) -> None:
        self.matrix.reload()
        self.evidence.show_evidence(self._positions(), filters.search)

    def _positions(self) -> list[PositionRow]:
        """The selected cells' positions when several are selected, else the current one's."""
        chosen = self.matrix.selected_positions(load=False) if self.matrix.isVisible() else []
        if len(chosen) > 1:
            return chosen
        current = self.matrix.current_position()
        return [current] if current is not None else []

    def focus(self) -> None:
        self.matrix.focus_table()

    def _show_evidence(self, *_signal_arguments: object) -> None:
        positions = self._positions()
        if [p.id for p in positions] == [p.id for p in self.evidence.positions_asked()]:
            return  # the same cells (the current cell moved within the selection, say)
        # Read off the GUI thread: the evidence shown stays until it arrives.
        self.evidence.show_evidence(positions, self.window.filter_bar.search.text())


def build(window: MainWindow) -> MatrixView:
    """The view, made when first shown."""
    return MatrixView(window)
