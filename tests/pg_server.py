"""A throwaway PostgreSQL server for the tests, from the Debian package's binaries.

pytest-postgresql's executor (PostgreSQLExecutor, the one its postgresql_proc fixture uses) runs
pg_ctl to initdb, start and stop the server. PostgreSQL refuses to run as root, and the tests run
as root here and in CI (a fresh clone, `bash .ci/run` as root). So, when root:

- pg_ctl runs through a two-line wrapper script that drops to the 'postgres' user the Debian
  package creates (``setpriv --reuid postgres``, which execs pg_ctl without a login session);
- the data directory, socket and log live in a fresh temporary folder owned by that user, not
  under pytest's temporary folders (those are private to root, which is why postgresql_proc's own
  data directory cannot be used here).

As any other user pg_ctl runs directly. A test run that is killed cannot stop its server, so
each folder records the test process's id, and the next run stops and removes the servers whose
test process is gone (never one whose process still runs). Without the binaries (or, as root,
without a 'postgres' user) the tests that need a server skip, saying how to install it. The
cluster is created with the C.UTF-8 locale (pytest-postgresql's default), so databases are UTF8.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

SKIP_REASON = "PostgreSQL server binaries not found: install the Debian package postgresql"
NO_USER_REASON = (
    "PostgreSQL cannot run as root and there is no 'postgres' user to run it as: "
    "install the Debian package postgresql"
)
SUPERUSER = "postgres"


def find_pg_ctl() -> Path | None:
    """The newest Debian pg_ctl (/usr/lib/postgresql/N/bin), else one on PATH, else None."""

    def version(path: str) -> int:
        match = re.search(r"/postgresql/(\d+)/", path)
        return int(match.group(1)) if match else 0

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=version)
    if found:
        return Path(found[-1])
    on_path = shutil.which("pg_ctl")
    return Path(on_path) if on_path else None


def why_not() -> str | None:
    """Why no server can be started here, or None when one can."""
    if find_pg_ctl() is None:
        return SKIP_REASON
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return NO_USER_REASON
    return None


@dataclass
class Server:
    """A running throwaway server: its address, and a way to stop and start it again."""

    executor: object
    host: str
    port: int

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        """A carebrowser address (postgresql+psycopg://...) for *database* as *user*."""
        login = user if password is None else f"{user}:{password}"
        return f"postgresql+psycopg://{login}@{self.host}:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """A superuser connection in autocommit mode (for CREATE DATABASE, roles, grants)."""
        return psycopg.connect(
            host=self.host, port=self.port, user=SUPERUSER, dbname=database, autocommit=True
        )

    def create_database(self, name: str) -> str:
        """Create an empty database *name* (dropping an old one) and return its address."""
        with self.connect() as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))  # fmt: skip
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (fast shutdown: sessions are cut, as when a server goes down)."""
        self.executor.stop()  # type: ignore[attr-defined]

    def start(self) -> None:
        """Start the stopped server again, on the same port and data."""
        self.executor.start()  # type: ignore[attr-defined]
        self.wait_until_ready()

    def wait_until_ready(self, timeout: float = 60.0) -> None:
        """Wait until the server accepts connections: its port opens before it is ready."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with self.connect():
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)


PREFIX = "carebrowser-pg-"
OWNER_FILE = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_orphans() -> None:
    """Stop and remove the servers of earlier test runs that were killed before stopping them."""
    for folder in Path(tempfile.gettempdir()).glob(PREFIX + "*"):
        try:
            owner = int((folder / OWNER_FILE).read_text())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        for pg_ctl in folder.glob("pg_ctl*"):
            subprocess.run(
                [str(pg_ctl), "stop", "-D", str(folder / "data"), "-m", "immediate"],
                capture_output=True,
                check=False,
            )
        subprocess.run(["rm", "-rf", str(folder)], check=False)


@contextlib.contextmanager
def running_server() -> Iterator[Server]:
    """Start a server in a temporary folder; stop it and remove the folder afterwards."""
    import port_for
    from pytest_postgresql.executors import PostgreSQLExecutor

    pg_ctl = find_pg_ctl()
    assert pg_ctl is not None, SKIP_REASON
    remove_orphans()
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    try:
        (folder / OWNER_FILE).write_text(str(os.getpid()))
        executable = str(pg_ctl)
        if os.geteuid() != 0:
            (folder / "pg_ctl").symlink_to(pg_ctl)  # for remove_orphans
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(folder, owner.pw_uid, owner.pw_gid)
            wrapper = folder / "pg_ctl-as-postgres"
            wrapper.write_text(
                "#!/bin/sh\ncd /\n"
                f'exec setpriv --reuid=postgres --regid=postgres --init-groups -- "{pg_ctl}" "$@"\n'
            )
            wrapper.chmod(0o755)
            executable = str(wrapper)
        port = port_for.select_random()
        executor = PostgreSQLExecutor(
            executable=executable,
            host="127.0.0.1",
            port=port,
            datadir=str(folder / "data"),
            unixsocketdir=str(folder),
            logfile=str(folder / "server.log"),
            startparams="-w",
            dbname="carebrowser_tests",
            user=SUPERUSER,
        )
        executor.start()
        server = Server(executor, "127.0.0.1", port)
        try:
            server.wait_until_ready()
            yield server
        finally:
            with contextlib.suppress(Exception):
                executor.stop()
    finally:
        subprocess.run(["rm", "-rf", str(folder)], check=False)
