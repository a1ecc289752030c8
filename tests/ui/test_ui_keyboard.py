"""The whole walk with the keyboard alone: search, select, read, matrix, compare, reader."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from ui_helpers import LGA, MILBURN, focus_back_in, settle, stakeholder

from carebrowser.queries import Archive
from carebrowser.ui.main_window import COMPARE, MATRIX, READER, STAKEHOLDERS, MainWindow
from carebrowser.ui.pickers import FindingComboBox

CTRL = Qt.KeyboardModifier.ControlModifier


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def key(
    qtbot: QtBot, which: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """Press a key in whatever has the focus, as a person does."""
    target = focused()
    assert target is not None
    QTest.keyClick(target, which, modifier)


def tab_to(qtbot: QtBot, widget: QWidget, backwards: bool = False, limit: int = 40) -> None:
    """Press Tab (or Shift+Tab) until *widget* has the focus; fails if it is never reached."""
    for _ in range(limit):
        if focused() is widget:
            return
        key(qtbot, Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab)
    assert focused() is widget, f"Tab never reached {widget.accessibleName()}"


def choose(qtbot: QtBot, combo: FindingComboBox, name: str) -> None:
    """Type a name into a picker, Enter takes the best match (when it arrives: the matches are
    read off the GUI thread), and the keyboard is back in the picker."""
    qtbot.keyClicks(combo, name)
    assert focused() is combo.finder.edit
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not combo.finder.isVisible())
    assert combo.currentText() == name
    focus_back_in(qtbot, combo)


def test_the_whole_walk_by_keyboard(qtbot: QtBot, window: MainWindow, archive: Archive) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)

    # Ctrl+1: the stakeholder list. Shift+Tab to its name box, type, Tab back, arrows select.
    key(qtbot, Qt.Key.Key_1, CTRL)
    assert window.current_view() == STAKEHOLDERS
    panel = window.stakeholders
    assert focused() is panel.tree
    tab_to(qtbot, panel.name_filter, backwards=True)
    qtbot.keyClicks(panel.name_filter, LGA)
    qtbot.waitUntil(lambda: panel.model.name == LGA)
    tab_to(qtbot, panel.tree)
    for _ in range(3):
        if panel.selected_ids():
            break
        key(qtbot, Qt.Key.Key_Down)
    assert panel.selected_ids() == {lga.id}
    settle(qtbot)  # the statements are read off the GUI thread
    statements = window.statements.model
    assert statements.rowCount() > 0
    # The LGA with its people (as the heading says), who speak for it.
    voices = {LGA, *(p.name for p in archive.people_of({lga.id}))}
    assert voices == {LGA, "John Ransford", "Rita Stringfellow"}
    assert {statements.quote(r).stakeholder for r in range(statements.rowCount())} <= voices

    # Tab on to the statements (the tables do not trap Tab), Enter opens the reader there.
    tab_to(qtbot, window.statements.table)
    key(qtbot, Qt.Key.Key_Down)
    row = window.statements.table.currentIndex().row()
    quote = statements.quote(row)
    key(qtbot, Qt.Key.Key_Return)
    assert window.current_view() == READER
    settle(qtbot)  # the source and who said the statement are read off the GUI thread
    assert window.reader.active == quote.id
    assert LGA in window.reader.details.toPlainText()

    # Ctrl+2: the matrix; arrows move from cell to cell and the evidence follows.
    key(qtbot, Qt.Key.Key_2, CTRL)
    assert window.current_view() == MATRIX
    settle(qtbot)  # the matrix is read off the GUI thread
    assert focused() is window.matrix.table
    # Its first position is made current at the event loop's turn after its rows are painted,
    # and its evidence read then.
    qtbot.waitUntil(lambda: window.matrix.current_position() is not None)
    settle(qtbot)
    first = window.matrix.current_position()
    assert first is not None
    shown = {
        window.evidence.model.quote(r).quote_id for r in range(window.evidence.model.rowCount())
    }
    assert shown == set(first.evidence_quote_ids)
    key(qtbot, Qt.Key.Key_Down)
    second = window.matrix.current_position()
    if second is not None:
        assert window.evidence.position == second

    # Ctrl+3: compare; type names into the pickers, Space ticks "only disagreements".
    key(qtbot, Qt.Key.Key_3, CTRL)
    assert window.current_view() == COMPARE
    compare = window.compare
    assert focused() is compare.pickers[0]
    choose(qtbot, compare.pickers[0], LGA)
    tab_to(qtbot, compare.pickers[1])
    choose(qtbot, compare.pickers[1], MILBURN)
    assert [s.id for s in compare.compared()] == [lga.id, milburn.id]
    tab_to(qtbot, compare.disagreements_box)
    key(qtbot, Qt.Key.Key_Space)
    assert compare.disagreements_box.isChecked()
    settle(qtbot)  # the comparison is read off the GUI thread
    assert compare.model.rowCount() == sum(
        r.disagree for r in archive.compare([lga.id, milburn.id])
    )
    tab_to(qtbot, compare.table)

    # Ctrl+4: the reader; F8 steps through statements, Tab reaches one, Enter explains it.
    key(qtbot, Qt.Key.Key_4, CTRL)
    assert window.current_view() == READER
    reader = window.reader
    assert focused() is reader.text
    key(qtbot, Qt.Key.Key_F8)
    assert reader.active is not None
    reader.details.clear()
    key(qtbot, Qt.Key.Key_Tab)
    assert focused() is reader.text  # Tab went to the next statement inside the text
    key(qtbot, Qt.Key.Key_Return)
    settle(qtbot)  # who said it is read off the GUI thread
    focus_back_in(qtbot, reader.text)
    span = reader.marks.span_of(reader.active)
    assert span is not None
    assert span.stakeholder in reader.details.toPlainText()
    assert reader.text.textCursor().hasSelection()

    # Ctrl+F: back to the search from anywhere.
    key(qtbot, Qt.Key.Key_F, CTRL)
    assert focused() is window.filter_bar.search


def test_tab_cycles_through_every_view_without_a_trap(qtbot: QtBot, window: MainWindow) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    mains = {
        STAKEHOLDERS: window.stakeholders.tree,
        MATRIX: window.matrix.table,
        COMPARE: window.compare.table,
        READER: window.reader.text,
    }
    for view, main in mains.items():
        window.set_view(view)
        window.filter_bar.focus_search()
        visited = []
        for _ in range(60):
            key(qtbot, Qt.Key.Key_Tab)
            visited.append(focused())
            if focused() is window.filter_bar.search:
                break
        assert main in visited, f"view {view}: Tab never reached its main part"
        assert visited[-1] is window.filter_bar.search, f"view {view}: Tab is trapped"
