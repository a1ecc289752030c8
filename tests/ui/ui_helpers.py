"""Names from the seed articles and look-ups the window's tests share."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from carebrowser.data.database import DatabaseInfo
from carebrowser.queries import Archive, ProposalRow, StakeholderRow
from carebrowser.ui import reads
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.settings import Settings

LGA = "Local Government Association"
MILBURN = "Alan Milburn"
#: Far longer than any test waits: a gate not opened by the test is a failure, not a hang.
GATE_SECONDS = 60


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
    shown = MainWindow(archive, info, settings)
    qtbot.addWidget(shown)
    shown.resize(1400, 900)
    shown.show()
    qtbot.waitExposed(shown)
    settle(qtbot)
    yield shown
    shown.close()
    settle(qtbot)


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
