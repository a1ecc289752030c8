"""The query-layer and command-line metrics, each against the baseline measured in the same run."""

from __future__ import annotations

import csv
import itertools
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from carebrowser.data.database import open_database, sqlite_uri
from carebrowser.data.fts import fts5_query
from carebrowser.queries import Archive, Filters

SEARCH = "care trusts"


@dataclass(frozen=True)
class Figure:
    """One row of the table: medians in the metric's unit (ms or MiB)."""

    metric: str
    size: str
    ours: float | None
    baseline: float | None
    target: str
    unit: str = "ms"
    note: str = ""
    runs: int = 0

    @property
    def ratio(self) -> float | None:
        """Ours over the baseline, when there is one."""
        if self.ours is None or not self.baseline:
            return None
        return self.ours / self.baseline


def median_ms(call: Callable[[], object], runs: int) -> float:
    """The median wall time of *call* in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _busiest(path: Path) -> int:
    with sqlite3.connect(sqlite_uri(path), uri=True) as connection:
        row = connection.execute(
            "SELECT speaker_id FROM statement GROUP BY speaker_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    return int(row[0])


#: The first page of a search as a developer would write it with the sqlite3 module.
RAW_SEARCH = """
SELECT s.id, s.key, s.speaker_id, k.name, k.category, o.name, k.role, s.text, s.kind,
       s.truncated, s.source_id, so.key, so.publication, so.headline, so.author, so.date,
       so.date_precision, so.date_inferred, s.start, s."end"
FROM statement_fts
JOIN statement s ON s.id = statement_fts.rowid
JOIN stakeholder k ON k.id = s.speaker_id
LEFT JOIN stakeholder o ON o.id = k.organisation_id
LEFT JOIN stakeholder o2 ON o2.id = k.second_organisation_id
JOIN source so ON so.id = s.source_id
WHERE statement_fts MATCH ?
ORDER BY s.sort_date, s.source_id, s.start, s.id
LIMIT 200
"""


def search_first_page(path: Path, size: str, runs: int) -> Figure:
    """Full-text search, first page: Archive.quotes against the raw FTS5 query, in process."""
    engine, _info = open_database(path)
    raw = sqlite3.connect(sqlite_uri(path), uri=True)
    parsed = fts5_query(SEARCH)
    assert parsed is not None and not parsed[1], "the benchmark's search leaves nothing out"
    query = parsed[0]
    ours_times, raw_times = [], []
    try:
        expected = [row[0] for row in raw.execute(RAW_SEARCH, (query,))]
        got = [q.id for q in Archive(engine).quotes(Filters(search=SEARCH)).rows]
        assert got == expected, "the query layer and the raw query disagree"
        for _ in range(runs):
            archive = Archive(engine)  # nothing remembered from the last run
            ours_times.append(median_ms(partial(archive.quotes, Filters(search=SEARCH)), 1))
            raw_times.append(median_ms(lambda: raw.execute(RAW_SEARCH, (query,)).fetchall(), 1))
    finally:
        raw.close()
        engine.dispose()
    return Figure(
        "full-text search, first page (query layer)",
        size,
        statistics.median(ours_times),
        statistics.median(raw_times),
        "ratio <= 1.5 at L",
        note=f"'{SEARCH}', {len(expected)} rows",
        runs=runs,
    )


def stakeholder_first_page(path: Path, size: str, runs: int) -> Figure:
    """Select a stakeholder (the busiest) to its first page of quotes, at the query layer."""
    engine, _info = open_database(path)
    busiest = _busiest(path)
    try:
        times = [
            median_ms(lambda: Archive(engine).quotes(Filters(stakeholders=frozenset({busiest}))), 1)
            for _ in range(runs)
        ]
        count = Archive(engine).quote_count(Filters(stakeholders=frozenset({busiest})))
    finally:
        engine.dispose()
    return Figure(
        "select a stakeholder -> first page (query layer)",
        size,
        statistics.median(times),
        None,
        "part of <= 30 ms at L",
        note=f"busiest stakeholder, {count:,} statements",
        runs=runs,
    )


def filter_keystroke(path: Path, size: str, runs: int) -> Figure:
    """One keystroke in the stakeholder filter: the list's first screenful, which the window
    reads before its paint; the category counts, read after it, in the note."""
    engine, _info = open_database(path)
    times, counts = [], []
    try:
        for run in range(runs):
            archive = Archive(engine)
            text = "sm" if run % 2 else "smi"

            def screenful(a: Archive = archive, t: str = text) -> None:
                a.first_stakeholders(name=t, limit=100)

            def category_counts(a: Archive = archive, t: str = text) -> None:
                a.category_counts(name=t)

            times.append(median_ms(screenful, 1))
            counts.append(median_ms(category_counts, 1))
    finally:
        engine.dispose()
    return Figure(
        "stakeholder filter keystroke (query layer)",
        size,
        statistics.median(times),
        None,
        "part of <= 16 ms at L",
        note=f"first screenful (100 rows); the category counts after the paint: "
        f"{statistics.median(counts):.1f} ms",
        runs=runs,
    )


def matrix_open(path: Path, size: str, runs: int) -> Figure:
    """Open the matrix, paged: first rows, the columns and the cells of the first screen."""
    engine, _info = open_database(path)
    times = []
    try:
        for _ in range(runs):
            archive = Archive(engine)

            def open_matrix(a: Archive = archive) -> None:
                rows = a.matrix_stakeholders(limit=60).rows
                columns = a.matrix_proposals()
                a.matrix_cells([s.id for s in rows[:40]], [p.id for p in columns[:15]])

            times.append(median_ms(open_matrix, 1))
    finally:
        engine.dispose()
    return Figure(
        "open the matrix (query layer)",
        size,
        statistics.median(times),
        None,
        "part of <= 100 ms at L",
        note="60 rows, all columns, 40x15 cells",
        runs=runs,
    )


#: The quotes export's columns, in SQL, for the sqlite3 shell: the same cells as the app writes.
_MONTH = "substr('JanFebMarAprMayJunJulAugSepOctNovDec', 3 * strftime('%m', so.date) - 2, 3)"
_DAY = "CAST(strftime('%d', so.date) AS INTEGER)"
_YEAR = "strftime('%Y', so.date)"


def _safe(expression: str) -> str:
    starts = "('=', '+', '-', '@', char(9), char(13), char(10))"
    return (
        f"CASE WHEN substr({expression}, 1, 1) IN {starts} "
        f"THEN '''' || {expression} ELSE {expression} END"
    )


_DATE = f"""CASE so.date_precision
    WHEN 'day' THEN {_DAY} || ' ' || {_MONTH} || ' ' || {_YEAR}
    WHEN 'on or after' THEN 'on or after ' || {_DAY} || ' ' || {_MONTH} || ' ' || {_YEAR}
    WHEN 'month' THEN {_MONTH} || ' ' || {_YEAR}
    WHEN 'year' THEN {_YEAR}
    ELSE 'c. ' || {_MONTH} || ' ' || {_YEAR} END
    || CASE WHEN so.date_inferred THEN ' (inferred)' ELSE '' END"""
#: The source as the app names it: "Publication, 'Headline', date"; an unnamed publication by
#: its headline alone (carebrowser.queries.rows.source_name).
_SOURCE_NAME = f"""CASE WHEN coalesce(so.headline, '') <> ''
      AND so.publication = 'Unnamed publication' THEN '' ELSE so.publication || ', ' END
    || CASE WHEN coalesce(so.headline, '') <> '' THEN '\u2018' || so.headline || '\u2019, '
      ELSE '' END
    || {_DATE}"""

SHELL_EXPORT = f"""
SELECT {_safe("s.key")} AS quote_id, {_safe("k.name")} AS stakeholder,
  {_safe("k.category")} AS category,
  {_safe("coalesce(o.name || coalesce('; ' || o2.name, ''), '')")} AS organisation,
  {_safe("coalesce(s.role, '')")} AS role, {_safe("s.text")} AS quote,
  CASE s.kind WHEN 'direct' THEN 'direct quotation' WHEN 'reported' THEN 'reported speech'
    ELSE 'editorial opinion' END || CASE WHEN s.truncated THEN ', truncated' ELSE '' END AS kind,
  {_safe("coalesce((SELECT group_concat(title, '; ') FROM (SELECT p.title FROM statement_proposal"
         " sp JOIN proposal p ON p.id = sp.proposal_id WHERE sp.statement_id = s.id"
         " ORDER BY p.title)), '')")} AS proposals,
  {_safe(_SOURCE_NAME)} AS source, {_safe("so.publication")} AS publication,
  {_safe("coalesce(so.author, '')")} AS author,
  {_DATE} AS date,
  s.start AS start, s."end" AS "end"
