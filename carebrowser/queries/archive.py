"""The query layer: every question the command line and the window ask of a database."""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    Engine,
    Select,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import aliased

from carebrowser.data.schema import (
    Position,
    Proposal,
    Source,
    Stakeholder,
    Statement,
    position_evidence,
    statement_proposal,
)
from carebrowser.data.vocabulary import CATEGORIES
from carebrowser.queries import backend
from carebrowser.queries.filters import PAGE_SIZE, Filters, Page, QuoteSort
from carebrowser.queries.rows import (
    CategoryCount,
    ComparisonRow,
    Matrix,
    PositionRow,
    ProposalRow,
    QuoteRow,
    SourceRow,
    SourceText,
    SpanRow,
    StakeholderRow,
)

Organisation = aliased(Stakeholder, name="organisation")
T = TypeVar("T")


class UnknownName(LookupError):
    """A name given on the command line matches nothing; carries the closest matches."""

    def __init__(self, what: str, name: str, suggestions: Sequence[str]) -> None:
        self.what, self.name, self.suggestions = what, name, list(suggestions)
        hint = f"; closest: {', '.join(repr(s) for s in suggestions)}" if suggestions else ""
        super().__init__(f"unknown {what} {name!r}{hint}")


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _after(columns: Sequence[Any], cursor: tuple[object, ...], desc: bool) -> Any:
    key = tuple_(*columns)
    value = tuple_(*(literal(v) for v in cursor))
    return key < value if desc else key > value


