"""carebrowser export quotes|positions|matrix|timeline|network|briefing: what the filters select,
as CSV or XLSX (a network as GraphML or CSV, a briefing as a Word document)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from carebrowser.cli.networks import add_network_options, write_network
from carebrowser.cli.options import (
    add_database_option,
    add_filter_options,
    add_format_option,
    add_output_option,
    filters,
)
from carebrowser.cli.reading import EXIT_USAGE, run_on_archive
from carebrowser.queries import Archive, Filters

if TYPE_CHECKING:
    from carebrowser.export import CellBatches, Table

NAME = "export"
#: Matrix rows read at a time by `export matrix`.
MATRIX_ROWS = 100


def add_command(commands: Any) -> None:
    """Add `export` to the command line's commands (a subparsers action)."""
    export = commands.add_parser(
        NAME,
        help="export quotes, positions, the matrix or the timeline (CSV or XLSX), a network "
        "(GraphML) or a briefing (Word)",
    )
    export.add_argument(
        "what", choices=["quotes", "positions", "matrix", "timeline", "network", "briefing"]
    )
    add_database_option(export, default=argparse.SUPPRESS)
    add_filter_options(export)
    add_format_option(export, graphml=True)
    add_network_options(export)
    export.add_argument(
        "--layout",
        choices=["evidence", "summary"],
        default=None,
        help="positions: a row per position and statement it rests on, with the quotation and "
        "its source (evidence, the default), or a row per position with its statements' ids "
        "(summary)",
    )
    add_output_option(export, metavar="FILE", help="write to FILE (default: stdout)")


def run(args: argparse.Namespace) -> int:
    """Write the export asked for to -o FILE, or a CSV to stdout."""
    if args.what == "briefing":
        return briefing(args)
    export_format = args.format or (
        "xlsx" if str(args.output or "").lower().endswith(".xlsx") else "csv"
    )

    def write(archive: Archive) -> int:
        from carebrowser.export.writers import write_csv

        if export_format == "xlsx" and not args.output and args.what != "network":
            print("carebrowser: an xlsx export needs a file: add -o FILE.xlsx", file=sys.stderr)
            return EXIT_USAGE
        if args.layout is not None and args.what != "positions":
            print("carebrowser: only positions have layouts: leave out --layout", file=sys.stderr)
            return EXIT_USAGE
        chosen = filters(archive, args)
        if args.what == "network":
            return write_network(archive, args, chosen)
        if export_format == "graphml":
            print("carebrowser: only a network is written as graphml", file=sys.stderr)
            return EXIT_USAGE
        if export_format == "xlsx":
            from carebrowser.export.xlsx import write_xlsx

            table = export_table(archive, args.what, chosen, layout=args.layout or "evidence")
            title = sheet_title(args.what, chosen)
            write_xlsx(table, Path(args.output), archive.sources_by_ids, sheet_title=title)
        else:
            cells = csv_cells(archive, args.what, chosen, layout=args.layout or "evidence")
            write_csv(cells, Path(args.output) if args.output else sys.stdout)
        return 0

    return run_on_archive(args, write)


def sheet_title(what: str, filters: Filters) -> str:
    """A workbook's sheet title: what is exported, and the period when the dates are filtered
    ('timeline 2001-2002', with an en dash): at most the 31 characters a sheet title may have."""
    first, last = filters.date_from, filters.date_to
    if first is None and last is None:
        return what
    if first is not None and last is not None:
        if (first.month, first.day, last.month, last.day) == (1, 1, 12, 31):
            years = str(first.year) if first.year == last.year else f"{first.year}\u2013{last.year}"
            return f"{what} {years}"
        return f"{what} {first.isoformat()}\u2013{last.isoformat()}"[:31]
    if first is not None:
        return f"{what} from {first.isoformat()}"
    assert last is not None
    return f"{what} to {last.isoformat()}"


def export_table(
    archive: Archive, what: str, filters: Filters, *, layout: str = "evidence"
) -> Table:
    """The rows of an export of quotes, positions (in the *layout* asked for), the matrix or the
    timeline."""
    from carebrowser.export import (
        matrix_blocks_table,
        position_evidence_table,
        positions_table,
        quotes_table,
    )

    if what == "timeline":
        from carebrowser.export.timeline import timeline_table
        from carebrowser.queries.timeline import Timeline

        return timeline_table(Timeline(archive.engine), filters)
    if what == "quotes":
        return quotes_table(archive.all_quotes(filters))
    if what == "positions" and layout == "summary":
        return positions_table(archive.positions(filters))
    if what == "positions":
        return position_evidence_table(archive.positions(filters), archive.evidence_by_position)
    # A block of rows at a time, read as it is written: at the largest size the whole grid is
    # 19,523 x 2,001 cells.
    proposals = archive.matrix_proposals(filters)
    columns = [p.id for p in proposals]
    return matrix_blocks_table(
        proposals, archive.matrix_blocks(filters, columns=columns, limit=MATRIX_ROWS)
    )


def csv_cells(
    archive: Archive, what: str, filters: Filters, *, layout: str = "evidence"
) -> Table | CellBatches:
    """What a CSV export writes: the quotes' cells come ready-made from the database.

    (A workbook is made from export_table(): its sources sheet needs each row's source.)
    """
    from carebrowser.export import quote_batches

    if what == "quotes":
        return quote_batches(archive, filters)
    return export_table(archive, what, filters, layout=layout)


def briefing(args: argparse.Namespace) -> int:
    """Write a Word briefing of what the filters select to -o FILE (atomically)."""
    if not args.output:
        print("carebrowser: a briefing is a Word document: add -o FILE.docx", file=sys.stderr)
        return EXIT_USAGE
    if args.format is not None:
        print(
            "carebrowser: a briefing is always a Word document: leave out --format",
            file=sys.stderr,
        )
        return EXIT_USAGE

    def write(archive: Archive) -> int:
        from carebrowser.export.briefing import write_briefing

        chosen = archive.briefing(filters(archive, args), dataset_label=dataset_label(args.db))
        write_briefing(chosen, Path(args.output))
        return 0

    return run_on_archive(args, write)


def dataset_label(target: str | None) -> str:
    """The database as a briefing's title page names it: no password, ever."""
    from carebrowser.data.database import is_url
    from carebrowser.data.postgres import hide_password

    if target is None:
        return "the bundled dataset"
    return hide_password(target) if is_url(target) else Path(target).name
