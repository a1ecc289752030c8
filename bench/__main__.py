"""Run the benchmarks and print one table: `python -m bench [--sizes S,M,L] [--runs 5]`.

With `--postgresql URL|auto`, also the PostgreSQL figures (bench/postgresql.py)."""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import (
    archives,
    briefing,
    metrics,
    network,
    postgresql,
    responsiveness,
    timeline,
    window,
)
from bench.metrics import Figure
from carebrowser.data import postgres


def _cell(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:,.1f} {unit}" if value < 100 else f"{value:,.0f} {unit}"


def table(figures: Sequence[Figure]) -> str:
    """The results as a Markdown table."""
    header = ("metric", "size", "ours (median)", "baseline", "ratio", "target", "runs", "note")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for f in figures:
        ratio = f"{f.ratio:.2f}" if f.ratio is not None else "-"
        cells = (f.metric, f.size, _cell(f.ours, f.unit), _cell(f.baseline, f.unit), ratio,
                 f.target, str(f.runs), f.note)  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> str:
    """The machine and versions, for docs/performance.md."""
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    try:
        from PySide6 import __version__ as pyside
    except ImportError:
        pyside = "not installed"
    import sqlalchemy

    return (
        f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB; {platform.platform()}; "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"SQLAlchemy {sqlalchemy.__version__}, PySide6 {pyside}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Generate or reuse the archives, measure, print the table; 1 if a metric failed."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated: S, M, L")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--cache", type=Path, default=archives.CACHE, help="archive cache")
    parser.add_argument("--no-window", action="store_true", help="only the Qt-free metrics")
    parser.add_argument("--only", default="", help="comma-separated metric function names")
    parser.add_argument(
        "--postgresql",
        metavar="URL|auto",
        help="also measure on PostgreSQL (pg_* metrics): the server of a maintenance database "
        "address (postgresql+psycopg://USER@HOST/postgres; a database per size is created "
        "there), or 'auto' for a throwaway server",
    )
    args = parser.parse_args(argv)
    sizes = [archives.SIZES[name.strip().upper()] for name in args.sizes.split(",")]
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    pg_names = {m.__name__ for m in postgresql.PG_METRICS + postgresql.PG_WINDOW_METRICS}
    if args.postgresql is None and pg_names & set(only):
        parser.error(f"{', '.join(sorted(pg_names & set(only)))} need --postgresql URL|auto")
    if args.postgresql == "auto" and (reason := postgresql.why_not_auto()):
        parser.error(f"--postgresql auto cannot start a server: {reason}")
    say: Callable[[str], None] = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    paths = {size.name: archives.archive(size, args.cache, say) for size in sizes}
    urls: dict[str, str] = {}
    from bench.dna import dna_conversion  # beside the list of measures it joins

    measures: list[Callable[[Path, str, int], Figure | list[Figure]]] = [
        *metrics.QUERY_METRICS,
        briefing.briefing_export,
        dna_conversion,
    ]
    measures += timeline.TIMELINE_METRICS
    if not args.no_window:
        measures += [
            *window.WINDOW_METRICS,
            network.network_metrics,
            responsiveness.responsiveness_metrics,
        ]
    if args.postgresql is not None:
        measures += [postgresql.bound(m, urls) for m in postgresql.PG_METRICS]
        if not args.no_window:
            measures += [postgresql.bound(m, urls) for m in postgresql.PG_WINDOW_METRICS]
    if only:
        measures = [m for m in measures if m.__name__ in only]
    figures: list[Figure] = []
    published: list[Figure] = []
    failed = False
    server = ""
    # Whole-process figures start carebrowser as an installed copy would: with its bytecode.
    window.compile_bytecode()
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if any(m.__name__ in pg_names for m in measures):
            maintenance = stack.enter_context(postgresql.server(args.postgresql, say))
            server = postgresql.describe(maintenance)
            for size in sizes:
                try:
                    urls[size.name], row = postgresql.prepare(
                        maintenance, paths[size.name], size.name, say
                    )
                except Exception as error:
                    failed = True
                    traceback.print_exc()
                    row = Figure(postgresql.PUBLISH_METRIC, size.name, None, None, "",
                                 note=f"failed: {error}")  # fmt: skip
                published.append(row)
        for measure in measures:
            for size in sizes:
                say(f"{measure.__name__} at {size.name} ...")
                try:
                    figures += window.as_list(measure(paths[size.name], size.name, args.runs))
                except Exception as error:  # a failed metric is a row of the table, not a crash
                    failed = True
                    traceback.print_exc()
                    figures.append(
                        Figure(measure.__name__, size.name, None, None, "", note=f"failed: {error}")
                    )
    figures += published
    command = f"python -m bench --sizes {args.sizes} --runs {args.runs}"
    if args.postgresql is not None:
        shown = "auto" if args.postgresql == "auto" else postgres.hide_password(args.postgresql)
        command += f" --postgresql {shown}"
    print(f"Machine: {machine()}")
    if server:
        print(f"Server: {server}")
    print(f"Command: make bench ({command})")
    print(f"Took {time.perf_counter() - started:.0f} s\n")
    print(table(figures))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
