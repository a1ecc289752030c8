"""Small helpers every panel uses: accessible names, headings, table set-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QElapsedTimer, Qt
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QListView,
    QTableView,
    QWidget,
)

from carebrowser.ui.models.choices import Choice, PagedChoiceListModel

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


#: Finds, in the whole table, the first choice (in the list's order) whose label starts with
#: the text typed into a closed chooser; None when there is none.
ChoiceFinder = Callable[[str], Choice | None]


class LazyComboBox(QComboBox):
    """A combo box over a PagedChoiceListModel, which starts reading it on the first popup.

    Closed, it reads the next page when the arrow keys or the wheel go past the last row read,
    and typed letters jump among the rows read; with *find*, to the first match in the whole
    table when none of those matches (it is then pinned to the list).
    """

    def __init__(self, parent: QWidget | None = None, find: ChoiceFinder | None = None) -> None:
        super().__init__(parent)
        self._find = find
        self._typed = ""
        self._typing = QElapsedTimer()
        view = self.view()
        if isinstance(view, QListView):
            view.setUniformItemSizes(True)

    def _paged(self) -> PagedChoiceListModel | None:
        model = self.model()
        return model if isinstance(model, PagedChoiceListModel) else None

    def showPopup(self) -> None:
        model = self._paged()
        if model is not None:
            model.start()
        super().showPopup()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        chords = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_PageDown) and not event.modifiers() & (
            chords
        ):
            self._read_past_the_end()
        text = event.text()
        typed = bool(text) and text.isprintable() and not event.modifiers() & chords
        if not typed or self.isEditable() or text == " ":
            super().keyPressEvent(event)
            return
        model = self._paged()
        if model is not None:
            model.start()
        if (
            self._typing.isValid()
            and self._typing.elapsed() <= QApplication.keyboardInputInterval()
        ):
            self._typed += text
        else:
            self._typed = text
        self._typing.start()
        super().keyPressEvent(event)  # jumps among the rows read
        self._find_typed(model)

    def _find_typed(self, model: PagedChoiceListModel | None) -> None:
        # The same letter again steps through the rows starting with it ('aaa' is 'a').
        typed = self._typed[0] if len(set(self._typed)) == 1 else self._typed
        if model is None or self._find is None or not model.canFetchMore():
            return
        if self.currentText().casefold().startswith(typed.casefold()):
            return
        choice = self._find(typed)
        if choice is not None:
            self.setCurrentIndex(model.pin(choice))

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.angleDelta().y() < 0:
            self._read_past_the_end()
        super().wheelEvent(event)

    def _read_past_the_end(self) -> None:
        model = self._paged()
        if model is None or self.currentIndex() < self.count() - 1:
            return
        count = self.count()
        model.start()
        if self.count() == count:
            model.fetchMore()
