"""Positions over time: changes of position found in the stances statements show. No Qt.

A stakeholder changes position on a proposal when two of its statements on that proposal show
different stances and one comes wholly before the other: their date spans do not overlap. Two
stances in one article (or in two pieces of the same month) are not a change: they are said at
what may be the same time.

The test works on spells, one per stakeholder, proposal and stance (how many statements, the
earliest and latest of their spans), which SQL counts at any scale: stance A comes wholly
before stance B exactly when A's earliest end is before B's latest start.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from carebrowser.data.dates import OPEN_END
from carebrowser.data.vocabulary import STANCES
from carebrowser.queries.timeline import Spell

MONTHS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip

#: The glyph that flags a change of position, beside the stance glyphs.
CHANGE_GLYPH = "\u21c4"  # rightwards arrow over leftwards arrow


@dataclass(frozen=True)
class Step:
    """One stance in a change of position, and when it was shown."""

    stance: str
    first: dt.date
    last: dt.date
    count: int


@dataclass(frozen=True)
class ChangeOfPosition:
    """A stakeholder whose stance on a proposal differs between periods: the stances in the
    order they were first shown."""

    stakeholder_id: int
    proposal_id: int
    steps: tuple[Step, ...]

    def describe(self) -> str:
        """'changed: concerns in 2001, opposes in 2002' (months where years do not tell)."""
        fine = len({step.first.year for step in self.steps}) < len(self.steps)
        parts = [
            f"{step.stance} in {period_label(step.first, step.last, fine)}" for step in self.steps
        ]
        return "changed: " + ", ".join(parts)


def period_label(first: dt.date, last: dt.date, months: bool = False) -> str:
    """'2001', '2001-2002', or with *months* 'Oct 2001', 'Oct-Dec 2001', 'Oct 2001-Mar 2002'."""
    if not months:
        return str(first.year) if first.year == last.year else f"{first.year}\u2013{last.year}"
    start = f"{MONTHS[first.month - 1]} {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return start
    if first.year == last.year:
        return f"{MONTHS[first.month - 1]}\u2013{MONTHS[last.month - 1]} {last.year}"
    return f"{start}\u2013{MONTHS[last.month - 1]} {last.year}"


def spells_of(
    marks: Iterable[tuple[int, int, str, dt.date, dt.date]],
) -> list[Spell]:
    """Spells from single stances: (stakeholder id, proposal id, stance, date from, until)."""
    grouped: dict[tuple[int, int, str], list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for stakeholder, proposal, stance, first, last in marks:
        grouped[(stakeholder, proposal, stance)].append((first, last))
    return [
        Spell(
            *key,
            count=len(spans),
            first_from=min(s[0] for s in spans),
            first_until=min(s[1] for s in spans),
            last_from=max(s[0] for s in spans),
            last_until=max(s[1] for s in spans),
        )
        for key, spans in grouped.items()
    ]


def _changed(spells: Sequence[Spell]) -> bool:
    return any(a.stance != b.stance and a.first_until < b.last_from for a in spells for b in spells)


def changes_of_position(spells: Iterable[Spell]) -> dict[tuple[int, int], ChangeOfPosition]:
    """The changes of position the spells show, by (stakeholder id, proposal id)."""
    by_pair: dict[tuple[int, int], list[Spell]] = defaultdict(list)
    for spell in spells:
        by_pair[(spell.stakeholder_id, spell.proposal_id)].append(spell)
    changes: dict[tuple[int, int], ChangeOfPosition] = {}
    for pair, group in by_pair.items():
        if len(group) < 2 or not _changed(group):
            continue
        ordered = sorted(group, key=lambda s: (s.first_from, s.last_until, STANCES.index(s.stance)))
        steps = tuple(Step(s.stance, s.first_from, _known_end(s), s.count) for s in ordered)
        changes[pair] = ChangeOfPosition(pair[0], pair[1], steps)
    return changes


def _known_end(spell: Spell) -> dt.date:
    """The spell's last day, or the latest day it is known to include where a span is open
    ("on or after": only its earliest day is known)."""
    return spell.last_from if spell.last_until == OPEN_END else spell.last_until


def bucket_months(first: dt.date, last: dt.date) -> int:
    """How many months one period of the timeline counts, for a window shown: a month, a
    quarter or a year, so that a window holds at most about 40 periods."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months <= 40:
        return 1
    if months <= 120:
        return 3
    return 12
