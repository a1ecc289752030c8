"""Proposals: the list by title, a page of it, and the one a typed prefix names."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Select, func, select

from carebrowser.data.tables import Proposal, Stakeholder
from carebrowser.queries.filters import PAGE_SIZE, Page
from carebrowser.queries.reading import Reader, after_cursor, like_pattern, matchable
from carebrowser.queries.rows import ProposalRow


class ProposalReader(Reader):
    """The proposals, with how many positions each has."""

    @staticmethod
    def _proposal_select() -> Select[Any]:
        return select(
            Proposal.id,
            Proposal.key,
            Proposal.title,
            Proposal.summary,
            Stakeholder.name,
            Proposal.policy_area,
            Proposal.position_count,
        ).outerjoin(Stakeholder, Stakeholder.id == Proposal.proposer_id)

    def proposals(self) -> list[ProposalRow]:
        """Every proposal, by title, with how many positions it has."""
        query = self._proposal_select().order_by(Proposal.title, Proposal.id)
        with self.engine.connect() as connection:
            return [ProposalRow(*row) for row in connection.execute(query)]

    def proposals_page(
        self, *, after: tuple[object, ...] | None = None, limit: int = PAGE_SIZE
    ) -> Page[ProposalRow]:
        """One page of proposals() (by title, then id), for choosers over a large archive."""
        order = (Proposal.title, Proposal.id)
        query = self._proposal_select().order_by(*order).limit(limit)
        if after is not None:
            query = query.where(after_cursor(order, after, False))
        with self.engine.connect() as connection:
            rows = [ProposalRow(*row) for row in connection.execute(query)]
        return Page(rows, (rows[-1].title, rows[-1].id) if len(rows) == limit else None)

    def proposals_by_ids(self, ids: Iterable[int]) -> list[ProposalRow]:
        """The given proposals, by title."""
        rows = self._rows_where_in(self._proposal_select(), Proposal.id, ids)
        return sorted((ProposalRow(*row) for row in rows), key=lambda p: (p.title, p.id))

    def proposal_starting(self, typed: str) -> ProposalRow | None:
        """The first proposal by title whose title starts with *typed* (ignoring case)."""
        if not typed or not matchable(typed):
            return None
        pattern = like_pattern(typed.casefold())[1:]  # no leading '%': a prefix
        query = (
            self._proposal_select()
            .where(func.lower(Proposal.title).like(pattern, escape="\\"))
            .order_by(Proposal.title, Proposal.id)
            .limit(1)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return ProposalRow(*row) if row is not None else None
