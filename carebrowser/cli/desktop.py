"""carebrowser desktop install|uninstall: carebrowser in the current user's application menu, with
its icon and the file types it opens; and a file given alone on the command line (as a desktop
runs `carebrowser-gui FILE` for a double-click), which opens read-only as with --db FILE.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from typing import Any

NAME = "desktop"


def add_command(commands: Any) -> None:
    """Add `desktop install` and `desktop uninstall` (a subparsers action)."""
    desktop = commands.add_parser(
        NAME, help="add carebrowser to your desktop's application menu, or take it out"
    )
    actions = desktop.add_subparsers(dest="desktop_command", metavar="COMMAND", required=True)
    actions.add_parser(
        "install",
        help="install the menu entry, the icon and the file types (.dna, .carebrowser, "
        "SQLite) for the current user, in $XDG_DATA_HOME (by default ~/.local/share)",
    )
    actions.add_parser("uninstall", help="remove what 'desktop install' installed")


def run(args: argparse.Namespace) -> int:
    """Install or uninstall, saying what was done and what the desktop may not notice yet."""
    from carebrowser.desktop import data_home, install, uninstall, window_command

    home = data_home()
    try:
        if args.desktop_command == "install":
            program = window_command()
            change = install(home, program)
            print(
                f"installed carebrowser's menu entry, icon and file types in {home} "
                f"({len(change.files)} files); the menu entry starts {program}"
            )
        else:
            change = uninstall(home)
            if change.files:
                print(f"removed carebrowser's {len(change.files)} files from {home}")
            else:
                print(f"carebrowser's menu entry was not installed in {home}: nothing to remove")
    except OSError as error:
        where = error.filename or home
        print(
            f"carebrowser: could not change {where} ({error.strerror}); check that {home} is "
            "yours and writable, then run the command again.",
            file=sys.stderr,
        )
        return 1
    if change.missing or change.failed:
        print(
            "the desktop may show the change only after you log in again ("
            + "; ".join(
                [*(f"{tool} is not installed" for tool in change.missing)]
                + [f"{tool} failed" for tool in change.failed]
            )
            + ")"
        )
    return 0


def file_as_database(
    argv: Sequence[str], parser: argparse.ArgumentParser, commands: Iterable[str]
) -> list[str]:
    """*argv* with a lone file (`carebrowser FILE`, no command) given as `--db FILE`.

    The first word that is neither an option, an option's value nor a command is the file; a
    command's own words are left to it.
    """
    takes_value = {
        option
        for action in parser._actions
        if action.nargs != 0
        for option in action.option_strings
    }
    names = set(commands)
    words = list(argv)
    index = 0
    while index < len(words):
        word = words[index]
        if word == "--" or word in names:
            break
        if word.startswith("-") and word != "-":
            index += 2 if word in takes_value else 1
            continue
        return [*words[:index], "--db", word, *words[index + 1 :]]
    return words
