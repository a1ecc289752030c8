"""Measure carebrowser's reliability and write the figures to docs/reliability.md.

    make reliability        (or: python -m reliability.report [--cases 520] [--examples 500])

1. The fuzz harness (fuzz_db.py): the named scenarios and --cases damaged copies of the bundled
   database, each opened by three command-line commands and by the window offscreen.
2. The reliability tests (tests/test_reliability_*.py) with --examples hypothesis examples per
   property: search and filter inputs, failed exports (bytes lost), unusable files, the window's
   error reporting, the bundled database's hash, sockets; passwords in every form along every
   path (leaks), frozen servers with the default 30 s bound (time to a message), signals during
   exports (files left), standard output in other encodings.
3. The cost of the checks made when a file is opened, on the bundled database and on ~50 MB.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from carebrowser.data.watchdog import DEFAULT_SECONDS as DEFAULT_SERVER_SECONDS
from reliability.fuzz_db import TIME_LIMIT, fuzz, window_available

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "reliability.md"


def run_tests(examples: int) -> dict[str, Any]:
    """Run tests/test_reliability_*.py; return pass/fail counts and the figures they counted."""
    with tempfile.TemporaryDirectory(prefix="carebrowser-report-") as temporary:
        figures_file = Path(temporary) / "figures.json"
        junit = Path(temporary) / "junit.xml"
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            CAREBROWSER_HYPOTHESIS_EXAMPLES=str(examples),
            CAREBROWSER_RELIABILITY_FIGURES=str(figures_file),
            # Frozen servers are timed with the default bound, as people meet them.
            CAREBROWSER_TEST_SERVER_TIMEOUT=str(int(DEFAULT_SERVER_SECONDS)),
        )
        started = time.monotonic()
        tests = sorted(
            str(p.relative_to(ROOT))
            for p in (ROOT / "tests").glob("test_reliability_*.py")
            if p.name != "test_reliability_fuzz.py"  # its sample: step 1 ran the whole harness
        )
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--junitxml={junit}",
                *tests,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.monotonic() - started
        counted = json.loads(figures_file.read_text()) if figures_file.is_file() else {}
        suite = ET.parse(junit).getroot() if junit.is_file() else None
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    failed: list[str] = []
    if suite is not None:
        for case in suite.iter("testcase"):
            totals["tests"] += 1
            for outcome, total in (
                ("failure", "failures"),
                ("error", "errors"),
                ("skipped", "skipped"),
            ):
                if case.find(outcome) is not None:
                    totals[total] += 1
                    if outcome != "skipped":
                        failed.append(f"{case.get('classname')}::{case.get('name')}")
                    break
    return {
        "status": done.returncode,
        "seconds": round(seconds, 1),
        "totals": totals,
        "failed": failed,
        "figures": counted,
        "tail": done.stdout.strip().splitlines()[-1:] if done.stdout.strip() else [],
    }


def _timed(call: Any, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def opening_costs(good: Path) -> dict[str, Any]:
    """Milliseconds to open the bundled database and a ~50 MB copy, and for quick_check alone."""
    from carebrowser.data.database import open_database

    def open_and_close(target: Path) -> None:
        engine, _info = open_database(str(target))
        engine.dispose()

    def quick_check(target: Path) -> None:
        with contextlib.closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True)) as connection:
            connection.execute("PRAGMA quick_check(1)").fetchall()

    with tempfile.TemporaryDirectory(prefix="carebrowser-open-") as temporary:
        big = Path(temporary) / "fifty megabytes.sqlite"
        shutil.copy(good, big)
        rng = random.Random(50)
        words = [
            "care",
            "trust",
            "council",
            "social",
            "services",
            "children",
            "hospital",
            "discharge",
            "fines",
        ]
        with contextlib.closing(sqlite3.connect(big)) as connection:
            connection.execute("CREATE TABLE filler (id INTEGER PRIMARY KEY, k TEXT, body TEXT)")
            connection.execute("CREATE INDEX ix_filler_k ON filler (k)")
            rows = (
                (i, f"k{i:08d}", " ".join(rng.choice(words) for _ in range(60)))
                for i in range(95_000)
            )
            connection.executemany("INSERT INTO filler VALUES (?, ?, ?)", rows)
            connection.commit()
        return {
            "bundled_bytes": good.stat().st_size,
            "bundled_open_ms": round(_timed(lambda: open_and_close(good)), 1),
            "bundled_quick_check_ms": round(_timed(lambda: quick_check(good)), 1),
            "big_bytes": big.stat().st_size,
            "big_open_ms": round(_timed(lambda: open_and_close(big)), 1),
            "big_quick_check_ms": round(_timed(lambda: quick_check(big)), 1),
        }


def _versions() -> str:
    from PySide6 import __version__ as pyside

    from carebrowser import __version__

    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return (
        f"carebrowser {__version__} ({commit or 'no git'}), Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, PySide6 {pyside}, {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
    )


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


OUTCOMES = ["opened", "refused", "crash", "hang"]


def _scenario_row(case: dict[str, Any]) -> list[object]:
    runs = case["runs"]
    said = re.sub(r"\S*database\.sqlite", "FILE", runs[0]["detail"].removeprefix("carebrowser: "))
    outcomes = collections.Counter(run["outcome"] for run in runs)
    return [
        case["case"],
        said.replace("|", "\\|"),
        ", ".join(f"{n} of {len(runs)} {o}" for o, n in outcomes.items()),
    ]


def render(
    fuzzed: dict[str, Any], tested: dict[str, Any], costs: dict[str, Any], seconds: float
) -> str:
    """docs/reliability.md from the figures."""
    damaged, named = fuzzed["mutants"], fuzzed["scenarios"]["summary"]
    counted = tested["figures"]
    examples = {
        k.split(": ", 1)[1]: v for k, v in counted.items() if k.startswith("hypothesis examples")
    }
    bytes_lost = counted.get("bytes lost", 0)
    totals = tested["totals"]
    passed = totals["tests"] - totals["failures"] - totals["errors"] - totals["skipped"]
    passwords = counted.get("passwords tried (forms x paths)", 0)
    frozen_cli = counted.get("frozen-server runs (command line)", 0)
    frozen_window = counted.get("frozen-server runs (window)", 0)
    frozen_hangs = (
        frozen_cli + frozen_window
        - counted.get("frozen-server runs named (command line)", 0)
        - counted.get("frozen-server runs named (window)", 0)
    )  # fmt: skip
    bound = DEFAULT_SERVER_SECONDS
    encodings = counted.get("output encodings tried", 0)
    encodings_failed = encodings - counted.get("output encodings written as UTF-8", 0)

    def slowest(where: str) -> str:
        value = counted.get(f"max: seconds to a message, frozen server ({where})")
        return f"{value:.1f} s" if value is not None else "not run"

    window_note = (
        "and by the window offscreen (`carebrowser --db FILE --screenshot PNG`)"
        if fuzzed["window"]
        else "(the window was not available in this checkout, so it was not run)"
    )
    parts = [
        "# Reliability figures",
        "",
        f"Produced by `make reliability` (`python -m reliability.report`) on "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC in {seconds / 60:.1f} minutes.  ",
        f"{_versions()}.",
        "",
        "## Summary",
        "",
        _table(
            ["figure", "value", "must be"],
            [
                ["damaged databases tried (fuzz cases)", damaged["cases"], "≥ 500"],
                ["named bad-file scenarios tried", named["cases"], ""],
                ["process runs on them", damaged["runs"] + named["runs"], ""],
                [
                    "crashes (traceback, signal, unexpected status, unclear message)",
                    damaged["crashes"] + named["crashes"],
                    "0",
                ],
                [
                    f"hangs (no answer within {TIME_LIMIT:.0f} s)",
                    damaged["hangs"] + named["hangs"],
                    "0",
                ],
                [
                    "runs that timed out among parallel runs, then finished when run alone",
                    damaged.get("timeouts_under_load_retried", 0),
                    "",
                ],
                [
                    "damaged files changed by opening them",
                    damaged["files_modified"] + named["files_modified"],
                    "0",
                ],
                ["files created beside them", damaged["stray_files"] + named["stray_files"], "0"],
                [
                    "bundled database unchanged (SHA-256) after the fuzz run",
                    "yes" if fuzzed["original_unchanged"] else "NO",
                    "yes",
                ],
                ["hypothesis examples (all properties)", sum(examples.values()), ""],
                ["failed exports tried", counted.get("export failures tried", 0), ""],
                ["bytes lost by failed exports", bytes_lost, "0"],
                ["passwords tried (forms x paths)", passwords, ""],
                ["passwords leaked (pieces shown)", counted.get("password leaks", 0), "0"],
                [
                    "frozen-server runs (command line / window)",
                    f"{frozen_cli} / {frozen_window}",
                    "",
                ],
                [
                    f"frozen-server hangs (not named within the {bound:.0f} s bound)",
                    frozen_hangs,
                    "0",
                ],
                ["signals sent during exports", counted.get("signals sent during exports", 0), ""],
                ["partial files left by them", counted.get("files left by signals", 0), "0"],
                [
                    "standard-output encodings tried / failed",
                    f"{encodings} / {encodings_failed}",
                    "… / 0",
                ],
                [
                    "reliability tests passed / failed / skipped",
                    f"{passed} / {totals['failures'] + totals['errors']} / {totals['skipped']}",
                    "… / 0 / …",
                ],
            ],
        ),
        "",
        "## Damaged databases",
        "",
        f"{damaged['cases']} copies of the bundled database ({fuzzed['original_bytes']:,} bytes), "
        f"damaged deterministically (seed {fuzzed['seed']}; `reliability/mutants.py`), each opened "
        f"by `carebrowser --db FILE` with three commands {window_note}, each as its own process "
        f"with a {TIME_LIMIT:.0f} s limit. *Opened*: exit 0, the damage lay where these commands "
        "do not read. *Refused*: exit 1 with one line saying what happened, which file and what "
        "to do next. Slowest run: "
        f"{damaged['slowest_seconds']} s.",
        "",
        "By mode:",
        "",
        _table(
            ["mode", *OUTCOMES],
            [
                [mode, *(counts.get(o, 0) for o in OUTCOMES)]
                for mode, counts in damaged["by_mode"].items()
            ],
        ),
        "",
        "By kind of damage (runs, all modes):",
        "",
        _table(
            ["damage", *OUTCOMES],
            [
                [kind, *(counts.get(o, 0) for o in OUTCOMES)]
                for kind, counts in damaged["by_kind"].items()
            ],
        ),
        "",
        "## Named scenarios",
        "",
        _table(
            ["file", "what the command line says (first run)", "outcomes"],
            [_scenario_row(case) for case in fuzzed["scenarios"]["cases"]],
        ),
        "",
        "## Search and filter inputs (property-based)",
        "",
        "Arbitrary Unicode (lone surrogates included), FTS5 operators, quotes, brackets, NUL, LIKE "
        "wildcards and 100 kB strings, fed to every text input of the query layer, of the command "
        "line and of the window's two search boxes: never an exception; a plain word wrapped in "
        "any punctuation still finds its statement.",
        "",
        _table(["property", "examples"], [[name, n] for name, n in sorted(examples.items())]),
        "",
        f"100 kB inputs tried: {counted.get('100 kB inputs', 0)}.",
        "",
        "## Failed exports",
        "",
        f"{counted.get('export failures tried', 0)} failed exports (CSV and XLSX; disk full, "
        "permission denied, read-only disk, I/O error injected at creating, writing, flushing, "
        "syncing and moving the file; a real 16 kB file size limit; a real full tmpfs where the "
        "system allows mounting one; a name too long; a missing folder; cancelled, interrupted and "
        f"database failures mid-export): **{bytes_lost} bytes lost**, no partial file left, every "
        "existing file byte-identical.",
        "",
        "## Secrets, frozen servers, signals, terminals",
        "",
        f"**Passwords.** {passwords} checks of passwords holding `@ : / # %` and a space, each "
        "typed unencoded and percent-encoded, along every path an address takes: the command "
        "line's stderr and log for `export`, `list`, `db publish` and `db check`; the window's "
        "dialog, 'Show details', 'Copy details' (the clipboard) and log; the error reporter; log "
        "records with tracebacks (psycopg's own included); the settings file. A leak is any "
        f"piece of a password of three characters or more: **{counted.get('password leaks', 0)} "
        "leaked**. Server refusals tried (wrong password, no password, no such database, each "
        f"with its own sentence): {counted.get('server refusals tried', 0)}. Log file modes "
        f"checked under three umasks: {counted.get('log file modes checked', 0)} (0600, folders "
        "0700).",
        "",
        f"**Frozen servers** (a local proxy that stops forwarding, so nothing ever fails on the "
        f"network), with the default bound of {bound:.0f} s:",
        "",
        _table(
            ["where", "runs", "named in time", "slowest time to a message"],
            [
                [
                    "command line",
                    frozen_cli,
                    counted.get("frozen-server runs named (command line)", 0),
                    slowest("command line"),
                ],
                [
                    "window (lost-server status and Retry)",
                    frozen_window,
                    counted.get("frozen-server runs named (window)", 0),
                    slowest("window"),
                ],
            ],
        ),
        "",
        f"**Signals.** {counted.get('signals sent during exports', 0)} signals sent to "
        "`carebrowser export` while it wrote (SIGINT, SIGTERM, SIGHUP; CSV and XLSX; over a file "
        "and to a new one; and SIGKILL, after which the next export removed what was left): "
        f"**{counted.get('files left by signals', 0)} files left**, every existing file "
        f"unchanged. XLSX cells over 32,767 characters refused, never cut: "
        f"{counted.get('long cells refused', 0)}.",
        "",
        f"**Terminals.** Standard output in {encodings} encodings (latin-1, ASCII, cp1252, "
        "UTF-16, the C locale, UTF-8): the CSV is the same UTF-8 bytes in each, and no message "
        "ends in UnicodeEncodeError.",
        "",
        "## Opening checks",
        "",
        "Every file is checked when opened: its SQLite header against its size (a half copy), "
        "`PRAGMA quick_check` (files up to 64 MB), the schema version. Median of 5:",
        "",
        _table(
            ["database", "size", "open with every check", "quick_check alone"],
            [
                [
                    "bundled",
                    f"{costs['bundled_bytes'] / 1e6:.2f} MB",
                    f"{costs['bundled_open_ms']} ms",
                    f"{costs['bundled_quick_check_ms']} ms",
                ],
                [
                    "bundled + filler table",
                    f"{costs['big_bytes'] / 1e6:.1f} MB",
                    f"{costs['big_open_ms']} ms",
                    f"{costs['big_quick_check_ms']} ms",
                ],
            ],
        ),
        "",
        "## Also checked by the tests",
        "",
        "- The bundled database is byte-identical (SHA-256), with nothing created beside it, after "
        "every command-line command and after a window session (browse, search, compare, read, "
        "export).",
        "- No socket is opened by the command line or by a window session (socket creation patched "
        "to fail and counted; no internet socket among the process's open files).",
        "- Unexpected exceptions (slots, threads, synchronous actions) end in one dialog with "
        "'Copy details' and the log file's path; Qt's warnings go to the log; the window carries "
        "on after damage is found mid-session.",
        "",
    ]
    failures = damaged["failures"] + named["failures"]
    if failures or tested["failed"]:
        parts += ["## Failures", ""]
        parts += [
            f"- {f['mode']} on {f['case']}: {f['outcome']}: {f['detail']}" for f in failures[:50]
        ]
        parts += [f"- test {name}" for name in tested["failed"]]
        parts.append("")
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    """Measure everything and write docs/reliability.md; exit 1 if a figure is not as it must be."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=520, help="damaged databases (520)")
    parser.add_argument("--examples", type=int, default=500, help="hypothesis examples (500)")
    parser.add_argument("--seed", type=int, default=2002)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    from carebrowser.data.database import bundled_database_path

    started = time.monotonic()
    print(f"fuzzing {args.cases} damaged databases (window: {window_available()})...", flush=True)
    with bundled_database_path() as good:
        fuzzed = fuzz(good, args.cases, args.seed)
        costs = opening_costs(good)
    print(
        f"running the reliability tests with {args.examples} examples per property...", flush=True
    )
    tested = run_tests(args.examples)
    text = render(fuzzed, tested, costs, time.monotonic() - started)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    damaged, named = fuzzed["mutants"], fuzzed["scenarios"]["summary"]
    bad = (
        damaged["crashes"] + damaged["hangs"] + named["crashes"] + named["hangs"]
        + damaged["files_modified"] + named["files_modified"]
        + tested["figures"].get("bytes lost", 0) + len(tested["failed"])
        + tested["figures"].get("password leaks", 0)
        + tested["figures"].get("files left by signals", 0)
        + (0 if fuzzed["original_unchanged"] else 1) + (tested["status"] not in (0,))
    )  # fmt: skip
    print(f"wrote {args.output}: {damaged['cases']} cases, {damaged['crashes']} crashes")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
