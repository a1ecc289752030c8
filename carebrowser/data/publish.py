"""Publishing a dataset into PostgreSQL, and checking what a database holds.

``publish`` copies an SQLite dataset (the bundled one, or another file such as a synthetic
archive) into a PostgreSQL database in one transaction: it drops carebrowser's tables if they are
there, creates them from ``Base.metadata`` (text collated "C", see carebrowser.data.postgres),
streams every table with COPY, writes the full-text documents, then builds the indexes, adds the
foreign keys, analyses the tables and grants again what roles were granted on the old tables.
Any failure rolls everything back, so a database is never left half published, and running it
again replaces the contents. Readers wait while it runs (the tables are locked until it commits).
After the commit it vacuums the tables, so that the first readers do not pay for it.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table, func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable

from carebrowser.data import postgres
from carebrowser.data.database import (
    DatabaseError,
    bundled_database_path,
    is_url,
    open_database,
    server_engine,
    sqlite_uri,
)
from carebrowser.data.schema import Base, Meta, stored_count_errors
from carebrowser.data.vocabulary import SCHEMA_VERSION
from carebrowser.passwords import hide_passwords

#: The tables a check counts, with the word it reports each by.
COUNTED = {
    "stakeholder": "stakeholders",
    "source": "sources",
    "statement": "statements",
    "proposal": "proposals",
    "position": "positions",
}
#: Rows read from SQLite at a time.
BATCH = 10_000
#: The key of the advisory lock that keeps two publications into one database apart.
LOCK_KEY = 0x63617265


#: Every table by name, the full-text ones included (for counting).
_TABLES: dict[str, Table] = {
    **Base.metadata.tables,
    postgres.statement_fts.name: postgres.statement_fts,
    postgres.source_fts.name: postgres.source_fts,
}


class PublishError(Exception):
    """Publishing failed and nothing was changed; the message says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(hide_passwords(message))


@dataclass(frozen=True)
class Published:
    """What a publication copied, where to, and how long it took."""

    target: str
    source: str
    counts: dict[str, int]
    seconds: float
    #: Roles (or PUBLIC) whose privileges on the old tables were granted again on the new ones.
    grantees: tuple[str, ...] = ()

    def summary(self) -> str:
        """'75 stakeholders, 5 sources, 166 statements, 28 proposals, 55 positions'."""
        return ", ".join(f"{self.counts.get(t, 0):,} {word}" for t, word in COUNTED.items())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextlib.contextmanager
def _sqlite_source(source: Path | None) -> Iterator[tuple[sqlite3.Connection, str]]:
    """A read-only connection to the dataset to publish, after the checks of open_database."""
    with contextlib.ExitStack() as stack:
        if source is None:
            path, label = stack.enter_context(bundled_database_path()), "the bundled dataset"
        else:
            path, label = source, str(source)
        engine, _info = open_database(path)
        engine.dispose()
        reader = stack.enter_context(
            contextlib.closing(sqlite3.connect(sqlite_uri(path), uri=True))
        )
        yield reader, label


def publish(
    target: str, source: Path | None = None, *, progress: Callable[[str], None] | None = None
) -> Published:
    """Copy the dataset *source* (the bundled one when None) into the PostgreSQL at *target*.

    Raises DatabaseError when the source or the address is unusable, PublishError when the
    server refuses; in both cases the server's database is left as it was.
    """
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    with _sqlite_source(source) as (reader, source_label):
        engine, shown = server_engine(target, read_only=False)
        try:
            try:
                with engine.begin() as connection:
                    counts, grantees = _publish(connection, reader, shown, say, started)
            except (SQLAlchemyError, _driver_error()) as error:
                interrupted = _interruption(error)
                if interrupted is not None:
                    # Ctrl+C: the driver closed the connection, and rolling back on it failed;
                    # the server rolls back by itself. Say it was interrupted, not unreachable.
                    raise interrupted from None
                raise PublishError(_failure(error, shown)) from error
            try:
                _vacuum(engine)
                say(f"vacuumed the tables ({_since(started)})")
            except SQLAlchemyError as error:  # published all the same; autovacuum will get there
                say(f"could not vacuum the tables ({postgres.first_line(error)})")
        finally:
            engine.dispose()
    return Published(shown, source_label, counts, time.perf_counter() - started, grantees)


