"""The window as a new user meets it: at its first-launch size and at 200%, readable and whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSplitter,
    QWidget,
)
from pytestqt.qtbot import QtBot
from ui_helpers import LGA, MILBURN, run_carebrowser, settle, stakeholder

from carebrowser.data.database import DatabaseInfo
from carebrowser.queries import Archive, Filters
from carebrowser.ui import settings as options
from carebrowser.ui.filter_bar import COMPACT_LINES
from carebrowser.ui.main_window import COMPARE, MATRIX, READER, STAKEHOLDERS, MainWindow
from carebrowser.ui.models.quotes import STATEMENT
from carebrowser.ui.settings import LONGEST_SAVED_SEARCH, Settings
from carebrowser.ui.sizing import ElidedLabel, first_launch_size, row_height_cap

#: A 1600x1000 screen as the window meets it at first launch, and at 200% (QT_SCALE_FACTOR=2:
#: Qt lays the window out in half as many pixels, each drawn twice as large).
FIRST_LAUNCH = QSize(1280, 800)
AT_200_PERCENT = QSize(800, 500)
CONTROLS = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox, QLabel, QAbstractItemView)


def test_the_first_launch_takes_a_share_of_the_screen() -> None:
    assert first_launch_size(QSize(1600, 1000)) == FIRST_LAUNCH
    # A small screen, or a laptop's at 200%: all of it rather than a share too small to read.
    assert first_launch_size(AT_200_PERCENT) == AT_200_PERCENT
    assert first_launch_size(QSize(1280, 1024)) == QSize(1024, 819)
    # A very large screen: not wider than is useful.
    assert first_launch_size(QSize(3840, 2160)) == QSize(1920, 1200)


def test_with_no_settings_the_window_opens_at_its_first_launch_size(
    qtbot: QtBot, archive: Archive, settings: Settings
) -> None:
    window = MainWindow(archive, DatabaseInfo("test", 1, True), settings)
    qtbot.addWidget(window)
    window.show()
    free = window.screen().availableGeometry()
    assert window.size() == first_launch_size(free.size())
    assert window.size() != QSize(900, 630)  # the old fixed size, whatever the screen
    assert free.contains(window.frameGeometry().center())


def _at(qtbot: QtBot, window: MainWindow, size: QSize) -> None:
    window.resize(size)
    qtbot.waitUntil(lambda: window.size() == size)
    for _ in range(3):
        QApplication.processEvents()


def clipped(root: QWidget) -> list[str]:
    """The visible controls under *root* that are cut off: outside their parent's visible area
    (a scrolled area's contents aside) or smaller than their minimum size hint."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(root) or widget.isWindow():
            continue
        if isinstance(widget.parentWidget(), QComboBox | QAbstractSpinBox | QAbstractItemView):
            continue  # a part of a control (a table's header), checked as the control
        if isinstance(widget, QLabel) and not widget.text():
            continue
        policy = widget.sizePolicy()
        ignored = QSizePolicy.Policy.Ignored
        name = widget.accessibleName() or widget.objectName() or type(widget).__name__
        if isinstance(widget, QLabel):
            name = f"{name} {widget.text()[:30]!r}"
        ancestors, parent = [], widget.parentWidget()
        while parent is not None and parent is not root.parentWidget():
            ancestors.append(parent)
            parent = parent.parentWidget()
        if any(
            isinstance(a, QAbstractScrollArea) and a.viewport().isAncestorOf(widget)
            for a in ancestors
        ):
            continue  # scrolled into view when needed
        visible = QRect(widget.mapTo(root, widget.rect().topLeft()), widget.size())
        if not root.rect().contains(visible):
            found.append(f"{name}: {visible} outside the window's {root.rect()}")
            continue
        if not widget.parentWidget().rect().contains(widget.geometry()):
            found.append(f"{name}: {widget.geometry()} outside its parent")
            continue
        hint = widget.minimumSizeHint()
        if policy.horizontalPolicy() != ignored and widget.width() < hint.width():
            found.append(f"{name}: {widget.width()} wide, needs {hint.width()}")
        if policy.verticalPolicy() != ignored and widget.height() < hint.height():
            found.append(f"{name}: {widget.height()} high, needs {hint.height()}")
    return found


def _statements_readable(window: MainWindow) -> None:
    table = window.statements.table
    width = table.viewport().width()
    assert table.columnWidth(STATEMENT) >= 0.45 * width, [
        table.columnWidth(c) for c in range(table.model().columnCount())
    ]
    assert table.columnWidth(STATEMENT) >= 25 * table.fontMetrics().averageCharWidth()
    rows = window.statements.model.rowCount()
    assert rows > 0
    cap = row_height_cap(table)
    assert all(table.rowHeight(r) <= cap for r in range(rows))
    # A screenful shows more than one statement.
    assert table.rowViewportPosition(1) < table.viewport().height()


@pytest.mark.parametrize("size", [FIRST_LAUNCH, AT_200_PERCENT], ids=["first-launch", "200%"])
def test_every_view_readable_and_whole(
    qtbot: QtBot, fresh: MainWindow, archive: Archive, size: QSize
) -> None:
    window = fresh
    minimum = window.minimumSizeHint()
    assert minimum.width() <= size.width() and minimum.height() <= size.height(), minimum
    window.select_stakeholders([stakeholder(archive, LGA).id, stakeholder(archive, MILBURN).id])
    _at(qtbot, window, size)
    _statements_readable(window)
    for view in (STAKEHOLDERS, MATRIX, COMPARE, READER):
        window.set_view(view)
        for _ in range(3):
            QApplication.processEvents()
        assert clipped(window) == [], f"view {view}"
    matrix = window.matrix.table
    assert matrix.rowViewportPosition(2) + matrix.rowHeight(2) <= matrix.viewport().height()
    compare = window.compare.table
    assert compare.rowViewportPosition(0) < compare.viewport().height() - compare.rowHeight(0) // 3


def test_a_short_window_shows_the_search_alone_and_the_other_filters_on_asking(
    qtbot: QtBot, fresh: MainWindow
) -> None:
    window, bar = fresh, fresh.filter_bar
    line = bar.fontMetrics().height()
    _at(qtbot, window, QSize(1280, (COMPACT_LINES + 5) * line))
    assert not bar.compact and not bar.more_button.isVisible()
    assert bar.proposal.isVisible() and bar.dated.isVisible()
    assert window.minimumSizeHint().height() < COMPACT_LINES * line  # it turns compact first
    # Shorter: the search alone, with More filters; the room goes to the views.
    _at(qtbot, window, QSize(1280, (COMPACT_LINES - 5) * line))
    assert bar.compact and bar.more_button.isVisible() and bar.clear_button.isVisible()
    assert not bar.proposal.isVisible() and not bar.dated.isVisible()
    assert bar.height() < 2 * bar.search.sizeHint().height()  # one row
    assert clipped(window) == []
    # The filters set behind it are counted on it, for the eye and for a screen reader.
    assert bar.more_button.text() == "More filters"
    bar.set_filters(Filters(categories=frozenset({"government"}), date_from=dt.date(2001, 1, 1)))
    assert bar.more_button.text() == "More filters (2 set)" == bar.more_button.accessibleName()
    # From the keyboard: Tab from the search to More filters, Space shows them, and again hides.
    bar.search.setFocus()
    QTest.keyClick(bar.search, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is bar.more_button
    QTest.keyClick(bar.more_button, Qt.Key.Key_Space)
    assert bar.proposal.isVisible() and bar.dated.isVisible() and bar.category.isVisible()
    QTest.keyClick(bar.more_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is bar.proposal
    assert clipped(window) == []
    QTest.keyClick(bar.more_button, Qt.Key.Key_Space)
    assert not bar.proposal.isVisible()
    # As short as the window goes: whole still.
    _at(qtbot, window, QSize(1280, window.minimumSizeHint().height()))
    assert bar.compact and clipped(window) == []
    bar.more_button.click()  # every filter asked for there: the window makes room for them
    for _ in range(3):
        QApplication.processEvents()
    assert bar.proposal.isVisible() and clipped(window) == []
    # Taller again: every filter shown, the button gone.
    _at(qtbot, window, QSize(1280, (COMPACT_LINES + 5) * line))
    assert not bar.compact and not bar.more_button.isVisible() and bar.proposal.isVisible()
    assert bar.filters().categories == {"government"}  # nothing set was lost on the way


def test_a_count_too_long_for_a_narrow_list_is_elided_not_cut(
    qtbot: QtBot, fresh: MainWindow
) -> None:
    window, panel = fresh, fresh.stakeholders
    _at(qtbot, window, QSize(window.minimumSizeHint().width(), 600))
    splitter = window.stakeholders.parentWidget()
    assert isinstance(splitter, QSplitter)
    splitter.setSizes([1, splitter.width()])  # the list as narrow as it goes
    label = panel.count_label
    label.setText("12,345 selected (1,234 further down), at least 20,000 shown")
    for _ in range(3):
        QApplication.processEvents()
    assert label.fontMetrics().horizontalAdvance(label.text()) > label.contentsRect().width()
    # Painted short with an ellipsis (an ElidedLabel), the whole text in its tooltip.
    assert isinstance(label, ElidedLabel) and label.toolTip() == label.text()


@pytest.mark.usefixtures("twice_the_font")
def test_at_twice_the_font_size_the_filter_bar_wraps_rather_than_widen_the_window(
    qtbot: QtBot, archive: Archive, settings: Settings
) -> None:
    # A 192-dpi font on a 1600x1000 screen (the other way to 200%).
    window = MainWindow(archive, DatabaseInfo("test", 1, True), settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.minimumSizeHint().width() <= 1600
    _at(qtbot, window, QSize(1600, 1000))
    assert clipped(window) == []
    _at(qtbot, window, QSize(window.minimumSizeHint().width(), 1000))
    assert window.filter_bar.narrow  # the dates on a row of their own
    assert clipped(window) == []
    _at(qtbot, window, QSize(1600, 1000))
    assert not window.filter_bar.narrow
    window.close()


def test_a_very_long_search_keeps_one_line_of_heading_and_is_not_remembered(
    qtbot: QtBot, fresh: MainWindow, settings: Settings
) -> None:
    _at(qtbot, fresh, FIRST_LAUNCH)
    words = "fines " * 1700  # 10,200 characters
    fresh.filter_bar.search.setText(words)
    fresh.filter_bar.search.returnPressed.emit()
    settle(qtbot)
    heading = fresh.statements.heading
    assert words.strip() in heading.text()
    assert heading.height() < 2 * heading.fontMetrics().height()
    assert words.strip()[:100] in heading.toolTip()
    assert fresh.statements.table.viewport().height() > 200
    fresh.save_settings()
    assert '"search": ""' in settings.value(options.FILTERS)
    short = "x" * LONGEST_SAVED_SEARCH
    fresh.filter_bar.search.setText(short)
    fresh.filter_bar.search.returnPressed.emit()
    fresh.save_settings()
    assert short in settings.value(options.FILTERS)


def test_a_capped_row_has_the_whole_statement_in_its_tooltip(
    qtbot: QtBot, fresh: MainWindow
) -> None:
    _at(qtbot, fresh, AT_200_PERCENT)
    model, table = fresh.statements.model, fresh.statements.table
    longest = max(range(model.rowCount()), key=lambda r: len(model.quote(r).text))
    quote = model.quote(longest)
    tip = model.index(longest, STATEMENT).data(Qt.ItemDataRole.ToolTipRole)
    assert quote.text[-40:].replace("'", "&#x27;") in tip
    assert table.rowHeight(longest) <= row_height_cap(table)
    for column in range(model.columnCount()):
        if column != STATEMENT:
            assert model.index(longest, column).data(Qt.ItemDataRole.ToolTipRole)


def test_screenshot_takes_a_size(tmp_path: Path) -> None:
    target = tmp_path / "browse.png"
    done = run_carebrowser("--screenshot", str(target), "--size", "1280x800", "--select", LGA)
    assert done.returncode == 0, done.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 800)


def test_screenshot_refuses_a_size_that_is_not_one(tmp_path: Path) -> None:
    done = run_carebrowser("--screenshot", str(tmp_path / "x.png"), "--size", "big")
    assert done.returncode == 2
    assert "e.g. 1280x800" in done.stderr
    assert not (tmp_path / "x.png").exists()
