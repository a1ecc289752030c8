"""Accessible names and descriptions, no keyboard trap, visible focus, system palette, big fonts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QAccessible, QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QStyle,
    QStyleOptionViewItem,
    QWidget,
)
from pytestqt.qtbot import QtBot
from ui_helpers import LGA, proposal, stakeholder

from carebrowser.data.database import DatabaseInfo
from carebrowser.queries import Archive
from carebrowser.ui.delegates import StanceDelegate, highlighted_html
from carebrowser.ui.help_dialog import HelpDialog
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.settings import Settings
from carebrowser.ui.text_marks import blend
from carebrowser.ui.views import VIEWS


def focusable(root: QWidget) -> Iterator[QWidget]:
    """Every widget of *root*'s window that can take the keyboard focus itself."""
    for widget in root.findChildren(QWidget):
        if (
            widget.window() is root.window()
            and widget.focusPolicy() != Qt.FocusPolicy.NoFocus
            and widget.focusProxy() is None
        ):
            yield widget


def test_every_focusable_widget_has_a_name_and_a_description(window: MainWindow) -> None:
    for view in range(len(VIEWS)):  # every view made (the others are made when first shown)
        window.set_view(view, focus=False)
    widgets = list(focusable(window))
    assert len(widgets) > 20
    for widget in widgets:
        interface = QAccessible.queryAccessibleInterface(widget)
        assert interface is not None
        what = f"{type(widget).__name__} {widget.objectName()} in {type(widget.parent()).__name__}"
        assert interface.text(QAccessible.Text.Name).strip(), f"{what} has no accessible name"
        # Combo boxes announce their current value as the name on Linux; ours is set as well.
        assert widget.accessibleName().strip(), f"{what} has no accessible name of its own"
        assert interface.text(QAccessible.Text.Description).strip(), f"{what}: no description"


def test_the_help_dialog_is_named_and_tells_the_provenance(qtbot: QtBot, archive: Archive) -> None:
    dialog = HelpDialog(archive, DatabaseInfo("the bundled dataset", 1, True))
    qtbot.addWidget(dialog)
    for widget in focusable(dialog):
        assert QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
    text = dialog.text.toPlainText()
    for source in archive.sources():
        assert source.publication in text
        assert source.date_label in text
        if source.date_evidence:
            assert source.date_evidence[:60] in text
    assert "Ctrl+4" in text and "inferred" in text


def test_f1_opens_the_help(qtbot: QtBot, window: MainWindow) -> None:
    window.window_actions.help.trigger()
    dialog = window.findChild(HelpDialog)
    assert dialog is not None and dialog.isVisible()
    assert window.window_actions.help.shortcut().toString() == "F1"
    assert window.window_actions.quit.shortcut().toString() == "Ctrl+Q"
    dialog.reject()
    window.window_actions.quit.trigger()
    assert not window.isVisible()


def test_tables_leave_tab_to_the_window(window: MainWindow) -> None:
    views = window.findChildren(QAbstractItemView)
    assert len(views) >= 5
    for view in views:
        if view.window() is window:
            assert not view.tabKeyNavigation(), view.accessibleName()


def _paint_cell(
    delegate: StanceDelegate, index: QModelIndex | QPersistentModelIndex, state: QStyle.StateFlag
) -> QImage:
    image = QImage(200, 40, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 200, 40)
    option.state = state | QStyle.StateFlag.State_Enabled
    option.palette = QApplication.palette()
    painter = QPainter(image)
    delegate.paint(painter, option, index)
    painter.end()
    return image


def test_focus_on_a_stance_cell_is_visible(window: MainWindow, archive: Archive) -> None:
    model = window.matrix.model
    index = model.index_of(stakeholder(archive, LGA).id, proposal(archive, "children's trusts").id)
    delegate = StanceDelegate()
    plain = _paint_cell(delegate, index, QStyle.StateFlag.State_None)
    focused = _paint_cell(delegate, index, QStyle.StateFlag.State_HasFocus)
    selected = _paint_cell(delegate, index, QStyle.StateFlag.State_Selected)
    assert plain != focused
    assert plain != selected


def test_colours_follow_the_system_palette(
    qtbot: QtBot, archive: Archive, settings: Settings
) -> None:
    dark = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Base, "#202020"),
        (QPalette.ColorRole.Text, "#f0f0f0"),
        (QPalette.ColorRole.Highlight, "#3050a0"),
        (QPalette.ColorRole.Window, "#303030"),
    ):
        dark.setColor(role, QColor(colour))
    html = highlighted_html("a monolithic b", [(2, 12)], dark)
    assert "#3050a0" in html
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.palette()
    app.setPalette(dark)
    try:
        window = MainWindow(archive, DatabaseInfo("test", 1, True), settings)
        qtbot.addWidget(window)
        assert window.styleSheet() == "" and app.styleSheet() == ""
        reader = window.reader
        source = next(s for s in archive.sources() if s.statement_count)
        with qtbot.waitSignal(reader.source_shown):
            reader.show_source(source.id)  # read off the GUI thread
        span = archive.source_text(source.id).spans[0]
        cursor = reader.text.textCursor()
        cursor.setPosition(span.start + 1)
        expected = blend(QColor("#202020"), QColor("#3050a0"), 0.22)
        assert cursor.charFormat().background().color() == expected
    finally:
        app.setPalette(original)


@pytest.mark.usefixtures("twice_the_font")
def test_usable_at_twice_the_font_size(qtbot: QtBot, archive: Archive, settings: Settings) -> None:
    window = MainWindow(archive, DatabaseInfo("test", 1, True), settings)
    qtbot.addWidget(window)
    # Fits a 1920-pixel-wide screen at twice the font size.
    assert window.minimumSizeHint().width() <= 1600
    window.resize(2800, 1800)
    window.show()
    qtbot.waitExposed(window)
    checked = 0
    for widget in window.findChildren(QWidget):
        if not widget.isVisible() or not isinstance(
            widget, QLabel | QAbstractButton | QLineEdit | QComboBox
        ):
            continue
        assert widget.font().pixelSize() == -1  # sized in points: follows the system setting
        assert widget.height() >= widget.fontMetrics().height(), widget.accessibleName()
        checked += 1
    assert checked > 10
    table = window.statements.table
    if table.model().rowCount():
        assert table.rowHeight(0) >= table.fontMetrics().height()
