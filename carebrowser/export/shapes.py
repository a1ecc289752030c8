"""The shapes of exports: which columns, in which order, from which rows."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from carebrowser.queries import (
    Archive,
    ComparisonRow,
    Filters,
    Matrix,
    MatrixBlock,
    PositionRow,
    ProposalRow,
    QuoteRow,
    QuoteSort,
    SourceRow,
    StakeholderRow,
)
from carebrowser.queries.export_rows import quote_cell_batches

#: A cell starting with one of these is read as a formula by spreadsheets (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

QUOTE_COLUMNS = (
    "quote_id", "stakeholder", "category", "organisation", "role", "quote", "kind", "proposals",
    "source", "publication", "author", "date", "start", "end",
)  # fmt: skip
POSITION_COLUMNS = (
    "stakeholder", "category", "proposal", "stance", "summary", "evidence_count",
    "evidence_quote_ids",
)  # fmt: skip
#: The positions' evidence layout: a row per position and statement it rests on.
POSITION_EVIDENCE_COLUMNS = (
    "stakeholder", "category", "proposal", "stance", "summary", "quote", "kind", "source",
    "publication", "headline", "date",
)  # fmt: skip
MATRIX_FIRST_COLUMN = "stakeholder"
STAKEHOLDER_COLUMNS = (
    "stakeholder",
    "kind",
    "category",
    "organisation",
    "role",
    "rating",
    "quotes",
)


@dataclass
class Table:
    """An export's header and rows of plain values, and the sources its rows cite."""

    header: tuple[str, ...]
    rows: Iterable[Sequence[object]]
    #: Column names holding a stance, which spreadsheets colour.
    stance_columns: frozenset[str] = frozenset()
    source_ids: set[int] = field(default_factory=set)


@dataclass
class CellBatches:
    """An export's header and its rows a batch at a time, every cell as it is to be written.

    Text that would start a formula already carries its apostrophe: the database added it.
    """

    header: tuple[str, ...]
    batches: Iterable[Sequence[Sequence[object]]]


def quote_cells(quote: QuoteRow) -> tuple[object, ...]:
    """A statement as a row of the quotes export."""
    return (
        quote.quote_id,
        quote.stakeholder,
        quote.category,
        quote.organisation or "",
        quote.role or "",
        quote.text,
        quote.kind_label + (", truncated" if quote.truncated else ""),
        "; ".join(quote.proposals),
        quote.source_name,
        quote.publication,
        quote.author or "",
        quote.date_label,
        quote.start,
        quote.end,
    )


def quotes_table(quotes: Iterable[QuoteRow]) -> Table:
    """The quotes export: one row per statement."""
    table = Table(QUOTE_COLUMNS, [])

    def rows() -> Iterable[tuple[object, ...]]:
        for quote in quotes:
            table.source_ids.add(quote.source_id)
            yield quote_cells(quote)

    table.rows = rows()
    return table


def quote_batches(
    archive: Archive, filters: Filters, *, sort: QuoteSort = "date", descending: bool = False
) -> CellBatches:
    """The quotes export as quotes_table() writes it to CSV, each cell computed by the database.

    For a CSV of many statements: the same bytes as quotes_table() of Archive.quotes() pages in
    the same order (by default all_quotes()), several times faster. It cites no sources, so a
    workbook is made with quotes_table().
    """
    batches = quote_cell_batches(archive, filters, FORMULA_STARTS, sort=sort, descending=descending)
    return CellBatches(QUOTE_COLUMNS, batches)


def _position_cells(p: PositionRow) -> tuple[object, ...]:
    return (
        p.stakeholder,
        p.category,
        p.proposal,
        p.stance,
        p.summary,
        len(p.evidence_quote_ids),
        "; ".join(p.evidence_quote_ids),
    )


def positions_table(positions: Sequence[PositionRow]) -> Table:
    """The positions export: one row per stakeholder and proposal."""
    rows = [_position_cells(p) for p in positions]
    sources = {i for p in positions for i in p.evidence_source_ids}
    return Table(POSITION_COLUMNS, rows, frozenset({"stance"}), sources)


#: Positions whose evidence is read at a time by position_evidence_table().
EVIDENCE_BATCH = 200


def _evidence_cells(p: PositionRow, quote: QuoteRow | None) -> tuple[object, ...]:
    position = (p.stakeholder, p.category, p.proposal, p.stance, p.summary)
    if quote is None:  # a position without evidence (a damaged file): its row, all the same
        return (*position, "", "", "", "", "", "")
    return (
        *position,
        quote.text,
        quote.kind_label + (", truncated" if quote.truncated else ""),
        quote.source_name,
        quote.publication,
        quote.headline or "",
        quote.date_label,
    )


