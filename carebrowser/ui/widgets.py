"""Small helpers every panel uses: accessible names, headings, table set-up."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Hashable, Iterator
from typing import TypeVar

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QTableView,
    QToolButton,
    QWidget,
)

from carebrowser.ui.models.choices import Choice, PagedChoiceListModel
from carebrowser.ui.reads import ReadStream
from carebrowser.ui.sizing import ElidedLabel

W = TypeVar("W", bound=QWidget)
#: Row heights a RowFitter keeps for rows shown again.
_HEIGHTS_KEPT = 4000


def named(widget: W, name: str, description: str, tooltip: bool = True) -> W:
    """Give *widget* the accessible name and description a screen reader announces."""
    widget.setAccessibleName(name)
    widget.setAccessibleDescription(description)
    if tooltip and not widget.toolTip():
        widget.setToolTip(description)
    return widget


def with_clear_button(edit: QLineEdit, name: str) -> QLineEdit:
    """Give *edit* its clear button, named: Qt leaves the button without a name, which a screen
    reader announces as a bare "push button"."""
    edit.setClearButtonEnabled(True)
    # The button, not its action: a text given to the action would show the button while the
    # box is empty.
    for button in edit.findChildren(QToolButton):
        button.setAccessibleName(name)
        button.setToolTip(name)
    return edit


def counted(count: int, noun: str) -> str:
    """'1 proposal', '3 proposals', '10,000 statements'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def heading(text: str, parent: QWidget | None = None, *, elide: bool = False) -> QLabel:
    """A bold heading that follows the system font size: wrapped, or with *elide* one line
    elided to its width (the whole text in its tooltip), for panels whose heading holds what
    the person typed."""
    label: QLabel = ElidedLabel(text, parent) if elide else QLabel(text, parent)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(not elide)
    return label


def own_viewport(view: QAbstractScrollArea) -> None:
    """Give *view* a viewport made here, before anything asks for the one Qt made.

    To wrap a widget that Qt made, PySide6 first creates the Python class, enums and all, of
    every QWidget subclass it knows, in case the widget is one of them: about 14 ms at the
    first ``viewport()`` of a process, which would come before the window's first paint.
    """
    view.setViewport(QWidget(view))


def setup_table(table: QTableView, *, wrap_rows: bool = False) -> QTableView:
    """Tables leave Tab to the window (no keyboard trap) and select whole rows or cells."""
    own_viewport(table)
    table.setTabKeyNavigation(False)
    table.setWordWrap(True)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    if wrap_rows:
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return table


#: How long RowFitter measures rows out of view before it lets the window answer again.
_REST_SLICE_S = 0.012


