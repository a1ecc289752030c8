"""Comparison: two to four stakeholders' positions side by side, proposal by proposal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select

from carebrowser.data.tables import Position, Statement, position_evidence
from carebrowser.queries.filters import Filters
from carebrowser.queries.key_quotes import key_quote_order
from carebrowser.queries.positions import PositionReader
from carebrowser.queries.proposals import ProposalReader
from carebrowser.queries.reading import chunks
from carebrowser.queries.rows import ComparisonRow


class ComparisonReader(PositionReader, ProposalReader):
    """One row per proposal, with each stakeholder's position and the statement that best
    stands for it."""

    def compare(self, stakeholder_ids: Sequence[int]) -> list[ComparisonRow]:
        """One row per proposal on which any of the stakeholders took a position."""
        ids = list(dict.fromkeys(stakeholder_ids))
        positions = self.positions(Filters(stakeholders=frozenset(ids)))
        by_cell = {(p.stakeholder_id, p.proposal_id): p for p in positions}
        key_ids = self._key_quote_ids([p.id for p in positions])
        quotes = {q.id: q for q in self.quotes_by_ids(i for i in key_ids.values() if i)}
        rows = []
        for proposal in self.proposals():
            cells = tuple(by_cell.get((s, proposal.id)) for s in ids)
            if not any(cells):
                continue
            key_quotes = tuple(
                quotes.get(key_ids.get(c.id) or -1) if c is not None else None for c in cells
            )
            rows.append(ComparisonRow(proposal, cells, key_quotes))
        return rows

    def _key_quote_ids(self, position_ids: Sequence[int]) -> dict[int, int | None]:
        """The key quotation of each position (key_quotes: the most informative evidence), in
        one query per 500 positions."""
        found: dict[int, int | None] = {}
        with self.engine.connect() as connection:
            for chunk in chunks(list(position_ids), 500):
                best = (
                    select(Statement.id)
                    .join(position_evidence, position_evidence.c.statement_id == Statement.id)
                    .where(position_evidence.c.position_id == Position.id)
                    .order_by(*key_quote_order())
                    .limit(1)
                    .scalar_subquery()
                )
                query = select(Position.id, best).where(Position.id.in_(chunk))
                found.update(connection.execute(query).tuples().all())
        return found


def disagreements(rows: Iterable[ComparisonRow]) -> list[ComparisonRow]:
    """The comparison rows where the stakeholders' stances differ."""
    return [row for row in rows if row.disagree]
