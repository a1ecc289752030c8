"""The quotes export as one query: every cell computed by the database, read in large batches.

Built row by row in Python (a QuoteRow each, a query for proposal titles per page, each cell
neutralised in turn), an export of a million statements took 2.9 times as long as the sqlite3
shell writing the same cells. Here the database writes the cells: the kind's label, the proposals
joined in title order, the date as precise as it is known, and an apostrophe before text that a
spreadsheet would run as a formula. The rows come in the order of ``Archive.quotes``' pages for
the sort asked for (by default date, source, start, id, as ``Archive.all_quotes``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select, String, and_, case, cast, func, literal, select

from carebrowser.data.tables import Proposal, Source, Stakeholder, Statement, statement_proposal
from carebrowser.data.vocabulary import KIND_LABELS
from carebrowser.queries import backend
from carebrowser.queries.filters import Filters, QuoteSort
from carebrowser.queries.reading import organisation_name, with_organisations
from carebrowser.queries.rows import UNNAMED_PUBLICATION
from carebrowser.queries.statements import StatementReader

#: The quotes export's columns, in order: the labels of quote_cells_select()'s columns.
QUOTE_CELL_COLUMNS = (
    "quote_id", "stakeholder", "category", "organisation", "role", "quote", "kind", "proposals",
    "source", "publication", "author", "date", "start", "end",
)  # fmt: skip

#: Rows read from the database at a time: large enough that Python's part is small per row,
#: small enough that a batch of long quotations stays a few megabytes.
BATCH_ROWS = 5000

_MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec"


class _Cells:
    """The SQL of the export's cells on one backend."""

    def __init__(self, dialect: str, formula_starts: Sequence[str]) -> None:
        if any(len(start) != 1 for start in formula_starts):
            raise ValueError(f"formula starts must be single characters: {formula_starts!r}")
        self.dialect = dialect
        self.formula_codes = sorted({ord(start) for start in formula_starts})

    def safe(self, value: Any) -> Any:
        """*value* with an apostrophe in front when it starts with a formula start."""
        first = backend.first_character_code(self.dialect, value)
        return case((first.in_(self.formula_codes), literal("'", String) + value), else_=value)

    def kind(self) -> Any:
        """'direct quotation' and the like, ', truncated' where it is; an unknown kind as stored."""
        label = case(KIND_LABELS, value=Statement.kind, else_=self.safe(Statement.kind))
        return label + case((Statement.truncated, ", truncated"), else_="")

    def date(self) -> Any:
        """Source.date as format_date() shows it: '7 Oct 2002', 'Oct 2002', '2002', 'c. Oct 2002',
        'on or after 16 Oct 2002'."""
        year, month, day = backend.date_parts(self.dialect, Source.date)
        month_name = func.substr(literal(_MONTHS, String), 3 * month - 2, 3)
        month_year = month_name + " " + cast(year, String)
        day_month_year = cast(day, String) + " " + month_year
        shown = case(
            (Source.date_precision == "day", day_month_year),
            (
                Source.date_precision == "on or after",
                literal("on or after ", String) + day_month_year,
            ),
            (Source.date_precision == "month", month_year),
            (Source.date_precision == "year", cast(year, String)),
            else_=literal("c. ", String) + month_year,
        )
        label = shown + case((Source.date_inferred, " (inferred)"), else_="")
        valid = backend.valid_date(self.dialect, Source.date)
        # NULL for a date that is not one (a damaged file): quote_cell_batches() stops there.
        return label if valid is None else case((valid, label), else_=None)

    def source_name(self) -> Any:
        """The source as source_name() names it: "Publication, 'Headline', date" (an unnamed
        publication by its headline alone)."""
        has_headline = and_(Source.headline.is_not(None), Source.headline != "")
        publication = case(
            (and_(has_headline, Source.publication == UNNAMED_PUBLICATION), literal("", String)),
            else_=Source.publication + literal(", ", String),
        )
        headline = case(
            (has_headline, literal("\u2018", String) + Source.headline + "\u2019, "),
            else_=literal("", String),
        )
        return publication + headline + self.date()

    def proposals(self) -> Any:
        """The titles of a statement's proposals in title order, joined by '; ' ('' for none)."""
        titles = (
            select(Proposal.title)
            .join(statement_proposal, statement_proposal.c.proposal_id == Proposal.id)
            .where(statement_proposal.c.statement_id == Statement.id)
            .correlate(Statement)
        )
        joined = backend.joined_in_order(self.dialect, titles, [Proposal.title], "; ").subquery()
        # Neutralised here, over the one joined value, so that the titles are joined once a row.
        return select(self.safe(func.coalesce(joined.c.joined, ""))).scalar_subquery()


def quote_cells_select(
    archive: StatementReader,
    filters: Filters,
    formula_starts: Sequence[str],
    *,
    sort: QuoteSort = "date",
    descending: bool = False,
) -> Select[Any]:
    """The statements that pass *filters* as the quotes export's cells, in the order of
    Archive.quotes() pages for *sort* and *descending*.

    Text cells starting with one of *formula_starts* (single characters) get a leading
    apostrophe, as the CSV writer's neutralise() gives them; start and end stay numbers.
    """
    sql = _Cells(archive.engine.dialect.name, formula_starts)
    # As Archive.quotes() pages do: with many matches, SQLite reads along the sort's index and
    # checks each statement; sorting 600,000 matches of 1,000,000 took half as long again.
    in_order: QuoteSort | None = sort if archive._read_in_order(filters, sort) else None
    order = archive._quote_order(sort)
    cells = (
        sql.safe(Statement.key),
        sql.safe(Stakeholder.name),
        sql.safe(Stakeholder.category),
        sql.safe(func.coalesce(organisation_name(), "")),
        # The role as the statement's own source prints it.
        sql.safe(func.coalesce(Statement.role, "")),
        sql.safe(Statement.text),
        sql.kind(),
        sql.proposals(),
        sql.safe(sql.source_name()),
        sql.safe(Source.publication),
        sql.safe(func.coalesce(Source.author, "")),
        sql.date(),
        Statement.start,
        Statement.end,
    )
    speakers = (
        select(*(cell.label(name) for cell, name in zip(cells, QUOTE_CELL_COLUMNS, strict=True)))
        .select_from(Statement)
        .join(Stakeholder, Stakeholder.id == Statement.speaker_id)
    )
    return (
        with_organisations(speakers)
        .join(Source, Source.id == Statement.source_id)
        .where(*archive._statement_where(filters, in_order=in_order))
        .order_by(*(column.desc() if descending else column for column in order))
    )


def quote_cell_batches(
    archive: StatementReader,
    filters: Filters,
    formula_starts: Sequence[str],
    *,
    sort: QuoteSort = "date",
    descending: bool = False,
    batch_rows: int = BATCH_ROWS,
) -> Iterator[Sequence[Sequence[object]]]:
    """quote_cells_select()'s rows, a batch at a time, read as they come (a server-side cursor
    on PostgreSQL). Close the iterator when stopping early: it holds a connection until then."""
    query = quote_cells_select(archive, filters, formula_starts, sort=sort, descending=descending)
    key, date = QUOTE_CELL_COLUMNS.index("quote_id"), QUOTE_CELL_COLUMNS.index("date")
    with archive.engine.connect() as connection:
        result = connection.execution_options(yield_per=batch_rows).execute(query)
        for batch in result.partitions():
            for row in batch:
                if row[date] is None:
                    # As the row-by-row export does when a date cannot be read.
                    raise ValueError(f"the source of statement {row[key]} holds no valid date")
            yield batch
