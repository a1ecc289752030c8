"""Positions over time: per-statement stances, date spans, changes of position, the reader."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from timeline_fixture import build_changed_database, write_dataset

from carebrowser.analysis.timeline import (
    bucket_months,
    changes_of_position,
    period_label,
    spells_of,
)
from carebrowser.data.build import DatasetError, build_database
from carebrowser.data.database import open_database
from carebrowser.data.dates import OPEN_END, date_span
from carebrowser.data.schema import Position, StatementStance, position_evidence
from carebrowser.queries import Archive, Filters
from carebrowser.queries.timeline import Timeline

ROOT = Path(__file__).resolve().parents[1]
D = dt.date


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Timeline]:
    """The reader over the small dataset in which the LGA changes position."""
    path = build_changed_database(tmp_path_factory.mktemp("changed"))
    engine, _info = open_database(path)
    yield Timeline(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def bundled() -> Iterator[Timeline]:
    """The reader over the bundled dataset."""
    engine, _info = open_database()
    yield Timeline(engine)
    engine.dispose()


# -- dates keep their precision -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("date", "precision", "span"),
    [
        (D(2002, 10, 17), "day", (D(2002, 10, 17), D(2002, 10, 17))),
        (D(2002, 10, 1), "month", (D(2002, 10, 1), D(2002, 10, 31))),
        (D(2004, 2, 1), "month", (D(2004, 2, 1), D(2004, 2, 29))),
        (D(2001, 1, 1), "year", (D(2001, 1, 1), D(2001, 12, 31))),
        (D(2001, 10, 1), "approximate", (D(2001, 10, 1), D(2001, 12, 31))),
        (D(2001, 11, 1), "approximate", (D(2001, 11, 1), D(2002, 1, 31))),
        (D(2001, 11, 20), "approximate", (D(2001, 11, 20), D(2002, 1, 31))),
        (D(2002, 10, 16), "on or after", (D(2002, 10, 16), OPEN_END)),
    ],
)
def test_a_date_stands_for_the_span_its_precision_allows(
    date: dt.date, precision: str, span: tuple[dt.date, dt.date]
) -> None:
    assert date_span(date, precision) == span


# -- the bundled dataset's stances ------------------------------------------------------------


def test_evidence_carries_its_positions_stance_unless_reviewed(archive: Archive) -> None:
    reviewed = tomllib.loads((ROOT / "db" / "stances.toml").read_text(encoding="utf-8"))
    overrides = {(r["statement"], r["proposal"]): r for r in reviewed["stance"]}
    with archive.engine.connect() as connection:
        stances = {
            (row.statement_id, row.proposal_id): row
            for row in connection.execute(select(StatementStance))
        }
        evidence = connection.execute(
            select(position_evidence.c.statement_id, Position.proposal_id, Position.stance).join(
                Position, Position.id == position_evidence.c.position_id
            )
        ).all()
    keys = {q.id: q.quote_id for q in archive.all_quotes()}
    proposals = {p.id: p.key for p in archive.proposals()}
    assert evidence, "the bundled dataset has positions with evidence"
    for statement_id, proposal_id, stance in evidence:
        shown = stances[(statement_id, proposal_id)]
        override = overrides.get((keys[statement_id], proposals[proposal_id]))
        if override is None:
            assert (shown.stance, shown.note) == (stance, None)
        else:
            assert shown.stance == override["stance"] != stance
            assert shown.note == override["note"]
    # Every reviewed entry is in the database, with its note.
    for (quote, proposal), entry in overrides.items():
        ids = [i for i, k in keys.items() if k == quote]
        row = stances[(ids[0], next(i for i, k in proposals.items() if k == proposal))]
        assert (row.stance, row.note) == (entry["stance"], entry["note"])


def test_the_bundled_stances_keep_their_sources_date_spans(bundled: Timeline) -> None:
    marks = bundled.marks()
    by_quote = {(m.quote_id, m.proposal): m for m in marks}
    # 000 is dated on or after the Cardiff speech of 16 October 2002: a span with no known end.
    lgc = by_quote[("lgc-17", "Fines for delayed discharge (bed blocking)")]
    assert (lgc.date_from, lgc.date_until) == (D(2002, 10, 16), OPEN_END)
    assert lgc.is_span and lgc.is_open_ended
    assert lgc.date_label == "on or after 16 Oct 2002 (inferred)"
    # 004 is approximately April 2001: April to June, never a day of it.
    wall = by_quote[("bw-15", "Care trusts")]
    assert (wall.date_from, wall.date_until) == (D(2001, 4, 1), D(2001, 6, 30))
    assert wall.date_label == "c. Apr 2001 (inferred)" and not wall.is_open_ended
    # 003's reports are dated by month: the whole of October 2001.
    conference = by_quote[("cc-13", "Care trusts")]
    assert (conference.date_from, conference.date_until) == (D(2001, 10, 1), D(2001, 10, 31))
    assert conference.date_label == "Oct 2001 (inferred)"
    independent = next(m for m in marks if m.quote_id == "ind-01")
    assert not independent.is_span and independent.date_label == "17 Oct 2002"
    assert [m.date_from for m in marks] == sorted(m.date_from for m in marks)
    # The extent ends on the latest day known: an open end does not stretch it to year 9999.
    assert bundled.extent() == (D(2001, 4, 1), D(2002, 10, 17))


def test_the_lga_and_milburn_between_2001_and_2002(bundled: Timeline, archive: Archive) -> None:
    """The README's question: the LGA's stances move from care trusts (2001) to children's
    trusts and fines (2002); Milburn supports every proposal he speaks to in both years."""
    ids = archive.find_stakeholders(["Local Government Association", "Alan Milburn"])
    filters = Filters(stakeholders=ids, date_from=D(2001, 1, 1), date_to=D(2002, 12, 31))
    rows, total = bundled.rows(filters)
    assert total == 2 and {r.label for r in rows} == {
        "Local Government Association",
        "Alan Milburn",
    }
    lga = {
        (m.date_from.year, m.proposal, m.stance)
        for m in bundled.marks(filters)
        if m.stakeholder == "Local Government Association"
    }
    assert lga == {
        (2001, "Care trusts", "concerns"),
        (2002, "Children's trusts", "concerns"),
        (2002, "Fines for delayed discharge (bed blocking)", "opposes"),
    }
    milburn = {m.stance for m in bundled.marks(filters) if m.stakeholder == "Alan Milburn"}
    assert milburn == {"supports"}
    # Nobody in the five articles is recorded changing stance on one proposal over time.
    assert changes_of_position(bundled.spells()) == {}


# -- a change of position ---------------------------------------------------------------------


def test_a_change_of_position_is_found_and_described(changed: Timeline) -> None:
    changes = changes_of_position(changed.spells())
    assert len(changes) == 1
    (change,) = changes.values()
    assert change.describe() == "changed: concerns in 2001, opposes in 2002"
    rows, _total = changed.rows()
    lga = next(r for r in rows if r.label == "Local Government Association")
    assert change.stakeholder_id == lga.id


def test_a_date_filter_that_leaves_one_period_shows_no_change(changed: Timeline) -> None:
    only_2002 = Filters(date_from=D(2002, 1, 1), date_to=D(2002, 12, 31))
    assert changes_of_position(changed.spells(only_2002)) == {}
    assert {m.quote_id for m in changed.marks(only_2002)} == {"lga-2002", "milburn-2002"}


def test_stances_at_the_same_time_are_no_change() -> None:
    """Two stances in overlapping spans (one article, or a month and a day in it) may have been
    shown at the same time: not a change. One wholly before the other is."""
    same_time = [
        (1, 7, "concerns", D(2002, 10, 1), D(2002, 10, 31)),
        (1, 7, "opposes", D(2002, 10, 17), D(2002, 10, 17)),
        (1, 7, "opposes", D(2002, 10, 1), D(2002, 12, 31)),
    ]
    assert changes_of_position(spells_of(same_time)) == {}
    later = [*same_time, (1, 7, "supports", D(2003, 3, 1), D(2003, 3, 31))]
    (change,) = changes_of_position(spells_of(later)).values()
    assert [s.stance for s in change.steps] == ["concerns", "opposes", "supports"]
    assert change.describe() == (
        "changed: concerns in Oct 2002, opposes in Oct\u2013Dec 2002, supports in Mar 2003"
    )


def test_an_open_ended_stance_after_a_closed_one_is_a_change() -> None:
    """'On or after' a day comes after every span that ends before that day; its period is
    named by the days known, never by the open end."""
    marks = [
        (1, 7, "concerns", D(2001, 4, 1), D(2001, 6, 30)),
        (1, 7, "opposes", D(2002, 10, 16), OPEN_END),
    ]
    (change,) = changes_of_position(spells_of(marks)).values()
    assert change.describe() == "changed: concerns in 2001, opposes in 2002"
    # Two pieces on or after the same day, or one on or after a day and one dated later, may
    # have been published at the same time: not a change.
    same_time = [
        (1, 7, "concerns", D(2002, 10, 16), OPEN_END),
        (1, 7, "opposes", D(2002, 10, 17), D(2002, 10, 17)),
    ]
    assert changes_of_position(spells_of(same_time)) == {}


def test_period_labels() -> None:
    assert period_label(D(2001, 3, 1), D(2001, 12, 31)) == "2001"
    assert period_label(D(2001, 3, 1), D(2002, 1, 31)) == "2001\u20132002"
    assert period_label(D(2001, 3, 1), D(2001, 3, 31), months=True) == "Mar 2001"
    assert period_label(D(2001, 11, 1), D(2002, 1, 31), months=True) == "Nov 2001\u2013Jan 2002"
    assert bucket_months(D(2001, 1, 1), D(2002, 12, 31)) == 1
    assert bucket_months(D(1996, 1, 1), D(2005, 12, 31)) == 3
    assert bucket_months(D(1990, 1, 1), D(2005, 12, 31)) == 12


def test_counts_per_period_add_up_to_the_marks(changed: Timeline) -> None:
    rows, _total = changed.rows(axis="proposal")
    counts = changed.counts(Filters(), "proposal", [r.id for r in rows], 12)
    assert {(c.period, c.stance, c.count) for c in counts} == {
        (D(2001, 1, 1), "concerns", 1),
        (D(2001, 1, 1), "supports", 1),
        (D(2002, 1, 1), "opposes", 1),
        (D(2002, 1, 1), "supports", 1),
    }
    window = (D(2002, 1, 1), D(2002, 12, 31))
    assert changed.mark_count(Filters(), window, at_most=100) == 2
    ticks, more = changed.sources(Filters(), window)
    assert not more and [t.title for t in ticks] == ["Councils reject care trusts"]
    ticks, more = changed.sources(Filters(), limit=1)
    assert more and [t.title for t in ticks] == ["Councils wary of care trusts"]


# -- the stances file's rules -----------------------------------------------------------------


@pytest.fixture
def dataset(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "db")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('statement = "lga-2001"', 'statement = "nobody"'), r"unknown statement 'nobody'"),
        (('proposal = "care-trusts"', 'proposal = "fines"'), r"unknown proposal 'fines'"),
        (
            ('stance = "concerns"', 'stance = "opposes"'),
            r"'opposes' is already the stance of the position",
        ),
        (('stance = "concerns"', 'stance = "hates"'), r"stance 'hates' is not one of"),
        (("note = ", "# note = "), r"'note' is missing"),
    ],
)
def test_a_bad_stance_entry_is_refused_naming_the_file(
    dataset: Path, change: tuple[str, str], message: str
) -> None:
    path = dataset / "stances.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(*change), encoding="utf-8")
    with pytest.raises(DatasetError, match=r"stances\.toml, entry .*: " + message):
        build_database(dataset, dataset / "out.sqlite")
    assert not (dataset / "out.sqlite").exists()


def test_a_stance_on_a_proposal_the_statement_does_not_speak_to_is_refused(dataset: Path) -> None:
    with (dataset / "proposals.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[proposal]]\nid = "fines"\ntitle = "Fines"\nsummary = "s"\n')
        handle.write('policy_area = "a"\n')
    with (dataset / "stances.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[[stance]]\nstatement = "lga-2002"\nproposal = "fines"\n')
        handle.write('stance = "opposes"\nnote = "n"\n')
    with pytest.raises(DatasetError, match=r"does not speak to this proposal"):
        build_database(dataset, dataset / "out.sqlite")


def test_without_a_stances_file_every_evidence_has_its_positions_stance(dataset: Path) -> None:
    (dataset / "stances.toml").unlink()
    built = build_database(dataset, dataset / "out.sqlite")
    with sqlite3.connect(built) as connection:
        stances = connection.execute("SELECT stance FROM statement_stance").fetchall()
    assert sorted(s for (s,) in stances) == ["opposes", "opposes", "supports", "supports"]


def test_the_stances_file_is_part_of_the_datasets_digest(tmp_path: Path) -> None:
    from carebrowser.data.build import dataset_digest

    copy = tmp_path / "db"
    shutil.copytree(ROOT / "db", copy, ignore=shutil.ignore_patterns("*.sqlite"))
    before = dataset_digest(copy)
    with (copy / "stances.toml").open("a", encoding="utf-8") as handle:
        handle.write("\n# reviewed again\n")
    assert dataset_digest(copy) != before


def test_a_synthetic_archive_has_stances_over_ten_years_and_changes(tmp_path: Path) -> None:
    from carebrowser.data.synth import Sizes, synthesize

    path = synthesize(tmp_path / "synthetic.sqlite", Sizes.for_quotes(2000), seed=5)
    with sqlite3.connect(path) as connection:
        unstanced = connection.execute(
            "SELECT count(*) FROM statement_proposal LEFT JOIN statement_stance USING "
            "(statement_id, proposal_id) WHERE stance IS NULL"
        ).fetchone()
        copied = connection.execute(
            "SELECT count(*) FROM statement_stance JOIN statement ON id = statement_id "
            "WHERE statement_stance.speaker_id <> statement.speaker_id OR date_from <> sort_date"
        ).fetchone()
    assert unstanced == (0,) and copied == (0,)
    engine, _info = open_database(path)
    try:
        reader = Timeline(engine)
        extent = reader.extent()
        assert extent is not None and extent[1].year - extent[0].year >= 9
        changes = changes_of_position(reader.spells())
        assert changes
        for change in changes.values():
            assert len({step.stance for step in change.steps}) >= 2
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2001", D(2001, 1, 1), D(2001, 12, 31)),
        ("2002-02", D(2002, 2, 1), D(2002, 2, 28)),
        (" 2002-10-17 ", D(2002, 10, 17), D(2002, 10, 17)),
    ],
)
def test_a_typed_date_bounds_its_period(text: str, first: dt.date, last: dt.date) -> None:
    from carebrowser.data.dates import date_bound

    assert (date_bound(text), date_bound(text, last=True)) == (first, last)


@pytest.mark.parametrize("text", ["", "01", "2001-13", "2001-02-30", "last year", "2001/10"])
def test_a_date_that_is_not_one_is_refused_in_one_sentence(text: str) -> None:
    from carebrowser.data.dates import date_bound

    with pytest.raises(ValueError, match=r"is not a date: give YYYY, YYYY-MM or YYYY-MM-DD"):
        date_bound(text)


# -- the command line ---------------------------------------------------------------------------


def test_export_timeline_writes_each_stance_in_time_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    from carebrowser.cli import main

    path = build_changed_database(tmp_path)
    assert main(["--db", str(path), "export", "timeline"]) == 0
    rows = list(csv.reader(capsys.readouterr().out.lstrip("\ufeff").splitlines()))
    assert rows[0][:7] == [
        "date",
        "precision",
        "from",
        "until",
        "stakeholder",
        "proposal",
        "stance",
    ]
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["quote_id"] for r in body] == ["lga-2001", "milburn-2001", "lga-2002", "milburn-2002"]
    lga = [r for r in body if r["stakeholder"] == "Local Government Association"]
    assert [(r["date"], r["precision"], r["stance"]) for r in lga] == [
        ("Mar 2001 (inferred)", "month", "concerns"),
        ("12 Jun 2002", "day", "opposes"),
    ]
    assert {r["changed"] for r in lga} == {"changed: concerns in 2001, opposes in 2002"}
    assert lga[0]["stance_note"] == "'serious concerns', not yet opposition."
    assert lga[0]["headline"] == "Councils wary of care trusts"
    # --from and --to keep one period; no change shows within it.
    assert main(["--db", str(path), "export", "timeline", "--from", "2002", "--to", "2002"]) == 0
    rows = list(csv.reader(capsys.readouterr().out.lstrip("\ufeff").splitlines()))
    assert [row[9] for row in rows[1:]] == ["lga-2002", "milburn-2002"]
    assert all(row[7] == "" for row in rows[1:])


def test_export_timeline_as_a_workbook_names_the_period(tmp_path: Path) -> None:
    import openpyxl

    from carebrowser.cli import main

    path = build_changed_database(tmp_path)
    target = tmp_path / "timeline.xlsx"
    argv = ["--db", str(path), "export", "timeline", "--from", "2001-03", "--to", "2002-06"]
    assert main([*argv, "-o", str(target)]) == 0
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["timeline 2001-03-01\u20132002-06-30", "Sources"]
    assert book.worksheets[0].max_row == 5


def test_every_export_takes_the_date_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from carebrowser.cli import main

    path = build_changed_database(tmp_path)
    assert main(["--db", str(path), "export", "quotes", "--to", "2001"]) == 0
    out = capsys.readouterr().out
    assert "lga-2001" in out and "lga-2002" not in out


def test_a_bad_date_on_the_command_line_is_one_sentence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from carebrowser.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["export", "timeline", "--from", "2001-13"])
    assert stopped.value.code == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.endswith(
        "argument --from: '2001-13' is not a date: give YYYY, YYYY-MM or YYYY-MM-DD, "
        "such as 2001-10"
    )


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        (None, None, "all dates"),
        (D(2001, 1, 1), D(2002, 12, 31), "2001\u20132002"),
        (D(2002, 1, 1), D(2002, 12, 31), "2002"),
        (D(2001, 10, 1), D(2002, 3, 31), "1 Oct 2001 to 31 Mar 2002"),
        (D(2001, 3, 3), None, "from 3 Mar 2001"),
        (None, D(2001, 12, 31), "until 31 Dec 2001"),
    ],
)
def test_the_period_in_words(first: dt.date | None, last: dt.date | None, words: str) -> None:
    assert Filters(date_from=first, date_to=last).period() == words
