"""A source's text with its statements highlighted (Ctrl+4)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from carebrowser.queries import Filters
from carebrowser.ui.reader_panel import ReaderPanel
from carebrowser.ui.views.base import View

if TYPE_CHECKING:
    from carebrowser.ui.main_window import MainWindow


class ReaderView(View):
    """The source reader: a source's text, stepping from statement to statement."""

    def __init__(self, window: MainWindow) -> None:
        self.reader = ReaderPanel(window.archive, window)
        self.reader.read_failed.connect(window.read_failed)
        super().__init__(self.reader, (self.reader,))

    def filters_changed(self, filters: Filters) -> None:
        self.reader.set_search(filters.search)

    def reload(self, filters: Filters) -> None:
        self.reader.set_search(filters.search)
        self.reader.reload()

    def focus(self) -> None:
        self.reader.text.setFocus(Qt.FocusReason.ShortcutFocusReason)


def build(window: MainWindow) -> ReaderView:
    """The view, made when first shown."""
    return ReaderView(window)
