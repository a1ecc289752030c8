"""Fixtures for the window's tests: settings in a temporary INI file, a shown main window."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from ui_helpers import Gate, shown_window

from carebrowser.data.database import DatabaseInfo, open_database
from carebrowser.data.synth import Sizes, synthesize
from carebrowser.queries import Archive
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.reads import wait_for_reads
from carebrowser.ui.settings import Settings


@pytest.fixture(scope="session")
def synthetic_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic archive of 20,000 statements (400 stakeholders, 2,000 sources), made once."""
    return synthesize(
        tmp_path_factory.mktemp("synthetic") / "synthetic.sqlite", Sizes.for_quotes(20_000), seed=3
    )


@pytest.fixture(scope="module")
def synthetic(synthetic_file: Path) -> Iterator[Archive]:
    """The synthetic archive, opened read-only for one test module."""
    engine, _info = open_database(synthetic_file)
    yield Archive(engine)
    engine.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings kept in a file of the test's own temporary folder."""
    return Settings(QSettings(str(tmp_path / "carebrowser.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def window(qtbot: QtBot, archive: Archive, settings: Settings) -> Iterator[MainWindow]:
    """The main window over the bundled dataset, shown offscreen."""
    yield from shown_window(qtbot, archive, DatabaseInfo("the bundled dataset", 1, True), settings)


@pytest.fixture
def fresh(qtbot: QtBot, archive: Archive, settings: Settings) -> Iterator[MainWindow]:
    """A window with no settings, shown; each test gives it the size it looks at."""
    window = MainWindow(archive, DatabaseInfo("test", 1, True), settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


@pytest.fixture
def documents() -> Path:
    """The person's Documents folder (in the test's own home)."""
    folder = Path.home() / "Documents"
    folder.mkdir()
    return folder


@pytest.fixture
def opened(window: MainWindow) -> list[Path]:
    """The files the window opened in their program (recorded, not opened)."""
    files: list[Path] = []

    def record(path: Path, _failed: Callable[[], None]) -> bool:
        files.append(path)
        return True

    window.exports.opener = record
    return files


@pytest.fixture
def twice_the_font(qapp: QApplication) -> Iterator[None]:
    """The application's font at twice its point size (200%, or a 192-dpi font) for the windows
    the test makes; put back as the test ends."""
    original = qapp.font()
    big = qapp.font()
    big.setPointSizeF(original.pointSizeF() * 2)
    qapp.setFont(big)
    yield
    qapp.setFont(original)


@pytest.fixture(autouse=True)
def _clipboard_emptied(qapp: QApplication) -> Iterator[None]:
    """Each test finds the clipboard empty and leaves it so: a table copied as QMimeData and
    still on the clipboard when the interpreter exits crashes it on the offscreen platform."""
    yield
    QGuiApplication.clipboard().clear()


@pytest.fixture
def collected() -> Iterator[None]:
    """Free the panels a test made (closed by pytest-qt) as it ends: a panel and its pickers
    hold one another, so the garbage collector would delete the panel, a window, at some later
    moment, perhaps while another test's window paints, which the offscreen platform does not
    survive."""
    yield
    gc.collect()


@pytest.fixture
def gate() -> Iterator[Gate]:
    """A gate a test holds a read at; opened, and the reads done, when the test ends."""
    made = Gate()
    yield made
    made.opened.set()
    assert wait_for_reads()
    gc.collect()  # the panels its reads answered, gone before the next test


@pytest.fixture
def gates() -> Iterator[list[Gate]]:
    """Gates a test holds reads at; all opened, and the reads done, when the test ends."""
    made: list[Gate] = []
    yield made
    for each in made:
        each.opened.set()
    assert wait_for_reads()
