"""Names from the seed articles and look-ups the window's tests share."""

from __future__ import annotations

import threading
from collections.abc import Iterator

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


def settle(qtbot: QtBot, timeout: int = 10_000) -> None:
    """Wait until every read the window asked for has been answered (shown or reported)."""
    qtbot.waitUntil(lambda: not reads.activity().reading(), timeout=timeout)


class Gate:
    """An injected delay: a read that waits until the test opens the gate."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()

    def wait(self) -> None:
        self.entered.set()
        if not self.opened.wait(GATE_SECONDS):
            raise TimeoutError("the test never let the read finish")
