"""The stakeholder list shows the voices in the debate; those only named are a tick away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from ui_helpers import settle, stakeholder

from carebrowser.queries import Archive
from carebrowser.ui.main_window import MainWindow


def _categories(window: MainWindow) -> list[str]:
    model = window.stakeholders.model
    return [str(model.index(row, 0).data()) for row in range(model.rowCount())]


def test_the_list_starts_with_the_voices_and_a_tick_shows_everyone_named(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    panel = window.stakeholders
    model = panel.model
    blackpool = stakeholder(archive, "Blackpool")
    assert panel.speaking.isChecked()
    assert not any(c.startswith("Council") for c in _categories(window))
    assert not model.index_of(blackpool.id).isValid()
    voices = model.total()
    assert voices == len(archive.all_stakeholders(speaking=True))

    # A person unticks it (keyboard: Alt+W toggles it too).
    panel.speaking.setFocus()
    qtbot.keyClick(panel.speaking, Qt.Key.Key_Space)
    assert not panel.speaking.isChecked()
    settle(qtbot)  # the list is read off the GUI thread
    assert any(c.startswith("Council") for c in _categories(window))
    assert model.index_of(blackpool.id).isValid()
    assert model.total() == len(archive.all_stakeholders()) > voices

    # Selected there, Blackpool goes when the list is back to the voices: its table is empty.
    panel.select([blackpool.id])
    assert panel.selected_ids() == {blackpool.id}
    qtbot.keyClick(panel.speaking, Qt.Key.Key_Space)
    settle(qtbot)
    assert panel.speaking.isChecked() and panel.selected_ids() == frozenset()


def test_the_people_of_an_organisation_show_under_it_and_can_be_chosen_there(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    panel = window.stakeholders
    model = panel.model
    lga = model.index_of(stakeholder(archive, "Local Government Association").id)
    assert panel.tree.isExpanded(lga)  # open, so the link shows without a click
    people = [model.index(row, 0, lga) for row in range(model.rowCount(lga))]
    assert [p.data() for p in people] == ["John Ransford", "Rita Stringfellow"]
    assert all(panel.tree.visualRect(p).height() > 0 for p in people)
    # A click on a person under the organisation chooses that person.
    panel.tree.scrollTo(people[1])
    qtbot.mouseClick(
        panel.tree.viewport(),
        Qt.MouseButton.LeftButton,
        pos=panel.tree.visualRect(people[1]).center(),
    )
    assert [s.name for s in panel.selected()] == ["Rita Stringfellow"]
