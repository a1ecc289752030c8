"""The stakeholder list: categories with counts, a type-to-filter box, several selectable."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFocusEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from carebrowser.queries import Archive, Filters, StakeholderRow
from carebrowser.ui.models.roles import ROW_ROLE
from carebrowser.ui.models.stakeholders import (
    Counts,
    Filter,
    FirstScreen,
    MorePage,
    StakeholderTreeModel,
    UpTo,
)
from carebrowser.ui.reads import ReadStream
from carebrowser.ui.sizing import ElidedLabel
from carebrowser.ui.widgets import heading, named, own_viewport, with_clear_button

if TYPE_CHECKING:
    from carebrowser.export import Table
    from carebrowser.ui.export_subjects import ExportSubject

log = logging.getLogger("carebrowser")
#: Stakeholders read at a time for each category: more than a screenful; more come as they scroll
#: into view.
TREE_PAGE = 100
#: Stakeholders a new filter reads beyond those that fill the list's view: a little to scroll.
SCREENFUL_MARGIN = 8
#: The largest page of a category read on, in pages of TREE_PAGE.
GROWN_PAGES = 4
#: How long a new filter's list is shown before its categories' counts are read: a name typed
#: letter by letter is counted once, when the typing pauses, not for every letter. Showing the
#: counts lays the whole list out and paints it again.
COUNTING_PAUSE_MS = 250


class _Tree(QTreeView):
    """The stakeholder tree; says when a click or a key replaces the selection rather than
    adding to it or taking from it (Ctrl)."""

    replacing = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        own_viewport(self)
        self._focusing = False

    def selectionCommand(
        self, index: QModelIndex | QPersistentModelIndex, event: QEvent | None = None
    ) -> QItemSelectionModel.SelectionFlag:
        command = super().selectionCommand(index, event)
        if self._focusing:
            # Focus coming to the list (Tab from the Name box) makes a row current: it must
            # not replace the stakeholders gathered so far, hidden ones included.
            return QItemSelectionModel.SelectionFlag.NoUpdate
        if command & QItemSelectionModel.SelectionFlag.Clear:
            self.replacing.emit()
        return command

    def focusInEvent(self, event: QFocusEvent) -> None:
        self._focusing = True
        try:
            super().focusInEvent(event)
        finally:
            self._focusing = False

    def rowsInserted(
        self, parent: QModelIndex | QPersistentModelIndex, start: int, end: int
    ) -> None:
        """A page added to an open category lays out that category alone.

        QTreeView lays out every row of the list again when rows come into an open parent,
        asking the Python model three or four questions a row: with 6,000 stakeholders read,
        each page held the GUI thread about 100 ms. Closed, the category (an open one not read
        yet too) takes its rows without a layout; opened again, only its own rows are laid out.
        Nothing is painted in between, and the list stays where it was scrolled to.
        """
        if not parent.isValid() or not self.isVisible() or not self.isExpanded(parent):
            # A list not shown (a window closed, an answer arriving late) is laid out by Qt's
            # own path: the next showing lays it out anyway.
            super().rowsInserted(parent, start, end)
            return
        bar = self.verticalScrollBar()
        scrolled = bar.value()
        blocked = self.blockSignals(True)  # the category is not closed or opened for anyone
        model = self.model()
        try:
            self.collapse(parent)
            super().rowsInserted(parent, start, end)
            # Its organisations' people open with it, in the same layout (opened one by one
            # afterwards, each laid out and measured the list again: 0.3-0.8 ms apiece).
            for row in range(start, end + 1):
                index = model.index(row, 0, parent)
                if model.hasChildren(index):
                    self.expand(index)
            self.expand(parent)
        finally:
            self.blockSignals(blocked)
        bar.setValue(scrolled)


class SelectedPeople:
    """The people of the organisations selected (StakeholderPanel.people_reader): read() runs
    on a reading thread, with the statements of those selected, and reads them when they are
    not known."""

    def __init__(
        self,
        ids: frozenset[int],
        read: Callable[[], list[StakeholderRow]] | None,
        known: Sequence[StakeholderRow] = (),
    ) -> None:
        #: The stakeholders selected, and whether read() reads the database.
        self.ids, self.reads = ids, read is not None
        self._read = read
        self._people: list[StakeholderRow] | None = None if read is not None else list(known)

    def read(self) -> tuple[list[StakeholderRow], BaseException | None]:
        """The people (those selected left out), read the first time: none, and why, when they
        could not be read (the statements of those selected are shown without them)."""
        people = self._people
        if people is None:
            assert self._read is not None
            try:
                people = self._read()
            except Exception as error:  # handed to keep_people on the GUI thread
                return [], error
            self._people = people  # another order's read takes them as they are
        return [p for p in people if p.id not in self.ids], None


class StakeholderPanel(QWidget):
    """Pick stakeholders: the quote panel shows what they said; two to four can be compared.

    The name box only narrows the list: stakeholders selected before stay selected while it
    hides them (so that Ctrl+click can gather people found by different names), until a plain
    click or key in the list replaces the selection. The category filter, which narrows what
    the window shows, deselects the stakeholders it leaves out.
    """

    selection_changed = Signal()
    compare_requested = Signal(list)
    status_changed = Signal()
    #: A read off the GUI thread that failed (the window reports it), and what was being done.
    read_failed = Signal(object, str)
    #: The list of a new filter is shown (read off the GUI thread): for tests and benchmarks.
    filtered = Signal()

    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        # Those with statements by default: the councils rated best and worst, and the
        # organisations of speakers, have none, and a new reader would click into empty tables.
        self.model = StakeholderTreeModel(archive, self, page_size=TREE_PAGE, speaking=True)
        # A new filter's first screenful is read off the GUI thread; the list shown stays
        # until it arrives, and a newer keystroke's read replaces an older one.
        self._reads = ReadStream(self)
        # The list's further pages (one at a time) and its category counts, read off the GUI
        # thread too; a new filter's list drops what they read for the old one.
        self._pages = ReadStream(self)
        self._counts = ReadStream(self)
        #: The people read for a selection (its ids), and a selection whose people could not be
        #: (read with the statements of those selected: see people_reader).
        self._people_known: tuple[frozenset[int], list[StakeholderRow]] | None = None
        self._people_failed: frozenset[int] | None = None
        self._warming = ReadStream(self)
        # Stakeholders asked for by select() that the list has not read yet.
        self._select_reads = ReadStream(self)
        self.speaking = named(
            QCheckBox("&With statements only", self),
            "Only stakeholders with statements",
            "Untick to list also those the articles name without statements of their own: the "
            "councils rated best and worst performers, and the organisations of speakers",
        )
        self.speaking.setChecked(True)
        self.with_people = named(
            QCheckBox("W&ith their people", self),
            "Include the people of an organisation selected",
            "With an organisation selected, include the statements and positions of the "
            "people who speak for it (its chief executive, its chair, ...)",
        )
        self.with_people.setChecked(True)

        self.name_filter = named(
            QLineEdit(self),
            "Filter stakeholders by name",
            "Type part of a name, role or alias to narrow the stakeholder list; stakeholders "
            "already selected stay selected",
        )
        self.name_filter.setPlaceholderText("Type to filter stakeholders")
        with_clear_button(self.name_filter, "Clear the name")
        label = QLabel("&Name:", self)
        label.setBuddy(self.name_filter)

        #: Selected stakeholders that the name box hides, in the order they were selected.
        self._hidden: dict[int, StakeholderRow] = {}
        self.tree = named(
            _Tree(self),
            "Stakeholders",
            "Stakeholders grouped by category with counts; the people who speak for an "
            "organisation are listed under it too. Select one or more (Ctrl or Shift "
            "with click or Space) to read what they said.",
            tooltip=False,
        )
        self.tree.setModel(self.model)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setUniformRowHeights(True)
        self.tree.setAllColumnsShowFocus(True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.header().setStretchLastSection(True)
        self.tree.expandAll()
        # Names get about half the width, so the role or organisation shows beside them.
        self.tree.setColumnWidth(
            0, 2 * self.tree.indentation() + 32 * self.fontMetrics().averageCharWidth()
        )

        self.compare_button = named(
            QPushButton("Co&mpare selected", self),
            "Compare selected stakeholders",
            "Show the two to four selected stakeholders side by side, proposal by proposal; one "
            "selected is added to the comparison",
        )
        self.count_label = ElidedLabel("", self)
        # Its text changes with every keystroke and selection: a width that ignores the text
        # spares the panel a new layout each time. In a narrow panel it is elided, its whole
        # text in its tooltip: "7,95" cut from "7,950 shown" would read as another number.
        self.count_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        filter_row = QHBoxLayout()
        filter_row.addWidget(label)
        filter_row.addWidget(self.name_filter, 1)
        bottom_row = QHBoxLayout()
        bottom_row.addWidget(self.count_label, 1)
        bottom_row.addWidget(self.compare_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("Stakeholders", self, elide=True))
        layout.addLayout(filter_row)
        # On a row of its own, so that it never widens the panel.
        layout.addWidget(self.speaking)
        layout.addWidget(self.with_people)
        layout.addWidget(self.tree, 1)
        layout.addLayout(bottom_row)

        # A keystroke filters on the next turn of the event loop: keystrokes that arrive
        # together (a paste, a fast typist, a busy moment) make one query, for the last text.
        self._typing = QTimer(self, singleShot=True, interval=0)
        self._typing.timeout.connect(self._apply_name)
        self.name_filter.textChanged.connect(lambda _text: self._typing.start(0))
        self.name_filter.returnPressed.connect(self._apply_name)
        self.speaking.toggled.connect(self._apply_speaking)
        self.with_people.toggled.connect(lambda _on: self._announce())
        self.model.modelReset.connect(self._after_reset)
        # Further pages of a category are read when its end scrolls into view.
        self._fetching = QTimer(self, singleShot=True, interval=0)
        self._fetching.timeout.connect(self._fetch_visible)
        # A long list's category counts are read once it is painted (see StakeholderTreeModel).
        self._counting = QTimer(self, singleShot=True, interval=0)
        self._counting.timeout.connect(self._count)
        self.tree.verticalScrollBar().valueChanged.connect(self._fetch_soon)
        self.tree.expanded.connect(self._fetch_soon)
        self.model.rowsInserted.connect(self._rows_inserted)
        self.tree.selectionModel().selectionChanged.connect(self._selection_changed)
        self.tree.replacing.connect(self._drop_hidden)
        # Dropping hidden stakeholders changes the selection even where the list's does not.
        self._dropped = QTimer(self, singleShot=True, interval=0)
        self._dropped.timeout.connect(self._selection_changed)
        self.compare_button.clicked.connect(
            lambda: self.compare_requested.emit([s.id for s in self.selected()])
        )
        self._update_count()
        if self.model.counting:
            self._counting.start(0)
        # Once the list is first painted, the statements a name filter runs are made ready.
        self._preparing = QTimer(self, singleShot=True, interval=0)
        self._preparing.timeout.connect(self._prepare)
        self.tree.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and watched is self.tree.viewport():
            watched.removeEventFilter(self)
            self._preparing.start(0)  # after this paint
        return super().eventFilter(watched, event)

    def _prepare(self) -> None:
        def failed(error: BaseException) -> None:  # the first keystroke's read will tell too
            log.info("could not prepare the name filter: %s", error)

        self._warming.read(self.archive.prepare_name_filter, lambda _none: None, failed)

    def set_categories(self, categories: Iterable[str]) -> None:
        """Keep to the stakeholders of *categories* (all when empty)."""
        self._refilter(frozenset(categories), self.model.name)

    def _apply_name(self) -> None:
        self._typing.stop()
        self._refilter(self.model.categories, self.name_filter.text())

    def _apply_speaking(self, speaking: bool) -> None:
        self._refilter(self.model.categories, self.model.name, speaking)

    def _refilter(
        self, categories: frozenset[str], name: str, speaking: bool | None = None
    ) -> None:
        wanted = self.model.filter_for(categories, name, speaking)
        if wanted == self.model.filter:
            self._reads.cancel()  # back to the list shown: a read under way is not wanted
            return
        limit = self.screenful()
        self._reads.read(
            lambda: self.model.read_first(wanted, limit),
            self._show_filtered,
            lambda error: self._filter_failed(wanted, error),
        )

    def screenful(self) -> int:
        """How many stakeholders a new filter reads first: enough to fill the list as it is
        shown (every row is at least a line of text high), a page while it is not shown. The
        rows further down are read as they come into view, after the first paint."""
        viewport = self.tree.viewport()
        if not self.tree.isVisible() or viewport.height() <= 0:
            return TREE_PAGE
        lines = -(-viewport.height() // max(1, self.tree.fontMetrics().height()))
        return min(TREE_PAGE, lines + SCREENFUL_MARGIN)

    def _show_filtered(self, first: FirstScreen) -> None:
        before = self.selected()  # as it is now: a click may have changed it meanwhile
        self._pages.cancel()  # the old list's further pages and counts are not wanted now
        self._counts.cancel()
        self.model.show_first(first)
        # Among the rows read: those further down are selected as their pages arrive.
        self._select([s.id for s in before], {s.id: s for s in before}, emit=False)
        if self.selected_ids() != {s.id for s in before}:
            self._announce()
        self.filtered.emit()

    def _filter_failed(self, wanted: Filter, error: BaseException) -> None:
        before = self.selected()
        self._pages.cancel()
        self._counts.cancel()
        self.model.keep_failed(wanted)
        # What the list still shows is selected again.
        self._select([s.id for s in before], {s.id: s for s in before}, emit=False)
        self.read_failed.emit(error, "filtering the stakeholders")

    def filtering(self) -> bool:
        """Whether a new filter's list is being read."""
        return self._reads.reading()

    def _after_reset(self) -> None:
        self.tree.expandAll()
        self.tree.scrollToTop()  # a new list starts at its top
        self._update_count()
        self._fetch_soon()
        if self.model.counting:
            self._counting.start(COUNTING_PAUSE_MS)

    def _rows_inserted(self, parent: QModelIndex, first: int, last: int) -> None:
        # Categories the counts brought, and the people of organisations a page brought: open,
        # as the others are.
        for row in range(first, last + 1):
            index = self.model.index(row, 0, parent)
            if self.model.hasChildren(index) and not self.tree.isExpanded(index):
                self.tree.expand(index)
        self._fetch_soon()

    def _count(self) -> None:
        if not self.model.counting:
            return
        read, wanted = self.model.read_counts, self.model.filter

        def failed(error: BaseException) -> None:
            self.model.stop_counting()
            self._update_count()
            self.read_failed.emit(error, "counting the stakeholders")

        self._counts.read(lambda: read(wanted), self._show_counts, failed)

    def _show_counts(self, counts: Counts) -> None:
        if self.model.show_counts(counts):
            self._update_count()

    def _fetch_soon(self, *_signal_arguments: object) -> None:
        self._fetching.start(0)  # (a connected signal's int would otherwise be the interval)

    def _fetch_visible(self) -> None:
        """Read the next page of each category whose last row read (or, unread, whose own row)
        is in view, until the view is full. A list not shown has nothing in view: it looks
        when it is shown again (a closed window's list is not asked where its rows are)."""
        if not self.model.rowCount() or not self.tree.isVisible():
            return
        viewport = self.tree.viewport().rect()
        first = self._place(self.tree.indexAt(viewport.topLeft()))
        last = self._place(self.tree.indexAt(viewport.bottomLeft()))
        if first is None:
            return
        if last is None:  # the rows end above the bottom of the view
            last = (self.model.rowCount(), 0)
        if self._pages.reading():
            return  # one page at a time: its rows, inserted, make the view look again
        for row in range(first[0], min(last[0], self.model.rowCount() - 1) + 1):
            category = self.model.index(row, 0)
            if not self.model.has_more(category) or not self.tree.isExpanded(category):
                continue
            read_so_far = self.model.rowCount(category)
            end = (row, read_so_far - 1)  # (row, -1): its own row
            # Each page lays its category out again (see _Tree.rowsInserted): a category read
            # on and on reads larger pages, as many rows as it has, up to GROWN_PAGES pages.
            at_least = min(read_so_far, GROWN_PAGES * self.model.page_size)
            read = self.model.page_reader(category, at_least)
            if first <= end <= last and read is not None:
                name = str(category.data(ROW_ROLE))

                def failed(error: BaseException, name: str = name) -> None:
                    self.model.stop_reading(name)
                    self.read_failed.emit(error, "reading more stakeholders")

                self._pages.read(read, self._show_page, failed)
                return

    def _show_page(self, more: MorePage) -> None:
        """Show a category's next page; select those of its stakeholders selected before they
        were read (rowsInserted looks for more to read, at the new layout)."""
        rows = self.model.show_page(more)
        waiting = [row.id for row in rows if row.id in self._hidden]
        if waiting:
            selection = QItemSelection()
            for stakeholder_id in waiting:
                del self._hidden[stakeholder_id]
                index = self.model.index_of(stakeholder_id, read=False)
                selection.select(index, index.siblingAtColumn(self.model.columnCount() - 1))
            selection_model = self.tree.selectionModel()
            blocked = selection_model.blockSignals(True)  # the same stakeholders are selected
            selection_model.select(
                selection,
                QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
            )
            selection_model.blockSignals(blocked)
            self.tree.viewport().update()
            self._update_count()
        elif not rows:
            self._fetch_soon()  # nothing added (another list's page): look again

    @staticmethod
    def _place(index: QModelIndex) -> tuple[int, int] | None:
        """(category row, stakeholder row) of a row of the tree, -1 for a category's own row
        (a person under an organisation: the organisation's)."""
        if not index.isValid():
            return None
        parent = index.parent()
        if parent.parent().isValid():
            index, parent = parent, parent.parent()
        return (parent.row(), index.row()) if parent.isValid() else (index.row(), -1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fetch_soon()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fetch_soon()  # pages wanted while it was hidden

    def _drop_hidden(self) -> None:
        if self._hidden:
            self._hidden = {}
            self._dropped.start(0)

    def _selection_changed(self, *_signal_arguments: object) -> None:
        self._select_reads.cancel()  # a click or a key: stakeholders asked for are not wanted
        self._dropped.stop()
        self._update_count()
        self._announce()

    def _announce(self) -> None:
        """Say that the selection changed (selection_changed), at once: the people of the
        organisations selected are read with their statements (people_reader)."""
        self.selection_changed.emit()

    def people_reader(self) -> SelectedPeople:
        """The people of the organisations selected, to be read on a reading thread with what
        they said (SelectedPeople.read), then kept here (keep_people). None to read when
        "With their people" is unticked, when no organisation is selected, or when they were
        read before."""
        chosen = self.selected()
        ids = frozenset(s.id for s in chosen)
        if not self.with_people.isChecked() or not any(s.kind == "organisation" for s in chosen):
            return SelectedPeople(ids, None)
        if self._people_known is not None and self._people_known[0] == ids:
            return SelectedPeople(ids, None, self._people_known[1])
        people_of = self.archive.people_of
        return SelectedPeople(ids, lambda: people_of(ids))

    def keep_people(
        self, asked: SelectedPeople, found: list[StakeholderRow], error: BaseException | None
    ) -> None:
        """Keep the people *asked* for, *found* on a reading thread (on the GUI thread, when
        what they said is shown); report a read that failed (*error*)."""
        if error is not None:
            self._people_failed = asked.ids
            self.read_failed.emit(error, "finding the people of the organisations selected")
        elif asked.reads:
            self._people_known, self._people_failed = (asked.ids, found), None

    def _update_count(self) -> None:
        chosen = self.selection_count()
        total = f"{self.model.known_total():,}"
        if self.model.counting:
            total = f"at least {total}"
        if self._hidden:
            where = "hidden by the name filter" if self.model.name.strip() else "further down"
            hidden = f"{len(self._hidden):,} {where}"
            self.count_label.setText(f"{chosen:,} selected ({hidden}), {total} shown")
        else:
            self.count_label.setText(
                f"{chosen:,} of {total} selected" if chosen else f"{total} shown"
            )
        self.compare_button.setEnabled(chosen >= 1)  # one is added to the comparison
        self.status_changed.emit()

    def selected(self) -> list[StakeholderRow]:
        """The selected stakeholders: those in the list in its order, then those it hides."""
        indexes = sorted(
            self.tree.selectionModel().selectedRows(0),
            key=lambda i: (i.parent().row(), i.row()),
        )
        shown = self.model.stakeholders(indexes)
        ids = {s.id for s in shown}
        return shown + [s for s in self._hidden.values() if s.id not in ids]

    def selected_ids(self) -> frozenset[int]:
        """The ids of the selected stakeholders."""
        return frozenset(s.id for s in self.selected())

    def people_of_selected(self) -> list[StakeholderRow]:
        """The people who speak for the organisations selected, when "With their people" is
        ticked (those selected themselves left out); else none."""
        if not self.with_people.isChecked():
            return []
        chosen = self.selected_ids()
        if self._people_known is not None and self._people_known[0] == chosen:
            people = self._people_known[1]
        elif chosen == self._people_failed or not any(
            s.kind == "organisation" for s in self.selected()
        ):
            people = []
        else:  # asked before they were read with the statements (an export): read here
            people = self.archive.people_of(chosen)
            self._people_known = (chosen, people)
        return [p for p in people if p.id not in chosen]

    def select(
        self,
        ids: Iterable[int],
        *,
        emit: bool = True,
        read: bool = True,
        then: Callable[[], None] | None = None,
    ) -> None:
        """Select exactly these stakeholders: those the category filter shows (the name box may
        hide them); the first one in the list becomes current, and is scrolled to.

        Those the list has not read yet are read first, off the GUI thread (the list up to each
        of them, and the stakeholders themselves): the selection changes when they arrive, and
        *then* is called (at once when nothing is to be read). A newer select, a click or a key
        in the list supersedes it. Without *read*, only the rows read so far are selected.
        """
        wanted = list(dict.fromkeys(ids))
        self._select_reads.cancel()
        known = {s.id: s for s in self.selected()}  # those hidden now among them
        missing = [i for i in wanted if not self.model.index_of(i, read=False).isValid()]
        missing = [i for i in missing if i not in known]
        if not read or not missing or (not self.model.name.strip() and self.model.read_to_end()):
            self._select(wanted, known, emit=emit)
            if then is not None:
                then()
            return

        def show(up_to: UpTo) -> None:
            self.model.show_up_to(up_to)
            self._select(wanted, {**known, **up_to.rows}, emit=emit)
            if then is not None:
                then()

        def failed(error: BaseException) -> None:
            self._select(wanted, known, emit=emit)  # those read
            self.read_failed.emit(error, "selecting stakeholders")

        self._select_reads.read(self.model.up_to(missing), show, failed)

    def selecting(self) -> bool:
        """Whether stakeholders asked for by select() are being read."""
        return self._select_reads.reading()

    def read_again(
        self, categories: Iterable[str], chosen: Iterable[int], then: Callable[[], None]
    ) -> None:
        """Read the list again (Retry), off the GUI thread, with the categories given and the
        name box's text, and select *chosen* in it; then *then*. What the list shows stays
        until its rows arrive; a new filter typed meanwhile supersedes it."""
        wanted = self.model.filter_for(categories, self.model.name)
        chosen = list(chosen)

        def show(first: FirstScreen) -> None:
            self._pages.cancel()
            self._counts.cancel()
            self.model.show_first(first)
            self.filtered.emit()
            self.select(chosen, emit=False, then=then)

        self._reads.read(
            lambda: self.model.read_first(wanted),
            show,
            lambda error: self._filter_failed(wanted, error),
        )

    def _select(self, ids: list[int], known: dict[int, StakeholderRow], *, emit: bool) -> None:
        """Select *ids* among the rows read; of the others, those in *known* that the name box
        hides, or that are further down, wait among the hidden ones for their page."""
        selection = QItemSelection()
        first = None
        missing: list[int] = []
        for stakeholder_id in ids:
            index = self.model.index_of(stakeholder_id, read=False)
            if index.isValid():
                selection.select(index, index.siblingAtColumn(self.model.columnCount() - 1))
                first = first or index
            else:
                missing.append(stakeholder_id)
        hidden_before, self._hidden = self._hidden, self._hidden_by_name(missing, known)
        rows_before = self._selected_rows()
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        selection_model = self.tree.selectionModel()
        blocked = selection_model.blockSignals(not emit)
        selection_model.select(selection, flags)
        if first is not None:
            selection_model.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.tree.scrollTo(first)
        selection_model.blockSignals(blocked)
        self._update_count()
        if not emit:
            self.tree.viewport().update()
        elif self._selected_rows() == rows_before and self._hidden.keys() != hidden_before.keys():
            self._announce()  # only the hidden ones changed: the list said nothing

    def _selected_rows(self) -> set[tuple[int, int]]:
        """(category row, row) of each stakeholder selected in the list."""
        return {(i.parent().row(), i.row()) for i in self.tree.selectionModel().selectedRows(0)}

    def _hidden_by_name(
        self, ids: list[int], known: dict[int, StakeholderRow]
    ) -> dict[int, StakeholderRow]:
        """Of stakeholders not in the list, those that only the name box hides, or that are
        further down than the list has been read."""
        if not ids or (not self.model.name.strip() and self.model.read_to_end()):
            return {}
        categories = self.model.categories
        return {
            i: known[i]
            for i in ids
            if i in known
            and (not categories or known[i].category in categories)
            and (not self.model.speaking or known[i].statement_count > 0)
        }

    def export_subject(self, filters: Filters) -> ExportSubject:
        """The selected (or shown) stakeholders, or their statements or positions."""
        from carebrowser.ui.export_subjects import stakeholder_subject

        return stakeholder_subject(self, filters)

    def selection_count(self) -> int:
        """How many stakeholders are selected."""
        return len(self.selected())

    def export_table(self, selected_only: bool) -> Table:
        """The selected stakeholders, or all that the filter shows, as an export table."""
        from carebrowser.export.shapes import stakeholders_table  # imported when first exported

        if selected_only:
            return stakeholders_table(self.selected())
        archive, wanted = self.archive, self.model.filter

        def everyone() -> Iterator[Sequence[object]]:
            # Read as the export writes them, on its thread (the dialog's count is its own).
            chosen = archive.all_stakeholders(
                wanted.categories, wanted.name, speaking=wanted.speaking
            )
            yield from stakeholders_table(chosen).rows

        table = stakeholders_table(())
        table.rows = everyone()
        return table

    def status_text(self) -> str:
        """The status bar's words for this panel."""
        return self.count_label.text()

    def focus_list(self) -> None:
        """Put the keyboard focus on the list, on its current or first stakeholder."""
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.tree.currentIndex().isValid() and self.model.rowCount():
            first = self.model.index(0, 0, self.model.index(0, 0))
            self.tree.selectionModel().setCurrentIndex(
                first, QItemSelectionModel.SelectionFlag.NoUpdate
            )
