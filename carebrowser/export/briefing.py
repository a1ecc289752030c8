"""The briefing: a Word document of what the official selected, every quotation cited.

Word's built-in styles only (Title, Heading 1-3, Quote, Table Grid, List Bullet), so the
navigation pane, a table of contents and a department's own template work on it; table header
rows repeat on every page; no macros and no fields. Text from the data is written as text:
characters that a Word file cannot hold (control characters, lone surrogates) are replaced by
U+FFFD, the replacement character, so that nothing is dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from carebrowser.data.search_syntax import describe_search
from carebrowser.data.vocabulary import STANCE_COLOURS, STANCES
from carebrowser.export.writers import Cancelled, atomic_path
from carebrowser.queries.briefing import Briefing, BriefingEntry, BriefingSection
from carebrowser.queries.rows import QuoteRow, SourceRow, format_date, source_name

#: Characters an XML 1.0 document cannot hold (tab, line feed and carriage return it can).
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: What stands in for each of them.
REPLACEMENT = "\ufffd"
#: Set after a statement cut off mid-sentence in its source, outside the quotation marks.
CUT_OFF = " [cut off in the source]"
OPEN_QUOTE, CLOSE_QUOTE = "\u201c", "\u201d"
#: Proposals per summary table: a wider table does not fit a portrait page.
SUMMARY_COLUMNS = 5
#: Quotations written between two calls of the progress callback.
PROGRESS_EVERY = 50
NO_POSITION = "\u2014"
_BLACK = RGBColor(0, 0, 0)
_SHADES = {stance: colour.lstrip("#").upper() for stance, colour in STANCE_COLOURS.items()}


def clean(text: str) -> str:
    """*text* as a Word file can hold it: XML-illegal characters replaced by U+FFFD, and a
    carriage return (alone or before a line feed) written as the line break it stands for."""
    return XML_ILLEGAL.sub(REPLACEMENT, text.replace("\r\n", "\n").replace("\r", "\n"))


def quotation(quote: QuoteRow) -> str:
    """A statement's text in quotation marks, as the briefing prints it."""
    return f"{OPEN_QUOTE}{clean(quote.text)}{CLOSE_QUOTE}"


def citation(quote: QuoteRow) -> str:
    """Where a statement was published and how it was reported, in one line:
    'LGCnet, author not named, Oct 2002 (inferred); reported speech'."""
    where = source_name(
        quote.publication, quote.headline, quote.date_label, quote.author or "author not named"
    )
    return clean(f"{where}; {quote.kind_label}")


def source_entry(source: SourceRow) -> tuple[str, str]:
    """A source as the Sources list gives it: the reference, then how its date is known."""
    reference = source_name(
        source.publication, source.headline, source.date_label, source.author or "author not named"
    )
    if source.date_inferred:
        precision = {"approximate": "approximately"}.get(
            source.date_precision, source.date_precision
        )
        dated = f"Date inferred ({precision}): {source.date_evidence or 'no evidence recorded'}"
    else:
        dated = (
            f"Date printed in the article: {format_date(source.date, source.date_precision, False)}"
        )
    if source.publication_evidence:
        dated += f" Publication: {source.publication_evidence}"
    return clean(reference), clean(dated)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _child(parent: Any, tag: str) -> Any:
    """A new last child of an XML element (no schema order to keep: a run's text)."""
    child = parent.makeelement(tag, {})
    parent.append(child)
    return child


def _run(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False) -> None:
    """Add *text* (already clean()) as a run: tabs and line breaks as Word's own elements.

    python-docx's Run.text handles the text a character at a time: building the run's
    elements here made a briefing of 1,300 quotations several times faster.
    """
    run = paragraph.add_run()
    if bold:
        run.bold = True
    if italic:
        run.italic = True
    element = run._r
    for number, line in enumerate(text.split("\n")):
        if number:
            _child(element, f"{_W}br")
        for count, piece in enumerate(line.split("\t")):
            if count:
                _child(element, f"{_W}tab")
            if piece:
                t = _child(element, f"{_W}t")
                t.text = piece
                t.set(_SPACE, "preserve")


