"""What each view exports: its selection, or what it shows, in the shapes the command line writes.

A panel's export_subject() method gives an ExportSubject (with its function here): whether rows
are selected, and one or more ExportShapes (the matrix as a row per position or as a grid, the
stakeholder list as the stakeholders or their statements or positions). A shape builds its
Table on the GUI thread, where the selection is; the rows of a long table are read lazily, by
the export worker. A count that reads the database (`reads`) takes what it needs of the panel
when the subject is made, so that the dialog can run it, and the summary, on a reading thread.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from carebrowser.export import (
    CellBatches,
    Table,
    matrix_positions,
    matrix_positions_table,
    matrix_table,
    position_evidence_table,
    positions_table,
    quote_batches,
    quotes_table,
)
from carebrowser.queries import Archive, Filters, Matrix, PositionRow, QuoteRow, QuoteSort
from carebrowser.ui.briefing_requests import (
    BriefingOffer,
    comparison_briefing,
    matrix_briefing,
    offer,
    quote_briefing,
    stakeholder_briefing,
)
from carebrowser.ui.widgets import counted

if TYPE_CHECKING:
    # Each panel's export_subject() calls its function here.
    from carebrowser.ui.compare_panel import ComparePanel
    from carebrowser.ui.matrix_panel import MatrixPanel
    from carebrowser.ui.network import NetworkPanel
    from carebrowser.ui.quote_panel import QuotePanel
    from carebrowser.ui.reader_panel import ReaderPanel
    from carebrowser.ui.stakeholder_panel import StakeholderPanel
    from carebrowser.ui.timeline import TimelinePanel

#: Statements read from the database at a time when everything shown is exported.
EXPORT_PAGE = 2000
#: A stakeholder id no database holds: "these stakeholders" when the list shows none
#: (an empty set would mean "every stakeholder").
NOBODY = -1


@dataclass(frozen=True)
class ExportShape:
    """One layout of an export: what it is called, its rows' noun, its count and its table."""

    #: The layout as the dialog offers it: "One row per position".
    label: str
    #: A word for the file name and the sheet: "positions".
    name: str
    #: What one row is: "position".
    noun: str
    count: Callable[[], int]
    table: Callable[[], Table]
    #: The dialog's sentence, given the count: "Exporting the 6 selected positions."
    summary: Callable[[int], str]
    #: For a CSV file, where there is one: the same rows with every cell computed by the
    #: database, which writes the same bytes several times faster.
    csv_cells: Callable[[], CellBatches] | None = None
    #: Whether count (and summary) read the database: they then touch nothing of the panel, and
    #: the dialog runs them on a reading thread.
    reads: bool = False


@dataclass(frozen=True)
class ExportSubject:
    """What a view offers to export: its shapes, and whether it is a selection."""

    #: Where the rows come from, as the dialog says it: "Proposal matrix".
    origin: str
    selected: bool
    shapes: tuple[ExportShape, ...]
    #: The Word briefing of the same choice, where the view offers one.
    briefing: BriefingOffer | None = None
    #: What Ctrl+C copies of the selection, where it is not the first layout: the columns the
    #: view shows, in the order shown (the matrix: its grid).
    clipboard: Callable[[], Table] | None = None
    #: What Ctrl+Shift+C copies: positions selected with their quotations, where there are.
    quotations: ExportShape | None = None


def file_stem(shape: ExportShape, today: dt.date | None = None) -> str:
    """The proposed file name without its suffix: 'carebrowser positions 2002-03-01'."""
    return f"carebrowser {shape.name} {(today or dt.date.today()).isoformat()}"


def _summary(noun: str, selected: bool) -> Callable[[int], str]:
    def say(count: int) -> str:
        if count == 0:
            return f"Nothing to export: no {noun}s are {'selected' if selected else 'shown'}."
        if selected:
            return f"Exporting the {count} selected {noun}{'' if count == 1 else 's'}."
        return f"Exporting all {counted(count, noun)} shown (nothing selected)."

    return say


def _of(noun: str, whose: str) -> Callable[[int], str]:
    def say(count: int) -> str:
        if count == 0:
            return f"Nothing to export: no {noun}s {whose}."
        return f"Exporting the {counted(count, noun)} {whose}."

    return say


def _shape(
    label: str,
    name: str,
    noun: str,
    count: Callable[[], int],
    table: Callable[[], Table],
    summary: Callable[[int], str],
    csv_cells: Callable[[], CellBatches] | None = None,
    *,
    reads: bool = False,
) -> ExportShape:
    return ExportShape(label, name, noun, functools.cache(count), table, summary, csv_cells, reads)


