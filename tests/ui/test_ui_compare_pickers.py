"""The comparison's pickers: typing narrows them to the stakeholders that match, under the
stakeholder list's categories; and Compare selected with one stakeholder adds it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from ui_helpers import (
    LGA,
    MILBURN,
    focus_back_in,
    open_finder,
    settle,
    shown_compare,
    stakeholder,
)

from carebrowser.data.vocabulary import CATEGORIES
from carebrowser.queries import Archive, StakeholderRow
from carebrowser.ui.main_window import COMPARE, STAKEHOLDERS, MainWindow
from carebrowser.ui.models.choices import (
    CategoryHeading,
    ChoiceListModel,
    grouped_stakeholder_choices,
)
from carebrowser.ui.models.stakeholders import StakeholderTreeModel
from carebrowser.ui.pickers import ChoiceFinder, FindingComboBox

ALT = Qt.KeyboardModifier.AltModifier
NO_KEY = Qt.KeyboardModifier.NoModifier


#: Each test's panels are freed as it ends (see the collected fixture).
pytestmark = pytest.mark.usefixtures("collected")


def matches(finder: ChoiceFinder) -> list[str]:
    """What the finder lists, headings and all."""
    model = finder.model
    assert model is not None
    return [str(model.index(row).data()) for row in range(model.rowCount())]


def typed(qtbot: QtBot, picker: FindingComboBox, text: str) -> ChoiceFinder:
    """Type *text* into a picker, as a person does; the finder it opens, its matches shown."""
    finder = open_finder(picker, text)
    settle(qtbot)  # the matches are read off the GUI thread
    return finder


def test_typing_local_gov_lists_the_matches_under_their_categories(
    qtbot: QtBot, archive: Archive
) -> None:
    compare = shown_compare(qtbot, archive)
    picker = compare.pickers[2]
    finder = typed(qtbot, picker, "Local Gov")
    # The stakeholder list's categories, in its order; headings are not choices.
    assert matches(finder) == [
        "Local government",
        LGA,
        "Think tank or research",
        "Local Government Information Unit",
    ]
    model = finder.model
    assert model is not None
    for row in (0, 2):
        assert model.is_heading(row)
        assert not model.flags(model.index(row)) & Qt.ItemFlag.ItemIsEnabled
    current = finder.current()
    assert current is not None and current.label == LGA
    # A click on a heading chooses nothing.
    heading = finder.matches.visualRect(model.index(2)).center()
    qtbot.mouseClick(finder.matches.viewport(), Qt.MouseButton.LeftButton, pos=heading)
    assert finder.isVisible() and picker.currentText() == "(none)"
    # Down steps over the heading; Up comes back; Enter chooses.
    QTest.keyClick(finder.edit, Qt.Key.Key_Down)
    assert finder.matches.currentIndex().row() == 3
    QTest.keyClick(finder.edit, Qt.Key.Key_Up)
    assert finder.matches.currentIndex().row() == 1
    QTest.keyClick(finder.edit, Qt.Key.Key_Return)
    assert not finder.isVisible()
    assert picker.currentText() == LGA
    assert [s.name for s in compare.compared()] == [LGA]


def test_a_click_on_a_match_chooses_it(qtbot: QtBot, archive: Archive) -> None:
    compare = shown_compare(qtbot, archive)
    picker = compare.pickers[0]
    finder = typed(qtbot, picker, "lga")  # names, aliases and roles: the LGA and its people
    listed = matches(finder)
    assert listed[0] == "Local government" and LGA in listed
    assert any(label.startswith("Rita Stringfellow \u2014 chair") for label in listed)
    current = finder.current()
    assert current is not None and current.label == LGA  # its initials: the likeliest
    model = finder.model
    assert model is not None
    row = next(r for r, label in enumerate(listed) if label.startswith("Rita Stringfellow"))
    place = finder.matches.visualRect(model.index(row)).center()
    qtbot.mouseClick(finder.matches.viewport(), Qt.MouseButton.LeftButton, pos=place)
    assert not finder.isVisible()
    assert picker.currentText() == "Rita Stringfellow"  # listed by name alone


def test_text_that_matches_nothing_says_so_and_chooses_nothing(
    qtbot: QtBot, archive: Archive
) -> None:
    compare = shown_compare(qtbot, archive)
    milburn = stakeholder(archive, MILBURN)
    compare.set_stakeholders([milburn.id])
    picker = compare.pickers[0]
    finder = typed(qtbot, picker, "xyz")
    assert finder.message.isVisible()
    assert finder.message.text().startswith("No stakeholder matches \u2018xyz\u2019.")
    assert not finder.matches.isVisible() and finder.current() is None
    QTest.keyClick(finder.edit, Qt.Key.Key_Return)  # nothing to choose: it stays, and says so
    assert finder.isVisible() and picker.currentText() == MILBURN
    QTest.keyClick(finder.edit, Qt.Key.Key_Escape)
    assert not finder.isVisible()
    assert picker.currentText() == MILBURN
    assert compare.compared() == [milburn]


def test_escape_keeps_the_choice_made_before(qtbot: QtBot, archive: Archive) -> None:
    compare = shown_compare(qtbot, archive)
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    compare.set_stakeholders([lga.id, milburn.id])
    settle(qtbot)
    rows = compare.model.rowCount()
    picker = compare.pickers[1]
    finder = typed(qtbot, picker, "council")
    QTest.keyClick(finder.edit, Qt.Key.Key_Down)
    QTest.keyClick(finder.edit, Qt.Key.Key_Escape)
    assert not finder.isVisible()
    assert picker.currentText() == MILBURN
    assert compare.compared() == [lga, milburn] and compare.model.rowCount() == rows
    # Typed again, the finder starts from what is typed now.
    finder = typed(qtbot, picker, "Milb")
    assert matches(finder) == ["Government", f"{MILBURN} \u2014 Health secretary"]


def test_the_pickers_list_is_grouped_as_the_stakeholder_list(
    qtbot: QtBot, window: MainWindow
) -> None:
    # The list with those who made no statement too (as the pickers offer them).
    tree = StakeholderTreeModel(window.archive, speaking=False)
    tree.count_categories()
    in_the_list: list[str] = []
    for category in range(tree.rowCount()):
        parent = tree.index(category, 0)
        while tree.has_more(parent):
            tree.read_more(parent)
        in_the_list.append(str(parent.data()).rsplit(" (", 1)[0])
        in_the_list += [str(tree.index(r, 0, parent).data()) for r in range(tree.rowCount(parent))]
    window.set_view(COMPARE)
    settle(qtbot)
    picker = window.compare.pickers[0]
    while window.compare.choices.canFetchMore():
        window.compare.choices.fetchMore()
    assert [picker.itemText(r) for r in range(1, picker.count())] == in_the_list
    # Closed, the arrow keys step over the headings.
    picker.setFocus()
    picker.setCurrentIndex(0)
    QTest.keyClick(picker, Qt.Key.Key_Down)
    value = window.compare.choices.value(picker.currentIndex())
    assert isinstance(value, StakeholderRow) and value.category == CATEGORIES[0]
    assert picker.currentIndex() == 2  # after '(none)' and the first heading


def test_keyboard_alone_alt_number_type_arrows_enter(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.set_view(COMPARE)
    settle(qtbot)
    compare = window.compare
    for number, text, steps, name in ((1, "lga", 0, LGA), (2, "milburn", 0, MILBURN)):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key(Qt.Key.Key_0 + number), ALT)
        picker = compare.pickers[number - 1]
        assert QApplication.focusWidget() is picker
        for letter in text:  # each key to whatever has the focus: the finder, once open
            QTest.keyClick(QApplication.focusWidget(), letter)
        assert QApplication.focusWidget() is picker.finder.edit
        for _ in range(steps):
            QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        # Enter before the matches came chooses the best of them when they come.
        qtbot.waitUntil(lambda p=picker: not p.finder.isVisible())
        assert picker.currentText() == name
        focus_back_in(qtbot, picker)
    assert [s.name for s in compare.compared()] == [LGA, MILBURN]
    settle(qtbot)
    assert compare.model.rowCount() > 0


def test_the_pickers_keep_their_accessible_names(qtbot: QtBot, archive: Archive) -> None:
    compare = shown_compare(qtbot, archive)
    for number, picker in enumerate(compare.pickers, 1):
        assert picker.accessibleName() == f"Stakeholder {number} to compare"
        assert "type part of a name" in picker.accessibleDescription()
        assert picker.finder.edit.accessibleName() == "Find a stakeholder"
        assert picker.finder.matches.accessibleName() == "Matching stakeholders"


def test_the_grouped_choices_model(qtmodeltester: ModelTester, archive: Archive) -> None:
    rows = archive.stakeholders_as_listed(limit=30).rows
    model = ChoiceListModel(grouped_stakeholder_choices(rows))
    qtmodeltester.check(model)
    headings = [r for r in range(model.rowCount()) if model.is_heading(r)]
    values = [model.value(r) for r in headings]
    assert values == [CategoryHeading(c) for c in dict.fromkeys(s.category for s in rows)]
    bold = model.index(headings[0]).data(Qt.ItemDataRole.FontRole)
    assert bold.bold()
    assert model.index(headings[0]).data(Qt.ItemDataRole.AccessibleTextRole).endswith("(heading)")


def test_a_page_going_on_in_the_list_order(archive: Archive) -> None:
    everyone = archive.stakeholders_as_listed(limit=10_000).rows
    assert everyone == archive.first_stakeholders(limit=10_000).rows
    read: list[StakeholderRow] = []
    cursor: tuple[object, ...] | None = None
    while True:
        page = archive.stakeholders_as_listed("a", after=cursor, limit=7)
        read += page.rows
        if page.cursor is None:
            break
        cursor = page.cursor
    assert read == archive.first_stakeholders(name="a", limit=10_000).rows


# -- Compare selected with one stakeholder -------------------------------------------------


def test_compare_selected_with_one_adds_it_and_never_replaces_the_comparison(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    window.compare_stakeholders([lga.id, milburn.id])
    compare = window.compare
    settle(qtbot)
    assert compare.compared() == [lga, milburn]
    panel = window.stakeholders
    window.set_view(STAKEHOLDERS)
    rita = stakeholder(archive, "Rita Stringfellow")
    panel.select([rita.id])
    settle(qtbot)
    assert panel.compare_button.isEnabled()  # one selected
    qtbot.mouseClick(panel.compare_button, Qt.MouseButton.LeftButton)
    assert window.current_view() == COMPARE
    assert compare.compared() == [lga, milburn, rita]
    assert compare.pickers[2].currentText() == "Rita Stringfellow"
    assert window.statusBar().currentMessage().startswith("Added Rita Stringfellow")
    # Already compared: nothing changes, and the status bar says so.
    window.compare_stakeholders([rita.id])
    assert compare.compared() == [lga, milburn, rita]
    assert window.statusBar().currentMessage() == "Rita Stringfellow is compared already."
    # Four compared: the comparison stays; the status bar says what to do.
    ransford = stakeholder(archive, "John Ransford")
    window.compare_stakeholders([ransford.id])
    assert compare.compared() == [lga, milburn, rita, ransford]
    hunt = stakeholder(archive, "Lord Hunt")
    window.compare_stakeholders([hunt.id])
    assert compare.compared() == [lga, milburn, rita, ransford]
    message = window.statusBar().currentMessage()
    assert message.startswith("Four stakeholders are compared already")
    assert "Lord Hunt" in message and "Alt+1 to Alt+4" in message
    # Two or more selected still replace the comparison.
    window.compare_stakeholders([hunt.id, milburn.id])
    settle(qtbot)
    assert compare.compared() == [hunt, milburn]


def test_compare_selected_with_one_and_nothing_compared_says_what_next(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    lga = stakeholder(archive, LGA)
    window.compare_stakeholders([lga.id])
    settle(qtbot)  # not read by the pickers yet: read off the GUI thread
    compare = window.compare
    assert compare.compared() == [lga]
    assert compare.pickers[0].currentText() == LGA
    assert "choose a stakeholder to compare it with" in window.statusBar().currentMessage()
    assert compare.hint.isVisible()
