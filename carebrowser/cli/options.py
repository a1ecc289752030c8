"""The options every command shares, defined once: the filters, the format and the output file.

Each command module adds the ones it takes with these functions, so that an option is spelt,
parsed and explained the same way wherever it appears.
"""

from __future__ import annotations

import argparse
from typing import Any

from carebrowser.queries import Archive, Filters


class Text(argparse.Action):
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


def add_database_option(parser: argparse.ArgumentParser, *, default: Any = None) -> None:
    """--db PATH: the database to read instead of the bundled one.

    Given to a command's own parser too, with ``default=argparse.SUPPRESS``, it would be taken
    after the command as well, without undoing a --db given before it.
    """
    parser.add_argument(
        "--db",
        action=Text,
        default=default,
        metavar="PATH",
        help="open this database file or URL instead of the bundled one",
    )


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """The filters of the window's filter bar: names, categories, proposals, sources, search."""
    parser.add_argument("--stakeholder", action=Text, repeatable=True, default=[], metavar="NAME")
    parser.add_argument("--category", action=Text, repeatable=True, default=[], metavar="C")
    parser.add_argument("--proposal", action=Text, repeatable=True, default=[], metavar="NAME")
    parser.add_argument("--source", action=Text, repeatable=True, default=[], metavar="S")
    parser.add_argument("--search", action=Text, default="", metavar="TEXT")


def add_format_option(parser: argparse.ArgumentParser) -> None:
    """--format csv|xlsx (by default, from the output file's name)."""
    parser.add_argument(
        "--format", choices=["csv", "xlsx"], default=None, help="csv (default) or xlsx"
    )


def add_output_option(
    parser: argparse.ArgumentParser,
    *,
    help: str | None = None,
    required: bool = False,
    type: Any = None,
    metavar: str | None = None,
) -> None:
    """-o/--output FILE: where the command writes."""
    parser.add_argument(
        "-o",
        "--output",
        action=Text,
        required=required,
        type=type,
        metavar=metavar,
        help=help,
    )


def filters(archive: Archive, args: argparse.Namespace) -> Filters:
    """The filters named by add_filter_options()' options; UnknownName for a name not found."""
    return Filters(
        stakeholders=archive.find_stakeholders(args.stakeholder),
        categories=archive.find_categories(args.category),
        proposals=archive.find_proposals(args.proposal),
        sources=archive.find_sources(args.source),
        search=args.search,
    )
