"""The stakeholder tree: category rows with counts, stakeholders under them, filtered in SQL;
under an organisation, the people who speak for it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from carebrowser.queries import PAGE_SIZE, Archive, CategoryCount, Page, StakeholderRow
from carebrowser.ui.models.resets import resetting
from carebrowser.ui.models.roles import ID_ROLE, ROOT, ROW_ROLE

Index = QModelIndex | QPersistentModelIndex
HEADERS = ("Stakeholder", "Role or organisation")
_COLUMNS = len(HEADERS)
_CATEGORY_FLAGS = Qt.ItemFlag.ItemIsEnabled
_STAKEHOLDER_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
#: A row that never has rows under it: a view asks it nothing more when it lays it out.
_LEAF_FLAGS = _STAKEHOLDER_FLAGS | Qt.ItemFlag.ItemNeverHasChildren
#: The cursor of a category not read yet (None: read to its end).
_FROM_START: tuple[object, ...] = ()


@dataclass(frozen=True)
class Filter:
    """What the list shows: the categories (all when empty), a name fragment, and whether only
    stakeholders with statements."""

    categories: frozenset[str]
    name: str
    speaking: bool


@dataclass
class FirstScreen:
    """A filter's first screenful, read on any thread (StakeholderTreeModel.read_first)."""

    filter: Filter
    tree: list[_Category]
    counting: bool
    people: dict[int, list[StakeholderRow]]
    #: Each category's items (see _category_items), made where it was read.
    items: list[list[QStandardItem]]


@dataclass
class MorePage:
    """A category's next page, read on any thread (StakeholderTreeModel.page_reader)."""

    filter: Filter
    category: str
    #: The cursor it was read after: shown only while the category still ends there.
    after: tuple[object, ...] | None
    page: Page[StakeholderRow]
    people: dict[int, list[StakeholderRow]]
    #: Each stakeholder's items (see _stakeholder_items), made where it was read.
    items: list[list[QStandardItem]]


@dataclass
class Counts:
    """A filter's category counts, read on any thread (StakeholderTreeModel.read_counts)."""

    filter: Filter
    counts: list[CategoryCount]


@dataclass
class UpTo:
    """The list read on up to some stakeholders, on any thread (StakeholderTreeModel.up_to):
    the categories' counts when they were still to be read, the next page of each category
    that ends above one of them, and the stakeholders themselves by id (those the list hides
    too)."""

    filter: Filter
    counts: Counts | None
    pages: list[MorePage]
    rows: dict[int, StakeholderRow]


@dataclass
class _Category:
    name: str
    count: int
    rows: list[StakeholderRow] = field(default_factory=list)
    cursor: tuple[object, ...] | None = None
    #: False while *count* is only what has been read (the category's count comes later).
    counted: bool = True

    @property
    def label(self) -> str:
        shown = self.name[0].upper() + self.name[1:]
        return f"{shown} ({self.count:,})" if self.counted else f"{shown} ({self.count:,}+)"


def _counted(tree: list[_Category], counts: list[CategoryCount]) -> list[_Category]:
    """Give the categories of *tree* their *counts*; the categories after them, not read yet."""
    known = {category.name: category for category in tree}
    for category in tree:
        category.counted = True
    for found in counts:
        if found.category in known:
            known[found.category].count = found.count
    return [
        _Category(c.category, c.count, cursor=_FROM_START)
        for c in counts
        if c.category not in known and c.count
    ]


# The list's rows are items that answer views in C++: views ask several questions of every row
# they lay out or paint, and a Python model's answers cost about 5 us apiece (most of the time
# a page of a long category took to lay out). Items are made where their rows are read, on a
# reading thread; the GUI thread only puts them in.


def _template(flags: Qt.ItemFlag) -> QStandardItem:
    item = QStandardItem()
    item.setFlags(flags)
    return item


#: Each kind of row's flags, copied into its items.
_CATEGORY_ITEM = _template(_CATEGORY_FLAGS)
_ORGANISATION_ITEM = _template(_STAKEHOLDER_FLAGS)
_LEAF_ITEM = _template(_LEAF_FLAGS)