def position_evidence_table(
    positions: Iterable[PositionRow],
    evidence: Callable[[Sequence[int]], Mapping[int, Sequence[QuoteRow]]],
) -> Table:
    """The positions' evidence layout: a row per position and statement it rests on, with the
    quotation verbatim, its kind and its source; *evidence* reads the statements of some
    positions (Archive.evidence_by_position), a batch at a time as the rows are written."""
    table = Table(POSITION_EVIDENCE_COLUMNS, [], frozenset({"stance"}))

    def rows() -> Iterator[tuple[object, ...]]:
        iterator = iter(positions)
        while batch := list(itertools.islice(iterator, EVIDENCE_BATCH)):
            quotes = evidence([p.id for p in batch])
            for position in batch:
                shown: Sequence[QuoteRow | None] = quotes.get(position.id) or [None]
                for quote in shown:
                    if quote is not None:
                        table.source_ids.add(quote.source_id)
                    yield _evidence_cells(position, quote)

    table.rows = rows()
    return table


def matrix_table(matrix: Matrix) -> Table:
    """The matrix export: a stakeholder column, then one column per proposal holding the stance."""
    table = matrix_blocks_table(matrix.proposals, [(matrix.stakeholders, matrix.cells)])
    table.rows = list(table.rows)
    return table


def matrix_blocks_table(proposals: Sequence[ProposalRow], blocks: Iterable[MatrixBlock]) -> Table:
    """matrix_table() of a matrix whose rows come a block at a time, each read as it is written
    (the sources its cells cite are known once every row is)."""
    header = (MATRIX_FIRST_COLUMN, *(p.title for p in proposals))
    table = Table(header, [], frozenset(header[1:]))

    def rows() -> Iterator[tuple[object, ...]]:
        for stakeholder, cells in _matrix_rows(proposals, blocks, table.source_ids):
            yield (stakeholder.name, *(cell.stance if cell else "" for cell in cells))

    table.rows = rows()
    return table


def matrix_positions_table(
    proposals: Sequence[ProposalRow], blocks: Iterable[MatrixBlock]
) -> Table:
    """positions_table() of a matrix's positions in its order, row by row and column by column,
    the rows coming a block at a time, each read as it is written."""
    table = Table(POSITION_COLUMNS, [], frozenset({"stance"}))

    def rows() -> Iterator[tuple[object, ...]]:
        for _stakeholder, cells in _matrix_rows(proposals, blocks, table.source_ids):
            yield from (_position_cells(cell) for cell in cells if cell is not None)

    table.rows = rows()
    return table


def matrix_positions(
    proposals: Sequence[ProposalRow], blocks: Iterable[MatrixBlock]
) -> Iterator[PositionRow]:
    """A matrix's positions in its order, row by row and column by column, the rows coming a
    block at a time."""
    for _stakeholder, cells in _matrix_rows(proposals, blocks, set()):
        yield from (cell for cell in cells if cell is not None)


def _matrix_rows(
    proposals: Sequence[ProposalRow], blocks: Iterable[MatrixBlock], cited: set[int]
) -> Iterator[tuple[StakeholderRow, list[PositionRow | None]]]:
    """Each row of a matrix with its cells in column order (None where empty), adding the
    sources the cells cite to *cited* as it goes."""
    for stakeholders, positions in blocks:
        for stakeholder in stakeholders:
            cells = [positions.get((stakeholder.id, p.id)) for p in proposals]
            cited.update(i for cell in cells if cell is not None for i in cell.evidence_source_ids)
            yield stakeholder, cells


def comparison_table(
    stakeholders: Sequence[StakeholderRow], rows: Iterable[ComparisonRow]
) -> Table:
    """The comparison export: a row per proposal; stance, key quotation, source per stakeholder."""
    header = ["proposal", "disagree"]
    for s in stakeholders:
        header += [f"{s.name}: stance", f"{s.name}: key quotation", f"{s.name}: source"]
    table = Table(tuple(header), [], frozenset(h for h in header if h.endswith(": stance")))
    body = []
    for row in rows:
        cells: list[object] = [row.proposal.title, "yes" if row.disagree else "no"]
        for position, quote in zip(row.positions, row.key_quotes, strict=True):
            cells.append(position.stance if position else "")
            cells.append(quote.text if quote else "")
            if quote:
                table.source_ids.add(quote.source_id)
                cells.append(quote.source_name)
            else:
                cells.append("")
        body.append(cells)
    table.rows = body
    return table


def stakeholders_table(stakeholders: Iterable[StakeholderRow]) -> Table:
    """The stakeholder list export."""
    rows = [
        (s.name, s.kind, s.category, s.organisation or "", s.role or "", s.rating or "",
         s.statement_count)
        for s in stakeholders
    ]  # fmt: skip
    return Table(STAKEHOLDER_COLUMNS, rows)


def source_cells(source: SourceRow) -> tuple[object, ...]:
    """A source as a row of the sources sheet."""
    return (
        source.name,
        source.publication,
        source.headline or "",
        source.author or "",
        source.date.isoformat(),
        source.date_precision,
        "inferred" if source.date_inferred else "stated",
        source.date_evidence or "",
    )


SOURCE_COLUMNS = (
    "source", "publication", "headline", "author", "date", "date_precision", "date_status",
    "date_evidence",
)  # fmt: skip
