"""A bounded wait on a database server: no query waits in silence for a server that stopped.

TCP keepalives and libpq's ``tcp_user_timeout`` (see postgres.connect_args) notice a network that
drops packets, but not a server that is frozen (stopped, swapping, behind a stuck proxy): its
computer still acknowledges every packet, and libpq would wait for the answer for ever. A server
statement timeout cannot help either (a frozen server cannot cancel anything), and it would cut
off readers that are rightly waiting for a publication to commit.

So every wait of a carebrowser connection on its server is watched here. When one has lasted
half the limit (CAREBROWSER_SERVER_TIMEOUT, 30 s by default), a second connection asks the same
server whether it is still there, within a quarter of it. A server that answers is slow, not
gone: the query goes on waiting, and is asked about again later. One that does not has its
connection's socket shut, so the query ends at once with StoppedAnswering, and the person reads
which server stopped answering (a connection checked out of the pool may then spend the last
quarter failing to connect again: "cannot be reached").
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Self, TypeVar

import psycopg
from psycopg.abc import PQGen
from psycopg.conninfo import make_conninfo

#: The environment variable that sets the limit in seconds (tests set a short one).
ENVIRONMENT = "CAREBROWSER_SERVER_TIMEOUT"
DEFAULT_SECONDS = 30.0
#: The part of the limit a query waits before the server is asked whether it is still there;
#: asking takes up to a quarter (connect_seconds), and so may reconnecting after that.
WAIT_SHARE = 1 / 2
#: libpq waits at least this long to connect, whatever it is told.
SHORTEST_CONNECT = 2

_log = logging.getLogger("carebrowser.data.server")
#: The deadline of a watch whose server is being asked about.
_ASKING = float("inf")
RV = TypeVar("RV")

#: Keyword arguments of psycopg.connect() that are not connection parameters.
_NOT_PARAMETERS = ("autocommit", "prepare_threshold", "context", "row_factory", "cursor_factory")


def limit_seconds() -> float:
    """How long a person may wait, at most, for a server that stopped answering."""
    try:
        value = float(os.environ.get(ENVIRONMENT, DEFAULT_SECONDS))
    except ValueError:
        return DEFAULT_SECONDS
    return value if value > 0 else DEFAULT_SECONDS


def connect_seconds() -> int:
    """The time allowed to connect, and to ask a silent server whether it is there."""
    return max(SHORTEST_CONNECT, round(limit_seconds() / 4))


class StoppedAnswering(psycopg.OperationalError):
    """The server did not answer a query, nor a second connection, within the limit."""


@dataclass(eq=False)
class _Watch:
    fileno: int
    conninfo: str
    deadline: float
    fired: bool = False


class _Watchdog:
    """One thread for the process, asleep until a watched wait has lasted too long."""

    def __init__(self) -> None:
        self._watches: set[_Watch] = set()
        self._condition = threading.Condition()
        self._thread: threading.Thread | None = None

    def start(self, fileno: int, conninfo: str) -> _Watch:
        watch = _Watch(fileno, conninfo, time.monotonic() + limit_seconds() * WAIT_SHARE)
        with self._condition:
            self._watches.add(watch)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="carebrowser server watchdog", daemon=True
                )
                self._thread.start()
            self._condition.notify()
        return watch

    def stop(self, watch: _Watch) -> None:
        with self._condition:
            self._watches.discard(watch)

    def _due(self) -> _Watch:
        """The next watch whose wait lasted too long (waiting, the lock released, until then)."""
        with self._condition:
            while True:
                now = time.monotonic()
                due = [w for w in self._watches if w.deadline <= now]
                if due:
                    due[0].deadline = _ASKING
                    return due[0]
                waiting = [w.deadline for w in self._watches if w.deadline != _ASKING]
                self._condition.wait(min(waiting) - now if waiting else None)

    def _run(self) -> None:
        while True:
            watch = self._due()
            alive = _answers(watch.conninfo)
            with self._condition:
                if watch not in self._watches:
                    continue  # answered meanwhile
                if alive:
                    watch.deadline = time.monotonic() + limit_seconds() * WAIT_SHARE
                    continue
                watch.fired = True
                _log.warning("the database server stopped answering: closing its connection")
                _shut(watch.fileno)


_watchdog = _Watchdog()


def _answers(conninfo: str) -> bool:
    """Whether the server answers a new connection (even with a refusal) in time."""
    try:
        with psycopg.Connection.connect(
            conninfo, connect_timeout=connect_seconds(), application_name="carebrowser check"
        ):
            return True
    except psycopg.Error as error:
        return "FATAL" in str(error)  # it answered, if only to refuse (too many clients)


def _shut(fileno: int) -> None:
    """Shut the connection's socket: the wait on it returns at once, with an error."""
    try:
        with contextlib.closing(socket.socket(fileno=os.dup(fileno))) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        _log.warning("could not shut the connection to a silent server", exc_info=True)


class WatchedConnection(psycopg.Connection[Any]):
    """A psycopg connection whose every wait on the server is bounded (see the module)."""

    _check_conninfo = ""

    @classmethod
    def connect(cls, conninfo: str = "", **kwargs: Any) -> Self:
        """Connect as psycopg.connect() does, remembering how to ask the server about itself."""
        connection = super().connect(conninfo, **kwargs)
        parameters = {k: v for k, v in kwargs.items() if k not in _NOT_PARAMETERS}
        connection._check_conninfo = make_conninfo(conninfo, **parameters)
        return connection

    def wait(self, gen: PQGen[RV], *args: Any, **kwargs: Any) -> RV:
        """Wait as psycopg does; StoppedAnswering when the server stopped answering."""
        watch = _watchdog.start(self.pgconn.socket, self._check_conninfo)
        try:
            return super().wait(gen, *args, **kwargs)
        except psycopg.Error as error:
            if watch.fired:
                waited = limit_seconds() * WAIT_SHARE + connect_seconds()
                raise StoppedAnswering(
                    f"no answer within {waited:.0f} s, not even to a new connection"
                ) from error
            raise
        finally:
            _watchdog.stop(watch)
