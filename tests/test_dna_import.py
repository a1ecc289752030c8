"""Discourse Network Analyzer files, DNA 3 and DNA 2: read-only import, mapping, report, cache,
and one sentence for every file that cannot be read."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from bench.dna_files import DnaDocument, DnaStatement, span, write_dna
from carebrowser.cli import main
from carebrowser.data.dna_cache import cache_folder, cached_conversion
from carebrowser.data.dna_file import DnaFileError
from carebrowser.data.dna_import import import_dna
from carebrowser.data.schema import stored_count_errors
from carebrowser.queries import Archive, Filters
from tests.dna_debate import CARE_TRUSTS, DOH, FINES, LGA, TEXTS, write_debate

VERSIONS = pytest.mark.parametrize("major", [3, 2])


def _rows(path: Path, query: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return connection.execute(query).fetchall()
    finally:
        connection.close()


def _fingerprint(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


@VERSIONS
def test_every_statement_is_its_documents_span_and_the_file_is_untouched(
    tmp_path: Path, major: int
) -> None:
    dna = write_debate(tmp_path / "debate.dna", major)
    dna.chmod(0o444)  # read-only on disk: the import needs no more
    before = _fingerprint(dna)
    report = import_dna(dna, tmp_path / "out.sqlite")
    assert _fingerprint(dna) == before
    assert sorted(os.listdir(tmp_path)) == ["debate.dna", "out.sqlite"]  # no journal left
    out = tmp_path / "out.sqlite"
    statements = _rows(
        out,
        'SELECT s.text, substr(src.text, s.start + 1, s."end" - s.start) FROM statement s '
        "JOIN source src ON src.id = s.source_id ORDER BY s.source_id, s.start",
    )
    assert [text for text, _span in statements] == TEXTS
    assert all(text == in_source for text, in_source in statements)
    assert report.statements == 5 and report.dna_statements == 9
    assert report.documents == 5 and report.proposals == 2 and report.positions == 4
    assert (report.people, report.organisations) == (2, 2)
    assert report.joined == 1 and report.duplicates == 1
    assert {reason: ids for reason, ids in report.skipped.items()} == {
        "whose span does not fit in its document's text": [100],
        "with neither a person nor an organisation": [8],
    }
    assert report.not_imported == ["1 statement(s) of the type 'Annotation'"]
    assert report.flagged_dates == ["'An old pamphlet' (DNA id 3): 1850-01-01, before 1900"]
    assert stored_count_errors_of(out) == []
    # the report is kept in the database, for "About this dataset"
    assert _rows(out, "SELECT value FROM meta WHERE key = 'import_report'") == [(report.text(),)]


def stored_count_errors_of(path: Path) -> list[str]:
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return stored_count_errors(connection)
    finally:
        engine.dispose()


@VERSIONS
def test_positions_are_derived_from_agreement_with_their_statements_as_evidence(
    tmp_path: Path, major: int
) -> None:
    out = tmp_path / "out.sqlite"
    import_dna(write_debate(tmp_path / "debate.dna", major), out)
    positions = _rows(
        out,
        "SELECT k.name, p.title, x.stance, x.summary, (SELECT group_concat(s.text, ' | ') FROM "
        "position_evidence e JOIN statement s ON s.id = e.statement_id WHERE e.position_id = x.id"
        ") FROM position x JOIN stakeholder k ON k.id = x.stakeholder_id "
        "JOIN proposal p ON p.id = x.proposal_id ORDER BY k.name, p.title",
    )
    assert positions == [
        ("Alan Milburn", CARE_TRUSTS, "mixed",
         "2 coded statements on Care trusts: 1 agreeing, 1 disagreeing.",
         "care trusts are the future of care | care trusts may wait a year"),
        ("Jane Roe", CARE_TRUSTS, "opposes", "1 coded statement on Care trusts: 1 disagreeing.",
         "fines are unfair to councils and to care trusts"),
        ("Jane Roe", FINES, "opposes",
         "1 coded statement on Fines for delayed discharge: 1 disagreeing.",
         "fines are unfair to councils and to care trusts"),
        (LGA, CARE_TRUSTS, "mixed",
         "2 coded statements on Care trusts: 1 agreeing, 1 disagreeing.",
         "care trusts would weaken councils | The LGA welcomed that"),
    ]  # fmt: skip
    # one statement, two concepts: the span coded twice by DNA
    links = _rows(
        out,
        "SELECT p.title FROM statement_proposal l JOIN proposal p ON p.id = l.proposal_id "
        "JOIN statement s ON s.id = l.statement_id WHERE s.text LIKE 'fines%' ORDER BY p.title",
    )
    assert links == [(CARE_TRUSTS,), (FINES,)]


@VERSIONS
def test_people_organisations_concepts_and_documents_keep_what_dna_records(
    tmp_path: Path, major: int
) -> None:
    out = tmp_path / "out.sqlite"
    import_dna(write_debate(tmp_path / "debate.dna", major), out)
    people = dict(
        (name, rest)
        for name, *rest in _rows(
            out,
            "SELECT k.name, k.kind, k.category, o.name, k.aliases, k.note FROM stakeholder k "
            "LEFT JOIN stakeholder o ON o.id = k.organisation_id",
        )
    )
    assert people["Jane Roe"][:3] == ["person", "local government", LGA]
    assert people["Jane Roe"][4] == f"Coded with: {LGA} (2 statements)."
    assert people["Alan Milburn"][:3] == ["person", "other", DOH]
    assert people[LGA][:4] == ["organisation", "local government", None, "LGA"]
    assert "Notes: Councils in England." in people[LGA][4]
    assert people[DOH][1] == "other" and "Type in the DNA file: Ministry." in people[DOH][4]
    if major == 3:  # DNA 3's user-defined attributes
        assert "Country (DNA attribute): England." in people[LGA][4]
    proposals = dict(_rows(out, "SELECT title, summary FROM proposal"))
    assert proposals[FINES] == (
        "A concept coded in the DNA file, under Hospital discharge. Notes: Reimbursement"
    )
    sources = _rows(
        out, "SELECT headline, author, publication, date, date_precision, note FROM source "
        "ORDER BY id LIMIT 2"
    )  # fmt: skip
    assert sources[0] == (
        "Councils wary of care trusts", "By A Reporter", "Community Care", "2001-06-01", "day",
        "Section: News. Type: report. Notes: first capture. DNA document 1.",
    )  # fmt: skip
    # DNA 2's Java milliseconds of a coder's local midnight (UTC+1) are still 5 March 2002
    assert sources[1][3] == "2002-03-05"


def test_integer_agreement_gives_each_sign_its_stance(tmp_path: Path) -> None:
    text = "One. Two. Three. Four."
    documents = [DnaDocument("D", text, dt.date(2001, 1, 1))]
    statements = [
        DnaStatement(0, *span(text, word), organization="Org", concept=concept, agreement=value)
        for word, concept, value in (
            ("One", "A", 2), ("Two", "A", 1), ("Three", "B", -1), ("Four", "C", 0),
        )
    ]  # fmt: skip
    dna = write_dna(tmp_path / "int.dna", 3, documents, statements, agreement_type="integer")
    out = tmp_path / "out.sqlite"
    import_dna(dna, out)
    stances = _rows(
        out, "SELECT p.title, x.stance FROM position x JOIN proposal p ON p.id = x.proposal_id "
        "ORDER BY p.title"
    )  # fmt: skip
    assert stances == [("A", "supports"), ("B", "opposes"), ("C", "mixed")]


def test_another_statement_type_is_read_by_its_label(tmp_path: Path) -> None:
    dna = write_debate(tmp_path / "debate.dna", 3)
    with sqlite3.connect(dna) as connection:
        connection.execute("UPDATE STATEMENTTYPES SET Label = 'Claim' WHERE ID = 1")
    connection.close()
    with pytest.raises(DnaFileError, match="has no statement type labelled 'DNA Statement'"):
        import_dna(dna, tmp_path / "out.sqlite")
    assert import_dna(dna, tmp_path / "out.sqlite", statement_type="Claim").statements == 5


def test_the_command_writes_the_database_and_prints_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dna = write_debate(tmp_path / "debate.dna", 2)
    out = tmp_path / "out.sqlite"
    assert main(["import", "dna", str(dna), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"{dna}: DNA 2 (2.0 beta 25), statement type 'DNA Statement'" in printed
    assert "  statements    5 from 9 DNA statements (2 skipped)" in printed
    assert main(["--db", str(out), "list", "proposals"]) == 0
    assert CARE_TRUSTS in capsys.readouterr().out


def _damaged(path: Path) -> Path:
    write_debate(path, 3)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _without_variable(path: Path) -> Path:
    write_debate(path, 3)
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM VARIABLES WHERE Variable = 'concept'")
    connection.close()
    return path


BAD = {
    "not SQLite": (
        lambda p: (p.write_text("hello"), p)[1],
        "is not a Discourse Network Analyzer file",
    ),
    "empty": (lambda p: (p.write_bytes(b""), p)[1], "is empty, not a DNA file"),
    "DNA 1 (XML)": (
        lambda p: (p.write_text('<?xml version="1.0"?>\n<dna></dna>'), p)[1],
        "is a DNA 1 file (XML), which carebrowser does not read. Open it in DNA 2 or 3",
    ),
    "another SQLite file": (
        lambda p: (sqlite3.connect(p).execute("CREATE TABLE t(x)"), p)[1],
        "is not a Discourse Network Analyzer file (it has no SETTINGS table)",
    ),
    "no variable": (_without_variable, "has no variable 'concept' in its statement type"),
    "damaged": (_damaged, "is damaged or not a complete DNA file"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_file_that_cannot_be_read_is_one_sentence_status_2_and_nothing_left(
    tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make, said = BAD[case]
    dna = make(tmp_path / "bad.dna")
    before = _fingerprint(dna)
    out = tmp_path / "out" / "out.sqlite"
    out.parent.mkdir()
    assert main(["import", "dna", str(dna), "-o", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"carebrowser: {dna} ") and said in error, error
    assert error.count("\n") == 1
    assert list(out.parent.iterdir()) == []
    # opened directly: the same sentence, and nothing left in the cache
    assert main(["--db", str(dna), "list", "sources"]) == 2
    assert capsys.readouterr().err == error
    assert not cache_folder().exists() or list(cache_folder().iterdir()) == []
    assert _fingerprint(dna) == before


def test_a_locked_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    dna = write_debate(tmp_path / "debate.dna", 3)
    holder = sqlite3.connect(dna, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert main(["import", "dna", str(dna), "-o", str(tmp_path / "out.sqlite")]) == 2
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "is locked by another program" in capsys.readouterr().err
    assert not (tmp_path / "out.sqlite").exists()


def test_opening_a_dna_file_converts_it_once_and_again_when_it_changes(tmp_path: Path) -> None:
    dna = write_debate(tmp_path / "debate.dna", 3)
    converted, now = cached_conversion(dna)
    assert now and converted.parent == cache_folder()
    again, now = cached_conversion(dna)
    assert (again, now) == (converted, False)
    with sqlite3.connect(dna) as connection:  # the coder goes on coding in DNA
        connection.execute("UPDATE DOCUMENTS SET Title = 'Retitled' WHERE ID = 1")
    connection.close()
    changed, now = cached_conversion(dna)
    assert now and changed != converted
    assert _rows(changed, "SELECT headline FROM source WHERE id = 1") == [("Retitled",)]


def test_the_window_and_every_command_open_a_dna_file_under_its_own_name(tmp_path: Path) -> None:
    from carebrowser.data.dna_cache import open_database_or_dna

    dna = write_debate(tmp_path / "debate.dna", 2)
    engine, info = open_database_or_dna(str(dna))
    try:
        assert info.label == str(dna) and not info.bundled
        archive = Archive(engine)
        quotes = archive.quotes(Filters(), limit=10)
        assert sorted(q.text for q in quotes.rows) == sorted(TEXTS)
    finally:
        engine.dispose()


@VERSIONS
def test_each_statement_keeps_its_own_stance_on_each_concept(tmp_path: Path, major: int) -> None:
    out = tmp_path / "out.sqlite"
    import_dna(write_debate(tmp_path / "debate.dna", major), out)
    tables = {name for (name,) in _rows(out, "SELECT name FROM sqlite_master WHERE type='table'")}
    if "statement_stance" not in tables:
        pytest.skip("this schema keeps stances in positions only")
    stances = _rows(
        out,
        "SELECT s.text, p.title, x.stance, k.name, x.date_from, x.date_until "
        "FROM statement_stance x JOIN statement s ON s.id = x.statement_id "
        "JOIN proposal p ON p.id = x.proposal_id JOIN stakeholder k ON k.id = x.speaker_id "
        "ORDER BY s.source_id, s.start, p.title",
    )
    june, march = "2001-06-01", "2002-03-05"
    assert stances == [
        (TEXTS[0], CARE_TRUSTS, "opposes", LGA, june, june),
        (TEXTS[1], CARE_TRUSTS, "supports", "Alan Milburn", june, june),
        (TEXTS[2], CARE_TRUSTS, "opposes", "Jane Roe", june, june),
        (TEXTS[2], FINES, "opposes", "Jane Roe", june, june),
        (TEXTS[3], CARE_TRUSTS, "opposes", "Alan Milburn", march, march),
        (TEXTS[4], CARE_TRUSTS, "supports", LGA, march, march),
    ]
