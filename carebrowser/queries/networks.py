"""Networks: who agrees and who conflicts with whom, counted by the database.

The ties are a self-join of the positions that pass the filters, by proposal, over the most
active stakeholders only (those with the most positions): a network of every stakeholder of a
large archive would be millions of ties that no one can read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, and_, case, cast, func, select

from carebrowser.data.tables import Position, Stakeholder, Statement, position_evidence
from carebrowser.queries.filters import Filters
from carebrowser.queries.positions import PositionReader
from carebrowser.queries.proposals import ProposalReader
from carebrowser.queries.rows import PositionRow, QuoteRow

#: Stances on the "for" side and on the "against" side; mixed is neither.
FOR_STANCES = ("supports", "conditional support")
AGAINST_STANCES = ("concerns", "opposes")


@dataclass(frozen=True)
class ActorRow:
    """A stakeholder drawn in a network, with the positions it took that pass the filters."""

    id: int
    name: str
    aliases: tuple[str, ...]
    category: str
    statement_count: int
    #: Proposals it took a position on (that pass the filters).
    activity: int


@dataclass(frozen=True)
class PairRow:
    """Two stakeholders (first id < second id) and the proposals on which both took a position:
    those they agree on, those they conflict on, and how many on the same side (mixed and
    mixed too)."""

    first: int
    second: int
    agree: tuple[int, ...]
    conflict: tuple[int, ...]
    same_side: int


@dataclass(frozen=True)
class NetworkRows:
    """What a network is made of: its stakeholders (most active first), their pairs, and, for
    the two-mode network, their stances and the proposals drawn."""

    actors: tuple[ActorRow, ...]
    pairs: tuple[PairRow, ...]
    #: Stakeholders with a position that passes the filters, beyond the limit: not drawn.
    left_out: int
    limit: int
    proposal_titles: dict[int, str]
    #: (stakeholder id, proposal id, stance) of the actors, when asked for.
    stances: tuple[tuple[int, int, str], ...] = ()
    #: The proposals drawn in a two-mode network: (id, title, positions among the actors).
    proposals: tuple[tuple[int, str, int], ...] = ()
    #: Proposals left out of a two-mode network (beyond the limit).
    proposals_left_out: int = 0


@dataclass(frozen=True)
class TieProposal:
    """One proposal of a tie: both stakeholders' positions, how they relate, and the
    statements each position rests on."""

    proposal_id: int
    proposal: str
    first: PositionRow
    second: PositionRow
    #: 'agree', 'conflict' or 'neither' (a mixed stance on one side or both).
    relation: str
    first_evidence: tuple[QuoteRow, ...]
    second_evidence: tuple[QuoteRow, ...]


def _side() -> Any:
    """+1 for a stance for the proposal, -1 against it, 0 mixed."""
    return case(
        (Position.stance.in_(FOR_STANCES), 1),
        (Position.stance.in_(AGAINST_STANCES), -1),
        else_=0,
    )


def relation(first_stance: str, second_stance: str) -> str:
    """'agree' (same non-zero sign), 'conflict' (different non-zero signs) or 'neither'."""
    sides = {s: (s in FOR_STANCES) - (s in AGAINST_STANCES) for s in (first_stance, second_stance)}
    a, b = sides[first_stance], sides[second_stance]
    if a == 0 or b == 0:
        return "neither"
    return "agree" if a == b else "conflict"


class NetworkReader(PositionReader, ProposalReader):
    """The ties between stakeholders, following the filters."""

    def network_actors(
        self, filters: Filters = Filters(), *, limit: int
    ) -> tuple[list[ActorRow], int]:
        """The *limit* stakeholders with the most positions that pass the filters (then by
        statements and name), and how many more have one."""
        # Counted by stakeholder id alone (its index covers it), then the names of those near
        # the top read: grouping by the names too sorted every position (1.1 s at L, not 0.15).
        activity = func.count()
        query = (
            select(Position.stakeholder_id, activity)
            .join(Stakeholder, Stakeholder.id == Position.stakeholder_id)
            .where(*self._position_where(filters))
            .group_by(Position.stakeholder_id)
            .order_by(activity.desc())
        )
        with self.engine.connect() as connection:
            counts = connection.execute(query).all()
        if not counts:
            return [], 0
        # Every stakeholder as active as the last one drawn: ties are broken by statements, name.
        least = counts[min(limit, len(counts)) - 1][1]
        candidates = {row[0]: int(row[1]) for row in counts if row[1] >= least}
        rows = self._rows_where_in(
            select(
                Stakeholder.id,
                Stakeholder.name,
                Stakeholder.aliases,
                Stakeholder.category,
                Stakeholder.statement_count,
                Stakeholder.sort_name,
            ),
            Stakeholder.id,
            candidates,
        )
        rows.sort(key=lambda r: (-candidates[r[0]], -r[4], r[5], r[0]))
        actors = [
            ActorRow(
                r[0],
                r[1],
                tuple(filter(None, (r[2] or "").split("; "))),
                r[3],
                r[4],
                candidates[r[0]],
            )
            for r in rows[:limit]
        ]
        return actors, len(counts) - len(actors)

    def _joined(self, value: Any) -> Any:
        """The values of a group joined by commas (NULLs left out)."""
        if self._sqlite:
            return func.group_concat(value, ",")
        return func.string_agg(cast(value, Text), ",")

    def network_pairs(self, filters: Filters, actor_ids: Sequence[int]) -> list[PairRow]:
        """Every pair of these stakeholders that agree or conflict on a proposal that passes the
        filters: a self-join of their positions by proposal."""
        if len(actor_ids) < 2:
            return []
        positions = (
            select(
                Position.stakeholder_id.label("stakeholder"),
                Position.proposal_id.label("proposal"),
                _side().label("side"),
            )
            .join(Stakeholder, Stakeholder.id == Position.stakeholder_id)
            .where(Position.stakeholder_id.in_(sorted(actor_ids)), *self._position_where(filters))
            .cte("drawn")
            .prefix_with("MATERIALIZED")
        )
        a, b = positions.alias("a"), positions.alias("b")
        agree = and_(a.c.side == b.c.side, a.c.side != 0)
        conflict = a.c.side * b.c.side == -1
        agreements = func.sum(case((agree, 1), else_=0))
        conflicts = func.sum(case((conflict, 1), else_=0))
        query = (
            select(
                a.c.stakeholder,
                b.c.stakeholder,
                self._joined(case((agree, a.c.proposal))),
                self._joined(case((conflict, a.c.proposal))),
                func.sum(case((a.c.side == b.c.side, 1), else_=0)),
            )
            .join(b, and_(b.c.proposal == a.c.proposal, b.c.stakeholder > a.c.stakeholder))
            .group_by(a.c.stakeholder, b.c.stakeholder)
            .having(agreements + conflicts > 0)
            .order_by(a.c.stakeholder, b.c.stakeholder)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            PairRow(first, second, _ids(agreed), _ids(conflicted), int(same))
            for first, second, agreed, conflicted, same in rows
        ]

    def network_rows(
        self, filters: Filters = Filters(), *, limit: int, two_mode: bool = False
    ) -> NetworkRows:
        """Everything a network of the *limit* most active stakeholders is made of."""
        actors, left_out = self.network_actors(filters, limit=limit)
        ids = [a.id for a in actors]
        pairs = self.network_pairs(filters, ids)
        proposal_ids: set[int] = set()
        for pair in pairs:
            proposal_ids.update(pair.agree, pair.conflict)
        stances: list[tuple[int, int, str]] = []
        drawn: list[tuple[int, str, int]] = []
        proposals_left_out = 0
        if two_mode and ids:
            query = (
                select(Position.stakeholder_id, Position.proposal_id, Position.stance)
                .join(Stakeholder, Stakeholder.id == Position.stakeholder_id)
                .where(Position.stakeholder_id.in_(ids), *self._position_where(filters))
                .order_by(Position.stakeholder_id, Position.proposal_id)
            )
            with self.engine.connect() as connection:
                stances = [(int(s), int(p), str(t)) for s, p, t in connection.execute(query)]
            held: dict[int, int] = defaultdict(int)
            for _s, proposal, _t in stances:
                held[proposal] += 1
            titles = {p.id: p.title for p in self.proposals_by_ids(held)}
            ranked = sorted(held, key=lambda p: (-held[p], titles.get(p, ""), p))
            drawn = [(p, titles.get(p, str(p)), held[p]) for p in ranked[:limit]]
            proposals_left_out = max(len(ranked) - limit, 0)
            proposal_ids.update(p for p, _t, _n in drawn)
        titles = {p.id: p.title for p in self.proposals_by_ids(proposal_ids)}
        return NetworkRows(
            tuple(actors),
            tuple(pairs),
            left_out,
            limit,
            titles,
            tuple(stances),
            tuple(drawn),
            proposals_left_out,
        )

    def tie_proposals(
        self, first: int, second: int, filters: Filters = Filters()
    ) -> list[TieProposal]:
        """Proposal by proposal, the positions two stakeholders both took (that pass the
        filters), how they relate, and the statements behind each: what a tie rests on."""
        positions = self.positions(filters.but(stakeholders=frozenset({first, second})))
        by_proposal: dict[int, dict[int, PositionRow]] = defaultdict(dict)
        for position in positions:
            by_proposal[position.proposal_id][position.stakeholder_id] = position
        both = [cells for cells in by_proposal.values() if len(cells) == 2]
        evidence = self._evidence_of([c[s].id for c in both for s in (first, second)])
        ties = [
            TieProposal(
                cells[first].proposal_id,
                cells[first].proposal,
                cells[first],
                cells[second],
                relation(cells[first].stance, cells[second].stance),
                evidence.get(cells[first].id, ()),
                evidence.get(cells[second].id, ()),
            )
            for cells in both
        ]
        order = {"agree": 0, "conflict": 1, "neither": 2}
        return sorted(ties, key=lambda t: (order[t.relation], t.proposal, t.proposal_id))

    def _evidence_of(self, position_ids: Sequence[int]) -> dict[int, tuple[QuoteRow, ...]]:
        """The statements each position rests on, by date, read in a few queries."""
        if not position_ids:
            return {}
        query = (
            select(position_evidence.c.position_id, position_evidence.c.statement_id)
            .join(Statement, Statement.id == position_evidence.c.statement_id)
            .order_by(position_evidence.c.position_id, Statement.sort_date, Statement.id)
        )
        links = self._rows_where_in(query, position_evidence.c.position_id, position_ids)
        quotes = {q.id: q for q in self.quotes_by_ids(row[1] for row in links)}
        found: dict[int, list[QuoteRow]] = defaultdict(list)
        for position_id, statement_id in links:
            if statement_id in quotes:
                found[position_id].append(quotes[statement_id])
        return {k: tuple(v) for k, v in found.items()}


def _ids(joined: str | None) -> tuple[int, ...]:
    """Proposal ids from the database's comma-joined text, in order."""
    if not joined:
        return ()
    return tuple(sorted(int(part) for part in joined.split(",")))


__all__ = [
    "ActorRow",
    "NetworkReader",
    "NetworkRows",
    "PairRow",
    "TieProposal",
    "relation",
]