def _set_cell(cell: _Cell, text: str, *, bold: bool = False) -> None:
    """A new table cell's text (its one empty paragraph gets the run)."""
    _run(cell.paragraphs[0], text, bold=bold)


def _repeat_header(table: Table) -> None:
    """Mark the table's first row as a header row, repeated at the top of every page."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _shade(cell: _Cell, stance: str) -> None:
    """Shade a cell in its stance's colour (the word is always there too), text in black."""
    colour = _SHADES.get(stance)
    if colour is None:
        return
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.font.color.rgb = _BLACK


def _grid(document: WordDocument, header: Sequence[str]) -> Table:
    table: Table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        _run(cell.paragraphs[0], clean(text), bold=True)
    _repeat_header(table)
    return table


def _add_row(table: Table) -> list[_Cell]:
    """A new last row's cells (python-docx leaves add_row() without type hints)."""
    row = table.add_row()  # type: ignore[no-untyped-call]
    return list(row.cells)


def counted(count: int, noun: str) -> str:
    """'1 proposal', '3 proposals', '1,309 quotations'."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _listed(items: Sequence[str], nothing: str) -> str:
    return "; ".join(items) if items else nothing


class _Writer:
    """Writes one briefing into a new document, counting its quotations for progress."""

    def __init__(self, briefing: Briefing, progress: Callable[[int], bool] | None) -> None:
        self.briefing, self.progress = briefing, progress
        self.document: WordDocument = Document()
        self.written = 0
        #: Style ids by name, looked up once: python-docx reads every style per lookup by name.
        self._style_ids: dict[str, str] = {}
        self._end = self.document.element.body.sectPr

    def paragraph(self, text: str = "", style: str = "Normal") -> Paragraph:
        """A new paragraph at the end in a built-in *style* (Title, Heading 1, Quote...)."""
        # Put before the body's closing section properties directly: python-docx's own
        # add_paragraph() looks for them from the first paragraph on, each time (quadratic:
        # a briefing of 1,300 quotations took 11.5 s to build, most of it there).
        element = OxmlElement("w:p")
        self._end.addprevious(element)
        paragraph = Paragraph(element, self.document._body)
        if text:
            _run(paragraph, text)
        if style != "Normal":
            style_id = self._style_ids.get(style)
            if style_id is None:
                style_id = self._style_ids[style] = self.document.styles[style].style_id
            paragraph._p.style = style_id
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        """A heading in Word's own Title (level 0) or Heading N style."""
        return self.paragraph(clean(text), "Title" if level == 0 else f"Heading {level}")

    def labelled(self, label: str, text: str) -> Paragraph:
        """'Label: text', the label in bold."""
        paragraph = self.paragraph()
        _run(paragraph, f"{label}: ", bold=True)
        _run(paragraph, clean(text))
        paragraph.paragraph_format.space_after = Pt(2)
        return paragraph

    def write(self) -> WordDocument:
        self._page()
        self._title()
        self._summary()
        for section in self.briefing.sections:
            self._proposal(section)
        if self.briefing.other_statements:
            self._others()
        if self.briefing.comparison:
            self._comparison()
        self._sources()
        return self.document

    def _page(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)  # A4
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Mm(20))
        # python-docx's template sets its Title in 28 pt: a long title took a third of page 1.
        title_style = self.document.styles["Title"]
        title_style.font.size = Pt(22)
        properties = self.document.core_properties
        properties.author = "carebrowser"
        properties.last_modified_by = "carebrowser"
        properties.title = self._title_text()
        properties.created = properties.modified = self.briefing.made.replace(tzinfo=None)
        properties.revision = 1
        properties.comments = f"Dataset: {self.briefing.dataset.version}"

    def _title_text(self) -> str:
        """'Briefing: Alan Milburn and Local Government Association on 3 proposals'."""
        b = self.briefing
        names = [s.name for s in b.stakeholders]
        who = (
            f"{', '.join(names[:-1])} and {names[-1]}"
            if 1 < len(names) <= 3
            else names[0]
            if len(names) == 1
            else counted(len(names), "stakeholder")
        )
        if len(b.proposals) == 1:
            on = b.proposals[0].title
        else:
            on = counted(len(b.proposals), "proposal")
        return clean(f"Briefing: {who} on {on}")

    def _title(self) -> None:
        b = self.briefing
        self.heading(self._title_text(), level=0)
        scope = b.scope
        self.heading("Scope", level=1)
        self.labelled(
            "Proposals",
            _listed(scope.proposals, "every proposal on which the stakeholders took a position")
            + f" ({len(b.proposals)})",
        )
        self.labelled(
            "Stakeholders",
            _listed(scope.stakeholders, "every stakeholder with a position")
            + f" ({len(b.stakeholders)})",
        )
        filters = []
        if scope.categories:
            filters.append(f"categories {', '.join(scope.categories)}")
        if scope.sources:
            filters.append(f"sources {'; '.join(scope.sources)}")
        if scope.stances:
            filters.append(f"positions taken with the stance {' or '.join(scope.stances)}")
        if scope.search:
            filters.append(f"statements matching {describe_search(scope.search)}")
        if scope.chosen_statements is not None:
            filters.append(f"only the {scope.chosen_statements} statements chosen")
        self.labelled("Filters", _listed(filters, "none"))
        if scope.date_from or scope.date_to:
            start = scope.date_from.isoformat() if scope.date_from else "the earliest source"
            end = scope.date_to.isoformat() if scope.date_to else "the latest source"
            period = f"{start} to {end}"
        else:
            period = "every date in the dataset"
        if b.sources:
            period += (
                f" (the sources cited: {b.sources[0].date_label} to {b.sources[-1].date_label})"
            )
        self.labelled("Period", period)
        dataset = b.dataset.label or "the dataset"
        self.labelled("Dataset", f"{dataset}, {b.dataset.version}")
        made = b.made
        self.labelled("Made", f"{made.day} {made:%B %Y, %H:%M} {made.tzname() or ''}".strip())
        self.paragraph(
            "Every quotation is printed word for word as published, typing errors included, "
            "and followed by its source. Dates marked (inferred) are not printed in the "
            "article: the Sources section says how each was worked out."
        )

    def _summary(self) -> None:
        b = self.briefing
        self.heading("Summary of positions", level=1)
        if not b.stakeholders or not b.proposals:
            self.paragraph("No positions were found for this choice.")
            return
        proposals = list(b.proposals)
        for start in range(0, len(proposals), SUMMARY_COLUMNS):
            chunk = proposals[start : start + SUMMARY_COLUMNS]
            if len(proposals) > SUMMARY_COLUMNS:
                end = start + len(chunk)
                self.paragraph(f"Proposals {start + 1} to {end} of {len(proposals)}")
            table = _grid(self.document, ["Stakeholder", *(p.title for p in chunk)])
            for number, stakeholder in enumerate(b.stakeholders, 1):
                if number % 200 == 0:
                    self._ask()  # a long table: Cancel is heard while it is built too
                cells = _add_row(table)
                _set_cell(cells[0], clean(stakeholder.name))
                for cell, proposal in zip(cells[1:], chunk, strict=True):
                    position = b.cells.get((stakeholder.id, proposal.id))
                    _set_cell(cell, clean(position.stance) if position is not None else NO_POSITION)
                    if position is not None:
                        _shade(cell, position.stance)
        self.paragraph(
            "Each cell gives the stakeholder's stance in words; the shading repeats it. "
            f"{NO_POSITION} means no position is recorded."
        )
        legend = self.document.add_table(rows=1, cols=len(STANCES))
        legend.style = "Table Grid"
        for cell, stance in zip(legend.rows[0].cells, STANCES, strict=True):
            _set_cell(cell, stance)
            _shade(cell, stance)

    def _proposal(self, section: BriefingSection) -> None:
        proposal = section.proposal
        self.heading(clean(proposal.title), level=1)
        self.paragraph(clean(proposal.summary))
        self.labelled("Proposed by", proposal.proposer or "not recorded")
        for stance, entries in section.groups:
            self.heading(clean(stance.capitalize()), level=2)
            for entry in entries:
                self._entry(entry)
        if section.silent:
            names = "; ".join(s.name for s in section.silent)
            self.labelled("No position recorded", names)

    def _entry(self, entry: BriefingEntry) -> None:
        self.heading(clean(entry.stakeholder.name), level=3)
        if entry.stakeholder.description:
            self.paragraph(clean(entry.stakeholder.description))
        paragraph = self.paragraph()
        _run(paragraph, f"Stance: {clean(entry.position.stance)}. ", bold=True)
        _run(paragraph, clean(entry.position.summary))
        if not entry.quotes:
            self.paragraph("No statement cited for it passes the filters.")
        for quote in entry.quotes:
            self._quote(quote)

    def _quote(self, quote: QuoteRow) -> None:
        paragraph = self.paragraph(quotation(quote), "Quote")
        if quote.truncated:
            _run(paragraph, CUT_OFF, italic=True)
        cited = self.paragraph(f"{NO_POSITION} {citation(quote)}")
        cited.paragraph_format.left_indent = Mm(15)
        cited.paragraph_format.space_after = Pt(10)
        self.written += 1
        if self.progress is not None and self.written % PROGRESS_EVERY == 0:
            self._ask()

    def _ask(self) -> None:
        if self.progress is not None and not self.progress(self.written):
            raise Cancelled

    def _others(self) -> None:
        self.heading("Other chosen statements", level=1)
        self.paragraph("Statements chosen that no position in this briefing cites.")
        speaker = None
        for quote in self.briefing.other_statements:
            if quote.stakeholder_id != speaker:
                speaker = quote.stakeholder_id
                self.heading(clean(quote.stakeholder), level=2)
            self._quote(quote)

    def _comparison(self) -> None:
        b = self.briefing
        names = [s.name for s in b.stakeholders]
        self.heading("Side by side", level=1)
        table = _grid(self.document, ["Proposal", *names])
        for row in b.comparison:
            cells = _add_row(table)
            _set_cell(cells[0], clean(row.proposal.title))
            for cell, position in zip(cells[1:], row.positions, strict=True):
                if position is None:
                    _set_cell(cell, NO_POSITION)
                    continue
                _run(cell.paragraphs[0], clean(position.stance), bold=True)
                cell.add_paragraph(clean(position.summary))
                _shade(cell, position.stance)
        self.heading("Where they disagree", level=2)
        differing = b.disagreements
        if not differing:
            self.paragraph("They take the same stance on every proposal here.")
        for row in differing:
            stances = "; ".join(
                f"{name}: {p.stance}"
                for name, p in zip(names, row.positions, strict=True)
                if p is not None
            )
            paragraph = self.paragraph(style="List Bullet")
            _run(paragraph, f"{clean(row.proposal.title)}: ", bold=True)
            _run(paragraph, clean(stances))

    def _sources(self) -> None:
        self.heading("Sources", level=1)
        if not self.briefing.sources:
            self.paragraph("No statement is quoted.")
        for source in self.briefing.sources:
            reference, dated = source_entry(source)
            paragraph = self.paragraph(style="List Bullet")
            _run(paragraph, reference, bold=True)
            _run(paragraph, f". {dated}")


def build_briefing(
    briefing: Briefing, progress: Callable[[int], bool] | None = None
) -> WordDocument:
    """The briefing as a python-docx document, not yet saved."""
    return _Writer(briefing, progress).write()


def write_briefing(
    briefing: Briefing,
    destination: Path,
    *,
    progress: Callable[[int], bool] | None = None,
) -> int:
    """Write *briefing* to *destination* (atomically); returns how many quotations it holds.

    *progress* gets the quotations written so far; returning False cancels, leaving no file.
    """
    writer = _Writer(briefing, progress)

    def write(path: Path) -> None:
        document = writer.write()
        writer._ask()  # once more before the file is saved: a late Cancel still leaves nothing
        document.save(str(path))

    atomic_path(Path(destination), write)
    return writer.written
