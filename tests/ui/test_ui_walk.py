"""The walk by keyboard: gathering stakeholders, the last statement, back and forward, and the
choices kept from one start to the next."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot
from ui_helpers import LGA, MILBURN, settle, stakeholder

from carebrowser.data.database import DatabaseInfo
from carebrowser.queries import Archive, Filters
from carebrowser.ui import reads
from carebrowser.ui.main_window import COMPARE, MATRIX, READER, STAKEHOLDERS, MainWindow
from carebrowser.ui.quote_panel import QUOTE_PAGE
from carebrowser.ui.settings import Settings

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def key(widget: QWidget | None, which: Qt.Key, modifier: Qt.KeyboardModifier = CTRL) -> None:
    assert widget is not None
    QTest.keyClick(widget, which, modifier)


def _settle() -> None:
    """Let the window take the keys, and show what it read for them off the GUI thread."""
    for _ in range(1000):  # a bound, not a measure
        for _ in range(3):
            QApplication.processEvents()
        if not reads.activity().reading():
            return
        reads.wait_for_reads(100)
    raise AssertionError("the window's reads did not end")


def _names(window: MainWindow) -> set[str]:
    return {s.name for s in window.stakeholders.selected()}


def _find_by_name(window: MainWindow, words: str) -> None:
    """Type *words* into the Name box and Tab into the list, as a person does."""
    panel = window.stakeholders
    panel.name_filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
    panel.name_filter.selectAll()
    QTest.keyClicks(panel.name_filter, words)
    _settle()
    key(panel.name_filter, Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)
    _settle()
    assert QApplication.focusWidget() is panel.tree


def test_ctrl_space_and_shift_arrows_gather_stakeholders_the_name_box_hides(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.stakeholders
    _find_by_name(window, "Milburn")
    key(panel.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier)  # a new selection
    assert _names(window) == {MILBURN}
    key(panel.tree, Qt.Key.Key_Tab, SHIFT)  # back to the Name box
    _find_by_name(window, "Local Gov")
    # Tabbing into the list keeps Milburn, whom the Name box now hides.
    assert _names(window) == {MILBURN}
    assert "1 hidden by the name filter" in panel.count_label.text()
    key(panel.tree, Qt.Key.Key_Down, SHIFT)  # Shift+arrow gathers
    assert _names(window) == {MILBURN, LGA}
    key(panel.tree, Qt.Key.Key_Space)  # Ctrl+Space takes one out ...
    assert _names(window) == {MILBURN}
    key(panel.tree, Qt.Key.Key_Space)  # ... and puts it back
    assert _names(window) == {MILBURN, LGA}
    # Both are compared with the button, by keyboard.
    panel.compare_button.setFocus(Qt.FocusReason.TabFocusReason)
    key(panel.compare_button, Qt.Key.Key_Space, Qt.KeyboardModifier.NoModifier)
    settle(qtbot)  # the comparison is read off the GUI thread
    assert {s.name for s in window.compare.compared()} == {MILBURN, LGA}
    # A plain arrow key starts a new selection, as a plain click does.
    window.set_view(STAKEHOLDERS)
    key(panel.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.NoModifier)
    assert MILBURN not in _names(window)
    assert "hidden" not in panel.count_label.text()


def test_ctrl_end_goes_to_the_last_statement(qtbot: QtBot, window: MainWindow) -> None:
    statements = window.statements
    total = statements.total_count()
    assert total > 2 * QUOTE_PAGE
    assert window.status.text().startswith(f"{QUOTE_PAGE} of {total} statements loaded")
    statements.focus_table()
    key(statements.table, Qt.Key.Key_End)  # the rest is read off the GUI thread first
    qtbot.waitUntil(lambda: statements.table.currentIndex().row() == total - 1)
    assert statements.model.rowCount() == total
    last = window.archive.quotes(Filters(), descending=True, limit=1).rows[0]
    assert statements.model.quote(total - 1).id == last.id
    assert window.status.text().startswith(f"{total} statements")
    assert "loaded" not in window.status.text().split("\u00b7")[0]
    key(statements.table, Qt.Key.Key_Home)
    assert statements.table.currentIndex().row() == 0


def test_back_and_forward_across_views(qtbot: QtBot, window: MainWindow) -> None:
    actions = window.window_actions
    assert not actions.back.isEnabled()
    window.set_view(MATRIX)
    window.set_view(COMPARE)
    quote = window.statements.model.quote(0)
    window.set_view(STAKEHOLDERS)
    window.open_statement(quote.source_id, quote.id)  # as Enter on a statement does
    assert window.current_view() == READER
    key(QApplication.focusWidget(), Qt.Key.Key_Left, ALT)
    assert window.current_view() == STAKEHOLDERS
    key(QApplication.focusWidget(), Qt.Key.Key_Left, ALT)
    assert window.current_view() == COMPARE
    key(QApplication.focusWidget(), Qt.Key.Key_Right, ALT)
    key(QApplication.focusWidget(), Qt.Key.Key_Right, ALT)
    assert window.current_view() == READER
    settle(qtbot)  # the source's text is read off the GUI thread
    source = window.reader.current_source()
    assert source is not None and source.id == quote.source_id
    assert window.reader.active == quote.id
    assert not actions.forward.isEnabled()
    # Going somewhere new from the middle drops what Forward would have gone to.
    window.go(-1)
    window.set_view(MATRIX)
    assert not actions.forward.isEnabled()
    window.go(-1)
    assert window.current_view() == STAKEHOLDERS


def test_the_selection_and_the_comparison_are_kept_to_the_next_start(
    qtbot: QtBot, archive: Archive, settings: Settings
) -> None:
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    first = MainWindow(archive, DatabaseInfo("test", 1, True), settings)
    qtbot.addWidget(first)
    first.show()
    first.select_stakeholders([lga.id, milburn.id])  # selects them, and compares them
    first.stakeholders.select([lga.id])
    first.close()

    second = MainWindow(archive, DatabaseInfo("test", 1, True), settings)
    qtbot.addWidget(second)
    second.show()
    settle(qtbot)
    assert [s.id for s in second.stakeholders.selected()] == [lga.id]
    assert "Local Government Association" in second.statements.heading.text()
    assert not second.built(COMPARE)  # made when first shown, not at start
    second.set_view(COMPARE)
    settle(qtbot)
    assert [s.id for s in second.compare.compared()] == [lga.id, milburn.id]
    second.close()