def _interruption(error: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl+C (or SIGTERM) that *error* was raised while handling, if any."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return current
        seen.add(id(current))
        current = current.__context__
    return None


def _driver_error() -> type[Exception]:
    import psycopg

    return psycopg.Error


def _failure(error: BaseException, shown: str) -> str:
    what = postgres.kind(error)
    if what == "not allowed":
        return (
            f"The database user may not create carebrowser's tables in {shown} "
            f"({postgres.first_line(error)}). Publish as the database's owner, or ask the "
            "administrator to grant CREATE on its schema. Nothing was changed."
        )
    if what is not None:
        return postgres.problem(error, shown) + " Nothing was changed."
    return (
        f"Publishing into {shown} failed ({postgres.first_line(error)}). Nothing was changed. "
        "Check that the dataset is a sound carebrowser database ('carebrowser db check FILE')."
    )


def _publish(
    connection: Connection,
    reader: sqlite3.Connection,
    shown: str,
    say: Callable[[str], None],
    started: float,
) -> tuple[dict[str, int], tuple[str, ...]]:
    encoding = connection.scalar(
        text(
            "SELECT pg_encoding_to_char(encoding) FROM pg_database "
            "WHERE datname = current_database()"
        )
    )
    if encoding != "UTF8":
        raise PublishError(
            f"{shown} stores text as {encoding}, which cannot hold the dataset. Create the "
            "database with ENCODING 'UTF8' (see the README) and publish again. Nothing was changed."
        )
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
    connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    present = set(inspect(connection).get_table_names())
    existing = [name for name in postgres.TABLE_NAMES if name in present]
    if "meta" in existing:
        _refuse_newer(connection, shown)
    grants = _grants(connection, existing)
    if existing:
        connection.execute(text("DROP TABLE " + ", ".join(_quote(n) for n in existing)))
    metadata = postgres.server_metadata()
    tables = metadata.sorted_tables
    for table in tables:
        connection.execute(CreateTable(table, include_foreign_key_constraints=[]))
    counts: dict[str, int] = {}
    with connection.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
        for table in Base.metadata.sorted_tables:
            counts[table.name] = _copy_rows(reader, cursor, table)
            say(f"copied {counts[table.name]:,} rows of {table.name} ({_since(started)})")
        counts["statement_fts"] = _copy_documents(
            reader, cursor, postgres.statement_fts, "SELECT id, text FROM statement"
        )
        counts["source_fts"] = _copy_documents(
            reader, cursor, postgres.source_fts, "SELECT id, headline, text FROM source"
        )
        say(f"wrote the full-text documents ({_since(started)})")
    for table in tables:
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            connection.execute(CreateIndex(index))
    say(f"built the indexes ({_since(started)})")
    for table in tables:
        for key in sorted(table.foreign_key_constraints, key=lambda k: list(k.column_keys)):
            connection.execute(AddConstraint(key))
    say(f"checked the foreign keys ({_since(started)})")
    for table in tables:
        connection.execute(text("ANALYZE " + _quote(table.name)))
    names = ", ".join(_quote(t.name) for t in tables)
    for privilege, grantee in grants:
        connection.execute(text(f"GRANT {privilege} ON TABLE {names} TO {grantee}"))
    return counts, tuple(sorted({grantee for _, grantee in grants}))


def _vacuum(engine: Engine) -> None:
    """Set the new rows' hint bits and visibility map now, not during the first readers' queries
    (halves a first count over a search; allows index-only scans). VACUUM needs autocommit."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for name in postgres.TABLE_NAMES:
            connection.execute(text("VACUUM (ANALYZE) " + _quote(name)))


def _since(started: float) -> str:
    return f"{time.perf_counter() - started:.1f} s"


def _refuse_newer(connection: Connection, shown: str) -> None:
    value = connection.scalar(select(Meta.value).where(Meta.key == "schema_version"))
    if value is not None and value.isdigit() and int(value) > SCHEMA_VERSION:
        raise PublishError(
            f"{shown} holds a dataset published by a newer carebrowser (schema version {value}; "
            f"this one writes version {SCHEMA_VERSION}). Publish with that newer version, or "
            "drop its tables first. Nothing was changed."
        )


def _grants(connection: Connection, existing: list[str]) -> list[tuple[str, str]]:
    """The privileges other roles hold on carebrowser's tables, to grant again after the copy."""
    if not existing:
        return []
    query = text(
        "SELECT DISTINCT a.privilege_type, "
        "CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(r.rolname) END "
        "FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a "
        "LEFT JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE c.oid IN (SELECT to_regclass(quote_ident(n)) FROM unnest(CAST(:names AS text[])) n) "
        "AND a.grantee <> c.relowner ORDER BY 2, 1"
    )
    return [(str(p), str(g)) for p, g in connection.execute(query, {"names": existing})]


def _copy_rows(reader: sqlite3.Connection, cursor: Any, table: Table) -> int:
    from psycopg import sql

    names = [column.name for column in table.columns]
    rows = reader.execute(
        "SELECT " + ", ".join(_quote(n) for n in names) + " FROM " + _quote(table.name)
    )
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    count = 0
    with cursor.copy(statement) as copy:
        while batch := rows.fetchmany(BATCH):
            for row in batch:
                copy.write_row(row)
            count += len(batch)
    return count


def _copy_documents(reader: sqlite3.Connection, cursor: Any, table: Table, query: str) -> int:
    from psycopg import sql

    rows = reader.execute(query)
    statement = sql.SQL("COPY {} (id, document) FROM STDIN").format(sql.Identifier(table.name))
    count = 0
    with cursor.copy(statement) as copy:
        while batch := rows.fetchmany(BATCH):
            for identifier, *texts in batch:
                copy.write_row((identifier, postgres.document(*texts)))
            count += len(batch)
    return count


# -- checking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    """What a database holds, and what keeps carebrowser from browsing it (problems)."""

    label: str
    schema_version: int | None
    counts: dict[str, int]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether carebrowser can browse the database as it is."""
        return not self.problems


def check_database(target: str | None) -> Checked:
    """Report the schema version and counts of *target* (an address or a file; None: bundled)."""
    if target is not None and is_url(target):
        engine, label = server_engine(target)
    else:
        try:
            engine, info = open_database(target)
        except DatabaseError as error:
            return Checked(target or "the bundled dataset", None, {}, (str(error),))
        label = info.label
    try:
        return _inspect(engine, label)
    except SQLAlchemyError as error:
        return Checked(label, None, {}, (postgres.problem(error, label),))
    finally:
        engine.dispose()


def _inspect(engine: Engine, label: str) -> Checked:
    problems: list[str] = []
    again = (
        "publish it again with 'carebrowser db publish --to ADDRESS'"
        if engine.dialect.name == "postgresql"
        else "rebuild it with 'carebrowser db build'"
    )
    present = set(inspect(engine).get_table_names())
    missing = [n for n in postgres.TABLE_NAMES if n not in present]
    if missing:
        problems.append(f"{label} lacks the tables {', '.join(missing)}: {again}.")
    version: int | None = None
    counts: dict[str, int] = {}
    with engine.connect() as connection:
        if "meta" in present:
            value = connection.scalar(select(Meta.value).where(Meta.key == "schema_version"))
            version = int(value) if value is not None and value.isdigit() else None
        for name in (*COUNTED, postgres.statement_fts.name, postgres.source_fts.name):
            if name in present:
                table = _TABLES[name]
                counts[name] = int(connection.scalar(select(func.count()).select_from(table)) or 0)
        wrong = stored_count_errors(connection) if version == SCHEMA_VERSION and not missing else []
    if "meta" in present and version is None:
        problems.append(f"{label} has no schema version: {again}.")
    elif version is not None and version < SCHEMA_VERSION:
        problems.append(
            f"{label} has schema version {version}, older than this carebrowser's "
            f"{SCHEMA_VERSION}: {again}."
        )
    elif version is not None and version > SCHEMA_VERSION:
        problems.append(
            f"{label} has schema version {version}, newer than this carebrowser's "
            f"{SCHEMA_VERSION}: update carebrowser."
        )
    if "statement" in counts and counts["statement"] == 0:
        problems.append(f"{label} holds no statements: {again}.")
    for name, parent in (("statement_fts", "statement"), ("source_fts", "source")):
        if name in counts and parent in counts and counts[name] != counts[parent]:
            problems.append(
                f"{label}'s search index covers {counts[name]:,} of {counts[parent]:,} "
                f"{COUNTED[parent]}: {again}."
            )
    if wrong:
        problems.append(
            f"{label}'s stored counts differ from its rows ({'; '.join(wrong[:3])}): {again}."
        )
    return Checked(label, version, counts, tuple(problems))
