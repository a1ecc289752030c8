"""Building the database: deterministic, and strict about the dataset's rules."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from carebrowser.data.build import DatasetError, build_database
from carebrowser.data.database import sqlite_uri

ROOT = Path(__file__).resolve().parents[1]


def _content(path: Path) -> list[str]:
    """Every schema entry and every row of every table, FTS shadow tables included.

    Sorted, because SQLAlchemy creates a table's indexes in no fixed order.
    """
    with sqlite3.connect(sqlite_uri(path), uri=True) as connection:
        return sorted(connection.iterdump())


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    """A copy of the dataset's files to change."""
    copy = tmp_path / "db"
    shutil.copytree(ROOT / "db", copy, ignore=shutil.ignore_patterns("*.sqlite"))
    return copy


def test_build_reproduces_the_committed_database(tmp_path: Path) -> None:
    built = build_database(ROOT / "db", tmp_path / "rebuilt.sqlite")
    assert _content(built) == _content(ROOT / "db" / "carebrowser.sqlite")


def test_two_builds_are_identical(tmp_path: Path) -> None:
    first = build_database(ROOT / "db", tmp_path / "a.sqlite")
    second = build_database(ROOT / "db", tmp_path / "b.sqlite")
    assert _content(first) == _content(second)


def test_a_quote_not_in_the_text_is_refused(dataset: Path) -> None:
    path = next((dataset / "statements").glob("*.toml"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('text = "', 'text = "Invented words ', 1), encoding="utf-8")
    with pytest.raises(DatasetError, match=r"text not found"):
        build_database(dataset, dataset / "out.sqlite")
    assert not (dataset / "out.sqlite").exists()


def test_an_unknown_stance_is_refused(dataset: Path) -> None:
    path = dataset / "positions.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('stance = "', 'stance = "adores-', 1), encoding="utf-8")
    with pytest.raises(DatasetError, match=r"stance .* is not one of"):
        build_database(dataset, dataset / "out.sqlite")


def test_constraints_guard_the_database_too(tmp_path: Path) -> None:
    built = build_database(ROOT / "db", tmp_path / "c.sqlite")
    with sqlite3.connect(built) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("UPDATE position SET stance = 'adores' WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute('UPDATE statement SET "end" = start WHERE id = 1')
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("UPDATE statement SET speaker_id = 999999 WHERE id = 1")
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("UPDATE source SET date_inferred = 1, date_evidence = NULL")
