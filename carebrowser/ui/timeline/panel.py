"""The timeline view: how positions moved, stakeholders (or proposals) down and time across.

What it shows is read for the window of time shown: the marks when there are few enough to
draw (MARK_LIMIT), else the stances counted per row and period in SQL.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageWriter, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from carebrowser.analysis import timeline_picture
from carebrowser.analysis.timeline_picture import Cell, Picture, read_rows, read_window
from carebrowser.queries import Archive, Filters
from carebrowser.queries.timeline import Axis, StanceMark, Timeline, Window
from carebrowser.ui.delegates import StanceDelegate
from carebrowser.ui.empty_note import EmptyNote, no_match_text
from carebrowser.ui.quote_panel import NOT_READ
from carebrowser.ui.timeline.canvas import TimelineCanvas
from carebrowser.ui.timeline.reading import Reads
from carebrowser.ui.timeline.table import TimelineTableModel
from carebrowser.ui.widgets import counted, heading, named, setup_table

if TYPE_CHECKING:
    from carebrowser.export import Table
    from carebrowser.ui.export_subjects import ExportSubject


class TimelinePanel(QWidget):
    """The timeline of the filtered statements' stances, as a picture and as a table."""

    mark_selected = Signal(object)  # StanceMark | None
    cell_selected = Signal(object, str)  # Filters of the statements counted, and a heading
    open_statement = Signal(int, int)  # source id, statement id
    date_range_chosen = Signal(object, object)  # first and last day
    status_changed = Signal()
    read_failed = Signal(object, str)  # the error, and what was being done

    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.timeline = Timeline(archive.engine)
        self.filters = Filters()
        self.picture = Picture()
        self._stale = True
        #: The reads of the timeline (carebrowser.ui.timeline.reading).
        self.reads = Reads(self)
        self.reads.signals.failed.connect(self._read_failed)

        self.heading = heading("Timeline", self)
        self.axis_box = named(
            QComboBox(self), "Rows of the timeline", "Lay out a row per stakeholder or proposal"
        )
        self.axis_box.addItem("stakeholder", "stakeholder")
        self.axis_box.addItem("proposal", "proposal")
        rows_label = QLabel("Rows, o&ne per:", self)
        rows_label.setBuddy(self.axis_box)
        self.zoom_in_button = named(
            QPushButton("Zoom &in", self), "Zoom in", "Show a shorter period (+ on the timeline)"
        )
        self.zoom_out_button = named(
            QPushButton("Zoom o&ut", self), "Zoom out", "Show a longer period (- on the timeline)"
        )
        self.whole_button = named(
            QPushButton("&Whole period", self),
            "Whole period",
            "Show every date the filtered statements span (0 on the timeline)",
        )
        self.filter_button = named(
            QPushButton("&Keep only this period", self),
            "Filter to the period shown",
            "Make the period shown the date filter of every view (or drag along the time axis)",
        )
        self.canvas = named(
            TimelineCanvas(self),
            "Timeline picture",
            "Each mark is a statement's stance, in glyph and colour: Left and Right go through "
            "them in time order, Up and Down between rows, Enter reads the statement in its "
            "source. 'As a table' lists the same marks.",
            tooltip=False,
        )
        self.model = TimelineTableModel(self)
        self.table = named(
            setup_table(QTableView(self)),
            "Timeline table",
            "The marks of the timeline in time order: date, stakeholder, proposal, stance, "
            "change of position, statement and source. Enter reads the statement in its source.",
            tooltip=False,
        )
        self.table.setModel(self.model)
        self.table.setItemDelegateForColumn(3, StanceDelegate(self.table))
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.picture_button = named(
            QPushButton("Save i&mage\u2026", self),
            "Save the picture",
            "Save the timeline as shown as a PNG image or an SVG drawing",
        )
        self.table_box = named(
            QCheckBox("As a &table", self),
            "Show the timeline as a table",
            "Show the same marks as a table, one row each in time order (for a screen reader)",
        )
        self.empty_notes = (
            EmptyNote(self.canvas, self._empty_text),
            EmptyNote(self.table, self._empty_text),
        )
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.canvas)
        self.pages.addWidget(self.table)

        controls = QHBoxLayout()
        controls.addWidget(self.heading, 1)
        controls.addWidget(rows_label)
        controls.addWidget(self.axis_box)
        for button in (
            self.zoom_in_button,
            self.zoom_out_button,
            self.whole_button,
            self.filter_button,
            self.picture_button,
            self.table_box,
        ):
            controls.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(self.pages, 1)
        # Tab goes along the controls as they are laid out, then into the picture (or table).
        chain = (self.filter_button, self.picture_button, self.table_box, self.canvas, self.table)
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        self.axis_box.currentIndexChanged.connect(lambda _i: self._reload())
        self.zoom_in_button.clicked.connect(lambda: self.canvas.zoom(0.5))
        self.zoom_out_button.clicked.connect(lambda: self.canvas.zoom(2.0))
        self.whole_button.clicked.connect(lambda: self.show_window(self.picture.bounds))
        self.filter_button.clicked.connect(
            lambda: self.date_range_chosen.emit(*self.picture.window)
        )
        self.picture_button.clicked.connect(self.save_picture_as)
        self.table_box.toggled.connect(self._show_table)
        self.canvas.window_requested.connect(self.show_window)
        self.canvas.mark_chosen.connect(self._mark_chosen)
        self.canvas.cell_chosen.connect(self._cell_chosen)
        self.canvas.open_requested.connect(self._open)
        self.canvas.range_dragged.connect(lambda window: self.date_range_chosen.emit(*window))
        self.table.selectionModel().currentRowChanged.connect(self._table_row_changed)
        self.table.activated.connect(lambda index: self._open_row(index.row()))

    # -- reading ------------------------------------------------------------------------------

    @property
    def axis(self) -> Axis:
        """Whether rows are stakeholders or proposals."""
        return "proposal" if self.axis_box.currentData() == "proposal" else "stakeholder"

    def set_axis(self, axis: Axis) -> None:
        """Lay out a row per stakeholder or per proposal."""
        self.axis_box.setCurrentIndex(1 if axis == "proposal" else 0)

    def set_filters(self, filters: Filters) -> None:
        """Follow the filters of the window (every one of them, dates included)."""
        self.filters = filters
        self._reload()

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure_loaded()
        super().showEvent(event)

    def ensure_loaded(self) -> None:
        """Read the timeline if the filters changed since it was last read."""
        if self._stale:
            self._load()

    def reload(self) -> None:
        """Read the timeline again (when the database is back after a failed read)."""
        self._stale = True
        self._reload()

    def _reload(self) -> None:
        if self.isVisible():
            self._load()
        else:
            self._stale = True

    def _load(self) -> None:
        """Read the rows, the extent and the changes of position, then the whole extent."""
        self._stale = False
        archive, timeline, filters, axis = self.archive, self.timeline, self.filters, self.axis
        fallback, limit = self.picture.bounds, timeline_picture.MARK_LIMIT

        def work() -> Picture:
            rows = read_rows(timeline, filters, axis, fallback=fallback)
            rows.change_notes = change_notes(archive, rows)  # read here, not on the GUI thread
            return read_window(timeline, filters, rows, rows.bounds, mark_limit=limit)

        self._read(work)

    def show_window(self, window: Window) -> None:
        """Show the period *window* (within the extent), reading what it holds."""
        self._show(self.picture, window)

    def _show(self, picture: Picture, window: Window) -> None:
        """Read the marks (or counts) and sources of *window*, and draw them."""
        timeline, filters, limit = self.timeline, self.filters, timeline_picture.MARK_LIMIT
        self._read(lambda: read_window(timeline, filters, picture, window, mark_limit=limit))

    def _read(self, work: Callable[[], Picture]) -> None:
        """Read a picture, then draw it."""
        self.reads.start(work, self._drawn)

    def _read_failed(self, number: int, error: BaseException) -> None:
        if not self.reads.is_current(number):
            return
        self.reads.busy = False
        self._stale = True
        self.heading.setText(f"{self.heading_text()} \u2014 {NOT_READ}")
        self.read_failed.emit(error, "reading the timeline")

    def _drawn(self, shown: Picture) -> None:
        """Draw a picture read; keep the mark that was current if it is still shown."""
        current = self.canvas.current_mark()
        keep = (current.statement_id, current.proposal_id) if current else None
        self.picture = shown
        self.canvas.set_picture(shown, keep)
        self.model.set_picture(shown)
        self._size_columns()
        self.heading.setText(self.heading_text())
        for note in self.empty_notes:
            note.refresh()
        if self.canvas.current >= 0:
            self._select_table_row(self.canvas.current)
        elif self.canvas.count():
            # Something is always chosen, so that its words are shown below the timeline.
            self.canvas.choose(0)
        else:
            self.mark_selected.emit(None)
        self.status_changed.emit()

    def _empty_text(self) -> str:
        """Why the timeline is empty, when the filters and search leave no stance."""
        return "" if self.picture.total_rows else no_match_text(self.filters, "stances")

    def _size_columns(self) -> None:
        metrics = self.fontMetrics()
        widths = (16, 24, 24, 18, 30, 60) if self.picture.marks is not None else (16, 30, 60)
        for column, chars in enumerate(widths):
            self.table.setColumnWidth(column, chars * metrics.averageCharWidth())

    # -- words --------------------------------------------------------------------------------

    def period_text(self) -> str:
        """The period the date filter keeps, in words."""
        return self.filters.period()

    def heading_text(self) -> str:
        """'Timeline: 144 stances of 23 stakeholders, all dates (2 changes of position)'."""
        picture = self.picture
        rows = counted(picture.total_rows, picture.axis)
        if picture.total_rows > len(picture.rows):
            rows = f"the {len(picture.rows):,} with most stances of {rows}"
        changes = len(picture.changes)
        flagged = f"; {counted(changes, 'change')} of position" if changes else ""
        return f"Timeline of {rows}, {self.period_text()}{flagged}"

    def status_text(self) -> str:
        """'Showing 144 stances from Jan 2001 to Dec 2002' or the counts when zoomed out."""
        picture = self.picture
        first, last = picture.window
        period = f"{first:%b %Y} to {last:%b %Y}"
        if picture.marks is not None:
            return f"Showing {counted(len(picture.marks), 'stance')} from {period}"
        return (
            f"Showing more than {timeline_picture.MARK_LIMIT:,} stances from {period}, counted per "
            f"{ {1: 'month', 3: 'quarter'}.get(picture.months, 'year') }: zoom in to see each"
        )

    # -- choosing -----------------------------------------------------------------------------

    def _mark_chosen(self, mark: StanceMark | None) -> None:
        if mark is not None:
            self._select_table_row(self.canvas.current)
        self.mark_selected.emit(mark)

    def _cell_chosen(self, cell: Cell | None) -> None:
        if cell is None:
            return
        self._select_table_row(self.canvas.current)
        name = next((r.label for r in self.picture.rows if r.id == cell.row_id), "")
        key = "stakeholders" if self.picture.axis == "stakeholder" else "proposals"
        first = max(cell.first, self.filters.date_from or cell.first)
        last = min(cell.last, self.filters.date_to or cell.last)
        filters = self.filters.but(**{key: frozenset({cell.row_id})}, date_from=first, date_to=last)
        self.cell_selected.emit(filters, f"Statements of {name}, {first:%b %Y} to {last:%b %Y}")

    def _select_table_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        if index.isValid() and self.table.currentIndex().row() != row:
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid() and current.row() != self.canvas.current:
            self.canvas.choose(current.row())

    def _open_row(self, row: int) -> None:
        marks = self.picture.marks
        if marks is not None and 0 <= row < len(marks):
            self._open(marks[row])

    def _open(self, mark: StanceMark) -> None:
        self.open_statement.emit(mark.source_id, mark.statement_id)

    def current_mark(self) -> StanceMark | None:
        """The mark chosen, if any."""
        return self.canvas.current_mark()

    def choose_first(self) -> None:
        """Make the first mark current (the view's keyboard entry point)."""
        if self.canvas.current < 0 and self.canvas.count():
            self.canvas.choose(0)

    def _show_table(self, shown: bool) -> None:
        had_focus = self.canvas.hasFocus() or self.table.hasFocus()
        self.pages.setCurrentWidget(self.table if shown else self.canvas)
        if had_focus:
            self.focus_table()

    def focus_table(self) -> None:
        """Put the keyboard focus on the picture, or on the table when it is shown instead."""
        self.choose_first()
        target = self.table if self.table_box.isChecked() else self.canvas
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- exports ------------------------------------------------------------------------------

    def selection_count(self) -> int:
        """How many marks are selected (the current one)."""
        return 1 if self.canvas.current_mark() is not None else 0

    def stance_count(self) -> int:
        """How many stances pass the timeline's filters (what Ctrl+E exports with no mark)."""
        return self.timeline.mark_count(self.filters, at_most=10**9)

    def export_subject(self, _filters: Filters) -> ExportSubject:
        """The mark chosen, or every stance of the timeline, one row each in time order."""
        from carebrowser.ui.export_subjects import timeline_subject

        return timeline_subject(self)

    def save_picture_as(self) -> Path | None:
        """Ask where, then write the picture as PNG or SVG; None when cancelled or failed."""
        from PySide6.QtWidgets import QFileDialog, QMessageBox

        suggested = str(Path.home() / f"carebrowser timeline {dt.date.today().isoformat()}.png")
        chosen, kind = QFileDialog.getSaveFileName(
            self,
            "Save the timeline as a picture",
            suggested,
            "PNG image (*.png);;SVG drawing (*.svg)",
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() not in (".png", ".svg"):
            path = path.with_suffix(".svg" if "svg" in kind.lower() else ".png")
        try:
            return self.save_picture(path)
        except OSError as error:
            QMessageBox.warning(
                self,
                "The picture was not saved",
                f"The picture could not be written to {path} ({error.strerror or error}). "
                "Choose another folder and save again.",
            )
            return None

    def export_table(self, selected_only: bool) -> Table:
        """The current mark, or every stance that passes the filters, as an export table."""
        from carebrowser.export import Table
        from carebrowser.export.timeline import TIMELINE_COLUMNS, mark_cells, timeline_table

        mark = self.canvas.current_mark()
        if selected_only and mark is not None:
            change = self.picture.changes.get((mark.stakeholder_id, mark.proposal_id))
            table = Table(TIMELINE_COLUMNS, [mark_cells(mark, change)], frozenset({"stance"}))
            table.source_ids.add(mark.source_id)
            return table
        return timeline_table(self.timeline, self.filters)

    def picture_size(self) -> QSize:
        """The size the picture is drawn at: the canvas's, tall enough for every row."""
        view = self.canvas.viewport()
        rows = len(self.picture.rows)
        height = int(self.canvas.top + rows * self.canvas.row_height + 8)
        return QSize(view.width(), max(height, view.height()))

    def save_picture(self, path: Path) -> Path:
        """Write the picture shown as PNG or SVG (by the file's suffix), with its heading."""
        from carebrowser.export.writers import atomic_path

        size = self.picture_size()
        title_height = int(self.canvas.line * 2)

        def draw(painter: QPainter) -> None:
            painter.fillRect(
                QRectF(0, 0, size.width(), size.height() + title_height), Qt.GlobalColor.white
            )
            font = painter.font()
            font.setBold(True)
            painter.setFont(font)
            painter.drawText(
                QRectF(6, 0, size.width() - 12, title_height),
                Qt.AlignmentFlag.AlignVCenter,
                self.heading_text(),
            )
            font.setBold(False)
            painter.setFont(font)
            painter.translate(0, title_height)
            self.canvas.paint_all(painter, size)

        def write(target: Path) -> None:
            if path.suffix.lower() == ".svg":
                from PySide6.QtSvg import QSvgGenerator

                generator = QSvgGenerator()
                generator.setFileName(str(target))
                generator.setSize(QSize(size.width(), size.height() + title_height))
                generator.setViewBox(QRectF(0, 0, size.width(), size.height() + title_height))
                generator.setTitle(self.heading_text())
                painter = QPainter(generator)
                draw(painter)
                painter.end()
            else:
                ratio = self.devicePixelRatioF()
                image = QImage(
                    int(size.width() * ratio),
                    int((size.height() + title_height) * ratio),
                    QImage.Format.Format_ARGB32,
                )
                image.setDevicePixelRatio(ratio)
                painter = QPainter(image)
                draw(painter)
                painter.end()
                writer = QImageWriter(str(target), b"png")
                if not writer.write(image):
                    raise OSError(f"could not write {target}: {writer.errorString()}")

        atomic_path(path, write)
        return path

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.canvas.set_picture(self.picture)


def change_notes(archive: Archive, picture: Picture) -> dict[int, list[str]]:
    """Each row's changes of position in words, naming the other axis (read with *archive*: on
    any thread)."""
    if not picture.changes:
        return {}
    others = {key[1] if picture.axis == "stakeholder" else key[0] for key in picture.changes}
    if picture.axis == "stakeholder":
        names = {p.id: p.title for p in archive.proposals_by_ids(others)}
    else:
        names = {s.id: s.name for s in archive.stakeholders_by_ids(others)}
    notes: dict[int, list[str]] = {}
    for key, change in sorted(picture.changes.items()):
        row = picture.row_of_change(key)
        other = key[1] if picture.axis == "stakeholder" else key[0]
        notes.setdefault(row, []).append(f"{names.get(other, '?')}: {change.describe()}")
    return notes
