"""The window's actions, menus and toolbar, with platform-conventional shortcuts."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar, QToolButton

from carebrowser.ui.views import VIEWS


@dataclass
class Actions:
    """Every action of the window, for wiring and for tests."""

    views: list[QAction]
    find: QAction
    clear_filters: QAction
    hide_empty: QAction
    transpose: QAction
    disagreements_only: QAction
    next_statement: QAction
    previous_statement: QAction
    back: QAction
    forward: QAction
    help: QAction
    quit: QAction
    export: QAction
    copy: QAction
    copy_quotations: QAction


def _action(
    window: QMainWindow,
    text: str,
    keys: QKeySequence | QKeySequence.StandardKey | str | None,
    tip: str,
) -> QAction:
    action = QAction(text, window)
    if keys is not None:
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.setStatusTip(tip)
    shown = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
    action.setToolTip(f"{tip} ({shown})" if shown else tip)
    return action


def build_actions(window: QMainWindow) -> Actions:
    """Create the actions and put them in the menu bar and toolbar of *window*."""
    group = QActionGroup(window)
    views = []
    for view in VIEWS:
        text = view.title
        action = _action(window, text, view.shortcut, view.status_tip)
        action.setCheckable(True)
        group.addAction(action)
        views.append(action)
    find_keys, help_keys = QKeySequence.StandardKey.Find, QKeySequence.StandardKey.HelpContents
    actions = Actions(
        views=views,
        find=_action(window, "&Find\u2026", find_keys, "Search statements and sources"),
        clear_filters=_action(window, "C&lear filters", None, "Remove every filter and search"),
        hide_empty=_action(
            window, "&Hide empty rows and columns", None, "Matrix: leave out empty rows, columns"
        ),
        transpose=_action(window, "&Transpose matrix", None, "Matrix: proposals as rows"),
        disagreements_only=_action(
            window, "Only &disagreements", None, "Comparison: only proposals they disagree on"
        ),
        next_statement=_action(window, "&Next statement", "F8", "Reader: the next statement"),
        previous_statement=_action(
            window, "&Previous statement", "Shift+F8", "Reader: the previous statement"
        ),
        back=_action(
            window, "&Back", QKeySequence.StandardKey.Back, "Go back to where you were before"
        ),
        forward=_action(
            window, "&Forward", QKeySequence.StandardKey.Forward, "Go forward again (after Back)"
        ),
        help=_action(
            window,
            "carebrowser &help and data provenance",
            help_keys,
            "Keyboard help and where the data comes from",
        ),
        quit=_action(window, "&Quit", "Ctrl+Q", "Quit carebrowser"),
        export=_action(
            window,
            "&Export\u2026",
            "Ctrl+E",
            "Export the selection, or everything the view shows, to Excel or CSV",
        ),
        copy=_action(
            window,
            "&Copy",
            QKeySequence.StandardKey.Copy,
            "Copy the selection as a table, to paste into Excel or Word",
        ),
        copy_quotations=_action(
            window,
            "Copy with the &quotations",
            "Ctrl+Shift+C",
            "Copy the positions selected with their quotations and sources, a row per statement",
        ),
    )
    if actions.find.shortcut().isEmpty():
        actions.find.setShortcut(QKeySequence("Ctrl+F"))
    if actions.back.shortcut().isEmpty():
        actions.back.setShortcut(QKeySequence("Alt+Left"))
    if actions.forward.shortcut().isEmpty():
        actions.forward.setShortcut(QKeySequence("Alt+Right"))
    if actions.help.shortcut().isEmpty():
        actions.help.setShortcut(QKeySequence("F1"))
    actions.help.setIconText("Help")
    actions.find.setIconText("Search")
    actions.export.setIconText("Export")
    actions.quit.setMenuRole(QAction.MenuRole.QuitRole)
    actions.help.setMenuRole(QAction.MenuRole.AboutRole)
    for toggle in (actions.hide_empty, actions.transpose, actions.disagreements_only):
        toggle.setCheckable(True)

    menus = window.menuBar()
    file_menu = menus.addMenu("&File")
    file_menu.addAction(actions.export)
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)
    edit_menu = menus.addMenu("&Edit")
    edit_menu.addAction(actions.copy)
    edit_menu.addAction(actions.copy_quotations)
    edit_menu.addSeparator()
    edit_menu.addAction(actions.find)
    edit_menu.addAction(actions.clear_filters)
    view_menu = menus.addMenu("&View")
    view_menu.addActions(views)
    view_menu.addSeparator()
    view_menu.addActions([actions.hide_empty, actions.transpose, actions.disagreements_only])
    go_menu = menus.addMenu("&Go")
    go_menu.addActions([actions.back, actions.forward])
    go_menu.addSeparator()
    go_menu.addActions([actions.next_statement, actions.previous_statement])
    for move in (actions.back, actions.forward):
        move.setEnabled(False)
    help_menu = menus.addMenu("&Help")
    help_menu.addAction(actions.help)

    toolbar = QToolBar("Views", window)
    toolbar.setObjectName("views")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    toolbar.addActions(views)
    toolbar.addSeparator()
    toolbar.addAction(actions.find)
    toolbar.addAction(actions.export)
    toolbar.addAction(actions.help)
    window.addToolBar(toolbar)
    # The ">>" button that shows the actions a narrow window has no room for: Qt leaves it
    # without a name for a screen reader.
    more = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    if more is not None:
        more.setAccessibleName("More views and actions")
        more.setToolTip("The views and actions the toolbar has no room for")
    return actions
