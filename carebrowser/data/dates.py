"""Dates as precise as they are known: a date and its precision stand for a span of days.

A source's date is the first day of the period it was published in (db/README.md). A statement
dated by month is a span of that month, by year that year, and "approximate" the three months
from the date given (to the end of its third month), and "on or after" runs from the earliest
day it can be with no known end: never a false day.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

#: How many months an approximate date spans, from the month given.
APPROXIMATE_MONTHS: Final = 3
#: The last day of an "on or after" span: its end is not known, so it is left open.
OPEN_END: Final = dt.date.max


def _add_months(date: dt.date, months: int) -> dt.date:
    """The first day of the month *months* after *date*'s month."""
    index = date.year * 12 + date.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def date_span(date: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    """The first and last day (inclusive) a date of this precision may stand for."""
    if precision == "month":
        return date.replace(day=1), _add_months(date, 1) - dt.timedelta(days=1)
    if precision == "year":
        return date.replace(month=1, day=1), date.replace(month=12, day=31)
    if precision == "approximate":
        return date, _add_months(date, APPROXIMATE_MONTHS) - dt.timedelta(days=1)
    if precision == "on or after":
        return date, OPEN_END
    return date, date


def spans_overlap(a: tuple[dt.date, dt.date], b: tuple[dt.date, dt.date]) -> bool:
    """Whether two spans share a day (then neither can be said to come before the other)."""
    return a[0] <= b[1] and b[0] <= a[1]


def date_bound(text: str, *, last: bool = False) -> dt.date:
    """A date typed as YYYY, YYYY-MM or YYYY-MM-DD: the first day of that period, or with
    *last* its last day. Raises ValueError with a sentence saying what is expected."""
    parts = text.strip().split("-")
    try:
        if len(parts) == 1 and len(parts[0]) == 4:
            year = int(parts[0])
            return dt.date(year, 12, 31) if last else dt.date(year, 1, 1)
        if len(parts) == 2 and len(parts[0]) == 4:
            first = dt.date(int(parts[0]), int(parts[1]), 1)
            return _add_months(first, 1) - dt.timedelta(days=1) if last else first
        if len(parts) == 3 and len(parts[0]) == 4:
            return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        pass
    raise ValueError(f"{text!r} is not a date: give YYYY, YYYY-MM or YYYY-MM-DD, such as 2001-10")
