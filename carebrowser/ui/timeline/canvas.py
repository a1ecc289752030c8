"""The timeline drawn: time across, stakeholders (or proposals) down, a mark per stance.

Each stance is a chip with its glyph on its colour (never colour alone); a statement dated by
month, year or approximately is a band over its span under its chip. Marks of one row with the
same span and stance share a chip that counts them. The sources are a row of ticks with their
headlines. Zoomed out past what can be drawn, each row shows its stances counted per period.

Keyboard: Left and Right go from mark to mark in time order, Up and Down to the nearest mark
of the row above or below, Home and End to the first and last; Enter opens the statement in
its source; + and - zoom about the current mark, 0 shows the whole extent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QLineF, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPolygonF,
    QResizeEvent,
    QStaticText,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip, QWidget

from carebrowser.analysis.timeline import CHANGE_GLYPH, ChangeOfPosition, period_label
from carebrowser.analysis.timeline_picture import Cell, Picture
from carebrowser.data.vocabulary import STANCE_COLOURS, STANCE_GLYPHS, STANCES
from carebrowser.queries.timeline import StanceMark
from carebrowser.ui.timeline.scale import TimeScale, shifted, zoomed

_INK = QColor("#000000")
_EDGE = QColor("#333333")
#: The stances' colours, made once (a colour parsed from its name at every part painted adds up).
_STANCE_COLOURS = {stance: QColor(colour) for stance, colour in STANCE_COLOURS.items()}
_RULE = QColor("#9a9a9a")
#: Lines of source headlines, so that pieces of the same weeks do not overwrite each other.
_SOURCE_LANES = 3


@dataclass
class _Chip:
    """A drawn chip: where, in which row, and the marks (indexes into picture.marks) it holds."""

    rect: QRectF
    row: int
    marks: list[int]


class TimelineCanvas(QAbstractScrollArea):
    """Paints a Picture; reports the mark or cell chosen, zoom and pan, and a dragged range."""

    mark_chosen = Signal(object)  # StanceMark | None
    cell_chosen = Signal(object)  # Cell | None
    open_requested = Signal(object)  # StanceMark
    window_requested = Signal(object)  # Window
    range_dragged = Signal(object)  # Window

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = Picture()
        #: The changes of position flagged in each row, once found (_changes_of_rows).
        self._changes: dict[int, list[ChangeOfPosition]] | None = None
        #: The index of the current mark (or cell, zoomed out) in time order; -1 for none.
        self.current = -1
        self._chips: list[_Chip] = []
        self._cell_rects: list[tuple[QRectF, int]] = []
        #: The same by row: a paint draws the rows on screen only, not the 200 read.
        self._chips_of_row: dict[int, list[_Chip]] = {}
        self._cells_of_row: dict[int, list[tuple[QRectF, int]]] = {}
        self._drag: tuple[float, float] | None = None
        #: The size drawn at when the whole picture is drawn at once (paint_all).
        self._page: QSize | None = None
        self._font_metrics: QFontMetricsF | None = None
        #: The glyphs and counts of chips and cells, laid out once per font (drawText lays out
        #: its text at every call: a picture zoomed out has a thousand of them on screen).
        self._texts: dict[str, QStaticText] = {}
        #: The first row shown (the vertical scroll bar's value, kept to be read quickly).
        self._scrolled = 0
        self._line = 0.0
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(False)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Base)
        self.horizontalScrollBar().valueChanged.connect(self._panned)
        self.verticalScrollBar().valueChanged.connect(self._scrolled_to)

    # -- geometry ------------------------------------------------------------------------------

    def _width(self) -> int:
        return self._page.width() if self._page is not None else self.viewport().width()

    def _height(self) -> int:
        return self._page.height() if self._page is not None else self.viewport().height()

    def _metrics(self) -> QFontMetricsF:
        # Asked for at every mark painted: made once per font.
        if self._font_metrics is None:
            self._font_metrics = QFontMetricsF(self.font())
            self._line = self._font_metrics.height()
        return self._font_metrics

    @property
    def line(self) -> float:
        """The height of a line of text."""
        self._metrics()
        return self._line

    @property
    def row_height(self) -> float:
        """The height of a row."""
        return round(self.line * 2.0)

    @property
    def axis_height(self) -> float:
        """The height of the time axis at the top."""
        return round(self.line * 1.6)

    @property
    def sources_height(self) -> float:
        """The height of the row of source ticks under the axis."""
        return round(self.line * (1.1 * _SOURCE_LANES + 0.4))

    @property
    def top(self) -> float:
        """Where the first row starts."""
        return self.axis_height + self.sources_height

    @property
    def label_width(self) -> float:
        """The width of the row labels at the left."""
        wanted = self._metrics().averageCharWidth() * 34
        return min(wanted, self._width() * 0.35)

    def scale(self) -> TimeScale:
        """The time scale of the window over the drawing area."""
        left = self.label_width + 8
        width = max(self._width() - left - 8, 10)
        return TimeScale(self.picture.window[0], self.picture.window[1], left, width)

    def row_top(self, row: int) -> float:
        """Where row *row* starts, scrolled."""
        return self.top + (row - self._scrolled) * self.row_height

    def _visible_rows(self) -> int:
        return max(1, int((self._height() - self.top) // self.row_height))

    # -- what is drawn ------------------------------------------------------------------------

    def set_picture(self, picture: Picture, keep: tuple[int, int] | None = None) -> None:
        """Draw *picture*; keep the current mark (by statement and proposal) if it is there."""
        self.picture = picture
        self._changes = None
        self.current = -1
        if keep is not None and picture.marks is not None:
            for index, mark in enumerate(picture.marks):
                if (mark.statement_id, mark.proposal_id) == keep:
                    self.current = index
                    break
        self._update_scrollbars()
        self._layout()
        self.viewport().update()

    def _update_scrollbars(self) -> None:
        rows = len(self.picture.rows)
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, rows - self._visible_rows()))
        bar.setPageStep(self._visible_rows())
        first, last = self.picture.bounds
        shown = self.picture.window
        days, window_days = (last - first).days + 1, (shown[1] - shown[0]).days + 1
        across = self.horizontalScrollBar()
        across.blockSignals(True)
        across.setRange(0, max(0, days - window_days))
        across.setPageStep(window_days)
        across.setSingleStep(max(1, window_days // 10))
        across.setValue((shown[0] - first).days)
        across.blockSignals(False)

    def _row_index(self) -> dict[int, int]:
        return {row.id: index for index, row in enumerate(self.picture.rows)}

    def _layout(self) -> None:
        """Place the chips (marks) or cells (counts) of every row."""
        self._chips, self._cell_rects = [], []
        self._chips_of_row, self._cells_of_row = {}, {}
        scale, rows = self.scale(), self._row_index()
        metrics = self._metrics()
        line, row_height = self.line, self.row_height
        if self.picture.marks is None:
            for index, cell in enumerate(self.picture.cells):
                row = rows.get(cell.row_id)
                if row is None:
                    continue
                left, right = scale.x(cell.first), scale.x_end(cell.last)
                height = line + 2
                top = row * row_height + (row_height * 0.75 - height) / 2
                rect = QRectF(left + 1, top, max(right - left - 2, 3), height)
                self._cell_rects.append((rect, index))
                self._cells_of_row.setdefault(row, []).append((rect, index))
            return
        groups: dict[tuple[int, dt.date, dt.date, str], list[int]] = {}
        for index, mark in enumerate(self.picture.marks):
            row = rows.get(mark.row_id(self.picture.axis))
            if row is None:
                continue
            groups.setdefault((row, mark.date_from, mark.date_until, mark.stance), []).append(index)
        by_row: dict[int, list[tuple[float, str, list[int], dt.date, dt.date]]] = {}
        for (row, first, last, stance), indexes in groups.items():
            centre = (scale.x(first) + scale.x_end(last)) / 2
            by_row.setdefault(row, []).append((centre, stance, indexes, first, last))
        pad = metrics.averageCharWidth() * 0.6
        for row, placed in by_row.items():
            placed.sort(key=lambda p: (p[0], STANCES.index(p[1]) if p[1] in STANCES else 9))
            right_edge = -1e9
            chips: list[_Chip] = []
            for centre, stance, indexes, _first, _last in placed:
                text = _chip_text(stance, len(indexes))
                width = metrics.horizontalAdvance(text) + 2 * pad
                left = max(centre - width / 2, right_edge + 2)
                rect = QRectF(left, 0, width, self.line + 2)
                rect.moveTop(row * self.row_height + (self.row_height * 0.62 - rect.height()) / 2)
                right_edge = rect.right()
                chips.append(_Chip(rect, row, indexes))
            # Chips pushed past the window's end move back, so that none is cut off there.
            limit = scale.left + scale.width - 1
            for chip in reversed(chips):
                if chip.rect.right() <= limit:
                    break
                chip.rect.moveRight(limit)
                limit = chip.rect.left() - 2
            self._chips += chips
            self._chips_of_row[row] = chips

    def _shown(self, rect: QRectF) -> QRectF:
        """A laid-out rect (rows from 0) where it is drawn, scrolled."""
        return rect.translated(0, self.row_top(0))

    # -- painting -----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.paint(painter)
        painter.end()

    def paint(self, painter: QPainter) -> None:
        """Draw everything (also used for the PNG and SVG pictures)."""
        self._scrolled = self.verticalScrollBar().value()
        palette = self.palette()
        width, height = self._width(), self._height()
        painter.fillRect(QRectF(0, 0, width, height), palette.color(QPalette.ColorRole.Base))
        scale = self.scale()
        text = palette.color(QPalette.ColorRole.Text)
        painter.save()
        painter.setClipRect(QRectF(0, self.top, width, height - self.top))
        self._paint_rows(painter, scale, text)
        painter.restore()
        self._paint_axis(painter, scale, text)
        self._paint_sources(painter, scale, text)
        if self._drag is not None:
            left, right = sorted(self._drag)
            shade = QColor(palette.color(QPalette.ColorRole.Highlight))
            shade.setAlpha(70)
            painter.fillRect(QRectF(left, 0, max(right - left, 1), height), shade)

    def paint_all(self, painter: QPainter, size: QSize) -> None:
        """Draw every row at *size* (for the PNG and SVG pictures), the current mark included."""
        bar = self.verticalScrollBar()
        scrolled = bar.value()
        bar.blockSignals(True)
        bar.setValue(0)
        self._page = size
        try:
            self._layout()
            self.paint(painter)
        finally:
            self._page = None
            bar.setValue(scrolled)
            bar.blockSignals(False)
            self._layout()

    def _paint_axis(self, painter: QPainter, scale: TimeScale, text: QColor) -> None:
        painter.setPen(QPen(text))
        baseline = self.axis_height - 4
        painter.drawLine(QPointF(scale.left, baseline), QPointF(scale.left + scale.width, baseline))
        metrics = self._metrics()
        for tick in scale.ticks():
            x = scale.x(tick.date)
            painter.setPen(QPen(text if tick.major else _RULE))
            painter.drawLine(QPointF(x, baseline - 4), QPointF(x, baseline))
            label = QRectF(x + 2, 0, metrics.horizontalAdvance(tick.label) + 4, baseline - 2)
            if label.right() <= scale.left + scale.width + 4:
                painter.setPen(QPen(text))
                painter.drawText(label, Qt.AlignmentFlag.AlignVCenter, tick.label)
        painter.setPen(QPen(text))
        painter.drawText(
            QRectF(4, 0, self.label_width, baseline - 2),
            Qt.AlignmentFlag.AlignVCenter,
            "Drag here to filter dates",
        )

    def _paint_sources(self, painter: QPainter, scale: TimeScale, text: QColor) -> None:
        top, metrics = self.axis_height, self._metrics()
        painter.setPen(QPen(text))
        painter.drawText(
            QRectF(4, top, self.label_width, self.line), Qt.AlignmentFlag.AlignVCenter, "Sources"
        )
        lanes = [-1e9] * _SOURCE_LANES
        # The ticks are drawn together at the end, each once: hundreds of sources share a few
        # hundred pixels, and a line drawn on its own costs more than the whole batch.
        lines: dict[tuple[int, int, int, int], QLineF] = {}
        bottom = top + self.sources_height - 2
        painter.setPen(QPen(text, 1.5))
        for tick in self.picture.sources:
            left, right = scale.x(tick.date_from), scale.x_end(tick.date_until)
            if right < scale.left or left > scale.left + scale.width:
                continue
            free = [i for i, end in enumerate(lanes) if end <= left]
            lane = free[0] if free else min(range(len(lanes)), key=lambda i: lanes[i])
            y = top + 2 + lane * self.line * 1.1
            for line in (
                QLineF(left, y, left, bottom),
                QLineF(left, y + 2, right, y + 2) if right - left > 3 else None,
            ):
                if line is not None:
                    key = (round(line.x1()), round(line.y1()), round(line.x2()), round(line.y2()))
                    lines.setdefault(key, line)
            if not free:
                # Every lane's headline still runs here: the tick alone (its tooltip names
                # it), not a headline written over another.
                continue
            room = scale.left + scale.width - left
            label = metrics.elidedText(tick.title, Qt.TextElideMode.ElideRight, max(room - 6, 0))
            painter.drawText(QRectF(left + 4, y, room, self.line), Qt.AlignmentFlag.AlignTop, label)
            lanes[lane] = left + metrics.horizontalAdvance(label) + 8
        painter.drawLines(list(lines.values()))
        painter.setPen(QPen(_RULE))
        y = self.top - 1
        painter.drawLine(QPointF(0, y), QPointF(self._width(), y))

    def _paint_rows(self, painter: QPainter, scale: TimeScale, text: QColor) -> None:
        metrics = self._metrics()
        first = self.verticalScrollBar().value()
        last = min(len(self.picture.rows), first + self._visible_rows() + 1)
        painter.setPen(QPen(text))
        for index in range(first, last):
            row = self.picture.rows[index]
            top = self.row_top(index)
            flag = CHANGE_GLYPH + " " if self.picture.change_notes.get(row.id) else ""
            label = metrics.elidedText(
                flag + row.label, Qt.TextElideMode.ElideRight, self.label_width - 8
            )
            painter.setPen(QPen(text))
            painter.drawText(
                QRectF(4, top, self.label_width - 8, self.row_height * 0.62),
                Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            painter.setPen(QPen(_RULE))
            bottom = top + self.row_height - 0.5
            painter.drawLine(QPointF(0, bottom), QPointF(self._width(), bottom))
        painter.save()
        painter.setClipRect(QRectF(scale.left - 2, self.top, scale.width + 4, self._height()))
        if self.picture.marks is None:
            self._paint_cells(painter)
        else:
            self._paint_marks(painter, scale)
        self._paint_changes(painter, scale, text)
        painter.restore()

    def _rows_on_screen(self) -> range:
        """The rows the viewport shows (those a paint draws)."""
        first = self.verticalScrollBar().value()
        return range(first, min(len(self.picture.rows), first + self._visible_rows() + 1))

    def _paint_marks(self, painter: QPainter, scale: TimeScale) -> None:
        marks = self.picture.marks or []
        current = self._chip_of(self.current)
        shown = self._rows_on_screen()
        for chip in (c for row in shown for c in self._chips_of_row.get(row, ())):
            rect = self._shown(chip.rect)
            if rect.bottom() < self.top or rect.top() > self._height():
                continue
            mark = marks[chip.marks[0]]
            colour = QColor(STANCE_COLOURS.get(mark.stance, "#bbbbbb"))
            if mark.is_span:
                left, right = scale.x(mark.date_from), scale.x_end(mark.date_until)
                band = QRectF(left, rect.bottom() + 2, max(right - left, 2), self.line * 0.45)
                tint = QColor(colour)
                tint.setAlpha(110)
                painter.fillRect(band, tint)
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(colour, 1))
                painter.drawRect(band)
                if mark.is_open_ended:
                    _paint_open_end(painter, band, colour)
            painter.setPen(QPen(QColor("#333333"), 1))
            painter.setBrush(colour)
            painter.drawRoundedRect(rect, 3, 3)
            painter.setPen(QPen(_INK))
            self._draw_centred(painter, rect, _chip_text(mark.stance, len(chip.marks)))
            if chip is current:
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.setPen(QPen(_INK, 2.5))
                painter.drawRoundedRect(rect.adjusted(-3, -3, 3, 3), 4, 4)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_cells(self, painter: QPainter) -> None:
        metrics = self._metrics()
        glyph_widths = {s: metrics.horizontalAdvance(STANCE_GLYPHS[s]) + 2 for s in STANCES}
        shown = self._rows_on_screen()
        ink, edge = QPen(_INK), QPen(_EDGE, 1)
        scrolled = self.row_top(0)
        for rect_laid, index in (c for row in shown for c in self._cells_of_row.get(row, ())):
            rect = rect_laid.translated(0, scrolled)
            cell = self.picture.cells[index]
            left, top, height = rect.left(), rect.top(), rect.height()
            total = max(cell.total, 1)
            counts = dict(cell.counts)
            painter.setPen(ink)
            for stance in STANCES:
                count = counts.get(stance, 0)
                if not count:
                    continue
                width = rect.width() * count / total
                part = QRectF(left, top, width, height)
                painter.fillRect(part, _STANCE_COLOURS[stance])
                if width >= glyph_widths[stance]:
                    self._draw_centred(painter, part, STANCE_GLYPHS[stance])
                left += width
            painter.setPen(edge)
            painter.drawRect(rect)
            if index == self.current:
                painter.setPen(QPen(_INK, 2.5))
                painter.drawRect(rect.adjusted(-3, -3, 3, 3))

    def _draw_centred(self, painter: QPainter, rect: QRectF, text: str) -> None:
        """Draw *text* (a glyph, a count) centred in *rect*."""
        static = self._texts.get(text)
        if static is None:
            static = self._texts[text] = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(QTransform(), painter.font())
        size = static.size()
        centre = rect.center()
        painter.drawStaticText(
            QPointF(centre.x() - size.width() / 2, centre.y() - size.height() / 2), static
        )

    def _change_points(
        self, scale: TimeScale, shown: range | None = None
    ) -> list[tuple[QRectF, str]]:
        """Where each change of position is flagged: at the first date of each later stance
        (of the rows *shown*, else of every row)."""
        points = []
        metrics = self._metrics()
        side = metrics.horizontalAdvance(CHANGE_GLYPH) + 6
        changes = self._changes_of_rows()
        for row in changes if shown is None else (r for r in shown if r in changes):
            top = self.row_top(row) + self.row_height * 0.62
            for change in changes[row]:
                for step in change.steps[1:]:
                    x = scale.x(step.first)
                    points.append((QRectF(x - side / 2, top, side, self.line), change.describe()))
        return points

    def _changes_of_rows(self) -> dict[int, list[ChangeOfPosition]]:
        """The changes of position flagged in each row (by its index), found once a picture: a
        paint flags those of the rows on screen, not every row's (4,000 changes at L)."""
        if self._changes is None:
            rows, self._changes = self._row_index(), {}
            for key, change in self.picture.changes.items():
                row = rows.get(self.picture.row_of_change(key))
                if row is not None:
                    self._changes.setdefault(row, []).append(change)
        return self._changes

    def _paint_changes(self, painter: QPainter, scale: TimeScale, text: QColor) -> None:
        for rect, _words in self._change_points(scale, self._rows_on_screen()):
            painter.setPen(QPen(_INK, 1))
            painter.setBrush(QColor("#ffffff"))
            painter.drawRect(rect)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, CHANGE_GLYPH)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    # -- choosing marks -----------------------------------------------------------------------

    def _chip_of(self, mark: int) -> _Chip | None:
        for chip in self._chips:
            if mark in chip.marks:
                return chip
        return None

    def count(self) -> int:
        """How many marks (or cells, zoomed out) can be chosen."""
        marks = self.picture.marks
        return len(marks) if marks is not None else len(self.picture.cells)

    def current_mark(self) -> StanceMark | None:
        """The current mark, if marks are drawn and one is current."""
        marks = self.picture.marks
        if marks is None or not 0 <= self.current < len(marks):
            return None
        return marks[self.current]

    def current_cell(self) -> Cell | None:
        """The current cell, if counts are drawn and one is current."""
        if self.picture.marks is not None or not 0 <= self.current < len(self.picture.cells):
            return None
        return self.picture.cells[self.current]

    def choose(self, index: int) -> None:
        """Make mark (or cell) *index* current, scroll it into view, and report it."""
        if not 0 <= index < self.count():
            return
        self.current = index
        self._scroll_to_current()
        self.viewport().update()
        if self.picture.marks is not None:
            self.mark_chosen.emit(self.picture.marks[index])
        else:
            self.cell_chosen.emit(self.picture.cells[index])

    def _row_of(self, index: int) -> int:
        rows = self._row_index()
        if self.picture.marks is not None:
            return rows.get(self.picture.marks[index].row_id(self.picture.axis), 0)
        return rows.get(self.picture.cells[index].row_id, 0)

    def _scroll_to_current(self) -> None:
        row = self._row_of(self.current)
        bar = self.verticalScrollBar()
        if row < bar.value():
            bar.setValue(row)
        elif row >= bar.value() + self._visible_rows():
            bar.setValue(row - self._visible_rows() + 1)

    def _nearest_in_row(self, row: int) -> int | None:
        """The mark (or cell) of *row* nearest in time to the current one."""
        here = self._when(self.current)
        candidates = [i for i in range(self.count()) if self._row_of(i) == row]
        if not candidates:
            return None
        return min(candidates, key=lambda i: abs((self._when(i) - here).days))

    def _when(self, index: int) -> dt.date:
        if self.picture.marks is not None:
            return self.picture.marks[index].date_from
        return self.picture.cells[index].first

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, count = event.key(), self.count()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Left) and count:
            step = 1 if key == Qt.Key.Key_Right else -1
            self.choose(0 if self.current < 0 else min(max(self.current + step, 0), count - 1))
        elif key in (Qt.Key.Key_Home, Qt.Key.Key_End) and count:
            self.choose(0 if key == Qt.Key.Key_Home else count - 1)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and count:
            if self.current < 0:
                self.choose(0)
                return
            rows = len(self.picture.rows)
            step = 1 if key == Qt.Key.Key_Down else -1
            row = self._row_of(self.current) + step
            while 0 <= row < rows:
                found = self._nearest_in_row(row)
                if found is not None:
                    self.choose(found)
                    break
                row += step
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            mark = self.current_mark()
            if mark is not None:
                self.open_requested.emit(mark)
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(0.5)
        elif key == Qt.Key.Key_Minus:
            self.zoom(2.0)
        elif key == Qt.Key.Key_0:
            self.window_requested.emit(self.picture.bounds)
        else:
            super().keyPressEvent(event)

    def zoom(self, factor: float, centre: dt.date | None = None) -> None:
        """Ask for a window *factor* times as long, about *centre* (or the current mark)."""
        if centre is None:
            first, last = self.picture.window
            centre = self._when(self.current) if self.current >= 0 else first + (last - first) / 2
        self.window_requested.emit(zoomed(self.picture.window, factor, centre, self.picture.bounds))

    def _scrolled_to(self, row: int) -> None:
        self._scrolled = row
        self.viewport().update()

    def _panned(self, value: int) -> None:
        first, last = self.picture.window
        start = self.picture.bounds[0] + dt.timedelta(days=value)
        window = shifted(start, (last - first).days + 1, self.picture.bounds)
        if window != self.picture.window:
            self.window_requested.emit(window)

    # -- the mouse ----------------------------------------------------------------------------

    def _hit(self, point: QPointF) -> int | None:
        for chip in self._chips:
            if self._shown(chip.rect).adjusted(-2, -2, 2, 2).contains(point):
                marks = chip.marks
                # A second click on a shared chip goes on to its next mark.
                if self.current in marks:
                    return marks[(marks.index(self.current) + 1) % len(marks)]
                return marks[0]
        for rect, index in self._cell_rects:
            if self._shown(rect).adjusted(-2, -2, 2, 2).contains(point):
                return index
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        if point.y() < self.axis_height and point.x() >= self.scale().left:
            self._drag = (point.x(), point.x())
            return
        hit = self._hit(point)
        if hit is not None:
            self.choose(hit)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            self._drag = (self._drag[0], event.position().x())
            self.viewport().update()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            left, right = sorted((self._drag[0], event.position().x()))
            self._drag = None
            self.viewport().update()
            if right - left >= 4:
                scale = self.scale()
                self.range_dragged.emit((scale.date_at(left), scale.date_at(right)))
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        hit = self._hit(event.position())
        mark = self.current_mark()
        if hit is not None and mark is not None:
            self.open_requested.emit(mark)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            centre = self.scale().date_at(event.position().x())
            self.zoom(0.8 if event.angleDelta().y() > 0 else 1.25, centre)
            return
        super().wheelEvent(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            words = self.tooltip_at(QPointF(event.pos()))
            if words:
                QToolTip.showText(event.globalPos(), words, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def tooltip_at(self, point: QPointF) -> str:
        """What the pointer is over, in words."""
        scale = self.scale()
        for rect, words in self._change_points(scale):
            if rect.contains(point):
                return words
        for chip in self._chips:
            if self._shown(chip.rect).contains(point):
                marks = [self.picture.marks[i] for i in chip.marks] if self.picture.marks else []
                first = marks[0]
                head = f"{first.stance} \u2014 {first.date_label}"
                lines = [
                    f"{m.stakeholder} on {m.proposal}: \u201c{_short(m.text)}\u201d"
                    for m in marks[:6]
                ]
                more = [f"and {len(marks) - 6} more"] if len(marks) > 6 else []
                return "\n".join([head, *lines, *more])
        for rect, index in self._cell_rects:
            if self._shown(rect).contains(point):
                cell = self.picture.cells[index]
                counted = ", ".join(f"{n} {stance}" for stance, n in cell.counts)
                label = period_label(cell.first, cell.last, months=self.picture.months < 12)
                return f"{label}: {counted}"
        if point.x() < self.label_width and point.y() >= self.top:
            row = int((point.y() - self.top) // self.row_height) + self.verticalScrollBar().value()
            if 0 <= row < len(self.picture.rows):
                shown = self.picture.rows[row]
                notes = self.picture.change_notes.get(shown.id, [])
                return "\n".join([f"{shown.label} ({shown.detail}, {shown.count} stances)", *notes])
        if self.axis_height <= point.y() < self.top:
            for tick in self.picture.sources:
                x = scale.x(tick.date_from)
                if abs(point.x() - x) < 6 or scale.x(tick.date_from) <= point.x() <= scale.x_end(
                    tick.date_until
                ):
                    return f"{tick.title}\n{tick.publication}, {tick.date_label}"
        return ""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._font_metrics = None
            self._texts = {}
            self._update_scrollbars()
            self._layout()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_scrollbars()
        self._layout()


def _paint_open_end(painter: QPainter, band: QRectF, colour: QColor) -> None:
    """An arrowhead at the band's right end: the span runs on, its end not known."""
    tip, middle = band.right(), band.center().y()
    size = band.height()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    points = [
        QPointF(tip - size, middle - size),
        QPointF(tip, middle),
        QPointF(tip - size, middle + size),
    ]
    painter.drawPolygon(QPolygonF(points))


def _chip_text(stance: str, count: int) -> str:
    glyph = STANCE_GLYPHS.get(stance, "?")
    return glyph if count == 1 else f"{glyph} {count}"


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
