"""Settings persist between sessions; the command line's window options behave."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QSplitter
from pytestqt.qtbot import QtBot
from ui_helpers import LGA, MILBURN, proposal, run_carebrowser, settle, stakeholder

from carebrowser.data.database import DatabaseInfo
from carebrowser.export import QUOTE_COLUMNS
from carebrowser.queries import Archive, Filters
from carebrowser.ui.app import (
    XCB_PACKAGES,
    display_problem,
    open_archive,
    prepare_window,
)
from carebrowser.ui.error_dialogs import DatabaseErrorDialog
from carebrowser.ui.main_window import COMPARE, MATRIX, READER, MainWindow
from carebrowser.ui.settings import Settings
from carebrowser.ui.sizing import first_launch_size


def test_view_filters_and_layout_persist(
    qtbot: QtBot, archive: Archive, settings: Settings
) -> None:
    trusts = proposal(archive, "children's trusts")
    first = MainWindow(archive, DatabaseInfo("test", 1, True), settings)
    qtbot.addWidget(first)
    first.resize(1000, 700)
    first.show()
    first.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    first.matrix.transpose_box.setChecked(True)
    first.filter_bar.set_filters(Filters(proposals=frozenset({trusts.id}), search="trusts"))
    browse = first.findChild(QSplitter, "browse")
    sizes = browse.sizes()
    browse.setSizes([sizes[0] + 40, sizes[1] - 40])
    moved = browse.sizes()
    first.close()

    second = MainWindow(archive, DatabaseInfo("test", 1, True), settings)
    qtbot.addWidget(second)
    second.show()
    settle(qtbot)  # the matrix is read off the GUI thread
    assert second.current_view() == MATRIX
    assert settings.geometry("window") is not None
    # The offscreen screen is 800 pixels wide, so Qt fits the width to it; the height is kept.
    assert second.height() == 700
    assert second.matrix.transpose_box.isChecked()
    assert second.filter_bar.filters() == Filters(proposals=frozenset({trusts.id}), search="trusts")
    assert second.filter_bar.proposal.currentText() == trusts.title
    assert [p.id for p in second.matrix.model.matrix.proposals] == [trusts.id]
    second.set_view("stakeholders")
    second.resize(1000, 700)  # as wide as before, so the splitter can take its old sizes
    browse_again = second.findChild(QSplitter, "browse")
    qtbot.waitUntil(lambda: browse_again.sizes() == moved)


def test_views_not_shown_keep_their_options_and_sizes(
    qtbot: QtBot, archive: Archive, settings: Settings
) -> None:
    def window() -> MainWindow:
        made = MainWindow(archive, DatabaseInfo("test", 1, True), settings)
        qtbot.addWidget(made)
        made.resize(1000, 700)
        made.show()
        return made

    first = window()
    first.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    first.matrix.transpose_box.setChecked(True)
    splitter = first.findChild(QSplitter, "matrix")
    sizes = splitter.sizes()
    splitter.setSizes([sizes[0] - 60, sizes[1] + 60])
    moved = splitter.sizes()
    first.set_view("stakeholders")
    first.close()

    second = window()  # opens on the stakeholders: the matrix is not made, and closing keeps it
    assert not second.built(MATRIX) and second.findChild(QSplitter, "matrix") is None
    assert second.window_actions.transpose.isChecked()
    second.window_actions.hide_empty.trigger()  # the menu, before the view is made
    hide_empty = second.window_actions.hide_empty.isChecked()
    second.close()

    third = window()
    assert not third.built(MATRIX)
    third.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    assert third.matrix.transpose_box.isChecked()
    assert third.matrix.hide_empty_box.isChecked() == hide_empty
    assert third.findChild(QSplitter, "matrix").sizes() == moved
    third.matrix.hide_empty_box.click()  # box and menu stay in step once it is made
    settle(qtbot)  # the matrix is read off the GUI thread
    assert third.window_actions.hide_empty.isChecked() != hide_empty


def test_copy_and_export_in_the_first_view_make_no_other(window: MainWindow) -> None:
    window.set_view("stakeholders")
    window.stakeholders.focus_list()
    assert window.export_panel() is window.stakeholders
    window.copy_selection()
    assert not any(window.built(view) for view in (MATRIX, COMPARE, READER))


def test_select_and_view_options(qtbot: QtBot, window: MainWindow, archive: Archive) -> None:
    args = argparse.Namespace(db=None, screenshot=None, view="compare", select=[LGA, MILBURN])
    assert prepare_window(window, args) is None
    assert window.current_view() == COMPARE
    ids = [stakeholder(archive, n).id for n in (LGA, MILBURN)]
    settle(qtbot)  # the comparison is read off the GUI thread
    assert [s.id for s in window.compare.compared()] == ids
    assert window.stakeholders.selected_ids() == set(ids)
    bad = argparse.Namespace(db=None, screenshot=None, view=None, select=["Nobody At All"])
    message = prepare_window(window, bad)
    assert message is not None and "Nobody At All" in message


def test_panels_offer_exports_of_the_selection(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    lga = stakeholder(archive, LGA)
    window.stakeholders.select([lga.id])
    settle(qtbot)  # the statements are read off the GUI thread
    assert window.stakeholders.selection_count() == 1
    rows = list(window.stakeholders.export_table(True).rows)
    assert [r[0] for r in rows] == [LGA]
    quotes = window.statements.export_table(False)
    assert quotes.header == QUOTE_COLUMNS
    # The LGA's statements with its people's, as the window shows them.
    people = frozenset(p.id for p in archive.people_of({lga.id}))
    assert people and len(list(quotes.rows)) == archive.quote_count(
        Filters(stakeholders=frozenset({lga.id}) | people)
    )
    window.statements.table.selectRow(0)
    assert window.statements.selection_count() == 1
    assert len(list(window.statements.export_table(True).rows)) == 1
    assert window.matrix.export_table(False).header[0] == "stakeholder"
    assert window.compare.selection_count() == 0
    assert window.reader.selection_count() == 0


def test_a_bad_database_offers_the_bundled_one(tmp_path: Path, qtbot: QtBot) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_text("not a database")
    asked: list[str] = []
    opened = open_archive(str(bad), lambda error: asked.append(str(error)) or True)
    assert not isinstance(opened, str)
    assert opened[1].bundled and str(bad) in asked[0]
    refused = open_archive(str(bad), lambda error: False)
    assert isinstance(refused, str) and "not an SQLite database" in refused
    dialog = DatabaseErrorDialog(asked[0], "", None)
    qtbot.addWidget(dialog)
    assert str(bad) in dialog.text.text()
    labels = [b.text().replace("&", "") for b in dialog.buttons.buttons()]
    assert "Open the bundled dataset" in labels and "Close" in labels
    assert dialog.bundled_button is not None


def test_no_display_is_one_clear_sentence() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("only Linux needs DISPLAY")
    message = display_problem({})
    assert message is not None and "no display" in message and "DISPLAY" in message
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}) is None
    assert "libxcb-cursor0" in XCB_PACKAGES


def test_screenshot_writes_a_png_without_a_display(tmp_path: Path) -> None:
    target = tmp_path / "matrix.png"
    done = run_carebrowser(
        "--screenshot", str(target), "--view", "matrix", "--select", LGA, display=False
    )
    assert done.returncode == 0, done.stderr
    image = QImage(str(target))
    # No --size: as the window opens at its first start on this (offscreen) screen.
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    expected = first_launch_size(screen.availableGeometry().size())
    assert (image.width(), image.height()) == (expected.width(), expected.height())
    assert done.stderr == ""


def test_without_display_or_screenshot_exit_1_with_one_line() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("only Linux needs DISPLAY")
    done = run_carebrowser(display=False)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0]


def test_screenshot_of_a_bad_database_exits_1_with_one_line(tmp_path: Path) -> None:
    missing, shot = str(tmp_path / "missing.sqlite"), str(tmp_path / "x.png")
    done = run_carebrowser("--db", missing, "--screenshot", shot, display=False)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "missing.sqlite" in lines[0] and "does not exist" in lines[0]
    assert not (tmp_path / "x.png").exists()
