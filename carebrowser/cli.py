"""The command line: list, export and db commands; with no command it opens the window.

This module never imports Qt, so every command runs without a display.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from carebrowser import __version__
from carebrowser.data.database import (
    QUERY_ERRORS,
    DatabaseError,
    is_query_failure,
    open_database,
    query_error_message,
)
from carebrowser.launch import started
from carebrowser.logs import setup_logging, where_details_are
from carebrowser.queries import Archive, Filters, UnknownName

if TYPE_CHECKING:
    from carebrowser.export import CellBatches, Table

EXIT_USAGE = 2
#: Matrix rows read at a time by `export matrix`.
MATRIX_ROWS = 100
#: An error nobody foresaw (EX_SOFTWARE): a bug to report, with the log file.
EXIT_BUG = 70

_log = logging.getLogger("carebrowser.cli")


class _Text(argparse.Action):
    """Store an option's value, or append it (repeatable options), even when it is exactly '--'.

    Python 3.11's argparse drops a value of '--' ('--search=--') and hands over an empty list.
    """

    def __init__(self, *args: Any, repeatable: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.repeatable = repeatable

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if values == []:
            values = self.type("--") if callable(self.type) else "--"
        if self.repeatable:
            values = [*(getattr(namespace, self.dest, None) or []), values]
        setattr(namespace, self.dest, values)


def argument_parser() -> argparse.ArgumentParser:
    """The command line's options and commands."""
    parser = argparse.ArgumentParser(
        prog="carebrowser",
        description="Browse and export what stakeholders said about the 2001-2002 "
        "social services reforms. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"carebrowser {__version__}")
    parser.add_argument(
        "--db",
        action=_Text,
        metavar="PATH",
        help="open this database file or URL instead of the bundled one",
    )
    parser.add_argument(
        "--screenshot",
        action=_Text,
        metavar="FILE",
        help="render the window to a PNG file and exit",
    )
    parser.add_argument(
        "--view",
        choices=["stakeholders", "matrix", "compare", "source"],
        help="the view to show first",
    )
    parser.add_argument(
        "--select",
        metavar="NAME",
        action=_Text,
        repeatable=True,
        default=[],
        help="select a stakeholder",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    listing = commands.add_parser("list", help="list stakeholders, proposals or sources")
    listing.add_argument("what", choices=["stakeholders", "proposals", "sources"])

    export = commands.add_parser(
        "export", help="export quotes, positions or the matrix (CSV or XLSX)"
    )
    export.add_argument("what", choices=["quotes", "positions", "matrix"])
    export.add_argument("--stakeholder", action=_Text, repeatable=True, default=[], metavar="NAME")
    export.add_argument("--category", action=_Text, repeatable=True, default=[], metavar="C")
    export.add_argument("--proposal", action=_Text, repeatable=True, default=[], metavar="NAME")
    export.add_argument("--source", action=_Text, repeatable=True, default=[], metavar="S")
    export.add_argument("--search", action=_Text, default="", metavar="TEXT")
    export.add_argument(
        "--format", choices=["csv", "xlsx"], default=None, help="csv (default) or xlsx"
    )
    export.add_argument(
        "-o", "--output", action=_Text, metavar="FILE", help="write to FILE (default: stdout)"
    )

    database = commands.add_parser("db", help="build or check the dataset's database")
    db_commands = database.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    build = db_commands.add_parser("build", help="build db/carebrowser.sqlite from db/ files")
    build.add_argument(
        "--source-dir", type=Path, default=Path("db"), help="folder of the dataset files (db)"
    )
    build.add_argument("-o", "--output", action=_Text, type=Path, help="database to write")
    build.add_argument(
        "--check",
        action="store_true",
        help="only check that the database is up to date with the files (exit 1 if not)",
    )
    publish = db_commands.add_parser(
        "publish", help="copy a dataset into a PostgreSQL database (replacing what it holds)"
    )
    publish.add_argument(
        "--to", action=_Text, required=True, metavar="URL", help="postgresql://USER@HOST/DB"
    )
    publish.add_argument(
        "--from",
        dest="source",
        action=_Text,
        type=Path,
        metavar="FILE",
        help="an SQLite dataset (default: bundled)",
    )
    check = db_commands.add_parser(
        "check", help="report a database's schema version and counts (exit 1 if unusable)"
    )
    check.add_argument(
        "target", nargs="?", metavar="URL", help="address or file (default: bundled)"
    )

    synth = commands.add_parser("synth", help="write a synthetic archive (for benchmarks)")
    synth.add_argument("--quotes", type=int, required=True, metavar="N", help="statements")
    synth.add_argument("--stakeholders", type=int, metavar="N", help="default: quotes / 50")
    synth.add_argument("--proposals", type=int, metavar="N", help="default: quotes / 500")
    synth.add_argument("--sources", type=int, metavar="N", help="default: quotes / 10")
    synth.add_argument("--seed", type=int, default=0, metavar="S", help="default: 0")
    synth.add_argument("-o", "--output", action=_Text, type=Path, required=True, metavar="FILE")
    return parser


def _filters(archive: Archive, args: argparse.Namespace) -> Filters:
    return Filters(
        stakeholders=archive.find_stakeholders(args.stakeholder),
        categories=archive.find_categories(args.category),
        proposals=archive.find_proposals(args.proposal),
        sources=archive.find_sources(args.source),
        search=args.search,
    )


def _export_table(archive: Archive, what: str, filters: Filters) -> Table:
    from carebrowser.export import matrix_blocks_table, positions_table, quotes_table

    if what == "quotes":
        return quotes_table(archive.all_quotes(filters))
    if what == "positions":
        return positions_table(archive.positions(filters))
    # A block of rows at a time, read as it is written: at the largest size the whole grid is
    # 19,523 x 2,001 cells.
    proposals = archive.matrix_proposals(filters)
    columns = [p.id for p in proposals]
    return matrix_blocks_table(
        proposals, archive.matrix_blocks(filters, columns=columns, limit=MATRIX_ROWS)
    )


def _csv_cells(archive: Archive, what: str, filters: Filters) -> Table | CellBatches:
    """What a CSV export writes: the quotes' cells come ready-made from the database.

    (A workbook is made from quotes_table(): its sources sheet needs each row's source.)
    """
    from carebrowser.export import quote_batches

    if what == "quotes":
        return quote_batches(archive, filters)
    return _export_table(archive, what, filters)


def _list(archive: Archive, what: str, out: TextIO) -> None:
    if what == "stakeholders":
        for s in archive.all_stakeholders():
            detail = f" ({s.description})" if s.description else ""
            out.write(f"{s.category}\t{s.name}{detail}\t{s.statement_count} statements\n")
    elif what == "proposals":
        for p in archive.proposals():
            out.write(f"{p.key}\t{p.title}\t{p.summary}\n")
    else:
        for src in archive.sources():
            out.write(f"{src.key}\t{src.date_label}\t{src.publication}\t{src.title}\n")


def _db_publish(args: argparse.Namespace, out: TextIO) -> int:
    from carebrowser.data.publish import PublishError, publish

    def progress(message: str) -> None:
        if sys.stderr.isatty():
            print(f"carebrowser: {message}", file=sys.stderr)

    try:
        done = publish(args.to, args.source, progress=progress)
    except (DatabaseError, PublishError) as error:
        print(f"carebrowser: {error}", file=sys.stderr)
        return 1
    out.write(
        f"published {done.source} to {done.target} in {done.seconds:.1f} s: {done.summary()}\n"
    )
    if done.grantees:
        out.write(f"granted again to: {', '.join(done.grantees)}\n")
    return 0


def _db_check(args: argparse.Namespace, out: TextIO) -> int:
    from carebrowser.data.publish import COUNTED, check_database
    from carebrowser.data.vocabulary import SCHEMA_VERSION

    try:
        checked = check_database(args.target)
    except DatabaseError as error:
        print(f"carebrowser: {error}", file=sys.stderr)
        return 1
    out.write(f"{checked.label}\n")
    if checked.schema_version is not None:
        version = f"{checked.schema_version} (this carebrowser reads {SCHEMA_VERSION})"
        out.write(f"  schema version  {version}\n")
    for table, word in COUNTED.items():
        if table in checked.counts:
            out.write(f"  {word:<15} {checked.counts[table]:,}\n")
    for problem in checked.problems:
        print(f"carebrowser: {problem}", file=sys.stderr)
    if not checked.ok:
        return 1
    out.write("ok: carebrowser can browse it\n")
    return 0


def _db(args: argparse.Namespace, out: TextIO) -> int:
    from carebrowser.data.build import DatasetError, build_database, dataset_digest

    if args.db_command == "publish":
        return _db_publish(args, out)
    if args.db_command == "check":
        return _db_check(args, out)
    root: Path = args.source_dir
    output = args.output or root / "carebrowser.sqlite"
    if args.check:
        import sqlite3

        from carebrowser.data.database import sqlite_uri

        try:
            with sqlite3.connect(sqlite_uri(output), uri=True) as connection:
                row = connection.execute(
                    "SELECT value FROM meta WHERE key = 'dataset_digest'"
                ).fetchone()
        except sqlite3.Error as error:
            print(f"carebrowser: {output} cannot be read ({error})", file=sys.stderr)
            return 1
        if row is None or row[0] != dataset_digest(root):
            print(
                f"carebrowser: {output} is out of date with {root}/: run 'carebrowser db build'",
                file=sys.stderr,
            )
            return 1
        out.write(f"{output} is up to date with {root}/\n")
        return 0
    try:
        built = build_database(root, output)
    except DatasetError as error:
        print(f"carebrowser: {error}", file=sys.stderr)
        return 1
    out.write(f"built {built}\n")
    return 0


def _synth(args: argparse.Namespace, out: TextIO) -> int:
    import time

    from carebrowser.data.synth import Sizes, synthesize

    try:
        sizes = Sizes.for_quotes(args.quotes, args.stakeholders, args.proposals, args.sources)
    except ValueError as error:
        print(f"carebrowser: {error}", file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    synthesize(args.output, sizes, args.seed)
    out.write(
        f"wrote {args.output}: {sizes.quotes} statements, {sizes.stakeholders} stakeholders, "
        f"{sizes.proposals} proposals, {sizes.sources} sources "
        f"in {time.perf_counter() - started:.1f} s\n"
    )
    return 0


def _main(argv: Sequence[str] | None = None) -> int:
    args = argument_parser().parse_args(argv)
    if args.command is None:
        from carebrowser.ui.app import run_window

        return run_window(args)
    started()
    if args.command == "db":
        return _db(args, sys.stdout)
    if args.command == "synth":
        return _synth(args, sys.stdout)
    # Only for the commands that read: the window starts sooner without it.
    from carebrowser.export import ExportError
    from carebrowser.export.writers import write_csv

    try:
        engine, _info = open_database(args.db)
    except DatabaseError as error:
        _log.warning("cannot open %s", args.db or "the bundled dataset", exc_info=True)
        print(f"carebrowser: {error}", file=sys.stderr)
        return EXIT_USAGE
    archive = Archive(engine)
    try:
        if args.command == "list":
            _list(archive, args.what, sys.stdout)
            return 0
        export_format = args.format or (
            "xlsx" if str(args.output or "").lower().endswith(".xlsx") else "csv"
        )
        if export_format == "xlsx" and not args.output:
            print("carebrowser: an xlsx export needs a file: add -o FILE.xlsx", file=sys.stderr)
            return EXIT_USAGE
        filters = _filters(archive, args)
        if export_format == "xlsx":
            from carebrowser.export.xlsx import write_xlsx

            table = _export_table(archive, args.what, filters)
            write_xlsx(table, Path(args.output), archive.sources_by_ids, sheet_title=args.what)
        else:
            cells = _csv_cells(archive, args.what, filters)
            write_csv(cells, Path(args.output) if args.output else sys.stdout)
    except UnknownName as error:
        print(f"carebrowser: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ExportError as error:
        print(f"carebrowser: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except QUERY_ERRORS as error:
        if not is_query_failure(error):
            raise
        _log.error("query failed on %s", _info.label, exc_info=True)
        print(f"carebrowser: {query_error_message(error, _info)}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        engine.dispose()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status. Failures are one line, details are logged."""
    log_file = setup_logging()
    try:
        return _main(argv)
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        _log.critical("unexpected error", exc_info=True)
        print(
            f"carebrowser: an unexpected error stopped the command ({type(error).__name__}: "
            f"{str(error).splitlines()[0] if str(error) else 'no message'}). "
            f"{where_details_are(log_file)} Please report it with that file.",
            file=sys.stderr,
        )
        return EXIT_BUG
