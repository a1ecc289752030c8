"""Filter objects: what the user has narrowed the view to. Plain, hashable, Qt-free."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Generic, Literal, TypeVar

QuoteSort = Literal["date", "source", "stakeholder"]

#: Rows fetched at a time by lists and tables.
PAGE_SIZE = 200

T = TypeVar("T")


@dataclass(frozen=True)
class Filters:
    """Stakeholders, categories, proposals, sources, stances, a date range and search text, all
    optional.

    Empty sets mean "no restriction". Values within one field are alternatives (OR); fields
    combine (AND). Stances keep the positions taken with one of them, and the statements that
    show one of them (their own stance, on the proposals filtered where there are some).
    """

    stakeholders: frozenset[int] = field(default_factory=frozenset)
    categories: frozenset[str] = field(default_factory=frozenset)
    proposals: frozenset[int] = field(default_factory=frozenset)
    sources: frozenset[int] = field(default_factory=frozenset)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str = ""
    stances: frozenset[str] = field(default_factory=frozenset)

    def but(self, **changes: object) -> Filters:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def dated(self) -> bool:
        """Whether the date range narrows the statements."""
        return self.date_from is not None or self.date_to is not None

    def period(self) -> str:
        """The date range in words: 'all dates', '2001-2002' (with an en dash), 'from 3 Mar
        2001', '1 Oct 2001 to 31 Mar 2002'. A statement counts by the first day of its date."""
        first, last = self.date_from, self.date_to
        if first is None:
            return "all dates" if last is None else f"until {_day(last)}"
        if last is None:
            return f"from {_day(first)}"
        if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
            return str(first.year) if first.year == last.year else f"{first.year}\u2013{last.year}"
        return f"{_day(first)} to {_day(last)}"


_MONTHS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def _day(date: dt.date) -> str:
    return f"{date.day} {_MONTHS[date.month - 1]} {date.year}"


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows and the cursor of the next page (None when there is no more)."""

    rows: list[T]
    cursor: tuple[object, ...] | None
