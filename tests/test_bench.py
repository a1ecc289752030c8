"""The benchmark harness runs: a smoke run at the small size, one repetition (not a benchmark)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench(*arguments: str) -> subprocess.CompletedProcess[str]:
    """`python -m bench ARGUMENTS` at size S, one run; its output, checked to have succeeded."""
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--sizes", "S", "--runs", "1", *arguments],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.mark.slow
def test_the_harness_prints_its_table(tmp_path: Path) -> None:
    result = _bench("--cache", str(tmp_path))
    lines = result.stdout.splitlines()
    assert "| metric | size | ours (median) | baseline | ratio | target | runs | note |" in lines
    rows = [line for line in lines if line.startswith("| ") and "| S |" in line]
    for metric in (
        "full-text search, first page",
        "export quotes, whole archive",
        "briefing (.docx)",
        "DNA file converted (import dna)",
        "cold start to window with data visible",
        "stakeholder filter keystroke to view updated",
        "select a stakeholder to first page painted",
        "open the matrix, painted",
        "peak memory of the window",
        "network: ties counted (query layer)",
        "network: asked for to picture painted (view)",
        "GUI thread's longest pause: typing a search",
        "event-loop latency, 99th percentile: scrolling the matrix",
    ):
        assert any(metric in row for row in rows), metric
    assert not any("failed" in row for row in rows)
    # The baseline is the sqlite3 shell writing the same cells (.ci/run installs it).
    assert "same cells" in next(row for row in rows if "export quotes, whole archive" in row)


@pytest.mark.slow
def test_the_harness_measures_postgresql(tmp_path: Path) -> None:
    import pg_server

    reason = pg_server.why_not()
    if reason:
        pytest.skip(reason)
    only = "pg_stakeholder_first_page,pg_search_first_page,pg_export_quotes"
    result = _bench("--no-window", "--cache", str(tmp_path), "--postgresql", "auto", "--only", only)
    lines = result.stdout.splitlines()
    assert any(line.startswith("Server: PostgreSQL ") for line in lines)
    rows = [line for line in lines if line.startswith("| ") and "| S |" in line]
    assert len(rows) == 4, rows
    for metric in (
        "select a stakeholder -> first page (query layer, PostgreSQL)",
        "full-text search, first page (query layer, PostgreSQL)",
        "export quotes, whole archive, CSV (process, PostgreSQL)",
        "publish the archive into PostgreSQL",
    ):
        row = next((row for row in rows if metric in row), None)
        assert row is not None, metric
        assert "| PostgreSQL 1" in row, row
    assert "the same file" in next(row for row in rows if "export quotes" in row)
    assert not any("failed" in row for row in rows)


@pytest.mark.slow
def test_the_harness_measures_the_window_on_postgresql(tmp_path: Path) -> None:
    import pg_server

    reason = pg_server.why_not()
    if reason:
        pytest.skip(reason)
    only = "pg_responsiveness_metrics"
    result = _bench("--cache", str(tmp_path), "--postgresql", "auto", "--only", only)
    rows = [
        line for line in result.stdout.splitlines() if line.startswith("| ") and "| S |" in line
    ]
    for metric in (
        "GUI thread's longest pause: typing a search (window, PostgreSQL)",
        "event-loop latency, 99th percentile: scrolling the matrix (window, PostgreSQL)",
    ):
        row = next((row for row in rows if metric in row), None)
        assert row is not None, metric
        assert "baseline: SQLite, same run" in row, row
    assert not any("failed" in row for row in rows)