class Archive:
    """Read-only questions over one database; every method returns plain rows."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._search = backend.for_engine(engine)

    # -- stakeholders -------------------------------------------------------------------------

    def _stakeholder_where(self, categories: Iterable[str], name: str) -> list[Any]:
        where: list[Any] = []
        if categories:
            where.append(Stakeholder.category.in_(sorted(categories)))
        name = name.strip()
        if name:
            pattern = _like_pattern(name.casefold())
            where.append(
                or_(
                    Stakeholder.sort_name.like(pattern, escape="\\"),
                    func.lower(Stakeholder.aliases).like(pattern, escape="\\"),
                    func.lower(func.coalesce(Stakeholder.role, "")).like(pattern, escape="\\"),
                )
            )
        return where

    def stakeholders(
        self,
        categories: Iterable[str] = (),
        name: str = "",
        *,
        after: tuple[object, ...] | None = None,
        limit: int = PAGE_SIZE,
    ) -> Page[StakeholderRow]:
        """Stakeholders by category then name, filtered by category and a name fragment."""
        count = (
            select(func.count(Statement.id))
            .where(Statement.speaker_id == Stakeholder.id)
            .scalar_subquery()
        )
        order = (Stakeholder.category, Stakeholder.sort_name, Stakeholder.id)
        query = (
            select(
                Stakeholder.id,
                Stakeholder.key,
                Stakeholder.name,
                Stakeholder.kind,
                Stakeholder.category,
                Stakeholder.role,
                Organisation.name,
                Stakeholder.rating,
                Stakeholder.truncated,
                count,
                Stakeholder.sort_name,
            )
            .outerjoin(Organisation, Organisation.id == Stakeholder.organisation_id)
            .where(*self._stakeholder_where(categories, name))
            .order_by(*order)
            .limit(limit)
        )
        if after is not None:
            query = query.where(_after(order, after, False))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        result = [StakeholderRow(*row[:10]) for row in rows]
        cursor = (
            (rows[-1].category, rows[-1].sort_name, rows[-1].id) if len(rows) == limit else None
        )
        return Page(result, cursor)

    def all_stakeholders(
        self, categories: Iterable[str] = (), name: str = ""
    ) -> list[StakeholderRow]:
        """Every stakeholder that passes the filters (for small lists and exports)."""
        return list(self._all(lambda after: self.stakeholders(categories, name, after=after)))

    def category_counts(
        self, categories: Iterable[str] = (), name: str = ""
    ) -> list[CategoryCount]:
        """How many stakeholders each category holds, in the vocabulary's order."""
        query = (
            select(Stakeholder.category, func.count())
            .where(*self._stakeholder_where(categories, name))
            .group_by(Stakeholder.category)
        )
        with self.engine.connect() as connection:
            counts = dict(connection.execute(query).tuples().all())
        return [CategoryCount(c, counts[c]) for c in CATEGORIES if c in counts]

    def stakeholders_by_ids(self, ids: Iterable[int]) -> list[StakeholderRow]:
        """The given stakeholders, in the order of the ids."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        found: dict[int, StakeholderRow] = {}
        for chunk in _chunks(wanted, 500):
            query = (
                select(
                    Stakeholder.id,
                    Stakeholder.key,
                    Stakeholder.name,
                    Stakeholder.kind,
                    Stakeholder.category,
                    Stakeholder.role,
                    Organisation.name,
                    Stakeholder.rating,
                    Stakeholder.truncated,
                    select(func.count(Statement.id))
                    .where(Statement.speaker_id == Stakeholder.id)
                    .scalar_subquery(),
                )
                .outerjoin(Organisation, Organisation.id == Stakeholder.organisation_id)
                .where(Stakeholder.id.in_(chunk))
            )
            with self.engine.connect() as connection:
                for row in connection.execute(query):
                    found[row[0]] = StakeholderRow(*row)
        return [found[i] for i in wanted if i in found]

    # -- statements ---------------------------------------------------------------------------

    def _statement_where(self, filters: Filters) -> list[Any]:
        where: list[Any] = []
        if filters.stakeholders:
            where.append(Statement.speaker_id.in_(sorted(filters.stakeholders)))
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
                exists().where(
                    statement_proposal.c.statement_id == Statement.id,
                    statement_proposal.c.proposal_id.in_(sorted(filters.proposals)),
                )
            )
        if filters.sources:
            where.append(Statement.source_id.in_(sorted(filters.sources)))
        if filters.date_from is not None:
            where.append(Statement.sort_date >= filters.date_from)
        if filters.date_to is not None:
            where.append(Statement.sort_date <= filters.date_to)
        if filters.search.strip():
            where.append(self._search.statement_matches(filters.search))
        return where

    def _quote_order(self, sort: QuoteSort) -> tuple[Any, ...]:
        if sort == "source":
            return (Source.publication, Statement.source_id, Statement.start, Statement.id)
        if sort == "stakeholder":
            return (Stakeholder.sort_name, Statement.sort_date, Statement.id)
        return (Statement.sort_date, Statement.source_id, Statement.start, Statement.id)

    def _quote_select(self) -> Select[Any]:
        return (
            select(
                Statement.id,
                Statement.key,
                Statement.speaker_id,
                Stakeholder.name,
                Stakeholder.category,
                Organisation.name,
                Stakeholder.role,
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
            )
            .join(Stakeholder, Stakeholder.id == Statement.speaker_id)
            .outerjoin(Organisation, Organisation.id == Stakeholder.organisation_id)
            .join(Source, Source.id == Statement.source_id)
        )

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
        query = self._quote_select().where(*self._statement_where(filters))
        if after is not None:
            query = query.where(_after(order, after, descending))
        query = query.add_columns(*order).order_by(
            *(column.desc() if descending else column for column in order)
        )
        with self.engine.connect() as connection:
            rows = connection.execute(query.limit(limit)).all()
            proposals = self._proposal_titles(connection, [row[0] for row in rows])
        quotes = [_make(QuoteRow, *row[:20], proposals=proposals.get(row[0], ())) for row in rows]
        cursor = tuple(rows[-1][20:]) if len(rows) == limit else None
        return Page(quotes, cursor)

    def all_quotes(
        self, filters: Filters = Filters(), sort: QuoteSort = "date"
    ) -> Iterator[QuoteRow]:
        """Every statement that passes the filters, page by page (for exports)."""
        return self._all(lambda after: self.quotes(filters, sort=sort, after=after, limit=2000))

    def quote_count(self, filters: Filters = Filters()) -> int:
        """How many statements pass the filters."""
        query = select(func.count()).select_from(Statement).where(*self._statement_where(filters))
        with self.engine.connect() as connection:
            return int(connection.scalar(query) or 0)

    def quotes_by_ids(self, ids: Iterable[int]) -> list[QuoteRow]:
        """The given statements, in the order of the ids."""
        wanted = list(dict.fromkeys(ids))
        found: dict[int, QuoteRow] = {}
        with self.engine.connect() as connection:
            for chunk in _chunks(wanted, 500):
                rows = connection.execute(self._quote_select().where(Statement.id.in_(chunk))).all()
                titles = self._proposal_titles(connection, chunk)
                for row in rows:
                    found[row[0]] = _make(QuoteRow, *row, proposals=titles.get(row[0], ()))
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
            for statement_id, title in connection.execute(query):
                titles[statement_id].append(title)
        return {k: tuple(v) for k, v in titles.items()}

    # -- proposals, positions, matrix, comparison ---------------------------------------------

    def proposals(self) -> list[ProposalRow]:
        """Every proposal, by title, with how many positions it has."""
        count = (
            select(func.count(Position.id))
            .where(Position.proposal_id == Proposal.id)
            .scalar_subquery()
        )
        query = (
            select(
                Proposal.id,
                Proposal.key,
                Proposal.title,
                Proposal.summary,
                Stakeholder.name,
                Proposal.policy_area,
                count,
            )
            .outerjoin(Stakeholder, Stakeholder.id == Proposal.proposer_id)
            .order_by(Proposal.title, Proposal.id)
        )
        with self.engine.connect() as connection:
            return [ProposalRow(*row) for row in connection.execute(query)]

    def positions(self, filters: Filters = Filters()) -> list[PositionRow]:
        """The positions of the filtered stakeholders on the filtered proposals."""
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
        if filters.stakeholders:
            query = query.where(Position.stakeholder_id.in_(sorted(filters.stakeholders)))
        if filters.categories:
            query = query.where(Stakeholder.category.in_(sorted(filters.categories)))
        if filters.proposals:
            query = query.where(Position.proposal_id.in_(sorted(filters.proposals)))
        evidence_filters = filters.but(stakeholders=frozenset(), categories=frozenset())
        evidence_where = self._statement_where(evidence_filters.but(proposals=frozenset()))
        if evidence_where:
            query = query.where(
                exists()
                .where(position_evidence.c.position_id == Position.id)
                .where(Statement.id == position_evidence.c.statement_id)
                .where(*evidence_where)
            )
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
            evidence = self._evidence_keys(connection, [row[0] for row in rows])
        empty: tuple[tuple[str, ...], frozenset[int]] = ((), frozenset())
        return [
            _make(
                PositionRow,
                *row,
                evidence_quote_ids=evidence.get(row[0], empty)[0],
                evidence_source_ids=evidence.get(row[0], empty)[1],
            )
            for row in rows
        ]

    @staticmethod
    def _evidence_keys(
        connection: Any, position_ids: Sequence[int]
    ) -> dict[int, tuple[tuple[str, ...], frozenset[int]]]:
        keys: dict[int, list[str]] = defaultdict(list)
        sources: dict[int, set[int]] = defaultdict(set)
        for chunk in _chunks(list(position_ids), 500):
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

    def positions_citing(self, statement_id: int) -> list[PositionRow]:
        """The positions that cite a statement as evidence."""
        query = select(position_evidence.c.position_id).where(
            position_evidence.c.statement_id == statement_id
        )
        with self.engine.connect() as connection:
            ids = set(connection.scalars(query))
        return [row for row in self.positions() if row.id in ids] if ids else []

    def matrix(self, filters: Filters = Filters(), *, hide_empty: bool = True) -> Matrix:
        """Positions laid out stakeholder x proposal, following the filters."""
        positions = self.positions(filters)
        cells = {(p.stakeholder_id, p.proposal_id): p for p in positions}
        proposals = [
            p for p in self.proposals() if not filters.proposals or p.id in filters.proposals
        ]
        if hide_empty:
            used_proposals = {p.proposal_id for p in positions}
            proposals = [p for p in proposals if p.id in used_proposals]
            stakeholders = self.stakeholders_by_ids(
                dict.fromkeys(p.stakeholder_id for p in positions)
            )
        else:
            stakeholders = [
                s
                for s in self.all_stakeholders(filters.categories)
                if not filters.stakeholders or s.id in filters.stakeholders
            ]
        stakeholders.sort(key=lambda s: (CATEGORIES.index(s.category), s.name.casefold()))
        return Matrix(tuple(stakeholders), tuple(proposals), cells)

    def compare(self, stakeholder_ids: Sequence[int]) -> list[ComparisonRow]:
        """One row per proposal on which any of the stakeholders took a position."""
        ids = list(dict.fromkeys(stakeholder_ids))
        positions = self.positions(Filters(stakeholders=frozenset(ids)))
        by_cell = {(p.stakeholder_id, p.proposal_id): p for p in positions}
        key_ids = {p.id: self._key_quote_id(p.id) for p in positions}
        quotes = {q.id: q for q in self.quotes_by_ids(i for i in key_ids.values() if i)}
        rows = []
        for proposal in self.proposals():
            cells = tuple(by_cell.get((s, proposal.id)) for s in ids)
            if not any(cells):
                continue
            key_quotes = tuple(
                quotes.get(key_ids[c.id] or -1) if c is not None else None for c in cells
            )
            rows.append(ComparisonRow(proposal, cells, key_quotes))
        return rows

    def _key_quote_id(self, position_id: int) -> int | None:
        """The evidence that best stands for a position: a direct quotation first, then earliest."""
        query = (
            select(Statement.id)
            .join(position_evidence, position_evidence.c.statement_id == Statement.id)
            .where(position_evidence.c.position_id == position_id)
            .order_by((Statement.kind != "direct"), Statement.sort_date, Statement.id)
            .limit(1)
        )
        with self.engine.connect() as connection:
            return connection.scalar(query)

    # -- sources ------------------------------------------------------------------------------

    def _source_select(self) -> Select[Any]:
        count = (
            select(func.count(Statement.id))
            .where(Statement.source_id == Source.id)
            .scalar_subquery()
        )
        return select(
            Source.id,
            Source.key,
            Source.publication,
            Source.publication_evidence,
            Source.headline,
            Source.author,
            Source.date,
            Source.date_precision,
            Source.date_inferred,
            Source.date_evidence,
            Source.capture,
            count,
        )

    def sources(self, search: str = "") -> list[SourceRow]:
        """Every source by date (those whose text matches *search*, when given)."""
        query = self._source_select().order_by(Source.date, Source.id)
        if search.strip():
            query = query.where(self._search.source_matches(search))
        with self.engine.connect() as connection:
            return [SourceRow(*row) for row in connection.execute(query)]

    def sources_by_ids(self, ids: Iterable[int]) -> list[SourceRow]:
        """The given sources, by date."""
        wanted = sorted(set(ids))
        found: list[SourceRow] = []
        with self.engine.connect() as connection:
            for chunk in _chunks(wanted, 500):
                query = self._source_select().where(Source.id.in_(chunk))
                found += [SourceRow(*row) for row in connection.execute(query)]
        return sorted(found, key=lambda s: (s.date, s.id))

    def source_text(self, source_id: int) -> SourceText:
        """A source's cleaned text with the spans of its statements."""
        spans = (
            select(
                Statement.id,
                Statement.key,
                Statement.start,
                Statement.end,
                Stakeholder.name,
                Statement.kind,
            )
            .join(Stakeholder, Stakeholder.id == Statement.speaker_id)
            .where(Statement.source_id == source_id)
            .order_by(Statement.start, Statement.id)
        )
        with self.engine.connect() as connection:
            row = connection.execute(self._source_select().where(Source.id == source_id)).one()
            text_ = connection.scalar(select(Source.text).where(Source.id == source_id)) or ""
            span_rows = tuple(SpanRow(*s) for s in connection.execute(spans))
        return SourceText(SourceRow(*row), text_, span_rows)

    # -- names given by people ----------------------------------------------------------------

    def find_stakeholders(self, names: Iterable[str]) -> frozenset[int]:
        """Ids of stakeholders named (case-insensitively: name, id or alias); UnknownName if not."""
        query = select(Stakeholder.id, Stakeholder.key, Stakeholder.name, Stakeholder.aliases)
        with self.engine.connect() as connection:
            table = [
                (row[0], [row[1], row[2], *filter(None, row[3].split("; "))])
                for row in connection.execute(query)
            ]
        return _resolve("stakeholder", names, table)

    def find_proposals(self, names: Iterable[str]) -> frozenset[int]:
        """Ids of proposals named by title or id, case-insensitively."""
        table = [(p.id, [p.key, p.title]) for p in self.proposals()]
        return _resolve("proposal", names, table)

    def find_sources(self, names: Iterable[str]) -> frozenset[int]:
        """Ids of sources named by id, headline or capture file name, case-insensitively."""
        table = [
            (s.id, [s.key, s.capture, *([s.headline] if s.headline else [])])
            for s in self.sources()
        ]
        return _resolve("source", names, table)

    @staticmethod
    def find_categories(names: Iterable[str]) -> frozenset[str]:
        """Categories named case-insensitively; UnknownName if one is not in the vocabulary."""
        table = [(i, [c]) for i, c in enumerate(CATEGORIES)]
        return frozenset(CATEGORIES[i] for i in _resolve("category", names, table))

    @staticmethod
    def _all(fetch: Any) -> Iterator[Any]:
        after = None
        while True:
            page = fetch(after)
            yield from page.rows
            if page.cursor is None:
                return
            after = page.cursor


def _resolve(what: str, names: Iterable[str], table: list[tuple[int, list[str]]]) -> frozenset[Any]:
    index: dict[str, int] = {}
    for identifier, labels in table:
        for label in labels:
            index.setdefault(label.casefold(), identifier)
    found = set()
    for name in names:
        match = index.get(name.strip().casefold())
        if match is None:
            display = {
                labels[min(1, len(labels) - 1)].casefold(): labels[min(1, len(labels) - 1)]
                for _, labels in table
            }
            close = difflib.get_close_matches(name.casefold(), list(display), n=3, cutoff=0.5)
            if not close:
                close = [k for k in display if name.casefold() in k][:3]
            raise UnknownName(what, name, [display[c] for c in close])
        found.add(match)
    return frozenset(found)


def _make(cls: Callable[..., T], *values: Any, **named: Any) -> T:
    return cls(*values, **named)


def _chunks(items: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def disagreements(rows: Iterable[ComparisonRow]) -> list[ComparisonRow]:
    """The comparison rows where the stakeholders' stances differ."""
    return [row for row in rows if row.disagree]


__all__ = ["Archive", "UnknownName", "disagreements"]