def _row_items(
    template: QStandardItem, texts: tuple[str, str], tooltip: str, row: object
) -> list[QStandardItem]:
    """A row's two items, made from *template*."""
    items = []
    for text in texts:
        item = template.clone()
        item.setText(text)
        item.setToolTip(tooltip)
        item.setData(row, ROW_ROLE)
        if isinstance(row, StakeholderRow):
            item.setData(row.id, ID_ROLE)
        items.append(item)
    return items


def _tooltip(row: StakeholderRow) -> str:
    statements = f"{row.statement_count:,} statement{'s' if row.statement_count != 1 else ''}"
    detail = f" ({row.description})" if row.description else ""
    return f"{row.name}{detail}: {statements}"


def _stakeholder_items(
    row: StakeholderRow, people: dict[int, list[StakeholderRow]]
) -> list[QStandardItem]:
    """A stakeholder's row, with the people of an organisation under it."""
    under = people.get(row.id, [])
    template = _ORGANISATION_ITEM if under else _LEAF_ITEM
    items = _row_items(template, (row.name, row.description), _tooltip(row), row)
    if under:
        items[1].setFlags(_LEAF_FLAGS)  # the people are under the first column
    for person in under:
        tooltip = f"{_tooltip(person)}; speaks for {row.name}"
        items[0].appendRow(
            _row_items(_LEAF_ITEM, (person.name, person.description), tooltip, person)
        )
    return items


def _category_tip(category: _Category) -> str:
    if not category.counted:
        return f"At least {category.count:,} stakeholders in the category {category.name}"
    return f"{category.count:,} stakeholders in the category {category.name}"


def _category_items(
    category: _Category, people: dict[int, list[StakeholderRow]]
) -> list[QStandardItem]:
    """A category's row, with the stakeholders read under it."""
    items = _row_items(_CATEGORY_ITEM, (category.label, ""), _category_tip(category), category.name)
    items[0].setColumnCount(_COLUMNS)
    for row in category.rows:
        items[0].appendRow(_stakeholder_items(row, people))
    return items


def _more_page(
    wanted: Filter,
    category: str,
    after: tuple[object, ...] | None,
    page: Page[StakeholderRow],
    people: dict[int, list[StakeholderRow]],
) -> MorePage:
    """A page read, with its items made."""
    items = [_stakeholder_items(row, people) for row in page.rows]
    return MorePage(wanted, category, after, page, people, items)


