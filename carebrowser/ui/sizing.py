"""Sizes that follow the screen and the font: the first window, column widths, row heights."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QWidget

#: With no remembered geometry, the window takes this share of the screen's free area ...
SCREEN_SHARE = 0.8
#: ... but at least this much of it, when the screen has it (a share of a small screen, or of a
#: laptop at 200%, would leave too little room for the statements) ...
COMFORTABLE = QSize(1024, 700)
#: ... and at most this much: wider, a line of text is harder to read than it is useful.
LARGEST = QSize(1920, 1200)
#: Rows of wrapped text are at most this many lines tall; the rest is in the cell's tooltip.
ROW_LINES = 6


def first_launch_size(available: QSize) -> QSize:
    """The window's size at its first start on a screen whose free area is *available*."""

    def side(free: int, comfortable: int, largest: int) -> int:
        return min(free, largest, max(round(free * SCREEN_SHARE), comfortable))

    return QSize(
        side(available.width(), COMFORTABLE.width(), LARGEST.width()),
        side(available.height(), COMFORTABLE.height(), LARGEST.height()),
    )


def row_height_cap(widget: QWidget, lines: int = ROW_LINES) -> int:
    """The tallest a table row of wrapped text may be: *lines* lines of *widget*'s font."""
    return lines * widget.fontMetrics().lineSpacing() + 8


class ColumnFitter(QObject):
    """Gives a table's main text column the room: the other columns shrink first.

    Each other column is *chars* average characters wide while the main column keeps at least
    *share* of the table's width; below that they shrink together, down to *least* characters
    each (their text wraps or is elided; the full text is in the cell's tooltip). When even
    that leaves the main column too little, the *optional* columns are hidden, the last first.
    """

    def __init__(
        self,
        table: QTableView,
        main: int,
        chars: Sequence[tuple[int, int]],
        *,
        optional: Sequence[int] = (),
        share: float = 0.5,
        least: int = 9,
    ) -> None:
        super().__init__(table)
        self._table, self._main, self._chars = table, main, tuple(chars)
        self._optional = tuple(optional)
        self._share, self._least = share, least
        self._width = -1
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(main, QHeaderView.ResizeMode.Stretch)
        table.viewport().installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def fit(self) -> None:
        """Size the other columns for the table's present width (the main one stretches)."""
        width = self._table.viewport().width()
        if width == self._width:
            return
        self._width = width
        char = self._table.fontMetrics().averageCharWidth()
        room = max(int(width * (1 - self._share)), 0)
        shown = dict(self._chars)
        for column in reversed(self._optional):
            if len(shown) * self._least * char <= room:
                break
            shown.pop(column, None)
        wanted = sum(shown.values()) * char
        scale = min(1.0, room / wanted) if wanted else 1.0
        for column, chars in self._chars:
            self._table.setColumnHidden(column, column not in shown)
            if column in shown:
                size = max(int(chars * char * scale), self._least * char)
                self._table.setColumnWidth(column, size)


class ElidedLabel(QLabel):
    """A one-line label that elides its text to its width; the whole text is in its tooltip.

    A screen reader reads the whole text (the label's text is not changed, only painted short).
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(text)

    def setText(self, text: str) -> None:
        """Show *text* (one line: line breaks become spaces)."""
        super().setText(" ".join(text.split()))
        self._update_tip()

    def _update_tip(self) -> None:
        elided = self.fontMetrics().horizontalAdvance(self.text()) > self.contentsRect().width()
        self.setToolTip(self.text() if elided else "")

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        return QSize(
            metrics.horizontalAdvance("\u2026") * 8 + margins.left() + margins.right(),
            metrics.height() + margins.top() + margins.bottom(),
        )

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        return QSize(
            min(metrics.horizontalAdvance(self.text()), 60 * metrics.averageCharWidth())
            + margins.left()
            + margins.right(),
            metrics.height() + margins.top() + margins.bottom(),
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_tip()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        elide = Qt.TextElideMode.ElideRight
        shown = self.fontMetrics().elidedText(self.text(), elide, rect.width())
        self.style().drawItemText(
            painter,
            rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            self.palette(),
            self.isEnabled(),
            shown,
            self.foregroundRole(),
        )
