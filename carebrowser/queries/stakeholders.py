"""Stakeholders: the list by category and name, its counts, a name typed to filter it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Engine, Select, bindparam, func, literal, or_, select, tuple_

from carebrowser.data.tables import Stakeholder
from carebrowser.data.vocabulary import CATEGORIES
from carebrowser.queries.filters import PAGE_SIZE, Page
from carebrowser.queries.reading import (
    Reader,
    after_cursor,
    chunks,
    like_pattern,
    matchable,
    organisation_name,
    with_organisations,
)
from carebrowser.queries.rows import CategoryCount, StakeholderRow


def stakeholder_select(*extra: Any) -> Select[Any]:
    """The columns of a StakeholderRow (then *extra*), with the organisations' names."""
    return with_organisations(
        select(
            Stakeholder.id,
            Stakeholder.key,
            Stakeholder.name,
            Stakeholder.kind,
            Stakeholder.category,
            Stakeholder.role,
            organisation_name(),
            Stakeholder.rating,
            Stakeholder.truncated,
            Stakeholder.statement_count,
            *extra,
        )
    )


class StakeholderReader(Reader):
    """The stakeholders, a page at a time, and where one stands in the list."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._first_queries: dict[tuple[bool, bool], Select[Any]] = {}
        self._people_query: Select[Any] | None = None
        self._people_queries: dict[bool, list[Select[Any]]] = {}

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

    def _stakeholder_where(
        self, categories: Iterable[str], name: str, speaking: bool = False
    ) -> list[Any]:
        where: list[Any] = []
        if speaking:
            where.append(Stakeholder.statement_count > 0)
        if categories:
            where.append(Stakeholder.category.in_(sorted(categories)))
        name = name.strip()
        if not matchable(name):
            where.append(Stakeholder.id.in_(()))
        elif name:
            where.append(self._name_matches(like_pattern(name.casefold())))
        return where

    def stakeholders(
        self,
        categories: Iterable[str] = (),
        name: str = "",
        *,
        speaking: bool = False,
        after: tuple[object, ...] | None = None,
        limit: int = PAGE_SIZE,
    ) -> Page[StakeholderRow]:
        """Stakeholders by category then name, filtered by category and a name fragment; with
        *speaking*, only those with statements (the voices in the debate)."""
        order = (Stakeholder.category, Stakeholder.sort_name, Stakeholder.id)
        query = (
            stakeholder_select(Stakeholder.sort_name)
            .where(*self._stakeholder_where(categories, name, speaking))
            .order_by(*order)
            .limit(limit)
        )
        if after is not None:
            query = query.where(after_cursor(order, after, False))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        result = [StakeholderRow(*row[:10]) for row in rows]
        cursor = (
            (rows[-1].category, rows[-1].sort_name, rows[-1].id) if len(rows) == limit else None
        )
        return Page(result, cursor)

    def first_stakeholders(
        self,
        categories: Iterable[str] = (),
        name: str = "",
        *,
        speaking: bool = False,
        limit: int = PAGE_SIZE,
    ) -> Page[StakeholderRow]:
        """The first *limit* stakeholders of the list as shown: categories in the vocabulary's
        order, each by name, read category after category until there are enough.

        The cursor (None when these are all) continues the last row's category, as
        ``stakeholders({category}, name, speaking=speaking, after=cursor)``. Every category
        before it is whole,
        so a list that ends here needs no count: its rows are the counts.
        """
        chosen = set(categories)
        wanted = [c for c in CATEGORIES if not chosen or c in chosen]
        name = name.strip()
        if not wanted or not matchable(name):
            return Page([], None)
        # One statement for every category, built once and run with new values: building a
        # statement costs more than running it on a category's index.
        query = self._first_queries.get((bool(name), speaking))
        if query is None:
            where = [self._name_matches(bindparam("pattern"))] if name else []
            if speaking:
                where.append(Stakeholder.statement_count > 0)
            query = self._first_queries[(bool(name), speaking)] = (
                stakeholder_select(Stakeholder.sort_name)
                .where(Stakeholder.category == bindparam("category"), *where)
                .order_by(Stakeholder.sort_name, Stakeholder.id)
                .limit(bindparam("rows"))
            )
        values: dict[str, object] = {"pattern": like_pattern(name.casefold())} if name else {}
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

    def stakeholders_as_listed(
        self,
        name: str = "",
        *,
        after: tuple[object, ...] | None = None,
        limit: int = PAGE_SIZE,
    ) -> Page[StakeholderRow]:
        """A page of the stakeholders whose name, alias or role contains *name*, in the list's
        order (categories in the vocabulary's order, each by name): the first with *after*
        None, then the page after the cursor the last one gave. Every read is on the covering
        index, category by category, as first_stakeholders()."""
        if after is None:
            return self.first_stakeholders(name=name, limit=limit)
        category = str(after[0])
        page = self.stakeholders({category}, name, after=after, limit=limit)
        if page.cursor is not None:
            return page
        later = CATEGORIES[CATEGORIES.index(category) + 1 :] if category in CATEGORIES else ()
        if not later:
            return Page(page.rows, None)
        rest = self.first_stakeholders(later, name, limit=limit - len(page.rows))
        return Page(page.rows + rest.rows, rest.cursor)

    def prepare_name_filter(self) -> None:
        """Read a little through the statements a name typed into the stakeholder list runs, so
        that they are built and compiled (3-6 ms, once) before the first keystroke is typed."""
        first = self.first_stakeholders(name="a", limit=1)
        if first.rows:
            self.stakeholder_place(first.rows[0].id, name="a")

    def stakeholder_place(
        self,
        stakeholder_id: int,
        categories: Iterable[str] = (),
        name: str = "",
        *,
        speaking: bool = False,
    ) -> tuple[str, int] | None:
        """Where a stakeholder is in the filtered list: its category and how many come before it
        there; None when the filters leave it out. Lets a list read up to it in one page."""
        where = self._stakeholder_where(categories, name, speaking)
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
        self, categories: Iterable[str] = (), name: str = "", *, speaking: bool = False
    ) -> list[StakeholderRow]:
        """Every stakeholder that passes the filters (for small lists and exports)."""
        return list(
            self._all(
                lambda after: self.stakeholders(categories, name, speaking=speaking, after=after)
            )
        )

    def category_counts(
        self, categories: Iterable[str] = (), name: str = "", *, speaking: bool = False
    ) -> list[CategoryCount]:
        """How many stakeholders each category holds, in the vocabulary's order."""
        query = (
            select(Stakeholder.category, func.count())
            .where(*self._stakeholder_where(categories, name, speaking))
            .group_by(Stakeholder.category)
        )
        with self.engine.connect() as connection:
            counts = dict(connection.execute(query).tuples().all())
        return [CategoryCount(c, counts[c]) for c in CATEGORIES if c in counts]

    def stakeholders_by_keys(self, keys: Iterable[str]) -> list[StakeholderRow]:
        """The stakeholders with these dataset keys, in the order of the keys (unknown ones
        left out)."""
        wanted = list(dict.fromkeys(keys))
        rows = self._rows_where_in(stakeholder_select(), Stakeholder.key, wanted)
        found = {row[1]: StakeholderRow(*row) for row in rows}
        return [found[k] for k in wanted if k in found]

    def stakeholders_by_ids(self, ids: Iterable[int]) -> list[StakeholderRow]:
        """The given stakeholders, in the order of the ids."""
        wanted = list(dict.fromkeys(ids))
        rows = self._rows_where_in(stakeholder_select(), Stakeholder.id, wanted)
        found = {row[0]: StakeholderRow(*row) for row in rows}
        return [found[i] for i in wanted if i in found]

    def people_by_organisation(
        self, organisation_ids: Iterable[int], *, speaking: bool = False
    ) -> dict[int, list[StakeholderRow]]:
        """The people who speak for each of these organisations (their first or second
        affiliation), by name; with *speaking*, only those with statements. An organisation
        without people is left out."""
        wanted = sorted(set(organisation_ids))
        if not wanted:
            return {}
        rows: dict[int, Any] = {}
        with self.engine.connect() as connection:
            for query in self._people_queries_of(speaking):
                for chunk in chunks(wanted, 500):  # a statement takes a limited number of values
                    for row in connection.execute(query, {"organisations": chunk}):
                        rows[row[0]] = row
        organisations = set(wanted)
        people: dict[int, list[StakeholderRow]] = {}
        for row in sorted(rows.values(), key=lambda r: (r[12], r[0])):
            person = StakeholderRow(*row[:10])
            for organisation in dict.fromkeys(row[10:12]):
                if organisation in organisations and organisation != person.id:
                    people.setdefault(organisation, []).append(person)
        return people

    def _people_queries_of(self, speaking: bool) -> list[Select[Any]]:
        """The statements of people_by_organisation: those whose first affiliation is one of
        the organisations, then whose second is, each through its column's partial index.
        Built once and run with new values: a new filter's first screenful runs them, and
        building them cost more than running them."""
        queries = self._people_queries.get(speaking)
        if queries is None:
            organisations: Any = bindparam("organisations", expanding=True)
            query = stakeholder_select(
                Stakeholder.organisation_id,
                Stakeholder.second_organisation_id,
                Stakeholder.sort_name,
            )
            if speaking:
                query = query.where(Stakeholder.statement_count > 0)
            queries = self._people_queries[speaking] = [
                query.where(column.in_(organisations))
                for column in (Stakeholder.organisation_id, Stakeholder.second_organisation_id)
            ]
        return queries

    def people_of(self, organisation_ids: Iterable[int]) -> list[StakeholderRow]:
        """The people who speak for these organisations (their first or second affiliation),
        by sort name; none of the organisations themselves."""
        wanted = sorted(set(organisation_ids))
        if not wanted:
            return []
        if self._people_query is None:
            # The people are found first (through the affiliations' partial indexes; in a
            # database built before them, in one pass over the table: 3 ms at 20,000
            # stakeholders), then sorted. Sorted as they were found, SQLite there walked the
            # names' index and looked up each stakeholder's row from it (11 ms). Built once and
            # run with new values: building it cost more than running it.
            organisations: Any = bindparam("organisations", expanding=True)
            affiliated = select(Stakeholder.id).where(
                or_(
                    Stakeholder.organisation_id.in_(organisations),
                    Stakeholder.second_organisation_id.in_(organisations),
                )
            )
            self._people_query = (
                stakeholder_select()
                .where(Stakeholder.id.in_(affiliated), Stakeholder.id.not_in(organisations))
                .order_by(Stakeholder.sort_name, Stakeholder.id)
            )
        with self.engine.connect() as connection:
            rows = connection.execute(self._people_query, {"organisations": wanted})
            return [StakeholderRow(*row) for row in rows]
