"""The end of start-up, shared by the command line and the window (see carebrowser.launch)."""

from __future__ import annotations

import gc


def started() -> None:
    """Start-up is over: keep what it made from the collector, which runs again from here.

    Does nothing unless `carebrowser.launch.main` paused the collector (carebrowser called from a
    test or another program): freezing a heap it did not make would keep that program's garbage
    for good.
    """
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()
