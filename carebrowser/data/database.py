"""Opening databases: the bundled one read-only, another file read-only, or a server URL."""

from __future__ import annotations

import atexit
import contextlib
import sqlite3
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

# The SQLite dialect comes with this module, before the window imports Qt's bindings, not at
# the first create_engine(): PySide6 reads the source of every module imported after its own.
import sqlalchemy.dialects.sqlite  # noqa: F401
from sqlalchemy import Engine, create_engine, event, inspect, select, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import QueuePool, StaticPool

from carebrowser.data.cancelling import watch_cancellation
from carebrowser.data.tables import Meta
from carebrowser.data.vocabulary import SCHEMA_VERSION
from carebrowser.passwords import hide_passwords

SQLITE_HEADER = b"SQLite format 3\x00"
BUNDLED_NAME = "carebrowser.sqlite"
#: Files up to this size get ``PRAGMA quick_check`` when opened: measured 80 ms at 64 MB.
QUICK_CHECK_LIMIT = 64 * 2**20
#: Seconds to wait for another program's lock before saying the file is locked.
BUSY_TIMEOUT = 2.0
#: Read-only connections kept open on a file: the window's thread and the reading threads
#: each check one out for a read (an sqlite3 connection is never used by two threads at once).
SQLITE_CONNECTIONS = 4
#: What a query raises when its database is damaged, locked or gone: database errors, and the
#: errors of turning a damaged stored value into a date, a number or a label (found by fuzzing:
#: a flipped bit in a date gives "ValueError: month must be in 1..12").
QUERY_ERRORS: tuple[type[Exception], ...] = (
    SQLAlchemyError,
    sqlite3.Error,
    ValueError,
    LookupError,
    TypeError,
    ArithmeticError,
)

#: Keeps the bundled database's file alive for the process (a temporary copy when zipped).
_bundled_files = contextlib.ExitStack()
atexit.register(_bundled_files.close)


class DatabaseError(Exception):
    """A database cannot be used; the message says what happened, which file, what to do next.

    No password reaches the message, whatever it was built from.
    """

    def __init__(self, message: str) -> None:
        super().__init__(hide_passwords(message))


@dataclass(frozen=True)
class DatabaseInfo:
    """What was opened, for the title bar and the about box."""

    label: str
    schema_version: int
    bundled: bool


@contextlib.contextmanager
def bundled_database_path() -> Iterator[Path]:
    """Yield a filesystem path of the bundled database, inside the installed package if there."""
    packaged = resources.files("carebrowser").joinpath("bundled", BUNDLED_NAME)
    if packaged.is_file():
        with resources.as_file(packaged) as path:
            yield path
        return
    checkout = Path(__file__).resolve().parents[2] / "db" / BUNDLED_NAME
    if not checkout.is_file():
        raise DatabaseError(
            f"The bundled dataset is missing ({checkout}). "
            "Reinstall carebrowser, or run 'carebrowser db build' in a checkout."
        )
    yield checkout


def is_url(target: str) -> bool:
    """Whether *target* names a database server URL rather than a file."""
    return "://" in target and not Path(target).exists()


def sqlite_uri(path: Path, *, read_only: bool = True) -> str:
    """An SQLite URI for *path* that survives spaces, '#', '?', '%' and non-ASCII characters."""
    quoted = urllib.parse.quote(str(path.resolve()), safe="/")
    mode = "ro" if read_only else "rwc"
    return f"file:{quoted}?mode={mode}"


def _check_file(path: Path) -> None:
    what_next = "Choose another file, or open the bundled dataset."
    try:
        path.stat()
    except FileNotFoundError as error:  # the cause, for the log and the dialog's details
        raise DatabaseError(f"The database file {path} does not exist. {what_next}") from error
    except OSError:
        pass  # said below, when reading it fails
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file. {what_next}")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseError(
            f"The database file {path} cannot be read ({error.strerror}). {what_next}"
        ) from error
    if not header:
        raise DatabaseError(f"The database file {path} is empty. {what_next}")
    if header != SQLITE_HEADER:
        raise DatabaseError(f"{path} is not an SQLite database. {what_next}")


def _check_size(path: Path) -> None:
    """Refuse a file shorter than its header says: a half-finished copy or download."""
    with path.open("rb") as handle:
        header = handle.read(100)
    size = path.stat().st_size
    page_size = int.from_bytes(header[16:18], "big") if len(header) == 100 else 0
    page_size = 65536 if page_size == 1 else page_size
    if len(header) < 100 or page_size < 512 or page_size & (page_size - 1):
        raise DatabaseError(
            f"{path} is damaged (its SQLite header is incomplete or invalid). "
            "Copy it again from where it came from, or open the bundled dataset."
        )
    pages = int.from_bytes(header[28:32], "big")
    # The page count is only valid when its counter matches; a WAL file may hold newer pages.
    valid = pages > 0 and header[24:28] == header[92:96]
    wal = path.with_name(path.name + "-wal")
    if valid and not wal.exists() and size < pages * page_size:
        raise DatabaseError(
            f"{path} is incomplete: it has {size:,} of its {pages * page_size:,} bytes, as if "
            "copying it stopped early. Copy it again, or open the bundled dataset."
        )


