"""Delegates: text with search matches emphasised, and stance cells (word, glyph and colour)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPen,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from carebrowser.data.vocabulary import STANCE_COLOURS
from carebrowser.ui.models.roles import (
    EDITORIAL_ROLE,
    MATCH_SPANS_ROLE,
    NOTE_ROLE,
    STANCE_CELL_ROLE,
    STANCE_ROLE,
)

Index = QModelIndex | QPersistentModelIndex
EDITORIAL_LABEL = "Editorial"
#: Width of the bar that marks editorial opinion, in multiples of the font's x-height/4.
_BAR = 4
_CACHE_LIMIT = 4000
#: Laid-out cells kept for painting again (a few screens' worth).
_DOCUMENTS_KEPT = 200


def highlighted_html(text: str, spans: Sequence[tuple[int, int]], palette: QPalette) -> str:
    """*text* as HTML with each span bold, underlined and in the palette's highlight colours."""
    style = (
        f"font-weight:bold; text-decoration:underline; "
        f"background-color:{palette.color(QPalette.ColorRole.Highlight).name()}; "
        f"color:{palette.color(QPalette.ColorRole.HighlightedText).name()}"
    )
    parts, position = [], 0
    for start, end in sorted(spans):
        if start < position:
            continue
        parts.append(html.escape(text[position:start]))
        parts.append(f'<span style="{style}">{html.escape(text[start:end])}</span>')
        position = end
    parts.append(html.escape(text[position:]))
    return "".join(parts).replace("\n", "<br>")


