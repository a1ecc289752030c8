"""Reading the timeline: one read at a time, each newer read superseding the one before.

The SQLite engine shares one connection between threads, and a read on a pool thread while the
GUI thread reads crashed the process; until each worker thread has its own connection, the
timeline is read where every other read is, on the GUI thread (as the coalition map is,
carebrowser.ui.network.worker.start). The reads go through covering indexes and, past
MARK_LIMIT, are counts per period computed in SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


class ReadSignals(QObject):
    """What a read reports: its number and its result, or the error that stopped it."""

    done = Signal(int, object)
    failed = Signal(int, object)


class Reads(QObject):
    """Runs the reads of one view, numbered so that a superseded result is never drawn."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.signals = ReadSignals(self)
        self.number = 0
        #: Whether a read is under way (its result not yet handed over).
        self.busy = False
        self._then: dict[int, Callable[[Any], None]] = {}
        self.signals.done.connect(self._done)

    def start(self, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Run *work* now, on the GUI thread; hand its result to *then*, or its error to
        ``signals.failed``."""
        self.number += 1
        number = self.number
        self._then = {number: then}
        self.busy = True
        try:
            result = work()
        except Exception as error:  # reported through the window's one channel for failed reads
            self.signals.failed.emit(number, error)
            return
        self.signals.done.emit(number, result)

    def _done(self, number: int, result: object) -> None:
        then = self._then.pop(number, None)
        if then is None:
            return  # superseded
        self.busy = False
        then(result)

    def is_current(self, number: int) -> bool:
        """Whether read *number* is the latest (a failure of an older one is not reported)."""
        return number == self.number
