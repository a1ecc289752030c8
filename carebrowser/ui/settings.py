"""One typed registry of the window's options over QSettings, and the filters they remember."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar, cast

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter, QWidget

from carebrowser.data.vocabulary import CATEGORIES, STANCES
from carebrowser.passwords import hide_passwords
from carebrowser.queries import Archive, Filters

ORGANISATION = "carebrowser"
APPLICATION = "carebrowser"

T = TypeVar("T", bool, int, str)


@dataclass(frozen=True)
class Option(Generic[T]):
    """A setting's key and default; the default's type is the value's type."""

    key: str
    default: T


LAST_VIEW = Option("window/last_view", 0)
HIDE_EMPTY = Option("matrix/hide_empty", True)
TRANSPOSE = Option("matrix/transpose", False)
DISAGREEMENTS_ONLY = Option("compare/disagreements_only", False)
QUOTE_SORT = Option("quotes/sort", "date")
QUOTE_DESCENDING = Option("quotes/descending", False)
FILTERS = Option("filters/current", "{}")
#: The stakeholders selected, and those compared, by the dataset's keys (JSON lists).
SELECTED = Option("selection/stakeholders", "[]")
COMPARED = Option("compare/stakeholders", "[]")
#: A search longer than this (a paste gone wrong, most likely) is not remembered.
LONGEST_SAVED_SEARCH = 200


def _coerce(raw: object, default: object) -> object:
    """*raw* as the type of *default*, or *default* when it cannot be read as one."""
    if isinstance(default, bool):
        return raw if isinstance(raw, bool) else str(raw).lower() in ("true", "1", "yes")
    if isinstance(default, int):
        try:
            return int(str(raw))
        except ValueError:
            return default
    return raw if isinstance(raw, str) else default


class Settings:
    """The window's options; tests pass a QSettings of their own so nothing reaches the disk."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store if store is not None else QSettings(ORGANISATION, APPLICATION)

    def value(self, option: Option[T]) -> T:
        """The stored value of *option*, or its default when missing or unreadable."""
        # INI files give back strings; the native stores give back the type that was set.
        return cast(T, _coerce(self.store.value(option.key, option.default), option.default))

    def set_value(self, option: Option[T], value: T) -> None:
        """Remember *value* for *option* (text without any password it may hold)."""
        self.store.setValue(option.key, hide_passwords(value) if isinstance(value, str) else value)

    def keys(self, option: Option[str]) -> list[str]:
        """A list of the dataset's keys stored as JSON under *option* ([] if unreadable)."""
        try:
            plain = json.loads(self.value(option))
        except json.JSONDecodeError:
            return []
        return [k for k in plain if isinstance(k, str)] if isinstance(plain, list) else []

    def set_keys(self, option: Option[str], keys: list[str]) -> None:
        """Remember a list of the dataset's keys under *option*."""
        self.set_value(option, json.dumps(keys))

    def save_geometry(self, name: str, data: QByteArray) -> None:
        """Remember a window's geometry or state, or a splitter's sizes."""
        self.store.setValue(f"geometry/{name}", data)

    def geometry(self, name: str) -> QByteArray | None:
        """What save_geometry stored under *name*, if anything."""
        value = self.store.value(f"geometry/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_splitters(self, root: QWidget, leave: Sequence[QWidget] = ()) -> None:
        """Remember the sizes of every named splitter under *root*, but those in *leave* or
        under one of them."""
        for splitter in root.findChildren(QSplitter):
            if any(page is splitter or page.isAncestorOf(splitter) for page in leave):
                continue
            if splitter.objectName():
                self.save_geometry(f"splitter/{splitter.objectName()}", splitter.saveState())

    def restore_splitters(self, root: QWidget) -> None:
        """Give every named splitter under *root* (and *root*, if one) the sizes it had last
        time."""
        splitters = root.findChildren(QSplitter)
        if isinstance(root, QSplitter):
            splitters.insert(0, root)
        for splitter in splitters:
            state = self.geometry(f"splitter/{splitter.objectName()}")
            if splitter.objectName() and state is not None:
                splitter.restoreState(state)

    def save_filters(self, archive: Archive, filters: Filters) -> None:
        """Remember the filters by the dataset's keys, which survive a rebuild of the database."""
        self.set_value(FILTERS, json.dumps(filters_to_plain(archive, filters)))

    def filters(self, archive: Archive) -> Filters:
        """The filters remembered last time, keeping only what this database still has."""
        try:
            plain = json.loads(self.value(FILTERS))
        except json.JSONDecodeError:
            return Filters()
        return filters_from_plain(archive, plain) if isinstance(plain, dict) else Filters()


def filters_to_plain(archive: Archive, filters: Filters) -> dict[str, object]:
    """Filters as JSON-ready values, proposals and sources by key (selections are not kept)."""
    proposals = {p.id: p.key for p in archive.proposals_by_ids(filters.proposals)}
    sources = {s.id: s.key for s in archive.sources_by_ids(filters.sources)}
    return {
        "search": filters.search if len(filters.search) <= LONGEST_SAVED_SEARCH else "",
        "categories": sorted(filters.categories),
        "proposals": sorted(proposals[i] for i in filters.proposals if i in proposals),
        "sources": sorted(sources[i] for i in filters.sources if i in sources),
        "date_from": filters.date_from.isoformat() if filters.date_from else None,
        "date_to": filters.date_to.isoformat() if filters.date_to else None,
        "stances": sorted(filters.stances),
    }


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _strings(value: object) -> set[str]:
    return {v for v in value if isinstance(v, str)} if isinstance(value, list) else set()


def filters_from_plain(archive: Archive, plain: dict[str, object]) -> Filters:
    """The inverse of filters_to_plain; unknown keys and categories are dropped."""
    keys = _strings(plain.get("proposals"))
    # Read only when needed: at the largest size every proposal is 2,000 rows (~11 ms).
    proposals = {p.key: p.id for p in archive.proposals()} if keys else {}
    sources = {s.key: s.id for s in archive.sources_by_keys(_strings(plain.get("sources")))}
    search = plain.get("search")
    return Filters(
        categories=frozenset(_strings(plain.get("categories")) & set(CATEGORIES)),
        proposals=frozenset(proposals[k] for k in keys if k in proposals),
        sources=frozenset(sources[k] for k in _strings(plain.get("sources")) if k in sources),
        date_from=_date(plain.get("date_from")),
        date_to=_date(plain.get("date_to")),
        search=search if isinstance(search, str) else "",
        stances=frozenset(_strings(plain.get("stances")) & set(STANCES)),
    )
