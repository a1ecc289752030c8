"""The main window: wiring only (panels, actions, signals between panels, settings)."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from carebrowser import startup
from carebrowser.data.database import (
    QUERY_ERRORS,
    DatabaseInfo,
    is_connection_lost,
    is_query_failure,
    query_error_message,
)
from carebrowser.data.search_syntax import describe_search
from carebrowser.queries import Archive, Filters, PositionRow, StakeholderRow
from carebrowser.ui import errors, reads
from carebrowser.ui import settings as options
from carebrowser.ui.actions import build_actions
from carebrowser.ui.filter_bar import FilterBar
from carebrowser.ui.settings import LONGEST_SAVED_SEARCH, Settings, filters_to_plain
from carebrowser.ui.sizing import first_launch_size
from carebrowser.ui.views import (
    CLASSES_EVERY_MS,
    IMPORT_AFTER_MS,
    VIEWS,
    import_in_background,
    make_classes_ahead,
    wait_for_imports,
)

if TYPE_CHECKING:
    # Imported where used: the export dialog, clipboard and help are not needed to start, nor
    # the views other than the first until they are shown.
    from carebrowser.ui.compare_panel import ComparePanel
    from carebrowser.ui.export_dialog import ExportDialog, ExportFlow
    from carebrowser.ui.matrix_panel import MatrixPanel
    from carebrowser.ui.network import NetworkPanel
    from carebrowser.ui.quote_panel import QuotePanel
    from carebrowser.ui.reader_panel import ReaderPanel
    from carebrowser.ui.stakeholder_panel import StakeholderPanel
    from carebrowser.ui.views.base import ExportablePanel, View
    from carebrowser.ui.views.browse import BrowseView
    from carebrowser.ui.views.compare import CompareView
    from carebrowser.ui.views.matrix import MatrixView
    from carebrowser.ui.views.network import CoalitionMapView
    from carebrowser.ui.views.reader import ReaderView

#: The views' numbers, in the order of VIEWS (Ctrl+1..5).
STAKEHOLDERS, MATRIX, COMPARE, READER, NETWORK = range(5)
#: A place Back and Forward go to: a view, and in the reader (source id, statement id).
Place = tuple[int, tuple[int, int | None] | None]
#: The status bar while the database server cannot be reached (the dialog says which and why).
SERVER_LOST_STATUS = (
    "The database server cannot be reached: the window shows what it read before. "
    "When the server is running again, press Retry (F5)."
)


#: How many steps ahead (CLASSES_EVERY_MS apart) without a read or a key typed before a view's
#: widgets are made ahead (10-30 ms each): the person is reading, not at work.
QUIET_STEPS = 10


#: How long closing the window waits for the filters' keys being worked out, in seconds.
CLOSE_WAIT_S = 2.0


class _WorkedOut:
    """The filters' keys being worked out on a reading thread; done when they are."""

    def __init__(self, filters: Filters) -> None:
        self.filters = filters
        self.plain: dict[str, object] | None = None
        self.done = threading.Event()


