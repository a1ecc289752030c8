"""A person compares the LGA with Alan Milburn; searches for 'monolithic' and reads it in place."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextCursor
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from test_ui_browse import click
from ui_helpers import LGA, MILBURN, proposal, settle, stakeholder

from carebrowser.queries import Archive, Filters
from carebrowser.ui.main_window import COMPARE, READER, MainWindow
from carebrowser.ui.models.comparison import DISAGREE_MARK, PROPOSAL
from carebrowser.ui.widgets import counted


def test_compare_lga_and_milburn_and_find_disagreements(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    panel = window.stakeholders
    window.set_view("stakeholders")
    click(qtbot, panel.tree, panel.model.index_of(lga.id))
    settle(qtbot)
    click(qtbot, panel.tree, panel.model.index_of(milburn.id), Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert panel.selected_ids() == {lga.id, milburn.id}
    assert panel.compare_button.isEnabled()
    qtbot.mouseClick(panel.compare_button, Qt.MouseButton.LeftButton)

    assert window.current_view() == COMPARE
    settle(qtbot)  # the comparison is read off the GUI thread
    compare = window.compare
    header = compare.model.headerData
    shown_names = {header(2, Qt.Orientation.Horizontal), header(3, Qt.Orientation.Horizontal)}
    assert shown_names == {LGA, MILBURN}
    rows = archive.compare([lga.id, milburn.id])
    assert compare.model.rowCount() == len(rows)

    compare.disagreements_box.click()
    expected = {r.proposal.title for r in rows if r.disagree}
    model = compare.model
    shown = {model.index(r, PROPOSAL).data() for r in range(model.rowCount())}
    assert shown == expected and expected
    for row in range(model.rowCount()):
        assert model.index(row, 1).data() == DISAGREE_MARK
        stances = {model.index(row, c).data() for c in (2, 3)}
        assert len(stances) == 2  # each stakeholder's stance, in words, and they differ
    # 000: children's trusts pressed ahead "despite serious concerns from the LGA",
    # fines for delayed discharges "despite opposition from the LGA".
    assert any("trust" in t.lower() or "discharge" in t.lower() for t in shown)
    assert f"Showing {len(expected)} of {len(rows)} proposals (disagreements only)" == (
        window.status.text()
    )


def test_search_monolithic_and_open_the_reader_at_it(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    window.set_view("stakeholders")
    with qtbot.waitSignal(window.filter_bar.filters_changed):
        qtbot.keyClicks(window.filter_bar.search, "monolithic")
    settle(qtbot)
    table = window.statements.table
    model = window.statements.model
    assert model.rowCount() >= 1
    assert all("monolith" in model.quote(r).text.lower() for r in range(model.rowCount()))
    assert "matching \u201cmonolithic\u201d" in window.statements.heading.text()

    table.setFocus()
    table.selectRow(0)
    quote = model.quote(0)
    QTest.keyClick(table, Qt.Key.Key_Return)

    assert window.current_view() == READER
    reader = window.reader
    settle(qtbot)  # its text, and who said the statement, are read off the GUI thread
    assert reader.current_source() is not None
    assert reader.current_source().id == quote.source_id  # type: ignore[union-attr]
    assert reader.active == quote.id
    selected = reader.text.textCursor().selectedText().replace("\u2029", "\n")
    assert selected == quote.text
    assert quote.stakeholder in reader.details.toPlainText()
    # The search's matches are bold in the article too.
    text = reader.text.toPlainText()
    at = text.lower().index("monolithic")
    cursor = QTextCursor(reader.text.document())
    cursor.setPosition(at + 1)
    assert cursor.charFormat().fontWeight() == QFont.Weight.Bold
    assert "1 search match" in window.status.text() or "search matches" in window.status.text()
    assert "matches the search" in reader.source_box.currentText()


def test_reader_shows_provenance_and_steps_through_statements(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    window.set_view("source")
    reader = window.reader
    settle(qtbot)  # the list of sources is read off the GUI thread
    box = reader.source_box
    for row in range(box.count()):
        box.setCurrentIndex(row)
        settle(qtbot)
        source = reader.current_source()
        assert source is not None
        assert source.publication in reader.about.text()
        assert source.date_label in reader.about.text()
        if source.date_inferred:
            assert "(inferred)" in reader.about.text()
            assert "Inferred from:" in reader.details.toPlainText()
        if source.statement_count:
            break
    spans = archive.source_text(source.id).spans
    window.window_actions.next_statement.trigger()
    settle(qtbot)
    assert reader.active == spans[0].statement_id
    assert spans[0].stakeholder in reader.details.toPlainText()
    positions = archive.positions_citing(spans[0].statement_id)
    for position in positions:
        assert position.summary in reader.details.toPlainText()
    window.window_actions.previous_statement.trigger()
    settle(qtbot)
    assert reader.active == spans[-1].statement_id
    assert f"statement {len({s.statement_id for s in spans})} of" in window.status.text()


def test_choose_two_from_the_matrix_to_compare(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    trusts = proposal(archive, "children's trusts")
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    matrix = window.matrix
    click(qtbot, matrix.table, matrix.model.index_of(lga.id, trusts.id))
    click(
        qtbot,
        matrix.table,
        matrix.model.index_of(milburn.id, trusts.id),
        Qt.KeyboardModifier.ControlModifier,
    )
    assert set(matrix.selected_stakeholder_ids()) == {lga.id, milburn.id}
    qtbot.mouseClick(matrix.compare_button, Qt.MouseButton.LeftButton)
    assert window.current_view() == COMPARE
    settle(qtbot)
    assert {s.id for s in window.compare.compared()} == {lga.id, milburn.id}
    titles = {
        window.compare.model.index(r, PROPOSAL).data()
        for r in range(window.compare.model.rowCount())
    }
    assert trusts.title in titles


def test_search_combines_with_proposal_and_date_filters(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    trusts = proposal(archive, "children's trusts")
    wanted = Filters(
        proposals=frozenset({trusts.id}),
        date_from=dt.date(2002, 1, 1),
        date_to=dt.date(2002, 12, 31),
        search="trusts",
    )
    with qtbot.waitSignal(window.filter_bar.filters_changed):
        window.filter_bar.set_filters(wanted)
    settle(qtbot)
    assert window.filter_bar.dated.isChecked()
    model = window.statements.model
    expected = archive.quote_count(wanted)
    assert 0 < model.rowCount() == expected < archive.quote_count()
    for row in range(model.rowCount()):
        quote = model.quote(row)
        assert trusts.title in quote.proposals
        assert quote.date.year == 2002
        assert "trust" in quote.text.lower()
    assert window.status.text().startswith(counted(expected, "statement"))
