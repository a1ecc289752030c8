"""The reader's list of sources, read a page at a time off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from carebrowser.ui.models.choices import ChoicePage, Index, PagedChoiceListModel
from carebrowser.ui.models.roles import ROOT

#: Runs a read off the GUI thread: (read, show its answer, tell its failure).
StartRead = Callable[
    [Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], Any
]


class SourceListModel(PagedChoiceListModel):
    """Sources in the reader's order; each page read on a pool thread with *start*, and added
    when it arrives, unless the list was read on meanwhile (then it is dropped)."""

    def __init__(
        self,
        fetch: Callable[[object | None], Callable[[], ChoicePage]],
        start: StartRead,
        cancel: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        # *fetch* makes, on the GUI thread, the read of the page after a cursor.
        super().__init__((), lambda after: fetch(after)(), parent)
        self._page_read = fetch
        self._start_page, self._cancel_page = start, cancel
        #: Whether a page is being read.
        self.fetching = False
        #: Called with each page added (the reader shows the first source when it comes).
        self.page_added: Callable[[], None] = lambda: None
        self.page_failed: Callable[[BaseException], None] = lambda _error: None

    def fetchMore(self, parent: Index = ROOT) -> None:
        """Read the next page off the GUI thread (asked again meanwhile: nothing more)."""
        if not self.canFetchMore(parent) or self.fetching:
            return
        after = self.cursor
        self.fetching = True
        self._start_page(self._page_read(after), lambda page: self._add(after, page), self._fail)

    def fetch_now(self) -> None:
        """Read the next page now, on this thread (for a caller that needs it at once)."""
        self.stop_fetching()
        super().fetchMore()

    def stop_fetching(self) -> None:
        """Drop the page under way, if any."""
        if self.fetching:
            self._cancel_page()
            self.fetching = False

    def extend(self, choices: Any, cursor: object | None) -> None:
        self.stop_fetching()  # read elsewhere from the same place: the page under way is not
        super().extend(choices, cursor)

    def _add(self, after: object | None, page: ChoicePage) -> None:
        self.fetching = False
        if after != self.cursor or (after is None and self._read):
            return  # the list was read on meanwhile
        self.extend(*page)
        self.page_added()

    def _fail(self, error: BaseException) -> None:
        self.fetching = False
        self.page_failed(error)
