"""What an empty view says: "No statements match the search “zzzz” …" over the empty table or
picture, instead of a blank space."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractScrollArea, QLabel, QWidget

from carebrowser.data.search_syntax import describe_search
from carebrowser.queries import Filters

#: How to clear the filters, as the filter bar's button says.
CLEAR_HINT = "Change the search, or clear the filters (Alt+L)."


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def no_match_text(filters: Filters, what: str = "statements") -> str:
    """'No statements match the search “zzzz” and the category chosen.' with how to see more;
    "" when nothing narrows *what* (an empty dataset is not a search's doing)."""
    conditions = []
    if filters.search.strip():
        conditions.append(f"the search {describe_search(filters.search)}")
    chosen = [
        name
        for name, narrowing in (
            ("proposal", filters.proposals),
            ("category", filters.categories),
            ("source", filters.sources),
            ("stance", filters.stances),
        )
        if narrowing
    ]
    if chosen:
        conditions.append(f"the {_listed(chosen)} chosen")
    if filters.dated:
        conditions.append(f"the dates ({filters.period()})")
    of = " of the stakeholders selected" if filters.stakeholders else ""
    if not conditions:
        return f"No {what}{of}." if of else ""
    return f"No {what}{of} match {_listed(conditions)}. {CLEAR_HINT}"


class EmptyNote(QObject):
    """A sentence over a view while it shows nothing: a label that fills the view (its
    viewport, for a table or a picture that scrolls), read by screen readers as its text."""

    def __init__(self, view: QWidget, text: Callable[[], str]) -> None:
        super().__init__(view)
        self._text = text
        self._area = view.viewport() if isinstance(view, QAbstractScrollArea) else view
        self.label = QLabel(self._area)
        self.label.setObjectName("empty_note")
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setContentsMargins(24, 24, 24, 24)
        self.label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.label.hide()
        self._area.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._area and event.type() == QEvent.Type.Resize:
            self.label.setGeometry(self._area.rect())
        return super().eventFilter(watched, event)

    def refresh(self, *_signal_arguments: object) -> None:
        """Show the sentence when there is one (the view is empty), else hide it."""
        text = self._text()
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.label.setGeometry(self._area.rect())
        self.label.setVisible(bool(text))

    def text(self) -> str:
        """The sentence shown, or "" when none is."""
        return self.label.text() if self.label.isVisibleTo(self._area) else ""
