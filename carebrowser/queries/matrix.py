"""The matrix: positions laid out stakeholder x proposal, whole or a block of rows at a time."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import distinct, exists, func, select

from carebrowser.data.tables import Position, Stakeholder
from carebrowser.data.vocabulary import CATEGORIES
from carebrowser.queries.filters import PAGE_SIZE, Filters, Page
from carebrowser.queries.positions import PositionReader
from carebrowser.queries.proposals import ProposalReader
from carebrowser.queries.reading import after_cursor
from carebrowser.queries.rows import Matrix, MatrixBlock, PositionRow, ProposalRow, StakeholderRow
from carebrowser.queries.stakeholders import StakeholderReader

#: A block of the matrix with at most this many columns names them in SQL.
FEW_COLUMNS = 100


class MatrixReader(PositionReader, StakeholderReader, ProposalReader):
    """The matrix's rows, columns and cells, read a block at a time on a large archive."""

    def matrix(self, filters: Filters = Filters(), *, hide_empty: bool = True) -> Matrix:
        """Positions laid out stakeholder x proposal, following the filters."""
        proposals = self.matrix_proposals(filters, hide_empty=hide_empty)
        stakeholders: list[StakeholderRow] = []
        cells: dict[tuple[int, int], PositionRow] = {}
        columns = [p.id for p in proposals]
        for rows, block in self.matrix_blocks(filters, hide_empty=hide_empty, columns=columns):
            stakeholders += rows
            cells.update(block)
        return Matrix(tuple(stakeholders), tuple(proposals), cells)

    def _has_position(self, filters: Filters) -> Any:
        """For a stakeholder: a position that passes the filters (proposals, evidence)."""
        condition = exists().where(Position.stakeholder_id == Stakeholder.id)
        if filters.proposals:
            condition = condition.where(Position.proposal_id.in_(sorted(filters.proposals)))
        if filters.stances:
            condition = condition.where(Position.stance.in_(sorted(filters.stances)))
        evidence = self._evidence_condition(filters)
        return condition if evidence is None else condition.where(evidence)

    def matrix_stakeholders(
        self,
        filters: Filters = Filters(),
        *,
        hide_empty: bool = True,
        after: tuple[object, ...] | None = None,
        limit: int = PAGE_SIZE,
    ) -> Page[StakeholderRow]:
        """One page of the matrix's rows: by category in the vocabulary's order, then sort name.

        Each category is read from its index in order, so a page costs the same at any size.
        """
        rows: list[StakeholderRow] = []
        first = CATEGORIES.index(str(after[0])) if after else 0
        cursor: tuple[object, ...] | None = None
        for category in CATEGORIES[first:]:
            if filters.categories and category not in filters.categories:
                continue
            query = (
                select(Stakeholder.id, Stakeholder.sort_name)
                .where(Stakeholder.category == category)
                .order_by(Stakeholder.sort_name, Stakeholder.id)
                .limit(limit - len(rows))
            )
            if after and after[0] == category:
                query = query.where(
                    after_cursor((Stakeholder.sort_name, Stakeholder.id), after[1:], False)
                )
            if filters.stakeholders:
                query = query.where(Stakeholder.id.in_(sorted(filters.stakeholders)))
            if hide_empty:
                query = query.where(self._has_position(filters))
            with self.engine.connect() as connection:
                found = connection.execute(query).all()
            rows += self.stakeholders_by_ids(row[0] for row in found)
            if len(rows) == limit:
                cursor = (category, found[-1][1], found[-1][0])
                break
        return Page(rows, cursor)

    def matrix_block(
        self,
        filters: Filters = Filters(),
        *,
        hide_empty: bool = True,
        columns: Sequence[int],
        after: tuple[object, ...] | None = None,
        limit: int = PAGE_SIZE,
    ) -> tuple[list[StakeholderRow], dict[tuple[int, int], PositionRow], tuple[object, ...] | None]:
        """Some rows of the matrix with their cells on *columns* (matrix_proposals()' ids): the
        page of matrix_stakeholders() after *after*, the positions in its cells, and the cursor
        of the next page (None after the last)."""
        page = self.matrix_stakeholders(filters, hide_empty=hide_empty, after=after, limit=limit)
        ids = [s.id for s in page.rows]
        cells = self.matrix_cells(ids, columns, filters) if ids and columns else {}
        return page.rows, cells, page.cursor

    def matrix_blocks(
        self,
        filters: Filters = Filters(),
        *,
        hide_empty: bool = True,
        columns: Sequence[int],
        limit: int = PAGE_SIZE,
    ) -> Iterator[MatrixBlock]:
        """The whole matrix, *limit* rows at a time (matrix_block() after matrix_block()), each
        block read when it is taken."""
        after: tuple[object, ...] | None = None
        while True:
            rows, cells, after = self.matrix_block(
                filters, hide_empty=hide_empty, columns=columns, after=after, limit=limit
            )
            yield rows, cells
            if after is None:
                return

    def matrix_size(
        self, filters: Filters = Filters(), *, hide_empty: bool = True
    ) -> tuple[int, int]:
        """How many rows and positions matrix() has: its stakeholders (matrix_stakeholders() read
        to the end), and the positions in their cells on matrix_proposals()."""
        # Every position that passes the filters is in a cell shown: its stakeholder is a row
        # (it has a position), and its proposal a column (all of them, or those with one). So
        # with hide_empty the rows are the stakeholders of those positions: one pass for both.
        positions = (
            select(func.count(distinct(Position.stakeholder_id)), func.count())
            .select_from(Position)
            .join(Stakeholder, Stakeholder.id == Position.stakeholder_id)
            .where(*self._position_where(filters))
        )
        with self.engine.connect() as connection:
            row = connection.execute(positions).one()
            if hide_empty:
                return row[0], row[1]
            everyone = select(func.count()).select_from(Stakeholder)
            if filters.categories:
                everyone = everyone.where(Stakeholder.category.in_(sorted(filters.categories)))
            if filters.stakeholders:
                everyone = everyone.where(Stakeholder.id.in_(sorted(filters.stakeholders)))
            return connection.scalar(everyone) or 0, row[1]

    def matrix_proposals(
        self, filters: Filters = Filters(), *, hide_empty: bool = True
    ) -> list[ProposalRow]:
        """The matrix's columns, as matrix() has them: with hide_empty, those with a position."""
        proposals = [
            p for p in self.proposals() if not filters.proposals or p.id in filters.proposals
        ]
        if not hide_empty:
            return proposals
        where: list[Any] = []
        if filters.stakeholders:
            where.append(Position.stakeholder_id.in_(sorted(filters.stakeholders)))
        if filters.categories:
            in_categories = select(Stakeholder.id).where(
                Stakeholder.category.in_(sorted(filters.categories))
            )
            where.append(Position.stakeholder_id.in_(in_categories))
        if filters.stances:
            where.append(Position.stance.in_(sorted(filters.stances)))
        evidence = self._evidence_condition(filters)
        if evidence is not None:
            where.append(evidence)
        if not where:
            return [p for p in proposals if p.position_count]  # the stored count
        # One pass over the matching positions; a correlated EXISTS per proposal would redo
        # the stakeholder and evidence lists for each of them.
        query = select(Position.proposal_id).where(*where).distinct()
        with self.engine.connect() as connection:
            ids = set(connection.scalars(query))
        return [p for p in proposals if p.id in ids]

    def matrix_cells(
        self,
        stakeholder_ids: Iterable[int],
        proposal_ids: Iterable[int],
        filters: Filters = Filters(),
    ) -> dict[tuple[int, int], PositionRow]:
        """The positions in one block of the matrix (the rows and columns in view)."""
        stakeholders = frozenset(stakeholder_ids)
        proposals = frozenset(proposal_ids)
        if filters.stakeholders:
            stakeholders &= filters.stakeholders
        if filters.proposals:
            proposals &= filters.proposals
        if not stakeholders or not proposals:
            return {}
        if len(proposals) <= FEW_COLUMNS:
            block = filters.but(stakeholders=stakeholders, proposals=proposals)
        else:
            # Every column of a wide matrix is kept to in Python: as SQL, a list of 2,000
            # proposals made reading 50 rows' positions 2.5 times slower (61 against 23 ms).
            block = filters.but(stakeholders=stakeholders)
        return {
            (p.stakeholder_id, p.proposal_id): p
            for p in self.positions(block)
            if p.proposal_id in proposals
        }
