"""The PostgreSQL figures: the cached archives published into a server, measured beside SQLite.

`python -m bench --postgresql URL` uses the server at URL (an address of a maintenance database,
such as postgresql+psycopg://user@host/postgres, whose user may create databases);
`--postgresql auto` starts a throwaway server for the run (tests/pg_server.py). Each size gets a
database of its own, carebrowser_bench_<size>, into which `carebrowser db publish` copies the
cached archive, unless that database already holds the same archive: the same dataset digest,
schema version and counts (`carebrowser.data.publish.check_database`) and, when the harness
published it, the same archive file (its name carries the generator's digest; the harness notes
it, with how long the publication took, in the database's comment).

Every PostgreSQL figure's baseline is the same measurement on the SQLite file, in the same run.
"""

from __future__ import annotations

import contextlib
import filecmp
import importlib.util
import json
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from bench.metrics import SEARCH, Figure, _busiest, _lines, median_ms
from bench.responsiveness import pg_responsiveness_metrics
from carebrowser.data import postgres
from carebrowser.data.database import open_database, sqlite_uri
from carebrowser.data.publish import COUNTED, check_database
from carebrowser.queries import Archive, Filters

ROOT = Path(__file__).resolve().parents[1]
#: The database of each size is this followed by the size's name in lower case.
DATABASE_PREFIX = "carebrowser_bench_"
#: Where `--postgresql auto` keeps its throwaway servers' folders (removed after the run).
SERVERS = Path(tempfile.gettempdir()) / "carebrowser-bench-servers"

#: The row saying how long publishing took (or that it was skipped).
PUBLISH_METRIC = "publish the archive into PostgreSQL, `carebrowser db publish` (process)"

Say = Callable[[str], None]


