"""Opening databases: read-only, any path, clear messages for files that are not usable."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from carebrowser.data.database import DatabaseError, bundled_database_path, open_database
from carebrowser.queries import Archive

ROOT = Path(__file__).resolve().parents[1]
ODD_NAMES = ["with space", "hash#mark", "question?mark", "percent%20", "caf\u00e9 \u00fcber \u4e2d"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", ODD_NAMES)
def test_paths_with_odd_characters_open_the_file_itself(tmp_path: Path, name: str) -> None:
    folder = tmp_path / name
    folder.mkdir()
    copy = folder / f"{name}.sqlite"
    shutil.copy(ROOT / "db" / "carebrowser.sqlite", copy)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    engine, info = open_database(str(copy))
    assert Archive(engine).quote_count() > 0
    engine.dispose()
    assert info.label == str(copy)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_the_bundled_database_is_opened_read_only() -> None:
    with bundled_database_path() as path:
        digest = _sha(path)
        engine, info = open_database()
        assert info.bundled
        with engine.connect() as connection, pytest.raises(OperationalError):
            connection.execute(text("DELETE FROM statement"))
        engine.dispose()
        assert _sha(path) == digest


def test_a_missing_file_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "nothing#here.sqlite"
    with pytest.raises(DatabaseError, match="does not exist"):
        open_database(str(missing))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.mkdir(), "is a folder"),
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_text("name,stance\n"), "not an SQLite database"),
        (
            lambda p: sqlite3.connect(p).execute("CREATE TABLE t(x)").connection.commit(),
            "not a carebrowser",
        ),
    ],
    ids=["folder", "empty", "csv", "other-sqlite"],
)
def test_unusable_files_get_one_clear_message(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bad.sqlite"
    make(path)
    with pytest.raises(DatabaseError, match=message) as caught:
        open_database(str(path))
    assert str(path) in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    copy = tmp_path / "newer.sqlite"
    shutil.copy(ROOT / "db" / "carebrowser.sqlite", copy)
    with sqlite3.connect(copy) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    connection.close()
    with pytest.raises(DatabaseError, match="newer carebrowser"):
        open_database(str(copy))