class RowFitter(QObject):
    """Keeps a word-wrapped table's rows as tall as their contents, measuring each row once.

    ``QHeaderView.ResizeToContents`` measures every row each time the view lays itself out:
    three times for a new page of statements, and every row read so far when more are read.
    Here a row is measured when it comes in, and again only when a column's width or the font
    changes: the rows in view at once, the others after the next paint, which they are not part
    of (so that a page of rows is painted once, with its heights).

    With *row_key* (what a row shows, as a hashable value), a height once measured is kept for
    those column widths: a row shown again (the same statement in another list, or the list
    shown again) is not measured again.
    """

    def __init__(
        self,
        table: QTableView,
        row_key: Callable[[int], Hashable] | None = None,
        *,
        cap: int | None = None,
    ) -> None:
        super().__init__(table)
        self._table = table
        self._row_key = row_key
        #: The tallest a row may be (its cells elide the rest), or None.
        self._cap = cap
        self._heights: dict[tuple[Hashable, tuple[int, ...]], int] = {}
        #: Rows before this one are measured for the widths in _widths.
        self._measured = 0
        self._widths: tuple[int, ...] = ()
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.timeout.connect(self._fit_rest)
        #: Column widths are checked once the header is done resizing them, or at the next
        #: paint if that comes first; a change made in a paint is laid out after it.
        self._recheck = QTimer(self)
        self._recheck.setSingleShot(True)
        self._recheck.timeout.connect(self._fit)
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.timeout.connect(self._resized)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        model = table.model()
        model.modelReset.connect(self._reset)
        model.layoutChanged.connect(self.refit)
        model.rowsInserted.connect(lambda _parent, first, _last: self._refit_from(first))
        model.rowsRemoved.connect(lambda _parent, first, _last: self._refit_from(first))
        model.dataChanged.connect(lambda top_left, *_rest: self._refit_from(top_left.row()))
        table.horizontalHeader().sectionResized.connect(self._columns_resized)
        table.installEventFilter(self)
        table.viewport().installEventFilter(self)

    @property
    def measured(self) -> int:
        """How many rows, from the first, are measured for the present column widths."""
        return self._measured if self._widths == self._column_widths() else 0

    def refit(self) -> None:
        """Measure every row again."""
        self._refit_from(0)

    def _reset(self) -> None:
        self.refit()
        if self._table.isVisible():
            # The view lays out a reset model on a timer, which tends to run after the first
            # paint and to paint it all again: lay it out now, with the heights just set.
            self._table.doItemsLayout()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self._table:
            if event.type() == QEvent.Type.Paint and self._column_widths() != self._widths:
                self._fit(painting=True)  # heights for the widths about to be painted
            return False
        if event.type() == QEvent.Type.Show:
            self._fit()  # what changed while it was hidden
        elif event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._heights.clear()
            self.refit()
        return False

    def _column_widths(self) -> tuple[int, ...]:
        header = self._table.horizontalHeader()
        return tuple(header.sectionSize(c) for c in range(header.count()))

    def _columns_resized(self, _column: int, _old: int, _new: int) -> None:
        # The header may tell of a stretched column before its width reads as changed.
        self._recheck.start(0)

    def _refit_from(self, row: int) -> None:
        self._measured = min(self._measured, max(row, 0))
        self._fit()

    def _fit(self, painting: bool = False) -> None:
        """Measure the rows in view now (a hidden table waits to be shown); the rest later."""
        table = self._table
        if not table.isVisible():
            return
        widths = self._column_widths()
        if widths != self._widths:
            self._widths, self._measured = widths, 0
        rows = table.model().rowCount()
        bottom = table.viewport().height()
        first = row = self._measured
        with self._quietly():
            while row < rows and table.rowViewportPosition(row) < bottom:
                self._fit_row(row)
                row += 1
        self._measured = row
        if row > first:
            if painting:
                self._relayout.start(0)
            else:
                self._resized()
        if row < rows:
            self._rest.start(0)

    def _fit_rest(self) -> None:
        table = self._table
        if not table.isVisible():
            return
        if self._column_widths() != self._widths:
            self._fit()
            return
        first = row = self._measured
        rows = table.model().rowCount()
        # A slice at a time, so that the window answers between them (a comparison's rows of
        # wrapped quotations took 200 ms at the largest size in one go).
        until = time.perf_counter() + _REST_SLICE_S
        with self._quietly():
            while row < rows and (row == first or time.perf_counter() < until):
                self._fit_row(row)
                row += 1
        self._measured = row
        if row < rows:
            self._rest.start(0)
        if self._measured > first:
            # Rows below the view change the scroll bar, not what is painted.
            self._resized(repaint=table.rowViewportPosition(first) < table.viewport().height())

    @contextlib.contextmanager
    def _quietly(self) -> Iterator[None]:
        # Told of each row's new height, the view repaints from that row down on a timer,
        # after the paint that already shows it: tell it once, in _resized().
        header = self._table.verticalHeader()
        blocked = header.blockSignals(True)
        try:
            yield
        finally:
            header.blockSignals(blocked)

    def _resized(self, repaint: bool = True) -> None:
        self._table.updateGeometries()  # the scroll bar's range
        if repaint:
            self._table.viewport().update()

    def _fit_row(self, row: int) -> None:
        if self._row_key is None:
            self._measure(row)
            return
        key = (self._row_key(row), self._widths)
        height = self._heights.get(key)
        if height is None:
            self._measure(row)
            if len(self._heights) >= _HEIGHTS_KEPT:
                self._heights.clear()
            self._heights[key] = self._table.rowHeight(row)
        else:
            self._table.setRowHeight(row, height)

    def _measure(self, row: int) -> None:
        table = self._table
        if self._cap is None:
            table.resizeRowToContents(row)
            return
        # The text's height, capped (resizeRowToContents would lay the row out uncapped).
        table.setRowHeight(row, min(table.sizeHintForRow(row), self._cap))


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
        #: Runs *find* off the GUI thread (see find_off_thread); None: on the calling thread.
        self._finding: ReadStream | None = None
        self._find_failed: Callable[[BaseException], None] = lambda _error: None
        self._typed = ""
        self._typing = QElapsedTimer()
        view = self.view()
        if isinstance(view, QListView):
            view.setUniformItemSizes(True)

    def find_off_thread(self, failed: Callable[[BaseException], None]) -> None:
        """Look for the first match of the letters typed off the GUI thread: the match of the
        letters typed last is made current when it arrives (*failed* hears of a failure)."""
        self._finding, self._find_failed = ReadStream(self), failed

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
        typing = (
            self._typing.isValid()
            and self._typing.elapsed() <= QApplication.keyboardInputInterval()
        )
        # A space opens the list, unless it is one of the words being typed ("Children's t").
        if not typed or self.isEditable() or (text == " " and not (typing and self._typed)):
            if self._finding is not None:
                self._finding.cancel()  # another key: the match of the letters typed is not wanted
            super().keyPressEvent(event)
            return
        model = self._paged()
        if model is not None:
            model.start()
        self._typed = self._typed + text if typing else text
        self._typing.start()
        if text == " ":
            self._search_rows_read(text)
        else:
            super().keyPressEvent(event)  # jumps among the rows read
        self._find_typed(model)

    def _search_rows_read(self, text: str) -> None:
        """Go on with the search among the rows read as QComboBox does with a letter (which it
        would not do with a space: that opens the list)."""
        view = self.view()
        view.setCurrentIndex(self.model().index(self.currentIndex(), self.modelColumn()))
        row = self.currentIndex()
        view.keyboardSearch(text)
        if view.currentIndex().row() != row:
            self.setCurrentIndex(view.currentIndex().row())
            self.activated.emit(self.currentIndex())

    def _find_typed(self, model: PagedChoiceListModel | None) -> None:
        # The same letter again steps through the rows starting with it ('aaa' is 'a').
        typed = self._typed[0] if len(set(self._typed)) == 1 else self._typed
        if self._finding is not None:
            self._finding.cancel()  # the letters typed before: their match is not wanted
        if model is None or self._find is None or model.read_to_end():
            return
        if self.currentText().casefold().startswith(typed.casefold()):
            return
        if self._finding is None:
            self._found_typed(model, self._find(typed))
            return
        find = self._find
        self._finding.read(
            lambda: find(typed), lambda choice: self._found_typed(model, choice), self._find_failed
        )

    def _found_typed(self, model: PagedChoiceListModel, choice: Choice | None) -> None:
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
