"""The name box narrows the stakeholder list without changing what is selected."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_ui_browse import click
from ui_helpers import LGA, MILBURN, settle, stakeholder

from carebrowser.queries import Archive
from carebrowser.ui.main_window import MainWindow


def _type(qtbot: QtBot, window: MainWindow, text: str) -> None:
    panel = window.stakeholders
    panel.name_filter.setText(text)
    qtbot.waitUntil(lambda: panel.model.name == text)


def test_stakeholders_hidden_by_the_name_box_stay_selected(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    panel = window.stakeholders
    panel.select([lga.id])
    settle(qtbot)
    assert window.statements.heading.text().startswith(f"Statements of {LGA}")
    shown = [window.statements.model.quote(r).id for r in range(2)]

    heard: list[bool] = []
    panel.selection_changed.connect(lambda: heard.append(True))
    _type(qtbot, window, "milburn")
    assert not panel.model.index_of(lga.id).isValid()  # out of the list...
    assert panel.selected_ids() == {lga.id}  # ...but still selected
    assert heard == []  # so the statements were not read again
    assert window.statements.heading.text().startswith(f"Statements of {LGA}")
    assert [window.statements.model.quote(r).id for r in range(2)] == shown
    assert panel.count_label.text() == "1 selected (1 hidden by the name filter), 1 shown"

    # Ctrl+click adds a stakeholder found by another name: both can now be compared.
    click(qtbot, panel.tree, panel.model.index_of(milburn.id), Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert panel.selected_ids() == {lga.id, milburn.id}
    assert [s.name for s in panel.selected()] == [MILBURN, LGA]
    assert panel.compare_button.isEnabled()
    assert window.statements.heading.text().startswith(f"Statements of {MILBURN}, {LGA}")

    # With the name box empty, both are selected in the list itself.
    _type(qtbot, window, "")
    rows = panel.tree.selectionModel().selectedRows(0)
    assert {index.data(Qt.ItemDataRole.DisplayRole) for index in rows} == {LGA, MILBURN}
    assert panel.count_label.text().startswith("2 of ")


def test_a_plain_click_replaces_the_hidden_ones_too(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    panel = window.stakeholders
    panel.select([lga.id, milburn.id])
    settle(qtbot)
    _type(qtbot, window, "milburn")
    assert panel.selected_ids() == {lga.id, milburn.id}
    heard: list[bool] = []
    panel.selection_changed.connect(lambda: heard.append(True))
    # Milburn is already selected in the list: only the hidden one goes.
    click(qtbot, panel.tree, panel.model.index_of(milburn.id))
    settle(qtbot)
    qtbot.waitUntil(lambda: bool(heard))
    settle(qtbot)
    assert panel.selected_ids() == {milburn.id}
    assert window.statements.heading.text() == f"Statements of {MILBURN}"
    assert "hidden" not in panel.count_label.text()


def test_the_category_filter_deselects_whom_it_leaves_out(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    assert lga.category != milburn.category
    panel = window.stakeholders
    panel.select([lga.id, milburn.id])
    settle(qtbot)
    _type(qtbot, window, "milburn")
    panel.set_categories([milburn.category])
    settle(qtbot)  # the list is read off the GUI thread
    assert panel.selected_ids() == {milburn.id}
    _type(qtbot, window, "")
    assert panel.selected_ids() == {milburn.id}


def test_selecting_someone_the_name_box_hides_keeps_them(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    lga = stakeholder(archive, LGA)
    panel = window.stakeholders
    _type(qtbot, window, "milburn")
    heard: list[bool] = []
    panel.selection_changed.connect(lambda: heard.append(True))
    window.select_stakeholders([lga.id])  # as a comparison or a saved session does
    settle(qtbot)
    assert panel.selected_ids() == {lga.id} and heard == [True]
    assert window.statements.heading.text().startswith(f"Statements of {LGA}")
    panel.select([10**9])  # no such stakeholder: nothing is kept
    settle(qtbot)  # looked for off the GUI thread
    assert panel.selected_ids() == set()
