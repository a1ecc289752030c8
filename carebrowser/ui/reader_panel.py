"""The source reader: a cleaned article with every statement highlighted where it was said."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt, QUrl, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from carebrowser.queries import (
    PAGE_SIZE,
    Archive,
    Filters,
    PositionRow,
    QuoteRow,
    SourceRow,
    SourceText,
    match_spans,
    search_matches,
)
from carebrowser.ui.models.choices import (
    ChoicePage,
    reader_source_choice,
    reader_source_choices,
)
from carebrowser.ui.models.reader_sources import SourceListModel
from carebrowser.ui.provenance import source_provenance
from carebrowser.ui.reads import ReadStream
from carebrowser.ui.text_marks import SpanMarks
from carebrowser.ui.widgets import LazyComboBox, heading, named

if TYPE_CHECKING:
    from carebrowser.export import Table
    from carebrowser.ui.export_subjects import ExportSubject

#: Sources read at a time into the chooser (100,000 sources at the largest).
SOURCE_PAGE = PAGE_SIZE
#: show_source reads the list on up to this many sources to reach one in its place; a source
#: farther down is pinned to the top of the list instead.
READ_UP_TO = 5 * PAGE_SIZE

#: The next page of sources is read when the current one is this near the end of the list.
READ_AHEAD = 10

#: Where a source is in the list, and a keyset cursor: by date, then id.
SourceKey = tuple[dt.date, int]


def _key(source: SourceRow) -> SourceKey:
    return (source.date, source.id)


def _just_before(source: SourceRow) -> SourceKey:
    """The cursor after which a page starts with *source* (ids are integers)."""
    return (source.date, source.id - 1)


@dataclass(frozen=True)
class _Shown:
    source: SourceText
    order: tuple[int, ...]


#: Who said each statement asked about, and the positions citing it.
_Details = list[tuple[QuoteRow, list[PositionRow]]]


class ReaderPanel(QWidget):
    """Read a source; step through its statements and see who said each and who cites it."""

    status_changed = Signal()
    #: A source's text, read off the GUI thread, is shown (for tests and benchmarks).
    source_shown = Signal()
    #: Who said the statement highlighted, and the positions citing it, are shown.
    details_shown = Signal()
    #: A read off the GUI thread that failed (the window reports it), and what was being done.
    read_failed = Signal(object, str)

    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.search = ""
        self.active: int | None = None
        self._shown: _Shown | None = None
        #: The source (and statement) asked for and being read: shown when it arrives.
        self._wanted: tuple[int, int | None] | None = None
        # Reads made on what the user does run off the GUI thread (carebrowser.ui.reads): the
        # text shown stays until the one chosen last arrives; an older answer is dropped.
        self._text_reads = ReadStream(self)
        self._detail_reads = ReadStream(self)
        self._mark_reads = ReadStream(self)
        self._reach_reads = ReadStream(self)
        # Read a page at a time: the first when the reader is first shown, more as the list is
        # scrolled or walked past its end.
        self._page_reads = ReadStream(self)
        self.sources = SourceListModel(
            self._source_page, self._page_reads.read, self._page_reads.cancel, self
        )
        self.sources.page_added = self._first_shown
        self.sources.page_failed = self._failed("reading the list of sources")
        #: The search the marks in the source list are for.
        self._marked = ""

        self.source_box = named(LazyComboBox(self), "Source", "Choose the published piece to read")
        self.source_box.setModel(self.sources)
        self.source_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_box.setMinimumContentsLength(20)
        source_label = QLabel("S&ource:", self)
        source_label.setBuddy(self.source_box)
        self.previous_button = named(
            QPushButton("\u25b2 Prev&ious", self),
            "Previous statement",
            "Highlight the statement before the current one (Shift+F8)",
        )
        self.next_button = named(
            QPushButton("\u25bc &Next", self),
            "Next statement",
            "Highlight the statement after the current one (F8)",
        )
        self.about = QLabel(self)
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.RichText)
        self.text = named(
            QTextBrowser(self),
            "Source text",
            "The cleaned article. Statements are underlined: solid for direct quotation, "
            "dashed for reported speech, dotted for editorial opinion. Tab moves between "
            "statements, Enter shows who said one.",
            tooltip=False,
        )
        self.text.setOpenLinks(False)
        self.details = named(
            QTextBrowser(self),
            "Statement details",
            "Who said the highlighted statement, and the positions that cite it as evidence",
            tooltip=False,
        )
        self.marks = SpanMarks(self.text)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("reader")
        splitter.addWidget(self.text)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        top = QHBoxLayout()
        top.addWidget(heading("Source reader", self, elide=True))
        top.addWidget(source_label)
        top.addWidget(self.source_box, 1)
        top.addWidget(self.previous_button)
        top.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.about)
        layout.addWidget(splitter, 1)

        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.source_box.currentIndexChanged.connect(self._show_row)
        self.source_box.currentIndexChanged.connect(self._read_ahead)
        # A source chosen in the list wins over one opened from elsewhere and still being read.
        self.source_box.activated.connect(lambda _row: self._reach_reads.cancel())
        self.text.anchorClicked.connect(self._anchor_clicked)

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure_loaded()
        super().showEvent(event)

    def ensure_loaded(self) -> None:
        """Read the first page of sources if none is read (off the GUI thread: the first source
        is shown when it arrives); mark again those matching the search."""
        fresh = self.sources.rowCount() == 0
        with QSignalBlocker(self.source_box):
            self.sources.start()  # no read when a page is: a failed read is tried again
            if fresh:
                self._marked = self.search  # the page is marked as it is read
            elif self._marked != self.search:
                self._mark_matches()
        self._first_shown()

    def _first_shown(self) -> None:
        """Show the first source of the list when none is shown nor chosen."""
        with QSignalBlocker(self.source_box):
            if self.source_box.currentIndex() < 0 and self.sources.rowCount():
                self.source_box.setCurrentIndex(0)
        if self._shown is None and self._wanted is None:
            self._show_row(self.source_box.currentIndex())

    def _read_ahead(self, row: int) -> None:
        """Read the next page while the current source nears the end of the list, so that the
        arrow keys walk on past it."""
        if row >= self.sources.rowCount() - READ_AHEAD:
            self.sources.fetchMore()

    def _source_page(self, after: object | None) -> Callable[[], ChoicePage]:
        """The read of the page of sources after *after*, marked for the search as it is now."""
        cursor = after if isinstance(after, tuple) else None
        archive, search = self.archive, self.search

        def read() -> ChoicePage:
            page = archive.sources_page(after=cursor, limit=SOURCE_PAGE)
            matching = self._matching(page.rows, cursor, search=search)
            return reader_source_choices(page.rows, matching), page.cursor

        return read

    def _matching(
        self,
        sources: list[SourceRow],
        after: tuple[object, ...] | None,
        *,
        among: int = 0,
        search: str | None = None,
    ) -> set[int]:
        """Which of *sources* (the list from *after* on, by date) match *search* (the search
        by default): one query.

        The matches up to the last of them are at most as many as the sources there: *sources*
        and *among* more (pinned ones that the list skips)."""
        search = self.search if search is None else search
        if not search.strip() or not sources:
            return set()
        last = _key(sources[-1])
        found = self.archive.sources_page(search, after=after, limit=len(sources) + among)
        return {s.id for s in found.rows if _key(s) <= last}

    def _failed(self, doing: str) -> Callable[[BaseException], None]:
        """Tell the window of a read that failed (it reports it)."""
        return lambda error: self.read_failed.emit(error, doing)

    def _mark_matches(self) -> None:
        """Mark again the sources read whose text matches the search (after a new search),
        read off the GUI thread; the marks shown stay until then."""
        model = self.sources
        values = [model.value(row) for row in range(model.rowCount())]
        sources = [v for v in values if isinstance(v, SourceRow)]
        pinned, read = sources[: model.first_read_row], sources[model.first_read_row :]
        search = self.search

        def matching() -> set[int]:
            found = self._matching(read, None, among=len(pinned), search=search)
            for source in pinned:
                found |= self._matching([source], _just_before(source), search=search)
            return found

        def show(found: set[int]) -> None:
            if self.search != search:
                return  # marked for the newer search
            if [model.value(row) for row in range(len(values))] != values:
                self._mark_matches()  # a source was pinned meanwhile: marked again
                return
            with QSignalBlocker(self.source_box):
                model.replace(0, reader_source_choices(sources, found))
            self._marked = search

        self._marked = search  # asked for: not asked again until the search changes
        self._mark_reads.read(matching, show, self._failed("marking the sources that match"))

    def reload(self) -> None:
        """Read the sources and the source shown again (when the database is back)."""
        if not (self.sources.started or self.isVisible()):
            return  # read when first shown
        active, shown = self.active, self._shown
        self.ensure_loaded()
        row = self.source_box.currentIndex()
        if self._shown is None or self.sources.value(row) != self._shown.source.source:
            self._show_row(row, again=True)  # the text may be another's
        elif self._shown is shown and active is not None:
            self.activate(active)  # who said it, and the positions citing it

    def set_search(self, search: str) -> None:
        """Emphasise the words of *search* in the text and mark the sources that match it."""
        if search == self.search:
            return
        self.search = search
        if self.sources.fetching:  # the page under way is marked for the search before
            self.sources.stop_fetching()
            self.sources.fetchMore()
        if self.isVisible():
            self._mark_matches()  # hidden, when next shown
        if self._shown is not None:
            self.marks.mark_matches(self._shown.source.text, self._search_spans())
            self.status_changed.emit()

    def show_source(self, source_id: int, statement_id: int | None = None) -> None:
        """Show a source, with one of its statements highlighted and explained, once read (off
        the GUI thread: `source_shown`); the source chosen last is the one shown."""
        self.ensure_loaded()
        self._wanted = (source_id, statement_id)
        row = self.sources.row_of_id(source_id)
        if row >= 0:
            self._reach_reads.cancel()
            self._choose(row, statement_id)
            return
        self._text_reads.cancel()  # a source chosen before is not shown over this one
        model = self.sources
        after = model.cursor if isinstance(model.cursor, tuple) else None
        read_on = model.canFetchMore() or model.fetching  # the first page may be on its way
        search = self.search

        def reach() -> tuple[SourceRow | None, list[SourceRow], object | None, set[int]]:
            """The source; the list read on to it when it is near, and which of those match."""
            found = self.archive.sources_by_ids([source_id])
            if not found:
                return None, [], None, set()
            source = found[0]
            if read_on:
                ahead = self.archive.sources_page(after=after, limit=READ_UP_TO)
                if ahead.rows and _key(source) <= _key(ahead.rows[-1]):
                    matching = self._matching(ahead.rows, after, search=search)
                    return source, ahead.rows, ahead.cursor, matching
            matches = self._matching([source], _just_before(source), search=search)
            return source, [], None, matches

        def show(answer: tuple[SourceRow | None, list[SourceRow], object | None, set[int]]) -> None:
            source, ahead, cursor, matching = answer
            if source is None:
                self._wanted = None
                return
            with QSignalBlocker(self.source_box):  # rows inserted above the current one move it
                here = model.cursor if isinstance(model.cursor, tuple) else None
                if ahead and here == after and (model.canFetchMore() or model.fetching):
                    model.extend(reader_source_choices(ahead, matching), cursor)
                row = model.row_of_id(source_id)
                if row < 0:
                    matches = source.id in matching and search == self.search
                    row = model.pin(reader_source_choice(source, matches))
            self._choose(row, statement_id)

        self._reach_reads.read(reach, show, self._failed("opening a source"))

    def _choose(self, row: int, statement_id: int | None) -> None:
        """Make *row* the list's current source and show it, *statement_id* highlighted."""
        with QSignalBlocker(self.source_box):
            self.source_box.setCurrentIndex(row)
        self._show_row(row, statement_id=statement_id)

    def place(self) -> tuple[int, int | None] | None:
        """The source and statement chosen last (being read, or shown), for Back and Forward."""
        if self._wanted is not None:
            return self._wanted
        if self._shown is None:
            return None
        return self._shown.source.source.id, self.active

    def _show_row(self, row: int, *, again: bool = False, statement_id: int | None = None) -> None:
        """Show the source in *row* of the list, read off the GUI thread (read its text again
        only when *again*), with *statement_id* highlighted."""
        source = self.sources.value(row)
        if not isinstance(source, SourceRow):
            return
        if not again and self._shown is not None and self._shown.source.source.id == source.id:
            self._text_reads.cancel()  # chosen again while another was being read
            self._wanted = None
            if statement_id is not None:
                self.activate(statement_id)
            return
        self._wanted = (source.id, statement_id)
        archive = self.archive

        def show(text: SourceText) -> None:
            self._show_text(text)
            if statement_id is not None:
                self.activate(statement_id)
            self.source_shown.emit()

        def failed(error: BaseException) -> None:
            self._wanted = None
            self.read_failed.emit(error, "reading a source")

        self._text_reads.read(lambda: archive.source_text(source.id), show, failed)

    def _show_text(self, text: SourceText) -> None:
        """Show a source's text read, no statement highlighted."""
        self._wanted = None
        self._detail_reads.cancel()  # another source's statement is not explained over this
        order = tuple(dict.fromkeys(s.statement_id for s in text.spans))
        self._shown = _Shown(text, order)
        self.active = None
        self.about.setText(_about_html(text.source))
        self.marks.show(text, self._search_spans())
        self.details.setHtml(
            "<p>Select a highlighted statement (click it, press Tab then Enter, or use "
            "Next statement) to see who said it and which positions cite it.</p>"
            + self._provenance()
        )
        self.status_changed.emit()

    def _matches_search(self) -> bool:
        """Whether the source shown matches the search (its headline or text), as the index
        finds it."""
        if self._shown is None or not self.search.strip():
            return False
        source = self._shown.source
        return search_matches(self.search, source.source.headline, source.text)

    def _search_spans(self) -> list[tuple[int, int]]:
        """Where the search matches in the text: nothing when the source does not match it (a
        word it must not hold is there, or a word it needs is missing)."""
        if self._shown is None or not self._matches_search():
            return []
        return match_spans(self._shown.source.text, self.search)

    def step(self, step: int) -> None:
        """Highlight the next (step 1) or previous (step -1) statement of the source."""
        if self._shown is None or not self._shown.order:
            return
        order = self._shown.order
        if self.active in order:
            position = (order.index(self.active) + step) % len(order)
        else:
            position = 0 if step > 0 else len(order) - 1
        self.activate(order[position])

    def _anchor_clicked(self, url: QUrl) -> None:
        ids = [int(i) for i in url.path().split(",") if i.isdigit()]
        if ids:
            self.activate(ids[0], also=ids[1:])

    def activate(self, statement_id: int, also: list[int] | None = None) -> None:
        """Highlight a statement and show who said it and the positions citing it (read off
        the GUI thread: the details shown stay until they arrive)."""
        if self._shown is None:
            return
        self.active = statement_id
        self.marks.set_active(statement_id)
        self.status_changed.emit()
        ids = [statement_id, *(also or [])]
        archive = self.archive

        def read() -> _Details:
            return [(q, archive.positions_citing(q.id)) for q in archive.quotes_by_ids(ids)]

        self._detail_reads.read(read, self._show_details, self._failed("explaining a statement"))

    def _show_details(self, details: _Details) -> None:
        parts = []
        for quote, positions in details:
            who = ", ".join(p for p in (quote.role, quote.organisation) if p)
            cut = " It is cut off in the source." if quote.truncated else ""
            parts.append(
                f"<p><b>{html.escape(quote.stakeholder)}</b>"
                f"{' (' + html.escape(who) + ')' if who else ''}: {quote.kind_label}.{cut}</p>"
            )
            if positions:
                items = "".join(
                    f"<li>{html.escape(p.stakeholder)} on <i>{html.escape(p.proposal)}</i>: "
                    f"<b>{html.escape(p.stance)}</b>. {html.escape(p.summary)}</li>"
                    for p in positions
                )
                parts.append(f"<p>Cited as evidence by:</p><ul>{items}</ul>")
            else:
                parts.append("<p>No position cites this statement.</p>")
        self.details.setHtml("".join(parts) + self._provenance())
        self.details_shown.emit()

    def _provenance(self) -> str:
        if self._shown is None:
            return ""
        return "<hr><h4>About this source</h4>" + source_provenance(self._shown.source.source)

    def current_source(self) -> SourceRow | None:
        """The source being read."""
        return self._shown.source.source if self._shown else None

    def status_text(self) -> str:
        """Which source, how many statements it has and how many search matches."""
        if self._shown is None:
            return "No source"
        count = len(self._shown.order)
        found = len(self._search_spans())
        if not self.search.strip():
            matches = ""
        elif not self._matches_search():
            matches = ", no match for the search"
        elif not found:
            matches = ", the search matches its headline"
        else:
            matches = f", {found} search match{'es' if found != 1 else ''}"
        place = (
            f", statement {self._shown.order.index(self.active) + 1} of {count} selected"
            if self.active in self._shown.order
            else ""
        )
        return f"{self._place_in_list()}: {count} statements highlighted{place}{matches}"

    def _place_in_list(self) -> str:
        """'Source 3 of 5', 'Source 3 of the first 200' while more are to read, or 'Source'."""
        model, row = self.sources, self.source_box.currentIndex()
        if model.first_read_row or row < 0:
            return "Source"  # a source pinned out of the list's order
        of = "of the first " if model.canFetchMore() else "of "
        return f"Source {row + 1} {of}{model.rowCount()}"

    def export_subject(self, _filters: Filters) -> ExportSubject:
        """The highlighted statement, or every statement of the source being read."""
        from carebrowser.ui.export_subjects import reader_subject

        return reader_subject(self)

    def selection_count(self) -> int:
        """1 when a statement is highlighted, else 0."""
        return int(self.active is not None)

    def export_table(self, selected_only: bool) -> Table:
        """The highlighted statement, or every statement of the source, as an export table."""
        from carebrowser.export import quotes_table  # imported when first exported

        if self._shown is None:
            return quotes_table([])
        ids = [self.active] if selected_only and self.active is not None else []
        if not selected_only:
            ids = list(self._shown.order)
        return quotes_table(self.archive.quotes_by_ids(ids))


def _about_html(source: SourceRow) -> str:
    def e(value: str | None) -> str:
        return html.escape(value or "")

    byline = e(source.publication) + (f", by {e(source.author)}" if source.author else "")
    inferred = " (how: see About this source)" if source.date_inferred else ""
    headline = e(source.headline) or "(no headline)"
    return f"<b>{headline}</b><br>{byline}, {e(source.date_label)}{inferred}"
