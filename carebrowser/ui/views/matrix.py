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
        evidence.open_statement.connect(window.open_statement)
        super().__init__(
            page, (matrix, evidence), ((matrix.table, matrix), (evidence.table, evidence))
        )

    def read(self, filters: Filters) -> None:
        self.matrix.set_filters(filters)
        self.evidence.show_evidence(None, filters.search)

    def filters_changed(self, filters: Filters) -> None:
        self.matrix.set_filters(filters)
        self.evidence.show_evidence(self.matrix.current_position(), filters.search)

    def reload(self, filters: Filters) -> None:
        self.matrix.reload()
        self.evidence.show_evidence(self.matrix.current_position(), filters.search)

    def focus(self) -> None:
        self.matrix.focus_table()

    def _show_evidence(self, position: PositionRow | None) -> None:
        with self.window.reading("showing the evidence of a position"):
            self.evidence.show_evidence(position, self.window.filter_bar.search.text())


def build(window: MainWindow) -> MatrixView:
    """The view, made when first shown."""
    return MatrixView(window)
