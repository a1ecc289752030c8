"""What every reader shares: the engine, the backend's search, and the keyset paging helpers.

A reader is a class over one engine that answers the questions of one subject (stakeholders,
statements, positions...) with plain rows. A reader that needs another subject's questions
derives from its reader; `Archive` is every reader in one object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Engine, Select, and_, func, literal, true, tuple_

from carebrowser.data.tables import Stakeholder
from carebrowser.queries import backend

Organisation = Stakeholder.alias("organisation")
SecondOrganisation = Stakeholder.alias("second_organisation")
T = TypeVar("T")

#: Above this many matching statements, a page is read along the sort order's index with the
#: filters checked row by row; below it, the filters' indexes find the rows, which are sorted.
#: Either way a page costs a few thousand rows at most, however large the archive.
FEW_ROWS = 3000


class Reader:
    """Read-only questions over one database; every method returns plain rows."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._search = backend.for_engine(engine)
        self._sqlite = engine.dialect.name == "sqlite"

    def _rows_where_in(self, query: Select[Any], column: Any, values: Iterable[T]) -> list[Any]:
        """The rows of *query* whose *column* is one of *values*, asked 500 values at a time
        (a statement takes a limited number of parameters)."""
        rows: list[Any] = []
        wanted = list(dict.fromkeys(values))
        if not wanted:
            return rows
        with self.engine.connect() as connection:
            for chunk in chunks(wanted, 500):
                rows += connection.execute(query.where(column.in_(chunk))).all()
        return rows

    @staticmethod
    def _all(fetch: Any) -> Iterator[Any]:
        """Every row of the pages *fetch(after)* returns, read to the last."""
        after = None
        while True:
            page = fetch(after)
            yield from page.rows
            if page.cursor is None:
                return
            after = page.cursor


def organisation_name() -> Any:
    """The organisation's name, and a second one's after '; ' for a person with joint posts
    ("Herefordshire health authority; Herefordshire Council"); NULL for none."""
    return Organisation.name + func.coalesce(literal("; ") + SecondOrganisation.name, "")


def with_organisations(query: Select[Any]) -> Select[Any]:
    """*query* (over Stakeholder) joined to the organisations that organisation_name() names."""
    return query.outerjoin(Organisation, Organisation.id == Stakeholder.organisation_id).outerjoin(
        SecondOrganisation, SecondOrganisation.id == Stakeholder.second_organisation_id
    )


def matchable(name: str) -> bool:
    """Whether a name fragment can match: no name is over 1,000 characters long or holds a lone
    surrogate (a broken paste), and SQLite refuses LIKE patterns over 50,000 bytes and text that
    is not UTF-8."""
    return len(name) <= 1000 and not any("\ud800" <= c <= "\udfff" for c in name)


def like_pattern(text: str) -> str:
    """A LIKE pattern (escaped with a backslash) that finds *text* anywhere."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def after_cursor(columns: Sequence[Any], cursor: tuple[object, ...], desc: bool) -> Any:
    """The rows after *cursor* in the order of *columns* (a keyset page's condition)."""
    key = tuple_(*columns)
    value = tuple_(*(literal(v) for v in cursor))
    # The first column's bound is implied by the tuple's; stated apart, it lets SQLite start an
    # index range there even when the key's columns span two tables (no OFFSET-like skipping).
    first = columns[0] <= literal(cursor[0]) if desc else columns[0] >= literal(cursor[0])
    return and_(first, key < value if desc else key > value)


def checked_row_by_row(condition: Any) -> Any:
    """The same condition, in a form no index can serve: SQLite then reads in the sort order."""
    return condition.is_(true())


def make(cls: Callable[..., T], *values: Any, **named: Any) -> T:
    """*cls* made of *values* and *named* (a row type from a row with extra fields)."""
    return cls(*values, **named)


def chunks(items: list[T], size: int) -> Iterator[list[T]]:
    """*items* in lists of *size* (the last shorter)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
