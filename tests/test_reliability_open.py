"""Unusable and damaged databases: one clear line, status 1, the details logged, the file untouched.

Covers what a laptop meets: a missing path, a folder, an empty file, another kind of file, a
half-copied or bit-flipped database, another program's database, a newer schema, a locked file,
and a database that opens but fails in the middle of a command.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from reliability_figures import count
from sqlalchemy.exc import OperationalError

from carebrowser.cli import main
from carebrowser.data.database import (
    DatabaseError,
    DatabaseInfo,
    bundled_database_path,
    is_query_failure,
    open_database,
    query_error_message,
)
from carebrowser.logs import log_path
from reliability.locks import locked_by_another_program

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def good() -> Iterator[bytes]:
    """The bundled database's bytes."""
    with bundled_database_path() as path:
        yield path.read_bytes()


def _page(data: bytes) -> int:
    size = int.from_bytes(data[16:18], "big")
    return 65536 if size == 1 else size


def _root_page(path: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        (page,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
    return int(page)


def _write_then(change: Callable[[sqlite3.Connection], object]) -> Callable[[Path, bytes], None]:
    def make(path: Path, good: bytes) -> None:
        path.write_bytes(good)
        with contextlib.closing(sqlite3.connect(path)) as connection:
            change(connection)
            connection.commit()

    return make


def _new_then(change: Callable[[sqlite3.Connection], object]) -> Callable[[Path, bytes], None]:
    def make(path: Path, _good: bytes) -> None:
        with contextlib.closing(sqlite3.connect(path)) as connection:
            change(connection)
            connection.commit()

    return make


def _flip_page(table: str, offset: int) -> Callable[[Path, bytes], None]:
    def make(path: Path, good: bytes) -> None:
        path.write_bytes(good)
        page = _root_page(path, table)
        damaged = bytearray(good)
        damaged[(page - 1) * _page(good) + offset] ^= 0x01
        path.write_bytes(bytes(damaged))

    return make


def _zero_page(table: str) -> Callable[[Path, bytes], None]:
    def make(path: Path, good: bytes) -> None:
        path.write_bytes(good)
        page, size = _root_page(path, table), _page(good)
        path.write_bytes(good[: (page - 1) * size] + bytes(size) + good[page * size :])

    return make


def _swap_pages(path: Path, good: bytes) -> None:
    path.write_bytes(good)
    first, second, size = (
        _root_page(path, "statement"),
        _root_page(path, "stakeholder"),
        _page(good),
    )
    pages = [good[i : i + size] for i in range(0, len(good), size)]
    pages[first - 1], pages[second - 1] = pages[second - 1], pages[first - 1]
    path.write_bytes(b"".join(pages))


#: name -> (how to make the file from the good bytes, words the message must contain)
UNUSABLE: dict[str, tuple[Callable[[Path, bytes], None] | None, str]] = {
    "missing": (None, "does not exist"),
    "folder": (lambda p, _g: p.mkdir(), "is a folder"),
    "zero bytes": (lambda p, _g: p.write_bytes(b""), "is empty"),
    "csv": (lambda p, _g: p.write_text("stakeholder,stance\n"), "not an SQLite database"),
    "png": (lambda p, _g: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64)), "not an SQLite"),
    "50 bytes": (lambda p, g: p.write_bytes(g[:50]), "is damaged"),
    "header only": (lambda p, g: p.write_bytes(g[:100]), "is incomplete"),
    "half": (lambda p, g: p.write_bytes(g[: len(g) // 2]), "is incomplete"),
    "one page short": (lambda p, g: p.write_bytes(g[: -_page(g)]), "is incomplete"),
    "cut mid-page": (lambda p, g: p.write_bytes(g[: len(g) - 1000]), "is incomplete"),
    "page size flipped": (
        lambda p, g: p.write_bytes(g[:16] + bytes([g[16] ^ 0x10]) + g[17:]),
        "is damaged",
    ),
    "b-tree page type flipped": (_flip_page("statement", 0), "is damaged"),
    "b-tree page zeroed": (_zero_page("statement"), "is damaged"),
    "pages swapped": (_swap_pages, "damaged"),
    "another program's": (
        _new_then(lambda c: c.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY)")),
        "not a carebrowser database",
    ),
    "empty SQLite": (_new_then(lambda c: c.execute("VACUUM")), "not a carebrowser"),
    "newer schema": (
        _write_then(
            lambda c: c.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        ),
        "newer carebrowser",
    ),
    "no schema version": (
        _write_then(lambda c: c.execute("DELETE FROM meta WHERE key = 'schema_version'")),
        "not a carebrowser",
    ),
}  # fmt: skip


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _make(tmp_path: Path, name: str, good: bytes) -> Path:
    make, _words = UNUSABLE[name]
    path = tmp_path / "odd #1 caf\u00e9" / "data.sqlite"
    path.parent.mkdir()
    if make is not None:
        make(path, good)
    return path


@pytest.mark.parametrize("name", list(UNUSABLE))
def test_an_unusable_file_is_one_clear_line(
    tmp_path: Path, good: bytes, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    count("unusable files tried")
    path = _make(tmp_path, name, good)
    before, listing = _digest(path), sorted(path.parent.iterdir())
    with pytest.raises(DatabaseError) as caught:
        open_database(str(path))
    message = str(caught.value)
    assert UNUSABLE[name][1] in message
    assert str(path) in message and "\n" not in message
    assert "bundled dataset" in message  # what to do next
    for command in (["list", "stakeholders"], ["export", "quotes"]):
        assert main(["--db", str(path), *command]) == 1
        out, err = capsys.readouterr()
        assert out == "" and err.count("\n") == 1 and str(path) in err
        assert "Traceback" not in err
    assert _digest(path) == before
    assert sorted(path.parent.iterdir()) == listing


@pytest.mark.slow
def test_a_locked_database_says_so(
    tmp_path: Path, good: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    count("unusable files tried")
    path = tmp_path / "locked.sqlite"
    path.write_bytes(good)
    with locked_by_another_program(path):
        with pytest.raises(DatabaseError, match="locked by another program") as caught:
            open_database(str(path))
        assert str(path) in str(caught.value)
        assert main(["--db", str(path), "list", "stakeholders"]) == 1
        _out, err = capsys.readouterr()
        assert err.count("\n") == 1 and "locked by another program" in err
    engine, _info = open_database(str(path))  # once the other program lets go, it opens
    engine.dispose()


#: Databases that open (their structure is sound) but hold values that cannot be read.
MID_COMMAND: dict[str, tuple[Callable[[sqlite3.Connection], object], list[str]]] = {
    "a date": (
        lambda c: c.execute("UPDATE source SET date = '2002-13-45'"),
        ["export", "quotes"],
    ),
    "a date SQLite would roll over": (
        lambda c: c.execute("UPDATE source SET date = '2001-02-30'"),
        ["export", "quotes"],
    ),
    "a listed date": (
        lambda c: c.execute("UPDATE source SET date = '2001-02-30'"),
        ["list", "sources"],
    ),
    "the search index": (
        lambda c: c.execute("DELETE FROM statement_fts_data WHERE id > 10"),
        ["export", "quotes", "--search", "care trusts"],
    ),
}


@pytest.mark.parametrize("what", list(MID_COMMAND))
def test_damage_found_mid_command_is_one_line_and_logged(
    tmp_path: Path, good: bytes, what: str, capsys: pytest.CaptureFixture[str]
) -> None:
    count("mid-command failures tried")
    change, argv = MID_COMMAND[what]
    path = tmp_path / "damaged.sqlite"
    _write_then(change)(path, good)
    before = _digest(path)
    engine, _info = open_database(str(path))  # the cheap checks at opening pass
    engine.dispose()
    target = tmp_path / "quotes.csv"
    target.write_bytes(b"yesterday's export")
    runs = [argv, [*argv, "-o", str(target)]] if argv[0] == "export" else [argv]
    for run in runs:
        assert main(["--db", str(path), *run]) == 1
    _out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == len(runs) and all(str(path) in line for line in lines)
    assert "may be damaged" in lines[0] and "Traceback" not in err
    assert target.read_bytes() == b"yesterday's export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["damaged.sqlite", "quotes.csv"]
    assert _digest(path) == before
    logged = log_path().read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged and "query failed" in logged


def test_query_failures_are_told_apart_from_bugs() -> None:
    error = OperationalError("SELECT 1", {}, sqlite3.OperationalError("disk I/O error"))
    assert is_query_failure(error)
    assert not is_query_failure(ZeroDivisionError("a bug elsewhere"))
    try:
        import datetime as dt

        dt.date.fromisoformat("2002-13-45")
    except ValueError as raised:
        assert not is_query_failure(raised)  # not raised inside the reading code
    bundled = query_error_message(error, DatabaseInfo("the bundled dataset", 1, True))
    assert "Reinstall carebrowser" in bundled
    other = query_error_message(error, DatabaseInfo("/data/x.sqlite", 1, False))
    assert "/data/x.sqlite" in other and "disk I/O error" in other


def test_an_unexpected_error_is_one_line_and_logged(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("a bug\nwith two lines")

    monkeypatch.setattr("carebrowser.cli.listing.write_list", broken)
    assert main(["list", "stakeholders"]) == 70
    _out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "RuntimeError: a bug" in err and str(log_path()) in err
    assert "RuntimeError: a bug" in log_path().read_text(encoding="utf-8")


def test_a_read_only_bundled_database_is_opened_without_writing(tmp_path: Path) -> None:
    copy = tmp_path / "ro" / "carebrowser.sqlite"
    copy.parent.mkdir()
    with bundled_database_path() as path:
        shutil.copy(path, copy)
    copy.chmod(0o444)
    copy.parent.chmod(0o555)
    try:
        engine, _info = open_database(str(copy))
        engine.dispose()
        assert main(["--db", str(copy), "list", "sources"]) == 0
    finally:
        copy.parent.chmod(0o755)
    assert [p.name for p in copy.parent.iterdir()] == ["carebrowser.sqlite"]


def test_an_unknown_statement_kind_is_shown_as_stored(
    tmp_path: Path, good: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "odd kind.sqlite"
    _write_then(
        lambda c: (
            c.execute("PRAGMA ignore_check_constraints = ON"),
            c.execute("UPDATE statement SET kind = 'zzz' WHERE id = 1"),
        )
    )(path, good)
    assert main(["--db", str(path), "export", "quotes"]) == 0
    out, err = capsys.readouterr()
    assert ",zzz," in out and err == ""
