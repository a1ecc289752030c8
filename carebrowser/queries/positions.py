"""Positions: stances of stakeholders on proposals, with the statements they rest on."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, select

from carebrowser.data.tables import Position, Proposal, Stakeholder, Statement, position_evidence
from carebrowser.queries.filters import PAGE_SIZE, Filters, Page, QuoteSort
from carebrowser.queries.reading import after_cursor, chunks, make
from carebrowser.queries.rows import PositionRow, QuoteRow
from carebrowser.queries.statements import StatementReader


class PositionReader(StatementReader):
    """Positions that pass the filters (their evidence passing the statement filters)."""

    def positions(self, filters: Filters = Filters()) -> list[PositionRow]:
        """The positions of the filtered stakeholders on the filtered proposals."""
        return self._position_rows(filters)

    def _position_rows(
        self, filters: Filters, only: Sequence[int] | None = None
    ) -> list[PositionRow]:
        query = (
            select(
                Position.id,
                Position.stakeholder_id,
                Stakeholder.name,
                Stakeholder.category,
                Position.proposal_id,
                Proposal.title,
                Position.stance,
                Position.summary,
            )
            .join(Stakeholder, Stakeholder.id == Position.stakeholder_id)
            .join(Proposal, Proposal.id == Position.proposal_id)
            .order_by(Stakeholder.category, Stakeholder.sort_name, Proposal.title, Position.id)
        )
        if only is not None:
            query = query.where(Position.id.in_(sorted(only)))
        query = query.where(*self._position_where(filters))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
            evidence = self._evidence_keys(connection, [row[0] for row in rows])
        empty: tuple[tuple[str, ...], frozenset[int]] = ((), frozenset())
        return [
            make(
                PositionRow,
                *row,
                evidence_quote_ids=evidence.get(row[0], empty)[0],
                evidence_source_ids=evidence.get(row[0], empty)[1],
            )
            for row in rows
        ]

    def _position_where(self, filters: Filters) -> list[Any]:
        """The conditions on a position (joined to its stakeholder) that *filters* make."""
        where: list[Any] = []
        if filters.stakeholders:
            where.append(Position.stakeholder_id.in_(sorted(filters.stakeholders)))
        if filters.categories:
            where.append(Stakeholder.category.in_(sorted(filters.categories)))
        if filters.proposals:
            where.append(Position.proposal_id.in_(sorted(filters.proposals)))
        if filters.stances:
            where.append(Position.stance.in_(sorted(filters.stances)))
        evidence = self._evidence_condition(filters)
        if evidence is not None:
            where.append(evidence)
        return where

    def _evidence_condition(self, filters: Filters) -> Any | None:
        """For a position: some evidence passes the statement filters (search, sources, dates)."""
        where = self._statement_where(
            filters.but(
                stakeholders=frozenset(),
                categories=frozenset(),
                proposals=frozenset(),
                stances=frozenset(),
            )
        )
        if not where:
            return None
        # Not a correlated EXISTS: SQLite would run a full-text search again for every position.
        return Position.id.in_(
            select(position_evidence.c.position_id)
            .join(Statement, Statement.id == position_evidence.c.statement_id)
            .where(*where)
        )

    @staticmethod
    def _evidence_keys(
        connection: Any, position_ids: Sequence[int]
    ) -> dict[int, tuple[tuple[str, ...], frozenset[int]]]:
        keys: dict[int, list[str]] = defaultdict(list)
        sources: dict[int, set[int]] = defaultdict(set)
        for chunk in chunks(list(position_ids), 500):
            query = (
                select(position_evidence.c.position_id, Statement.key, Statement.source_id)
                .join(Statement, Statement.id == position_evidence.c.statement_id)
                .where(position_evidence.c.position_id.in_(chunk))
                .order_by(position_evidence.c.position_id, Statement.sort_date, Statement.id)
            )
            for position_id, key, source_id in connection.execute(query):
                keys[position_id].append(key)
                sources[position_id].add(source_id)
        return {k: (tuple(v), frozenset(sources[k])) for k, v in keys.items()}

    def evidence(self, position_id: int) -> list[QuoteRow]:
        """The statements a position rests on, by date."""
        query = (
            select(position_evidence.c.statement_id)
            .join(Statement, Statement.id == position_evidence.c.statement_id)
            .where(position_evidence.c.position_id == position_id)
            .order_by(Statement.sort_date, Statement.id)
        )
        with self.engine.connect() as connection:
            ids = list(connection.scalars(query))
        return self.quotes_by_ids(ids)

    def evidence_by_position(self, position_ids: Sequence[int]) -> dict[int, list[QuoteRow]]:
        """The statements each position rests on, by date: the evidence layout's rows."""
        links: dict[int, list[int]] = defaultdict(list)
        with self.engine.connect() as connection:
            for chunk in chunks(list(dict.fromkeys(position_ids)), 500):
                query = (
                    select(position_evidence.c.position_id, Statement.id)
                    .join(Statement, Statement.id == position_evidence.c.statement_id)
                    .where(position_evidence.c.position_id.in_(chunk))
                    .order_by(position_evidence.c.position_id, Statement.sort_date, Statement.id)
                )
                for position_id, statement_id in connection.execute(query):
                    links[position_id].append(statement_id)
        quotes = {q.id: q for q in self.quotes_by_ids(i for ids in links.values() for i in ids)}
        return {p: [quotes[i] for i in ids if i in quotes] for p, ids in links.items()}

    def evidence_row_count(self, filters: Filters = Filters()) -> int:
        """The rows of the evidence layout of positions(filters): a row per position and
        statement it rests on (a position without evidence, one row all the same)."""
        query = (
            select(func.count())
            .select_from(Position)
            .join(Stakeholder, Stakeholder.id == Position.stakeholder_id)
            .outerjoin(position_evidence, position_evidence.c.position_id == Position.id)
            .where(*self._position_where(filters))
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar_one())

    def evidence_quotes(
        self,
        position_id: int | Collection[int],
        *,
        sort: QuoteSort = "date",
        descending: bool = False,
        after: tuple[object, ...] | None = None,
        limit: int = PAGE_SIZE,
    ) -> Page[QuoteRow]:
        """One page of a position's evidence (or of several positions', each statement once) in
        the order asked for, paged like quotes()."""
        order = self._quote_order(sort)
        ids = [position_id] if isinstance(position_id, int) else list(position_id)
        cited = select(position_evidence.c.statement_id).where(
            position_evidence.c.position_id.in_(ids)
        )
        query = self._quote_select().where(Statement.id.in_(cited))
        if after is not None:
            query = query.where(after_cursor(order, after, descending))
        return self._quote_page(query, order, descending, limit)

    def positions_citing(self, statement_id: int) -> list[PositionRow]:
        """The positions that cite a statement as evidence."""
        query = select(position_evidence.c.position_id).where(
            position_evidence.c.statement_id == statement_id
        )
        with self.engine.connect() as connection:
            ids = list(connection.scalars(query))
        return self._position_rows(Filters(), only=ids) if ids else []