class WrappedTextDelegate(QStyledItemDelegate):
    """Plain text cells, word-wrapped: each text is measured once for a width and font.

    Rows are measured cell by cell, and the same texts come back row after row (a speaker,
    a source, a kind): laying each out again costs more than the rest of the row's work.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sizes: dict[tuple[object, ...], QSize] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        font = index.data(Qt.ItemDataRole.FontRole)
        key = (
            index.data(Qt.ItemDataRole.DisplayRole),
            font.key() if isinstance(font, QFont) else None,
            option.font.key(),
            option.rect.width(),
            bool(option.features & QStyleOptionViewItem.ViewItemFeature.WrapText),
        )
        size = self._sizes.get(key)
        if size is None:
            if len(self._sizes) > _CACHE_LIMIT:
                self._sizes.clear()
            size = self._sizes[key] = super().sizeHint(option, index)
        return QSize(size)


class HighlightDelegate(QStyledItemDelegate):
    """Wrapped text, search matches emphasised; editorial opinion marked by a bar and a label."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._heights: dict[tuple[object, ...], int] = {}
        self._documents: dict[tuple[object, ...], QTextDocument] = {}
        self._context = QAbstractTextDocumentLayout.PaintContext()

    def _document(
        self,
        option: QStyleOptionViewItem,
        cell: tuple[str, tuple[tuple[int, int], ...], bool],
        width: int,
    ) -> QTextDocument:
        text, spans, editorial = cell
        # A cell is laid out for its height, then painted, often more than once: one document
        # serves them all while its text, marks, font, colours and width stay the same.
        width = max(width, 10)
        key = (text, spans, editorial, option.font.key(), option.palette.cacheKey(), width)
        document = self._documents.pop(key, None)
        if document is None:
            body = highlighted_html(text, spans, option.palette)
            if editorial:
                body = f"<b>{EDITORIAL_LABEL}:</b> {body}"
            document = QTextDocument()
            document.setDefaultFont(option.font)
            document.setDocumentMargin(2)
            document.setHtml(body)
            document.setTextWidth(width)
            if len(self._documents) >= _DOCUMENTS_KEPT:
                del self._documents[next(iter(self._documents))]  # the least recently used
        self._documents[key] = document
        return document

    @staticmethod
    def _cell(
        option: QStyleOptionViewItem, index: Index
    ) -> tuple[str, tuple[tuple[int, int], ...], bool]:
        """The text (from an initialised *option*), its search matches, and if editorial."""
        return (
            option.text or "",
            tuple(index.data(MATCH_SPANS_ROLE) or ()),
            bool(index.data(EDITORIAL_ROLE)),
        )

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        cell = self._cell(opt, index)
        editorial = cell[2]
        opt.text = ""
        if editorial:
            opt.backgroundBrush = opt.palette.alternateBase()
        widget = opt.widget
        style = widget.style() if widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        colour = opt.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        if editorial:
            bar = max(3, opt.fontMetrics.xHeight() * _BAR // 8)
            painter.fillRect(QRect(rect.left(), rect.top() + 2, bar, rect.height() - 4), colour)
            rect.adjust(bar * 2, 0, 0, 0)
        # The width sizeHint() measured the text for: the same document, laid out once, serves.
        margin = _text_margin()
        rect.adjust(margin // 2, 0, margin // 2 - margin, 0)
        document = self._document(opt, cell, rect.width())
        context = self._context  # drawn with at once, so one serves every cell
        context.palette.setColor(QPalette.ColorRole.Text, colour)
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(0, 0, rect.width(), rect.height())
        document.documentLayout().draw(painter, context)
        if document.size().height() > rect.height() + 1:
            self._mark_cut(painter, opt, rect.width(), rect.height(), colour)
        painter.restore()

    @staticmethod
    def _mark_cut(
        painter: QPainter, opt: QStyleOptionViewItem, width: int, height: int, colour: QColor
    ) -> None:
        """Say that a row too short for its text shows only its start (the tooltip has it all)."""
        metrics = opt.fontMetrics
        mark = " [\u2026] "
        box = QRect(0, 0, metrics.horizontalAdvance(mark), metrics.height())
        box.moveBottomRight(QRect(0, 0, width, height).bottomRight())
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        if selected:
            background = opt.palette.highlight()
        elif opt.backgroundBrush.style() != Qt.BrushStyle.NoBrush:
            background = opt.backgroundBrush
        else:
            background = opt.palette.base()
        painter.fillRect(box, background)
        painter.setPen(colour)
        painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter), mark)

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        width = (
            option.rect.width()
            if option.rect.width() > 0
            else 40 * opt.fontMetrics.averageCharWidth()
        )
        cell = self._cell(opt, index)
        editorial = cell[2]
        margin = _text_margin()
        width -= margin + (max(3, opt.fontMetrics.xHeight() * _BAR // 8) * 2 if editorial else 0)
        key = (cell, width, opt.font.key())
        height = self._heights.get(key)
        if height is None:
            if len(self._heights) > _CACHE_LIMIT:
                self._heights.clear()
            height = int(self._document(opt, cell, width).size().height()) + 2
            self._heights[key] = height
        return QSize(width + margin, height)


def _text_margin() -> int:
    """Room the style leaves on either side of an item's text, both sides together."""
    return 2 * (QApplication.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)


class StanceDelegate(QStyledItemDelegate):
    """A stance as a coloured chip with black text (word and glyph), a quotation under it if any.

    A model that answers STANCE_CELL_ROLE gives each cell in one answer; for any other, the
    delegate asks for the stance, the note and the style's roles one by one.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        cell = index.data(STANCE_CELL_ROLE)
        if isinstance(cell, tuple):
            opt = QStyleOptionViewItem(option)
            if not cell[0]:  # nothing to show: the item's background, selection and focus
                if isinstance(index, QModelIndex):
                    opt.index = index
                widget = opt.widget
                style = widget.style() if widget else QApplication.style()
                style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
                return
            stance, label, note, italic = cell
            if italic:
                font = QFont(opt.font)
                font.setItalic(True)
                opt.font, opt.fontMetrics = font, QFontMetrics(font)
            self._paint_stance(painter, opt, stance, label, note)
            return
        stance = index.data(STANCE_ROLE)
        if stance not in STANCE_COLOURS:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        self._paint_stance(painter, opt, stance, opt.text, str(index.data(NOTE_ROLE) or ""))

    @staticmethod
    def _paint_stance(
        painter: QPainter, opt: QStyleOptionViewItem, stance: str, label: str, note: str
    ) -> None:
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if note:
            opt.text = ""
            style = opt.widget.style() if opt.widget else QApplication.style()
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
            pad = opt.fontMetrics.height() // 4
            # In a column too narrow for it the stance is elided (the tooltip says it whole).
            label = opt.fontMetrics.elidedText(
                label, Qt.TextElideMode.ElideRight, max(0, opt.rect.width() - 6 * pad)
            )
            chip = QRect(opt.rect.left() + pad, opt.rect.top() + pad, 0, 0)
            chip.setSize(
                QSize(
                    opt.fontMetrics.horizontalAdvance(label) + 4 * pad,
                    opt.fontMetrics.height() + pad,
                )
            )
            painter.fillRect(chip, QColor(STANCE_COLOURS[stance]))
            painter.setPen(QColor("#000000"))
            upright = QFont(opt.font)
            upright.setItalic(False)
            painter.setFont(upright)
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, label)
            painter.setFont(opt.font)
            role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
            painter.setPen(opt.palette.color(role))
            body = opt.rect.adjusted(pad, chip.height() + 2 * pad, -pad, -pad)
            painter.drawText(body, int(Qt.TextFlag.TextWordWrap), note)
        else:
            painter.fillRect(opt.rect, QColor(STANCE_COLOURS[stance]))
            painter.setPen(QColor("#000000"))
            painter.drawText(opt.rect, Qt.AlignmentFlag.AlignCenter, label)
            if selected:
                width = max(3, opt.fontMetrics.height() // 5)
                pen = QPen(opt.palette.color(QPalette.ColorRole.Highlight), width)
                pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
                painter.setPen(pen)
                half = width // 2
                painter.drawRect(opt.rect.adjusted(half, half, -half - 1, -half - 1))
        if not note and opt.state & QStyle.StateFlag.State_HasFocus:
            # The style's focus frame would be lost on the stance colour: draw one in black.
            pen = QPen(QColor("#000000"), 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRect(opt.rect.adjusted(2, 2, -3, -3))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        cell = index.data(STANCE_CELL_ROLE)
        if isinstance(cell, tuple) and cell[0]:
            _stance, label, note, italic = cell
            if italic:
                font = QFont(option.font)
                font.setItalic(True)
                return self._stance_size(QFontMetrics(font), option, label, note)
            return self._stance_size(option.fontMetrics, option, label, note)
        stance = index.data(STANCE_ROLE)
        size = super().sizeHint(option, index)
        if stance not in STANCE_COLOURS:
            return size
        # Measured in the font it is painted in: a reported statement is in italics, wider
        # than the view's font, and took a line more than it was given.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        label = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        return self._stance_size(opt.fontMetrics, option, label, str(index.data(NOTE_ROLE) or ""))

    @staticmethod
    def _stance_size(
        metrics: QFontMetrics, option: QStyleOptionViewItem, label: str, note: str
    ) -> QSize:
        pad = metrics.height() // 4
        width = metrics.horizontalAdvance(label) + 6 * pad
        if not note:
            return QSize(width, metrics.height() + 3 * pad)
        # The width it is painted at; before its column has one, a guess.
        shown = option.rect.width()
        note_width = (shown if shown > 0 else 30 * metrics.averageCharWidth()) - 2 * pad
        bounds = metrics.boundingRect(
            QRect(0, 0, note_width, 100000), int(Qt.TextFlag.TextWordWrap), note
        )
        return QSize(
            max(width, bounds.width() + 2 * pad), metrics.height() + bounds.height() + 6 * pad
        )