FROM statement s
JOIN stakeholder k ON k.id = s.speaker_id
LEFT JOIN stakeholder o ON o.id = k.organisation_id
LEFT JOIN stakeholder o2 ON o2.id = k.second_organisation_id
JOIN source so ON so.id = s.source_id
ORDER BY s.sort_date, s.source_id, s.start, s.id;
"""  # fmt: skip


def _same_cells(ours: Path, theirs: Path) -> bool:
    # The shell quotes more cells than Python's csv module does; the cells are what matter.
    with (
        ours.open(encoding="utf-8-sig", newline="") as a,
        theirs.open(encoding="utf-8", newline="") as b,
    ):
        return all(x == y for x, y in itertools.zip_longest(csv.reader(a), csv.reader(b)))


def _lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


def export_quotes(path: Path, size: str, runs: int) -> Figure:
    """`carebrowser export quotes` of everything against `sqlite3 -csv` with the same cells."""
    shell = shutil.which("sqlite3")
    ours, theirs = [], []
    with tempfile.TemporaryDirectory(prefix="carebrowser-bench-") as folder:
        ours_file, shell_file = Path(folder) / "ours.csv", Path(folder) / "shell.csv"
        command = [sys.executable, "-m", "carebrowser", "--db", str(path), "export", "quotes"]
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run([*command, "-o", str(ours_file)], check=True)
            ours.append((time.perf_counter() - started) * 1000)
            if shell:
                started = time.perf_counter()
                with shell_file.open("wb") as out:
                    subprocess.run(
                        [shell, "-readonly", "-csv", "-header", str(path), SHELL_EXPORT],
                        check=True,
                        stdout=out,
                    )
                theirs.append((time.perf_counter() - started) * 1000)
        note = f"{_lines(ours_file) - 1:,} rows"
        if shell:
            same = _same_cells(ours_file, shell_file)
            note += ", same cells" if same else ", CELLS DIFFER"
        else:
            note += "; no sqlite3 shell (apt-get install sqlite3) for the baseline"
    return Figure(
        "export quotes, whole archive, CSV (process)",
        size,
        statistics.median(ours),
        statistics.median(theirs) if theirs else None,
        "ratio <= 1.5 at L",
        note=note,
        runs=runs,
    )


QUERY_METRICS = (
    search_first_page,
    stakeholder_first_page,
    filter_keystroke,
    matrix_open,
    export_quotes,
)
