"""Statements: pages of them in three orders, and how many pass the filters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Engine, Select, func, literal, select, tuple_

from carebrowser.data.tables import (
    Proposal,
    Source,
    Stakeholder,
    Statement,
    StatementStance,
    statement_proposal,
)
from carebrowser.queries import reading
from carebrowser.queries.filters import PAGE_SIZE, Filters, Page, QuoteSort
from carebrowser.queries.reading import (
    Reader,
    after_cursor,
    checked_row_by_row,
    chunks,
    make,
    organisation_name,
    with_organisations,
)
from carebrowser.queries.rows import QuoteRow


class StatementReader(Reader):
    """The statements that pass the filters, a page at a time, and their counts."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        #: How many statements a filter matches, as far as they were counted: (the count, the
        #: bound the count stopped at, or None). Kept for a SQLite file, which is read-only.
        self._counts: dict[Filters, tuple[int, int | None]] = {}

    def _statement_where(self, filters: Filters, *, in_order: QuoteSort | None = None) -> list[Any]:
        """Conditions for the filters; *in_order* keeps SQLite off the filters' indexes.

        Only a single speaker's index stays usable when reading by date: it is in date order too.
        """
        where: list[Any] = []
        speaker_in_order: list[Any] = []
        if filters.stakeholders:
            speaker = Statement.speaker_id.in_(sorted(filters.stakeholders))
            one_in_order = in_order == "date" and len(filters.stakeholders) == 1
            (speaker_in_order if one_in_order else where).append(speaker)
        if filters.categories:
            where.append(
                Statement.speaker_id.in_(
                    select(Stakeholder.id).where(
                        Stakeholder.category.in_(sorted(filters.categories))
                    )
                )
            )
        if filters.proposals:
            where.append(
                Statement.id.in_(
                    select(statement_proposal.c.statement_id).where(
                        statement_proposal.c.proposal_id.in_(sorted(filters.proposals))
                    )
                )
            )
        if filters.sources:
            where.append(Statement.source_id.in_(sorted(filters.sources)))
        if filters.stances:
            where.append(Statement.id.in_(self._showing_stances(filters)))
        if filters.search.strip():
            where.append(self._search.statement_matches(filters.search))
        if in_order:
            where = [checked_row_by_row(condition) for condition in where]
        where += speaker_in_order
        if filters.date_from is not None:
            where.append(Statement.sort_date >= filters.date_from)
        if filters.date_to is not None:
            where.append(Statement.sort_date <= filters.date_to)
        return where

    @staticmethod
    def _showing_stances(filters: Filters) -> Any:
        """The statements that show one of the stances filtered (their own stance, as the
        timeline draws it), on one of the proposals filtered where there are some."""
        showing = select(StatementStance.statement_id).where(
            StatementStance.stance.in_(sorted(filters.stances))
        )
        if filters.proposals:
            showing = showing.where(StatementStance.proposal_id.in_(sorted(filters.proposals)))
        return showing

    def _quote_order(self, sort: QuoteSort) -> tuple[Any, ...]:
        if sort == "source":
            return (Source.publication, Statement.source_id, Statement.start, Statement.id)
        if sort == "stakeholder":
            return (Stakeholder.sort_name, Statement.sort_date, Statement.id)
        return (Statement.sort_date, Statement.source_id, Statement.start, Statement.id)

    def _quote_select(self) -> Select[Any]:
        query = select(
            Statement.id,
            Statement.key,
            Statement.speaker_id,
            Stakeholder.name,
            Stakeholder.category,
            organisation_name(),
            # The role as this statement's source prints it: roles change between sources.
            Statement.role,
            Statement.text,
            Statement.kind,
            Statement.truncated,
            Statement.source_id,
            Source.key,
            Source.publication,
            Source.headline,
            Source.author,
            Source.date,
            Source.date_precision,
            Source.date_inferred,
            Statement.start,
            Statement.end,
        ).join(Stakeholder, Stakeholder.id == Statement.speaker_id)
        return with_organisations(query).join(Source, Source.id == Statement.source_id)

    def quotes(
        self,
        filters: Filters = Filters(),
        *,
        sort: QuoteSort = "date",
        descending: bool = False,
        after: tuple[object, ...] | None = None,
        limit: int = PAGE_SIZE,
    ) -> Page[QuoteRow]:
        """One page of the statements that pass the filters, in the order asked for."""
        order = self._quote_order(sort)
        in_order = sort if self._read_in_order(filters, sort) else None
        query = self._quote_select().where(*self._statement_where(filters, in_order=in_order))
        if after is not None:
            query = query.where(after_cursor(order, after, descending))
            if sort == "source":
                # Implied by the cursor (source_id is Source.id): a range of the publication index.
                source_key = tuple_(Source.publication, Source.id)
                cursor_key = tuple_(literal(after[0]), literal(after[1]))
                query = query.where(
                    source_key <= cursor_key if descending else source_key >= cursor_key
                )
        return self._quote_page(query, order, descending, limit)

    def _quote_page(
        self, query: Select[Any], order: tuple[Any, ...], descending: bool, limit: int
    ) -> Page[QuoteRow]:
        """Read one page of *query* in *order*; the cursor is the last row's sort key."""
        query = query.add_columns(*order).order_by(
            *(column.desc() if descending else column for column in order)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query.limit(limit)).all()
            proposals = self._proposal_titles(connection, [row[0] for row in rows])
        quotes = [make(QuoteRow, *row[:20], proposals=proposals.get(row[0], ())) for row in rows]
        cursor = tuple(rows[-1][20:]) if len(rows) == limit else None
        return Page(quotes, cursor)

    def _read_in_order(self, filters: Filters, sort: QuoteSort) -> bool:
        """Whether a page is best read along the sort order's index: many statements match.

        Only SQLite needs telling: it keeps no statistics per value, so it cannot see that one
        proposal has 100,000 statements and another 10. PostgreSQL's planner can.
        """
        if not self._sqlite:
            return False
        narrowed = filters.but(date_from=None, date_to=None)
        one_speaker = Filters(stakeholders=narrowed.stakeholders)
        if narrowed == Filters() or (
            narrowed == one_speaker and len(one_speaker.stakeholders) == 1 and sort != "source"
        ):
            return False
        # The status bar has usually just counted them, further than this.
        return self._counted(filters, reading.FEW_ROWS) >= reading.FEW_ROWS

    def all_quotes(
        self, filters: Filters = Filters(), sort: QuoteSort = "date"
    ) -> Iterator[QuoteRow]:
        """Every statement that passes the filters, page by page (for exports)."""
        return self._all(lambda after: self.quotes(filters, sort=sort, after=after, limit=2000))

    def quote_count(self, filters: Filters = Filters(), *, at_most: int | None = None) -> int:
        """How many statements pass the filters; with *at_most*, counting stops there."""
        return self.quote_total(filters, at_most=at_most)[0]

    def quote_total(
        self, filters: Filters = Filters(), *, at_most: int | None = None
    ) -> tuple[int, bool]:
        """How many statements pass the filters, and whether that is exact: with *at_most*,
        counting stops there (then "at least"), unless the stored counts answer."""
        stored = self._stored_quote_count(filters)
        if stored is not None:
            with self.engine.connect() as connection:
                return int(connection.scalar(stored) or 0), True
        count = self._counted(filters, at_most)
        return count, at_most is None or count < at_most

    def _stored_quote_count(self, filters: Filters) -> Any | None:
        """The count from the stored counts, for filters of stakeholders or categories alone, or
        of sources alone (every statement has one speaker and one source); else None.
        """
        if (
            filters.proposals
            or filters.stances
            or filters.date_from
            or filters.date_to
            or filters.search.strip()
        ):
            return None
        by_speaker = filters.stakeholders or filters.categories
        if bool(filters.sources) == bool(by_speaker):
            # Both: the stored counts cannot tell. Neither (all statements): a bounded count,
            # rather than reading every stakeholder.
            return None
        if filters.sources:
            return select(func.coalesce(func.sum(Source.statement_count), 0)).where(
                Source.id.in_(sorted(filters.sources))
            )
        where: list[Any] = []
        if filters.stakeholders:
            where.append(Stakeholder.id.in_(sorted(filters.stakeholders)))
        if filters.categories:
            where.append(Stakeholder.category.in_(sorted(filters.categories)))
        return select(func.coalesce(func.sum(Stakeholder.statement_count), 0)).where(*where)

    def _counted(self, filters: Filters, at_most: int | None) -> int:
        """How many statements pass *filters*, counting no further than *at_most*. On SQLite a
        count made before answers where it can: the status bar's, or the read order's probe."""
        known = self._counts.get(filters)
        if known is not None:
            count, bound = known
            if bound is None or count < bound:  # every match was counted
                return count if at_most is None else min(count, at_most)
            if at_most is not None and at_most <= bound:
                return at_most
        query = select(func.count()).select_from(Statement).where(*self._statement_where(filters))
        if at_most is not None:
            # Bounded: reads at most *at_most* index entries, not all of a busy filter's.
            matching = select(Statement.id).where(*self._statement_where(filters))
            query = select(func.count()).select_from(matching.limit(at_most).subquery())
        with self.engine.connect() as connection:
            count = int(connection.scalar(query) or 0)
        if self._sqlite:
            if len(self._counts) > 1000:
                self._counts.clear()
            self._counts[filters] = (count, at_most)
        return count

    def quotes_by_ids(self, ids: Iterable[int]) -> list[QuoteRow]:
        """The given statements, in the order of the ids."""
        wanted = list(dict.fromkeys(ids))
        found: dict[int, QuoteRow] = {}
        with self.engine.connect() as connection:
            for chunk in chunks(wanted, 500):
                rows = connection.execute(self._quote_select().where(Statement.id.in_(chunk))).all()
                titles = self._proposal_titles(connection, chunk)
                for row in rows:
                    found[row[0]] = make(QuoteRow, *row, proposals=titles.get(row[0], ()))
        return [found[i] for i in wanted if i in found]

    @staticmethod
    def _proposal_titles(
        connection: Any, statement_ids: Sequence[int]
    ) -> dict[int, tuple[str, ...]]:
        titles: dict[int, list[str]] = defaultdict(list)
        if statement_ids:
            query = (
                select(statement_proposal.c.statement_id, Proposal.title)
                .join(Proposal, Proposal.id == statement_proposal.c.proposal_id)
                .where(statement_proposal.c.statement_id.in_(statement_ids))
                .order_by(statement_proposal.c.statement_id, Proposal.title)
            )
            for statement_id, title in connection.execute(query).all():  # all(): one fetch
                titles[statement_id].append(title)
        return {k: tuple(v) for k, v in titles.items()}
