"""A person exports what they selected, from every view, in two actions, and pastes it as a table.

Select, press Ctrl+E, press Enter: the file is in the Documents folder, and it holds, row by row,
what was selected. Ctrl+C puts the same rows on the clipboard as tab-separated text and as an
HTML table. Long exports show progress and can be cancelled, leaving no file; an existing file is
replaced only when the person says so; a failure is one sentence.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QProgressDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from test_export_formats import INJECTIONS, UNICODE, _csv, _same_cells, _xlsx
from test_ui_browse import click
from ui_helpers import LGA, MILBURN, proposal, settle, stakeholder

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
)
from carebrowser.export.shapes import STAKEHOLDER_COLUMNS, quote_cells
from carebrowser.queries import Archive, Filters, PositionRow, QuoteRow
from carebrowser.ui import export_subjects
from carebrowser.ui.clipboard import to_html, to_tsv, tsv_cell
from carebrowser.ui.errors import ErrorReporter
from carebrowser.ui.export_dialog import EXPORT_FORMAT, ExportDialog
from carebrowser.ui.export_subjects import _sub_matrix
from carebrowser.ui.export_worker import ExportDone, ExportJob
from carebrowser.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
ADSS = "Association of Directors of Social Services"


def activate(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def press(widget: QWidget | None, key: Qt.Key, modifier: Qt.KeyboardModifier = CTRL) -> None:
    assert widget is not None
    QTest.keyClick(widget, key, modifier)


def ctrl_e(window: MainWindow) -> ExportDialog:
    """The first action: Ctrl+E where the focus is; the export dialog opens."""
    press(QApplication.focusWidget(), Qt.Key.Key_E)
    dialog = window.exports.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def enter(qtbot: QtBot, window: MainWindow, dialog: ExportDialog) -> ExportDone:
    """The second action: Enter writes the file; wait for the worker to finish it."""
    with qtbot.waitSignal(window.exports.finished) as done:
        press(dialog.path_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    assert window.exports.dialog is None  # closed (and deleted) as the export started
    result = done.args[0]
    assert isinstance(result, ExportDone)
    activate(qtbot, window)  # as a window manager does when a dialog closes
    return result


def choose_csv(qtbot: QtBot, dialog: ExportDialog) -> None:
    qtbot.mouseClick(dialog.format_buttons["csv"], Qt.MouseButton.LeftButton)
    assert dialog.path_edit.text().endswith(".csv")


def expected(table: Table) -> list[list[str]]:
    """A table as its CSV holds it: header, then rows, each cell neutralised text."""
    return [
        [str(neutralise(c)) for c in table.header],
        *([str(neutralise("" if c is None else c)) for c in row] for row in table.rows),
    ]


def select_cells(qtbot: QtBot, window: MainWindow, cells: list[tuple[int, int]]) -> None:
    """Click the first matrix cell and Ctrl+click the others."""
    model, table = window.matrix.model, window.matrix.table
    for number, (stakeholder_id, proposal_id) in enumerate(cells):
        index = model.index_of(stakeholder_id, proposal_id)
        assert index.isValid()
        click(qtbot, table, index, CTRL if number else None)


def three_by_two(archive: Archive) -> list[tuple[int, int]]:
    people = [stakeholder(archive, n).id for n in (LGA, MILBURN, ADSS)]
    proposals = [proposal(archive, "children's trusts").id, proposal(archive, "care trusts").id]
    return [(s, p) for s in people for p in proposals]


# -- the whole task: three stakeholders' positions on two proposals ----------------------------


def test_three_positions_on_two_proposals_open_in_a_spreadsheet_in_two_actions(
    qtbot: QtBot,
    window: MainWindow,
    archive: Archive,
    documents: Path,
    opened: list[Path],
) -> None:
    activate(qtbot, window)
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    cells = three_by_two(archive)
    select_cells(qtbot, window, cells)

    chosen = window.matrix.selected_positions()  # in the order the matrix shows them
    statements = sum(len(p.evidence_quote_ids) for p in chosen)
    dialog = ctrl_e(window)
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == (
        f"Exporting the 6 selected positions, with their statements: {statements} rows."
    )
    assert dialog.export_format() == "xlsx"
    assert dialog.folder == documents
    done = enter(qtbot, window, dialog)

    assert done.path.parent == documents and done.path.suffix == ".xlsx"
    assert done.rows == statements
    assert opened == [done.path]
    assert str(done.path) in window.statusBar().currentMessage()
    assert not window.findChildren(QProgressDialog)  # quick: no progress dialog flashed up
    rows = _xlsx(done.path)
    # A row per position and statement: the quotation verbatim, its kind and its source.
    assert tuple(rows[0]) == POSITION_EVIDENCE_COLUMNS
    by_pair = {(p.stakeholder_id, p.proposal_id): p for p in archive.positions()}
    assert sorted(p.id for p in chosen) == sorted(by_pair[c].id for c in cells)
    evidence = [(p, q) for p in chosen for q in archive.evidence(p.id)]
    assert [(r[0], r[2], r[3], r[5], r[7]) for r in rows[1:]] == [
        (p.stakeholder, p.proposal, p.stance, q.text, q.source_name) for p, q in evidence
    ]
    assert rows == [list(r) for r in _xlsx_expected(chosen, archive)]
    sources = _xlsx(done.path, "Sources")
    # The Sources sheet is keyed by the name the rows give each source.
    assert {r[0] for r in sources[1:]} == {q.source_name for _p, q in evidence}

    # The same selection as CSV holds the same cells; its summary layout is a choice away.
    dialog = ctrl_e(window)
    choose_csv(qtbot, dialog)
    as_csv = enter(qtbot, window, dialog)
    assert as_csv.path.suffix == ".csv" and as_csv.path.parent == documents
    _same_cells(_csv(as_csv.path), _xlsx(done.path))
    dialog = ctrl_e(window)
    press(dialog.layout_box, Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier)
    assert dialog.shape().label == export_subjects.SUMMARY_LABEL
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == "Exporting the 6 selected positions."
    assert _csv(enter(qtbot, window, dialog).path) == expected(positions_table(chosen))

    # ... and pastes into a document as a table: the grid the matrix shows.
    press(window.matrix.table, Qt.Key.Key_C)
    data = QGuiApplication.clipboard().mimeData()
    assert data.hasText() and data.hasHtml()
    table = expected(matrix_table(_sub_matrix(window.matrix.model.matrix, chosen)))
    assert [line.split("\t") for line in data.text().splitlines()] == table
    header, body = parse_html_table(data.html())
    assert header == table[0] and body == table[1:]
    assert "Copied 3 rows" in window.statusBar().currentMessage()  # LGA, Milburn, ADSS

    # Ctrl+Shift+C copies the positions with their quotations, as the file holds them.
    press(window.matrix.table, Qt.Key.Key_C, CTRL | Qt.KeyboardModifier.ShiftModifier)
    data = QGuiApplication.clipboard().mimeData()
    with_quotes = expected(position_evidence_table(chosen, archive.evidence_by_position))
    assert [line.split("\t") for line in data.text().splitlines()] == [
        [tsv_cell(c) for c in row] for row in with_quotes
    ]
    header, body = parse_html_table(data.html())
    assert header == with_quotes[0] and body == with_quotes[1:]
    assert f"Copied {statements} rows" in window.statusBar().currentMessage()


def _xlsx_expected(chosen: list[PositionRow], archive: Archive) -> list[tuple[object, ...]]:
    """The evidence of *chosen* as a workbook holds it (an empty cell is no value)."""
    table = position_evidence_table(chosen, archive.evidence_by_position)
    return [table.header, *(tuple(c if c != "" else None for c in row) for row in table.rows)]


class _TableParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_header = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr" and not self._in_header:
            self.rows.append([])
        elif tag == "thead":
            self._in_header = True
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self._in_header = False
        elif tag in ("td", "th") and self._cell is not None:
            text = "".join(self._cell)
            (self.header if tag == "th" else self.rows[-1]).append(text)
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def parse_html_table(markup: str) -> tuple[list[str], list[list[str]]]:
    """The <th> header and the <td> rows of the one table in *markup*."""
    assert markup.count("<table") == 1 and "<th>" in markup
    parser = _TableParser()
    parser.feed(markup)
    return parser.header, parser.rows


# -- every view: its selection, or what it shows ------------------------------------------------


def test_the_stakeholder_list_exports_the_selected_stakeholders_and_their_positions(
    qtbot: QtBot, window: MainWindow, archive: Archive, documents: Path, opened: list[Path]
) -> None:
    activate(qtbot, window)
    window.set_view("stakeholders")
    panel = window.stakeholders
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    click(qtbot, panel.tree, panel.model.index_of(lga.id))
    settle(qtbot)
    click(qtbot, panel.tree, panel.model.index_of(milburn.id), CTRL)
    settle(qtbot)
    dialog = ctrl_e(window)
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == "Exporting the 2 selected stakeholders."
    choose_csv(qtbot, dialog)
    rows = _csv(enter(qtbot, window, dialog).path)
    assert tuple(rows[0]) == STAKEHOLDER_COLUMNS
    assert [r[0] for r in rows[1:]] == [s.name for s in panel.selected()]

    dialog = ctrl_e(window)
    dialog.layout_box.setCurrentIndex(2)
    assert dialog.shape().name == "positions"
    # With their people (John Ransford and Rita Stringfellow speak for the LGA), as the
    # statements beside the list show.
    people = {p.id for p in archive.people_of([lga.id, milburn.id])}
    assert people
    theirs = archive.positions(Filters(stakeholders=frozenset({lga.id, milburn.id, *people})))
    assert {p.stakeholder_id for p in theirs} & people
    statements = sum(len(p.evidence_quote_ids) for p in theirs)
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == (
        f"Exporting the {len(theirs)} positions of the 2 selected stakeholders and their "
        f"people, with their statements: {statements} rows."
    )
    done = enter(qtbot, window, dialog)
    assert done.path.suffix == ".csv"  # the format chosen last time
    assert _csv(done.path) == expected(
        position_evidence_table(theirs, archive.evidence_by_position)
    )
    dialog = ctrl_e(window)
    dialog.layout_box.setCurrentIndex(3)
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == (
        f"Exporting the {len(theirs)} positions of the 2 selected stakeholders and their people."
    )
    assert _csv(enter(qtbot, window, dialog).path) == expected(positions_table(theirs))


def test_statements_selected_or_all_shown_after_a_search(
    qtbot: QtBot, window: MainWindow, archive: Archive, documents: Path, opened: list[Path]
) -> None:
    activate(qtbot, window)
    window.set_view("stakeholders")
    with qtbot.waitSignal(window.filter_bar.filters_changed):
        qtbot.keyClicks(window.filter_bar.search, "trust*")
    settle(qtbot)
    panel = window.statements
    found = archive.quote_count(Filters(search="trust*"))
    assert found >= 3
    panel.table.setFocus()
    dialog = ctrl_e(window)
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == f"Exporting all {found} statements shown (nothing selected)."
    assert "matching \u201ctrust*\u201d" in dialog.origin.text()
    rows = _xlsx(enter(qtbot, window, dialog).path)
    assert tuple(rows[0]) == QUOTE_COLUMNS
    assert panel.model.rowCount() < found  # the rest is read as the table scrolls
    shown = list(archive.all_quotes(Filters(search="trust*")))
    assert [r[0] for r in rows[1:]] == [q.quote_id for q in shown]  # all, in the order shown
    assert shown[: panel.model.rowCount()] == panel.model.quotes(range(panel.model.rowCount()))

    click(qtbot, panel.table, panel.model.index(2, 1))
    click(qtbot, panel.table, panel.model.index(0, 1), CTRL)
    dialog = ctrl_e(window)
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == "Exporting the 2 selected statements."
    choose_csv(qtbot, dialog)
    chosen = panel.model.quotes([0, 2])
    assert _csv(enter(qtbot, window, dialog).path) == expected(
        Table(QUOTE_COLUMNS, [quote_cells(q) for q in chosen])
    )


def test_all_statements_shown_go_to_csv_in_the_order_shown_with_cells_from_the_database(
    qtbot: QtBot,
    window: MainWindow,
    archive: Archive,
    documents: Path,
    opened: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    activate(qtbot, window)
    window.set_view("stakeholders")
    panel = window.statements
    panel.set_sort("stakeholder", True)
    panel.table.clearSelection()
    filters = panel.filters
    shown = list(archive.all_quotes(filters, sort="stakeholder"))
    assert len(shown) > panel.model.rowCount()
    # A CSV is written from the cells the database computes, not from the rows read one by one.
    monkeypatch.setattr(
        export_subjects, "_shown_statements", lambda _panel: pytest.fail("read row by row")
    )
    panel.table.setFocus()
    dialog = ctrl_e(window)
    choose_csv(qtbot, dialog)
    written = _csv(enter(qtbot, window, dialog).path)
    pages: list[QuoteRow] = []
    after = None
    while True:
        page = archive.quotes(filters, sort="stakeholder", descending=True, after=after)
        pages += page.rows
        if page.cursor is None:
            break
        after = page.cursor
    assert written == expected(quotes_table(pages))
    assert [row[0] for row in written[1:]] == [q.quote_id for q in pages]
    assert [q.quote_id for q in pages] != [q.quote_id for q in shown]  # the reverse order


def test_a_cells_evidence_exports_from_its_context_menu(
    qtbot: QtBot, window: MainWindow, archive: Archive, documents: Path, opened: list[Path]
) -> None:
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    lga = stakeholder(archive, LGA)
    trusts = proposal(archive, "children's trusts")
    assert window.matrix.select_cell(lga.id, trusts.id)
    settle(qtbot)  # the evidence is read off the GUI thread
    evidence = window.evidence
    assert evidence.model.rowCount() >= 1
    view = evidence.table
    view.customContextMenuRequested.emit(QPoint(5, 5))
    menu = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible())
    texts = [a.text() for a in menu.actions()]
    assert texts == ["&Copy", "&Export\u2026"]
    assert not menu.actions()[0].isEnabled()  # nothing selected to copy
    menu.actions()[1].trigger()
    menu.close()
    dialog = window.exports.dialog
    assert dialog is not None
    count = evidence.total_count()
    noun = "statement" if count == 1 else "statements"
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == f"Exporting all {count} {noun} shown (nothing selected)."
    rows = _xlsx(enter(qtbot, window, dialog).path)
    position = window.matrix.current_position()
    assert position is not None
    assert [r[0] for r in rows[1:]] == list(position.evidence_quote_ids)


def test_the_comparison_exports_the_selected_proposals(
    qtbot: QtBot, window: MainWindow, archive: Archive, documents: Path, opened: list[Path]
) -> None:
    activate(qtbot, window)
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    window.compare_stakeholders([lga.id, milburn.id])
    settle(qtbot)  # the comparison is read off the GUI thread
    panel = window.compare
    assert panel.model.rowCount() >= 3
    click(qtbot, panel.table, panel.model.index(0, 0))
    click(qtbot, panel.table, panel.model.index(2, 3), CTRL)
    panel.table.setFocus()
    dialog = ctrl_e(window)
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == "Exporting the 2 selected proposals."
    assert LGA in dialog.origin.text() and MILBURN in dialog.origin.text()
    done = enter(qtbot, window, dialog)
    rows = _xlsx(done.path)
    shown = [panel.model.comparison_row(r) for r in (0, 2)]
    table = comparison_table(panel.model.stakeholders, shown)
    assert rows[0] == [
        "proposal", "disagree",
        f"{LGA}: stance", f"{LGA}: key quotation", f"{LGA}: source",
        f"{MILBURN}: stance", f"{MILBURN}: key quotation", f"{MILBURN}: source",
    ]  # fmt: skip
    assert [r[0] for r in rows[1:]] == [row.proposal.title for row in shown]
    assert len(rows) == 3
    _same_cells(expected(table), rows)


def test_the_matrix_with_nothing_selected_exports_the_grid_shown(
    qtbot: QtBot, window: MainWindow, archive: Archive, documents: Path, opened: list[Path]
) -> None:
    activate(qtbot, window)
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    # Focused, it makes its first position current at the turn after its rows are painted:
    # cleared before that, the selection would come back during the export.
    qtbot.waitUntil(lambda: window.matrix.current_position() is not None)
    settle(qtbot)
    window.matrix.table.clearSelection()
    matrix = window.matrix.model.matrix
    dialog = ctrl_e(window)
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == (
        f"Exporting the {len(matrix.stakeholders)} stakeholder rows of the matrix shown "
        "(nothing selected)."
    )
    assert dialog.path_edit.text().startswith("carebrowser matrix ")
    dialog.layout_box.setCurrentIndex(1)
    statements = sum(len(p.evidence_quote_ids) for p in matrix.cells.values())
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == (
        f"Exporting all {len(matrix.cells)} positions shown (nothing selected), with their "
        f"statements: {statements} rows."
    )
    assert dialog.path_edit.text().startswith("carebrowser positions ")
    evidence = _xlsx(enter(qtbot, window, dialog).path)
    assert tuple(evidence[0]) == POSITION_EVIDENCE_COLUMNS and len(evidence) == statements + 1
    shown = {(p.stakeholder, p.proposal) for p in matrix.cells.values()}
    assert {(r[0], r[2]) for r in evidence[1:]} == shown
    dialog = ctrl_e(window)
    dialog.layout_box.setCurrentIndex(2)
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == (
        f"Exporting all {len(matrix.cells)} positions shown (nothing selected)."
    )
    dialog.layout_box.setCurrentIndex(0)
    rows = _xlsx(enter(qtbot, window, dialog).path)
    assert rows[0] == ["stakeholder", *(p.title for p in matrix.proposals)]
    assert [r[0] for r in rows[1:]] == [s.name for s in matrix.stakeholders]


# -- the clipboard --------------------------------------------------------------------------------


def test_ctrl_c_copies_tab_separated_text_and_an_html_table(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    activate(qtbot, window)
    window.set_view("stakeholders")
    panel = window.statements
    click(qtbot, panel.table, panel.model.index(0, 1))
    click(qtbot, panel.table, panel.model.index(1, 1), CTRL)
    press(panel.table, Qt.Key.Key_C)
    data = QGuiApplication.clipboard().mimeData()
    quotes = panel.model.quotes([0, 1])
    # The columns the table shows, in its order: no statement id, no character offsets.
    table = expected(
        Table(
            ("Speaker", "Statement", "Kind", "Proposals", "Source", "Date"),
            [_as_shown(q) for q in quotes],
        )
    )
    lines = data.text().split("\n")
    assert lines[-1] == "" and len(lines) == 4
    assert [line.split("\t") for line in lines[:-1]] == [[tsv_cell(c) for c in r] for r in table]
    header, body = parse_html_table(data.html())
    assert header == table[0] and body == table[1:]
    assert '<meta charset="utf-8">' in data.html()
    assert "Copied 2 rows" in window.statusBar().currentMessage()
    assert not any(q.quote_id in data.text() for q in quotes)

    # Columns moved or hidden are copied as they are shown.
    columns = panel.table.horizontalHeader()
    columns.moveSection(4, 0)  # Source first
    columns.hideSection(3)  # no Proposals
    press(panel.table, Qt.Key.Key_C)
    moved = [[r[4], r[0], r[1], r[2], r[5]] for r in table]
    text = QGuiApplication.clipboard().mimeData().text()
    assert [line.split("\t") for line in text.splitlines()] == moved


def _as_shown(quote: QuoteRow) -> tuple[str, ...]:
    """A statement as the statement table shows it, each cell on one line."""
    detail = ", ".join(p for p in (quote.role, quote.organisation) if p)
    opening, closing = ("\u201c", "\u201d") if quote.kind == "direct" else ("", "")
    return (
        f"{quote.stakeholder}, {detail}" if detail else quote.stakeholder,
        f"{opening}{quote.text}{closing}",
        quote.kind_label,
        ", ".join(quote.proposals),
        quote.source_name,
        quote.date_label,
    )


def test_ctrl_c_in_the_search_box_copies_its_text(qtbot: QtBot, window: MainWindow) -> None:
    activate(qtbot, window)
    search = window.filter_bar.search
    search.setFocus()
    search.insert("délai \u2014 discharge")  # QTest types Latin-1 only: pasted, as it were
    search.selectAll()
    press(search, Qt.Key.Key_C)
    assert QGuiApplication.clipboard().text() == "délai \u2014 discharge"


def test_nothing_selected_copies_nothing_and_says_so(qtbot: QtBot, window: MainWindow) -> None:
    QGuiApplication.clipboard().setText("kept")
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    window.matrix.table.clearSelection()
    assert not window.copy_selection(window.matrix)
    assert QGuiApplication.clipboard().text() == "kept"
    assert "Nothing is selected" in window.statusBar().currentMessage()


def test_the_clipboard_neutralises_formulas_and_keeps_unicode() -> None:
    header = ("speaker", "=header")
    rows = [("x", v) for v in (*INJECTIONS, *UNICODE, "<b>&amp;</b>")]
    tsv = to_tsv(header, rows)
    lines = tsv.split("\n")
    assert len(lines) == len(rows) + 2  # a line per row, the header, and the final break
    assert lines[0] == "speaker\t'=header"
    for line, (_x, value) in zip(lines[1:], rows, strict=False):
        cells = line.split("\t")
        assert len(cells) == 2
        assert not cells[1].startswith(("=", "+", "-", "@"))
        assert cells[1] == str(neutralise(value)).replace("\r", " ").replace("\n", " ").replace(
            "\t", " "
        ).replace("\u2028", " ")
    markup = to_html(header, rows, frozenset())
    got_header, body = parse_html_table(markup)
    assert got_header == ["speaker", "'=header"]
    assert [r[1] for r in body] == [str(neutralise(v)) for _x, v in rows]
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in markup  # escaped, never markup
    assert "\U0001f3e5" in markup and "社会服务改革" in markup  # UTF-8, not entities


def test_stance_cells_are_coloured_in_the_html(archive: Archive) -> None:
    table = positions_table(archive.positions()[:5])
    markup = to_html(table.header, list(table.rows), table.stance_columns)
    for position in archive.positions()[:5]:
        assert f"{position.stance}</td>" in markup
    assert "background-color:#" in markup


# -- the file: asked before replacing, errors in a sentence, cancelling leaves nothing --------


def test_an_existing_file_is_replaced_only_when_the_person_says_so(
    qtbot: QtBot, window: MainWindow, documents: Path, opened: list[Path]
) -> None:
    existing = documents / "briefing.csv"
    existing.write_bytes(b"my own notes")
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    dialog = window.export_selection(window.matrix)
    assert dialog is not None
    choose_csv(qtbot, dialog)
    dialog.path_edit.setText("briefing")  # the suffix is added
    press(dialog.path_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    box = dialog.replace_box
    assert box is not None and box.isVisible() and "briefing.csv already exists" in box.text()
    box.button(box.StandardButton.Cancel).click()
    assert dialog.isVisible() and existing.read_bytes() == b"my own notes"

    press(dialog.path_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    box = dialog.replace_box
    assert box is not None
    replace = next(b for b in box.buttons() if b.text() == "&Replace")
    with qtbot.waitSignal(window.exports.finished):
        replace.click()
    assert existing.read_bytes().startswith(b"\xef\xbb\xbfstakeholder,")
    assert sorted(p.name for p in documents.iterdir()) == ["briefing.csv"]


def test_a_proposed_name_never_hides_an_existing_file(
    qtbot: QtBot, window: MainWindow, documents: Path
) -> None:
    dialog = window.export_selection(window.matrix)
    assert dialog is not None
    first = dialog.target()
    first.write_bytes(b"yesterday's")
    dialog.reject()
    dialog = window.export_selection(window.matrix)
    assert dialog is not None
    assert dialog.target() == first.with_name(f"{first.stem} (2){first.suffix}")
    dialog.path_edit.setText("my own name.xlsx")
    qtbot.mouseClick(dialog.format_buttons["csv"], Qt.MouseButton.LeftButton)
    assert dialog.path_edit.text() == "my own name.csv"  # the words stay, the suffix follows
    dialog.reject()


def test_the_folder_can_be_chosen_and_missing_folders_are_said_inline(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, opened: list[Path]
) -> None:
    dialog = window.export_selection(window.matrix)
    assert dialog is not None
    asked: list[Path] = []

    def choose(_parent: QWidget, proposed: Path, _format: str) -> Path:
        asked.append(proposed)
        return tmp_path / "chosen.csv"

    dialog.choose_file = choose
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert asked and dialog.folder == tmp_path and dialog.export_format() == "csv"
    assert dialog.path_edit.text() == "chosen.csv"
    dialog.path_edit.setText(str(tmp_path / "no such folder" / "x.csv"))
    press(dialog.path_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    assert dialog.isVisible() and "does not exist" in dialog.problem.text()
    dialog.path_edit.setText("")
    press(dialog.path_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    assert dialog.isVisible() and "Type a file name" in dialog.problem.text()
    dialog.path_edit.setText("chosen.csv")
    enter(qtbot, window, dialog)
    assert window.settings.value(EXPORT_FORMAT) == "csv"
    again = window.export_selection(window.matrix)
    assert again is not None and again.folder == tmp_path and again.export_format() == "csv"
    again.reject()


def test_a_name_the_system_refuses_is_one_clear_message_and_no_file(
    qtbot: QtBot,
    window: MainWindow,
    documents: Path,
    opened: list[Path],
    reporter: ErrorReporter,
) -> None:
    reporter.window = window
    dialog = window.export_selection(window.matrix)
    assert dialog is not None
    dialog.path_edit.setText("q" * 300)
    with qtbot.waitSignal(window.exports.failed) as failed:
        press(dialog.path_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.NoModifier)
    message = failed.args[0]
    assert "the file name is too long" in message and "Nothing was written" in message
    assert "\n" not in message and "Traceback" not in message
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert reporter.dialog is not None and reporter.dialog.message == message
    assert list(documents.iterdir()) == []
    assert opened == []
    assert "failed" in window.statusBar().currentMessage()


def _slow_rows(gate: threading.Event, count: int, wait_at: int) -> Iterator[tuple[str, str]]:
    for i in range(count):
        if i == wait_at:
            gate.wait(20)  # until the test has pressed Cancel (never forever)
        yield (f"q-{i}", "care trusts \u2014 \u201cmonolithic\u201d " * 5)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("existed", [False, True], ids=["new file", "over an existing file"])
def test_cancelling_a_long_export_leaves_no_file(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, kind: str, existed: bool
) -> None:
    target = tmp_path / f"long.{kind}"
    if existed:
        target.write_bytes(b"before")
    gate = threading.Event()
    flow = window.exports
    table = Table(QUOTE_COLUMNS[:2], _slow_rows(gate, 5000, wait_at=700))
    job = ExportJob(table, target, kind, lambda _ids: [], "Statements")  # type: ignore[arg-type]
    flow.start(job, 5000, "statement")
    # Still running after half a second: the progress dialog shows, with its Cancel button.
    qtbot.waitUntil(lambda: flow.progress is not None and flow.progress.isVisible())
    progress = flow.progress
    assert progress is not None
    qtbot.waitUntil(lambda: progress.value() == 500)
    assert progress.maximum() == 5000
    cancel = progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Cancel"
    with qtbot.waitSignal(flow.cancelled):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
        gate.set()
    assert not flow.busy() and flow.progress is None
    assert [p.name for p in tmp_path.iterdir()] == ([target.name] if existed else [])
    if existed:
        assert target.read_bytes() == b"before"
    assert "nothing was written" in window.statusBar().currentMessage()


def test_a_cancel_while_the_file_is_closed_still_leaves_nothing(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    target = tmp_path / "late.xlsx"
    gate, waiting = threading.Event(), threading.Event()

    def rows() -> Iterator[tuple[str, str]]:
        yield from (("q-1", "a"), ("q-2", "b"))
        waiting.set()
        gate.wait(20)  # every row is written; the workbook is about to be saved

    flow = window.exports
    flow.start(ExportJob(Table(("a", "b"), rows()), target, "xlsx", lambda _ids: []), 2)
    qtbot.waitUntil(waiting.is_set)
    with qtbot.waitSignal(flow.cancelled):
        flow.cancel()
        gate.set()
    assert list(tmp_path.iterdir()) == []


def test_the_menus_offer_export_and_copy(window: MainWindow) -> None:
    actions = window.window_actions
    assert actions.export.shortcut().toString() == "Ctrl+E"
    assert actions.copy.shortcut().toString() == "Ctrl+C"
    menus = {m.title(): m for m in window.menuBar().findChildren(QMenu)}
    assert actions.export in menus["&File"].actions()
    assert actions.copy in menus["&Edit"].actions()


def test_a_block_selected_with_the_keyboard_is_what_is_exported(
    qtbot: QtBot, window: MainWindow, archive: Archive, documents: Path, opened: list[Path]
) -> None:
    """Shift+arrows select a block of cells; Ctrl+E, Enter: its positions are the file."""
    activate(qtbot, window)
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    lga = stakeholder(archive, LGA)
    assert window.matrix.select_cell(lga.id, proposal(archive, "children's trusts").id)
    table = window.matrix.table
    table.setFocus()
    press(table, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    press(table, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    cells = table.selectionModel().selectedIndexes()
    assert len(cells) == 4
    model = window.matrix.model
    inside = [p for i in sorted(cells, key=lambda i: (i.row(), i.column()))
              if (p := model.position_at(i)) is not None]  # fmt: skip
    assert inside
    dialog = ctrl_e(window)
    noun = "position" if len(inside) == 1 else "positions"
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text().startswith(f"Exporting the {len(inside)} selected {noun}, with")
    rows = _xlsx(enter(qtbot, window, dialog).path)
    assert [r[0:4:2] for r in rows[1:]] == [
        [p.stakeholder, p.proposal] for p in inside for _id in p.evidence_quote_ids
    ]


def test_the_reader_exports_the_statement_it_highlights(
    qtbot: QtBot, window: MainWindow, archive: Archive, documents: Path, opened: list[Path]
) -> None:
    activate(qtbot, window)
    quote = archive.quotes(Filters(search="monolithic"), limit=1).rows[0]
    window.open_statement(quote.source_id, quote.id)
    qtbot.waitUntil(lambda: window.reader.active == quote.id)  # its text is read off the thread
    dialog = ctrl_e(window)
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == "Exporting the 1 selected statement."
    assert dialog.origin.text().startswith("From: Source: ")
    choose_csv(qtbot, dialog)
    rows = _csv(enter(qtbot, window, dialog).path)
    assert rows == expected(Table(QUOTE_COLUMNS, [quote_cells(quote)]))
    # Ctrl+C copies the statement's words, selected in the text ...
    press(QApplication.focusWidget(), Qt.Key.Key_C)
    assert QGuiApplication.clipboard().text() == quote.text
    # ... and Copy (its context menu's) the statement with the columns the statement lists
    # show: no id, no offsets.
    assert window.copy_selection(window.reader)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert [line.split("\t") for line in lines] == [
        ["Speaker", "Statement", "Kind", "Proposals", "Source", "Date"],
        [tsv_cell(c) for c in _as_shown(quote)],
    ]


def test_every_control_of_the_export_dialog_is_named(window: MainWindow) -> None:
    from test_ui_accessibility import focusable

    dialog = window.export_selection(window.matrix)
    assert dialog is not None
    widgets = list(focusable(dialog))
    assert len(widgets) >= 7
    for widget in widgets:
        if not widget.isVisibleTo(dialog):
            continue
        assert widget.accessibleName().strip(), type(widget).__name__
        assert widget.accessibleDescription().strip(), widget.accessibleName()
    dialog.reject()


def test_pasted_html_keeps_dates_and_ranges_as_words() -> None:
    markup = to_html(("date", "evidence_count"), [("March 2002", 3)], frozenset())
    assert "<td style=\"mso-number-format:'\\@'\">March 2002</td>" in markup
    assert "<td>3</td>" in markup  # numbers stay numbers
