"""The query layer: every question the command line and the window ask of a database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    Engine,
    Select,
    and_,
    bindparam,
    distinct,
    exists,
    func,
    literal,
    or_,
    select,
    true,
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
    MatrixBlock,
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


def _matchable(name: str) -> bool:
    """Whether a name fragment can match: no name is over 1,000 characters long or holds a lone
    surrogate (a broken paste), and SQLite refuses LIKE patterns over 50,000 bytes and text that
    is not UTF-8."""
    return len(name) <= 1000 and not any("\ud800" <= c <= "\udfff" for c in name)


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _after(columns: Sequence[Any], cursor: tuple[object, ...], desc: bool) -> Any:
    key = tuple_(*columns)
    value = tuple_(*(literal(v) for v in cursor))
    # The first column's bound is implied by the tuple's; stated apart, it lets SQLite start an
    # index range there even when the key's columns span two tables (no OFFSET-like skipping).
    first = columns[0] <= literal(cursor[0]) if desc else columns[0] >= literal(cursor[0])
    return and_(first, key < value if desc else key > value)


def _stakeholder_select(*extra: Any) -> Select[Any]:
    """The columns of a StakeholderRow (then *extra*), with the organisation's name."""
    return select(
        Stakeholder.id,
        Stakeholder.key,
        Stakeholder.name,
        Stakeholder.kind,
        Stakeholder.category,
        Stakeholder.role,
        Organisation.name,
        Stakeholder.rating,
        Stakeholder.truncated,
        Stakeholder.statement_count,
        *extra,
    ).outerjoin(Organisation, Organisation.id == Stakeholder.organisation_id)


#: Above this many matching statements, a page is read along the sort order's index with the
#: filters checked row by row; below it, the filters' indexes find the rows, which are sorted.
#: Either way a page costs a few thousand rows at most, however large the archive.
FEW_ROWS = 3000


#: A block of the matrix with at most this many columns names them in SQL.
FEW_COLUMNS = 100


def _checked_row_by_row(condition: Any) -> Any:
    """The same condition, in a form no index can serve: SQLite then reads in the sort order."""
    return condition.is_(true())


