"""The time axis: days to pixels and back, and the ticks a window of time is labelled with."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from carebrowser.analysis.timeline import MONTHS

ONE_DAY = dt.timedelta(days=1)


def month_start(date: dt.date) -> dt.date:
    """The first day of *date*'s month."""
    return date.replace(day=1)


def next_month(date: dt.date) -> dt.date:
    """The first day of the month after *date*'s."""
    return dt.date(date.year + date.month // 12, date.month % 12 + 1, 1)


def month_end(date: dt.date) -> dt.date:
    """The last day of *date*'s month."""
    return next_month(date) - ONE_DAY


@dataclass(frozen=True)
class Tick:
    """A labelled point of the axis; *major* ticks start a year."""

    date: dt.date
    label: str
    major: bool


@dataclass(frozen=True)
class TimeScale:
    """A window of days [first, last] drawn over *width* pixels from *left*."""

    first: dt.date
    last: dt.date
    left: float
    width: float

    @property
    def days(self) -> int:
        """How many days the window holds."""
        return (self.last - self.first).days + 1

    def x(self, date: dt.date) -> float:
        """The pixel where *date* begins."""
        return self.left + (date - self.first).days * self.width / self.days

    def x_end(self, date: dt.date) -> float:
        """The pixel where *date* ends (where the next day begins); a day after the window
        (the open end of an "on or after" span among them) ends at the window's end."""
        return self.x(min(date, self.last) + ONE_DAY)

    def date_at(self, x: float) -> dt.date:
        """The day under pixel *x*, kept within the window."""
        offset = int((x - self.left) * self.days / max(self.width, 1.0))
        return self.first + dt.timedelta(days=min(max(offset, 0), self.days - 1))

    def ticks(self) -> list[Tick]:
        """Years across a long window; months (each year's first marked) across a short one."""
        ticks: list[Tick] = []
        if self.days > 3 * 366:
            step = 1 if self.days < 15 * 366 else 5
            for year in range(self.first.year, self.last.year + 1):
                day = dt.date(year, 1, 1)
                if day >= self.first and year % step == 0:
                    ticks.append(Tick(day, str(year), True))
            return ticks
        every = 1 if self.days <= 400 else 3
        day = month_start(self.first)
        while day <= self.last:
            if day >= self.first and (day.month - 1) % every == 0:
                major = day.month == 1
                label = f"{MONTHS[day.month - 1]} {day.year}" if major else MONTHS[day.month - 1]
                ticks.append(Tick(day, label, major))
            day = next_month(day)
        return ticks


def zoomed(
    window: tuple[dt.date, dt.date], factor: float, centre: dt.date, bounds: tuple[dt.date, dt.date]
) -> tuple[dt.date, dt.date]:
    """The window *factor* times as long (under 1 zooms in), about *centre*, kept within
    *bounds* and at least 14 days long."""
    first, last = window
    days = max(14, min(int(((last - first).days + 1) * factor), (bounds[1] - bounds[0]).days + 1))
    share = (centre - first).days / max((last - first).days, 1)
    start = centre - dt.timedelta(days=int(days * share))
    return shifted(start, days, bounds)


def shifted(start: dt.date, days: int, bounds: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date]:
    """A window of *days* days from *start*, moved back within *bounds*."""
    start = max(bounds[0], min(start, bounds[1] - dt.timedelta(days=days - 1)))
    return start, start + dt.timedelta(days=days - 1)