def _shown_statements(panel: QuotePanel) -> Iterator[QuoteRow]:
    """Every statement the panel's filters give, in the order the panel shows them.

    The panel is read now (on the GUI thread); the pages are read as the worker asks for them.
    """
    archive, filters = panel.archive, panel.filters
    sort, descending = panel.model.sort_by, panel.model.descending
    return _pages(archive, filters, sort, descending)


def _shown_statement_cells(panel: QuotePanel) -> CellBatches:
    """_shown_statements() as a CSV's cells, computed by the database (the same bytes)."""
    model = panel.model
    return quote_batches(
        panel.archive, panel.filters, sort=model.sort_by, descending=model.descending
    )


def _pages(
    archive: Archive, filters: Filters, sort: QuoteSort, descending: bool
) -> Iterator[QuoteRow]:
    after = None
    while True:
        page = archive.quotes(
            filters, sort=sort, descending=descending, after=after, limit=EXPORT_PAGE
        )
        yield from page.rows
        if page.cursor is None:
            return
        after = page.cursor


def quote_subject(panel: QuotePanel) -> ExportSubject:
    """The selected statements, or every statement the panel stands for."""
    selected = panel.selection_count() > 0
    cells: Callable[[], CellBatches] | None = None
    if selected or panel.position is not None:
        table: Callable[[], Table] = lambda: panel.export_table(selected)  # noqa: E731
    else:
        table = lambda: quotes_table(_shown_statements(panel))  # noqa: E731
        cells = functools.partial(_shown_statement_cells, panel)
    archive, filters = panel.archive, panel.filters
    # Every statement of the filters is counted by the database, off the GUI thread.
    every = not selected and panel.position is None
    count = (
        (lambda: archive.quote_count(filters))
        if every
        else panel.selection_count
        if selected
        else panel.total_count
    )
    shape = _shape(
        "One row per statement", "statements", "statement", count, table,
        _summary("statement", selected), cells, reads=every,
    )  # fmt: skip
    briefing = offer(panel.archive, quote_briefing(panel))
    return ExportSubject(
        panel.heading.text(), selected, (shape,), briefing, functools.partial(_shown_rows, panel)
    )


def _shown_rows(panel: QuotePanel) -> Table:
    """The selected statements as the panel shows them: its columns, in its order."""
    from carebrowser.ui.clipboard import shown_table

    rows = sorted(i.row() for i in panel.table.selectionModel().selectedRows())
    return shown_table(panel.table, rows)


#: The layouts of positions, as the dialog offers them; the evidence is the window's default.
EVIDENCE_LABEL = "Positions with their quotations"
SUMMARY_LABEL = "One row per position, statements by id"


def _with_statements(
    said: Callable[[int], str], positions: Callable[[], int]
) -> Callable[[int], str]:
    """The dialog's sentence of the evidence layout: *said* of the positions, then the rows."""

    def say(rows: int) -> str:
        count = positions()
        if count == 0:
            return said(0)
        theirs = "its" if count == 1 else "their"
        return f"{said(count).rstrip('.')}, with {theirs} statements: {counted(rows, 'row')}."

    return say


def _evidence_shape(
    archive: Archive, positions: Callable[[], list[PositionRow]], said: Callable[[int], str]
) -> ExportShape:
    """The positions' evidence layout, of positions already read."""
    return _shape(
        EVIDENCE_LABEL, "positions", "row",
        lambda: sum(max(1, len(p.evidence_quote_ids)) for p in positions()),
        lambda: position_evidence_table(positions(), archive.evidence_by_position),
        _with_statements(said, lambda: len(positions())),
    )  # fmt: skip


def _sub_matrix(matrix: Matrix, positions: list[PositionRow]) -> Matrix:
    """The rows and columns of *positions*, in matrix order, holding only those cells."""
    stakeholders = {p.stakeholder_id for p in positions}
    proposals = {p.proposal_id for p in positions}
    return Matrix(
        tuple(s for s in matrix.stakeholders if s.id in stakeholders),
        tuple(p for p in matrix.proposals if p.id in proposals),
        {(p.stakeholder_id, p.proposal_id): p for p in positions},
    )


