"""The command line: one module per command, sharing the options of carebrowser.cli.options.

With no command it opens the window, through the *window* that carebrowser.launch hands over:
this package never imports Qt, so every command runs without a display. A command is a module
with NAME, add_command(commands) and run(args); adding one is adding it to COMMANDS.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from carebrowser import __version__
from carebrowser import exit_status as status
from carebrowser.cli import database, desktop, exports, importing, listing, synth
from carebrowser.cli.options import Parser, Text, add_database_option, join_values
from carebrowser.logs import setup_logging, where_details_are
from carebrowser.passwords import hide_passwords
from carebrowser.startup import started

#: The commands, in the order `carebrowser --help` lists them.
COMMANDS = (listing, exports, importing, database, synth, desktop)
#: An error nobody foresaw (EX_SOFTWARE): a bug to report, with the log file.
EXIT_BUG = status.BUG

_log = logging.getLogger("carebrowser.cli")


def argument_parser() -> argparse.ArgumentParser:
    """The command line's options and commands."""
    parser = Parser(
        prog="carebrowser",
        description="Browse and export what stakeholders said about the 2001-2002 "
        "social services reforms. With no command, opens the window; "
        "'carebrowser FILE' opens FILE read-only, as --db FILE does.",
        epilog=status.EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"carebrowser {__version__}")
    add_database_option(parser)
    parser.add_argument(
        "--screenshot",
        action=Text,
        metavar="FILE",
        help="render the window to a PNG file and exit",
    )
    parser.add_argument(
        "--size",
        type=window_size,
        metavar="WxH",
        help="with --screenshot, the window's size (default: its first-launch size)",
    )
    parser.add_argument(
        "--view",
        choices=["stakeholders", "matrix", "compare", "source", "network", "timeline"],
        help="the view to show first",
    )
    parser.add_argument(
        "--select",
        metavar="NAME",
        action=Text,
        repeatable=True,
        default=[],
        help="select a stakeholder",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.add_command(commands)
    return parser


def window_size(text: str) -> tuple[int, int]:
    """'1280x800' as (1280, 800); argparse says what is wrong with anything else."""
    width, x, height = text.lower().partition("x")
    if not (x and width.isdigit() and height.isdigit() and int(width) > 0 and int(height) > 0):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size: give the width and height in pixels, e.g. 1280x800"
        )
    return int(width), int(height)


def _main(argv: Sequence[str] | None, window: Callable[[argparse.Namespace], int] | None) -> int:
    parser = argument_parser()
    words = sys.argv[1:] if argv is None else argv
    words = desktop.file_as_database(words, parser, (c.NAME for c in COMMANDS))
    args = parser.parse_args(join_values(parser, words))
    if args.command is None:
        if window is None:
            print("carebrowser: no command given (see carebrowser --help)", file=sys.stderr)
            return status.USAGE
        return window(args)
    started()
    runs: dict[str, Callable[[argparse.Namespace], int]] = {c.NAME: c.run for c in COMMANDS}
    return runs[args.command](args)


def main(
    argv: Sequence[str] | None = None,
    *,
    window: Callable[[argparse.Namespace], int] | None = None,
) -> int:
    """Run the command line; returns the exit status. Failures are one line, details are logged.

    With no command, *window* opens the window (carebrowser.launch gives it).
    """
    log_file = setup_logging()
    try:
        return _main(argv, window)
    except KeyboardInterrupt as interrupted:
        # Ctrl+C, or SIGTERM or SIGHUP while a file was written (carebrowser.export.writers).
        how = f" ({interrupted.args[0]})" if interrupted.args else ""
        _log.info("interrupted%s", how, exc_info=True)
        print(
            f"carebrowser: interrupted{how}: stopped before finishing; no file was left half "
            "written and no database was changed.",
            file=sys.stderr,
        )
        return status.INTERRUPTED
    except Exception as error:
        _log.critical("unexpected error", exc_info=True)
        said = hide_passwords(str(error).splitlines()[0]) if str(error) else "no message"
        print(
            f"carebrowser: an unexpected error stopped the command ({type(error).__name__}: "
            f"{said}). {where_details_are(log_file)} Please report it with that file.",
            file=sys.stderr,
        )
        return status.BUG
