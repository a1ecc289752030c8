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
    """Stakeholders, categories, proposals, sources, a date range and search text, all optional.

    Empty sets mean "no restriction". Values within one field are alternatives (OR); fields
    combine (AND).
    """

    stakeholders: frozenset[int] = field(default_factory=frozenset)
    categories: frozenset[str] = field(default_factory=frozenset)
    proposals: frozenset[int] = field(default_factory=frozenset)
    sources: frozenset[int] = field(default_factory=frozenset)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    search: str = ""

    def but(self, **changes: object) -> Filters:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of rows and the cursor of the next page (None when there is no more)."""

    rows: list[T]
    cursor: tuple[object, ...] | None