def matrix_subject(panel: MatrixPanel) -> ExportSubject:
    """The selected cells' positions, or the whole matrix shown; as rows or as a grid."""
    chosen = panel.selected_positions()
    if not chosen:
        return _whole_matrix_subject(panel)
    grid = _sub_matrix(panel.model.matrix, chosen)
    evidence = _evidence_shape(panel.archive, lambda: chosen, _summary("position", True))
    rows = _shape(
        SUMMARY_LABEL, "positions", "position", lambda: len(chosen),
        lambda: positions_table(chosen), _summary("position", True),
    )  # fmt: skip
    whose = f"of the {counted(len(chosen), 'selected position')}"
    cross = _shape(
        "A row per stakeholder, a column per proposal", "matrix", "stakeholder row",
        lambda: len(grid.stakeholders), lambda: matrix_table(grid), _of("stakeholder row", whose),
    )  # fmt: skip
    briefing = offer(panel.archive, matrix_briefing(panel))
    return ExportSubject(
        panel.heading_text(), True, (evidence, rows, cross), briefing, lambda: matrix_table(grid),
        evidence,
    )  # fmt: skip


def _whole_matrix_subject(panel: MatrixPanel) -> ExportSubject:
    """The whole matrix shown, not only the rows the panel has read: counted in the database
    when the dialog asks, its rows read by the export as it writes them (on its own thread)."""
    archive, filters = panel.archive, panel.filters
    hide_empty = panel.hide_empty_box.isChecked()
    size = functools.cache(lambda: archive.matrix_size(filters, hide_empty=hide_empty))

    def positions() -> Table:
        return matrix_positions_table(*panel.shown_matrix())

    whose = "of the matrix shown (nothing selected)"
    cross = _shape(
        "A row per stakeholder, a column per proposal", "matrix", "stakeholder row",
        lambda: size()[0], lambda: panel.export_table(False), _of("stakeholder row", whose),
        reads=True,
    )  # fmt: skip
    rows = _shape(
        SUMMARY_LABEL, "positions", "position", lambda: size()[1], positions,
        _summary("position", False), reads=True,
    )  # fmt: skip
    evidence = _shape(
        EVIDENCE_LABEL, "positions", "row",
        lambda: archive.evidence_row_count(filters),
        lambda: position_evidence_table(
            matrix_positions(*panel.shown_matrix()), archive.evidence_by_position
        ),
        _with_statements(_summary("position", False), lambda: size()[1]), reads=True,
    )  # fmt: skip
    briefing = offer(panel.archive, matrix_briefing(panel))
    return ExportSubject(panel.heading_text(), False, (cross, evidence, rows), briefing)


def comparison_subject(panel: ComparePanel) -> ExportSubject:
    """The selected proposal rows of the comparison, or every row shown; or the positions in
    them, a row per statement (with the people of the organisations compared, when the list
    includes them)."""
    selected = panel.selection_count() > 0
    count = panel.selection_count if selected else panel.model.rowCount
    shape = _shape(
        "One row per proposal", "comparison", "proposal", count,
        lambda: panel.export_table(selected), _summary("proposal", selected),
    )  # fmt: skip
    names = ", ".join(s.name for s in panel.model.stakeholders)
    origin = f"Comparison of {names}" if names else "Comparison (choose two to four stakeholders)"
    positions = functools.cache(panel.positions_reader(selected))
    people = " and their people" if panel.with_people() else ""
    rows = "the selected proposals" if selected else "the proposals shown"
    evidence = _shape(
        "The positions compared, with their quotations",
        "positions", "row", lambda: sum(max(1, len(p.evidence_quote_ids)) for p in positions()),
        lambda: position_evidence_table(positions(), panel.archive.evidence_by_position),
        _with_statements(_of("position", f"of those compared{people} on {rows}"),
                         lambda: len(positions())), reads=True,
    )  # fmt: skip
    briefing = offer(panel.archive, comparison_briefing(panel))
    return ExportSubject(origin, selected, (shape, evidence), briefing, quotations=evidence)


def network_subject(panel: NetworkPanel) -> ExportSubject:
    """The selected tie of the coalition map, or every tie of its network."""
    selected = panel.selection_count() > 0
    table = panel.export_table(selected)
    rows = [tuple(row) for row in table.rows]  # at most a few thousand ties
    table.rows = rows
    shape = _shape(
        "One row per tie", "ties", "tie", lambda: len(rows), lambda: table,
        _summary("tie", selected),
    )  # fmt: skip
    return ExportSubject("Coalition map", selected, (shape,))


