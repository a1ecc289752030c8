"""Marking a source's text in a QTextBrowser: statement spans, search matches, the active span."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtGui import QColor, QFont, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser

from carebrowser.data.vocabulary import KIND_LABELS
from carebrowser.queries import SourceText, SpanRow

#: How each kind of statement is underlined, so the kind never rests on colour alone.
UNDERLINES = {
    "direct": QTextCharFormat.UnderlineStyle.SingleUnderline,
    "reported": QTextCharFormat.UnderlineStyle.DashUnderline,
    "editorial": QTextCharFormat.UnderlineStyle.DotLine,
}
ANCHOR_SCHEME = "statement"


def blend(first: QColor, second: QColor, amount: float) -> QColor:
    """*first* mixed with *amount* (0..1) of *second*: tints that follow the system palette."""
    return QColor(
        round(first.red() + (second.red() - first.red()) * amount),
        round(first.green() + (second.green() - first.green()) * amount),
        round(first.blue() + (second.blue() - first.blue()) * amount),
    )


class SpanMarks:
    """Formats a QTextBrowser's document: each statement an anchor, matches bold, one active."""

    def __init__(self, browser: QTextBrowser) -> None:
        self.browser = browser
        self.source: SourceText | None = None
        self.matches: list[tuple[int, int]] = []
        self.active: int | None = None
        self._wide = False

    def show(self, source: SourceText, matches: Sequence[tuple[int, int]]) -> None:
        """Show a source's text with its statements and the search's matches marked."""
        self.source, self.matches, self.active = source, list(matches), None
        self._wide = any(ord(c) > 0xFFFF for c in source.text)
        self.browser.document().setUndoRedoEnabled(False)
        self.browser.setPlainText(source.text)
        self._apply()

    def mark_matches(self, text: str, matches: Sequence[tuple[int, int]]) -> None:
        """Mark other search matches (the text is unchanged)."""
        self.matches = list(matches)
        self._apply()

    def set_active(self, statement_id: int | None) -> None:
        """Highlight one statement strongly and scroll it into view."""
        self.active = statement_id
        self._apply()
        span = self.span_of(statement_id)
        if span is not None:
            cursor = self.browser.textCursor()
            cursor.setPosition(self._position(span.end))
            cursor.setPosition(self._position(span.start), QTextCursor.MoveMode.KeepAnchor)
            self.browser.setTextCursor(cursor)
            self.browser.ensureCursorVisible()

    def span_of(self, statement_id: int | None) -> SpanRow | None:
        """The span of a statement of the shown source."""
        if self.source is None:
            return None
        return next((s for s in self.source.spans if s.statement_id == statement_id), None)

    def _position(self, offset: int) -> int:
        """A Python string offset as a QTextDocument position (UTF-16 code units)."""
        if not self._wide or self.source is None:
            return offset
        return len(self.source.text[:offset].encode("utf-16-le")) // 2

    def _format(self, start: int, end: int, char_format: QTextCharFormat) -> None:
        cursor = QTextCursor(self.browser.document())
        cursor.setPosition(self._position(start))
        cursor.setPosition(self._position(end), QTextCursor.MoveMode.KeepAnchor)
        cursor.mergeCharFormat(char_format)

    def _apply(self) -> None:
        if self.source is None:
            return
        palette = self.browser.palette()
        base, highlight = (
            palette.color(QPalette.ColorRole.Base),
            palette.color(QPalette.ColorRole.Highlight),
        )
        cursor = QTextCursor(self.browser.document())
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.setCharFormat(QTextCharFormat())
        for start, end, spans in _segments(self.source.spans):
            char_format = QTextCharFormat()
            char_format.setAnchor(True)
            char_format.setAnchorHref(
                f"{ANCHOR_SCHEME}:{','.join(str(s.statement_id) for s in spans)}"
            )
            char_format.setUnderlineStyle(UNDERLINES.get(spans[0].kind, UNDERLINES["direct"]))
            char_format.setBackground(blend(base, highlight, 0.22))
            char_format.setToolTip(
                "; ".join(f"{s.stakeholder} ({KIND_LABELS.get(s.kind, s.kind)})" for s in spans)
            )
            self._format(start, end, char_format)
        for start, end in self.matches:
            char_format = QTextCharFormat()
            char_format.setFontWeight(QFont.Weight.Bold)
            char_format.setBackground(blend(base, highlight, 0.5))
            char_format.setForeground(palette.color(QPalette.ColorRole.Text))
            self._format(start, end, char_format)
        span = self.span_of(self.active)
        if span is not None:
            char_format = QTextCharFormat()
            char_format.setBackground(highlight)
            char_format.setForeground(palette.color(QPalette.ColorRole.HighlightedText))
            self._format(span.start, span.end, char_format)


def _segments(spans: Sequence[SpanRow]) -> list[tuple[int, int, list[SpanRow]]]:
    """Cut overlapping spans into pieces, each with every statement that covers it."""
    bounds = sorted({b for s in spans for b in (s.start, s.end)})
    pieces = []
    for start, end in itertools.pairwise(bounds):
        covering = [s for s in spans if s.start <= start and end <= s.end]
        if covering:
            pieces.append((start, end, covering))
    return pieces
