"""Synthetic archives: valid in the real schema, true to their rules, the same for the same seed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from carebrowser.cli import main
from carebrowser.data.database import open_database, sqlite_uri
from carebrowser.data.schema import stored_count_errors
from carebrowser.data.synth import Sizes, synthesize
from carebrowser.queries import Archive, Filters

SIZES = Sizes.for_quotes(600, stakeholders=40, proposals=12, sources=50)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesize(tmp_path_factory.mktemp("synth") / "small.sqlite", SIZES, seed=7)


@pytest.fixture
def db(synthetic: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(sqlite_uri(synthetic), uri=True)
    yield connection
    connection.close()


def _dump(path: Path) -> list[str]:
    with sqlite3.connect(sqlite_uri(path), uri=True) as connection:
        return list(connection.iterdump())


def test_sizes_follow_the_large_archive() -> None:
    assert Sizes.for_quotes(1_000_000) == Sizes(1_000_000, 20_000, 2_000, 100_000)
    with pytest.raises(ValueError):
        Sizes.for_quotes(0)


def test_counts_and_integrity(db: sqlite3.Connection) -> None:
    count = lambda table: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
    assert count("statement") == SIZES.quotes
    assert count("stakeholder") == SIZES.stakeholders
    assert count("proposal") == SIZES.proposals
    assert count("source") == SIZES.sources
    assert count("position") > 0 and count("statement_proposal") > 0
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()


def test_stored_counts_are_the_counted_rows(synthetic: Path) -> None:
    engine, _info = open_database(synthetic)
    with engine.connect() as connection:
        assert stored_count_errors(connection) == []
        busiest = connection.execute(
            text("SELECT max(statement_count), sum(statement_count) FROM stakeholder")
        ).one()
    engine.dispose()
    assert busiest[0] > 1 and busiest[1] == SIZES.quotes


def test_every_statement_is_a_span_of_its_source(db: sqlite3.Connection) -> None:
    wrong = db.execute(
        "SELECT count(*) FROM statement st JOIN source so ON so.id = st.source_id "
        'WHERE substr(so.text, st.start + 1, st."end" - st.start) <> st.text '
        "OR st.sort_date <> so.date"
    ).fetchone()[0]
    assert wrong == 0


def test_every_position_rests_on_its_stakeholders_words(db: sqlite3.Connection) -> None:
    assert (
        db.execute(
            "SELECT count(*) FROM position p WHERE NOT EXISTS "
            "(SELECT 1 FROM position_evidence e WHERE e.position_id = p.id)"
        ).fetchone()[0]
        == 0
    )
    assert (
        db.execute(
            "SELECT count(*) FROM position_evidence e JOIN position p ON p.id = e.position_id "
            "JOIN statement s ON s.id = e.statement_id WHERE s.speaker_id <> p.stakeholder_id"
        ).fetchone()[0]
        == 0
    )


def test_a_few_speak_often_and_most_rarely(db: sqlite3.Connection) -> None:
    counts = [c for (c,) in db.execute("SELECT count(*) FROM statement GROUP BY speaker_id")]
    counts.sort(reverse=True)
    assert counts[0] > 10 * counts[len(counts) // 2]
    dates = db.execute("SELECT min(date), max(date) FROM source").fetchone()
    assert dates[0] < "1998" and dates[1] > "2004"


def test_constraints_hold(synthetic: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(synthetic.read_bytes())
    with sqlite3.connect(copy) as connection:
        connection.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute('UPDATE statement SET "end" = start + 1 WHERE id = 1')
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("UPDATE position SET stance = 'adores' WHERE id = 1")


def test_same_seed_same_content_other_seed_other(synthetic: Path, tmp_path: Path) -> None:
    again = synthesize(tmp_path / "again.sqlite", SIZES, seed=7)
    other = synthesize(tmp_path / "other.sqlite", SIZES, seed=8)
    assert _dump(again) == _dump(synthetic)
    assert _dump(other) != _dump(synthetic)


def test_the_query_layer_works_on_it(synthetic: Path) -> None:
    engine, _info = open_database(synthetic)
    archive = Archive(engine)
    try:
        first = archive.stakeholders().rows[0]
        quotes = archive.quotes(Filters(stakeholders=frozenset({first.id})), limit=1000).rows
        assert len(quotes) == first.statement_count
        assert archive.quote_count(Filters(search="care trusts")) > 0
        assert archive.matrix().cells
        full = archive.source_text(quotes[0].source_id if quotes else 1)
        assert all(full.text[s.start : s.end] for s in full.spans)
    finally:
        engine.dispose()


def test_the_command_writes_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "tiny.sqlite"
    assert main(["synth", "--quotes", "50", "--seed", "3", "-o", str(target)]) == 0
    assert str(target) in capsys.readouterr().out
    with sqlite3.connect(sqlite_uri(target), uri=True) as connection:
        assert connection.execute("SELECT count(*) FROM statement").fetchone() == (50,)


@pytest.mark.parametrize("sort", ["date", "source", "stakeholder"])
def test_reading_in_order_or_by_filter_gives_the_same_pages(
    synthetic: Path, monkeypatch: pytest.MonkeyPatch, sort: str
) -> None:
    """quotes() picks a plan by how many rows match; both plans page through the same rows."""
    import carebrowser.queries.reading as reading

    engine, _info = open_database(synthetic)
    try:
        probe = Archive(engine)
        busy = probe.stakeholders().rows[0].id
        all_filters = [
            Filters(stakeholders=frozenset({busy})),
            Filters(stakeholders=frozenset({busy, busy + 1})),
            Filters(categories=frozenset({"council", "NHS body"})),
            Filters(proposals=frozenset({1, 3})),
            Filters(sources=frozenset({2, 5, 9})),
            Filters(search="care"),
            Filters(stakeholders=frozenset({busy}), search="care"),
        ]

        def pages(filters: Filters, descending: bool) -> list[int]:
            archive, seen, after = Archive(engine), [], None
            while True:
                page = archive.quotes(filters, sort=sort, descending=descending, after=after,  # type: ignore[arg-type]
                                      limit=7)  # fmt: skip
                seen += [q.id for q in page.rows]
                if page.cursor is None:
                    return seen
                after = page.cursor

        for filters in all_filters:
            for descending in (False, True):
                monkeypatch.setattr(reading, "FEW_ROWS", 1)
                in_order = pages(filters, descending)
                monkeypatch.setattr(reading, "FEW_ROWS", 10**9)
                by_filter = pages(filters, descending)
                assert in_order == by_filter, (filters, descending)
                assert len(in_order) == probe.quote_count(filters)
    finally:
        engine.dispose()


def test_source_pages_cover_the_sources_in_order(synthetic: Path) -> None:
    engine, _info = open_database(synthetic)
    try:
        archive = Archive(engine)
        for search in ("", "care trusts"):
            seen, after = [], None
            while True:
                page = archive.sources_page(search, after=after, limit=7)
                seen += page.rows
                if page.cursor is None:
                    break
                after = page.cursor
            assert seen == archive.sources(search)
    finally:
        engine.dispose()
