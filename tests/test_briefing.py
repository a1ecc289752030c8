"""The briefing, read back with python-docx: every quotation verbatim and rightly cited, every
stance word the position's, real heading styles, nothing chosen missing and nothing else there."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pytest
from docx.document import Document as WordDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from carebrowser.data.vocabulary import KIND_LABELS, STANCES
from carebrowser.export.briefing import CUT_OFF, write_briefing
from carebrowser.export.writers import Cancelled
from carebrowser.queries import Archive, Filters, QuoteRow, SourceRow
from carebrowser.queries.briefing import Briefing

MADE = dt.datetime(2002, 11, 5, 9, 30, tzinfo=dt.UTC)
CHOSEN_STAKEHOLDERS = ["LGA", "Alan Milburn"]
CHOSEN_PROPOSALS = ["children's trusts", "care trusts", "delayed-discharge-fines"]


@dataclass
class Quoted:
    """A quotation as read back from the document, with where it stood."""

    proposal: str
    stance: str
    stakeholder: str
    text: str
    cut_off: bool
    citation: str


@dataclass
class ReadBack:
    """What a briefing document says, read the way a person reads it."""

    headings: list[tuple[str, str]] = field(default_factory=list)
    quotes: list[Quoted] = field(default_factory=list)
    #: (proposal, stakeholder) -> the stance word after "Stance:".
    stances: dict[tuple[str, str], str] = field(default_factory=dict)
    paragraphs: list[Paragraph] = field(default_factory=list)


def _blocks(document: WordDocument) -> Iterator[Paragraph]:
    yield from document.paragraphs


def read_back(path: Path) -> ReadBack:
    """Walk the document's paragraphs, keeping the proposal, stance and stakeholder headings."""
    document = docx.Document(str(path))
    found = ReadBack()
    proposal = stance = stakeholder = ""
    paragraphs = list(_blocks(document))
    found.paragraphs = paragraphs
    for number, paragraph in enumerate(paragraphs):
        style = paragraph.style.name if paragraph.style is not None else ""
        text = paragraph.text
        if style.startswith("Heading") or style == "Title":
            found.headings.append((style, text))
        if style == "Heading 1":
            proposal, stance, stakeholder = text, "", ""
        elif style == "Heading 2":
            stance, stakeholder = text.lower(), ""
        elif style == "Heading 3":
            stakeholder = text
        elif text.startswith("Stance: "):
            word = text.removeprefix("Stance: ").split(". ", 1)[0]
            found.stances[(proposal, stakeholder)] = word
        elif style == "Quote":
            cut_off = text.endswith(CUT_OFF)
            quoted = text.removesuffix(CUT_OFF) if cut_off else text
            assert quoted.startswith("\u201c") and quoted.endswith("\u201d"), text
            citation = paragraphs[number + 1].text
            assert citation.startswith("\u2014 "), citation
            found.quotes.append(
                Quoted(
                    proposal,
                    stance,
                    stakeholder,
                    quoted[1:-1],
                    cut_off,
                    citation.removeprefix("\u2014 "),
                )
            )
    return found


def expected_citation(source: SourceRow, kind: str) -> str:
    """A citation made from the source's own row (not from the statement's copy of it): the
    source named as everywhere else, its author (or that none is named) before the date."""
    author = source.author or "author not named"
    assert source.name.endswith(source.date_label)
    named = source.name.removesuffix(source.date_label)
    return f"{named}{author}, {source.date_label}; {KIND_LABELS[kind]}"


def cited_count(archive: Archive, filters: Filters) -> int:
    """How many statements the positions of *filters* cite, counted position by position."""
    return sum(len(archive.evidence(p.id)) for p in archive.positions(filters))


def _chosen(archive: Archive) -> Filters:
    return Filters(
        stakeholders=archive.find_stakeholders(CHOSEN_STAKEHOLDERS),
        proposals=archive.find_proposals(CHOSEN_PROPOSALS),
    )


def _write(archive: Archive, filters: Filters, path: Path, **options: object) -> Briefing:
    briefing = archive.briefing(filters, dataset_label="the bundled dataset", made=MADE, **options)  # type: ignore[arg-type]
    write_briefing(briefing, path)
    return briefing