def reader_subject(panel: ReaderPanel) -> ExportSubject:
    """The highlighted statement, or every statement of the source being read."""
    selected = panel.selection_count() > 0
    table = panel.export_table(selected)
    rows = [tuple(row) for row in table.rows]  # a source's statements: a few dozen at most
    table.rows = rows
    shape = _shape(
        "One row per statement", "statements", "statement", lambda: len(rows),
        lambda: table, _summary("statement", selected),
    )  # fmt: skip
    source = panel.current_source()
    origin = f"Source: {source.title}" if source is not None else "Source reader"
    return ExportSubject(
        origin, selected, (shape,), clipboard=functools.partial(_reader_rows, panel, selected)
    )


def _reader_rows(panel: ReaderPanel, selected: bool) -> Table:
    """The highlighted statement with the columns the statement lists show."""
    from carebrowser.ui.clipboard import one_line
    from carebrowser.ui.models.quotes import HEADERS, QuoteTableModel

    ids = [panel.active] if selected and panel.active is not None else []
    quotes = panel.archive.quotes_by_ids(ids)
    columns = range(len(HEADERS))
    rows = [tuple(one_line(QuoteTableModel.shown_text(q, c)) for c in columns) for q in quotes]
    return Table(HEADERS, rows)


def stakeholder_subject(panel: StakeholderPanel, filters: Filters) -> ExportSubject:
    """The selected (or shown) stakeholders themselves, or their statements or positions.

    *filters* are the filter bar's: statements and positions follow them as the other views do.
    """
    selected = panel.selection_count() > 0
    ids = panel.selected_ids()
    if not selected and panel.model.name.strip():
        # Nothing selected but the list is narrowed by name: the stakeholders it shows.
        ids = frozenset(
            s.id
            for s in panel.archive.all_stakeholders(
                panel.model.categories, panel.model.name, speaking=panel.model.speaking
            )
        ) or frozenset({NOBODY})
    # Their statements and positions take in their people's, as the statements beside show.
    speakers = frozenset(p.id for p in panel.people_of_selected()) if selected else frozenset()
    theirs = filters.but(stakeholders=ids | speakers, categories=panel.model.categories)
    count = panel.selection_count if selected else panel.model.total
    people = _shape(
        "One row per stakeholder", "stakeholders", "stakeholder", count,
        lambda: panel.export_table(selected), _summary("stakeholder", selected),
    )  # fmt: skip
    whose = (
        f"of the {counted(panel.selection_count(), 'selected stakeholder')}"
        + (" and their people" if speakers else "")
        if selected
        else "of the stakeholders shown (nothing selected)"
    )
    archive = panel.archive
    positions = functools.cache(lambda: archive.positions(theirs))
    statements = _shape(
        "Their statements, one row each", "statements", "statement",
        lambda: archive.quote_count(theirs),
        lambda: quotes_table(archive.all_quotes(theirs)), _of("statement", whose), reads=True,
    )  # fmt: skip
    stances = _shape(
        "Their positions, statements by id", "positions", "position",
        lambda: len(positions()), lambda: positions_table(positions()), _of("position", whose),
        reads=True,
    )  # fmt: skip
    evidence = _shape(
        "Their positions with their quotations",
        "positions", "row", lambda: archive.evidence_row_count(theirs),
        lambda: position_evidence_table(positions(), archive.evidence_by_position),
        _with_statements(_of("position", whose), lambda: len(positions())), reads=True,
    )  # fmt: skip
    shapes = (people, statements, evidence, stances)
    briefing = offer(panel.archive, stakeholder_briefing(panel, filters))
    return ExportSubject("Stakeholder list", selected, shapes, briefing)


def timeline_subject(panel: TimelinePanel) -> ExportSubject:
    """The mark chosen, or every stance of the timeline's filters, in time order."""
    selected = panel.selection_count() > 0
    timeline, filters = panel.timeline, panel.filters
    count = (
        panel.selection_count
        if selected
        else lambda: timeline.mark_count(filters, at_most=10**9)  # as panel.stance_count
    )
    shape = _shape(
        "One row per stance, in time order", "timeline", "stance", count,
        lambda: panel.export_table(selected), _summary("stance", selected), reads=not selected,
    )  # fmt: skip
    copied = functools.partial(_without_ids, lambda: panel.export_table(True))
    return ExportSubject(panel.heading_text(), selected, (shape,), clipboard=copied)


def _without_ids(table: Callable[[], Table]) -> Table:
    """A table without its statements' ids: the clipboard carries what a person reads."""
    whole = table()
    kept = [i for i, name in enumerate(whole.header) if name != "quote_id"]
    rows = [tuple(row[i] for i in kept) for row in whole.rows]
    header = tuple(whole.header[i] for i in kept)
    return Table(header, rows, whole.stance_columns, whole.source_ids)
