"""The window metrics: every run is a new process (offscreen unless QT_QPA_PLATFORM says else)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.metrics import Figure

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Session:
    """One probe process: seconds to 'ready', its interaction timings, its peak memory (MiB)."""

    start_ms: float
    timings: dict[str, float]
    peak_mib: float


def compile_bytecode() -> None:
    """Compile carebrowser's modules as installing its wheel does (pip compiles on install).

    A checkout installed for development has no bytecode until Python writes it, and not at
    all where PYTHONDONTWRITEBYTECODE is set: every start would then compile every module
    (about 0.15 s here), which no installed copy does. The libraries were compiled by pip.
    """
    import compileall

    compileall.compile_dir(ROOT / "carebrowser", quiet=1)


def _session(*arguments: str) -> Session:
    environment = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    result = subprocess.run(
        [sys.executable, "-m", "bench.window_probe", "measure", *arguments],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError) as error:
        raise RuntimeError(f"the probe failed: {result.stderr[-2000:]}") from error
    if result.returncode != 0 or report["first"] != "ready" or not report["timings"]:
        raise RuntimeError(f"the probe failed: {result.stderr[-2000:]}")
    return Session(report["ready_ms"], json.loads(report["timings"]), report["peak_kib"] / 1024)


def _alternated(runs: int, *arguments: str) -> tuple[list[Session], list[Session]]:
    """*runs* bare windows and *runs* of carebrowser's, one after the other in turn: on a shared
    machine whose load changes from minute to minute, both see the same minutes."""
    bare: list[Session] = []
    ours: list[Session] = []
    for _ in range(runs):
        bare.append(_session("bare"))
        ours.append(_session(*arguments))
    return bare, ours


def _median(values: list[float]) -> float:
    return statistics.median(values)


def window_metrics(path: Path, size: str, runs: int) -> list[Figure]:
    """Cold start, keystroke, select, matrix and peak memory, against a bare window."""
    bare, ours = _alternated(runs, "window", str(path), "3")
    keys = [s.timings["keystroke"] for s in ours]
    counted = _median([s.timings["keystroke_counted"] for s in ours])
    reopened = [s.timings["matrix"] for s in ours if "matrix" in s.timings]
    again = _median(reopened) if reopened else None
    bare_peak = _median([s.peak_mib for s in bare])
    peak = _median([s.peak_mib for s in ours])
    return [
        Figure(
            "cold start to window with data visible (process)",
            size,
            _median([s.start_ms for s in ours]),
            _median([s.start_ms for s in bare]),
            "ratio <= 1.35 at S; L <= 1.1 x S",
            runs=runs,
        ),
        Figure(
            "stakeholder filter keystroke to view updated",
            size,
            _median(keys),
            None,
            "<= 16 ms at L",
            note=f"{counted:.1f} ms to the category counts painted, where they came after",
            runs=runs,
        ),
        Figure(
            "select a stakeholder to first page painted",
            size,
            _median([s.timings["select"] for s in ours]),
            None,
            "<= 30 ms at L",
            note="a different one of the busiest stakeholders each round",
            runs=runs,
        ),
        Figure(
            "open the matrix, painted (the first time: the view made, its first rows read)",
            size,
            _median([s.timings["matrix_first"] for s in ours]),
            None,
            "<= 100 ms at L",
            note=f"{again:.1f} ms when opened again" if again is not None else "",
            runs=runs,
        ),
        Figure(
            "peak memory of the window",
            size,
            peak,
            bare_peak,
            "<= bare + 150 MiB",
            unit="MiB",
            note=f"bare + {peak - bare_peak:.0f} MiB",
            runs=runs,
        ),
    ]


def as_list(result: Figure | list[Figure]) -> list[Figure]:
    """A metric returns one figure or several."""
    return result if isinstance(result, list) else [result]


WINDOW_METRICS: list[Callable[[Path, str, int], Figure | list[Figure]]] = [window_metrics]
