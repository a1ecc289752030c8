"""`carebrowser desktop install|uninstall`, and a file given alone on the command line (as a
desktop's double-click gives it), opened read-only as with --db FILE."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from carebrowser import APP_ID
from carebrowser.cli import COMMANDS, argument_parser, main
from carebrowser.cli.desktop import file_as_database
from carebrowser.data.synth import Sizes, synthesize

ROOT = Path(__file__).resolve().parents[1]


def test_desktop_install_and_uninstall_in_the_xdg_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["desktop", "install"]) == 0
    said = capsys.readouterr().out
    entry = tmp_path / "applications" / f"{APP_ID}.desktop"
    assert entry.is_file() and f"in {tmp_path} (11 files)" in said
    program = next(
        line.removeprefix("TryExec=") for line in entry.read_text().splitlines()
        if line.startswith("TryExec=")
    )  # fmt: skip
    assert Path(program).is_absolute() and Path(program).name == "carebrowser-gui"
    assert os.access(program, os.X_OK)
    assert main(["desktop", "uninstall"]) == 0
    assert f"removed carebrowser's 11 files from {tmp_path}" in capsys.readouterr().out
    assert not entry.exists()
    assert main(["desktop", "uninstall"]) == 0
    assert "nothing to remove" in capsys.readouterr().out


def test_an_unwritable_data_folder_is_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "data"
    blocked.write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocked))
    assert main(["desktop", "install"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("carebrowser: could not change ") and str(blocked) in error
    assert error.count("\n") == 1
    assert blocked.read_text() == "a file where the folder should be"


def _words(argv: list[str]) -> list[str]:
    return file_as_database(argv, argument_parser(), (c.NAME for c in COMMANDS))


def test_a_lone_file_is_the_database_and_commands_are_left_alone() -> None:
    assert _words(["a.sqlite"]) == ["--db", "a.sqlite"]
    assert _words(["--screenshot", "s.png", "a.dna"]) == ["--screenshot", "s.png", "--db", "a.dna"]
    assert _words(["--view", "matrix", "--select", "LGA", "list.sqlite"])[-2:] == [
        "--db",
        "list.sqlite",
    ]
    for unchanged in (
        [],
        ["--view", "matrix"],
        ["list", "stakeholders"],
        ["--db", "a.sqlite", "export", "quotes", "-o", "x.csv"],
        ["export", "quotes", "--search", "care"],
        ["--", "x"],
    ):
        assert _words(unchanged) == unchanged


def test_a_lone_file_opens_the_window_on_it(tmp_path: Path) -> None:
    opened: list[argparse.Namespace] = []
    db = tmp_path / "other.sqlite"

    def window(args: argparse.Namespace) -> int:
        opened.append(args)
        return 0

    assert main([str(db)], window=window) == 0
    assert opened[0].db == str(db) and opened[0].command is None


@pytest.mark.slow
def test_carebrowser_file_shows_that_file_read_only(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    synthesize(db, Sizes.for_quotes(40, None, None, None), 0)
    before = db.read_bytes()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, "-m", "carebrowser"]
    # Greenborough Borough Council is in the synthetic archive, not in the bundled dataset.
    shot = tmp_path / "shot.png"
    shown = subprocess.run(
        [*command, "--screenshot", str(shot), "--select", "Greenborough Borough Council", str(db)],
        env=env, capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert shot.is_file() and db.read_bytes() == before
    dna = tmp_path / "debate.dna"
    dna.write_bytes(before)  # a carebrowser database under a DNA file's name
    refused = subprocess.run(
        [*command, "--screenshot", str(shot), str(dna)],
        env=env, capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    assert refused.returncode == 1  # could not be done (README: exit statuses)
    assert refused.stderr == (
        f"carebrowser: {dna} is a carebrowser database, not a DNA file. Give it a name ending "
        "in .sqlite and open it as it is.\n"
    )
