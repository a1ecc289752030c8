"""The comparison at its first-launch size and at 200%: the stakeholders' quotations get the
width, every quotation's last line shows, and no picker or checkbox is cut off."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem, QTableView
from pytestqt.qtbot import QtBot
from test_ui_sizes import AT_200_PERCENT, FIRST_LAUNCH, clipped
from ui_helpers import LGA, MILBURN, settle, stakeholder

from carebrowser.ui.main_window import COMPARE, MainWindow
from carebrowser.ui.models.comparison import AGREEMENT, FIXED_COLUMNS, PROPOSAL
from carebrowser.ui.models.roles import NOTE_ROLE, STANCE_ROLE

SIZES = pytest.mark.parametrize(
    "size", [FIRST_LAUNCH, AT_200_PERCENT], ids=["first-launch", "200%"]
)
FOUR = (LGA, MILBURN, "Association of Directors of Social Services", "Rita Stringfellow")


def comparing(qtbot: QtBot, window: MainWindow, names: tuple[str, ...], size: QSize) -> QTableView:
    """The window at *size*, comparing *names*; its comparison table."""
    window.compare_stakeholders([stakeholder(window.archive, n).id for n in names])
    window.resize(size)
    qtbot.waitUntil(lambda: window.size() == size)
    settle(qtbot)
    for _ in range(3):
        QApplication.processEvents()
    assert window.current_view() == COMPARE
    return window.compare.table


def last_lines_shown(table: QTableView) -> int:
    """Check every quotation's wrapped text fits its row under the stance; how many checked."""
    model, checked = table.model(), 0
    for row in range(model.rowCount()):
        for column in range(len(FIXED_COLUMNS), model.columnCount()):
            index = model.index(row, column)
            note = index.data(NOTE_ROLE)
            if index.data(STANCE_ROLE) is None or not note:
                continue
            option = QStyleOptionViewItem()
            option.initFrom(table)
            table.itemDelegateForIndex(index).initStyleOption(option, index)
            metrics = QFontMetrics(option.font)
            pad = metrics.height() // 4
            width = table.visualRect(index).width() - 2 * pad
            needed = metrics.boundingRect(
                QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), str(note)
            ).height()
            room = table.rowHeight(row) - (metrics.height() + 3 * pad) - pad
            assert needed <= room, (note[:40], needed, room)
            checked += 1
    return checked


@SIZES
def test_two_stakeholders_get_the_width_and_their_whole_names(
    qtbot: QtBot, fresh: MainWindow, size: QSize
) -> None:
    table = comparing(qtbot, fresh, (LGA, MILBURN), size)
    header = table.horizontalHeader()
    width = table.viewport().width()
    average = table.fontMetrics().averageCharWidth()
    shown = [table.columnWidth(c) for c in range(header.count())]
    for column in (2, 3):
        assert table.columnWidth(column) >= 0.3 * width, shown
        assert table.columnWidth(column) >= 30 * average, shown
        # The whole name in the header, not "Government Associ".
        assert header.sectionSizeHint(column) <= header.sectionSize(column), shown
    # The proposal's title wraps within a fifth of the table; the agreement is narrow.
    assert table.columnWidth(PROPOSAL) <= max(0.2 * width, header.sectionSizeHint(PROPOSAL)) + 1
    assert table.columnWidth(AGREEMENT) <= max(0.125 * width, header.sectionSizeHint(AGREEMENT)) + 1
    assert sum(shown) <= width  # no sideways scrolling
    assert last_lines_shown(table) >= 5
    compare = fresh.compare
    assert clipped(compare) == []
    for control in (*compare.pickers, compare.disagreements_box):
        assert control.width() >= control.minimumSizeHint().width()
        assert compare.rect().contains(
            QRect(control.mapTo(compare, control.rect().topLeft()), control.size())
        )


@SIZES
def test_four_stakeholders_share_the_width(qtbot: QtBot, fresh: MainWindow, size: QSize) -> None:
    table = comparing(qtbot, fresh, FOUR, size)
    header = table.horizontalHeader()
    width = table.viewport().width()
    average = table.fontMetrics().averageCharWidth()
    shown = [table.columnWidth(c) for c in range(header.count())]
    assert header.count() == len(FIXED_COLUMNS) + 4
    for column in range(len(FIXED_COLUMNS), header.count()):
        assert table.columnWidth(column) >= 0.15 * width, shown
        assert table.columnWidth(column) >= 15 * average, shown
        name = table.model().headerData(column, Qt.Orientation.Horizontal)
        tip = table.model().headerData(
            column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
        )
        assert tip.startswith(name)  # an elided name is whole in its tooltip
    assert table.columnWidth(PROPOSAL) <= max(0.15 * width, header.sectionSizeHint(PROPOSAL)) + 1
    assert sum(shown) <= width
    assert last_lines_shown(table) >= 5
    assert clipped(fresh.compare) == []


def widest_line(table: QTableView, column: int) -> int:
    """The column's widest text on one line, with the cell's margins, every row measured."""
    model, metrics = table.model(), table.fontMetrics()
    style = table.style()
    margin = 2 * (style.pixelMetric(style.PixelMetric.PM_FocusFrameHMargin) + 1) + 1
    texts = [model.index(row, column).data() for row in range(model.rowCount())]
    return max(metrics.horizontalAdvance(str(t)) for t in texts if t) + margin


@pytest.mark.parametrize("names", [(LGA, MILBURN), FOUR], ids=["two", "four"])
@SIZES
def test_fixed_columns_fit_their_widest_text_within_their_share(
    qtbot: QtBot, fresh: MainWindow, size: QSize, names: tuple[str, ...]
) -> None:
    table = comparing(qtbot, fresh, names, size)
    header = table.horizontalHeader()
    share = {PROPOSAL: 0.15 if len(names) > 2 else 0.2, AGREEMENT: 0.125}
    least = 10 * table.fontMetrics().averageCharWidth()
    for narrower in (False, True):
        if narrower:  # measured again for the new width (as far as the window narrows)
            fresh.resize(max(fresh.minimumSizeHint().width(), size.width() * 3 // 4), size.height())
            qtbot.waitUntil(lambda: fresh.width() < size.width())
            settle(qtbot)
            QApplication.processEvents()
        width = table.viewport().width()
        for column in (PROPOSAL, AGREEMENT):
            hint = header.sectionSizeHint(column)
            cap = max(int(width * share[column]), least, hint)
            expected = min(max(widest_line(table, column), hint), cap)
            assert table.columnWidth(column) == expected, (column, width, narrower)
