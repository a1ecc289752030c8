"""The options every command shares, defined once: the filters, the format and the output file.

Each command module adds the ones it takes with these functions, so that an option is spelt,
parsed and explained the same way wherever it appears.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from carebrowser.data.dates import date_bound
from carebrowser.data.search_syntax import SEARCH_HELP
from carebrowser.data.vocabulary import STANCES
from carebrowser.passwords import hide_passwords
from carebrowser.queries import Archive, Filters


class Parser(argparse.ArgumentParser):
    """argparse's parser, whose messages (usage errors quote what was typed) show no password.

    Its subcommands' parsers are of this class too (add_subparsers makes them like their parent).
    """

    def _print_message(self, message: str, file: Any = None) -> None:
        super()._print_message(hide_passwords(message), file)


def _text_options(parser: argparse.ArgumentParser) -> Iterator[str]:
    """The option strings of every option taking one text value, in *parser* and its commands."""
    for action in parser._actions:
        if isinstance(action, Text):
            yield from action.option_strings
        elif isinstance(action, argparse._SubParsersAction):
            for command in action.choices.values():
                yield from _text_options(command)


def join_values(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """*argv* with each text option joined to the value after it (--search -care becomes
    --search=-care), so that a value beginning with '-' is the option's value, as getopt reads
    it, not another option (argparse's own reading, "expected one argument")."""
    options = set(_text_options(parser))
    joined: list[str] = []
    items = iter(argv)
    for item in items:
        if item == "--":  # what follows is not options
            joined.append(item)
            joined.extend(items)
            break
        if item in options:
            value = next(items, None)
            if value is None:
                joined.append(item)  # argparse says the value is missing
            elif item.startswith("--"):
                joined.append(f"{item}={value}")
            else:
                joined.append(item + value)  # -o-file.csv: argparse reads it as -o '-file.csv'
            continue
        joined.append(item)
    return joined


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

    Given to each command that reads too, with ``default=argparse.SUPPRESS``, so that it may
    come before or after the command, without undoing a --db given before it.
    """
    parser.add_argument(
        "--db",
        action=Text,
        default=default,
        metavar="PATH",
        help="open this database file or URL instead of the bundled one",
    )


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    """The filters of the window's filter bar: names, categories, proposals, sources, stances,
    search, and the date range (a statement counts by the first day of its date's span)."""
    parser.add_argument("--stakeholder", action=Text, repeatable=True, default=[], metavar="NAME")
    parser.add_argument("--category", action=Text, repeatable=True, default=[], metavar="C")
    parser.add_argument("--proposal", action=Text, repeatable=True, default=[], metavar="NAME")
    parser.add_argument("--source", action=Text, repeatable=True, default=[], metavar="S")
    parser.add_argument(
        "--with-people",
        action="store_true",
        help="with an organisation named by --stakeholder, include the people who speak for it",
    )
    parser.add_argument(
        "--stance",
        action="append",
        choices=STANCES,
        default=[],
        metavar="STANCE",
        help="only positions taken with this stance, and their evidence; repeat for several "
        f"(--stance opposes --stance concerns); one of: {', '.join(STANCES)}",
    )
    parser.add_argument(
        "--search",
        action=Text,
        default="",
        metavar="TEXT",
        help=SEARCH_HELP.replace("%", "%%") + " (a search beginning with '-': --search=-TEXT)",
    )
    parser.add_argument(
        "--from",
        dest="date_from",
        type=_first_day,
        metavar="DATE",
        help="only statements dated from DATE on: YYYY, YYYY-MM or YYYY-MM-DD",
    )
    parser.add_argument(
        "--to",
        dest="date_to",
        type=_last_day,
        metavar="DATE",
        help="only statements dated up to DATE: YYYY, YYYY-MM or YYYY-MM-DD",
    )


def _first_day(text: str) -> dt.date:
    try:
        return date_bound(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _last_day(text: str) -> dt.date:
    try:
        return date_bound(text, last=True)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def add_format_option(parser: argparse.ArgumentParser, *, graphml: bool = False) -> None:
    """--format csv|xlsx, and graphml where a network is written (by default, from the output
    file's name)."""
    choices = ["csv", "xlsx", "graphml"] if graphml else ["csv", "xlsx"]
    parser.add_argument(
        "--format",
        choices=choices,
        default=None,
        help="csv (default), xlsx" + (", or graphml for a network" if graphml else ""),
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
    stakeholders = archive.find_stakeholders(args.stakeholder)
    if args.with_people:
        stakeholders |= {person.id for person in archive.people_of(stakeholders)}
    return Filters(
        stakeholders=stakeholders,
        categories=archive.find_categories(args.category),
        proposals=archive.find_proposals(args.proposal),
        sources=archive.find_sources(args.source),
        search=args.search,
        date_from=getattr(args, "date_from", None),
        date_to=getattr(args, "date_to", None),
        stances=frozenset(args.stance),
    )
