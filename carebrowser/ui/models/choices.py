"""Lists to choose from: proposals, categories, sources, stakeholders (for combo boxes)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from carebrowser.data.vocabulary import CATEGORIES
from carebrowser.queries import ProposalRow, SourceRow, StakeholderRow
from carebrowser.ui.models.resets import resetting
from carebrowser.ui.models.roles import ID_ROLE, ROOT, ROW_ROLE
from carebrowser.ui.models.variants import returns_variant

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Choice:
    """One entry of a list: what it says, what it stands for, and a longer explanation."""

    label: str
    value: object
    tooltip: str = ""


class ChoiceListModel(QAbstractListModel):
    """A short, fixed list of choices; the first is often 'all' (value None)."""

    def __init__(self, choices: Sequence[Choice] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._choices = list(choices)

    def set_choices(self, choices: Sequence[Choice]) -> None:
        """Replace the list."""
        with resetting(self):
            self._choices = list(choices)

    def value(self, row: int) -> object:
        """What the choice in *row* stands for."""
        return self._choices[row].value if 0 <= row < len(self._choices) else None

    def row_of(self, value: object) -> int:
        """The row of the choice standing for *value*, or -1."""
        return next((r for r, c in enumerate(self._choices) if c.value == value), -1)

    def row_of_id(self, identifier: int) -> int:
        """The row of the choice whose value has this id (a stakeholder, a source), or -1."""
        return next(
            (r for r, c in enumerate(self._choices) if getattr(c.value, "id", None) == identifier),
            -1,
        )

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._choices)

    @returns_variant
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._choices):
            return None
        choice = self._choices[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return choice.label
        if role == Qt.ItemDataRole.ToolTipRole:
            return choice.tooltip or choice.label
        if role == ROW_ROLE:
            return choice.value
        if role == ID_ROLE:
            value = getattr(choice.value, "id", choice.value)
            return value if isinstance(value, int | str) else None
        return None


def proposal_choices(proposals: Sequence[ProposalRow]) -> list[Choice]:
    """'All proposals' and each proposal (value: its id)."""
    return [Choice("All proposals", None)] + [Choice(p.title, p.id, p.summary) for p in proposals]


def category_choices() -> list[Choice]:
    """'All categories' and each category of the vocabulary."""
    return [Choice("All categories", None)] + [
        Choice(c[0].upper() + c[1:], c, f"Stakeholders in the category {c}") for c in CATEGORIES
    ]


def source_choices(sources: Sequence[SourceRow]) -> list[Choice]:
    """'All sources' and each source (value: its id)."""
    return [Choice("All sources", None)] + [
        Choice(f"{s.publication}: {s.title}" if s.headline else s.title, s.id, s.date_label)
        for s in sources
    ]


def stakeholder_choices(stakeholders: Sequence[StakeholderRow]) -> list[Choice]:
    """'(none)' and each stakeholder (value: the row)."""
    return [Choice("(none)", None)] + [
        Choice(s.name, s, s.description or s.category) for s in stakeholders
    ]


def reader_source_choices(sources: Sequence[SourceRow], matching: set[int]) -> list[Choice]:
    """Each source by date, those whose text matches the search marked in words."""
    return [
        Choice(
            (f"{s.headline} \u2014 " if s.headline else "(no headline) ")
            + f"{s.publication}, {s.date_label}"
            + (" \u2014 matches the search" if s.id in matching else ""),
            s,
            f"{s.statement_count} statements",
        )
        for s in sources
    ]


#: One page of choices and the cursor of the next (None after the last).
ChoicePage = tuple[list[Choice], object | None]


class PagedChoiceListModel(ChoiceListModel):
    """A long list read a page at a time (canFetchMore/fetchMore), and only once started.

    Until start() (a chooser's first popup) it holds only its head (say 'All sources') and the
    choices pinned to it (one restored from the settings); nothing of the table is read.
    """

    def __init__(
        self,
        head: Sequence[Choice],
        fetch: Callable[[object | None], ChoicePage],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(head, parent)
        self._fetch = fetch
        self._head = len(head)
        self._cursor: object | None = None
        self._started = False
        self._done = False

    def start(self) -> None:
        """Let views read the list (the first page now)."""
        if not self._started:
            self._started = True
            self.fetchMore()

    def pin(self, choice: Choice) -> int:
        """Make sure *choice* is in the list (after the head if not read yet); its row."""
        row = self.row_of(choice.value)
        if row < 0:
            row = self._head
            self.beginInsertRows(ROOT, row, row)
            self._choices.insert(row, choice)
            self.endInsertRows()
        return row

    def canFetchMore(self, parent: Index = ROOT) -> bool:
        return not parent.isValid() and self._started and not self._done

    def fetchMore(self, parent: Index = ROOT) -> None:
        if not self.canFetchMore(parent):
            return
        choices, self._cursor = self._fetch(self._cursor)
        self._done = self._cursor is None
        known = {c.value for c in self._choices}
        new = [c for c in choices if c.value not in known]
        if new:
            first = len(self._choices)
            self.beginInsertRows(ROOT, first, first + len(new) - 1)
            self._choices += new
            self.endInsertRows()
