"""The entry point of the installed commands, `carebrowser` and `carebrowser-gui`.

Starting makes a few hundred thousand objects that live as long as the process: the modules of
SQLAlchemy, Qt's bindings and carebrowser, their classes and functions, and the window. Python's
cyclic garbage collector would walk them over and over while they are made (about 60 ms of a
start here), and again at every full collection afterwards (tens of milliseconds each, in the
middle of whatever the person is doing), though none of them is ever garbage. So the collector is
paused while they are made, and when start-up is over (carebrowser.startup.started) they are
moved out of its sight (``gc.freeze()``) and it runs again for everything made later.

This module is the top of the package: it hands a command to carebrowser.cli, and the window
(no command) to carebrowser.ui.app, imported only then.

Standard output is UTF-8 whatever the terminal or PYTHONIOENCODING says (latin-1, a Windows
code page): an export written there is a UTF-8 CSV, like an export written to a file, and a name
such as "Sinn Féin" never stops a command with UnicodeEncodeError.
"""

from __future__ import annotations

import argparse
import codecs
import gc
import io
import sys


def utf8_output() -> None:
    """Make standard output write UTF-8 (error messages keep the terminal's own encoding)."""
    stream = sys.stdout
    if isinstance(stream, io.TextIOWrapper) and codecs.lookup(stream.encoding).name != "utf-8":
        stream.reconfigure(encoding="utf-8")


def main() -> None:
    """Run the command line (the window when no command is given), with start-up paused."""
    gc.disable()
    utf8_output()
    try:
        from carebrowser.cli import main as run
    except KeyboardInterrupt:  # Ctrl+C while starting: nothing done, nothing to say
        raise SystemExit(130) from None

    raise SystemExit(run(window=open_window))


def open_window(args: argparse.Namespace) -> int:
    """Open the window with the command line's options; returns the exit status."""
    from carebrowser.ui.app import run_window

    return run_window(args)
