"""The rows of a briefing: the chosen stakeholders' positions on the chosen proposals, each with
the statements it rests on, the sources they cite, and what the briefing covers.

A briefing is read in a few queries whatever its size: the positions, then their evidence for
every position at once, then the statements and sources 500 at a time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select

from carebrowser.data.tables import Meta, Position, Stakeholder, Statement, position_evidence
from carebrowser.data.vocabulary import CATEGORIES, STANCES
from carebrowser.queries.comparison import disagreements
from carebrowser.queries.filters import Filters
from carebrowser.queries.matrix import MatrixReader
from carebrowser.queries.rows import (
    ComparisonRow,
    PositionRow,
    ProposalRow,
    QuoteRow,
    SourceRow,
    StakeholderRow,
)
from carebrowser.queries.sources import SourceReader

#: A comparison is drawn for this many stakeholders (the comparison view's range).
COMPARED = range(2, 5)


@dataclass(frozen=True)
class Dataset:
    """Which dataset a briefing was read from: its name as opened, schema version and digest."""

    label: str
    schema_version: str
    digest: str

    @property
    def version(self) -> str:
        """'schema 2, dataset 9086ac892c9c': enough to tell two editions of the data apart."""
        digest = f", dataset {self.digest[:12]}" if self.digest else ""
        return f"schema {self.schema_version or 'unknown'}{digest}"


@dataclass(frozen=True)
class Scope:
    """What the person chose, in words: the filters a briefing was read with."""

    stakeholders: tuple[str, ...]
    proposals: tuple[str, ...]
    categories: tuple[str, ...]
    sources: tuple[str, ...]
    search: str
    date_from: dt.date | None
    date_to: dt.date | None
    #: Only positions taken with these stances (and their evidence), in the vocabulary's order.
    stances: tuple[str, ...] = ()
    #: Whether only some statements were chosen (a selection in the statement list).
    chosen_statements: int | None = None


@dataclass(frozen=True)
class BriefingEntry:
    """One stakeholder's position on one proposal, with the statements cited for it."""

    stakeholder: StakeholderRow
    position: PositionRow
    #: The position's evidence that passes the filters: the key quotation first (a direct
    #: quotation before reported speech, then the earliest), then the others by date.
    quotes: tuple[QuoteRow, ...]


@dataclass(frozen=True)
class BriefingSection:
    """A proposal and the chosen stakeholders' positions on it, grouped by stance."""

    proposal: ProposalRow
    #: (stance, entries) in the order of STANCES: supports first, opposes last.
    groups: tuple[tuple[str, tuple[BriefingEntry, ...]], ...]
    #: Chosen stakeholders who took no position on it (as far as the filters show).
    silent: tuple[StakeholderRow, ...]


@dataclass(frozen=True)
class Briefing:
    """Everything a briefing document says, as plain rows."""

    scope: Scope
    dataset: Dataset
    made: dt.datetime
    stakeholders: tuple[StakeholderRow, ...]
    proposals: tuple[ProposalRow, ...]
    #: Positions by (stakeholder id, proposal id): the summary table's cells.
    cells: dict[tuple[int, int], PositionRow]
    sections: tuple[BriefingSection, ...]
    #: With two to four stakeholders: the comparison rows on the chosen proposals.
    comparison: tuple[ComparisonRow, ...]
    sources: tuple[SourceRow, ...]
    #: Chosen statements that no position in the briefing cites.
    other_statements: tuple[QuoteRow, ...] = field(default=())

    @property
    def disagreements(self) -> tuple[ComparisonRow, ...]:
        """The comparison rows where the stakeholders' stances differ."""
        return tuple(disagreements(self.comparison))

    @property
    def quotations(self) -> int:
        """How many quotations the document holds (a statement cited twice counts twice)."""
        cited = sum(len(e.quotes) for s in self.sections for _, g in s.groups for e in g)
        return cited + len(self.other_statements)


