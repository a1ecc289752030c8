"""Reading the database off the GUI thread: the latest request wins, an older one is dropped.

A panel owns a ReadStream and asks it for each read::

    self._reads = ReadStream(self)
    self._reads.read(lambda: archive.quotes(filters), self._show_quotes, self._failed)

The read runs on a pool thread (its own pooled connection, see carebrowser.data.database);
*show* gets its result on the GUI thread, or *failed* the error. A newer read supersedes the
one before: that one is cancelled (its SQL statement interrupted) and its result, should it
still arrive, is dropped, never shown. While a read has run for BUSY_AFTER_MS without an
answer, the stream says it is busy (`busy_changed`, and `activity()` for the whole window),
and the panel keeps what it shows until the new rows arrive.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from carebrowser.data.cancelling import Cancellation, cancellable

T = TypeVar("T")
log = logging.getLogger("carebrowser.ui")

#: A read that has not answered after this long is shown as under way.
BUSY_AFTER_MS = 150


class _Signals(QObject):
    """A stream's answers; a QObject of the GUI thread, so they arrive there queued. It belongs
    to the stream and to its tasks under way (no Qt parent), so that it lives as long as any of
    them."""

    done = Signal(int, object)
    failed = Signal(int, object)


class _ReadTask(QRunnable):
    """One read, run on a pool thread under its cancellation token."""

    def __init__(
        self, number: int, read: Callable[[], Any], token: Cancellation, signals: _Signals
    ) -> None:
        super().__init__()
        # The pool owns it: PySide keeps it alive until run() has returned.
        self.setAutoDelete(True)
        self.number, self.read, self.token, self.signals = number, read, token, signals

    def run(self) -> None:
        if self.token.cancelled:
            return
        try:
            with cancellable(self.token):
                result = self.read()
        except Exception as error:  # every failure goes back to the panel that asked
            if not self.token.cancelled:
                self._emit(self.signals.failed, error)
            return
        if not self.token.cancelled:
            self._emit(self.signals.done, result)

    def _emit(self, signal: Any, value: object) -> None:
        try:
            signal.emit(self.number, value)
        except RuntimeError:  # the panel that asked is gone: nobody is waiting
            log.debug("a read finished after its panel was closed")


class ReadActivity(QObject):
    """Whether any read of the window is under way (for the status bar's indicator)."""

    busy_changed = Signal(bool)

    def __init__(self) -> None:
        super().__init__()
        self._busy: set[int] = set()
        #: The streams with a read asked for and not yet answered.
        self._reading: set[int] = set()

    def reading(self) -> bool:
        """Whether any read is under way (tests and benchmarks wait until none is)."""
        return bool(self._reading)

    def busy(self) -> bool:
        """Whether a read has been under way for longer than BUSY_AFTER_MS."""
        return bool(self._busy)

    def _set(self, stream: ReadStream, busy: bool) -> None:
        if busy:
            before = bool(self._busy)
            self._busy.add(id(stream))
            if not before:
                self.busy_changed.emit(True)
        else:
            self._forget(id(stream))

    def _forget(self, key: int) -> None:
        self._reading.discard(key)
        if key in self._busy:
            self._busy.discard(key)
            if not self._busy:
                try:
                    self.busy_changed.emit(False)
                except RuntimeError:  # at exit, a stream outlived the activity: nobody listens
                    log.debug("the read activity was gone before a reading panel")


_activity: ReadActivity | None = None
_pool: QThreadPool | None = None
#: Reads asked for while the window is being made and first painted, started after that
#: paint (see hold_reads); None when reads start at once.
_held: list[_ReadTask] | None = None


def activity() -> ReadActivity:
    """The window's read activity (made at the first use)."""
    global _activity
    if _activity is None:
        _activity = ReadActivity()
    return _activity


def reading_pool() -> QThreadPool:
    """The threads reads run on: apart from exports', so a long export never delays a read."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(max(2, QThreadPool.globalInstance().maxThreadCount()))
        _pool.setExpiryTimeout(60_000)
    return _pool


def hold_reads() -> None:
    """Start no read until release_reads(): the window's first reads wait for its first paint.

    A read's Python (its SQL built, its rows made) holds the interpreter's lock, which the GUI
    thread then waits for while it paints: about 17 ms of the first paint at L.
    """
    global _held
    if _held is None:
        _held = []


def release_reads(start: bool = True) -> None:
    """Start the reads held since hold_reads() (or drop them: *start* False), and each read
    from now on at once."""
    global _held
    held, _held = _held or [], None
    if start:
        for task in held:
            reading_pool().start(task)  # a read cancelled meanwhile returns at once


def wait_for_reads(milliseconds: int = 30_000) -> bool:
    """Wait until no read runs (at exit and in tests); False when some still ran. Their
    answers are delivered by the event loop, later."""
    return _pool is None or _pool.waitForDone(milliseconds)


class ReadStream(QObject):
    """The reads of one panel: one at a time answers, the latest (see the module)."""

    #: True when the current read has run BUSY_AFTER_MS unanswered; False when it ends.
    busy_changed = Signal(bool)
    #: A read's answer was shown (or its failure handed over): for tests and benchmarks.
    answered = Signal()

    def __init__(self, parent: QObject | None = None, busy_after_ms: int = BUSY_AFTER_MS) -> None:
        super().__init__(parent)
        self._number = 0
        self._task: _ReadTask | None = None
        self._handlers: tuple[Callable[[Any], None], Callable[[BaseException], None]] | None = None
        # Not the stream's child: a pool thread may be emitting its answer as the window closes,
        # and a child would be deleted under it. Each task keeps it alive until it has emitted;
        # the stream's end disconnects it, so an answer after that reaches nobody.
        self._signals = _Signals()
        self._signals.done.connect(self._done)
        self._signals.failed.connect(self._failed)
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(busy_after_ms)
        self._timer.timeout.connect(lambda: self._set_busy(True))
        key = id(self)
        self.destroyed.connect(lambda: activity()._forget(key))

    def read(
        self,
        read: Callable[[], T],
        show: Callable[[T], None],
        failed: Callable[[BaseException], None],
    ) -> int:
        """Run *read* on a pool thread; *show* its result, or tell *failed* its error, on the
        GUI thread, unless a newer read has been asked for by then. Returns the read's number."""
        self.cancel()
        self._number += 1
        self._handlers = (show, failed)
        self._task = _ReadTask(self._number, read, Cancellation(), self._signals)
        self._timer.start()
        activity()._reading.add(id(self))
        if _held is not None:
            _held.append(self._task)
        else:
            reading_pool().start(self._task)
        return self._number

    def cancel(self) -> None:
        """Cancel the read under way, if any: its answer will not be shown."""
        task, self._task, self._handlers = self._task, None, None
        if task is not None:
            task.token.cancel()  # not started yet: it will return at once
        self._timer.stop()
        self._set_busy(False)
        activity()._reading.discard(id(self))

    def reading(self) -> bool:
        """Whether a read is under way (asked for, not yet answered)."""
        return self._task is not None

    def busy(self) -> bool:
        """Whether the read under way has run longer than BUSY_AFTER_MS."""
        return self._busy

    def _answer(self, number: int) -> tuple[Callable[[Any], None], Callable[[BaseException], None]]:
        if self._handlers is None or number != self._number:
            raise LookupError(number)
        handlers, self._task, self._handlers = self._handlers, None, None
        self._timer.stop()
        self._set_busy(False)
        activity()._reading.discard(id(self))
        return handlers

    def _done(self, number: int, result: object) -> None:
        try:
            show, _failed = self._answer(number)
        except LookupError:
            return  # superseded: a newer read is on its way
        try:
            show(result)
        finally:
            self.answered.emit()

    def _failed(self, number: int, error: BaseException) -> None:
        try:
            _show, failed = self._answer(number)
        except LookupError:
            return
        try:
            failed(error)
        finally:
            self.answered.emit()

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)
            activity()._set(self, busy)
