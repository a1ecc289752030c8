"""The walk of issue's question, by keyboard alone: "what did the LGA, with its people, say about
children's trusts, where does it differ from Alan Milburn, and put that in Excel with the
quotations".

Every step is a key pressed on the widget that has the focus, as a person presses it; the test
reads what the window shows, and at the end opens the workbook written.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from ui_helpers import LGA, MILBURN, proposal, settle, stakeholder

from carebrowser.queries import Archive, Filters
from carebrowser.ui.main_window import COMPARE, MainWindow

NONE = Qt.KeyboardModifier.NoModifier
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
#: The most Tab presses a person would make to reach a control (from the Proposal filter to
#: the statements: 13, along the filter bar and the stakeholder list).
TABS = 20


def focus() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = NONE) -> None:
    """A key pressed where the focus is."""
    QTest.keyClick(focus(), key, modifier)


def type_text(text: str) -> None:
    """Text typed where the focus is."""
    QTest.keyClicks(focus(), text)


def tab_to(qtbot: QtBot, target: QWidget) -> None:
    """Tab along the controls until *target* has the focus, as a person does."""
    for _ in range(TABS):
        if focus() is target:
            return
        press(Qt.Key.Key_Tab)
        qtbot.wait(0)  # the focus moves as the event loop turns
    assert focus() is target, f"{TABS} presses of Tab do not reach {target.accessibleName()}"


def test_what_the_lga_with_its_people_said_about_childrens_trusts_against_milburn_to_excel(
    qtbot: QtBot, window: MainWindow, archive: Archive, tmp_path: Path
) -> None:
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    trusts = proposal(archive, "children's trusts")
    people = archive.people_of([lga.id])
    assert {p.name for p in people} >= {"John Ransford", "Rita Stringfellow"}
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    panel = window.stakeholders

    # Find the LGA by typing its name, and select it (its people come with it).
    window.stakeholders.focus_list()  # where the window puts the focus at start
    press(Qt.Key.Key_N, ALT)
    assert focus() is panel.name_filter
    type_text("Local Gov")
    qtbot.waitUntil(lambda: panel.model.name == "Local Gov")  # the list narrowed, as seen
    press(Qt.Key.Key_Tab)
    assert focus() is panel.tree
    press(Qt.Key.Key_Down)
    settle(qtbot)
    assert [s.name for s in panel.selected()] == [LGA]
    assert panel.with_people.isChecked()  # "With their people", on by default
    statements = window.statements
    assert statements.heading.text() == (
        f"Statements of {LGA}, with their people (John Ransford, Rita Stringfellow)"
    )

    # Only children's trusts: the filter bar's Proposal, by typing the title's first letters.
    press(Qt.Key.Key_P, ALT)
    assert focus() is window.filter_bar.proposal
    type_text("Children's t")
    settle(qtbot)
    assert window.filter_bar.filters().proposals == frozenset({trusts.id})

    # Read its statements: the LGA's and its people's, on children's trusts, one by one.
    tab_to(qtbot, statements.table)
    voices = frozenset({lga.id, *(p.id for p in people)})
    expected = list(
        archive.all_quotes(Filters(stakeholders=voices, proposals=frozenset({trusts.id})))
    )
    assert statements.total_count() == len(expected) >= 3
    read = []
    for row in range(len(expected)):
        if row:
            press(Qt.Key.Key_Down)
        current = statements.table.currentIndex()
        assert current.row() == row
        read.append(statements.model.quote(row))
    assert {q.id for q in read} == {q.id for q in expected}
    assert {q.stakeholder for q in read} >= {LGA, "John Ransford"}

    # Compare it with Alan Milburn: gather him in the list, then Compare selected.
    press(Qt.Key.Key_N, ALT)
    assert focus() is panel.name_filter
    press(Qt.Key.Key_A, CTRL)
    type_text("Milburn")
    qtbot.waitUntil(lambda: panel.model.name == "Milburn")
    press(Qt.Key.Key_Tab)
    assert focus() is panel.tree
    press(Qt.Key.Key_Down, SHIFT)
    settle(qtbot)
    assert {s.name for s in panel.selected()} == {LGA, MILBURN}
    press(Qt.Key.Key_M, ALT)  # Compare selected (a mnemonic clicks as the button is drawn down)
    qtbot.waitUntil(lambda: window.current_view() == COMPARE)
    settle(qtbot)
    compare = window.compare
    assert {s.id for s in compare.compared()} == {lga.id, milburn.id}

    # Only where they differ.
    press(Qt.Key.Key_I, ALT)
    qtbot.waitUntil(compare.disagreements_box.isChecked)
    rows = compare.model.shown_rows()
    assert [r.proposal.id for r in rows] == [trusts.id] and rows[0].disagree
    stances = [p.stance if p else None for p in rows[0].positions]
    assert stances[0] != stances[1]

    # Into Excel with the quotations: Ctrl+E, the positions' layout, a file name, Enter.
    press(Qt.Key.Key_E, CTRL)
    dialog = window.exports.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()  # as the window manager does with a new dialog (offscreen: none)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    assert focus() is dialog.path_edit  # the dialog opens on its file name
    press(Qt.Key.Key_L, ALT)
    assert focus() is dialog.layout_box
    press(Qt.Key.Key_Down)
    assert dialog.shape().name == "positions"
    ours = archive.positions(
        Filters(stakeholders=voices | {milburn.id}, proposals=frozenset({trusts.id}))
    )
    evidence = {(p.stakeholder, q.text) for p in ours for q in archive.evidence(p.id)}
    statements_cited = sum(len(p.evidence_quote_ids) for p in ours)
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == (
        f"Exporting the {len(ours)} positions of those compared and their people on the "
        f"proposals shown, with their statements: {statements_cited} rows."
    )
    press(Qt.Key.Key_X, ALT)  # Excel workbook
    assert dialog.export_format() == "xlsx"
    press(Qt.Key.Key_N, ALT)
    assert focus() is dialog.path_edit
    press(Qt.Key.Key_A, CTRL)
    target = tmp_path / "lga and milburn on childrens trusts.xlsx"
    type_text(str(target))
    window.exports.opener = lambda _path, _failed: True  # no spreadsheet program here
    with qtbot.waitSignal(window.exports.finished):
        press(Qt.Key.Key_Return)

    # The workbook holds each statement verbatim, beside its position and its source.
    book = openpyxl.load_workbook(target)
    sheet = book.worksheets[0]
    rows_written = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows_written[0]
    by_column = [dict(zip(header, row, strict=True)) for row in rows_written[1:]]
    quoted = {(r["stakeholder"], r["quote"]) for r in by_column}
    assert quoted == evidence
    assert len(by_column) == statements_cited
    assert {r["stakeholder"] for r in by_column} >= {LGA, "John Ransford", MILBURN}
    assert (
        LGA,
        "despite serious concerns from the Local Government Association, the Association of "
        "Directors of Social Services and the NHS confederation",
    ) in quoted
    assert all(r["proposal"] == trusts.title for r in by_column)
    sources = {row[0].value for row in book["Sources"].iter_rows(min_row=2)}
    assert {r["source"] for r in by_column} <= sources
    book.close()