class MainWindow(QMainWindow):
    """The views of VIEWS (Ctrl+1..) under one filter bar; the panels talk through this window."""

    def __init__(
        self,
        archive: Archive,
        info: DatabaseInfo,
        settings: Settings | None = None,
        reporter: errors.ErrorReporter | None = None,
    ) -> None:
        super().__init__()
        self.archive, self.info = archive, info
        self.settings = settings or Settings()
        #: Where failed reads are reported (the installed reporter unless given).
        self.reporter = reporter if reporter is not None else errors.reporter()
        #: The stakeholders last chosen, kept through a list that could not be read.
        self._chosen: frozenset[int] = frozenset()
        self._people: list[StakeholderRow] = []
        #: Why the database server cannot be reached, until a retry reads it again.
        self.server_lost: str | None = None
        #: The filters as the settings keep them (by the dataset's keys), worked out when they
        #: were applied, and the filters they stand for: closing the window reads nothing (the
        #: server may be gone, or the engine disposed, and a connection opened then stays open).
        self._saved_filters: tuple[Filters, dict[str, object]] | None = None
        #: The first matrix cell of stakeholders selected by select_stakeholders().
        self._first_cell = reads.ReadStream(self)
        #: The filters' keys, for the settings, worked out off the GUI thread (see
        #: _remember_filters), and those under way.
        self._remembering = reads.ReadStream(self)
        self._working_out: _WorkedOut | None = None
        # The desktop adds the application's name ("the bundled dataset — carebrowser").
        self.setWindowTitle(info.label)
        self.filter_bar = FilterBar(archive, self)
        # The first view is made now; the others when first shown, or first asked for.
        self._views: dict[int, View] = {STAKEHOLDERS: VIEWS[STAKEHOLDERS].build(self)}
        #: The other views' widgets, made ahead while the person reads the first screen, until
        #: each view is first shown (and only then put in the window, wired and read).
        self._made_ahead: dict[int, View] = {}
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._views[STAKEHOLDERS].page)
        #: Where each view after the first goes when it is made.
        self._holders: dict[int, QVBoxLayout] = {}
        for view in range(1, len(VIEWS)):
            holder = QWidget(self.stack)
            self._holders[view] = QVBoxLayout(holder)
            self._holders[view].setContentsMargins(0, 0, 0, 0)
            self.stack.addWidget(holder)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status = QLabel(self)
        # No accessible name: a label's name is its text, and the text is what a screen reader
        # reads out of the status bar ("12 of 166 statements loaded"), not the word "Status".
        self.status.setAccessibleDescription("The window's status")
        # Its text changes with every selection: a size that ignores the text spares the whole
        # window a new layout and repaint each time (about 10 ms).
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status_icon = QLabel(self)
        self.status_icon.setAccessibleName("Warning")
        self.status_icon.hide()
        self.retry_action = QAction("&Retry reading the database", self)
        self.retry_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.retry_action.setEnabled(False)
        self.addAction(self.retry_action)
        self.retry_button = QPushButton("Retry", self)
        self.retry_button.setAccessibleName("Retry")
        self.retry_button.setAccessibleDescription(
            "Read the database again, once its server is running (F5)"
        )
        self.retry_button.setToolTip("Read the database again, once its server is running (F5)")
        self.retry_button.hide()
        # Shown while a read has been under way for a moment (carebrowser.ui.reads): what the
        # views show stays until its rows arrive.
        self.reading_label = QLabel("Reading\u2026", self)
        self.reading_label.setAccessibleName("Reading the database")
        self.reading_label.hide()
        reads.activity().busy_changed.connect(self.reading_label.setVisible)
        self.statusBar().addWidget(self.status_icon)
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().addPermanentWidget(self.reading_label)
        self.statusBar().addPermanentWidget(self.retry_button)
        #: Where Back and Forward go: each place a view, and in the reader the source and
        #: statement read; _here is the place shown.
        self._places: list[Place] = []
        self._here = -1
        self._going = False
        #: Stakeholders to compare, remembered from the last start, until the view is made.
        self._to_compare: list[int] = []
        self.window_actions = build_actions(self)
        self._exports: ExportFlow | None = None
        self._connect()
        self._restore()
        QTimer.singleShot(IMPORT_AFTER_MS, self, import_in_background)
        # Then, a step at a time on this thread, Qt's classes that PySide makes when first used
        # (carebrowser.ui.views.make_classes_ahead), then the other views' widgets, one a turn:
        # a view first shown would otherwise make them all in one pause (the map's 40-65 ms).
        self._quiet = 0  # steps ahead since the last read or key typed
        self._ahead = QTimer(self)
        self._ahead.setInterval(CLASSES_EVERY_MS)
        self._ahead.timeout.connect(self._step_ahead)
        self._ahead.start()

    def _step_ahead(self) -> None:
        """One step of the work done ahead: some of Qt's classes, else one view's widgets, while
        the person is not at work (no read under way, nothing being typed)."""
        if not make_classes_ahead():
            return
        if reads.activity().reading() or self.filter_bar.typing():
            self._quiet = 0  # a read, or keys typed: later
            return
        self._quiet += 1
        if self._quiet < QUIET_STEPS:
            return  # the person may be at work between two reads
        self._quiet = 0
        for number in range(len(VIEWS)):
            if number not in self._views and number not in self._made_ahead:
                with startup.importing():  # kept from the collector as start-up's widgets are
                    self._made_ahead[number] = VIEWS[number].build(self)
                return
        self._ahead.stop()

    def made_ahead(self) -> bool:
        """Whether the work done ahead of the person (make_classes_ahead, every view's widgets)
        is done."""
        return not self._ahead.isActive()

    # -- the views, made when first needed ---------------------------------------------------

    def view(self, number: int) -> View:
        """A view by its number in VIEWS, made now if it is not made yet."""
        self._page(number)
        return self._views[number]

    @property
    def stakeholders(self) -> StakeholderPanel:
        """The first view's stakeholder list."""
        return cast("BrowseView", self._views[STAKEHOLDERS]).stakeholders

    @property
    def statements(self) -> QuotePanel:
        """The first view's statements: those of the stakeholders selected."""
        return cast("BrowseView", self._views[STAKEHOLDERS]).statements

    @property
    def matrix(self) -> MatrixPanel:
        """The matrix view's matrix."""
        return cast("MatrixView", self.view(MATRIX)).matrix

    @property
    def evidence(self) -> QuotePanel:
        """The matrix view's evidence: the statements of the position in the current cell."""
        return cast("MatrixView", self.view(MATRIX)).evidence

    @property
    def compare(self) -> ComparePanel:
        """The comparison view."""
        return cast("CompareView", self.view(COMPARE)).compare

    @property
    def reader(self) -> ReaderPanel:
        """The source reader view."""
        return cast("ReaderView", self.view(READER)).reader

    @property
    def network(self) -> NetworkPanel:
        """The coalition map."""
        return cast("CoalitionMapView", self.view(NETWORK)).network

    def built(self, view: int) -> bool:
        """Whether a view has been made (the first always is)."""
        return view in self._views

    def _page(self, number: int) -> None:
        """Make a view, if it is not made yet: its panels, their signals and their settings,
        and the filters the others follow. Nothing before it is first needed: most of a start's
        Python and Qt classes would otherwise be for views not shown."""
        if self.built(number):
            return
        filters = self.filter_bar.filters()
        made = self._made_ahead.pop(number, None)
        view = self._views[number] = VIEWS[number].build(self) if made is None else made
        self._wire(view)
        self.settings.restore_splitters(view.page)
        self._holders[number].addWidget(view.page)
        view.read(filters)  # a read that fails leaves the view made, and reported
        if number == COMPARE and self._to_compare:
            chosen, self._to_compare = self._to_compare, []
            self.compare.set_stakeholders(chosen)

    def _wire(self, view: View) -> None:
        """The status bar follows a view's panels; its lists offer Copy and Export."""
        for panel in view.panels:
            panel.status_changed.connect(self._update_status)
        for table, panel in view.menus:
            self._offer_menu(table, panel)

    def _connect(self) -> None:
        actions = self.window_actions
        for number, action in enumerate(actions.views):
            action.triggered.connect(lambda _checked=False, n=number: self.set_view(n))
        actions.find.triggered.connect(self.filter_bar.focus_search)
        actions.clear_filters.triggered.connect(self.filter_bar.clear)
        actions.help.triggered.connect(self.show_help)
        actions.quit.triggered.connect(self.close)
        actions.back.triggered.connect(lambda: self.go(-1))
        actions.forward.triggered.connect(lambda: self.go(1))
        actions.next_statement.triggered.connect(lambda: self._step(1))
        actions.previous_statement.triggered.connect(lambda: self._step(-1))
        self.filter_bar.filters_changed.connect(self._filters_changed)
        self.filter_bar.read_failed.connect(self.read_failed)
        self.stakeholders.selection_changed.connect(self._stakeholders_chosen)
        self.stakeholders.compare_requested.connect(self.compare_stakeholders)
        self.retry_action.triggered.connect(self.retry)
        self.retry_button.clicked.connect(self.retry_action.trigger)
        if self.reporter is not None:
            self.reporter.server_lost.connect(self.show_server_lost)
            self.reporter.retry_requested.connect(self.retry)
        self.statements.open_statement.connect(self.open_statement)
        self.statements.read_failed.connect(self.read_failed)
        self.stakeholders.read_failed.connect(self.read_failed)
        self._wire(self._views[STAKEHOLDERS])
        self.stack.currentChanged.connect(self._update_status)
        actions.export.triggered.connect(lambda: self.export_selection())
        actions.copy.triggered.connect(lambda: self.copy_selection())
        actions.copy_quotations.triggered.connect(lambda: self.copy_selection(quotations=True))

    def _offer_menu(self, view: QAbstractItemView, panel: ExportablePanel) -> None:
        """Copy and Export on a right click (or the menu key) in *view*."""
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.customContextMenuRequested.connect(
            lambda point, v=view, p=panel: self._context_menu(v, p, point)
        )

    # -- what the panels say to each other ----------------------------------------------------

    def filters(self) -> Filters:
        """The filter bar's filters with the stakeholder selection (and the people of the
        organisations selected, unless "With their people" is unticked)."""
        chosen = self.stakeholders.selected_ids()
        people = frozenset(p.id for p in self._people)
        return self.filter_bar.filters().but(stakeholders=chosen | people)

    def _filters_changed(self) -> None:
        self.statusBar().clearMessage()  # what an export or a copy said is not about these
        filters = self.filter_bar.filters()
        with self.reading("applying the filters"):
            for number in sorted(self._views):
                self._views[number].filters_changed(filters)
            self._show_statements()
            self._remember_filters(filters)

    def _remember_filters(self, filters: Filters) -> None:
        """Work out the filters as the settings keep them, while the database answers (off the
        GUI thread: filters chosen a moment before the window closes may be kept as before)."""
        if self._saved_filters is not None:
            before, plain = self._saved_filters
            if before.but(search="") == filters.but(search=""):
                # Typing a search changes only the words: no need to read the keys again
                # (10 ms at 1,000,000 statements).
                saved = filters.search if len(filters.search) <= LONGEST_SAVED_SEARCH else ""
                self._saved_filters = (filters, {**plain, "search": saved})
                self._remembering.cancel()  # other filters' keys, asked for before: not these
                self._working_out = None
                return
        archive, worked_out = self.archive, _WorkedOut(filters)

        def read() -> dict[str, object]:
            worked_out.plain = filters_to_plain(archive, filters)
            worked_out.done.set()
            return worked_out.plain

        def keep(plain: dict[str, object]) -> None:
            self._saved_filters, self._working_out = (filters, plain), None

        def failed(error: BaseException) -> None:  # reported by the views' own reads
            self._saved_filters = self._working_out = None

        self._working_out = worked_out
        self._remembering.read(read, keep, failed)

    def _filters_to_save(self) -> dict[str, object] | None:
        """The filters as the settings keep them: those worked out last; when the window closes
        while they are being worked out, waits a moment for them (the filters before, else)."""
        pending = self._working_out
        if pending is not None and pending.done.wait(CLOSE_WAIT_S) and pending.plain is not None:
            return pending.plain
        return self._saved_filters[1] if self._saved_filters is not None else None

    def _stakeholders_chosen(self) -> None:
        self.statusBar().clearMessage()
        self._chosen = self.stakeholders.selected_ids()
        self._show_statements("showing the statements of the stakeholders selected")

    def _show_statements(self, doing: str = "showing the statements") -> None:
        """Show the statements of the filters and those selected, with the people of the
        organisations selected: read with their first page, on the reading thread, so that
        the page waits for no turn of the GUI thread (which paints the selection meanwhile)."""
        from carebrowser.ui.quote_panel import Statements  # imported with the first view

        bar, chosen = self.filter_bar.filters(), self.stakeholders.selected()
        asked = self.stakeholders.people_reader()

        def work_out() -> Statements:  # on the reading thread
            people, error = asked.read()

            def shown() -> None:  # on the GUI thread, when they are (or could not be read)
                self._people = people
                self.stakeholders.keep_people(asked, people, error)

            ids = asked.ids | {p.id for p in people}
            filters = bar.but(stakeholders=ids)
            return Statements(filters, _statements_heading(chosen, people, filters), shown)

        self.statements.show_worked_out(work_out, doing)

    def compare_stakeholders(self, ids: Sequence[int]) -> None:
        """Compare these stakeholders (two to four) in the comparison view; one alone is added
        to the comparison shown (which it never replaces), and the status bar says so."""
        self.set_view(COMPARE)  # first: showing a view clears the status bar's message
        with self.reading("comparing stakeholders"):
            if len(ids) == 1:
                # Said when done: the stakeholder may be read off the GUI thread first.
                self.compare.add_stakeholder(ids[0], self._say_added)
            else:
                self.compare.set_stakeholders(list(ids))

    def _say_added(self, sentence: str) -> None:
        self.statusBar().showMessage(sentence, 15_000)

    def open_statement(self, source_id: int, statement_id: int) -> None:
        """Open the reader at a statement (Back returns to where it was opened from)."""
        going, self._going = self._going, True
        try:
            self.set_view(READER, focus=False)
            with self.reading("opening a statement in its source"):
                self.reader.show_source(source_id, statement_id)
        finally:
            self._going = going
        self._remember_place()
        self.reader.text.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- back and forward -----------------------------------------------------------------------

    def _place(self) -> Place:
        number = self.current_view()
        if number == READER and self.built(READER):
            place = self.reader.place()  # the source chosen, while its text is being read too
            if place is not None:
                return number, place
        return number, None

    def _remember_place(self) -> None:
        """Add the place shown to the history (a new place drops those Forward went to)."""
        if self._going:
            return
        place = self._place()
        if 0 <= self._here < len(self._places) and self._places[self._here] == place:
            return
        del self._places[self._here + 1 :]
        self._places.append(place)
        self._here = len(self._places) - 1
        self._update_moves()

    def _update_moves(self) -> None:
        self.window_actions.back.setEnabled(self._here > 0)
        self.window_actions.forward.setEnabled(self._here < len(self._places) - 1)

    def go(self, step: int) -> None:
        """Go back (-1) or forward (1) to a view, or a statement in the reader, shown before."""
        target = self._here + step
        if not 0 <= target < len(self._places):
            return
        self._here = target
        number, reading = self._places[target]
        self._going = True
        try:
            if reading is None:
                self.set_view(number)
            else:
                self.set_view(READER, focus=False)
                with self.reading("going back to a statement"):
                    self.reader.show_source(*reading)
                self.reader.text.setFocus(Qt.FocusReason.OtherFocusReason)
        finally:
            self._going = False
        self._update_moves()

    def _step(self, step: int) -> None:
        self.set_view(READER, focus=False)
        with self.reading("going to another statement"):
            self.reader.step(step)

    def set_view(self, view: int | str, *, focus: bool = True) -> None:
        """Show a view by number (0..3) or --view name; focus its main list or text."""
        number = view if isinstance(view, int) else [v.name for v in VIEWS].index(view)
        with self.reading("showing another view"):  # a view reads when first shown
            self._page(number)
            self.stack.setCurrentIndex(number)
        self.window_actions.views[number].setChecked(True)
        self.statusBar().clearMessage()  # said about the view left
        if focus and number in self._views:
            self._views[number].focus()
        self._remember_place()

    def current_view(self) -> int:
        """The number of the view shown (0..3)."""
        return self.stack.currentIndex()

    def select_stakeholders(self, ids: Sequence[int]) -> None:
        """Select stakeholders in the list (and compare them when two or more)."""
        self.stakeholders.select(ids)
        if len(ids) >= 2:
            self.compare.set_stakeholders(list(ids))
        if not ids:
            return
        # The matrix's cell of the first one's first position, read off the GUI thread (as the
        # matrix is, when it is out of date).
        positions, first = self.archive.positions, Filters(stakeholders=frozenset(ids[:1]))
        self._first_cell.read(
            lambda: positions(first),
            self._select_first_cell,
            lambda error: self.read_failed(error, "finding the positions of those selected"),
        )
        self.network.pick_when_drawn(ids[:2])

    def _select_first_cell(self, found: list[PositionRow]) -> None:
        if found:
            self.matrix.select_cell(found[0].stakeholder_id, found[0].proposal_id)

    # -- a database that cannot be read, and reading it again -------------------------------

    @contextlib.contextmanager
    def reading(self, doing: str) -> Iterator[None]:
        """Run something that reads the database: a failed read is reported, never raised."""
        try:
            yield
        except QUERY_ERRORS as error:
            if not is_query_failure(error):
                raise
            self.read_failed(error, doing)

    def read_failed(self, error: BaseException, doing: str) -> None:
        """Report a failed read; a server that cannot be reached is said in the status bar too."""
        if is_connection_lost(error):
            self.show_server_lost(query_error_message(error, self.info))
        if self.reporter is not None:
            self.reporter.report(error, doing)
        else:
            errors.report_error(error, doing)

    def show_server_lost(self, message: str) -> None:
        """Say in the status bar that the database server cannot be reached, and offer Retry."""
        self.server_lost = message
        self.status.setToolTip(message)
        if self.status_icon.pixmap().isNull():
            icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
            self.status_icon.setPixmap(icon.pixmap(16, 16))
        self.status_icon.show()
        self.retry_button.show()
        self.retry_action.setEnabled(True)
        self._update_status()
        if self.stakeholders.selected_ids() != self._chosen:
            # A list that could not be read dropped the selection: select them again, in what
            # the list still shows (its further pages are not read until a retry).
            self.stakeholders.select(self._chosen, emit=False, read=False)

    def retry(self) -> None:
        """Read again what the window shows, with the same filters and selection."""
        self.server_lost = None
        self.status.setToolTip("")
        self.status_icon.hide()
        self.retry_button.hide()
        self.retry_action.setEnabled(False)
        filters = self.filter_bar.filters()
        chosen = self._chosen

        def listed() -> None:  # the list read again, and those chosen selected in it
            self._chosen = self.stakeholders.selected_ids()
            self._show_statements("reading the database again")

        # The list is read off the GUI thread; the statements when it has come (with the
        # stakeholders chosen selected again in it); the other views read off it too.
        self.stakeholders.read_again(filters.categories, chosen, listed)
        with self.reading("reading the database again"):
            for number in sorted(self._views):
                self._views[number].reload(filters)
        self._update_status()

    # -- export and copy ----------------------------------------------------------------------

    @property
    def exports(self) -> ExportFlow:
        """The window's exports: dialog, worker, progress (made at the first export)."""
        if self._exports is None:
            wait_for_imports()  # the export dialog's modules are imported ahead
            from carebrowser.ui.export_dialog import ExportFlow

            self._exports = ExportFlow(self, self.archive, self.settings)
        return self._exports

    def export_panel(self) -> ExportablePanel:
        """The panel Ctrl+E and Ctrl+C act on: the one with the focus in the view shown."""
        # The view shown is made: asking for it makes no other.
        return self.view(self.stack.currentIndex()).export_panel(QApplication.focusWidget())

    def export_selection(self, panel: ExportablePanel | None = None) -> ExportDialog | None:
        """Offer to export a panel's selection, or all it shows when nothing is selected."""
        chosen = panel or self.export_panel()
        return self.exports.open_dialog(chosen.export_subject(self.filter_bar.filters()))

    def copy_selection(
        self, panel: ExportablePanel | None = None, *, quotations: bool = False
    ) -> bool:
        """Copy a panel's selection as tab-separated text and an HTML table (text as text): the
        columns it shows; with *quotations*, positions with their quotations and sources."""
        from carebrowser.ui.clipboard import table_mime_data, table_rows

        focus = QApplication.focusWidget()
        if panel is None and not quotations and _has_selected_text(focus):
            focus.copy()  # type: ignore[union-attr]
            return True
        chosen = panel or self.export_panel()
        subject = chosen.export_subject(self.filter_bar.filters())
        if not subject.selected:
            self.statusBar().showMessage(
                "Nothing is selected to copy: select rows or cells first "
                "(Ctrl+E exports everything shown).",
                10_000,
            )
            return False
        shape = subject.shapes[0]
        if quotations and subject.quotations is None:
            self.statusBar().showMessage(
                "Only positions are copied with their quotations: select cells of the matrix.",
                10_000,
            )
            return False
        if quotations and subject.quotations is not None:
            copied, count, noun = subject.quotations.table(), subject.quotations.count(), "row"
        elif subject.clipboard is not None:
            copied = subject.clipboard()
            count, noun = len(table_rows(copied)), "row"
        else:
            copied, count, noun = shape.table(), shape.count(), shape.noun
        QGuiApplication.clipboard().setMimeData(table_mime_data(copied))
        self.statusBar().showMessage(
            f"Copied {count} {noun}{'' if count == 1 else 's'} as a table.", 10_000
        )
        return True

    def _context_menu(self, view: QAbstractItemView, panel: ExportablePanel, at: QPoint) -> None:
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.setAccessibleName("Actions on the selection")
        copy = menu.addAction("&Copy", lambda: self.copy_selection(panel))
        copy.setShortcut(self.window_actions.copy.shortcut())
        copy.setEnabled(panel.selection_count() > 0)
        if panel.selection_count() > 0:
            subject = panel.export_subject(self.filter_bar.filters())
            if subject.quotations is not None:
                with_quotes = menu.addAction(
                    "Copy with the &quotations",
                    lambda: self.copy_selection(panel, quotations=True),
                )
                with_quotes.setShortcut(self.window_actions.copy_quotations.shortcut())
        export = menu.addAction("&Export\u2026", lambda: self.export_selection(panel))
        export.setShortcut(self.window_actions.export.shortcut())
        menu.popup(view.viewport().mapToGlobal(at))

    def show_help(self) -> None:
        """Keyboard help and the data's provenance."""
        from carebrowser.ui.help_dialog import HelpDialog

        dialog = HelpDialog(self.archive, self.info, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _update_status(self) -> None:
        if self.server_lost is not None:
            text = SERVER_LOST_STATUS
        else:
            text = self.view(self.stack.currentIndex()).status_text()
        self.status.setText(text)

    # -- settings -----------------------------------------------------------------------------

    def _restore(self) -> None:
        s = self.settings
        geometry = s.geometry("window")
        if geometry is None or not self.restoreGeometry(geometry):
            self.place_first()
        state = s.geometry("window_state")
        if state is not None:
            self.restoreState(state)
        s.restore_splitters(self)
        actions = self.window_actions
        actions.hide_empty.setChecked(s.value(options.HIDE_EMPTY))
        actions.transpose.setChecked(s.value(options.TRANSPOSE))
        actions.disagreements_only.setChecked(s.value(options.DISAGREEMENTS_ONLY))
        sort = s.value(options.QUOTE_SORT)
        if sort in ("date", "source", "stakeholder"):
            self.statements.set_sort(sort, s.value(options.QUOTE_DESCENDING))  # type: ignore[arg-type]
        self.filter_bar.set_filters(s.filters(self.archive))
        self._restore_choices()
        self.set_view(min(max(s.value(options.LAST_VIEW), 0), len(VIEWS) - 1), focus=False)

    def _restore_choices(self) -> None:
        """Select the stakeholders selected last time, and compare those compared (by the
        dataset's keys, which survive a rebuild; those gone are left out)."""
        selected = self.settings.keys(options.SELECTED)
        compared = self.settings.keys(options.COMPARED)
        if not selected and not compared:
            return
        with self.reading("selecting the stakeholders selected last time"):
            ids = {s.key: s.id for s in self.archive.stakeholders_by_keys(selected + compared)}
            if selected:
                self.stakeholders.select([ids[k] for k in selected if k in ids])
            self._to_compare = [ids[k] for k in compared if k in ids]

    def place_first(self) -> None:
        """The size and place of a first start: a share of the screen's free area, centred."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        free = screen.availableGeometry()
        size = first_launch_size(free.size())
        self.resize(size)
        self.move(free.center() - self.rect().center())

    def save_settings(self) -> None:
        """Remember geometry, splitters, the view, the filters and the view options."""
        s = self.settings
        s.save_geometry("window", self.saveGeometry())
        s.save_geometry("window_state", self.saveState())
        # Not the splitters of views made ahead and never shown: they have no sizes of their own.
        s.save_splitters(self, leave=[view.page for view in self._made_ahead.values()])
        s.set_value(options.LAST_VIEW, self.current_view())
        actions = self.window_actions  # in step with the views' boxes, made or not
        s.set_value(options.HIDE_EMPTY, actions.hide_empty.isChecked())
        s.set_value(options.TRANSPOSE, actions.transpose.isChecked())
        s.set_value(options.DISAGREEMENTS_ONLY, actions.disagreements_only.isChecked())
        s.set_keys(options.SELECTED, [row.key for row in self.stakeholders.selected()])
        if self.built(COMPARE):
            s.set_keys(options.COMPARED, self.compare.kept_keys())
        sort_by, descending = self.statements.sort_order()  # its rows may be on their way
        s.set_value(options.QUOTE_SORT, sort_by)
        s.set_value(options.QUOTE_DESCENDING, descending)
        saved = self._filters_to_save()
        if saved is not None:
            s.set_value(options.FILTERS, json.dumps(saved))
        s.store.sync()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Outside dialogs a push button ignores Enter (only Space presses it): a focused
        # button's Enter comes here, and presses it.
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        focus = QApplication.focusWidget()
        plain = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        button = focus if isinstance(focus, QPushButton | QToolButton) else None
        if (
            enter
            and plain
            and button is not None
            and button.isEnabled()
            and self.isAncestorOf(button)
        ):
            button.click()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # A short window (a small screen, 200%, large fonts) keeps its room for the views.
        self.filter_bar.fit_height(event.size().height())

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._exports is not None:
            self._exports.shutdown()
        self.save_settings()
        super().closeEvent(event)


def _statements_heading(
    chosen: Sequence[StakeholderRow], people: Sequence[StakeholderRow], filters: Filters
) -> str:
    """The statements' heading: whose they are (with their people), the search, the period."""
    if not chosen:
        heading = "All statements"
    elif len(chosen) <= 3:
        heading = "Statements of " + ", ".join(s.name for s in chosen)
    else:
        heading = f"Statements of {len(chosen)} stakeholders"
    if chosen and people:
        names = ", ".join(p.name for p in people[:3])
        more = len(people) - 3
        heading += f", with their people ({names}{f' and {more} more' if more > 0 else ''})"
    if filters.search.strip():
        heading += f" matching {describe_search(filters.search)}"
    if filters.dated:
        heading += f", {filters.period()}"
    return heading


def _has_selected_text(widget: QWidget | None) -> bool:
    """Whether *widget* is a text box with selected text (which Copy copies as text)."""
    if isinstance(widget, QLineEdit):
        return widget.hasSelectedText()
    return isinstance(widget, QTextEdit) and widget.textCursor().hasSelection()