def _check_quotes(archive: Archive, filters: Filters, found: ReadBack) -> None:
    """Every quotation is the exact text of a statement that the position it stands under cites,
    its citation its source's; and every such statement passing the filters is there."""
    positions = archive.positions(filters)
    expected: set[tuple[str, str, int]] = set()
    evidence: dict[tuple[str, str], list[QuoteRow]] = {}
    narrowed = filters.but(stakeholders=frozenset(), categories=frozenset(), proposals=frozenset())
    allowed = {q.id for q in archive.all_quotes(narrowed)}
    for position in positions:
        cited = archive.evidence(position.id)
        cited = [q for q in cited if q.id in allowed]
        evidence[(position.proposal, position.stakeholder)] = cited
        expected |= {(position.proposal, position.stakeholder, q.id) for q in cited}
        assert found.stances[(position.proposal, position.stakeholder)] == position.stance
    sources = {s.id: s for s in archive.sources()}
    seen: set[tuple[str, str, int]] = set()
    for quoted in found.quotes:
        candidates = evidence[(quoted.proposal, quoted.stakeholder)]
        matches = [q for q in candidates if q.text == quoted.text]
        assert matches, f"not a statement's exact text: {quoted.text!r}"
        statement = matches[0]
        stance = next(
            p.stance
            for p in positions
            if p.proposal == quoted.proposal and p.stakeholder == quoted.stakeholder
        )
        assert quoted.stance == stance
        assert quoted.cut_off == statement.truncated
        assert quoted.citation == expected_citation(sources[statement.source_id], statement.kind)
        seen.add((quoted.proposal, quoted.stakeholder, statement.id))
    assert seen == expected
    assert len(found.quotes) == len(expected)


def test_the_lga_and_milburn_on_three_proposals(archive: Archive, tmp_path: Path) -> None:
    filters = _chosen(archive)
    path = tmp_path / "briefing.docx"
    briefing = _write(archive, filters, path)
    found = read_back(path)
    _check_quotes(archive, filters, found)
    assert len(found.quotes) == briefing.quotations == cited_count(archive, filters)

    headings = dict((text, style) for style, text in found.headings)
    titles = {"Care trusts", "Children's trusts", "Fines for delayed discharge (bed blocking)"}
    for title in titles:
        assert headings[title] == "Heading 1"
    assert headings["Local Government Association"] == "Heading 3"
    assert headings["Alan Milburn"] == "Heading 3"
    assert headings["Supports"] == headings["Opposes"] == "Heading 2"
    assert found.headings[0][0] == "Title"
    assert {"Scope", "Summary of positions", "Side by side", "Sources"} <= set(headings)
    # Nobody and nothing else: the only stakeholder headings are the two chosen.
    assert {t for s, t in found.headings if s == "Heading 3"} == {
        "Local Government Association",
        "Alan Milburn",
    }
    others = {p.title for p in archive.proposals()} - titles
    assert not others & set(headings)
    # Proposals by title; under each, supports before concerns before opposes.
    order = [t for s, t in found.headings if s in ("Heading 1", "Heading 2")]
    start = order.index("Care trusts")
    assert order[start : start + 9] == [
        "Care trusts", "Supports", "Concerns",
        "Children's trusts", "Supports", "Concerns",
        "Fines for delayed discharge (bed blocking)", "Supports", "Opposes",
    ]  # fmt: skip

    text = "\n".join(p.text for p in found.paragraphs)
    assert "Where they disagree" in text
    for title in titles:
        assert (
            f"{title}: Local Government Association: " in text or f"{title}: Alan Milburn: " in text
        )
    assert re.search(r"the bundled dataset, schema \d+, dataset [0-9a-f]{12}", text)
    assert "Made: 5 November 2002, 09:30 UTC" in text


def test_the_summary_table_gives_each_stance_in_words_and_colour(
    archive: Archive, tmp_path: Path
) -> None:
    filters = _chosen(archive)
    path = tmp_path / "briefing.docx"
    _write(archive, filters, path)
    document = docx.Document(str(path))
    summary: Table = document.tables[0]
    header = [c.text for c in summary.rows[0].cells]
    assert header[0] == "Stakeholder"
    positions = {(p.stakeholder, p.proposal): p.stance for p in archive.positions(filters)}
    assert len(summary.rows) == 3
    for row in summary.rows[1:]:
        cells = row.cells
        for title, cell in zip(header[1:], cells[1:], strict=True):
            assert cell.text == positions[(cells[0].text, title)]
            fill = cell._tc.tcPr.find(docx.oxml.ns.qn("w:shd")).get(docx.oxml.ns.qn("w:fill"))
            assert (
                f"#{fill}"
                == {"supports": "#009E73", "concerns": "#E69F00", "opposes": "#D55E00"}[cell.text]
            )
    for table in (summary, document.tables[2]):  # the summary and the comparison
        assert table.style is not None and table.style.name == "Table Grid"
        header_row = table.rows[0]._tr
        assert header_row.trPr is not None
        assert header_row.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
    legend = [c.text for c in document.tables[1].rows[0].cells]
    assert legend == list(STANCES)


