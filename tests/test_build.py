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


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_missing_capture_is_refused(dataset: Path) -> None:
    (dataset / "captures" / "001_b48ad2333c4c4bbc.txt").unlink()
    with pytest.raises(DatasetError, match=r"capture captures/001_b48ad2333c4c4bbc.txt is missing"):
        build_database(dataset, dataset / "out.sqlite")


def test_a_role_the_source_does_not_print_is_refused(dataset: Path) -> None:
    path = dataset / "statements" / "lgc-milburn-shake-up.toml"
    _replace(
        path, 'john-ransford = "director of', 'john-ransford = "head of social affairs, director of'
    )
    with pytest.raises(DatasetError, match=r"is not printed in sources/lgc-milburn-shake-up.txt"):
        build_database(dataset, dataset / "out.sqlite")


def test_a_statement_role_is_its_own_source_s() -> None:
    with sqlite3.connect(sqlite_uri(ROOT / "db" / "carebrowser.sqlite"), uri=True) as connection:
        roles = dict(
            connection.execute(
                "SELECT so.key, s.role FROM statement s JOIN source so ON so.id = s.source_id "
                "JOIN stakeholder k ON k.id = s.speaker_id WHERE k.key = 'alan-milburn'"
            ).fetchall()
        )
    assert roles["independent-specialist-trusts"] == "Health Secretary"
    assert roles["comment-doom-laden-reports"] == "health secretary"


def test_a_proposal_spoken_to_without_a_position_is_refused(dataset: Path) -> None:
    path = dataset / "positions.toml"
    text = path.read_text(encoding="utf-8")
    entry = text.index('[[no_position]]\nstakeholder = "david-browning"')
    end = text.index("[[no_position]]", entry + 1)
    path.write_text(text[:entry] + text[end:], encoding="utf-8")
    with pytest.raises(
        DatasetError, match=r"'david-browning' speaks to 'care-trusts'.*no position"
    ):
        build_database(dataset, dataset / "out.sqlite")


def test_evidence_that_does_not_speak_to_the_proposal_is_refused(dataset: Path) -> None:
    # cc-28 speaks of the government in general, not of care trusts
    _replace(dataset / "positions.toml", 'evidence = ["cc-26", "cc-27"]', 'evidence = ["cc-28"]')
    with pytest.raises(DatasetError, match=r"evidence 'cc-28' does not speak to 'care-trusts'"):
        build_database(dataset, dataset / "out.sqlite")


def test_a_mention_that_is_a_stakeholder_or_not_printed_is_refused(dataset: Path) -> None:
    path = dataset / "mentions.toml"
    _replace(path, 'text = "deputy prime minister John Prescott"', 'text = "John Prescott said"')
    with pytest.raises(DatasetError, match=r"mentions.toml, entry 'john-prescott': text not found"):
        build_database(dataset, dataset / "out.sqlite")
    _replace(path, 'text = "John Prescott said"', 'text = "deputy prime minister John Prescott"')
    _replace(path, 'id = "labour"', 'id = "liberal-democrats"')
    with pytest.raises(DatasetError, match=r"cannot be a mention too"):
        build_database(dataset, dataset / "out.sqlite")


def test_a_second_organisation_needs_a_first(dataset: Path) -> None:
    _replace(
        dataset / "stakeholders.toml",
        'organisation = "sandwell-health-authority"\n',
        "",
    )
    with pytest.raises(DatasetError, match=r"'dave-martin': a second_organisation needs"):
        build_database(dataset, dataset / "out.sqlite")


def test_a_misspelt_key_is_refused(dataset: Path) -> None:
    path = dataset / "statements" / "lgc-milburn-shake-up.toml"
    _replace(path, "proposals = [", "proposal = [")
    with pytest.raises(DatasetError, match=r"entry 'lgc-01': unknown keys \['proposal'\]"):
        build_database(dataset, dataset / "out.sqlite")