class Archive:
    """Read-only questions over one database; every method returns plain rows."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._search = backend.for_engine(engine)
        self._sqlite = engine.dialect.name == "sqlite"
        #: How many statements a filter matches, as far as they were counted: (the count, the
        #: bound the count stopped at, or None). Kept for a SQLite file, which is read-only.
        self._counts: dict[Filters, tuple[int, int | None]] = {}
        self._first_queries: dict[bool, Select[Any]] = {}

    # -- stakeholders -------------------------------------------------------------------------

    def _name_matches(self, pattern: Any) -> Any:
        """A stakeholder's name, an alias or its role is LIKE *pattern* (a string or a bind)."""
        aliases: Any
        role: Any
        if self._sqlite:
            # SQLite's LIKE already ignores case where its lower() folds it (ASCII), and a NULL
            # role matches nothing either way: the same rows, read from a covering index.
            aliases, role = Stakeholder.aliases, Stakeholder.role
        else:
            aliases = func.lower(Stakeholder.aliases)
            role = func.lower(func.coalesce(Stakeholder.role, ""))
        return or_(
            Stakeholder.sort_name.like(pattern, escape="\\"),
            aliases.like(pattern, escape="\\"),
            role.like(pattern, escape="\\"),
        )

    def _stakeholder_where(self, categories: Iterable[str], name: str) -> list[Any]:
        where: list[Any] = []
        if categories:
            where.append(Stakeholder.category.in_(sorted(categories)))
        name = name.strip()
        if not _matchable(name):
            where.append(Stakeholder.id.in_(()))
        elif name:
            where.append(self._name_matches(_like_pattern(name.casefold())))
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
        order = (Stakeholder.category, Stakeholder.sort_name, Stakeholder.id)
        query = (
            _stakeholder_select(Stakeholder.sort_name)
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

    def first_stakeholders(
        self, categories: Iterable[str] = (), name: str = "", *, limit: int = PAGE_SIZE
    ) -> Page[StakeholderRow]:
        """The first *limit* stakeholders of the list as shown: categories in the vocabulary's
        order, each by name, read category after category until there are enough.

        The cursor (None when these are all) continues the last row's category, as
        ``stakeholders({category}, name, after=cursor)``. Every category before it is whole,
        so a list that ends here needs no count: its rows are the counts.
        """
        chosen = set(categories)
        wanted = [c for c in CATEGORIES if not chosen or c in chosen]
        name = name.strip()
        if not wanted or not _matchable(name):
            return Page([], None)
        # One statement for every category, built once and run with new values: building a
        # statement costs more than running it on a category's index.
        query = self._first_queries.get(bool(name))
        if query is None:
            where = [self._name_matches(bindparam("pattern"))] if name else []
            query = self._first_queries[bool(name)] = (
                _stakeholder_select(Stakeholder.sort_name)
                .where(Stakeholder.category == bindparam("category"), *where)
                .order_by(Stakeholder.sort_name, Stakeholder.id)
                .limit(bindparam("rows"))
            )
        values: dict[str, object] = {"pattern": _like_pattern(name.casefold())} if name else {}
        rows: list[Any] = []
        with self.engine.connect() as connection:
            for category in wanted:
                values.update(category=category, rows=limit + 1 - len(rows))
                rows.extend(connection.execute(query, values).all())
                if len(rows) > limit:
                    break
        result = [StakeholderRow(*row[:10]) for row in rows[:limit]]
        if len(rows) <= limit:
            return Page(result, None)
        last = rows[limit - 1]
        return Page(result, (last.category, last.sort_name, last.id))

    def prepare_name_filter(self) -> None:
        """Read a little through the statements a name typed into the stakeholder list runs, so
        that they are built and compiled (3-6 ms, once) before the first keystroke is typed."""
        first = self.first_stakeholders(name="a", limit=1)
        if first.rows:
            self.stakeholder_place(first.rows[0].id, name="a")

    def stakeholder_place(
        self, stakeholder_id: int, categories: Iterable[str] = (), name: str = ""
    ) -> tuple[str, int] | None:
        """Where a stakeholder is in the filtered list: its category and how many come before it
        there; None when the filters leave it out. Lets a list read up to it in one page."""
        where = self._stakeholder_where(categories, name)
        query = select(Stakeholder.category, Stakeholder.sort_name).where(
            Stakeholder.id == stakeholder_id, *where
        )
        with self.engine.connect() as connection:
            found = connection.execute(query).first()
            if found is None:
                return None
            category, sort_key = found
            before = (
                select(func.count())
                .select_from(Stakeholder)
                .where(
                    Stakeholder.category == category,
                    tuple_(Stakeholder.sort_name, Stakeholder.id)
                    < tuple_(literal(sort_key), literal(stakeholder_id)),
                    Stakeholder.sort_name <= literal(sort_key),
                    *where,
                )
            )
            return str(category), int(connection.scalar(before) or 0)

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

    def _rows_where_in(self, query: Select[Any], column: Any, values: Iterable[T]) -> list[Any]:
        """The rows of *query* whose *column* is one of *values*, asked 500 values at a time
        (a statement takes a limited number of parameters)."""
        rows: list[Any] = []
        wanted = list(dict.fromkeys(values))
        if not wanted:
            return rows
        with self.engine.connect() as connection:
            for chunk in _chunks(wanted, 500):
                rows += connection.execute(query.where(column.in_(chunk))).all()
        return rows

    def stakeholders_by_ids(self, ids: Iterable[int]) -> list[StakeholderRow]:
        """The given stakeholders, in the order of the ids."""
        wanted = list(dict.fromkeys(ids))
        rows = self._rows_where_in(_stakeholder_select(), Stakeholder.id, wanted)
        found = {row[0]: StakeholderRow(*row) for row in rows}
        return [found[i] for i in wanted if i in found]

    # -- statements ---------------------------------------------------------------------------

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
        if filters.search.strip():
            where.append(self._search.statement_matches(filters.search))
        if in_order:
            where = [_checked_row_by_row(condition) for condition in where]
        where += speaker_in_order
        if filters.date_from is not None:
            where.append(Statement.sort_date >= filters.date_from)
        if filters.date_to is not None:
            where.append(Statement.sort_date <= filters.date_to)
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
        in_order = sort if self._read_in_order(filters, sort) else None
        query = self._quote_select().where(*self._statement_where(filters, in_order=in_order))
        if after is not None:
            query = query.where(_after(order, after, descending))
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
        quotes = [_make(QuoteRow, *row[:20], proposals=proposals.get(row[0], ())) for row in rows]
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
        return self._counted(filters, FEW_ROWS) >= FEW_ROWS

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
        if filters.proposals or filters.date_from or filters.date_to or filters.search.strip():
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
            for statement_id, title in connection.execute(query).all():  # all(): one fetch
                titles[statement_id].append(title)
        return {k: tuple(v) for k, v in titles.items()}

    # -- proposals, positions, matrix, comparison ---------------------------------------------

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
            query = query.where(_after(order, after, False))
        with self.engine.connect() as connection:
            rows = [ProposalRow(*row) for row in connection.execute(query)]
        return Page(rows, (rows[-1].title, rows[-1].id) if len(rows) == limit else None)

    def proposals_by_ids(self, ids: Iterable[int]) -> list[ProposalRow]:
        """The given proposals, by title."""
        rows = self._rows_where_in(self._proposal_select(), Proposal.id, ids)
        return sorted((ProposalRow(*row) for row in rows), key=lambda p: (p.title, p.id))

    def proposal_starting(self, typed: str) -> ProposalRow | None:
        """The first proposal by title whose title starts with *typed* (ignoring case)."""
        if not typed or not _matchable(typed):
            return None
        pattern = _like_pattern(typed.casefold())[1:]  # no leading '%': a prefix
        query = (
            self._proposal_select()
            .where(func.lower(Proposal.title).like(pattern, escape="\\"))
            .order_by(Proposal.title, Proposal.id)
            .limit(1)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return ProposalRow(*row) if row is not None else None

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
            _make(
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
        evidence = self._evidence_condition(filters)
        if evidence is not None:
            where.append(evidence)
        return where

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

    def evidence_quotes(
        self,
        position_id: int,
        *,
        sort: QuoteSort = "date",
        descending: bool = False,
        after: tuple[object, ...] | None = None,
        limit: int = PAGE_SIZE,
    ) -> Page[QuoteRow]:
        """One page of a position's evidence in the order asked for, paged like quotes()."""
        order = self._quote_order(sort)
        cited = select(position_evidence.c.statement_id).where(
            position_evidence.c.position_id == position_id
        )
        query = self._quote_select().where(Statement.id.in_(cited))
        if after is not None:
            query = query.where(_after(order, after, descending))
        return self._quote_page(query, order, descending, limit)

    def positions_citing(self, statement_id: int) -> list[PositionRow]:
        """The positions that cite a statement as evidence."""
        query = select(position_evidence.c.position_id).where(
            position_evidence.c.statement_id == statement_id
        )
        with self.engine.connect() as connection:
            ids = list(connection.scalars(query))
        return self._position_rows(Filters(), only=ids) if ids else []

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

    # -- the matrix a page at a time, for large archives ---------------------------------------

    def _evidence_condition(self, filters: Filters) -> Any | None:
        """For a position: some evidence passes the statement filters (search, sources, dates)."""
        where = self._statement_where(
            filters.but(stakeholders=frozenset(), categories=frozenset(), proposals=frozenset())
        )
        if not where:
            return None
        # Not a correlated EXISTS: SQLite would run a full-text search again for every position.
        return Position.id.in_(
            select(position_evidence.c.position_id)
            .join(Statement, Statement.id == position_evidence.c.statement_id)
            .where(*where)
        )

    def _has_position(self, filters: Filters) -> Any:
        """For a stakeholder: a position that passes the filters (proposals, evidence)."""
        condition = exists().where(Position.stakeholder_id == Stakeholder.id)
        if filters.proposals:
            condition = condition.where(Position.proposal_id.in_(sorted(filters.proposals)))
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
                    _after((Stakeholder.sort_name, Stakeholder.id), after[1:], False)
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
        """_key_quote_id for many positions, in one query per 500 rather than one each."""
        found: dict[int, int | None] = {}
        with self.engine.connect() as connection:
            for chunk in _chunks(list(position_ids), 500):
                best = (
                    select(Statement.id)
                    .join(position_evidence, position_evidence.c.statement_id == Statement.id)
                    .where(position_evidence.c.position_id == Position.id)
                    .order_by((Statement.kind != "direct"), Statement.sort_date, Statement.id)
                    .limit(1)
                    .scalar_subquery()
                )
                query = select(Position.id, best).where(Position.id.in_(chunk))
                found.update(connection.execute(query).tuples().all())
        return found

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
            Source.statement_count,
        )

    def sources(self, search: str = "") -> list[SourceRow]:
        """Every source by date (those whose text matches *search*, when given)."""
        query = self._source_select().order_by(Source.date, Source.id)
        if search.strip():
            query = query.where(self._search.source_matches(search))
        with self.engine.connect() as connection:
            return [SourceRow(*row) for row in connection.execute(query)]

    def sources_page(
        self,
        search: str = "",
        *,
        after: tuple[object, ...] | None = None,
        limit: int = PAGE_SIZE,
    ) -> Page[SourceRow]:
        """One page of sources() (by date, then id), for choosers over a large archive."""
        order = (Source.date, Source.id)
        query = self._source_select().order_by(*order).limit(limit)
        if search.strip():
            matches = self._search.source_matches(search)
            if self._sqlite:
                # As in quotes(): with many matches, read by date and check each (bounded probe).
                probe = select(func.count()).select_from(
                    select(Source.id).where(matches).limit(FEW_ROWS).subquery()
                )
                with self.engine.connect() as connection:
                    if int(connection.scalar(probe) or 0) >= FEW_ROWS:
                        matches = _checked_row_by_row(matches)
            query = query.where(matches)
        if after is not None:
            query = query.where(_after(order, after, False))
        with self.engine.connect() as connection:
            rows = [SourceRow(*row) for row in connection.execute(query)]
        cursor = (rows[-1].date, rows[-1].id) if len(rows) == limit else None
        return Page(rows, cursor)

    def sources_by_ids(self, ids: Iterable[int]) -> list[SourceRow]:
        """The given sources, by date."""
        rows = self._rows_where_in(self._source_select(), Source.id, ids)
        return sorted((SourceRow(*row) for row in rows), key=lambda s: (s.date, s.id))

    def sources_by_keys(self, keys: Iterable[str]) -> list[SourceRow]:
        """The sources with these keys (those that exist), by date."""
        rows = self._rows_where_in(self._source_select(), Source.key, keys)
        return sorted((SourceRow(*row) for row in rows), key=lambda s: (s.date, s.id))

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
        names = list(names)
        if not names:
            return frozenset()
        query = select(Stakeholder.id, Stakeholder.key, Stakeholder.name, Stakeholder.aliases)
        with self.engine.connect() as connection:
            table = [
                (row[0], [row[1], row[2], *filter(None, row[3].split("; "))])
                for row in connection.execute(query)
            ]
        return _resolve("stakeholder", names, table)

    def find_proposals(self, names: Iterable[str]) -> frozenset[int]:
        """Ids of proposals named by title or id, case-insensitively."""
        names = list(names)
        if not names:
            return frozenset()
        table = [(p.id, [p.key, p.title]) for p in self.proposals()]
        return _resolve("proposal", names, table)

    def find_sources(self, names: Iterable[str]) -> frozenset[int]:
        """Ids of sources named by id, headline or capture file name, case-insensitively."""
        names = list(names)
        if not names:
            return frozenset()
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
            import difflib  # only for a name not found: not part of every start

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


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def disagreements(rows: Iterable[ComparisonRow]) -> list[ComparisonRow]:
    """The comparison rows where the stakeholders' stances differ."""
    return [row for row in rows if row.disagree]


__all__ = ["Archive", "UnknownName", "disagreements"]