def test_no_macros_and_no_fields(archive: Archive, tmp_path: Path) -> None:
    path = tmp_path / "briefing.docx"
    _write(archive, _chosen(archive), path)
    with zipfile.ZipFile(path) as package:
        names = package.namelist()
        body = package.read("word/document.xml").decode("utf-8")
    assert not any("vba" in name.lower() for name in names)
    assert "fldSimple" not in body and "instrText" not in body and "fldChar" not in body


def test_sources_list_every_source_cited_with_how_its_date_was_found(
    archive: Archive, tmp_path: Path
) -> None:
    filters = _chosen(archive)
    path = tmp_path / "briefing.docx"
    briefing = _write(archive, filters, path)
    found = read_back(path)
    cited = {
        q.source_id for s in briefing.sections for _, g in s.groups for e in g for q in e.quotes
    }
    assert {s.id for s in briefing.sources} == cited
    start = next(i for i, p in enumerate(found.paragraphs) if p.text == "Sources")
    listed = [p.text for p in found.paragraphs[start + 1 :]]
    assert len(listed) == len(cited)
    for source in archive.sources_by_ids(cited):
        entry = next(
            t for t in listed if t.startswith(source.publication) and source.date_label in t
        )
        if source.date_inferred:
            assert source.date_evidence and source.date_evidence in entry
        else:
            assert "Date printed in the article" in entry


def test_everything_shown_holds_every_position_and_its_evidence(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "all.docx"
    _write(archive, Filters(), path)
    _check_quotes(archive, Filters(), read_back(path))


def test_a_search_keeps_only_the_statements_it_matches(archive: Archive, tmp_path: Path) -> None:
    filters = Filters(search="fines")
    path = tmp_path / "fines.docx"
    _write(archive, filters, path)
    found = read_back(path)
    assert found.quotes
    _check_quotes(archive, filters, found)
    assert "statements matching \u201cfines\u201d" in "\n".join(p.text for p in found.paragraphs)


def test_chosen_statements_only(archive: Archive, tmp_path: Path) -> None:
    milburn = archive.find_stakeholders(["Alan Milburn"])
    statements = list(archive.all_quotes(Filters(stakeholders=milburn)))[:4]
    chosen = frozenset(q.id for q in statements)
    path = tmp_path / "four.docx"
    briefing = _write(archive, Filters(stakeholders=milburn), path, statements=chosen)
    found = read_back(path)
    # Each chosen statement at least once (under every position citing it), nothing else.
    assert {q.text for q in found.quotes} == {q.text for q in statements}
    cited = {q.id for s in briefing.sections for _, g in s.groups for e in g for q in e.quotes}
    assert {q.id for q in briefing.other_statements} == chosen - cited
    headings = {text for _style, text in found.headings}
    assert ("Other chosen statements" in headings) == bool(chosen - cited)


def _hostile(archive: Archive) -> Briefing:
    """The LGA briefing with its statements' texts, names and summaries made hostile."""
    briefing = archive.briefing(_chosen(archive), made=MADE)
    texts = iter(HOSTILE)
    sections = []
    for section in briefing.sections:
        groups = []
        for stance, entries in section.groups:
            changed = []
            for entry in entries:
                quotes = tuple(
                    dataclasses.replace(q, text=next(texts, q.text), truncated=True)
                    for q in entry.quotes
                )
                position = dataclasses.replace(entry.position, summary='=HYPERLINK("x")\x01')
                changed.append(dataclasses.replace(entry, quotes=quotes, position=position))
            groups.append((stance, tuple(changed)))
        sections.append(dataclasses.replace(section, groups=tuple(groups)))
    return dataclasses.replace(briefing, sections=tuple(sections))


HOSTILE = [
    "=SUM(A1:A9)",
    "+cmd|' /C calc'!A0",
    "@import",
    "-1",
    "bell\x07 nul\x00 escape\x1b form feed\x0c end",
    "lone surrogate \ud800 and \ufffe here",
    "windows\r\nline\rends\tand a tab",
    "x" * 10_000,
    "{ MERGEFIELD name } <w:t>not XML</w:t> &amp;",
]


def test_hostile_text_is_written_as_text(archive: Archive, tmp_path: Path) -> None:
    briefing = _hostile(archive)
    path = tmp_path / "hostile.docx"
    write_briefing(briefing, path)
    found = read_back(path)
    texts = [q.text for q in found.quotes]
    assert texts[: len(HOSTILE)] == [
        "=SUM(A1:A9)",
        "+cmd|' /C calc'!A0",
        "@import",
        "-1",
        "bell\ufffd nul\ufffd escape\ufffd form feed\ufffd end",
        "lone surrogate \ufffd and \ufffd here",
        "windows\nline\nends\tand a tab",
        "x" * 10_000,
        "{ MERGEFIELD name } <w:t>not XML</w:t> &amp;",
    ]
    assert all(q.cut_off for q in found.quotes)
    assert any(p.text == 'Stance: supports. =HYPERLINK("x")\ufffd' for p in found.paragraphs)
    with zipfile.ZipFile(path) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert "fldSimple" not in body and "instrText" not in body


def test_cancelling_leaves_no_file_and_an_existing_file_as_it_was(
    archive: Archive, tmp_path: Path
) -> None:
    path = tmp_path / "briefing.docx"
    path.write_bytes(b"an earlier briefing")
    briefing = archive.briefing(Filters(), made=MADE)
    calls: list[int] = []

    def stop(written: int) -> bool:
        calls.append(written)
        return False

    with pytest.raises(Cancelled):
        write_briefing(briefing, path, progress=stop)
    assert calls == [50]
    assert path.read_bytes() == b"an earlier briefing"
    assert [p.name for p in tmp_path.iterdir()] == ["briefing.docx"]


@pytest.mark.slow
def test_libreoffice_opens_it(archive: Archive, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (Debian: libreoffice-writer-nogui)")
    path = tmp_path / "briefing.docx"
    write_briefing(_hostile(archive), path)
    profile = tmp_path / "profile"
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(path)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = tmp_path / "briefing.pdf"
    assert pdf.stat().st_size > 10_000
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(search="fines"), Filters(categories=frozenset({"local government"}))],
)
def test_the_quotations_are_counted_before_they_are_read(
    archive: Archive, filters: Filters
) -> None:
    assert archive.briefing_quotations(filters) == archive.briefing(filters).quotations > 0


