"""The briefing's figure: a Word briefing over about 1,000 quotations, read and written."""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench.metrics import Figure
from carebrowser.data.database import open_database, sqlite_uri
from carebrowser.export.briefing import write_briefing
from carebrowser.queries import Archive, Filters

#: About this many quotations: a long briefing, as "everything shown" on a busy proposal gives.
QUOTATIONS = 1000

_EVIDENCE_BY_PROPOSAL = """
SELECT p.id, count(*) FROM proposal p
JOIN position po ON po.proposal_id = p.id
JOIN position_evidence e ON e.position_id = po.id
GROUP BY p.id ORDER BY p.title, p.id
"""


def _proposals(path: Path) -> frozenset[int]:
    """The first proposals by title whose positions cite QUOTATIONS statements or more."""
    chosen: list[int] = []
    cited = 0
    with sqlite3.connect(sqlite_uri(path), uri=True) as connection:
        for proposal_id, count in connection.execute(_EVIDENCE_BY_PROPOSAL):
            chosen.append(int(proposal_id))
            cited += int(count)
            if cited >= QUOTATIONS:
                break
    return frozenset(chosen)


def briefing_export(path: Path, size: str, runs: int) -> Figure:
    """Read and write a briefing (.docx) of every position on the first proposals (by title)
    that cite about 1,000 statements; in process, the query layer and the writer."""
    engine, _info = open_database(path)
    filters = Filters(proposals=_proposals(path))
    times: list[float] = []
    reads: list[float] = []
    try:
        with tempfile.TemporaryDirectory(prefix="carebrowser-bench-") as folder:
            target = Path(folder) / "briefing.docx"
            for _ in range(runs):
                started = time.perf_counter()
                briefing = Archive(engine).briefing(filters)
                read = time.perf_counter()
                quotations = write_briefing(briefing, target)
                times.append((time.perf_counter() - started) * 1000)
                reads.append((read - started) * 1000)
            megabytes = target.stat().st_size / 2**20
    finally:
        engine.dispose()
    return Figure(
        "briefing (.docx), ~1,000 quotations (query layer + writer)",
        size,
        statistics.median(times),
        None,
        "seconds at M",
        note=f"{quotations:,} quotations, {len(briefing.stakeholders):,} stakeholders, "
        f"{len(briefing.proposals)} proposal{'' if len(briefing.proposals) == 1 else 's'}, "
        f"{len(briefing.sources):,} sources, "
        f"{megabytes:.1f} MiB; reading {statistics.median(reads):,.0f} ms of it",
        runs=runs,
    )
