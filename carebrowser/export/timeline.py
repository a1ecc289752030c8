"""The timeline export: one row per statement's stance on a proposal, in time order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from carebrowser.analysis.timeline import ChangeOfPosition, changes_of_position
from carebrowser.export.shapes import Table
from carebrowser.queries import Filters
from carebrowser.queries.rows import source_name
from carebrowser.queries.timeline import StanceMark, Timeline

TIMELINE_COLUMNS = (
    "date", "precision", "from", "until", "stakeholder", "proposal", "stance", "changed",
    "quote", "quote_id", "source", "publication", "headline", "stance_note",
)  # fmt: skip


def period_words(filters: Filters) -> str:
    """The date range of the filters in words (Filters.period)."""
    return filters.period()


def mark_cells(mark: StanceMark, change: ChangeOfPosition | None) -> tuple[object, ...]:
    """A stance as a row of the timeline export."""
    return (
        mark.date_label,
        mark.date_precision,
        mark.date_from.isoformat(),
        "" if mark.is_open_ended else mark.date_until.isoformat(),
        mark.stakeholder,
        mark.proposal,
        mark.stance,
        change.describe() if change is not None else "",
        mark.text + (" [truncated]" if mark.truncated else ""),
        mark.quote_id,
        source_name(mark.publication, mark.headline, mark.date_label),
        mark.publication,
        mark.headline or "",
        mark.note or "",
    )


def timeline_table(timeline: Timeline, filters: Filters) -> Table:
    """Every stance that passes the filters, in time order, with the changes of position the
    same filters show."""
    changes = changes_of_position(timeline.spells(filters))
    table = Table(TIMELINE_COLUMNS, [], stance_columns=frozenset({"stance"}))

    def rows(marks: Iterable[StanceMark]) -> Iterator[tuple[object, ...]]:
        for mark in marks:
            table.source_ids.add(mark.source_id)
            yield mark_cells(mark, changes.get((mark.stakeholder_id, mark.proposal_id)))

    table.rows = rows(timeline.all_marks(filters))
    return table
