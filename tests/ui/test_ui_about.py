"""The About part of the help (F1): version, dataset, licences; and the application's icon."""

from __future__ import annotations

import sqlite3
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import QSize
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from carebrowser import ICON_SIZES, __version__, resource
from carebrowser.ui.help_dialog import HelpDialog
from carebrowser.ui.icon import SVG, application_icon, png_name, render
from carebrowser.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


def test_f1_tells_the_version_the_dataset_and_the_licences(
    qtbot: QtBot, window: MainWindow
) -> None:
    window.window_actions.help.trigger()
    dialog = window.findChild(HelpDialog)
    assert dialog is not None and dialog.isVisible()
    text = dialog.text.toPlainText()
    assert f"carebrowser {__version__}, licensed under the MIT licence" in text
    with sqlite3.connect(ROOT / "db" / "carebrowser.sqlite") as connection:
        (digest,) = connection.execute(
            "SELECT value FROM meta WHERE key = 'dataset_digest'"
        ).fetchone()
        (statements,) = connection.execute("SELECT count(*) FROM statement").fetchone()
    assert f"dataset version {digest[:12]}" in text
    assert f"Provenance: {statements:,} statements from" in text
    # Qt for Python is LGPL, and the dialog says where its source is.
    cells = text.splitlines()  # the table of libraries: name, version, licence, a cell a line
    qt = cells.index("Qt for Python (PySide6, Shiboken6) and Qt")
    assert cells[qt + 1 : qt + 3] == [metadata.version("PySide6-Essentials"), "LGPL-3.0"]
    assert "https://code.qt.io/cgit/pyside/pyside-setup.git" in text
    for name, licence in (
        ("SQLAlchemy", "MIT"),
        ("openpyxl", "MIT"),
        ("python-docx", "MIT"),
        ("platformdirs", "MIT"),
        ("psycopg", "LGPL-3.0"),
    ):
        row = cells.index(name)
        assert cells[row + 1 : row + 3] == [metadata.version(name), licence]
    dialog.reject()


def test_the_help_shows_the_icon(qtbot: QtBot, window: MainWindow) -> None:
    window.show_help()
    dialog = window.findChild(HelpDialog)
    assert dialog is not None
    html = dialog.text.toHtml()
    icon = resource("icons/carebrowser-64.png")
    assert icon.is_file() and icon.as_uri() in html
    dialog.reject()


def test_the_icon_has_every_size_desktops_ask_for() -> None:
    icon = application_icon()
    assert sorted(size.width() for size in icon.availableSizes()) == list(ICON_SIZES)
    for size in ICON_SIZES:
        pixmap = icon.pixmap(QSize(size, size))
        assert (pixmap.width(), pixmap.height()) == (size, size)


def test_the_committed_pngs_are_rendered_from_the_svg() -> None:
    # `make icons` renders them; one left stale after an edit of the SVG fails here.
    for size in ICON_SIZES:
        committed = QImage(str(resource(png_name(size)))).convertToFormat(
            QImage.Format.Format_ARGB32
        )
        rendered = render(resource(SVG), size)
        assert (committed.width(), committed.height()) == (size, size)
        differing = sum(
            1
            for y in range(size)
            for x in range(size)
            if _far(committed.pixel(x, y), rendered.pixel(x, y))
        )
        assert differing <= size * size // 100, f"{size} px: {differing} pixels differ"
        # Transparent around the page, opaque inside it.
        assert committed.pixelColor(0, size - 1).alpha() == 0
        assert committed.pixelColor(size // 2, size // 2).alpha() == 255


def _far(a: int, b: int) -> bool:
    return any(abs(((a >> shift) & 255) - ((b >> shift) & 255)) > 8 for shift in (0, 8, 16, 24))


def test_a_dna_file_shows_its_import_report(qtbot: QtBot, tmp_path: Path) -> None:
    from carebrowser.data.dna_cache import open_database_or_dna
    from carebrowser.queries import Archive
    from tests.dna_debate import write_debate

    dna = write_debate(tmp_path / "debate.dna", 3)
    engine, info = open_database_or_dna(dna)
    try:
        dialog = HelpDialog(Archive(engine), info)
        qtbot.addWidget(dialog)
        text = dialog.text.toPlainText()
    finally:
        engine.dispose()
    assert f"Dataset: {dna}, schema version" in text
    assert "(the SHA-256 of the DNA file it was converted from)" in text
    assert "Provenance: 5 statements from 5 documents (1850\u20132002)" in text
    assert "statements    5 from 9 DNA statements (2 skipped)" in text
    assert "skipped: 1 whose span does not fit in its document's text (DNA ids 100)" in text
    assert "flagged date: 'An old pamphlet' (DNA id 3): 1850-01-01, before 1900" in text
