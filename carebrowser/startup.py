"""The end of start-up, shared by the command line and the window (see carebrowser.launch)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

#: Whether start-up's objects were kept from the collector (carebrowser.launch paused it).
_kept = False


def started() -> None:
    """Start-up is over: keep what it made from the collector, which runs again from here.

    Does nothing unless `carebrowser.launch.main` paused the collector (carebrowser called from a
    test or another program): freezing a heap it did not make would keep that program's garbage
    for good.
    """
    global _kept
    if gc.isenabled():
        return
    gc.freeze()
    gc.enable()
    _kept = True


@contextlib.contextmanager
def importing() -> Iterator[None]:
    """Import modules after start-up (a view's, networkx and numpy for the coalition map) as
    start-up imported its own: the collector paused meanwhile (a full collection, on whichever
    thread, holds every thread: 100-150 ms), then they are kept from it as start-up's were.
    Otherwise the next full collection walks them all, wherever it falls. Only pauses and
    keeps when start-up's objects were kept (see started)."""
    if not _kept:
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
