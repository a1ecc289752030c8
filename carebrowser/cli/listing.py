"""carebrowser list stakeholders|proposals|sources: the dataset's lists, one row a line."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from carebrowser.cli.options import add_database_option
from carebrowser.cli.reading import run_on_archive
from carebrowser.queries import Archive

NAME = "list"


def add_command(commands: Any) -> None:
    """Add `list` to the command line's commands (a subparsers action)."""
    listing = commands.add_parser(NAME, help="list stakeholders, proposals or sources")
    listing.add_argument("what", choices=["stakeholders", "proposals", "sources"])
    add_database_option(listing, default=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> int:
    """Write the list asked for to stdout."""

    def write(archive: Archive) -> int:
        write_list(archive, args.what, sys.stdout)
        return 0

    return run_on_archive(args, write)


def write_list(archive: Archive, what: str, out: TextIO) -> None:
    """One tab-separated line for each stakeholder, proposal or source."""
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
