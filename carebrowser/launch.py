"""The entry point of the installed commands, `carebrowser` and `carebrowser-gui`.

Starting makes a few hundred thousand objects that live as long as the process: the modules of
SQLAlchemy, Qt's bindings and carebrowser, their classes and functions, and the window. Python's
cyclic garbage collector would walk them over and over while they are made (about 60 ms of a
start here), and again at every full collection afterwards (tens of milliseconds each, in the
middle of whatever the person is doing), though none of them is ever garbage. So the collector is
paused while they are made, and when start-up is over they are moved out of its sight
(``gc.freeze()``) and it runs again for everything made later.

No Qt here: the command line starts through this module too.
"""

from __future__ import annotations

import gc


def main() -> None:
    """Run the command line (the window when no command is given), with start-up paused."""
    gc.disable()
    from carebrowser.cli import main as run

    raise SystemExit(run())


def started() -> None:
    """Start-up is over: keep what it made from the collector, which runs again from here.

    Does nothing unless `main` paused the collector (carebrowser called from a test or another
    program): freezing a heap it did not make would keep that program's garbage for good.
    """
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()
