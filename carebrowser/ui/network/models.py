"""Thin table models over a network: its ties, and its stakeholders. Sorted in memory: a network
holds at most a few thousand ties (the most active stakeholders only)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from carebrowser.analysis.networks import Edge, Network

Index = QModelIndex | QPersistentModelIndex
#: A row's sort key, for each column.
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


class RowsModel(QAbstractTableModel):
    """Rows of plain values with a header; sortable by any column."""

    def __init__(self, header: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self.header = tuple(header)
        self.rows: list[tuple[object, ...]] = []
        self.keys: list[tuple[object, ...]] = []

    def set_rows(
        self, rows: Sequence[tuple[object, ...]], keys: Sequence[tuple[object, ...]]
    ) -> None:
        """Show *rows*; *keys* say what each stands for (a node or a tie)."""
        self.beginResetModel()
        self.rows, self.keys = list(rows), list(keys)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.header)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{value:.3g}" if isinstance(value, float) else str(value)
        if role == SORT_ROLE:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, (int, float)):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.header[section]
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        keys_before = [self.keys[i.row()] for i in before]
        key: Callable[[int], Any] = lambda n: _sortable(self.rows[n][column])  # noqa: E731
        order_of = sorted(
            range(len(self.rows)), key=key, reverse=order == Qt.SortOrder.DescendingOrder
        )
        self.rows = [self.rows[n] for n in order_of]
        self.keys = [self.keys[n] for n in order_of]
        where = {k: n for n, k in enumerate(self.keys)}
        after = [self.index(where[k], i.column()) for k, i in zip(keys_before, before, strict=True)]
        self.changePersistentIndexList(before, after)
        self.layoutChanged.emit()

    def row_of(self, key: tuple[object, ...]) -> int:
        """The row of a node or tie, or -1."""
        try:
            return self.keys.index(key)
        except ValueError:
            return -1


def _sortable(value: object) -> tuple[int, Any]:
    if isinstance(value, (int, float)):
        return (0, value)
    return (1, str(value).casefold())


TIE_HEADER = ("Stakeholder", "Stakeholder", "Agree", "Conflict", "Weight", "Proposals")
ACTOR_HEADER = ("Stakeholder", "Category", "Statements", "Positions", "Coalition")


#: The proposals a tie's row names; past these, how many more.
TITLES_SHOWN = 6


def tie_rows(network: Network) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """A row per tie: both stakeholders, the proposals they agree and conflict on, the weight,
    and the proposals (the first few by title). Plain Python: made on the worker's thread."""
    names = {a.id: a.name for a in network.actors}
    titles = {p.id: p.title for p in network.proposals}
    rows: list[tuple[object, ...]] = []
    keys: list[tuple[object, ...]] = []
    for edge in network.edges:
        rows.append(_tie_row(network, edge, names, titles))
        keys.append(("e", edge.source, edge.target))
    return rows, keys


def _named(network: Network, proposals: Sequence[int]) -> str:
    """The proposals by title, or the first few (by id: a tie at scale has hundreds) and how
    many more."""
    first = proposals if len(proposals) <= TITLES_SHOWN else sorted(proposals)[:TITLES_SHOWN]
    text = "; ".join(sorted(network.proposal_titles.get(p, str(p)) for p in first))
    more = len(proposals) - len(first)
    return f"{text} and {more} more" if more > 0 else text


def _tie_row(
    network: Network,
    edge: Edge,
    names: dict[int, str],
    titles: dict[int, str],
) -> tuple[object, ...]:
    if network.kind == "affiliation":
        return (
            names[edge.source],
            titles.get(edge.target, ""),
            int(edge.weight > 0),
            int(edge.weight < 0),
            edge.weight,
            edge.stance,
        )
    return (
        names[edge.source],
        names[edge.target],
        len(edge.agree),
        len(edge.conflict),
        edge.weight,
        _named(network, (*edge.agree, *edge.conflict)),
    )


def actor_rows(network: Network) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """A row per stakeholder drawn."""
    rows: list[tuple[object, ...]] = [
        (a.name, a.category, a.statement_count, a.activity, a.coalition or "none")
        for a in network.actors
    ]
    return rows, [("s", a.id) for a in network.actors]