def _pg_server() -> ModuleType:
    """tests/pg_server.py, which starts throwaway servers for the tests (imported by path)."""
    loaded = sys.modules.get("pg_server")
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location("pg_server", ROOT / "tests" / "pg_server.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["pg_server"] = module
    spec.loader.exec_module(module)
    return module


def why_not_auto() -> str | None:
    """Why `--postgresql auto` cannot start a server here, or None when it can."""
    for module in ("port_for", "pytest_postgresql"):
        if importlib.util.find_spec(module) is None:
            return f"{module} is not installed: install the test extras (pip install -e '.[test]')"
    reason: str | None = _pg_server().why_not()
    return reason


@contextlib.contextmanager
def server(spec: str, say: Say) -> Iterator[str]:
    """The address of a maintenance database: *spec* itself, or a throwaway server's ('auto')."""
    if spec != "auto":
        yield spec
        return
    say("starting a throwaway PostgreSQL server ...")
    with contextlib.ExitStack() as stack:
        # In a folder of its own, out of the way of the sweep of /tmp/carebrowser-pg-* for the
        # servers of killed test runs, which any concurrent test run may do at any time;
        # the servers of killed bench runs are swept from this folder instead.
        SERVERS.mkdir(mode=0o755, exist_ok=True)
        SERVERS.chmod(0o755)  # the postgres user must reach its folder inside
        previous, tempfile.tempdir = tempfile.tempdir, str(SERVERS)
        try:
            running = stack.enter_context(_pg_server().running_server())
        finally:
            tempfile.tempdir = previous
        yield running.url("postgres")


def _admin(maintenance: str) -> Engine:
    url = postgres.server_url(maintenance)
    return create_engine(url, isolation_level="AUTOCOMMIT", connect_args=postgres.connect_args(url))


def describe(maintenance: str) -> str:
    """The server's version and the settings that matter most to these figures."""
    engine = _admin(maintenance)
    try:
        with engine.connect() as connection:
            version = connection.scalar(text("SHOW server_version"))
            settings = [
                f"{name} {connection.scalar(text(f'SHOW {name}'))}"
                for name in ("shared_buffers", "work_mem", "effective_cache_size", "jit")
            ]
    finally:
        engine.dispose()
    return f"PostgreSQL {version} ({', '.join(settings)})"


def _major(url: str) -> str:
    engine = _admin(url)
    try:
        with engine.connect() as connection:
            number = int(connection.scalar(text("SHOW server_version_num")) or 0)
    finally:
        engine.dispose()
    return f"PostgreSQL {number // 10000}"


def database_url(maintenance: str, size: str) -> str:
    """The address of *size*'s database on the server of *maintenance* (same user and options)."""
    url = make_url(maintenance).set(database=DATABASE_PREFIX + size.lower())
    return url.render_as_string(hide_password=False)


def _meta(engine: Engine, key: str) -> str | None:
    with engine.connect() as connection:
        value = connection.scalar(text("SELECT value FROM meta WHERE key = :key"), {"key": key})
    return None if value is None else str(value)


def _sqlite_digest(path: Path) -> str | None:
    with contextlib.closing(sqlite3.connect(sqlite_uri(path), uri=True)) as connection:
        row = connection.execute("SELECT value FROM meta WHERE key = 'dataset_digest'").fetchone()
    return None if row is None else str(row[0])


def holds(url: str, path: Path, stamp: dict[str, Any] | None) -> bool:
    """Whether the database at *url* already holds the archive *path*, as published."""
    if stamp is not None and stamp.get("archive") != path.name:
        return False
    theirs, ours = check_database(url), check_database(str(path))
    if not theirs.ok or theirs.schema_version != ours.schema_version:
        return False
    if any(theirs.counts.get(name) != ours.counts.get(name) for name in COUNTED):
        return False
    engine, _shown = open_database(url)
    try:
        digest = _meta(engine, "dataset_digest")
    finally:
        engine.dispose()
    return digest is not None and digest == _sqlite_digest(path)


def _stamp(admin: Engine, name: str) -> tuple[bool, dict[str, Any] | None]:
    """Whether database *name* exists, and the harness's note in its comment (if any)."""
    with admin.connect() as connection:
        row = connection.execute(
            text(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = :name"
            ),
            {"name": name},
        ).first()
    if row is None:
        return False, None
    try:
        stamp = json.loads(row[0]) if row[0] else None
    except ValueError:
        return True, None
    return True, stamp if isinstance(stamp, dict) else None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def prepare(maintenance: str, path: Path, size: str, say: Say) -> tuple[str, Figure]:
    """Create or reuse *size*'s database, publish *path* into it when it does not hold it yet.

    Returns its address and a row saying how long `carebrowser db publish` took."""
    url = database_url(maintenance, size)
    name = DATABASE_PREFIX + size.lower()
    metric = PUBLISH_METRIC
    admin = _admin(maintenance)
    try:
        exists, stamp = _stamp(admin, name)
        if exists and holds(url, path, stamp):
            say(f"{name} already holds {path.name}: not publishing it again")
            seconds = stamp.get("seconds") if stamp else None
            earlier = f", {seconds:.1f} s when published" if isinstance(seconds, float) else ""
            return url, Figure(
                metric,
                size,
                seconds if isinstance(seconds, float) else None,
                None,
                "",
                unit="s",
                note=f"{_major(url)}; skipped: the database already held this archive{earlier}",
                runs=1 if isinstance(seconds, float) else 0,
            )
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {_quoted(name)} WITH (FORCE)")
            connection.exec_driver_sql(
                f"CREATE DATABASE {_quoted(name)} ENCODING 'UTF8' TEMPLATE template0"
            )
        say(f"publishing {path.name} into {name} ...")
        command = [sys.executable, "-m", "carebrowser", "db", "publish", "--to", url]
        started = time.perf_counter()
        result = subprocess.run(
            [*command, "--from", str(path)], capture_output=True, text=True, check=False
        )
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise RuntimeError(f"publishing failed: {result.stderr.strip()[-2000:]}")
        note = json.dumps({"archive": path.name, "seconds": round(seconds, 1)})
        with admin.connect() as connection:
            literal = "'" + note.replace("'", "''") + "'"  # a utility statement takes no parameters
            connection.exec_driver_sql(f"COMMENT ON DATABASE {_quoted(name)} IS {literal}")
    finally:
        admin.dispose()
    return url, Figure(metric, size, seconds, None, "", unit="s", note=_major(url), runs=1)


# -- the metrics: (archive file, size, runs, address of its published copy) -> Figure ----------


@dataclass(frozen=True)
class _Timed:
    postgresql: float
    sqlite: float


def _query_layer(
    path: Path, url: str, runs: int, call: Callable[[Archive], list[int]]
) -> tuple[_Timed, list[int]]:
    """Median ms of *call* on a new Archive per run, on PostgreSQL and on SQLite, alternately,
    after a first call on each (connecting; it checks that both give the same rows)."""
    pg_engine, _pg = open_database(url)
    lite_engine, _lite = open_database(path)
    pg_times, lite_times = [], []
    try:
        rows = call(Archive(pg_engine))
        if rows != call(Archive(lite_engine)):
            raise AssertionError("PostgreSQL and SQLite give different rows")
        for _ in range(runs):
            pg_times.append(median_ms(partial(call, Archive(pg_engine)), 1))
            lite_times.append(median_ms(partial(call, Archive(lite_engine)), 1))
    finally:
        pg_engine.dispose()
        lite_engine.dispose()
    return _Timed(statistics.median(pg_times), statistics.median(lite_times)), rows


def pg_stakeholder_first_page(path: Path, size: str, runs: int, url: str) -> Figure:
    """Select a stakeholder (the busiest) to its first page of quotes, at the query layer."""
    busiest = frozenset({_busiest(path)})

    def first_page(archive: Archive) -> list[int]:
        return [q.id for q in archive.quotes(Filters(stakeholders=busiest)).rows]

    timed, _rows = _query_layer(path, url, runs, first_page)
    engine, _info = open_database(path)
    try:
        count = Archive(engine).quote_count(Filters(stakeholders=busiest))
    finally:
        engine.dispose()
    return Figure(
        "select a stakeholder -> first page (query layer, PostgreSQL)",
        size,
        timed.postgresql,
        timed.sqlite,
        "part of <= 30 ms at L",
        note=f"{_major(url)}; baseline: SQLite, same run; busiest stakeholder, "
        f"{count:,} statements",
        runs=runs,
    )


def pg_search_first_page(path: Path, size: str, runs: int, url: str) -> Figure:
    """Full-text search, first page (Archive.quotes with a search), at the query layer."""

    def first_page(archive: Archive) -> list[int]:
        return [q.id for q in archive.quotes(Filters(search=SEARCH)).rows]

    timed, rows = _query_layer(path, url, runs, first_page)
    return Figure(
        "full-text search, first page (query layer, PostgreSQL)",
        size,
        timed.postgresql,
        timed.sqlite,
        "",
        note=f"{_major(url)}; baseline: SQLite, same run; '{SEARCH}', {len(rows)} rows",
        runs=runs,
    )


def _export_ms(target: str, output: Path) -> float:
    command = [sys.executable, "-m", "carebrowser", "--db", target, "export", "quotes"]
    started = time.perf_counter()
    subprocess.run([*command, "-o", str(output)], check=True)
    return (time.perf_counter() - started) * 1000


def pg_export_quotes(path: Path, size: str, runs: int, url: str) -> Figure:
    """`carebrowser export quotes` of everything from PostgreSQL, against the same from SQLite."""
    pg_times, lite_times = [], []
    with tempfile.TemporaryDirectory(prefix="carebrowser-bench-") as folder:
        pg_file, lite_file = Path(folder) / "postgresql.csv", Path(folder) / "sqlite.csv"
        for _ in range(runs):
            pg_times.append(_export_ms(url, pg_file))
            lite_times.append(_export_ms(str(path), lite_file))
        same = filecmp.cmp(pg_file, lite_file, shallow=False)
        rows = _lines(pg_file) - 1
    return Figure(
        "export quotes, whole archive, CSV (process, PostgreSQL)",
        size,
        statistics.median(pg_times),
        statistics.median(lite_times),
        "",
        note=f"{_major(url)}; baseline: SQLite, same run; {rows:,} rows, "
        + ("the same file" if same else "FILES DIFFER"),
        runs=runs,
    )


PG_METRICS: tuple[Callable[[Path, str, int, str], Figure | list[Figure]], ...] = (
    pg_stakeholder_first_page,
    pg_search_first_page,
    pg_export_quotes,
)
#: Those that open the window (left out with --no-window).
PG_WINDOW_METRICS: tuple[Callable[[Path, str, int, str], Figure | list[Figure]], ...] = (
    pg_responsiveness_metrics,
)


def bound(
    metric: Callable[[Path, str, int, str], Figure | list[Figure]], urls: dict[str, str]
) -> Callable[[Path, str, int], Figure | list[Figure]]:
    """*metric* on the database prepared for each size (named as *metric*, for --only)."""

    def measure(path: Path, size: str, runs: int) -> Figure | list[Figure]:
        if size not in urls:
            raise RuntimeError(f"no PostgreSQL database for {size}: publishing it failed")
        return metric(path, size, runs, urls[size])

    measure.__name__ = metric.__name__
    measure.__doc__ = metric.__doc__
    return measure
