"""carebrowser import dna FILE.dna -o OUT.sqlite: a Discourse Network Analyzer file as a
carebrowser database, with the import report printed."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any, TextIO

from carebrowser import exit_status as status
from carebrowser.cli.options import Text, add_output_option

NAME = "import"
_log = logging.getLogger("carebrowser.cli")


def add_command(commands: Any) -> None:
    """Add `import dna` to the command line's commands (a subparsers action)."""
    importing = commands.add_parser(NAME, help="import another program's file")
    formats = importing.add_subparsers(dest="import_format", metavar="FORMAT", required=True)
    dna = formats.add_parser(
        "dna",
        help="a Discourse Network Analyzer file (DNA 3 or 2), read-only, as a carebrowser database",
    )
    dna.add_argument("file", type=Path, metavar="FILE.dna", help="the DNA file (never changed)")
    add_output_option(
        dna, type=Path, required=True, metavar="OUT.sqlite", help="the database to write"
    )
    dna.add_argument(
        "--statement-type",
        action=Text,
        default="DNA Statement",
        metavar="LABEL",
        help="the statement type to read (default: 'DNA Statement')",
    )


def run(args: argparse.Namespace) -> int:
    """Import, printing the report; a file that cannot be read is one line and status 2."""
    return _import(args, sys.stdout)


def _import(args: argparse.Namespace, out: TextIO) -> int:
    from carebrowser.data.dna_file import DnaFileError
    from carebrowser.data.dna_import import import_dna

    output: Path = args.output
    if output.resolve() == args.file.resolve():
        print(
            f"carebrowser: {output} is the DNA file itself; name another file with -o, so that "
            "the DNA file stays as it is.",
            file=sys.stderr,
        )
        return status.USAGE
    if output.is_dir():
        print(f"carebrowser: {output} is a folder: name a file with -o.", file=sys.stderr)
        return status.USAGE

    def progress(message: str) -> None:
        if sys.stderr.isatty():
            print(f"carebrowser: {message}", file=sys.stderr)

    try:
        report = import_dna(
            args.file, output, statement_type=args.statement_type, progress=progress
        )
    except DnaFileError as error:
        _log.warning("cannot import %s", args.file, exc_info=True)
        print(f"carebrowser: {error}", file=sys.stderr)
        return status.USAGE
    except OSError as error:
        print(
            f"carebrowser: {output} could not be written ({error.strerror or error}); nothing "
            "was left there. Choose a folder you can write to, with free space.",
            file=sys.stderr,
        )
        return status.FAILED
    out.write(report.text())
    out.write(f"wrote {output}\n")
    return status.OK
