"""The command line: list and export, exact headers, clear errors, no Qt."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from carebrowser.cli import main
from carebrowser.data.database import bundled_database_path
from carebrowser.export import POSITION_COLUMNS, POSITION_EVIDENCE_COLUMNS, QUOTE_COLUMNS

QUOTE_HEADER = (
    "quote_id,stakeholder,category,organisation,role,quote,kind,proposals,source,publication,"
    "author,date,start,end"
)
POSITION_HEADER = "stakeholder,category,proposal,stance,summary,evidence_count,evidence_quote_ids"
EVIDENCE_HEADER = (
    "stakeholder,category,proposal,stance,summary,quote,kind,source,publication,headline,date"
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_headers_are_exact(capsys: pytest.CaptureFixture[str]) -> None:
    assert ",".join(QUOTE_COLUMNS) == QUOTE_HEADER
    assert ",".join(POSITION_COLUMNS) == POSITION_HEADER
    assert ",".join(POSITION_EVIDENCE_COLUMNS) == EVIDENCE_HEADER
    status, out, _ = _run(capsys, "export", "quotes")
    assert status == 0
    assert out.splitlines()[0] == QUOTE_HEADER
    status, out, _ = _run(capsys, "export", "positions")
    assert out.splitlines()[0] == EVIDENCE_HEADER
    status, out, _ = _run(capsys, "export", "positions", "--layout", "summary")
    assert out.splitlines()[0] == POSITION_HEADER
    status, out, _ = _run(capsys, "export", "matrix")
    assert out.splitlines()[0].startswith("stakeholder,")


def test_export_quotes_of_a_stakeholder(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        capsys, "export", "quotes", "--stakeholder", "local government ASSOCIATION"
    )
    assert status == 0
    rows = _rows(out)
    assert rows and {r["stakeholder"] for r in rows} == {"Local Government Association"}
    for row in rows:
        assert int(row["end"]) - int(row["start"]) == len(row["quote"].lstrip("'"))


def test_export_search_and_proposal(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "export", "quotes", "--search", "monolithic")
    assert status == 0
    rows = _rows(out)
    assert rows and all("monolithic" in r["quote"].casefold() for r in rows)
    status, out, _ = _run(
        capsys,
        "export",
        "positions",
        "--proposal",
        "children's trusts",
        "--category",
        "local government",
        "--layout",
        "summary",
    )
    rows = _rows(out)
    assert rows and {r["category"] for r in rows} == {"local government"}
    assert all(int(r["evidence_count"]) == len(r["evidence_quote_ids"].split("; ")) for r in rows)


def test_positions_carry_their_quotations_and_sources(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = _run(
        capsys, "export", "positions", "--stakeholder", "LGA", "--proposal", "children's trusts"
    )
    assert status == 0
    (row,) = _rows(out)
    assert row["stakeholder"] == "Local Government Association"
    assert row["stance"] == "concerns"
    assert row["quote"] == (
        "despite serious concerns from the Local Government Association, the Association of "
        "Directors of Social Services and the NHS confederation"
    )
    assert row["kind"] == "reported speech"
    assert row["publication"] == "LGCnet" and row["headline"] == ""
    assert row["date"] == "on or after 16 Oct 2002 (inferred)"
    assert row["source"] == "LGCnet, on or after 16 Oct 2002 (inferred)"
    # With its people: a row per statement of John Ransford's position too, each verbatim.
    status, out, _ = _run(
        capsys, "export", "positions", "--stakeholder", "LGA", "--with-people",
        "--proposal", "children's trusts",
    )  # fmt: skip
    rows = _rows(out)
    assert [r["stakeholder"] for r in rows].count("John Ransford") == 2
    assert any("heath secretary had not considered" in r["quote"] for r in rows)  # typo kept
    assert _run(capsys, "export", "quotes", "--layout", "summary")[0] == 2, (
        "only positions have layouts"
    )


def test_matrix_columns_are_proposals(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(
        capsys, "export", "matrix", "--stakeholder", "Alan Milburn", "--stakeholder", "LGA"
    )
    assert status == 0
    rows = _rows(out)
    assert {r["stakeholder"] for r in rows} == {"Alan Milburn", "Local Government Association"}
    stances = {v for r in rows for k, v in r.items() if k != "stakeholder"}
    assert stances - {""} <= {"supports", "conditional support", "mixed", "concerns", "opposes"}


@pytest.mark.parametrize("option", ["--stakeholder", "--proposal", "--source", "--category"])
def test_unknown_names_are_one_line_with_status_2(
    capsys: pytest.CaptureFixture[str], option: str
) -> None:
    status, out, err = _run(capsys, "export", "quotes", option, "Nonexistent Thing")
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Nonexistent Thing" in err


def test_unknown_name_names_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _run(capsys, "export", "quotes", "--stakeholder", "Local Goverment Asociation")
    assert status == 2
    assert "Local Government Association" in err


def test_output_file_is_excel_ready(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "quotes #1 é.csv"
    status, out, _ = _run(capsys, "export", "quotes", "-o", str(target))
    assert status == 0 and out == ""
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.split(b"\r\n")[0] == b"\xef\xbb\xbf" + QUOTE_HEADER.encode()
    assert len(_rows(data.decode("utf-8-sig"))) > 50
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_list_commands(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "list", "stakeholders")
    assert status == 0 and "Local Government Association" in out
    status, out, _ = _run(capsys, "list", "proposals")
    assert status == 0 and "trust" in out.casefold()
    status, out, _ = _run(capsys, "list", "sources")
    assert status == 0 and "The Independent" in out


def test_bad_database_is_one_line_with_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database")
    status, out, err = _run(capsys, "--db", str(bad), "export", "quotes")
    assert status == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and str(bad) in err


def test_commands_leave_the_bundled_database_unchanged(capsys: pytest.CaptureFixture[str]) -> None:
    with bundled_database_path() as path:
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        for argv in (["list", "stakeholders"], ["export", "quotes"], ["export", "matrix"]):
            assert main(argv) == 0
        capsys.readouterr()
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_command_line_does_not_import_qt() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from carebrowser.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['export', 'quotes']) == 0\n"
        "    assert main(['list', 'sources']) == 0\n"
        "assert not any(m.startswith('PySide6') for m in sys.modules), 'Qt imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("what", ["quotes", "positions", "matrix"])
def test_a_value_of_two_dashes_is_taken_as_typed(
    what: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Python 3.11's argparse drops a value of exactly '--' ('--search=--').
    assert main(["export", what, "--search=--"]) == 0
    assert capsys.readouterr().out.startswith(("quote_id,", "stakeholder"))
    assert main(["export", what, "--stakeholder=--"]) == 2
    assert capsys.readouterr().err == "carebrowser: unknown stakeholder '--'\n"
    assert main(["export", what, "--stakeholder=LGA", "--category=--"]) == 2
    assert "unknown category '--'" in capsys.readouterr().err
    target = tmp_path / "--"
    assert main(["export", what, f"--output={target}"]) == 0
    assert target.read_text(encoding="utf-8-sig").startswith(("quote_id,", "stakeholder"))


def test_export_positions_of_some_stances(capsys: pytest.CaptureFixture[str]) -> None:
    fines = "Fines for delayed discharge (bed blocking)"
    status, out, _ = _run(capsys, "export", "positions", "--proposal", fines)
    every = _rows(out)
    status, out, _ = _run(
        capsys,
        "export",
        "positions",
        "--proposal",
        fines,
        "--stance",
        "opposes",
        "--stance",
        "concerns",
    )
    assert status == 0
    kept = _rows(out)
    assert kept == [r for r in every if r["stance"] in ("opposes", "concerns")]
    assert 0 < len(kept) < len(every)


def test_an_unknown_stance_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["export", "positions", "--stance", "hates"])
    out, err = capsys.readouterr()
    assert stopped.value.code == 2 and out == ""
    assert "--stance" in err and "conditional support" in err


def test_export_quotes_of_an_organisation_with_its_people(
    capsys: pytest.CaptureFixture[str],
) -> None:
    lga = ("--stakeholder", "Local Government Association")
    _status, out, _ = _run(capsys, "export", "quotes", *lga)
    alone = {r["stakeholder"] for r in _rows(out)}
    status, out, _ = _run(capsys, "export", "quotes", *lga, "--with-people")
    assert status == 0
    assert alone == {"Local Government Association"}
    assert {r["stakeholder"] for r in _rows(out)} == {
        "Local Government Association",
        "John Ransford",
        "Rita Stringfellow",
    }
