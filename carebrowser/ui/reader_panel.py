"""The source reader: a cleaned article with every statement highlighted where it was said."""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from carebrowser.export import Table, quotes_table
from carebrowser.queries import Archive, SourceRow, SourceText, match_spans
from carebrowser.ui.help_dialog import source_provenance
from carebrowser.ui.models import ChoiceListModel
from carebrowser.ui.models.choices import reader_source_choices
from carebrowser.ui.text_marks import SpanMarks
from carebrowser.ui.widgets import heading, named


@dataclass(frozen=True)
class _Shown:
    source: SourceText
    order: tuple[int, ...]


class ReaderPanel(QWidget):
    """Read a source; step through its statements and see who said each and who cites it."""

    status_changed = Signal()

    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.search = ""
        self.active: int | None = None
        self._shown: _Shown | None = None
        self.sources = ChoiceListModel(parent=self)

        self.source_box = named(QComboBox(self), "Source", "Choose the published piece to read")
        self.source_box.setModel(self.sources)
        self.source_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.source_box.setMinimumContentsLength(20)
        source_label = QLabel("S&ource:", self)
        source_label.setBuddy(self.source_box)
        self.previous_button = named(
            QPushButton("\u25b2 &Previous", self),
            "Previous statement",
            "Highlight the statement before the current one (Shift+F8)",
        )
        self.next_button = named(
            QPushButton("\u25bc &Next", self),
            "Next statement",
            "Highlight the statement after the current one (F8)",
        )
        self.about = QLabel(self)
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.RichText)
        self.text = named(
            QTextBrowser(self),
            "Source text",
            "The cleaned article. Statements are underlined: solid for direct quotation, "
            "dashed for reported speech, dotted for editorial opinion. Tab moves between "
            "statements, Enter shows who said one.",
            tooltip=False,
        )
        self.text.setOpenLinks(False)
        self.details = named(
            QTextBrowser(self),
            "Statement details",
            "Who said the highlighted statement, and the positions that cite it as evidence",
            tooltip=False,
        )
        self.marks = SpanMarks(self.text)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("reader")
        splitter.addWidget(self.text)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        top = QHBoxLayout()
        top.addWidget(heading("Source reader", self))
        top.addWidget(source_label)
        top.addWidget(self.source_box, 1)
        top.addWidget(self.previous_button)
        top.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.about)
        layout.addWidget(splitter, 1)

        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.source_box.currentIndexChanged.connect(self._source_chosen)
        self.text.anchorClicked.connect(self._anchor_clicked)
        #: The source list is read when the reader is first shown or asked for a source.
        self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure_loaded()
        super().showEvent(event)

    def ensure_loaded(self) -> None:
        """Read the list of sources if it is not up to date."""
        if self._stale:
            self._load_sources(now=True)

    def _load_sources(self, *, now: bool = False) -> None:
        if not (now or self.isVisible()):
            self._stale = True
            return
        self._stale = True  # until read: a failed read is tried again
        matching = (
            {s.id for s in self.archive.sources(self.search)} if self.search.strip() else set()
        )
        choices = reader_source_choices(self.archive.sources(), matching)
        self._stale = False
        current = self.source_box.currentIndex()
        self.source_box.blockSignals(True)
        self.sources.set_choices(choices)
        self.source_box.setCurrentIndex(max(current, 0))
        self.source_box.blockSignals(False)
        if self._shown is None and self.sources.rowCount():
            self._source_chosen(self.source_box.currentIndex())

    def reload(self) -> None:
        """Read the sources and the source shown again (when the database is back)."""
        if self._stale and not self.isVisible():
            return  # read when first shown
        active, shown = self.active, self._shown
        self._load_sources(now=True)
        chosen = self.sources.value(self.source_box.currentIndex())
        if self._shown is None or chosen != self._shown.source.source:
            self._source_chosen(self.source_box.currentIndex())  # the text may be another's
        elif self._shown is shown and active is not None:
            self.activate(active)  # who said it, and the positions citing it

    def set_search(self, search: str) -> None:
        """Emphasise the words of *search* in the text and mark the sources that match it."""
        if search == self.search:
            return
        self.search = search
        self._load_sources()
        if self._shown is not None:
            self.marks.mark_matches(
                self._shown.source.text, match_spans(self._shown.source.text, search)
            )
            self.status_changed.emit()

    def show_source(self, source_id: int, statement_id: int | None = None) -> None:
        """Show a source, with one of its statements highlighted and explained."""
        self.ensure_loaded()
        row = self.sources.row_of_id(source_id)
        if row < 0:
            return
        if row != self.source_box.currentIndex():
            self.source_box.setCurrentIndex(row)  # loads the text through _source_chosen
        elif self._shown is None or self._shown.source.source.id != source_id:
            self._source_chosen(row)
        if statement_id is not None:
            self.activate(statement_id)

    def _source_chosen(self, row: int) -> None:
        source = self.sources.value(row)
        if not isinstance(source, SourceRow):
            return
        text = self.archive.source_text(source.id)
        order = tuple(dict.fromkeys(s.statement_id for s in text.spans))
        self._shown = _Shown(text, order)
        self.active = None
        self.about.setText(_about_html(text.source))
        self.marks.show(text, match_spans(text.text, self.search))
        self.details.setHtml(
            "<p>Select a highlighted statement (click it, press Tab then Enter, or use "
            "Next statement) to see who said it and which positions cite it.</p>"
            + self._provenance()
        )
        self.status_changed.emit()

    def step(self, step: int) -> None:
        """Highlight the next (step 1) or previous (step -1) statement of the source."""
        if self._shown is None or not self._shown.order:
            return
        order = self._shown.order
        if self.active in order:
            position = (order.index(self.active) + step) % len(order)
        else:
            position = 0 if step > 0 else len(order) - 1
        self.activate(order[position])

    def _anchor_clicked(self, url: QUrl) -> None:
        ids = [int(i) for i in url.path().split(",") if i.isdigit()]
        if ids:
            self.activate(ids[0], also=ids[1:])

    def activate(self, statement_id: int, also: list[int] | None = None) -> None:
        """Highlight a statement and show who said it and the positions citing it."""
        if self._shown is None:
            return
        self.active = statement_id
        self.marks.set_active(statement_id)
        ids = [statement_id, *(also or [])]
        parts = []
        for quote in self.archive.quotes_by_ids(ids):
            who = ", ".join(p for p in (quote.role, quote.organisation) if p)
            cut = " It is cut off in the source." if quote.truncated else ""
            parts.append(
                f"<p><b>{html.escape(quote.stakeholder)}</b>"
                f"{' (' + html.escape(who) + ')' if who else ''}: {quote.kind_label}.{cut}</p>"
            )
            positions = self.archive.positions_citing(quote.id)
            if positions:
                items = "".join(
                    f"<li>{html.escape(p.stakeholder)} on <i>{html.escape(p.proposal)}</i>: "
                    f"<b>{html.escape(p.stance)}</b>. {html.escape(p.summary)}</li>"
                    for p in positions
                )
                parts.append(f"<p>Cited as evidence by:</p><ul>{items}</ul>")
            else:
                parts.append("<p>No position cites this statement.</p>")
        self.details.setHtml("".join(parts) + self._provenance())
        self.status_changed.emit()

    def _provenance(self) -> str:
        if self._shown is None:
            return ""
        return "<hr><h4>About this source</h4>" + source_provenance(self._shown.source.source)

    def current_source(self) -> SourceRow | None:
        """The source being read."""
        return self._shown.source.source if self._shown else None

    def status_text(self) -> str:
        """Which source, how many statements it has and how many search matches."""
        if self._shown is None:
            return "No source"
        count = len(self._shown.order)
        found = len(match_spans(self._shown.source.text, self.search))
        matches = (
            f", {found} search match{'es' if found != 1 else ''}" if self.search.strip() else ""
        )
        place = (
            f", statement {self._shown.order.index(self.active) + 1} of {count} selected"
            if self.active in self._shown.order
            else ""
        )
        return (
            f"Source {self.source_box.currentIndex() + 1} of {self.sources.rowCount()}: "
            f"{count} statements highlighted{place}{matches}"
        )

    def selection_count(self) -> int:
        """1 when a statement is highlighted, else 0."""
        return int(self.active is not None)

    def export_table(self, selected_only: bool) -> Table:
        """The highlighted statement, or every statement of the source, as an export table."""
        if self._shown is None:
            return quotes_table([])
        ids = [self.active] if selected_only and self.active is not None else []
        if not selected_only:
            ids = list(self._shown.order)
        return quotes_table(self.archive.quotes_by_ids(ids))


def _about_html(source: SourceRow) -> str:
    def e(value: str | None) -> str:
        return html.escape(value or "")

    byline = e(source.publication) + (f", by {e(source.author)}" if source.author else "")
    inferred = " (how: see About this source)" if source.date_inferred else ""
    headline = e(source.headline) or "(no headline)"
    return f"<b>{headline}</b><br>{byline}, {e(source.date_label)}{inferred}"