@dataclass(frozen=True)
class BriefingRequest:
    """What a briefing is to hold, as a view or the command line chose it: the filters (the
    stakeholders, the proposals and the rest) and, optionally, only some statements."""

    filters: Filters
    statements: frozenset[int] | None = None

    def read(self, archive: BriefingReader, dataset_label: str = "") -> Briefing:
        """The briefing's rows (BriefingReader.briefing())."""
        return archive.briefing(
            self.filters, dataset_label=dataset_label, statements=self.statements
        )

    def quotations(self, archive: BriefingReader) -> int:
        """How many quotations it will hold: counted by the database, or with chosen
        statements, how many were chosen (each is quoted once, or under each position citing
        it)."""
        if self.statements is not None:
            return len(self.statements)
        return archive.briefing_quotations(self.filters)


def _matrix_order(stakeholder: StakeholderRow) -> tuple[int, str, int]:
    """Stakeholders as the matrix lists them: by category in the vocabulary's order, then name."""
    category = stakeholder.category
    rank = CATEGORIES.index(category) if category in CATEGORIES else len(CATEGORIES)
    return rank, stakeholder.name.casefold(), stakeholder.id


def _compared(
    stakeholders: Sequence[StakeholderRow], sections: Iterable[BriefingSection]
) -> Iterable[ComparisonRow]:
    """The comparison rows of a briefing's sections: each stakeholder's position and key
    quotation (the first it cites) on each proposal on which any of them took one."""
    for section in sections:
        entries = {e.stakeholder.id: e for _, group in section.groups for e in group}
        if not entries:
            continue
        chosen = [entries.get(s.id) for s in stakeholders]
        yield ComparisonRow(
            section.proposal,
            tuple(e.position if e else None for e in chosen),
            tuple(e.quotes[0] if e and e.quotes else None for e in chosen),
        )


def _names(rows: Iterable[object], attribute: str) -> tuple[str, ...]:
    return tuple(str(getattr(row, attribute)) for row in rows)


