"""Converting a Discourse Network Analyzer file: a DNA 3 file made from a synthetic archive (one
DNA statement per statement and concept, as DNA codes them), converted by `import dna`, against
`carebrowser synth` writing an archive of the same number of statements."""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.dna_files import DnaDocument, DnaStatement, write_dna
from bench.metrics import Figure
from carebrowser.data.database import sqlite_uri
from carebrowser.data.dna_import import import_dna
from carebrowser.data.synth import Sizes, synthesize

#: DNA's agreement for each stance: the supporting ones agree.
_AGREES = {"supports": 1, "conditional support": 1, "mixed": 1, "concerns": 0, "opposes": 0}


def dna_from_archive(archive: Path, output: Path) -> tuple[Path, int]:
    """A DNA 3 file holding *archive*'s sources and statements; and how many DNA statements."""
    connection = sqlite3.connect(sqlite_uri(archive), uri=True)
    try:
        sources = connection.execute(
            "SELECT id, headline, text, date, author, publication FROM source ORDER BY id"
        ).fetchall()
        index = {row[0]: number for number, row in enumerate(sources)}
        documents = [
            DnaDocument(headline or "", text, _date(date), author=author or "", source=publication)
            for _id, headline, text, date, author, publication in sources
        ]
        names = dict(connection.execute("SELECT id, name FROM stakeholder"))
        speakers = {
            row[0]: row[1:] for row in connection.execute(
                "SELECT id, kind, organisation_id FROM stakeholder"
            )
        }  # fmt: skip
        titles = dict(connection.execute("SELECT id, title FROM proposal"))
        stances = {
            (s, p): stance
            for s, p, stance in connection.execute(
                "SELECT stakeholder_id, proposal_id, stance FROM position"
            )
        }
        links: dict[int, list[int]] = {}
        for statement_id, proposal_id in connection.execute(
            "SELECT statement_id, proposal_id FROM statement_proposal"
        ):
            links.setdefault(statement_id, []).append(proposal_id)
        statements = []
        for statement_id, source_id, speaker, start, end in connection.execute(
            'SELECT id, source_id, speaker_id, start, "end" FROM statement ORDER BY id'
        ):
            kind, organisation = speakers[speaker]
            person = names[speaker] if kind == "person" else ""
            coded_org = names[organisation] if organisation else ""
            org = coded_org if kind == "person" else names[speaker]
            for proposal in links.get(statement_id) or [None]:
                stance = stances.get((speaker, proposal), "supports")
                statements.append(
                    DnaStatement(
                        index[source_id], start, end, person=person, organization=org,
                        concept=titles[proposal] if proposal else "", agreement=_AGREES[stance],
                    )
                )  # fmt: skip
    finally:
        connection.close()
    write_dna(output, 3, documents, statements)
    return output, len(statements)


def _date(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def _seconds(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def dna_conversion(path: Path, size: str, runs: int) -> Figure:
    """`import dna` of the DNA file made from the archive at *path*, against `synth` writing
    the same number of statements (medians of *runs*)."""
    statements = (
        sqlite3.connect(sqlite_uri(path), uri=True)
        .execute("SELECT count(*) FROM statement")
        .fetchone()[0]
    )
    with tempfile.TemporaryDirectory(prefix="carebrowser-dna-bench-") as folder:
        dna, coded = dna_from_archive(path, Path(folder) / "archive.dna")
        reports = []
        ours = statistics.median(
            _seconds(lambda: reports.append(import_dna(dna, Path(folder) / "out.sqlite")))
            for _ in range(runs)
        )
        sizes = Sizes.for_quotes(statements)
        baseline = statistics.median(
            _seconds(lambda: synthesize(Path(folder) / "synth.sqlite", sizes, 1))
            for _ in range(runs)
        )
    return Figure(
        "DNA file converted (import dna)",
        size,
        ours * 1000,
        baseline * 1000,
        "<= 1.5x synth",
        note=f"{coded:,} DNA statements, {reports[-1].statements:,} of the archive's "
        f"{statements:,} statements imported; baseline: synth of as many",
        runs=runs,
    )
