"""Help, about carebrowser and the data's provenance (F1): keys, version and licences, the
sources, publications and how their dates are known."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from carebrowser import __version__
from carebrowser.data.database import DatabaseInfo
from carebrowser.data.search_syntax import SEARCH_HELP
from carebrowser.data.vocabulary import STANCE_GLYPHS
from carebrowser.queries import Archive
from carebrowser.ui.about import about_html, icon_html
from carebrowser.ui.provenance import source_provenance
from carebrowser.ui.widgets import named

SHORTCUTS = (
    ("Ctrl+F", "search statements and sources"),
    ("Ctrl+1", "stakeholders and their statements"),
    ("Ctrl+2", "proposal matrix"),
    ("Ctrl+3", "compare stakeholders"),
    ("Ctrl+4", "source reader"),
    ("Ctrl+5", "coalition map: who stands with whom, and on what"),
    ("Ctrl+6", "timeline of positions: Left / Right from mark to mark, + / - zoom"),
    ("Enter", "read the current statement in its source; press the focused button"),
    ("Alt+Left / Alt+Right", "back / forward across the views and the statements read"),
    ("Ctrl+End / Ctrl+Home", "the last (reading the rest) / first statement"),
    ("Ctrl+Space", "stakeholder list: add the current stakeholder, or take it out"),
    ("Shift+Up / Shift+Down", "stakeholder list: extend the selection"),
    (
        "Alt+1 to Alt+4",
        "comparison: a stakeholder picker; type part of a name, Up / Down, Enter to choose, "
        "Escape to keep the choice",
    ),
    ("F8 / Shift+F8", "next / previous statement in the reader"),
    ("Ctrl+E", "export the selection (or everything shown) to Excel or CSV"),
    ("Ctrl+C", "copy the selection as a table of the columns shown, for Excel or Word"),
    ("Ctrl+Shift+C", "copy the positions selected with their quotations and sources"),
    ("Tab / Shift+Tab", "move between the parts of the window"),
    ("F1", "this help"),
    ("Ctrl+Q", "quit"),
)


def _e(text: str | None) -> str:
    return html.escape(text or "")


def help_html(archive: Archive, info: DatabaseInfo) -> str:
    """The whole help text."""
    keys = "".join(f"<tr><td><b>{_e(k)}</b></td><td>{_e(v)}</td></tr>" for k, v in SHORTCUTS)
    stances = ", ".join(f"{_e(glyph)} {_e(stance)}" for stance, glyph in STANCE_GLYPHS.items())
    sources = "".join(source_provenance(s) for s in archive.sources())
    return (
        f"<h2>{icon_html()} carebrowser {_e(__version__)}</h2>"
        "<p>What stakeholders said about the 2001\u20132002 reform of social services in "
        "England. Every statement is a verbatim span of a published source: direct "
        "quotation, reported speech or editorial opinion. Typos are as printed; statements "
        "marked \u201ccut off in the source\u201d end where the capture ends.</p>"
        f"<p>Stances are shown in words, glyphs and colour: {stances}.</p>"
        f"<h2>Searching</h2><p>{_e(SEARCH_HELP)}.</p>"
        "<p>The search narrows every view: the statements, the matrix and the coalition map "
        "(to positions resting on a statement that matches), the timeline and the exports. "
        "The reader marks where a source matches.</p>"
        f"<h2>Keyboard</h2><table>{keys}</table>"
        f"{about_html(archive, info)}"
        f"<h2>The data</h2><p>Database: {_e(info.label)} (schema version "
        f"{info.schema_version}). Dates marked \u201c(inferred)\u201d are not printed in "
        "the article; they rest on the evidence given for each source below.</p>"
        f"{sources}"
    )


class HelpDialog(QDialog):
    """Keyboard help and where the data comes from."""

    def __init__(self, archive: Archive, info: DatabaseInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("carebrowser help and data provenance")
        self.text = named(
            QTextBrowser(self),
            "Help and data provenance",
            "Keyboard shortcuts, and the sources with their publications and dates",
            tooltip=False,
        )
        self.text.setHtml(help_html(archive, info))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        for button in buttons.buttons():
            named(button, button.text().replace("&", ""), "Close the help")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        metrics = self.fontMetrics()
        self.resize(70 * metrics.averageCharWidth(), 40 * metrics.height())
