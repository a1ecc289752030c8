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

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from carebrowser.data.schema import Meta
from carebrowser.data.vocabulary import SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
BUNDLED_NAME = "carebrowser.sqlite"

#: Keeps the bundled database's file alive for the process (a temporary copy when zipped).
_bundled_files = contextlib.ExitStack()
atexit.register(_bundled_files.close)


class DatabaseError(Exception):
    """A database cannot be used; the message says what happened, which file, what to do next."""


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
    if not path.exists():
        raise DatabaseError(f"The database file {path} does not exist. {what_next}")
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


def _read_only_sqlite_engine(path: Path) -> Engine:
    uri = sqlite_uri(path)

    def connect() -> sqlite3.Connection:
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
        connection.execute("PRAGMA query_only = ON")
        return connection

    return create_engine("sqlite+pysqlite://", creator=connect, poolclass=StaticPool)


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
    except SQLAlchemyError as error:
        raise DatabaseError(
            f"{label} cannot be read as a carebrowser database: {_reason(error)}. "
            "It may be damaged or belong to another program. "
            "Choose another file, or open the bundled dataset."
        ) from error
    if value is None or not value.isdigit():
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


def _reason(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    return str(original if original is not None else error).splitlines()[0]


def open_database(target: str | Path | None = None) -> tuple[Engine, DatabaseInfo]:
    """Open *target* (a file path or a server URL) or, when None, the bundled dataset, read-only.

    Raises DatabaseError with a message for the user when it cannot be used.
    """
    if target is None:
        path = _bundled_files.enter_context(bundled_database_path())
        _check_file(path)
        engine = _read_only_sqlite_engine(path)
        version = schema_version(engine, str(path))
        return engine, DatabaseInfo("the bundled dataset", version, True)
    if isinstance(target, str) and is_url(target):
        try:
            url = make_url(target)
            engine = create_engine(url)
        except (ArgumentError, ImportError, ValueError) as error:
            raise DatabaseError(
                f"The database address {target!r} is not usable: {error}. "
                "Check the address, or open the bundled dataset."
            ) from error
        shown = url.render_as_string(hide_password=True)
        return engine, DatabaseInfo(shown, schema_version(engine, shown), False)
    path = Path(target)
    _check_file(path)
    engine = _read_only_sqlite_engine(path)
    return engine, DatabaseInfo(str(path), schema_version(engine, str(path)), False)
