"""The main window: wiring only (panels, actions, signals between panels, settings)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from carebrowser.data.database import DatabaseInfo
from carebrowser.queries import Archive, Filters
from carebrowser.ui import settings as options
from carebrowser.ui.actions import VIEWS, build_actions
from carebrowser.ui.clipboard import table_mime_data
from carebrowser.ui.compare_panel import ComparePanel
from carebrowser.ui.export_dialog import ExportDialog, ExportFlow
from carebrowser.ui.export_subjects import ExportablePanel, subject_for
from carebrowser.ui.filter_bar import FilterBar
from carebrowser.ui.help_dialog import HelpDialog
from carebrowser.ui.matrix_panel import MatrixPanel
from carebrowser.ui.quote_panel import QuotePanel
from carebrowser.ui.reader_panel import ReaderPanel
from carebrowser.ui.settings import Settings
from carebrowser.ui.stakeholder_panel import StakeholderPanel

STAKEHOLDERS, MATRIX, COMPARE, READER = range(4)


class MainWindow(QMainWindow):
    """Four views (Ctrl+1..4) under one filter bar; the panels talk through this window."""

    def __init__(
        self, archive: Archive, info: DatabaseInfo, settings: Settings | None = None
    ) -> None:
        super().__init__()
        self.archive, self.info = archive, info
        self.settings = settings or Settings()
        self.setWindowTitle(f"carebrowser \u2014 {info.label}")
        self.filter_bar = FilterBar(archive, self)
        self.stakeholders = StakeholderPanel(archive, self)
        self.statements = QuotePanel(archive, "Statements", self)
        self.matrix = MatrixPanel(archive, self)
        self.evidence = QuotePanel(archive, "Evidence", self)
        self.compare = ComparePanel(archive, self)
        self.reader = ReaderPanel(archive, self)
        self.panels = (self.stakeholders, self.matrix, self.compare, self.reader)

        browse = self._splitter(
            "browse", Qt.Orientation.Horizontal, self.stakeholders, self.statements
        )
        browse.setStretchFactor(0, 2)
        browse.setStretchFactor(1, 3)
        metrics = self.fontMetrics()
        browse.setSizes([65 * metrics.averageCharWidth(), 100 * metrics.averageCharWidth()])
        table = self._splitter("matrix", Qt.Orientation.Vertical, self.matrix, self.evidence)
        table.setStretchFactor(0, 2)
        self.stack = QStackedWidget(self)
        for page in (browse, table, self.compare, self.reader):
            self.stack.addWidget(page)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = QLabel(self)
        self.statusBar().addWidget(self.status, 1)
        self.window_actions = build_actions(self)
        self.exports = ExportFlow(self, archive, self.settings)
        self._connect()
        self._restore()

    def _splitter(self, name: str, orientation: Qt.Orientation, *widgets: QWidget) -> QSplitter:
        splitter = QSplitter(orientation, self)
        splitter.setObjectName(name)
        splitter.setChildrenCollapsible(False)
        for widget in widgets:
            splitter.addWidget(widget)
        return splitter

    def _connect(self) -> None:
        actions = self.window_actions
        for number, action in enumerate(actions.views):
            action.triggered.connect(lambda _checked=False, n=number: self.set_view(n))
        actions.find.triggered.connect(self.filter_bar.focus_search)
        actions.clear_filters.triggered.connect(self.filter_bar.clear)
        actions.help.triggered.connect(self.show_help)
        actions.quit.triggered.connect(self.close)
        actions.next_statement.triggered.connect(lambda: self._step(1))
        actions.previous_statement.triggered.connect(lambda: self._step(-1))
        toggles = (
            (actions.hide_empty, self.matrix.hide_empty_box),
            (actions.transpose, self.matrix.transpose_box),
            (actions.disagreements_only, self.compare.disagreements_box),
        )
        for action, box in toggles:
            action.setChecked(box.isChecked())
            action.toggled.connect(box.setChecked)
            box.toggled.connect(action.setChecked)
        self.filter_bar.filters_changed.connect(self._filters_changed)
        self.stakeholders.selection_changed.connect(self._show_statements)
        self.stakeholders.compare_requested.connect(self.compare_stakeholders)
        self.matrix.compare_requested.connect(self.compare_stakeholders)
        self.matrix.position_selected.connect(
            lambda position: self.evidence.show_evidence(position, self.filter_bar.search.text())
        )
        for panel in (self.statements, self.evidence, self.compare):
            panel.open_statement.connect(self.open_statement)
        for emitter in (*self.panels, self.statements, self.evidence):
            emitter.status_changed.connect(self._update_status)
        self.stack.currentChanged.connect(self._update_status)
        actions.export.triggered.connect(lambda: self.export_selection())
        actions.copy.triggered.connect(lambda: self.copy_selection())
        views: tuple[tuple[QAbstractItemView, ExportablePanel], ...] = (
            (self.stakeholders.tree, self.stakeholders),
            (self.statements.table, self.statements),
            (self.matrix.table, self.matrix),
            (self.evidence.table, self.evidence),
            (self.compare.table, self.compare),
        )
        for view, exporter in views:
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            view.customContextMenuRequested.connect(
                lambda point, v=view, p=exporter: self._context_menu(v, p, point)
            )

    # -- what the panels say to each other ----------------------------------------------------

    def filters(self) -> Filters:
        """The filter bar's filters with the stakeholder selection."""
        return self.filter_bar.filters().but(stakeholders=self.stakeholders.selected_ids())

    def _filters_changed(self) -> None:
        filters = self.filter_bar.filters()
        self.stakeholders.set_categories(filters.categories)
        self.matrix.set_filters(filters)
        self.evidence.show_evidence(self.matrix.current_position(), filters.search)
        self.compare.set_proposals(filters.proposals)
        self.reader.set_search(filters.search)
        self._show_statements()

    def _show_statements(self) -> None:
        filters = self.filters()
        chosen = self.stakeholders.selected()
        if not chosen:
            heading = "All statements"
        elif len(chosen) <= 3:
            heading = "Statements of " + ", ".join(s.name for s in chosen)
        else:
            heading = f"Statements of {len(chosen)} stakeholders"
        if filters.search.strip():
            heading += f" matching \u201c{filters.search.strip()}\u201d"
        self.statements.show_statements(filters, heading)

    def compare_stakeholders(self, ids: Sequence[int]) -> None:
        """Compare these stakeholders (two to four) in the comparison view."""
        self.compare.set_stakeholders(list(ids))
        self.set_view(COMPARE)

    def open_statement(self, source_id: int, statement_id: int) -> None:
        """Open the reader at a statement."""
        self.set_view(READER, focus=False)
        self.reader.show_source(source_id, statement_id)
        self.reader.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def _step(self, step: int) -> None:
        self.set_view(READER, focus=False)
        self.reader.step(step)

    def set_view(self, view: int | str, *, focus: bool = True) -> None:
        """Show a view by number (0..3) or --view name; focus its main list or text."""
        number = view if isinstance(view, int) else [name for name, _t in VIEWS].index(view)
        self.stack.setCurrentIndex(number)
        self.window_actions.views[number].setChecked(True)
        if focus:
            if number == STAKEHOLDERS:
                self.stakeholders.focus_list()
            elif number == MATRIX:
                self.matrix.focus_table()
            elif number == COMPARE:
                self.compare.pickers[0].setFocus(Qt.FocusReason.ShortcutFocusReason)
            else:
                self.reader.text.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def current_view(self) -> int:
        """The number of the view shown (0..3)."""
        return self.stack.currentIndex()

    def select_stakeholders(self, ids: Sequence[int]) -> None:
        """Select stakeholders in the list (and compare them when two or more)."""
        self.stakeholders.select(ids)
        if len(ids) >= 2:
            self.compare.set_stakeholders(list(ids))
        first = self.archive.positions(Filters(stakeholders=frozenset(ids[:1]))) if ids else []
        if first:
            self.matrix.select_cell(first[0].stakeholder_id, first[0].proposal_id)

    # -- export and copy ----------------------------------------------------------------------

    def export_panel(self) -> ExportablePanel:
        """The panel Ctrl+E and Ctrl+C act on: the one with the focus in the view shown."""
        view = self.stack.currentIndex()
        candidates: tuple[ExportablePanel, ...] = (
            (self.stakeholders, self.statements),
            (self.matrix, self.evidence),
            (self.compare,),
            (self.reader,),
        )[view]
        focus = QApplication.focusWidget()
        for panel in candidates:
            if focus is not None and panel.isAncestorOf(focus):
                return panel
        # Elsewhere (the filter bar, say): the statements it filters, or the matrix.
        return candidates[-1] if view == STAKEHOLDERS else candidates[0]

    def export_selection(self, panel: ExportablePanel | None = None) -> ExportDialog | None:
        """Offer to export a panel's selection, or all it shows when nothing is selected."""
        chosen = panel or self.export_panel()
        return self.exports.open_dialog(subject_for(chosen, self.filter_bar.filters()))

    def copy_selection(self, panel: ExportablePanel | None = None) -> bool:
        """Copy a panel's selection as tab-separated text and an HTML table (text as text)."""
        focus = QApplication.focusWidget()
        if panel is None and _has_selected_text(focus):
            focus.copy()  # type: ignore[union-attr]
            return True
        chosen = panel or self.export_panel()
        subject = subject_for(chosen, self.filter_bar.filters())
        if not subject.selected:
            self.statusBar().showMessage(
                "Nothing is selected to copy: select rows or cells first "
                "(Ctrl+E exports everything shown).",
                10_000,
            )
            return False
        shape = subject.shapes[0]
        QGuiApplication.clipboard().setMimeData(table_mime_data(shape.table()))
        count = shape.count()
        self.statusBar().showMessage(
            f"Copied {count} {shape.noun}{'' if count == 1 else 's'} as a table.", 10_000
        )
        return True

    def _context_menu(self, view: QAbstractItemView, panel: ExportablePanel, at: QPoint) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.setAccessibleName("Actions on the selection")
        copy = menu.addAction("&Copy", lambda: self.copy_selection(panel))
        copy.setShortcut(self.window_actions.copy.shortcut())
        copy.setEnabled(panel.selection_count() > 0)
        export = menu.addAction("&Export\u2026", lambda: self.export_selection(panel))
        export.setShortcut(self.window_actions.export.shortcut())
        menu.popup(view.viewport().mapToGlobal(at))

    def show_help(self) -> None:
        """Keyboard help and the data's provenance."""
        dialog = HelpDialog(self.archive, self.info, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _update_status(self) -> None:
        view = self.stack.currentIndex()
        if view == STAKEHOLDERS:
            text = f"{self.statements.status_text()} \u00b7 {self.stakeholders.status_text()}"
        elif view == MATRIX:
            text = f"{self.matrix.status_text()} \u00b7 {self.evidence.status_text()}"
        else:
            text = self.panels[view].status_text()
        self.status.setText(text)

    # -- settings -----------------------------------------------------------------------------

    def _restore(self) -> None:
        s = self.settings
        geometry = s.geometry("window")
        if geometry is None or not self.restoreGeometry(geometry):
            metrics = self.fontMetrics()
            self.resize(150 * metrics.averageCharWidth(), 45 * metrics.height())
        state = s.geometry("window_state")
        if state is not None:
            self.restoreState(state)
        s.restore_splitters(self)
        self.matrix.hide_empty_box.setChecked(s.value(options.HIDE_EMPTY))
        self.matrix.transpose_box.setChecked(s.value(options.TRANSPOSE))
        self.compare.disagreements_box.setChecked(s.value(options.DISAGREEMENTS_ONLY))
        sort = s.value(options.QUOTE_SORT)
        if sort in ("date", "source", "stakeholder"):
            self.statements.set_sort(sort, s.value(options.QUOTE_DESCENDING))  # type: ignore[arg-type]
        self.filter_bar.set_filters(s.filters(self.archive))
        self.set_view(min(max(s.value(options.LAST_VIEW), 0), len(VIEWS) - 1), focus=False)

    def save_settings(self) -> None:
        """Remember geometry, splitters, the view, the filters and the view options."""
        s = self.settings
        s.save_geometry("window", self.saveGeometry())
        s.save_geometry("window_state", self.saveState())
        s.save_splitters(self)
        s.set_value(options.LAST_VIEW, self.current_view())
        s.set_value(options.HIDE_EMPTY, self.matrix.hide_empty_box.isChecked())
        s.set_value(options.TRANSPOSE, self.matrix.transpose_box.isChecked())
        s.set_value(options.DISAGREEMENTS_ONLY, self.compare.disagreements_box.isChecked())
        s.set_value(options.QUOTE_SORT, self.statements.model.sort_by)
        s.set_value(options.QUOTE_DESCENDING, self.statements.model.descending)
        s.save_filters(self.archive, self.filter_bar.filters())
        s.store.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.exports.shutdown()
        self.save_settings()
        super().closeEvent(event)


def _has_selected_text(widget: QWidget | None) -> bool:
    """Whether *widget* is a text box with selected text (which Copy copies as text)."""
    if isinstance(widget, QLineEdit):
        return widget.hasSelectedText()
    return isinstance(widget, QTextEdit) and widget.textCursor().hasSelection()