class BriefingReader(MatrixReader, SourceReader):
    """A briefing's rows: positions, their evidence, the statements and sources they cite."""

    def dataset(self, label: str) -> Dataset:
        """The facts of the database read (schema version, digest); *label*: how it was opened."""
        with self.engine.connect() as connection:
            meta = dict(connection.execute(select(Meta.key, Meta.value)).tuples().all())
        return Dataset(label, meta.get("schema_version", ""), meta.get("dataset_digest", ""))

    def _evidence_ids(self, position_ids: Sequence[int], filters: Filters) -> dict[int, list[int]]:
        """The statements each position cites that pass the statement filters (search, sources,
        dates), in the key quotation's order: direct quotations first, then by date."""
        found: dict[int, list[int]] = defaultdict(list)
        where = self._statement_where(
            filters.but(stakeholders=frozenset(), categories=frozenset(), proposals=frozenset())
        )
        with self.engine.connect() as connection:
            for start in range(0, len(position_ids), 500):
                chunk = position_ids[start : start + 500]
                query = (
                    select(position_evidence.c.position_id, Statement.id)
                    .join(Statement, Statement.id == position_evidence.c.statement_id)
                    .where(position_evidence.c.position_id.in_(chunk), *where)
                    .order_by(
                        position_evidence.c.position_id,
                        Statement.kind != "direct",
                        Statement.sort_date,
                        Statement.id,
                    )
                )
                for position_id, statement_id in connection.execute(query):
                    found[position_id].append(statement_id)
        return found

    def briefing_quotations(self, filters: Filters) -> int:
        """How many quotations briefing() of *filters* holds, counted by the database: for the
        progress of a long briefing, before it is read."""
        where = self._statement_where(
            filters.but(stakeholders=frozenset(), categories=frozenset(), proposals=frozenset())
        )
        query = (
            select(func.count())
            .select_from(position_evidence)
            .join(Position, Position.id == position_evidence.c.position_id)
            .join(Stakeholder, Stakeholder.id == Position.stakeholder_id)
            .join(Statement, Statement.id == position_evidence.c.statement_id)
            .where(*self._position_where(filters), *where)
        )
        with self.engine.connect() as connection:
            return int(connection.scalar(query) or 0)

    def briefing(
        self,
        filters: Filters,
        *,
        dataset_label: str = "",
        statements: frozenset[int] | None = None,
        made: dt.datetime | None = None,
    ) -> Briefing:
        """The briefing of what *filters* choose: their stakeholders (every stakeholder with a
        position, when none is named) on their proposals (those the stakeholders took a position
        on, when none is named). With *statements*, only those statements are quoted."""
        positions = self.positions(filters)
        evidence = self._evidence_ids([p.id for p in positions], filters)
        if statements is not None:
            evidence = {k: [i for i in v if i in statements] for k, v in evidence.items()}
            positions = [p for p in positions if evidence.get(p.id)]
        named = filters.stakeholders or {p.stakeholder_id for p in positions}
        stakeholders = sorted(self.stakeholders_by_ids(named), key=_matrix_order)
        if filters.proposals:
            proposals = self.proposals_by_ids(filters.proposals)
        else:
            proposals = self.proposals_by_ids({p.proposal_id for p in positions})
        cited = list(dict.fromkeys(i for p in positions for i in evidence.get(p.id, ())))
        others: list[int] = []
        if statements is not None:
            placed = set(cited)
            others = sorted(i for i in statements if i not in placed)
        quotes = {q.id: q for q in self.quotes_by_ids([*cited, *others])}
        cells = {(p.stakeholder_id, p.proposal_id): p for p in positions}
        sections = []
        for proposal in proposals:
            grouped: dict[str, list[BriefingEntry]] = defaultdict(list)
            for s in stakeholders:
                position = cells.get((s.id, proposal.id))
                if position is not None:
                    entry_quotes = tuple(
                        quotes[i] for i in evidence.get(position.id, ()) if i in quotes
                    )
                    grouped[position.stance].append(BriefingEntry(s, position, entry_quotes))
            order = [*STANCES, *sorted(set(grouped) - set(STANCES))]  # a damaged file's stance last
            groups = tuple((stance, tuple(grouped[stance])) for stance in order if grouped[stance])
            silent = tuple(s for s in stakeholders if (s.id, proposal.id) not in cells)
            sections.append(BriefingSection(proposal, groups, silent))
        comparison: tuple[ComparisonRow, ...] = ()
        if len(stakeholders) in COMPARED:
            comparison = tuple(_compared(stakeholders, sections))
        source_ids = {q.source_id for q in quotes.values()}
        scope = Scope(
            stakeholders=_names(stakeholders, "name") if filters.stakeholders else (),
            proposals=_names(proposals, "title") if filters.proposals else (),
            categories=tuple(sorted(filters.categories)),
            sources=_names(self.sources_by_ids(filters.sources), "title"),
            search=filters.search.strip(),
            date_from=filters.date_from,
            date_to=filters.date_to,
            stances=tuple(s for s in STANCES if s in filters.stances),
            chosen_statements=len(statements) if statements is not None else None,
        )
        return Briefing(
            scope=scope,
            dataset=self.dataset(dataset_label),
            made=made or dt.datetime.now().astimezone(),
            stakeholders=tuple(stakeholders),
            proposals=tuple(proposals),
            cells=cells,
            sections=tuple(sections),
            comparison=comparison,
            sources=tuple(self.sources_by_ids(source_ids)),
            other_statements=tuple(quotes[i] for i in others if i in quotes),
        )


__all__ = [
    "Briefing",
    "BriefingEntry",
    "BriefingReader",
    "BriefingRequest",
    "BriefingSection",
    "Dataset",
    "Scope",
]
