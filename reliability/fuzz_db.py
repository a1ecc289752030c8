"""Open damaged databases with the command line and the window; count crashes and hangs.

    python -m reliability.fuzz_db --cases 520 --json results.json

Every mutant (see mutants.py) and every named scenario (missing file, folder, empty file, another
program's database, a newer schema, a locked file...) is opened by ``carebrowser --db FILE`` as a
separate process, with each command and with the window offscreen (``--screenshot``).

An outcome is one of:
- opened: exit status 0 (the damage was in bytes these commands do not read);
- refused: exit status 1 and exactly one line on stderr (what happened, which file, what next);
- crash: a traceback, a signal, another exit status, or more than one line with status 1;
- hang: no exit within the time limit (10 s).
The mutant file must also be byte-identical afterwards, with nothing created beside it.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import contextlib
import hashlib
import importlib.util
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from reliability.locks import locked_by_another_program
from reliability.mutants import Mutant, mutants, page_owners

ROOT = Path(__file__).resolve().parents[1]
TIME_LIMIT = 10.0
COMMANDS: dict[str, tuple[str, ...]] = {
    "cli list stakeholders": ("list", "stakeholders"),
    "cli export quotes": ("export", "quotes"),
    "cli export quotes --search": ("export", "quotes", "--search", 'care "trust'),
}
WINDOW = "window --screenshot"


@dataclass
class Run:
    """One process run on one case."""

    case: str
    kind: str
    mode: str
    outcome: str
    status: int | None
    seconds: float
    detail: str
    #: Run again alone after timing out among parallel runs.
    retried: bool = False


@dataclass
class CaseResult:
    """Every run on one case, and whether the file was left as it was."""

    case: str
    kind: str
    runs: list[Run] = field(default_factory=list)
    modified: bool = False
    stray_files: list[str] = field(default_factory=list)


def window_available() -> bool:
    """Whether this checkout has the window yet (carebrowser/ui/app.py)."""
    return importlib.util.find_spec("carebrowser.ui.app") is not None


def _environment(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        XDG_DATA_HOME=str(home / "data"),
        QT_QPA_PLATFORM="offscreen",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
    )
    return env


def _classify(status: int, stderr: str) -> tuple[str, str]:
    lines = [line for line in stderr.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    if status < 0:
        return "crash", f"killed by signal {-status}: " + " / ".join(lines[-3:])
    if "Traceback (most recent call last)" in stderr:
        return "crash", "traceback: " + (lines[-1] if lines else "")
    if status == 0:
        return "opened", first
    if status == 1:
        if len(lines) == 1:
            return "refused", first
        return "crash", f"status 1 with {len(lines)} lines on stderr: {first}"
    return "crash", f"exit status {status}: {first}"


def run_one(case: str, kind: str, mode: str, argv: list[str], env: dict[str, str]) -> Run:
    """Run ``python -m carebrowser ARGV`` with the time limit and classify what happened."""
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "carebrowser", *argv],
            capture_output=True,
            timeout=TIME_LIMIT,
            env=env,
            stdin=subprocess.DEVNULL,
            cwd=env["HOME"],
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Run(case, kind, mode, "hang", None, time.monotonic() - started, "time limit")
    seconds = time.monotonic() - started
    outcome, detail = _classify(done.returncode, done.stderr.decode("utf-8", "replace"))
    return Run(case, kind, mode, outcome, done.returncode, seconds, detail[:300])


def modes(window: bool) -> dict[str, list[str]]:
    """The argument lists to run on each case, before ``--db FILE`` is added."""
    chosen = {name: list(argv) for name, argv in COMMANDS.items()}
    if window:
        chosen[WINDOW] = ["--screenshot", "{png}"]
    return chosen


def _digest(path: Path) -> str | None:
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_case(
    case: str,
    kind: str,
    folder: Path,
    target: Path,
    env: dict[str, str],
    window: bool,
) -> CaseResult:
    """Run every mode on *target* (inside *folder*); then check the folder is as it was."""
    before = _digest(target)
    listing = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    result = CaseResult(case, kind)
    for mode, argv in modes(window).items():
        png = Path(env["HOME"]) / f"{case}.png"
        argv = [a.replace("{png}", str(png)) for a in argv]
        result.runs.append(run_one(case, kind, mode, ["--db", str(target), *argv], env))
        png.unlink(missing_ok=True)
    result.modified = _digest(target) != before
    if folder.is_dir():
        result.stray_files = sorted(set(p.name for p in folder.iterdir()) - set(listing))
    return result


def _newer(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        connection.commit()


def _other_program(path: Path) -> None:
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("CREATE TABLE moz_bookmarks (id INTEGER PRIMARY KEY, title TEXT)")
        connection.execute("INSERT INTO moz_bookmarks (title) VALUES ('carebrowser')")
        connection.commit()


#: Named cases: how to make the file from a good copy (None: leave the path missing).
SCENARIOS: dict[str, Callable[[Path, bytes], None] | None] = {
    "missing path": None,
    "a folder": lambda p, _: p.mkdir(),
    "zero-byte file": lambda p, _: p.write_bytes(b""),
    "a CSV file": lambda p, _: p.write_text("stakeholder,stance\r\nLGA,opposes\r\n"),
    "a PNG image": lambda p, _: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200)),
    "another program's SQLite database": lambda p, _: _other_program(p),
    "a newer schema version": lambda p, good: (p.write_bytes(good), _newer(p), None)[-1],
    "half a copy": lambda p, good: p.write_bytes(good[: len(good) // 2]),
    "the header only": lambda p, good: p.write_bytes(good[:100]),
    "a locked database": lambda p, good: p.write_bytes(good),
}


def run_scenarios(good: bytes, work: Path, env: dict[str, str], window: bool) -> list[CaseResult]:
    """Run every named scenario, one at a time (the locked one holds a lock meanwhile)."""
    results = []
    for number, (name, make) in enumerate(SCENARIOS.items()):
        folder = work / f"scenario-{number}"
        folder.mkdir()
        target = folder / "database.sqlite"
        if make is not None:
            make(target, good)
        lock = (
            locked_by_another_program(target, TIME_LIMIT)
            if name == "a locked database"
            else contextlib.nullcontext()
        )
        with lock:
            results.append(check_case(name, "scenario", folder, target, env, window))
    return results


def run_mutants(
    good: Path, count: int, seed: int, work: Path, env: dict[str, str], window: bool, jobs: int
) -> list[CaseResult]:
    """Make *count* mutants of *good* and check each; files are removed once checked."""
    original = good.read_bytes()
    owners = page_owners(good)
    done = itertools.count(1)
    timed_out: list[tuple[CaseResult, Mutant]] = []

    def one(mutant: Mutant) -> CaseResult:
        folder = work / mutant.name
        folder.mkdir()
        target = folder / "database.sqlite"
        target.write_bytes(mutant.data)
        try:
            result = check_case(mutant.name, mutant.kind, folder, target, env, window)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            if (finished := next(done)) % 50 == 0:
                print(f"  {finished} of {count} damaged databases checked", file=sys.stderr)
        if any(run.outcome == "hang" for run in result.runs):
            timed_out.append((result, mutant))
        return result

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(one, mutants(original, owners, count, seed)))
    for result, mutant in timed_out:
        _retry_alone(result, mutant, work, env, window)
    return results


def _retry_alone(
    result: CaseResult, mutant: Mutant, work: Path, env: dict[str, str], window: bool
) -> None:
    """Run a timed-out mode again with nothing else running: a hang repeats, a slow machine not."""
    folder = work / f"{mutant.name}-alone"
    folder.mkdir()
    target = folder / "database.sqlite"
    target.write_bytes(mutant.data)
    try:
        chosen = modes(window)
        for number, run in enumerate(result.runs):
            if run.outcome != "hang":
                continue
            png = Path(env["HOME"]) / f"{mutant.name}.png"
            argv = [a.replace("{png}", str(png)) for a in chosen[run.mode]]
            again = run_one(mutant.name, mutant.kind, run.mode, ["--db", str(target), *argv], env)
            again.retried = True
            again.detail = (
                f"timed out among parallel runs; alone {again.seconds:.1f} s. " + again.detail
            )
            result.runs[number] = again
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def summarise(results: list[CaseResult], seconds: float) -> dict[str, object]:
    """The figures: runs and outcomes per mode and per kind of damage, crashes and hangs listed."""
    runs = [run for result in results for run in result.runs]
    by_mode: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    by_kind: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for run in runs:
        by_mode[run.mode][run.outcome] += 1
        by_kind[run.kind][run.outcome] += 1
    return {
        "cases": len(results),
        "runs": len(runs),
        "crashes": sum(run.outcome == "crash" for run in runs),
        "hangs": sum(run.outcome == "hang" for run in runs),
        "timeouts_under_load_retried": sum(run.retried for run in runs),
        "files_modified": sum(result.modified for result in results),
        "stray_files": sum(len(result.stray_files) for result in results),
        "slowest_seconds": round(max((run.seconds for run in runs), default=0.0), 2),
        "wall_seconds": round(seconds, 1),
        "by_mode": {mode: dict(counts) for mode, counts in sorted(by_mode.items())},
        "by_kind": {kind: dict(counts) for kind, counts in sorted(by_kind.items())},
        "failures": [asdict(run) for run in runs if run.outcome in ("crash", "hang")],
    }


def fuzz(
    good: Path,
    count: int,
    seed: int,
    *,
    window: bool | None = None,
    jobs: int = 0,
    scenarios: bool = True,
) -> dict[str, object]:
    """Run the scenarios and *count* mutants of *good*; return the figures (see summarise)."""
    window = window_available() if window is None else window
    jobs = jobs or os.cpu_count() or 2
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="carebrowser-fuzz-") as temporary:
        work = Path(temporary)
        home = work / "home"
        home.mkdir()
        env = _environment(home)
        before = _digest(good)
        named = run_scenarios(good.read_bytes(), work, env, window) if scenarios else []
        damaged = run_mutants(good, count, seed, work, env, window, jobs)
        unchanged = _digest(good) == before
    return {
        "seed": seed,
        "window": window,
        "modes": list(modes(window)),
        "time_limit_seconds": TIME_LIMIT,
        "original_bytes": good.stat().st_size,
        "original_unchanged": unchanged,
        "scenarios": {
            "summary": summarise(named, 0.0),
            "cases": [{"case": r.case, "runs": [asdict(run) for run in r.runs]} for r in named],
        },
        "mutants": summarise(damaged, time.monotonic() - started),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the fuzz harness; exit 1 when any run crashed or hung, or a file was changed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=520, help="how many mutants (520)")
    parser.add_argument("--seed", type=int, default=2002, help="seed of the mutations (2002)")
    parser.add_argument("--db", type=Path, help="database to mutate (the bundled one)")
    parser.add_argument("--no-window", action="store_true", help="only the command line")
    parser.add_argument("--jobs", type=int, default=0, help="processes at a time (CPUs)")
    parser.add_argument("--no-scenarios", action="store_true", help="only the mutants")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    from carebrowser.data.database import bundled_database_path

    with contextlib.ExitStack() as stack:
        good = args.db or stack.enter_context(bundled_database_path())
        figures = fuzz(
            good,
            args.cases,
            args.seed,
            window=False if args.no_window else None,
            jobs=args.jobs,
            scenarios=not args.no_scenarios,
        )
    text = json.dumps(figures, indent=2)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    mutant_figures = figures["mutants"]
    scenario_figures = figures["scenarios"]["summary"]  # type: ignore[index]
    print(
        json.dumps({k: mutant_figures[k] for k in ("cases", "runs", "crashes", "hangs")})  # type: ignore[index]
    )
    bad = [
        summary[key]  # type: ignore[index]
        for summary in (mutant_figures, scenario_figures)
        for key in ("crashes", "hangs", "files_modified", "stray_files")
    ]
    return 1 if any(bad) or not figures["original_unchanged"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