def _quick_check(engine: Engine, path: Path) -> None:
    """Run SQLite's structural check on files small enough for it to be quick."""
    if path.stat().st_size > QUICK_CHECK_LIMIT:
        return
    try:
        with engine.connect() as connection:
            result = connection.execute(text("PRAGMA quick_check(1)")).scalar()
    except (SQLAlchemyError, sqlite3.Error, UnicodeDecodeError) as error:
        # A damaged schema can make SQLite's own error message invalid UTF-8 (found by fuzzing).
        raise DatabaseError(_unreadable(error, str(path), bundled=False, server=False)) from error
    if result != "ok":
        said = [line for line in str(result).splitlines() if not line.startswith("***")]
        raise DatabaseError(
            f"{path} is damaged (SQLite's check says: {(said or ['?'])[0][:160]}). "
            "Copy it again from where it came from, or open the bundled dataset."
        )


def _is_locked(error: BaseException) -> bool:
    original = getattr(error, "orig", None) or error
    code = getattr(original, "sqlite_errorcode", None)
    if isinstance(code, int) and code & 0xFF in (5, 6):  # SQLITE_BUSY, SQLITE_LOCKED
        return True
    return "database is locked" in str(original) or "database table is locked" in str(original)


def _unreadable(error: BaseException, label: str, *, bundled: bool, server: bool) -> str:
    if _is_locked(error):
        return (
            f"{label} is locked by another program. Close that program or wait a moment and "
            "try again, or open the bundled dataset."
        )
    reason = _reason(error)
    if bundled:
        return f"The bundled dataset could not be read ({reason}). Reinstall carebrowser."
    if server:
        from carebrowser.data import postgres

        return postgres.problem(error, label)
    return (
        f"{label} could not be read ({reason}): the file may be damaged or have changed while "
        "it was open. Copy it again from where it came from, or open the bundled dataset."
    )


def query_error_message(error: BaseException, info: DatabaseInfo) -> str:
    """One line for a query that failed mid-session: what happened, which file, what to do next."""
    return _unreadable(error, info.label, bundled=info.bundled, server="://" in info.label)


def is_connection_lost(error: BaseException) -> bool:
    """Whether *error* says the database server cannot be reached or stopped answering (stopped,
    frozen, or the network is down): worth trying again later, unlike a refused login."""
    original = getattr(error, "orig", None) or error
    if not type(original).__module__.startswith("psycopg"):
        return False
    from carebrowser.data import postgres

    return postgres.kind(error) in ("unreachable", "stopped answering")


#: Modules whose frames in a traceback mean the error arose while reading the database.
_READING_MODULES = ("sqlalchemy", "sqlite3", "carebrowser.data", "carebrowser.queries")


def is_query_failure(error: BaseException) -> bool:
    """Whether *error* arose reading the database (damaged, locked, gone), not from a bug elsewhere.

    Database errors always are; a ValueError and the like are when raised inside the reading code.
    """
    if isinstance(error, (SQLAlchemyError, sqlite3.Error)):
        return True
    if not isinstance(error, QUERY_ERRORS):
        return False
    frame = error.__traceback__
    while frame is not None:
        if str(frame.tb_frame.f_globals.get("__name__", "")).startswith(_READING_MODULES):
            return True
        frame = frame.tb_next
    return False


def _read_only_sqlite_engine(path: Path) -> Engine:
    """A pool of read-only connections on *path*: each read checks one out for itself, so the
    window's thread and the reading threads never share an sqlite3 connection at the same time
    (two threads on one connection crashed the process). Reads can be cancelled
    (carebrowser.data.cancelling)."""
    uri = sqlite_uri(path)

    def connect() -> sqlite3.Connection:
        # check_same_thread=False: a pooled connection serves one thread at a time, not always
        # the same one.
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=BUSY_TIMEOUT)
        connection.execute("PRAGMA query_only = ON")
        return connection

    engine = create_engine(
        "sqlite+pysqlite://",
        creator=connect,
        poolclass=QueuePool,
        pool_size=SQLITE_CONNECTIONS,
        max_overflow=2 * SQLITE_CONNECTIONS,
    )
    watch_cancellation(engine)
    return engine


