"""A small deterministic sample of the fuzz harness: damaged databases never crash or hang.

``make reliability`` runs the full harness (520 mutants and the named scenarios); this runs 20
mutants with every command-line mode and the window, so CI stays quick.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from reliability_figures import count

ROOT = Path(__file__).resolve().parents[1]


def test_mutants_are_deterministic() -> None:
    from reliability.mutants import mutants

    original = random.Random(1).randbytes(16 * 1024)  # 16 pages of 1024 bytes, by the header
    original = original[:16] + (1024).to_bytes(2, "big") + original[18:]
    first = [(m.name, m.data) for m in mutants(original, {}, 60, 7)]
    again = [(m.name, m.data) for m in mutants(original, {}, 60, 7)]
    assert first == again and len(first) == 60
    assert all(data != original for _name, data in first)
    assert len({m.kind for m in mutants(original, {}, 60, 7)}) == 10


@pytest.mark.slow
def test_a_sample_of_damaged_databases_never_crashes_or_hangs(tmp_path: Path) -> None:
    figures_file = tmp_path / "fuzz.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "reliability.fuzz_db",
            "--cases",
            "20",
            "--seed",
            "6",
            "--no-scenarios",
            "--json",
            str(figures_file),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    damaged = figures["mutants"]
    assert damaged["cases"] == 20
    assert damaged["failures"] == [], json.dumps(damaged["failures"], indent=1)
    assert damaged["crashes"] == 0 and damaged["hangs"] == 0
    assert damaged["files_modified"] == 0 and damaged["stray_files"] == 0
    assert figures["original_unchanged"]
    assert done.returncode == 0, done.stderr
    count("fuzz cases in the test suite", damaged["cases"])
