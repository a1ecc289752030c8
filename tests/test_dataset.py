"""The dataset is faithful to the five articles: verbatim, exact spans, nothing invented."""

from __future__ import annotations

import re
import sqlite3
import tomllib
from pathlib import Path

import pytest

from carebrowser.data.build import dataset_digest
from carebrowser.data.database import sqlite_uri

ROOT = Path(__file__).resolve().parents[1]
DB = ROOT / "db"
CAPTURES = DB / "captures"

BOILERPLATE = (
    "cookies",
    "Your browser is no longer supported",
    "Your support helps us",
    "Your donation",
    "You must sign in",
    "Have your say",
    "Comments are closed",
    "Join our commenting forum",
    "Terms and Conditions",
    "Stay up to date with notifications",
)

WORST = (
    "Blackpool", "Bracknell Forest", "Buckinghamshire", "Croydon", "Isles of Scilly", "Kirklees",
    "Lambeth", "Richmond Upon Thames", "Southend on Sea", "Stockport", "Torbay", "Warwickshire",
    "West Berkshire", "Windsor and",
)  # fmt: skip
BEST = (
    "Camden", "Cornwall", "Derby", "Derbyshire", "Dudley", "Kensington and Chelsea",
    "Leicestershire", "Medway", "Middlesbrough", "Rotherham", "Redbridge", "Salford",
    "South Tyneside", "Sunderland",
)  # fmt: skip


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _sources() -> list[dict[str, object]]:
    with (DB / "sources.toml").open("rb") as handle:
        return list(tomllib.load(handle)["source"])


@pytest.fixture(scope="module")
def db() -> sqlite3.Connection:
    connection = sqlite3.connect(sqlite_uri(DB / "carebrowser.sqlite"), uri=True)
    yield connection
    connection.close()


def test_every_capture_is_a_source() -> None:
    captures = {str(s["capture"]) for s in _sources()}
    assert captures == {p.name for p in CAPTURES.glob("*.txt")}
    assert len(captures) == 5


@pytest.mark.parametrize("source", _sources(), ids=lambda s: str(s["id"]))
def test_cleaned_text_only_removes_and_rejoins(source: dict[str, object]) -> None:
    capture = _collapse((CAPTURES / str(source["capture"])).read_text(encoding="utf-8"))
    cleaned = (DB / "sources" / f"{source['id']}.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in re.split(r"\n\s*\n", cleaned) if p.strip()]
    assert paragraphs
    for paragraph in paragraphs:
        assert _collapse(paragraph) in capture, paragraph[:80]


@pytest.mark.parametrize("source", _sources(), ids=lambda s: str(s["id"]))
def test_boilerplate_is_gone(source: dict[str, object]) -> None:
    cleaned = (DB / "sources" / f"{source['id']}.txt").read_text(encoding="utf-8")
    for phrase in BOILERPLATE:
        assert phrase.casefold() not in cleaned.casefold(), phrase


def test_every_span_is_the_verbatim_text(db: sqlite3.Connection) -> None:
    rows = db.execute(
        'SELECT st.key, st.text, substr(so.text, st.start + 1, st."end" - st.start) '
        "FROM statement st JOIN source so ON so.id = st.source_id"
    ).fetchall()
    assert len(rows) > 50
    for key, text, span in rows:
        assert text == span, key


def test_typos_are_kept_in_the_record(db: sqlite3.Connection) -> None:
    texts = " ".join(t for (t,) in db.execute("SELECT text FROM source"))
    assert "serviceto" in texts
    assert "heath secretary" in texts
    statements = " ".join(t for (t,) in db.execute("SELECT text FROM statement"))
    assert "serviceto" in statements


def test_only_the_printed_date_is_stated(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "SELECT capture, date, date_precision, date_inferred, date_evidence FROM source"
    ).fetchall()
    stated = [r for r in rows if not r[3]]
    assert [(r[0][:3], r[1], r[2]) for r in stated] == [("001", "2002-10-17", "day")]
    for capture, _date, _precision, inferred, evidence in rows:
        if inferred:
            assert evidence and len(evidence) > 20, capture


def test_every_rated_council_is_recorded(db: sqlite3.Connection) -> None:
    councils = dict(
        db.execute("SELECT name, rating FROM stakeholder WHERE category = 'council'").fetchall()
    )
    for name in WORST:
        assert councils.get(name) == "worst performer", name
    for name in BEST:
        assert councils.get(name) == "best performer", name
    truncated = db.execute("SELECT name FROM stakeholder WHERE truncated").fetchall()
    assert ("Windsor and",) in truncated


def test_positions_rest_on_their_stakeholders_words(db: sqlite3.Connection) -> None:
    unsupported = db.execute(
        "SELECT p.id FROM position p WHERE NOT EXISTS "
        "(SELECT 1 FROM position_evidence e WHERE e.position_id = p.id)"
    ).fetchall()
    assert unsupported == []
    foreign = db.execute(
        "SELECT p.id FROM position p JOIN position_evidence e ON e.position_id = p.id "
        "JOIN statement s ON s.id = e.statement_id WHERE s.speaker_id <> p.stakeholder_id"
    ).fetchall()
    assert foreign == []


def test_each_kind_of_statement_is_present(db: sqlite3.Connection) -> None:
    kinds = dict(db.execute("SELECT kind, count(*) FROM statement GROUP BY kind").fetchall())
    assert set(kinds) == {"direct", "reported", "editorial"}
    assert db.execute("SELECT count(*) FROM statement WHERE truncated").fetchone()[0] > 0


def test_the_reported_concerns_are_attributed_to_each_body(db: sqlite3.Connection) -> None:
    speakers = {
        name
        for (name,) in db.execute(
            "SELECT k.name FROM statement s JOIN stakeholder k ON k.id = s.speaker_id "
            "WHERE s.kind = 'reported' AND s.text LIKE '%serious concerns%'"
        )
    }
    assert len(speakers) == 3
    assert "Local Government Association" in speakers


def test_committed_database_is_up_to_date(db: sqlite3.Connection) -> None:
    (digest,) = db.execute("SELECT value FROM meta WHERE key = 'dataset_digest'").fetchone()
    assert digest == dataset_digest(DB), "run 'carebrowser db build' and commit the database"


def test_database_is_in_delete_journal_mode_with_fts(db: sqlite3.Connection) -> None:
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert {"statement_fts", "source_fts"} <= tables
    assert (
        db.execute(
            "SELECT count(*) FROM statement_fts WHERE statement_fts MATCH 'monolithic'"
        ).fetchone()[0]
        > 0
    )
