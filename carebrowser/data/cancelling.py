"""Cancelling a read from another thread: a newer keystroke makes an older read pointless.

A thread runs a read inside ``with cancellable(token):``; ``token.cancel()`` from any other
thread then stops it: a statement SQLite is running is interrupted (``sqlite3.Connection.
interrupt``), one PostgreSQL is running is cancelled (psycopg's ``cancel_safe``), and any later
statement of that read raises ReadCancelled before it starts. Engines opened by
carebrowser.data.database are watched this way (watch_cancellation); a read outside
``cancellable`` is never cancelled.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, event

_log = logging.getLogger("carebrowser.data")
_current = threading.local()


class ReadCancelled(Exception):
    """The read was cancelled (superseded) before this statement started."""


class Cancellation:
    """A token that cancels the reads made under it (``with cancellable(token)``)."""

    def __init__(self) -> None:
        self._cancelled = threading.Event()
        self._lock = threading.Lock()
        #: The DB-API connections the read has checked out and not yet given back.
        self._connections: set[Any] = set()

    @property
    def cancelled(self) -> bool:
        """Whether cancel() was called."""
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop the read: its running statement now, any later one before it starts."""
        self._cancelled.set()
        with self._lock:
            for connection in self._connections:
                _stop(connection)

    def _using(self, connection: Any) -> None:
        with self._lock:
            self._connections.add(connection)
            cancelled = self.cancelled
        if cancelled:
            raise ReadCancelled

    def _given_back(self, connection: Any) -> None:
        with self._lock:
            self._connections.discard(connection)


def _stop(connection: Any) -> None:
    """Interrupt SQLite's statement, or ask a PostgreSQL server to cancel its own."""
    try:
        if hasattr(connection, "interrupt"):  # sqlite3: a no-op when nothing runs
            connection.interrupt()
        else:
            # psycopg sends the request on a connection of its own, which may wait for a
            # server that stopped answering: not on the thread that cancels (the GUI thread).
            threading.Thread(
                target=_cancel_quietly, args=(connection,), name="cancel a read", daemon=True
            ).start()
    except Exception:  # a connection already broken has nothing left to stop
        _log.debug("could not stop a superseded read", exc_info=True)


def _cancel_quietly(connection: Any) -> None:
    """Ask the server to cancel, without ever holding up the other threads.

    psycopg's cancel() calls libpq's PQcancel, which waits for the server's answer holding
    Python's interpreter lock: a server that stopped answering would then stop every thread
    of the process, the GUI thread too, for good. cancel_safe() (libpq 17 or later) waits
    without it, and for a bounded time; with an older libpq the server is not asked, and the
    superseded read, whose result is dropped anyway, runs to its end or to the watchdog's limit.
    """
    import psycopg  # only PostgreSQL connections come here

    from carebrowser.data.watchdog import connect_seconds

    if not psycopg.capabilities.has_cancel_safe():
        _log.debug("libpq older than 17: a superseded read is not cancelled on the server")
        return
    try:
        connection.cancel_safe(timeout=connect_seconds())
    except Exception:  # the server may be gone: the read ends with its own error
        _log.debug("could not cancel a superseded read on the server", exc_info=True)


@contextlib.contextmanager
def cancellable(token: Cancellation) -> Iterator[Cancellation]:
    """Make the reads of this thread, inside the block, cancellable by *token*."""
    previous = getattr(_current, "token", None)
    _current.token = token
    try:
        yield token
    finally:
        _current.token = previous


def current() -> Cancellation | None:
    """The token of the read this thread is making, if any."""
    return getattr(_current, "token", None)


def watch_cancellation(engine: Engine) -> None:
    """Let the reads of *engine* be cancelled (see the module)."""

    @event.listens_for(engine, "before_cursor_execute")
    def _before(connection: Any, *_args: Any) -> None:
        token = current()
        if token is not None:
            token._using(connection.connection.dbapi_connection)

    @event.listens_for(engine.pool, "checkin")
    def _checkin(dbapi_connection: Any, _record: object) -> None:
        token = current()
        if token is not None:
            token._given_back(dbapi_connection)
