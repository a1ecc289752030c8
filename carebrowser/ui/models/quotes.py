"""Statements as a table, one page at a time, sorted and filtered by the database."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from carebrowser.queries import (
    PAGE_SIZE,
    Archive,
    Filters,
    Page,
    QuoteRow,
    QuoteSort,
    match_spans,
    search_matches,
    source_name,
)
from carebrowser.ui.models.resets import resetting
from carebrowser.ui.models.roles import EDITORIAL_ROLE, ID_ROLE, MATCH_SPANS_ROLE, ROOT, ROW_ROLE
from carebrowser.ui.models.variants import returns_variant

Index = QModelIndex | QPersistentModelIndex
#: Fetches one page: (sort, descending, after, limit) -> Page.
Fetch = Callable[[QuoteSort, bool, "tuple[object, ...] | None", int], Page[QuoteRow]]
#: Runs a read off the GUI thread: (read, show its answer, tell its failure).
StartRead = Callable[
    [Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], Any
]

SPEAKER, STATEMENT, KIND, PROPOSALS, SOURCE, DATE = range(6)
HEADERS = ("Speaker", "Statement", "Kind", "Proposals", "Source", "Date")
#: Columns the database can sort by, and the sort each stands for.
SORTS: dict[int, QuoteSort] = {SPEAKER: "stakeholder", SOURCE: "source", DATE: "date"}
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_ACCESSIBLE = Qt.ItemDataRole.AccessibleTextRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FONT = Qt.ItemDataRole.FontRole.value
#: The roles answered; views ask for many more (alignment, colours, check state, decoration,
#: size hint) for each cell they lay out or paint, and those get None at once.
_ROLES = frozenset(
    {_DISPLAY, _ACCESSIBLE, _TOOLTIP, _FONT, MATCH_SPANS_ROLE, EDITORIAL_ROLE, ROW_ROLE, ID_ROLE}
)
TRUNCATED_MARK = " [\u2026] cut off in the source"
#: Rows read at a time when the rest are asked for at once (Ctrl+End).
LAST_PAGE = 1000


def statement_text(quote: QuoteRow) -> tuple[str, int]:
    """The statement as shown, and where its verbatim words start in it.

    Direct quotations are in quotation marks; a statement the capture cuts off ends with a note.
    """
    opening = "\u201c" if quote.kind == "direct" else ""
    closing = "\u201d" if quote.kind == "direct" and not quote.truncated else ""
    shown = f"{opening}{quote.text}{closing}{TRUNCATED_MARK if quote.truncated else ''}"
    return shown, len(opening)


#: A row's cell texts and its statement's search matches, as the table shows them.
Prepared = tuple[tuple[str, ...], list[tuple[int, int]]]


def prepare(quotes: Sequence[QuoteRow], search: str) -> list[Prepared]:
    """Each statement's cell texts and search matches: worked out with the read, off the GUI
    thread (folding the text for the search's words costs more than the rest of a row)."""
    return [(cell_texts(q), statement_spans(q, search)) for q in quotes]


def cell_texts(quote: QuoteRow) -> tuple[str, ...]:
    """A statement's cells as the table shows them."""
    return tuple(QuoteTableModel.shown_text(quote, c) for c in range(len(HEADERS)))


def statement_spans(quote: QuoteRow, search: str) -> list[tuple[int, int]]:
    """Where *search* matches in the statement's cell; none when the statement does not match
    it (a matrix cell's evidence may hold such statements; the reader marks none either)."""
    if not search or not search_matches(search, quote.text):
        return []
    _shown, offset = statement_text(quote)
    return [(s + offset, e + offset) for s, e in match_spans(quote.text, search)]


class QuoteTableModel(QAbstractTableModel):
    """Statements from a page-fetching function: filtered statements, or a position's evidence."""

    def __init__(
        self, fetch: Fetch, parent: QObject | None = None, *, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self.page_size = page_size
        self.sort_by: QuoteSort = "date"
        self.descending = False
        self.search = ""
        self._fetch = fetch
        self._rows: list[QuoteRow] = []
        #: Each row's cell texts and search matches, worked out when first asked for: views
        #: ask for them several times a cell (to measure rows, then to paint them).
        self._texts: list[tuple[str, ...] | None] = []
        self._spans: list[list[tuple[int, int]] | None] = []
        self._cursor: tuple[object, ...] | None = None
        self._busy = False
        #: Counts the resets: a page read for the rows shown before one is dropped.
        self._generation = 0
        #: Whether further rows are being read off the GUI thread.
        self.fetching = False
        #: No further rows are read while the panel waits for other statements to show.
        self._held = False
        self._start_read: StartRead | None = None
        self._cancel_read: Callable[[], None] = lambda: None
        self._fetch_failed: Callable[[BaseException], None] = lambda _error: None
        #: Reads another order's first page off the GUI thread (see sort_elsewhere).
        self._sort_requested: Callable[[QuoteSort, bool], None] | None = None
        self._load()

    def read_off_thread(
        self,
        start: StartRead,
        cancel: Callable[[], None],
        failed: Callable[[BaseException], None],
    ) -> None:
        """Read further pages (fetchMore, fetch_all) with *start*, which runs a read off the GUI
        thread; *cancel* drops the one under way; *failed* hears of a page that could not be
        read. Without it, they are read on the calling thread."""
        self._start_read, self._cancel_read, self._fetch_failed = start, cancel, failed

    def sort_elsewhere(self, requested: Callable[[QuoteSort, bool], None]) -> None:
        """Hand another order asked for (the header clicked, set_sort) to *requested*, which
        reads its first page off the GUI thread and shows it with show_page; the rows shown stay
        meanwhile. Without it, set_sort reads the first page on the calling thread."""
        self._sort_requested = requested

    def hold(self) -> None:
        """Read no further rows of these statements (others are on their way): a page under
        way is dropped. The next reset lifts it."""
        self._stop_fetching()
        self._held = True

    def set_source(self, fetch: Fetch, search: str = "") -> None:
        """Show the statements *fetch* returns, highlighting the words of *search*.

        When the first page cannot be read the table is empty, rather than showing the
        previous statements as if they were these.
        """
        with self._resetting():
            self._fetch, self.search = fetch, search
            self._load()

    def show_page(
        self,
        fetch: Fetch,
        search: str,
        first: Page[QuoteRow],
        prepared: Sequence[Prepared] | None = None,
        sort: tuple[QuoteSort, bool] | None = None,
    ) -> None:
        """Show *first*, a page read already (off the GUI thread) from *fetch*, which reads the
        pages after it; highlight the words of *search* (*prepared*: see prepare()); *sort*:
        the order it was read in, when not the one shown."""
        with self._resetting():
            self._fetch, self.search = fetch, search
            if sort is not None:
                self.sort_by, self.descending = sort
            self._rows, self._cursor = first.rows, first.cursor
            self._texts, self._spans = [None] * len(first.rows), [None] * len(first.rows)
            self._take(0, prepared)

    def _take(self, first: int, prepared: Sequence[Prepared] | None) -> None:
        """Keep the texts and matches worked out for the rows from *first* on."""
        if prepared is not None and len(prepared) == len(self._rows) - first:
            self._texts[first:] = [texts for texts, _spans in prepared]
            self._spans[first:] = [spans for _texts, spans in prepared]

    def set_sort(self, sort_by: QuoteSort, descending: bool = False) -> None:
        """Ask the database for another order and start again from the first page."""
        if self._sort_requested is not None:
            self._sort_requested(sort_by, descending)  # the panel knows what is wanted
            return
        if (sort_by, descending) == (self.sort_by, self.descending):
            return
        with self._resetting():
            self.sort_by, self.descending = sort_by, descending
            self._load()

    @contextlib.contextmanager
    def _resetting(self) -> Iterator[None]:
        self._stop_fetching()  # a page of the rows shown until now is never appended
        self._generation += 1
        self._held = False
        self._busy = True  # no fetching while views and testers hear of the reset
        try:
            with resetting(self):
                yield
        finally:
            self._busy = False

    def _load(self) -> None:
        self._rows, self._cursor = [], None  # what is left if the read fails
        self._texts, self._spans = [], []
        page = self._fetch(self.sort_by, self.descending, None, self.page_size)
        self._rows, self._cursor = page.rows, page.cursor
        self._texts, self._spans = [None] * len(page.rows), [None] * len(page.rows)

    def quote(self, row: int) -> QuoteRow:
        """The statement shown in *row*."""
        return self._rows[row]

    def quotes(self, rows: Iterable[int]) -> list[QuoteRow]:
        """The statements shown in *rows*, in order, each once."""
        return [self._rows[r] for r in sorted(set(rows)) if 0 <= r < len(self._rows)]

    def row_of(self, statement_id: int) -> int:
        """The row of a loaded statement, or -1."""
        return next((r for r, q in enumerate(self._rows) if q.id == statement_id), -1)

    # -- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._cursor is not None and not (self._busy or self._held)

    def fetchMore(self, parent: Index) -> None:
        """Read the next page: off the GUI thread when read_off_thread() said how, its rows
        added when they arrive (the view asks again meanwhile: nothing more is read)."""
        if not self.canFetchMore(parent) or self.fetching:
            return
        if self._start_read is None:
            self._read_page(self.page_size)
        else:
            self._read_off_thread(self.page_size, None)

    def fetch_now(self) -> None:
        """Read the next page now, on this thread (for a caller that needs it at once)."""
        self._stop_fetching()
        if self.canFetchMore(ROOT):
            self._read_page(self.page_size)

    def fetch_all(self, at_most: int, then: Callable[[], None] | None = None) -> None:
        """Read the rest of the statements, up to *at_most* rows in all (Ctrl+End), then call
        *then* (off the GUI thread when read_off_thread() said how: when they have arrived)."""
        wanted = at_most - len(self._rows)
        if self._start_read is not None and self.canFetchMore(ROOT) and wanted > 0:
            self._read_off_thread(wanted, then)  # supersedes a page under way
            return
        while self.canFetchMore(ROOT) and len(self._rows) < at_most:
            self._read_page(min(LAST_PAGE, at_most - len(self._rows)))
        if then is not None:
            then()

    def _read_off_thread(self, limit: int, then: Callable[[], None] | None) -> None:
        assert self._start_read is not None
        fetch, sort_by, descending = self._fetch, self.sort_by, self.descending
        after, generation, search = self._cursor, self._generation, self.search

        def read() -> tuple[Page[QuoteRow], list[Prepared]]:
            rows: list[QuoteRow] = []
            cursor = after
            while len(rows) < limit:  # pages of at most LAST_PAGE rows, as on the GUI thread
                page = fetch(sort_by, descending, cursor, min(LAST_PAGE, limit - len(rows)))
                rows.extend(page.rows)
                cursor = page.cursor
                if cursor is None:
                    break
            return Page(rows, cursor), prepare(rows, search)

        def add(answer: tuple[Page[QuoteRow], list[Prepared]]) -> None:
            if generation != self._generation:
                return  # read for the statements shown before
            self.fetching = False
            self._add_page(*answer)
            if then is not None:
                then()

        self.fetching = True
        self._start_read(read, add, self._failed_fetch)

    def _failed_fetch(self, error: BaseException) -> None:
        self.fetching = False
        self._fetch_failed(error)

    def _stop_fetching(self) -> None:
        if self.fetching:
            self._cancel_read()
            self.fetching = False

    def _read_page(self, limit: int) -> None:
        self._add_page(self._fetch(self.sort_by, self.descending, self._cursor, limit))

    def _add_page(self, page: Page[QuoteRow], prepared: Sequence[Prepared] | None = None) -> None:
        self._cursor = page.cursor
        if page.rows:
            # Views and the model tester may ask for more while rows go in: not until done.
            self._busy = True
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._texts.extend([None] * len(page.rows))
            self._spans.extend([None] * len(page.rows))
            self._take(first, prepared)
            self.endInsertRows()
            self._busy = False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column in SORTS:
            self.set_sort(SORTS[column], order == Qt.SortOrder.DescendingOrder)

    @returns_variant
    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        # Views ask for many roles per cell, each time they measure or paint it: answer the
        # ones not handled first, and the rest from texts worked out once a row.
        if role not in _ROLES:
            return None
        row, column = index.row(), index.column()  # -1 for an invalid index
        if not 0 <= row < len(self._rows) or not 0 <= column < len(HEADERS):
            return None
        if role in (_DISPLAY, _ACCESSIBLE):
            return self._cell_texts(row)[column]
        quote = self._rows[row]
        if role == _TOOLTIP:
            return self._tooltip(row, column)
        if column == STATEMENT:
            if role == MATCH_SPANS_ROLE:
                return list(self._match_spans(row))
            if role == EDITORIAL_ROLE:
                return quote.kind == "editorial"
            if role == _FONT and quote.kind == "reported":
                return self._italic_font()
        if role == ROW_ROLE:
            return quote
        if role == ID_ROLE:
            return quote.id
        return None

    def _cell_texts(self, row: int) -> tuple[str, ...]:
        texts = self._texts[row]
        if texts is None:
            texts = self._texts[row] = cell_texts(self._rows[row])
        return texts

    def _match_spans(self, row: int) -> list[tuple[int, int]]:
        spans = self._spans[row]
        if spans is None:
            spans = self._spans[row] = statement_spans(self._rows[row], self.search)
        return spans

    @staticmethod
    def _italic_font() -> QFont:
        font = QFont()  # the application's font as it is now
        font.setItalic(True)
        return font

    @staticmethod
    def shown_text(quote: QuoteRow, column: int) -> str:
        """A statement's cell in *column* as the table shows it."""
        return QuoteTableModel._display(quote, column)

    @staticmethod
    def _display(quote: QuoteRow, column: int) -> str:
        if column == SPEAKER:
            detail = ", ".join(p for p in (quote.role, quote.organisation) if p)
            return f"{quote.stakeholder}\n{detail}" if detail else quote.stakeholder
        if column == STATEMENT:
            return statement_text(quote)[0]
        if column == KIND:
            return quote.kind_label + (",\ntruncated" if quote.truncated else "")
        if column == PROPOSALS:
            return "\n".join(quote.proposals)
        if column == SOURCE:
            return quote.source_name
        return quote.date_label

    def _tooltip(self, row: int, column: int) -> str:
        quote = self._rows[row]
        # A cell may be narrower, or its row shorter, than its text: the tooltip has all of it.
        if column == SOURCE:
            author = f"by {quote.author}" if quote.author else None
            named = source_name(quote.publication, quote.headline, quote.date_label, author)
            return f"{named}. Press Enter to read it."
        if column == STATEMENT:
            about = f" On {'; '.join(quote.proposals)}." if quote.proposals else ""
            # Rich text, so that a long statement wraps in the tooltip.
            return (
                f"<p>{html.escape(statement_text(quote)[0])}</p>"
                f"<p>{html.escape(quote.kind_label)} by {html.escape(quote.stakeholder)}."
                f"{html.escape(about)} Press Enter to read it in its source.</p>"
            )
        if column == SPEAKER and quote.role:
            return f"{quote.stakeholder}: {quote.role}, as {quote.publication} prints it here."
        return ", ".join(self._cell_texts(row)[column].splitlines())

    @returns_variant
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section in SORTS:
            return f"Sort by {SORTS[section]}"
        return None


def statements_fetch(archive: Archive, filters: Filters) -> Fetch:
    """A Fetch over the statements that pass *filters*."""

    def fetch(
        sort: QuoteSort, descending: bool, after: tuple[object, ...] | None, limit: int
    ) -> Page[QuoteRow]:
        return archive.quotes(filters, sort=sort, descending=descending, after=after, limit=limit)

    return fetch


def evidence_fetch(archive: Archive, position_id: int | Sequence[int] | None) -> Fetch:
    """A Fetch over a position's evidence, or several positions' (nothing for None or none)."""

    def fetch(
        sort: QuoteSort, descending: bool, after: tuple[object, ...] | None, limit: int
    ) -> Page[QuoteRow]:
        if position_id is None or (not isinstance(position_id, int) and not position_id):
            return Page([], None)
        return archive.evidence_quotes(
            position_id, sort=sort, descending=descending, after=after, limit=limit
        )

    return fetch


def ids_fetch(archive: Archive, ids: Sequence[int]) -> Fetch:
    """A Fetch over the given statements, in the order of the ids (one page; no sorting)."""
    wanted = list(ids)

    def fetch(
        sort: QuoteSort, descending: bool, after: tuple[object, ...] | None, limit: int
    ) -> Page[QuoteRow]:
        if after is not None or not wanted:
            return Page([], None)
        return Page(archive.quotes_by_ids(wanted[:limit]), None)

    return fetch