def writable_sqlite_engine(path: Path) -> Engine:
    """An engine that may create and write *path*: used only to build new databases."""
    uri = sqlite_uri(path, read_only=False)
    engine = create_engine(
        "sqlite+pysqlite://",
        creator=lambda: sqlite3.connect(uri, uri=True),
        poolclass=StaticPool,
    )

    @event.listens_for(engine, "connect")
    def _foreign_keys(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    return engine


def schema_version(engine: Engine, label: str) -> int:
    """The schema version recorded in the database, checked against the app's."""
    try:
        if not inspect(engine).has_table(Meta.__tablename__):
            raise DatabaseError(
                f"{label} is not a carebrowser database (it has no schema version). "
                "Choose another file, or open the bundled dataset."
            )
        with engine.connect() as connection:
            value = connection.scalar(select(Meta.value).where(Meta.key == "schema_version"))
    except (SQLAlchemyError, UnicodeDecodeError) as error:
        if _is_locked(error) or engine.dialect.name != "sqlite":
            server = engine.dialect.name != "sqlite"
            raise DatabaseError(_unreadable(error, label, bundled=False, server=server)) from error
        raise DatabaseError(
            f"{label} cannot be read as a carebrowser database: {_reason(error)}. "
            "It may be damaged or belong to another program. "
            "Choose another file, or open the bundled dataset."
        ) from error
    if not isinstance(value, str) or not value.isdigit():  # a damaged file may hold a number
        raise DatabaseError(
            f"{label} is not a carebrowser database (it has no schema version). "
            "Choose another file, or open the bundled dataset."
        )
    version = int(value)
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"{label} was made by a newer carebrowser (schema version {version}; this one reads "
            f"version {SCHEMA_VERSION}). Update carebrowser, or open the bundled dataset."
        )
    if version < SCHEMA_VERSION:
        raise DatabaseError(
            f"{label} uses an older schema (version {version}; this one reads version "
            f"{SCHEMA_VERSION}). Rebuild it with 'carebrowser db build', "
            "or open the bundled dataset."
        )
    return version


def _reason(error: BaseException) -> str:
    original = getattr(error, "orig", None)
    said = str(original if original is not None else error).strip()
    first = (said.splitlines() or [""])[0][:200] or type(error).__name__
    if isinstance(error, UnicodeDecodeError):
        return "it holds text that is not valid UTF-8"
    if original is None and not isinstance(error, (SQLAlchemyError, sqlite3.Error)):
        return f"a stored value is not valid: {first}"
    return first


def server_engine(target: str, *, read_only: bool = True) -> tuple[Engine, str]:
    """An engine on the PostgreSQL server at *target* and the address to show (no password).

    A reading engine's sessions are read-only; connections are checked before use, so a query
    after the server came back works again. Nothing is connected yet.
    """
    from carebrowser.data import postgres  # only for servers

    try:
        url = postgres.server_url(target)
        if url.get_backend_name() != "postgresql":
            raise ValueError(f"carebrowser reads PostgreSQL servers, not {url.drivername}")
        engine = create_engine(url, pool_pre_ping=True, connect_args=postgres.connect_args(url))
    except (ArgumentError, ImportError, ValueError) as error:
        shown = postgres.hide_password(target)
        raise DatabaseError(
            f"The database address {shown!r} is not usable: {error}. "
            "Check the address (postgresql://USER@HOST/DATABASE), or open the bundled dataset."
        ) from error
    postgres.configure(engine, read_only=read_only)
    if read_only:
        watch_cancellation(engine)
    return engine, url.render_as_string(hide_password=True)


def open_database(
    target: str | Path | None = None, *, label: str | None = None
) -> tuple[Engine, DatabaseInfo]:
    """Open *target* (a file path or a server URL) or, when None, the bundled dataset, read-only.

    *label* names a file in messages and the title bar instead of its path (a DNA file's
    conversion, carebrowser.data.dna_cache, is labelled with the DNA file's name).

    Raises DatabaseError with a message for the user when it cannot be used.
    """
    if target is None:
        path = _bundled_files.enter_context(bundled_database_path())
        engine = _checked_sqlite_engine(path)
        version = schema_version(engine, str(path))
        return engine, DatabaseInfo("the bundled dataset", version, True)
    if isinstance(target, str) and is_url(target):
        engine, shown = server_engine(target)
        try:
            version = schema_version(engine, shown)
        except DatabaseError:
            engine.dispose()
            raise
        return engine, DatabaseInfo(shown, version, False)
    path = Path(target)
    if path.suffix.lower() == ".dna" and label is None:
        raise DatabaseError(
            f"{path} is a Discourse Network Analyzer file: open it with 'carebrowser --db "
            f"{path}', or convert it with 'carebrowser import dna {path} -o FILE'."
        )
    engine = _checked_sqlite_engine(path)
    try:
        version = schema_version(engine, label or str(path))
    except DatabaseError:
        engine.dispose()
        raise
    return engine, DatabaseInfo(label or str(path), version, False)


def _checked_sqlite_engine(path: Path) -> Engine:
    """A read-only engine on *path* after the cheap checks: a file, SQLite, complete, sound."""
    _check_file(path)
    _check_size(path)
    engine = _read_only_sqlite_engine(path)
    try:
        _quick_check(engine, path)
    except DatabaseError:
        engine.dispose()
        raise
    return engine
