"""Reading the timeline: one read at a time, each newer read superseding the one before.

The reads run on a reading thread with a connection of their own (carebrowser.ui.reads), as
the coalition map's do; a superseded read is cancelled and its result dropped. The reads go
through covering indexes and, past MARK_LIMIT, are counts per period computed in SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from carebrowser.ui.reads import ReadStream


class ReadSignals(QObject):
    """What a read reports: its number and its result, or the error that stopped it."""

    done = Signal(int, object)
    failed = Signal(int, object)


class Reads(QObject):
    """Runs the reads of one view off the GUI thread (carebrowser.ui.reads), numbered so that a
    superseded result is never drawn."""

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.signals = ReadSignals(self)
        self.number = 0
        #: Whether a read is under way (its result not yet handed over).
        self.busy = False
        self.stream = ReadStream(self)

    def start(self, work: Callable[[], Any], then: Callable[[Any], None]) -> None:
        """Run *work* on a reading thread; hand its result to *then*, or its error to
        ``signals.failed``, on the GUI thread, unless a newer read superseded it."""
        self.number += 1
        number = self.number
        self.busy = True

        def show(result: Any) -> None:
            self.busy = False
            then(result)

        def failed(error: BaseException) -> None:
            self.signals.failed.emit(number, error)  # the window's one channel for failed reads

        self.stream.read(work, show, failed)

    def is_current(self, number: int) -> bool:
        """Whether read *number* is the latest (a failure of an older one is not reported)."""
        return number == self.number
