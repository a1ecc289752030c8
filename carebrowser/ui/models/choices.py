"""Lists to choose from: proposals, categories, sources, stakeholders (for combo boxes)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence, Set
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from carebrowser.data.vocabulary import CATEGORIES, STANCES
from carebrowser.queries import ProposalRow, SourceRow, StakeholderRow
from carebrowser.ui.models.resets import resetting
from carebrowser.ui.models.roles import ID_ROLE, ROOT, ROW_ROLE
from carebrowser.ui.models.variants import returns_variant

Index = QModelIndex | QPersistentModelIndex
#: The roles a choice's label and value give.
_LABEL_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.ToolTipRole,
    ROW_ROLE,
    ID_ROLE,
]


@dataclass(frozen=True)
class Choice:
    """One entry of a list: what it says, what it stands for, and a longer explanation."""

    label: str
    value: object
    tooltip: str = ""
    #: A heading over the choices after it (a category): shown, never chosen.
    heading: bool = False


@dataclass(frozen=True)
class CategoryHeading:
    """What a category's heading in a list of stakeholders stands for."""

    category: str


class ChoiceListModel(QAbstractListModel):
    """A short, fixed list of choices; the first is often 'all' (value None)."""

    def __init__(self, choices: Sequence[Choice] = (), parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._choices = list(choices)

    def set_choices(self, choices: Sequence[Choice]) -> None:
        """Replace the list."""
        with resetting(self):
            self._choices = list(choices)

    def replace(self, first: int, choices: Sequence[Choice]) -> None:
        """Put *choices* in place of the rows from *first* on (new labels, say)."""
        if not choices:
            return
        last = first + len(choices) - 1
        if not 0 <= first <= last < len(self._choices):
            raise IndexError(f"rows {first}..{last} are not in the list")
        self._choices[first : last + 1] = choices
        self.dataChanged.emit(self.index(first), self.index(last), _LABEL_ROLES)

    def choice(self, row: int) -> Choice:
        """The choice in *row*."""
        return self._choices[row]

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

    def is_heading(self, row: int) -> bool:
        """Whether *row* is a heading (not a choice)."""
        return 0 <= row < len(self._choices) and self._choices[row].heading

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self._choices)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if index.isValid() and self.is_heading(index.row()):
            # Disabled: combo boxes and list views step over it and never choose it.
            return Qt.ItemFlag.ItemNeverHasChildren
        return super().flags(index)

    @returns_variant
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._choices):
            return None
        choice = self._choices[index.row()]
        if choice.heading:
            return self._heading_data(choice, role)
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

    @staticmethod
    def _heading_data(choice: Choice, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return choice.label
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{choice.label} (heading)"
        if role == Qt.ItemDataRole.ToolTipRole:
            return choice.tooltip or None
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            # In the text's own colour: a disabled row's grey would be too faint to read.
            return QGuiApplication.palette().color(QPalette.ColorRole.WindowText)
        return None


def proposal_choices(proposals: Sequence[ProposalRow]) -> list[Choice]:
    """'All proposals' and each proposal (value: its id)."""
    return [Choice("All proposals", None)] + [Choice(p.title, p.id, p.summary) for p in proposals]


def category_choices() -> list[Choice]:
    """'All categories' and each category of the vocabulary."""
    return [Choice("All categories", None)] + [
        Choice(c[0].upper() + c[1:], c, f"Stakeholders in the category {c}") for c in CATEGORIES
    ]


#: The stance filter's choices beyond each stance alone: the two the questions ask most.
STANCE_GROUPS = (
    ("Supports, with or without conditions", ("supports", "conditional support")),
    ("Opposes or has concerns", ("opposes", "concerns")),
)


def stance_label(stances: frozenset[str]) -> str:
    """A set of stances in words, in the vocabulary's order: 'opposes or concerns'."""
    return " or ".join(s for s in STANCES if s in stances)


def stance_choices(extra: frozenset[str] = frozenset()) -> list[Choice]:
    """'All stances', each stance, the usual groups of them (value: a frozenset of stances);
    and *extra*, a set of stances none of these stands for (as a saved filter may hold)."""
    choices = [Choice("All stances", None)]
    for stance in STANCES:
        choices.append(
            Choice(stance[0].upper() + stance[1:], frozenset({stance}), f"Positions: {stance}")
        )
    for label, stances in STANCE_GROUPS:
        choices.append(Choice(label, frozenset(stances), f"Positions: {' or '.join(stances)}"))
    if extra and all(c.value != extra for c in choices):
        label = stance_label(extra)
        choices.append(Choice(label[0].upper() + label[1:], extra, f"Positions: {label}"))
    return choices


def source_choices(sources: Sequence[SourceRow]) -> list[Choice]:
    """'All sources' and each source (value: its id)."""
    return [Choice("All sources", None)] + [
        Choice(s.name, s.id, f"{s.statement_count} statements" if s.statement_count else "")
        for s in sources
    ]


def stakeholder_choices(stakeholders: Sequence[StakeholderRow]) -> list[Choice]:
    """'(none)' and each stakeholder (value: the row)."""
    return [Choice("(none)", None)] + [stakeholder_choice(s) for s in stakeholders]


def stakeholder_choice(stakeholder: StakeholderRow, *, described: bool = False) -> Choice:
    """A stakeholder by name (value: the row); *described* adds its role or organisation."""
    label = stakeholder.name
    more = stakeholder.role or stakeholder.organisation
    if described and more:
        label += f" \u2014 {more}"
    return Choice(label, stakeholder, stakeholder.description or stakeholder.category)


def category_label(category: str) -> str:
    """A category as a heading: 'Local government'."""
    return category[0].upper() + category[1:] if category else category


def grouped_stakeholder_choices(
    stakeholders: Sequence[StakeholderRow], after: str | None = None, *, described: bool = False
) -> list[Choice]:
    """The stakeholders (in the list's order) under a heading for each category, as the
    stakeholder list groups them; *after* is the category of the choices before these (a page
    that goes on in it adds no heading)."""
    choices: list[Choice] = []
    for stakeholder in stakeholders:
        if stakeholder.category != after:
            after = stakeholder.category
            label = category_label(after)
            choices.append(
                Choice(label, CategoryHeading(after), f"Stakeholders in the category {after}", True)
            )
        choices.append(stakeholder_choice(stakeholder, described=described))
    return choices


def reader_source_choice(source: SourceRow, matches: bool) -> Choice:
    """A source by its headline, publication and date; 'matches the search' when its text does."""
    return Choice(
        source.name + (" \u2014 matches the search" if matches else ""),
        source,
        f"{source.statement_count} statements",
    )


def reader_source_choices(sources: Sequence[SourceRow], matching: Set[int]) -> list[Choice]:
    """Each source by date, those whose text matches the search marked in words."""
    return [reader_source_choice(s, s.id in matching) for s in sources]


#: One page of choices and the cursor of the next (None after the last).
ChoicePage = tuple[list[Choice], object | None]
#: Runs a read off the GUI thread: (read, show its answer, tell its failure).
StartRead = Callable[
    [Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], Any
]


class PagedChoiceListModel(ChoiceListModel):
    """A long list read a page at a time (canFetchMore/fetchMore), and only once started.

    Rows: the head (say 'All sources'), then the choices pinned to the list (one restored from
    the settings, one shown before its page is read), then the pages read, in the list's order.
    Until start() (a chooser's first popup) nothing of the table is read.
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
        self._pins = 0
        self._cursor: object | None = None
        self._read = False
        self._started = False
        self._done = False
        self._busy = False
        #: Runs a read off the GUI thread: (read, show its answer, tell its failure).
        self._start_read: StartRead | None = None
        self._failed: Callable[[BaseException], None] = lambda _error: None
        #: Whether a page is being read off the GUI thread.
        self.fetching = False

    @contextlib.contextmanager
    def _inserting(self, first: int, count: int) -> Iterator[None]:
        """Insert rows; no fetching while views and testers hear of them."""
        self._busy = True
        self.beginInsertRows(ROOT, first, first + count - 1)
        try:
            yield
        finally:
            self.endInsertRows()
            self._busy = False

    @property
    def started(self) -> bool:
        """Whether views may read the list (start() was called)."""
        return self._started

    @property
    def cursor(self) -> object | None:
        """Where the next page starts: after this cursor, or at the beginning when None."""
        return self._cursor

    @property
    def first_read_row(self) -> int:
        """The row of the first choice read in a page (after the head and the pinned)."""
        return self._head + self._pins

    def is_pinned(self, row: int) -> bool:
        """Whether *row* holds a pinned choice (out of the list's order)."""
        return self._head <= row < self._head + self._pins

    def read_to_end(self) -> bool:
        """Whether every choice has been read (nothing more to fetch)."""
        return self._done

    def start(self) -> None:
        """Let views read the list; reads the first page unless one has been read."""
        self._started = True
        if not self._read:
            self.fetchMore()

    def start_with(self, choices: Sequence[Choice], cursor: object | None) -> None:
        """Start with a first page read already (elsewhere, say on a reading thread)."""
        self._started = True
        self.extend(choices, cursor)

    def pin(self, choice: Choice) -> int:
        """Make sure *choice* is in the list (if not read yet, after the head and the choices
        pinned before it); its row."""
        row = self.row_of(choice.value)
        if row < 0:
            row = self._head + self._pins
            with self._inserting(row, 1):
                self._choices.insert(row, choice)
                self._pins += 1
        return row

    def extend(self, choices: Sequence[Choice], cursor: object | None) -> None:
        """Add the choices that follow `cursor` (read elsewhere); *cursor* is the next page's."""
        pinned = {c.value for c in self._choices[self._head : self._head + self._pins]}
        new = [c for c in choices if c.value not in pinned]
        self._cursor, self._done, self._read = cursor, cursor is None, True
        if new:
            with self._inserting(len(self._choices), len(new)):
                self._choices += new

    def read_off_thread(
        self, start: StartRead, failed: Callable[[BaseException], None] | None = None
    ) -> None:
        """Read the pages with *start*, which runs a read off the GUI thread (a ReadStream's
        read); *failed* hears of a page that could not be read. Without it, fetchMore reads on
        the GUI thread."""
        self._start_read = start
        if failed is not None:
            self._failed = failed

    def canFetchMore(self, parent: Index = ROOT) -> bool:
        return (
            not parent.isValid()
            and self._started
            and not self._done
            and not self._busy
            and not self.fetching
        )

    def fetchMore(self, parent: Index = ROOT) -> None:
        if not self.canFetchMore(parent):
            return
        if self._start_read is None:
            self.extend(*self._fetch(self._cursor))
            return
        fetch, cursor = self._fetch, self._cursor
        self.fetching = True
        self._start_read(lambda: fetch(cursor), lambda page: self._arrived(cursor, page),
                         self._not_read)  # fmt: skip

    def _arrived(self, cursor: object | None, page: ChoicePage) -> None:
        self.fetching = False
        if cursor == self._cursor and not self._done:  # not a page added since
            self.extend(*page)

    def _not_read(self, error: BaseException) -> None:
        self.fetching = False
        self._failed(error)
