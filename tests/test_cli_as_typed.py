"""The command line as people type it: --db on either side of the command, values that begin
with '-', one convention of exit statuses (documented), names with stray white space."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from carebrowser import exit_status
from carebrowser.cli import argument_parser, main
from carebrowser.data.database import bundled_database_path

ROOT = Path(__file__).resolve().parents[1]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of the bundled database, to change."""
    target = tmp_path / "copy.sqlite"
    with bundled_database_path() as path:
        shutil.copy(path, target)
    return target


@pytest.mark.parametrize("command", [["export", "quotes"], ["list", "stakeholders"]])
def test_db_before_or_after_the_command(
    capsys: pytest.CaptureFixture[str], copy: Path, tmp_path: Path, command: list[str]
) -> None:
    _status, expected, _ = _run(capsys, *command)
    assert _run(capsys, "--db", str(copy), *command) == (0, expected, "")
    assert _run(capsys, *command, "--db", str(copy)) == (0, expected, "")
    assert _run(capsys, command[0], "--db", str(copy), command[1]) == (0, expected, "")
    missing = tmp_path / "missing.sqlite"
    for argv in (["--db", str(missing), *command], [*command, "--db", str(missing)]):
        status, out, err = _run(capsys, *argv)
        assert status == 1 and out == "" and str(missing) in err and err.count("\n") == 1
    # Given twice, the one after the command is the one read.
    status, out, err = _run(capsys, "--db", str(missing), *command, "--db", str(copy))
    assert (status, out, err) == (0, expected, "")


def test_a_search_that_begins_with_a_dash(capsys: pytest.CaptureFixture[str]) -> None:
    # '-care' is the search for statements without the word care, as in the window.
    status, expected, _ = _run(capsys, "export", "quotes", "--search", "NOT care")
    assert status == 0 and expected.count("\n") > 10
    quotes = [row["quote"] for row in csv.DictReader(io.StringIO(expected))]
    assert not any(re.search(r"\bcare\b", quote, re.IGNORECASE) for quote in quotes)
    for argv in (["--search", "-care"], ["--search=-care"]):
        assert _run(capsys, "export", "quotes", *argv) == (0, expected, "")
    status, out, err = _run(capsys, "export", "quotes", "--search", "--", "--format", "csv")
    assert status == 0 and out.startswith("quote_id,")
    status, _out, err = _run(capsys, "export", "quotes", "--stakeholder", "-LGA")
    assert status == 2 and "unknown stakeholder '-LGA'" in err


def test_an_output_file_that_begins_with_a_dash(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for argv in (["-o", "-quotes.csv"], ["--output", "-quotes2.csv"]):
        assert _run(capsys, "export", "quotes", *argv)[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["-quotes.csv", "-quotes2.csv"]


# -- exit statuses ----------------------------------------------------------------------------


def test_one_convention_of_exit_statuses(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """2: the command line is wrong; 1: it is right, but it could not be done."""
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database")
    unwritable = tmp_path / "no such folder" / "quotes.csv"
    usage = [
        ["export", "quotes", "--stakeholder", "Nobody At All"],
        ["export", "quotes", "--format", "xlsx"],
        ["export", "quotes", "--proposal", "no such proposal"],
        ["synth", "--quotes", "-5", "-o", str(tmp_path / "s.sqlite")],
    ]
    failed = [
        ["export", "quotes", "-o", str(unwritable)],
        ["export", "quotes", "-o", str(tmp_path / "q.xlsx"), "--db", str(bad)],
        ["list", "sources", "--db", str(bad)],
        ["db", "check", str(bad)],
    ]
    for argv in usage:
        status, out, err = _run(capsys, *argv)
        assert status == exit_status.USAGE == 2, (argv, err)
        assert out == "" and err.count("\n") == 1
    for argv in failed:
        status, out, err = _run(capsys, *argv)
        assert status == exit_status.FAILED == 1, (argv, err)
        assert err.startswith("carebrowser: ") and "Traceback" not in err
    for argv in (["export", "everything"], ["export", "quotes", "--no-such-option"], ["list"]):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
        assert "usage:" in capsys.readouterr().err


def test_help_and_readme_document_the_exit_statuses() -> None:
    shown = argument_parser().format_help()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in (0, 1, 2, 70, 130):
        assert re.search(rf"^  {code} +\S", shown, re.M), f"--help does not explain {code}"
        assert re.search(rf"^\| {code} \|", readme, re.M), f"README does not explain {code}"
    assert "--search=" in shown and "--search=" in readme


# -- names ------------------------------------------------------------------------------------


def test_a_stakeholder_name_with_white_space_around_it_matches(
    capsys: pytest.CaptureFixture[str], copy: Path
) -> None:
    with sqlite3.connect(copy) as connection:
        (key,) = connection.execute(
            "SELECT key FROM stakeholder WHERE name = 'Local Government Association'"
        ).fetchone()
        connection.execute(
            "UPDATE stakeholder SET name = ' \tLocal  Government Association \u00a0' WHERE key = ?",
            (key,),
        )
    connection.close()
    _status, expected, _ = _run(capsys, "export", "quotes", "--stakeholder", "LGA")
    rows = expected.count("\r\n")
    assert rows > 3
    for typed in (
        " \tLocal  Government Association \u00a0",  # exactly as stored
        "Local Government Association",
        "  local government association  ",
    ):
        status, out, err = _run(
            capsys, "--db", str(copy), "export", "quotes", "--stakeholder", typed
        )
        assert status == 0, err
        assert out.count("\r\n") == rows
