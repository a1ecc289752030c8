"""Names from the seed articles and look-ups the window's tests share."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from carebrowser.data.database import DatabaseInfo
from carebrowser.queries import Archive, ProposalRow, StakeholderRow
from carebrowser.ui import reads, stakeholder_panel
from carebrowser.ui.compare_panel import ComparePanel
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.models.roles import ROW_ROLE
from carebrowser.ui.pickers import ChoiceFinder, FindingComboBox
from carebrowser.ui.settings import Settings
from carebrowser.ui.stakeholder_panel import StakeholderPanel

LGA = "Local Government Association"
MILBURN = "Alan Milburn"
ROOT = Path(__file__).resolve().parents[2]
#: Stakeholders a page in the list of long_list_window: a category of the synthetic archive
#: has three pages and more.
TREE_PAGE = 30
#: Far longer than any test waits: a gate not opened by the test is a failure, not a hang.
GATE_SECONDS = 60
#: A widget of any class, handed back by shown() as the class it was given.
Shown = TypeVar("Shown", bound=QWidget)


def stakeholder(archive: Archive, name: str) -> StakeholderRow:
    """A stakeholder by name, as the lists show it."""
    (found,) = archive.stakeholders_by_ids(archive.find_stakeholders([name]))
    return found


def proposal(archive: Archive, words: str) -> ProposalRow:
    """The proposal whose title contains *words* (case-insensitively)."""
    matches = [p for p in archive.proposals() if words.casefold() in p.title.casefold()]
    assert matches, f"no proposal titled with {words!r}"
    return min(matches, key=lambda p: len(p.title))


def shown_window(
    qtbot: QtBot, archive: Archive, info: DatabaseInfo, settings: Settings
) -> Iterator[MainWindow]:
    """A main window over *archive*, shown offscreen at a laptop's size, closed afterwards."""
    window = shown(qtbot, MainWindow(archive, info, settings), (1400, 900))
    yield window
    window.close()
    settle(qtbot)


def show(qtbot: QtBot, window: MainWindow, height: int = 900) -> None:
    """Show *window* offscreen, 1,400 pixels wide, and wait until it is exposed."""
    window.resize(1400, height)
    window.show()
    qtbot.waitExposed(window)


def shown(qtbot: QtBot, widget: Shown, size: tuple[int, int]) -> Shown:
    """*widget* shown offscreen at *size* (closed by qtbot after the test), exposed, and the
    reads it asked for answered."""
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    settle(qtbot)
    return widget


def shown_compare(qtbot: QtBot, archive: Archive) -> ComparePanel:
    """The comparison panel alone over *archive*, shown offscreen, its first reads answered."""
    return shown(qtbot, ComparePanel(archive), (1000, 600))


def open_finder(picker: FindingComboBox, text: str) -> ChoiceFinder:
    """Type *text* into a picker, as a person does: the finder it opens (its matches are read
    off the GUI thread, and may not have arrived)."""
    picker.setFocus(Qt.FocusReason.ShortcutFocusReason)
    QTest.keyClicks(picker, text)
    assert picker.finder.isVisible()
    assert picker.finder.edit.text() == text
    return picker.finder


def long_list_window(
    qtbot: QtBot, archive: Archive, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> MainWindow:
    """A main window over *archive* (the synthetic one), not shown yet, whose stakeholder list
    is read a page of TREE_PAGE at a time."""
    monkeypatch.setattr(stakeholder_panel, "TREE_PAGE", TREE_PAGE)
    window = MainWindow(archive, DatabaseInfo("synthetic", 1, True), settings)
    qtbot.addWidget(window)
    return window


def assert_counted(panel: StakeholderPanel, expected: dict[str, int]) -> None:
    """The stakeholder list shows the categories of *expected*, each with its count, and says
    how many in all."""
    model = panel.model
    labels = {
        model.index(r, 0).data(ROW_ROLE): model.index(r, 0).data() for r in range(model.rowCount())
    }
    assert labels.keys() == expected.keys()
    assert all(label.endswith(f"({expected[c]:,})") for c, label in labels.items())
    assert panel.count_label.text() == f"{sum(expected.values()):,} shown"


def run_carebrowser(*args: str, display: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``python -m carebrowser ARGS`` from the repository's root, offscreen, or without
    *display* (no DISPLAY, WAYLAND_DISPLAY or QT_QPA_PLATFORM at all); what it did."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if not display:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
        }
    return subprocess.run(
        [sys.executable, "-m", "carebrowser", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def fresh_session(script: str, home: Path, *args: str) -> dict[str, Any]:
    """Run *script* (with *args*) in a fresh Python process, offscreen, from the repository's
    root, its settings and logs kept under *home* (nothing remembered from the person's own);
    what it printed as JSON on its last line."""
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_STATE_HOME": str(home / "state"),
        "QT_QPA_PLATFORM": "offscreen",
    }
    result = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,  # a bound for a stuck process, not a measure
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return found


def settle(qtbot: QtBot) -> None:
    """Wait until every read the window asked for has been answered (shown or reported)."""
    qtbot.waitUntil(lambda: not reads.activity().reading())


def answering(qtbot: QtBot) -> None:
    """The GUI thread runs its event loop (a timer set now fires) while a read is held: the
    wait is shorter than GATE_SECONDS, so a GUI thread held by the read fails it."""
    ticks: list[int] = []
    QTimer.singleShot(0, lambda: ticks.append(1))
    qtbot.waitUntil(lambda: bool(ticks), timeout=GATE_SECONDS * 1000 // 2)


def focus_back_in(qtbot: QtBot, widget: QWidget) -> None:
    """Wait until *widget* has the keyboard focus again, a popup (a picker's finder) closed.

    Offscreen, a popup takes the window's activation when it shows, by an event the event loop
    delivers later; when the popup's answer is delivered first, the popup closes before its
    activation arrives, and the activation stays with the hidden popup (focus nowhere). A
    desktop's window manager gives the activation back to the window; so does this.
    """
    window = widget.window()
    QApplication.processEvents()  # the events already posted: a popup's activation among them

    def focused() -> bool:
        if QApplication.activePopupWidget() is None and QApplication.activeWindow() is not window:
            window.activateWindow()
        return QApplication.focusWidget() is widget

    qtbot.waitUntil(focused)


class Gate:
    """An injected delay: a read that waits until the test opens the gate."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()

    def wait(self) -> None:
        self.entered.set()
        if not self.opened.wait(GATE_SECONDS):
            raise TimeoutError("the test never let the read finish")
