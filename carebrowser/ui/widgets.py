"""Small helpers every panel uses: accessible names, headings, table set-up."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

from carebrowser.ui.models.choices import PagedChoiceListModel

W = TypeVar("W", bound=QWidget)


def named(widget: W, name: str, description: str, tooltip: bool = True) -> W:
    """Give *widget* the accessible name and description a screen reader announces."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    if tooltip and not widget.toolTip():
        widget.setToolTip(description)
    return widget


def counted(count: int, noun: str) -> str:
    """'1 proposal', '3 proposals', '10,000 statements'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    """A bold panel heading that follows the system font size."""
    label = QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def setup_table(table: QTableView, *, wrap_rows: bool = False) -> QTableView:
    """Tables leave Tab to the window (no keyboard trap) and select whole rows or cells."""
    table.setTabKeyNavigation(False)
    table.setWordWrap(True)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    if wrap_rows:
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


class LazyComboBox(QComboBox):
    """A combo box over a PagedChoiceListModel, which starts reading it on the first popup."""

    def showPopup(self) -> None:
        model = self.model()
        if isinstance(model, PagedChoiceListModel):
            model.start()
        super().showPopup()