# -- the command line ---------------------------------------------------------------------------


def test_the_command_line_writes_the_briefing(
    archive: Archive, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from carebrowser.cli import main

    target = tmp_path / "briefing.docx"
    argv = ["export", "briefing", "--stakeholder", "LGA", "--stakeholder", "Alan Milburn"]
    for name in CHOSEN_PROPOSALS:
        argv += ["--proposal", name]
    assert main([*argv, "-o", str(target)]) == 0
    assert capsys.readouterr() == ("", "")
    found = read_back(target)
    _check_quotes(archive, _chosen(archive), found)
    assert len(found.quotes) == cited_count(archive, _chosen(archive))
    assert "Dataset: the bundled dataset, schema " in "\n".join(p.text for p in found.paragraphs)


@pytest.mark.parametrize(
    ("extra", "status", "said"),
    [
        ([], 2, "carebrowser: a briefing is a Word document: add -o FILE.docx\n"),
        (["--format", "xlsx", "-o", "{dir}/b.docx"], 2, "carebrowser: a briefing is always a "
         "Word document: leave out --format\n"),
        (["--stakeholder", "Nobody Atall", "-o", "{dir}/b.docx"], 2, "carebrowser: unknown "
         "stakeholder 'Nobody Atall'\n"),
        (["-o", "{dir}/missing/b.docx"], 1, "carebrowser: Could not write {dir}/missing/b.docx: "
         "its folder does not exist. Nothing was written. Choose another place or name and "
         "export again.\n"),
    ],
)  # fmt: skip
def test_the_command_line_says_what_is_wrong_in_one_line(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    status: int,
    said: str,
) -> None:
    from carebrowser.cli import main

    argv = ["export", "briefing", *(a.replace("{dir}", str(tmp_path)) for a in extra)]
    assert main(argv) == status
    assert capsys.readouterr() == ("", said.replace("{dir}", str(tmp_path)))
    assert list(tmp_path.iterdir()) == []
