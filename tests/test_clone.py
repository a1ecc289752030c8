"""A clone of the repository alone carries its evidence: the dataset tests pass in it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.strip()


@pytest.mark.slow
def test_a_clone_alone_passes_the_dataset_tests(tmp_path: Path) -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout of carebrowser")
    # The clone has no sibling folders: nothing outside it can stand in for a file it lacks.
    clone = tmp_path / "carebrowser"
    _git("clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone), cwd=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["carebrowser"]
    environment = {
        **os.environ,
        # The clone's own package, not the one this interpreter may have installed elsewhere.
        "PYTHONPATH": str(clone),
        "QT_QPA_PLATFORM": "offscreen",
    }
    where = subprocess.run(
        [sys.executable, "-c", "import carebrowser; print(carebrowser.__file__)"],
        cwd=clone,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(where.stdout.strip()).is_relative_to(clone)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/test_dataset.py",
            "tests/test_build.py",
        ],
        cwd=clone,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert " passed" in done.stdout and "skipped" not in done.stdout, done.stdout[-2000:]
