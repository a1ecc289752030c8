"""Every hot query is served by an index or FTS5: EXPLAIN QUERY PLAN on a synthetic archive.

The archive has the medium size's proportions (by default 100,000 statements, 2,000 stakeholders,
200 proposals, 10,000 sources; CAREBROWSER_PLAN_QUOTES changes it) and its ANALYZE statistics, so
SQLite plans as it would for a real archive. The SQL is what the Archive really sends, captured
while its public methods run.

The rule for a plan line on a large table (statement, source, stakeholder, position and the two
link tables):
- "SCAN <table>" with no index is a full read of the table: it fails.
- "SCAN <table> USING [COVERING] INDEX" walks an index from one end. It passes only when the query
  has a LIMIT and its ORDER BY comes from that walk (no "USE TEMP B-TREE FOR ORDER BY", which would
  mean reading every row first): the walk then stops after a page. Sorting the "right part" of an
  ORDER BY is fine: it sorts rows within one value of the leading sort key.
- A few queries read a whole covering index on purpose and are listed in ALLOWED_SCANS, with why.
- "SEARCH" (an index lookup or range) and an FTS5 "VIRTUAL TABLE INDEX 0:M" match always pass.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event

from carebrowser.data.database import open_database
from carebrowser.data.synth import Sizes, synthesize
from carebrowser.queries import Archive, Filters

pytestmark = pytest.mark.slow

LARGE_TABLES = (
    "statement",
    "source",
    "stakeholder",
    "position",
    "position_evidence",
    "statement_proposal",
)

#: Whole-index reads that are the point of the query (a pattern of its SQL), with the reason.
ALLOWED_SCANS = {
    r"SELECT count\(\*\) AS count_1 \nFROM statement": "the number of all statements, with "
    "no filter: one covering-index read, off the GUI thread (1,000,000 entries in about 6 ms)",
    r"SELECT stakeholder.category, count\(\*\) .*GROUP BY stakeholder.category": "stakeholders "
    "per category: one read of the covering stakeholder index (20,000 entries at L, under 7 ms "
    "with a name filter), off the GUI thread",
}

QUOTES = int(os.environ.get("CAREBROWSER_PLAN_QUOTES", "100000"))


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path = tmp_path_factory.mktemp("plans") / "medium.sqlite"
    synthesize(path, Sizes.for_quotes(QUOTES), seed=1)
    engine, _info = open_database(path)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def archive(engine: Engine) -> Archive:
    return Archive(engine)


def _plan(engine: Engine, sql: str, parameters: Any) -> list[str]:
    connection = engine.raw_connection()
    try:
        rows = connection.cursor().execute("EXPLAIN QUERY PLAN " + sql, parameters).fetchall()
    finally:
        connection.close()
    return [str(row[3]) for row in rows]


def _violations(sql: str, plan: list[str]) -> list[str]:
    if any(re.fullmatch(pattern, sql, re.DOTALL) for pattern in ALLOWED_SCANS):
        return []
    bad = []
    limited = re.search(r"\bLIMIT\b", sql) is not None
    sorts_everything = "USE TEMP B-TREE FOR ORDER BY" in plan
    for line in plan:
        match = re.match(r"SCAN (\w+)( USING (COVERING )?INDEX \w+)?", line)
        if not match or match.group(1) not in LARGE_TABLES:
            if "VIRTUAL TABLE" in line and "INDEX 0:M" not in line:
                bad.append(f"a full-text table read without MATCH: {line}")
            continue
        if match.group(2) is None:
            bad.append(f"a full read of {match.group(1)}: {line}")
        elif not limited or sorts_everything:
            bad.append(f"an index walked from end to end, not stopped by a LIMIT: {line}")
    return bad


def _check(engine: Engine, call: Callable[[], object]) -> list[str]:
    """Run *call*, and the plan of every statement it sent; returns its violations."""
    sent: list[tuple[str, Any]] = []

    def capture(_c: Any, _cursor: Any, sql: str, parameters: Any, _ctx: Any, _many: Any) -> None:
        sent.append((sql, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert sent, "the call sent no SQL"
    problems = []
    for sql, parameters in sent:
        plan = _plan(engine, sql, parameters)
        problems += [f"{v}\n  in: {' '.join(sql.split())[:300]}" for v in _violations(sql, plan)]
    return problems


def _ids(archive: Archive) -> dict[str, int]:
    """Stakeholders, proposals and a source at both ends of the Zipf curve."""
    with archive.engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None

        def one(sql: str) -> int:
            return int(raw.execute(sql).fetchone()[0])

        by_speaker = "SELECT speaker_id FROM statement GROUP BY speaker_id ORDER BY count(*)"
        by_proposal = (
            "SELECT proposal_id FROM statement_proposal GROUP BY proposal_id ORDER BY count(*)"
        )
        return {
            "busy": one(by_speaker + " DESC LIMIT 1"),
            "quiet": one(by_speaker + " LIMIT 1"),
            "popular": one(by_proposal + " DESC LIMIT 1"),
            "rare": one(by_proposal + " LIMIT 1"),
            "position": one("SELECT max(id) FROM position"),
            "source": one("SELECT max(id) FROM source"),
        }


def _calls(archive: Archive) -> Iterator[tuple[str, Callable[[], object]]]:
    ids = _ids(archive)
    yield "stakeholders", lambda: archive.stakeholders()
    yield "stakeholders by name", lambda: archive.stakeholders(name="smith")
    yield "stakeholders, no name matches", lambda: archive.stakeholders(name="zzqx")
    yield "stakeholders of a category", lambda: archive.stakeholders(categories={"council"})
    page = archive.stakeholders()
    yield "stakeholders, next page", lambda: archive.stakeholders(after=page.cursor)
    yield "first screenful", lambda: archive.first_stakeholders()
    yield "first screenful by name", lambda: archive.first_stakeholders(name="smith")
    yield "first screenful of a category", lambda: archive.first_stakeholders({"council"}, "s")
    yield "category counts", lambda: archive.category_counts()
    yield "category counts by name", lambda: archive.category_counts(name="smith")
    organisations = [s.id for s in archive.first_stakeholders().rows if s.kind == "organisation"]
    yield "people of the organisations", lambda: archive.people_by_organisation(organisations)
    yield "people of those selected", lambda: archive.people_of(organisations[:3])
    filters = {
        "all": Filters(),
        "busy speaker": Filters(stakeholders=frozenset({ids["busy"]})),
        "quiet speaker": Filters(stakeholders=frozenset({ids["quiet"]})),
        "two speakers": Filters(stakeholders=frozenset({ids["busy"], ids["quiet"]})),
        "category": Filters(categories=frozenset({"council"})),
        "popular proposal": Filters(proposals=frozenset({ids["popular"]})),
        "rare proposal": Filters(proposals=frozenset({ids["rare"]})),
        "source": Filters(sources=frozenset({ids["source"]})),
        "common search": Filters(search="care trusts"),
        "rare search": Filters(search="zebra"),
        "speaker and search": Filters(stakeholders=frozenset({ids["busy"]}), search="care"),
    }
    for sort in ("date", "source", "stakeholder"):
        for name, narrowed in filters.items():
            for descending in (False, True):
                label = f"quotes by {sort}{' desc' if descending else ''}, {name}"
                first = archive.quotes(narrowed, sort=sort, descending=descending)  # type: ignore[arg-type]
                yield (
                    label,
                    lambda n=narrowed, s=sort, d=descending: archive.quotes(
                        n, sort=s, descending=d
                    ),
                )
                if first.cursor is not None:
                    yield (
                        label + ", next page",
                        lambda n=narrowed, s=sort, d=descending, c=(first.cursor): archive.quotes(
                            n, sort=s, descending=d, after=c
                        ),
                    )
    for name, narrowed in filters.items():
        # A new Archive each: the one above has counted most of them already, and answers.
        fresh = Archive(archive.engine)
        yield f"quote count, {name}", lambda n=narrowed, a=fresh: a.quote_count(n)
        bounded = Archive(archive.engine)
        yield (
            f"quote count up to 10,000, {name}",
            lambda n=narrowed, a=bounded: a.quote_total(n, at_most=10_000),
        )
    busy = frozenset({ids["busy"]})
    yield "positions of a stakeholder", lambda: archive.positions(Filters(stakeholders=busy))
    yield (
        "positions on a proposal",
        lambda: archive.positions(Filters(proposals=frozenset({ids["rare"]}))),
    )
    yield (
        "matrix of two stakeholders",
        lambda: archive.matrix(Filters(stakeholders=frozenset({ids["busy"], ids["quiet"]}))),
    )
    yield "matrix rows", lambda: archive.matrix_stakeholders()
    yield (
        "matrix rows of a category",
        lambda: archive.matrix_stakeholders(Filters(categories=frozenset({"council"}))),
    )
    matrix_page = archive.matrix_stakeholders()
    yield "matrix rows, next page", lambda: archive.matrix_stakeholders(after=matrix_page.cursor)
    yield "matrix columns", lambda: archive.matrix_proposals()
    yield (
        "matrix block",
        lambda: archive.matrix_cells([s.id for s in matrix_page.rows[:40]], range(1, 16)),
    )
    yield "compare", lambda: archive.compare([ids["busy"], ids["quiet"]])
    yield "source text", lambda: archive.source_text(ids["source"])
    yield "evidence", lambda: archive.evidence(ids["position"])
    yield "positions citing", lambda: archive.positions_citing(1)
    yield "proposals", lambda: archive.proposals()
    yield "sources page", lambda: archive.sources_page()
    yield "sources page, common search", lambda: archive.sources_page("care trusts")
    yield "sources page, rare search", lambda: archive.sources_page("zebra")
    sources_page = archive.sources_page()
    yield "sources page, next", lambda: archive.sources_page(after=sources_page.cursor)


def test_every_hot_query_uses_an_index(engine: Engine, archive: Archive) -> None:
    problems = []
    for label, call in _calls(archive):
        problems += [f"{label}: {p}" for p in _check(engine, call)]
    assert not problems, "\n".join(problems)


def test_the_rule_catches_a_full_scan(engine: Engine) -> None:
    sql = "SELECT id FROM statement WHERE kind = 'direct' ORDER BY text LIMIT 5"
    assert _violations(sql, _plan(engine, sql, ()))
    sql = "SELECT id FROM statement ORDER BY sort_date, source_id, start, id LIMIT 5"
    assert not _violations(sql, _plan(engine, sql, ()))


def test_the_synthetic_archive_is_large(archive: Archive) -> None:
    assert archive.quote_count() == QUOTES
