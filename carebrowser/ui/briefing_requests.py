"""What each view puts in a Word briefing: its selection, or everything it shows.

The matrix: the stakeholders and proposals of the selected cells (or the whole matrix shown);
the comparison: the stakeholders compared on the selected proposals (or on every proposal
shown); the stakeholder list: the selected stakeholders (or those shown) under the filter bar's
filters; the statement list: the selected statements (or the positions that the statements
shown are evidence of). Each is read on the GUI thread, where the selection is; the briefing
itself is read and written by the export worker.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from carebrowser.queries import Archive, Filters
from carebrowser.queries.briefing import BriefingRequest
from carebrowser.ui.widgets import counted

if TYPE_CHECKING:
    # The panels' export_subject() calls these functions (through ui/export_subjects.py).
    from carebrowser.ui.compare_panel import ComparePanel
    from carebrowser.ui.matrix_panel import MatrixPanel
    from carebrowser.ui.quote_panel import QuotePanel
    from carebrowser.ui.stakeholder_panel import StakeholderPanel

#: A stakeholder id no database holds: "these stakeholders" when the list shows none
#: (an empty set would mean "every stakeholder").
NOBODY = -1


@dataclass(frozen=True)
class BriefingOffer:
    """A view's offer of a Word briefing: what it holds, and how many quotations."""

    request: BriefingRequest
    #: How many quotations it holds (asked once, when the dialog says it).
    count: Callable[[], int]

    def summary(self, count: int) -> str:
        """The export dialog's sentence for it."""
        return briefing_summary(self.request, count)


def offer(archive: Archive, request: BriefingRequest | None) -> BriefingOffer | None:
    """*request* as the export dialog offers it (None: this view offers no briefing)."""
    if request is None:
        return None
    return BriefingOffer(request, functools.cache(lambda: request.quotations(archive)))


def matrix_briefing(panel: MatrixPanel) -> BriefingRequest:
    """The stakeholders and proposals of the selected cells, or the whole matrix shown."""
    chosen = panel.selected_positions()
    if not chosen:
        return BriefingRequest(panel.filters)
    return BriefingRequest(
        panel.filters.but(
            stakeholders=frozenset(p.stakeholder_id for p in chosen),
            proposals=frozenset(p.proposal_id for p in chosen),
        )
    )


def comparison_briefing(panel: ComparePanel) -> BriefingRequest | None:
    """The stakeholders compared on the selected proposal rows, or on every row shown; None
    until two stakeholders are compared."""
    stakeholders = panel.model.stakeholders
    if len(stakeholders) < 2:
        return None
    rows = panel.model.shown_rows()
    selected = sorted({i.row() for i in panel.table.selectionModel().selectedIndexes()})
    if selected:
        rows = [rows[r] for r in selected if r < len(rows)]
    return BriefingRequest(
        Filters(
            stakeholders=frozenset(s.id for s in stakeholders),
            proposals=frozenset(row.proposal.id for row in rows) or frozenset({NOBODY}),
        )
    )


def stakeholder_briefing(panel: StakeholderPanel, filters: Filters) -> BriefingRequest:
    """The selected stakeholders, or those the list shows, under the filter bar's *filters*."""
    ids = panel.selected_ids()
    if not ids and panel.model.name.strip():
        shown = panel.archive.all_stakeholders(panel.model.categories, panel.model.name)
        ids = frozenset(s.id for s in shown) or frozenset({NOBODY})
    return BriefingRequest(filters.but(stakeholders=ids, categories=panel.model.categories))


def quote_briefing(panel: QuotePanel) -> BriefingRequest:
    """The selected statements under the positions citing them, or the positions that the
    statements shown are evidence of."""
    if panel.selection_count() > 0:
        rows = [i.row() for i in panel.table.selectionModel().selectedRows()]
        quotes = panel.model.quotes(rows)
        speakers = frozenset(q.stakeholder_id for q in quotes)
        return BriefingRequest(
            Filters(stakeholders=speakers), statements=frozenset(q.id for q in quotes)
        )
    position = panel.position
    if position is not None:
        return BriefingRequest(
            Filters(
                stakeholders=frozenset({position.stakeholder_id}),
                proposals=frozenset({position.proposal_id}),
            )
        )
    return BriefingRequest(panel.filters)


def briefing_summary(request: BriefingRequest, quotations: int) -> str:
    """The export dialog's sentence for a briefing: 'A Word briefing of 15 quotations: 2
    stakeholders on 3 proposals.'"""
    if quotations == 0:
        return "Nothing to put in a briefing: no position here cites a statement."
    chosen = request.filters
    parts = []
    if chosen.stakeholders and NOBODY not in chosen.stakeholders:
        parts.append(counted(len(chosen.stakeholders), "stakeholder"))
    if chosen.proposals and NOBODY not in chosen.proposals:
        parts.append(counted(len(chosen.proposals), "proposal"))
    what = f": {' on '.join(parts)}" if parts else ""
    return f"A Word briefing of {counted(quotations, 'quotation')}{what}."
