"""Small defects a new user met in the first minute, each fixed and kept fixed."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QStyleOptionViewItem,
)
from pytestqt.qtbot import QtBot
from test_ui_browse import click
from ui_helpers import LGA, MILBURN, proposal, settle, stakeholder

from carebrowser.queries import Archive
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.models.roles import NOTE_ROLE, STANCE_ROLE
from carebrowser.ui.views import VIEWS
from carebrowser.ui.widgets import counted

#: Words that keep their capital in the middle of a menu item.
PROPER = {"Excel", "Word", "CSV", "XLSX", "DOCX", "GraphML"}


def _mnemonic(text: str) -> str | None:
    found = re.search(r"&([^&])", text.replace("&&", ""))
    return found.group(1).casefold() if found else None


def _mnemonics_shown(window: MainWindow) -> list[tuple[str, str]]:
    """(letter, text) of every Alt+letter the window answers to as it is shown now."""
    found = []
    for action in window.menuBar().actions():
        if (letter := _mnemonic(action.text())) is not None:
            found.append((letter, action.text()))
    for widget in window.findChildren(QAbstractButton) + window.findChildren(QLabel):
        if not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel) and widget.buddy() is None:
            continue
        if (letter := _mnemonic(widget.text())) is not None:
            found.append((letter, widget.text()))
    return found


def test_no_alt_letter_is_bound_twice_in_any_view(window: MainWindow) -> None:
    for number in range(len(VIEWS)):
        window.set_view(number)
        shown = _mnemonics_shown(window)
        letters = [letter for letter, _text in shown]
        twice = {letter for letter in letters if letters.count(letter) > 1}
        assert not twice, (VIEWS[number].name, [t for letter, t in shown if letter in twice])
    # The two that clashed: Dated (the filter bar) and Show only disagreements (Compare).
    window.set_view("compare")
    assert _mnemonic(window.filter_bar.dated.text()) != _mnemonic(
        window.compare.disagreements_box.text()
    )


def test_menus_are_in_sentence_case_with_one_letter_each(window: MainWindow) -> None:
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        assert isinstance(menu, QMenu)
        letters = []
        for action in menu.actions():
            if action.isSeparator():
                continue
            words = action.text().replace("&", "").replace("\u2026", "").split()
            for word in words[1:]:
                assert not word[0].isupper() or word in PROPER or word.isupper(), action.text()
            letters.append(_mnemonic(action.text()))
        assert None not in letters, [a.text() for a in menu.actions()]
        assert len(letters) == len(set(letters)), [a.text() for a in menu.actions()]


def test_the_title_names_the_dataset_once(window: MainWindow) -> None:
    # The desktop adds the application's display name, which carebrowser sets to its own:
    # "the bundled dataset — carebrowser", not "carebrowser — the bundled dataset — carebrowser".
    assert window.windowTitle() == "the bundled dataset"
    assert "carebrowser" not in window.windowTitle()


def test_status_tips_read_as_sentences(window: MainWindow) -> None:
    tips = [a.statusTip() for a in window.window_actions.views]
    assert "Show the compare stakeholders" not in tips
    assert tips[2] == "Show two to four stakeholders side by side, proposal by proposal"
    assert tips[0] == "Show the stakeholders and statements"


def test_a_search_clears_what_the_status_bar_said_before(qtbot: QtBot, window: MainWindow) -> None:
    window.statusBar().showMessage("Exported 3 positions to /tmp/x.xlsx.", 30_000)
    window.filter_bar.search.setText("trusts")
    window.filter_bar.search.returnPressed.emit()
    assert window.statusBar().currentMessage() == ""
    assert window.status.isVisible()
    assert "statement" in window.status.text()


def test_enter_on_a_focused_button_presses_it(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    window.filter_bar.search.setText("trusts")
    window.filter_bar.search.returnPressed.emit()
    button = window.filter_bar.clear_button
    button.setFocus(Qt.FocusReason.TabFocusReason)
    assert QApplication.focusWidget() is button
    QTest.keyClick(button, Qt.Key.Key_Return)
    assert window.filter_bar.search.text() == ""
    # And the stakeholder list's Compare button.
    window.select_stakeholders([stakeholder(archive, LGA).id, stakeholder(archive, MILBURN).id])
    window.set_view("stakeholders")
    compare = window.stakeholders.compare_button
    compare.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(compare, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    assert window.current_view() == 2


def test_the_last_line_of_a_long_quotation_shows_in_compare(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    window.compare_stakeholders([stakeholder(archive, LGA).id, stakeholder(archive, MILBURN).id])
    table = window.compare.table
    model = table.model()
    qtbot.waitUntil(lambda: model.rowCount() > 0)
    # The rows in view are measured at once, the others after the next paint.
    qtbot.waitUntil(lambda: window.compare.fitter.measured == model.rowCount())
    checked = 0
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            note = index.data(NOTE_ROLE)
            if index.data(STANCE_ROLE) is None or not note:
                continue
            # Measured as the delegate paints it: in the cell's own font (italics for
            # reported speech), at the cell's width, under the stance chip.
            option = QStyleOptionViewItem()
            option.initFrom(table)
            delegate = table.itemDelegateForIndex(index)
            delegate.initStyleOption(option, index)
            metrics = QFontMetrics(option.font)
            pad = metrics.height() // 4
            width = table.visualRect(index).width() - 2 * pad
            needed = metrics.boundingRect(
                QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), str(note)
            ).height()
            room = table.rowHeight(row) - (metrics.height() + 3 * pad) - pad
            assert needed <= room, (note[:40], needed, room)
            checked += 1
    assert checked >= 5


def test_several_matrix_cells_show_the_evidence_of_them_all(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    lga = stakeholder(archive, LGA)
    trusts, care = proposal(archive, "children's trusts"), proposal(archive, "care trusts")
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    matrix = window.matrix
    first = matrix.model.index_of(lga.id, trusts.id)
    second = matrix.model.index_of(lga.id, care.id)
    click(qtbot, matrix.table, first)
    click(qtbot, matrix.table, second, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)  # the evidence is read off the GUI thread
    positions = [matrix.model.position_at(i) for i in (first, second)]
    assert all(p is not None for p in positions)
    expected = {q for p in positions if p is not None for q in p.evidence_quote_ids}
    evidence = window.evidence
    shown = {evidence.model.quote(r).quote_id for r in range(evidence.model.rowCount())}
    assert shown == expected
    assert "2 positions" in evidence.heading.text()
    assert window.status.text().endswith(counted(len(expected), "statement"))
    # Back to one cell: its evidence alone.
    click(qtbot, matrix.table, first)
    settle(qtbot)
    shown = {evidence.model.quote(r).quote_id for r in range(evidence.model.rowCount())}
    assert shown == set(positions[0].evidence_quote_ids)  # type: ignore[union-attr]


def test_a_file_that_cannot_be_opened_is_said_in_a_message(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    from carebrowser.ui.export_worker import ExportDone

    flow = window.exports
    failures: list[Callable[[], None]] = []

    def no_program(_path: Path, failed: Callable[[], None]) -> bool:
        failures.append(failed)
        return True  # started, as xdg-open is: it tells later that nothing opened the file

    flow.opener = no_program
    flow._open_after = True
    target = tmp_path / "positions.xlsx"
    flow._finished(ExportDone(target, "xlsx", 3, 0.1))
    assert flow.not_opened is None
    failures[0]()  # xdg-open ended with an error
    box = flow.not_opened
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert str(target) in box.text() and "could not be opened" in box.text()
    assert "XLSX" in box.text()
    ok = box.button(QMessageBox.StandardButton.Ok)
    assert isinstance(ok, QPushButton)
    ok.click()
    qtbot.waitUntil(lambda: flow.not_opened is None)
    # An opener that knows at once says so at once.
    flow.opener = lambda _path, _failed: False
    flow._finished(ExportDone(target, "xlsx", 3, 0.1))
    assert flow.not_opened is not None and flow.not_opened.isVisible()
    flow.not_opened.close()
