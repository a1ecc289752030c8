"""Plain rows that the query layer returns: no ORM objects, nothing that needs a session."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from carebrowser.data.vocabulary import KIND_LABELS

MONTHS = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)  # fmt: skip


def format_date(date: dt.date, precision: str, inferred: bool) -> str:
    """A date as precise as it is known, marked when it was inferred: '17 Oct 2002', 'c. Apr
    2001', 'on or after 16 Oct 2002' (only the earliest day is known)."""
    if precision == "day":
        shown = f"{date.day} {MONTHS[date.month - 1]} {date.year}"
    elif precision == "on or after":
        shown = f"on or after {date.day} {MONTHS[date.month - 1]} {date.year}"
    elif precision == "month":
        shown = f"{MONTHS[date.month - 1]} {date.year}"
    elif precision == "year":
        shown = str(date.year)
    else:
        shown = f"c. {MONTHS[date.month - 1]} {date.year}"
    return f"{shown} (inferred)" if inferred else shown


@dataclass(frozen=True)
class StakeholderRow:
    """A person or organisation as the lists show it."""

    id: int
    key: str
    name: str
    kind: str
    category: str
    role: str | None
    organisation: str | None
    rating: str | None
    truncated: bool
    statement_count: int

    @property
    def description(self) -> str:
        """Role, organisation and a council's rating: the second line of a list entry."""
        parts = [p for p in (self.role, self.organisation) if p]
        if self.rating:
            parts.append(self.rating)
        return ", ".join(parts)


@dataclass(frozen=True)
class CategoryCount:
    """A stakeholder category with the number of stakeholders in it (after filters)."""

    category: str
    count: int


@dataclass(frozen=True)
class QuoteRow:
    """A statement with everything needed to show and cite it."""

    id: int
    quote_id: str
    stakeholder_id: int
    stakeholder: str
    category: str
    organisation: str | None
    role: str | None
    text: str
    kind: str
    truncated: bool
    source_id: int
    source_key: str
    publication: str
    headline: str | None
    author: str | None
    date: dt.date
    date_precision: str
    date_inferred: bool
    start: int
    end: int
    proposals: tuple[str, ...] = field(default=())

    @property
    def kind_label(self) -> str:
        """'direct quotation', 'reported speech' or 'editorial opinion'."""
        # A damaged file's unknown kind is shown as stored: raising here would break a view.
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def date_label(self) -> str:
        """The date as precise as it is known, with '(inferred)' where it was."""
        return format_date(self.date, self.date_precision, self.date_inferred)

    @property
    def source_name(self) -> str:
        """The source, as every view and export names it (see source_name)."""
        return source_name(self.publication, self.headline, self.date_label)


@dataclass(frozen=True)
class ProposalRow:
    """A policy proposal."""

    id: int
    key: str
    title: str
    summary: str
    proposer: str | None
    policy_area: str
    position_count: int = 0


@dataclass(frozen=True)
class PositionRow:
    """A stakeholder's stance on a proposal and the quote ids of its evidence."""

    id: int
    stakeholder_id: int
    stakeholder: str
    category: str
    proposal_id: int
    proposal: str
    stance: str
    summary: str
    evidence_quote_ids: tuple[str, ...]
    #: The sources of the evidence, for citing them beside an export.
    evidence_source_ids: frozenset[int] = frozenset()


#: How the dataset names a publication it cannot identify.
UNNAMED_PUBLICATION = "Unnamed publication"


def source_name(
    publication: str, headline: str | None, date_label: str, author: str | None = None
) -> str:
    """A source in one format everywhere: "Publication, 'Headline', date", the headline in
    curly quotes (the author before the date where asked); an unnamed publication is named by
    its headline alone."""
    parts = [] if headline and publication == UNNAMED_PUBLICATION else [publication]
    if headline:
        parts.append(f"\u2018{headline}\u2019")
    if author:
        parts.append(author)
    return ", ".join([*parts, date_label])


@dataclass(frozen=True)
class SourceRow:
    """A published piece, without its text."""

    id: int
    key: str
    publication: str
    publication_evidence: str | None
    headline: str | None
    author: str | None
    date: dt.date
    date_precision: str
    date_inferred: bool
    date_evidence: str | None
    capture: str
    statement_count: int = 0
    #: What the capture cuts off of the headline or by-line, where it does.
    note: str | None = None

    @property
    def date_label(self) -> str:
        """The date as precise as it is known, with '(inferred)' where it was."""
        return format_date(self.date, self.date_precision, self.date_inferred)

    @property
    def name(self) -> str:
        """The source, as every view and export names it (see source_name)."""
        return source_name(self.publication, self.headline, self.date_label)

    @property
    def title(self) -> str:
        """The headline, or a plain description where the capture has none."""
        return self.headline or f"{self.publication} (no headline), {self.date_label}"


@dataclass(frozen=True)
class SpanRow:
    """A statement's place in its source's text."""

    statement_id: int
    quote_id: str
    start: int
    end: int
    stakeholder: str
    kind: str


@dataclass(frozen=True)
class SourceText:
    """A source with its cleaned text and the spans of its statements."""

    source: SourceRow
    text: str
    spans: tuple[SpanRow, ...]


@dataclass(frozen=True)
class Matrix:
    """Positions laid out stakeholder x proposal; cells maps (stakeholder id, proposal id)."""

    stakeholders: tuple[StakeholderRow, ...]
    proposals: tuple[ProposalRow, ...]
    cells: dict[tuple[int, int], PositionRow]


#: Some rows of a matrix and the positions in their cells (by stakeholder and proposal id): a
#: matrix read a block of rows at a time.
MatrixBlock = tuple[Sequence[StakeholderRow], dict[tuple[int, int], PositionRow]]


@dataclass(frozen=True)
class ComparisonRow:
    """One proposal compared across two to four stakeholders (a position or None each)."""

    proposal: ProposalRow
    positions: tuple[PositionRow | None, ...]
    key_quotes: tuple[QuoteRow | None, ...]

    @property
    def disagree(self) -> bool:
        """Whether the stakeholders who took a position took different stances."""
        stances = {p.stance for p in self.positions if p is not None}
        return len(stances) > 1
