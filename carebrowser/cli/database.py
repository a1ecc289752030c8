"""carebrowser db build|publish|check: make the dataset's database, copy it, check one."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from carebrowser import exit_status as status
from carebrowser.cli.options import Text, add_output_option
from carebrowser.data.database import DatabaseError

NAME = "db"


def add_command(commands: Any) -> None:
    """Add `db` and its own commands to the command line's commands (a subparsers action)."""
    database = commands.add_parser(NAME, help="build or check the dataset's database")
    db_commands = database.add_subparsers(dest="db_command", metavar="COMMAND", required=True)
    build = db_commands.add_parser("build", help="build db/carebrowser.sqlite from db/ files")
    build.add_argument(
        "--source-dir", type=Path, default=Path("db"), help="folder of the dataset files (db)"
    )
    add_output_option(build, type=Path, help="database to write")
    build.add_argument(
        "--check",
        action="store_true",
        help="only check that the database is up to date with the files (exit 1 if not)",
    )
    publish = db_commands.add_parser(
        "publish", help="copy a dataset into a PostgreSQL database (replacing what it holds)"
    )
    publish.add_argument(
        "--to", action=Text, required=True, metavar="URL", help="postgresql://USER@HOST/DB"
    )
    publish.add_argument(
        "--from",
        dest="source",
        action=Text,
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


def run(args: argparse.Namespace) -> int:
    """Run the db command asked for, writing what it did to stdout."""
    return _db(args, sys.stdout)


def _db_publish(args: argparse.Namespace, out: TextIO) -> int:
    from carebrowser.data.publish import PublishError, publish

    def progress(message: str) -> None:
        if sys.stderr.isatty():
            print(f"carebrowser: {message}", file=sys.stderr)

    try:
        done = publish(args.to, args.source, progress=progress)
    except (DatabaseError, PublishError) as error:
        print(f"carebrowser: {error}", file=sys.stderr)
        return status.FAILED
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
        return status.FAILED
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
        return status.FAILED
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
            return status.FAILED
        if row is None or row[0] != dataset_digest(root):
            print(
                f"carebrowser: {output} is out of date with {root}/: run 'carebrowser db build'",
                file=sys.stderr,
            )
            return status.FAILED
        out.write(f"{output} is up to date with {root}/\n")
        return 0
    try:
        built = build_database(root, output)
    except DatasetError as error:
        print(f"carebrowser: {error}", file=sys.stderr)
        return status.FAILED
    out.write(f"built {built}\n")
    return 0