class StakeholderTreeModel(QStandardItemModel):
    """Categories with their stakeholder counts; each category's stakeholders as children.

    An organisation's people (those who speak for it, see Archive.people_by_organisation) are
    its children, read with each page of stakeholders; they also stand in their own category.

    A new filter reads the first screenful in one statement. When that is the whole list, its
    rows give the counts; otherwise the last category read shows "(N+)" and the categories after
    it are not there until the counts are read, once the list is painted: the stakeholder panel
    reads them off the GUI thread (read_counts and show_counts), at start and for each filter;
    what needs them at once calls count_categories.

    Every read has a part that runs on any thread (read_first, page_reader, read_counts) and
    one that shows its answer on the GUI thread (show_first, show_page, show_counts), which
    drops an answer that no longer follows the list (another filter's, or one read already).
    """

    def __init__(
        self,
        archive: Archive,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        speaking: bool = False,
    ) -> None:
        super().__init__(parent)
        self.archive = archive
        self.page_size = page_size
        self.name = ""
        self.categories: frozenset[str] = frozenset()
        #: Only stakeholders with statements (the voices in the debate), or everyone named.
        self.speaking = speaking
        self._tree: list[_Category] = []
        #: The people of each organisation read so far, by the organisation's id.
        self._people: dict[int, list[StakeholderRow]] = {}
        self._busy = False
        #: Whether the categories' counts are still to be read.
        self.counting = False
        self.setHorizontalHeaderLabels(list(HEADERS))
        self._load()

    def set_filter(
        self,
        categories: Iterable[str] = (),
        name: str = "",
        *,
        speaking: bool | None = None,
        force: bool = False,
    ) -> None:
        """Show the stakeholders of *categories* (all when empty) whose name contains *name*;
        with *speaking*, only those with statements (None keeps it as it is).

        *force* reads them again even when the filter is the same (after a failed read). When
        the read fails, the list read before stays, without further pages, and the filter is
        kept, so that reading it again with force reads what was asked for.
        """
        wanted = self.filter_for(categories, name, speaking)
        if wanted == self.filter and not force:
            return
        try:
            first = self.read_first(wanted)
        except BaseException:
            self.keep_failed(wanted)
            raise
        self.show_first(first)

    @property
    def filter(self) -> Filter:
        """The filter the list follows."""
        return Filter(self.categories, self.name, self.speaking)

    def filter_for(
        self, categories: Iterable[str] = (), name: str = "", speaking: bool | None = None
    ) -> Filter:
        """The filter of *categories*, *name* and *speaking* (None: as it is now)."""
        speaking = self.speaking if speaking is None else speaking
        return Filter(frozenset(categories), name, speaking)

    def keep_failed(self, wanted: Filter) -> None:
        """After the first screenful of *wanted* could not be read: the list read before stays,
        without further pages or counts (they would follow another filter), and the filter is
        kept, so that reading it again with force reads what was asked for."""
        self._busy = True  # no fetching while views and testers hear of the reset
        try:
            with resetting(self):
                self.categories, self.name, self.speaking = (
                    wanted.categories,
                    wanted.name,
                    wanted.speaking,
                )
                for category in self._tree:
                    category.cursor = None
                self.counting = False
        finally:
            self._busy = False

    def show_first(self, first: FirstScreen) -> None:
        """Show a first screenful read by read_first (on the GUI thread)."""
        self._busy = True
        try:
            with resetting(self):
                wanted = first.filter
                self.categories, self.name, self.speaking = (
                    wanted.categories,
                    wanted.name,
                    wanted.speaking,
                )
                self._tree, self.counting, self._people = first.tree, first.counting, first.people
                self._build(first.items)
        finally:
            self._busy = False

    def _load(self) -> None:
        first = self.read_first(self.filter)
        self._tree, self.counting, self._people = first.tree, first.counting, first.people
        self._build(first.items)

    def read_first(self, wanted: Filter, limit: int | None = None) -> FirstScreen:
        """The first screenful of *wanted* (*limit* stakeholders, a page when None), in one
        statement, and the people of its organisations (on any thread: nothing of the model is
        touched)."""
        first = self.archive.first_stakeholders(
            wanted.categories,
            wanted.name,
            speaking=wanted.speaking,
            limit=self.page_size if limit is None else max(1, min(limit, self.page_size)),
        )
        tree: list[_Category] = []
        for row in first.rows:
            if not tree or tree[-1].name != row.category:
                tree.append(_Category(row.category, 0))
            tree[-1].rows.append(row)
        for category in tree:
            category.count = len(category.rows)
        if first.cursor is not None:
            tree[-1].cursor, tree[-1].counted = first.cursor, False
        people = self._read_people(first.rows, wanted.speaking)
        items = [_category_items(category, people) for category in tree]
        return FirstScreen(wanted, tree, first.cursor is not None, people, items)

    def _read_people(
        self, rows: Iterable[StakeholderRow], speaking: bool
    ) -> dict[int, list[StakeholderRow]]:
        """The people of the organisations among *rows*."""
        organisations = [row.id for row in rows if row.kind == "organisation"]
        return self.archive.people_by_organisation(organisations, speaking=speaking)

    def count_categories(self) -> None:
        """Read the categories' counts, when the list is longer than its first screenful: the
        last category read gets its count, the categories after it their rows."""
        if self.counting:
            self.show_counts(self.read_counts(self.filter))

    def read_counts(self, wanted: Filter) -> Counts:
        """The categories' counts of *wanted* (on any thread: nothing of the model is touched)."""
        counts = self.archive.category_counts(
            wanted.categories, wanted.name, speaking=wanted.speaking
        )
        return Counts(wanted, counts)

    def show_counts(self, read: Counts) -> bool:
        """Show counts read by read_counts (on the GUI thread); False, and nothing shown, when
        they are not the list's (another filter's, or counted already)."""
        if not self.counting or read.filter != self.filter:
            return False
        self.counting = False
        later = _counted(self._tree, read.counts)
        if self._tree:
            blocked = self.blockSignals(True)  # one change said for all of them, below
            try:
                for row, category in enumerate(self._tree):
                    tooltip = _category_tip(category)
                    self.item(row, 0).setText(category.label)
                    for column in range(_COLUMNS):
                        self.item(row, column).setToolTip(tooltip)
            finally:
                self.blockSignals(blocked)
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._tree) - 1, _COLUMNS - 1))
        if later:
            first = len(self._tree)
            self._tree.extend(later)
            self._insert(self.invisibleRootItem(), first, [_category_items(c, {}) for c in later])
        return True

    def stop_counting(self) -> None:
        """After the counts could not be read: the list stays as read, its total "at least"."""
        self.counting = False

    def total(self) -> int:
        """How many stakeholders pass the filter (loaded or not)."""
        self.count_categories()
        return self.known_total()

    def read_to_end(self) -> bool:
        """Whether every stakeholder that passes the filter has been read (and counted)."""
        return not self.counting and all(c.cursor is None for c in self._tree)

    def known_total(self) -> int:
        """How many stakeholders are known to pass the filter, without reading the counts."""
        return sum(c.count for c in self._tree)

    def category_index(self, name: str) -> QModelIndex:
        """The index of a category row, invalid when the filter leaves it empty."""
        self.count_categories()
        for row, category in enumerate(self._tree):
            if category.name == name:
                return self.index(row, 0)
        return QModelIndex()

    def index_of(self, stakeholder_id: int, *, read: bool = True) -> QModelIndex:
        """The index of a stakeholder, reading its category up to it when needed (with *read*
        False, only among the rows read so far)."""
        for row, category in enumerate(self._tree):
            for child, stakeholder in enumerate(category.rows):
                if stakeholder.id == stakeholder_id:
                    return self.index(child, 0, self.index(row, 0))
        if not read:
            return QModelIndex()
        place = self.archive.stakeholder_place(
            stakeholder_id, self.categories, self.name, speaking=self.speaking
        )
        parent = self.category_index(place[0]) if place else QModelIndex()
        if place is None or not parent.isValid():
            return QModelIndex()
        # Up to it and a page on, as the view will show its neighbours.
        self.read_more(parent, place[1] + 1 - self.rowCount(parent) + self.page_size)
        rows = self._tree[parent.row()].rows
        if place[1] < len(rows) and rows[place[1]].id == stakeholder_id:
            return self.index(place[1], 0, parent)
        return QModelIndex()

    def up_to(self, ids: Sequence[int]) -> Callable[[], UpTo]:
        """A function that reads, on any thread, the list on up to each of *ids* and a page
        beyond (as the view will show their neighbours), and the stakeholders themselves; see
        show_up_to."""
        wanted, counting, page_size = self.filter, self.counting, self.page_size
        #: Where each category's rows read end: its cursor (None: read to its end), and how many.
        ends = {c.name: (c.cursor, len(c.rows)) for c in self._tree}
        archive = self.archive

        def read() -> UpTo:
            counts = self.read_counts(wanted) if counting else None
            for found in counts.counts if counts is not None else ():
                if found.category not in ends and found.count:
                    ends[found.category] = (_FROM_START, 0)
            needed: dict[str, int] = {}
            for stakeholder_id in ids:
                place = archive.stakeholder_place(
                    stakeholder_id, wanted.categories, wanted.name, speaking=wanted.speaking
                )
                if place is None or place[0] not in ends:
                    continue
                cursor, read_so_far = ends[place[0]]
                if cursor is not None and place[1] >= read_so_far:
                    more = place[1] + 1 - read_so_far + page_size
                    needed[place[0]] = max(needed.get(place[0], 0), more)
            pages = []
            for name, limit in needed.items():
                after = ends[name][0]
                page = archive.stakeholders(
                    {name}, wanted.name, speaking=wanted.speaking, after=after or None, limit=limit
                )
                people = self._read_people(page.rows, wanted.speaking)
                pages.append(_more_page(wanted, name, after, page, people))
            rows = {s.id: s for s in archive.stakeholders_by_ids(ids)}
            return UpTo(wanted, counts, pages, rows)

        return read

    def show_up_to(self, up_to: UpTo) -> None:
        """Show what up_to() read (on the GUI thread); what no longer follows the list (another
        filter's, or read already) is dropped, as show_counts and show_page do."""
        if up_to.counts is not None:
            self.show_counts(up_to.counts)
        for page in up_to.pages:
            self.show_page(page)

    def has_more(self, parent: Index) -> bool:
        """Whether the category at *parent* has stakeholders not read yet."""
        if not parent.isValid() or parent.parent().isValid() or parent.column() != 0:
            return False
        return self._tree[parent.row()].cursor is not None

    def read_more(self, parent: Index, at_least: int = 0) -> None:
        """Read the next page of the category at *parent* (at least *at_least* stakeholders)
        here and now (index_of); the panel reads pages off the GUI thread (page_reader)."""
        if self._busy:
            return
        read = self.page_reader(parent, at_least)
        if read is not None:
            self.show_page(read())

    def page_reader(self, parent: Index, at_least: int = 0) -> Callable[[], MorePage] | None:
        """A function that reads the next page of the category at *parent*, and the people of
        its organisations, on any thread; None when the category is read to its end."""
        if not self.has_more(parent):
            return None
        category = self._tree[parent.row()]
        wanted, name, after = self.filter, category.name, category.cursor
        limit = max(self.page_size, at_least)

        def read() -> MorePage:
            page = self.archive.stakeholders(
                {name},
                wanted.name,
                speaking=wanted.speaking,
                after=after or None,  # _FROM_START: the first page
                limit=limit,
            )
            people = self._read_people(page.rows, wanted.speaking)
            return _more_page(wanted, name, after, page, people)

        return read

    def show_page(self, more: MorePage) -> list[StakeholderRow]:
        """Add a page read by page_reader (on the GUI thread); the stakeholders added, none when
        the page no longer follows the list (another filter's, or read already)."""
        if self._busy or more.filter != self.filter or more.after is None:
            return []
        row = next((r for r, c in enumerate(self._tree) if c.name == more.category), None)
        if row is None or self._tree[row].cursor != more.after:
            return []
        category, page = self._tree[row], more.page
        category.cursor = page.cursor
        self._people.update(more.people)
        if page.rows:
            first = len(category.rows)
            self._busy = True  # views and the model tester may ask for more meanwhile
            try:
                category.rows.extend(page.rows)
                self._insert(self.item(row, 0), first, more.items)
            finally:
                self._busy = False
        return page.rows

    def stop_reading(self, category_name: str) -> None:
        """After a page of a category could not be read: no further pages are read for it
        (until the list is read again)."""
        for category in self._tree:
            if category.name == category_name:
                category.cursor = None

    # -- the items ----------------------------------------------------------------------------

    def _insert(self, parent: QStandardItem, first: int, rows: list[list[QStandardItem]]) -> None:
        """Insert *rows* under *parent* at *first*: one insertion for views to hear of."""
        parent.insertRows(first, [items[0] for items in rows])
        # The second column is filled before anything is painted; each item set would say
        # that it changed, to no one who has seen it yet.
        blocked = self.blockSignals(True)
        try:
            for offset, items in enumerate(rows):
                for column in range(1, _COLUMNS):
                    parent.setChild(first + offset, column, items[column])
        finally:
            self.blockSignals(blocked)

    def _build(self, categories: list[list[QStandardItem]]) -> None:
        """Make *categories* (their items) the list's rows (views hear of none of it: the model
        is new, or being reset)."""
        root = self.invisibleRootItem()
        blocked = self.blockSignals(True)
        try:
            root.removeRows(0, root.rowCount())
            for items in categories:
                root.appendRow(items)
        finally:
            self.blockSignals(blocked)

    def hasChildren(self, parent: Index = ROOT) -> bool:
        # A category not read yet has rows to come: views show it open-able, and open it.
        if parent.isValid() and parent.column() == 0 and not parent.parent().isValid():
            return self._tree[parent.row()].count > 0
        return super().hasChildren(parent)

    def stakeholders(self, indexes: Iterable[QModelIndex]) -> list[StakeholderRow]:
        """The stakeholders behind *indexes* (category rows and repeats left out), in order."""
        found: dict[int, StakeholderRow] = {}
        for index in indexes:
            row = index.data(ROW_ROLE)
            if isinstance(row, StakeholderRow):
                found.setdefault(row.id, row)
        return list(found.values())
