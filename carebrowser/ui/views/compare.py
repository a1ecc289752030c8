"""Two to four stakeholders' positions side by side, proposal by proposal (Ctrl+3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from carebrowser.queries import Filters
from carebrowser.ui.compare_panel import ComparePanel
from carebrowser.ui.views.base import View, follow

if TYPE_CHECKING:
    from carebrowser.ui.main_window import MainWindow


class CompareView(View):
    """The comparison of the stakeholders chosen in its pickers."""

    def __init__(self, window: MainWindow) -> None:
        self.compare = compare = ComparePanel(window.archive, window)
        follow(window.window_actions.disagreements_only, compare.disagreements_box)
        compare.open_statement.connect(window.open_statement)
        compare.read_failed.connect(window.read_failed)
        compare.with_people = window.stakeholders.with_people.isChecked
        super().__init__(compare, (compare,), ((compare.table, compare),))

    def filters_changed(self, filters: Filters) -> None:
        self.compare.set_proposals(filters.proposals)

    def reload(self, filters: Filters) -> None:
        self.compare.set_proposals(filters.proposals)
        self.compare.reload()

    def focus(self) -> None:
        self.compare.pickers[0].setFocus(Qt.FocusReason.ShortcutFocusReason)


def build(window: MainWindow) -> CompareView:
    """The view, made when first shown."""
    return CompareView(window)
