"""A person selects a stakeholder and reads its statements, and clicks a matrix cell's evidence."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from pytestqt.qtbot import QtBot
from ui_helpers import LGA, MILBURN, proposal, settle, stakeholder

from carebrowser.data.vocabulary import STANCE_COLOURS, STANCE_GLYPHS
from carebrowser.queries import Archive, Filters
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.models.quotes import KIND, SOURCE, SPEAKER, STATEMENT
from carebrowser.ui.models.roles import EDITORIAL_ROLE
from carebrowser.ui.settings import Settings, filters_from_plain, filters_to_plain
from carebrowser.ui.widgets import counted


def click(qtbot: QtBot, view: object, index: QModelIndex, modifier: object = None) -> None:
    """Click an item of a view the way a person does: on its place on the screen."""
    view.scrollTo(index)  # type: ignore[attr-defined]
    rect = view.visualRect(index)  # type: ignore[attr-defined]
    qtbot.mouseClick(
        view.viewport(),  # type: ignore[attr-defined]
        Qt.MouseButton.LeftButton,
        modifier or Qt.KeyboardModifier.NoModifier,
        rect.center(),
    )


def shown_column(window_table: object, column: int) -> list[str]:
    model = window_table.model()  # type: ignore[attr-defined]
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_select_the_lga_and_read_its_statements(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    lga = stakeholder(archive, LGA)
    panel = window.stakeholders
    window.set_view("stakeholders")
    qtbot.keyClicks(panel.name_filter, "local government")
    qtbot.waitUntil(lambda: panel.model.name == "local government")
    local = panel.model.category_index("local government")
    assert local.data().startswith("Local government (")
    click(qtbot, panel.tree, panel.model.index_of(lga.id))
    settle(qtbot)  # the statements are read off the GUI thread

    assert panel.selected_ids() == {lga.id}
    # With its people by default, as the heading says; unticked, the LGA alone.
    people = archive.people_of([lga.id])
    assert [p.name for p in people] == ["John Ransford", "Rita Stringfellow"]
    assert window.statements.heading.text() == (
        f"Statements of {LGA}, with their people (John Ransford, Rita Stringfellow)"
    )
    with_people = archive.quotes(Filters(stakeholders=frozenset({lga.id, *(p.id for p in people)})))
    model = window.statements.model
    while model.canFetchMore(QModelIndex()):  # pages are read a screenful at a time
        model.fetch_now()
    assert [model.quote(r).id for r in range(model.rowCount())] == [q.id for q in with_people.rows]
    panel.with_people.click()
    settle(qtbot)
    expected = archive.quotes(Filters(stakeholders=frozenset({lga.id}))).rows
    table = window.statements.table
    texts = shown_column(table, STATEMENT)
    assert len(with_people.rows) > len(texts) == len(expected) > 0
    assert all(speaker.split("\n")[0] == LGA for speaker in shown_column(table, SPEAKER))
    # 000: "despite serious concerns from the Local Government Association"
    assert any("Local Government Association" in t or "LGA" in t for t in texts)
    assert shown_column(table, KIND) == [
        q.kind_label + (",\ntruncated" if q.truncated else "") for q in expected
    ]
    assert window.statements.heading.text() == f"Statements of {LGA}"
    assert window.status.text().startswith(counted(len(expected), "statement"))
    sources = shown_column(table, SOURCE)
    assert sources == [q.source_name for q in expected]


def test_kinds_look_different_and_truncation_is_marked(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    model = window.statements.model
    while model.canFetchMore(QModelIndex()):  # pages are read a screenful at a time
        model.fetch_now()
    kinds = set()
    for row in range(model.rowCount()):
        quote, index = model.quote(row), model.index(row, STATEMENT)
        kinds.add(quote.kind)
        font = index.data(Qt.ItemDataRole.FontRole)
        assert isinstance(font, QFont) == (quote.kind == "reported")
        assert bool(index.data(EDITORIAL_ROLE)) == (quote.kind == "editorial")
        assert index.data().endswith("cut off in the source") == quote.truncated
        if quote.kind == "direct":
            assert index.data().startswith("\u201c")
    assert {"direct", "reported"} <= kinds
    assert any(model.quote(r).truncated for r in range(model.rowCount()))
    assert any("(inferred)" in model.index(r, 5).data() for r in range(model.rowCount()))


def test_click_a_matrix_cell_and_read_its_evidence(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    lga, trusts = stakeholder(archive, LGA), proposal(archive, "children's trusts")
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    matrix = window.matrix
    index = matrix.model.index_of(lga.id, trusts.id)
    position = matrix.model.position_at(index)
    assert position is not None
    click(qtbot, matrix.table, index)
    settle(qtbot)  # the evidence is read off the GUI thread

    count = len(position.evidence_quote_ids)
    assert index.data() == f"{STANCE_GLYPHS[position.stance]} {position.stance} ({count})"
    evidence = window.evidence
    shown = [evidence.model.quote(r).quote_id for r in range(evidence.model.rowCount())]
    assert sorted(shown) == sorted(position.evidence_quote_ids)
    assert f"{LGA} on {trusts.title}" in evidence.heading.text()
    assert position.stance in evidence.heading.text()
    n = len(position.evidence_quote_ids)
    assert window.status.text().endswith(counted(n, "statement"))

    # The cell is painted in its stance's colour, the text in black.
    rect = matrix.table.visualRect(index)
    image = matrix.table.viewport().grab(rect).toImage()
    assert QColor(image.pixel(3, rect.height() // 2)) == QColor(STANCE_COLOURS[position.stance])
    assert position.summary in index.data(Qt.ItemDataRole.ToolTipRole)


def test_matrix_options_hide_empty_and_transpose(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    matrix = window.matrix
    rows, columns = matrix.model.rowCount(), matrix.model.columnCount()
    matrix.hide_empty_box.click()
    settle(qtbot)  # the matrix is read off the GUI thread
    assert not window.window_actions.hide_empty.isChecked()
    while matrix.model.canFetchMore():  # rows come a batch at a time
        matrix.model.fetch_now()
    assert matrix.model.rowCount() == len(archive.all_stakeholders()) >= rows
    assert matrix.model.columnCount() == len(archive.proposals()) >= columns
    matrix.hide_empty_box.click()
    settle(qtbot)  # the matrix is read off the GUI thread
    lga, trusts = stakeholder(archive, LGA), proposal(archive, "children's trusts")
    matrix.select_cell(lga.id, trusts.id)
    window.window_actions.transpose.trigger()
    assert (matrix.model.rowCount(), matrix.model.columnCount()) == (columns, rows)
    assert (
        matrix.model.headerData(0, Qt.Orientation.Vertical)
        == matrix.model.matrix.proposals[0].title
    )
    current = matrix.current_position()
    assert current is not None and (current.stakeholder, current.proposal) == (LGA, trusts.title)
    assert f"\u00d7 {columns} proposals" in window.status.text()


def test_matrix_follows_the_filters(qtbot: QtBot, window: MainWindow, archive: Archive) -> None:
    trusts = proposal(archive, "children's trusts")
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    bar = window.filter_bar
    bar.proposal.showPopup()  # the list of proposals is read from its first popup on
    settle(qtbot)  # off the GUI thread
    with qtbot.waitSignal(bar.filters_changed):
        bar.proposal.setCurrentIndex(bar.proposal.model().row_of(trusts.id))
    bar.proposal.hidePopup()
    settle(qtbot)
    assert [p.id for p in window.matrix.model.matrix.proposals] == [trusts.id]
    names = {s.name for s in window.matrix.model.matrix.stakeholders}
    assert {LGA, MILBURN} <= names


def test_the_proposal_chooser_reads_the_proposals_from_its_first_popup(
    qtbot: QtBot, window: MainWindow, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    bar = window.filter_bar
    combo = bar.proposal
    assert [combo.itemText(r) for r in range(combo.count())] == ["All proposals"]
    read: list[object] = []
    page = Archive.proposals_page
    monkeypatch.setattr(
        Archive, "proposals_page", lambda self, **kw: read.append(kw) or page(self, **kw)
    )
    # A remembered filter shows its proposal without reading the list.
    trusts = proposal(archive, "children's trusts")
    bar.set_filters(Filters(proposals=frozenset({trusts.id})))
    assert combo.currentText() == trusts.title and read == []
    # The first popup reads the list, in title order.
    combo.showPopup()
    qtbot.waitUntil(lambda: combo.count() > 2)
    combo.hidePopup()
    assert read
    titles = [combo.itemText(r) for r in range(combo.count())]
    assert titles[0] == "All proposals"
    assert [t for t in titles[1:] if t != trusts.title] == [
        p.title for p in archive.proposals() if p.id != trusts.id
    ]
    assert combo.currentText() == trusts.title


def test_typing_in_the_closed_proposal_chooser_finds_a_title(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    combo = window.filter_bar.proposal
    typed = proposal(archive, "star ratings").title[:6].lower()
    # The first proposal by title that starts so, though the list has not been read.
    wanted = next(p for p in archive.proposals() if p.title.lower().startswith(typed))
    combo.setFocus()
    with qtbot.waitSignal(window.filter_bar.filters_changed):
        qtbot.keyClicks(combo, typed)
    assert combo.currentText() == wanted.title
    assert window.filter_bar.filters().proposals == {wanted.id}


def test_the_stance_filter_keeps_the_matrix_and_statements_to_those_stances(
    qtbot: QtBot, window: MainWindow, archive: Archive, settings: Settings
) -> None:
    against = frozenset({"opposes", "concerns"})
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    bar = window.filter_bar
    with qtbot.waitSignal(bar.filters_changed):
        bar.stance.setCurrentIndex(bar.stance.findText("Opposes or has concerns"))
    assert bar.filters().stances == against
    expected = {p.id for p in archive.positions(Filters(stances=against))}
    qtbot.waitUntil(lambda: {p.id for p in window.matrix.model.matrix.cells.values()} == expected)
    assert expected
    settle(qtbot)
    model = window.statements.model
    while model.canFetchMore(QModelIndex()):  # pages are read a screenful at a time
        model.fetch_now()
    showing = archive.quotes(Filters(stances=against), limit=1000).rows
    assert showing and [model.quote(r).id for r in range(model.rowCount())] == [
        q.id for q in showing
    ]
    # Remembered as the other filters are, and shown again when read back.
    plain = filters_to_plain(archive, bar.filters())
    assert filters_from_plain(archive, plain).stances == against
    bar.clear()
    assert bar.filters().stances == frozenset()
    bar.set_filters(Filters(stances=frozenset({"mixed", "supports"})))
    assert bar.stance.currentText() == "Supports or mixed"
    assert bar.filters().stances == {"mixed", "supports"}
