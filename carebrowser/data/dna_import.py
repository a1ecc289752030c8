"""A DNA file as a carebrowser database: documents become sources, statements keep their spans,
people and organisations become stakeholders, concepts become proposals, and agreement becomes
each statement's stance, from which positions are derived. The README's "Discourse Network
Analyzer files" section states the mapping; the DNA file itself is only read.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import os
import re
import sqlite3
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from carebrowser.data import fts
from carebrowser.data.build import sort_name
from carebrowser.data.database import writable_sqlite_engine
from carebrowser.data.dna_file import (
    CONCEPT,
    ORGANISATION,
    PERSON,
    STATEMENT_TYPE,
    CodedStatement,
    DnaFile,
    Document,
    Entity,
    read_dna,
)
from carebrowser.data.schema import Base, store_counts
from carebrowser.data.vocabulary import CATEGORIES, SCHEMA_VERSION

#: Changes whenever the same DNA file would give a different database: part of the cache's key.
IMPORT_VERSION = 1
#: The meta key under which the import report is kept (shown in "About this dataset").
REPORT_KEY = "import_report"  # carebrowser.queries.dataset.IMPORT_REPORT_KEY
#: Dates before this year are flagged as implausible.
EARLIEST_YEAR = 1900
#: A character beyond the Basic Multilingual Plane: two UTF-16 units in DNA's offsets.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
#: How many statement ids a report line names before "and N more".
NAMED_IDS = 5

Say = Callable[[str], None]


@dataclass
class ImportReport:
    """What an import read, made and left out: printed, and kept in the database."""

    file: str
    dna: str
    statement_type: str
    documents: int = 0
    dna_statements: int = 0
    statements: int = 0
    people: int = 0
    organisations: int = 0
    proposals: int = 0
    positions: int = 0
    #: DNA statements not imported, by reason, with the DNA ids of each.
    skipped: dict[str, list[int]] = field(default_factory=dict)
    #: DNA statements of one span and speaker joined into one statement (several concepts).
    joined: int = 0
    #: DNA statements that repeat another's span, speaker and concept.
    duplicates: int = 0
    #: Statements whose span overlaps another statement's in the same document.
    overlapping: int = 0
    #: Documents whose date is implausible, each a line: title, date, why.
    flagged_dates: list[str] = field(default_factory=list)
    #: What else the file holds that carebrowser does not import, a line each.
    not_imported: list[str] = field(default_factory=list)

    def skip(self, reason: str, statement: CodedStatement) -> None:
        """Leave *statement* out, for *reason*."""
        self.skipped.setdefault(reason, []).append(statement.id)

    def lines(self) -> list[str]:
        """The report, a line each, in the words of the README."""
        skipped = sum(len(ids) for ids in self.skipped.values())
        lines = [
            f"{self.file}: {self.dna}, statement type '{self.statement_type}'",
            f"  documents     {self.documents:,} (sources)",
            f"  statements    {self.statements:,} from {self.dna_statements:,} DNA statements"
            f" ({skipped:,} skipped)",
            f"  stakeholders  {self.people + self.organisations:,} ({self.people:,} people, "
            f"{self.organisations:,} organisations)",
            f"  proposals     {self.proposals:,} (concepts)",
            f"  positions     {self.positions:,} (derived from the statements' agreement)",
        ]
        for reason, ids in sorted(self.skipped.items()):
            named = ", ".join(str(i) for i in ids[:NAMED_IDS])
            more = f" and {len(ids) - NAMED_IDS:,} more" if len(ids) > NAMED_IDS else ""
            lines.append(f"  skipped: {len(ids):,} {reason} (DNA ids {named}{more})")
        if self.joined:
            lines.append(
                f"  joined: {self.joined:,} DNA statement(s) sharing a span and speaker with "
                "another, on another concept: one statement with all its concepts"
            )
        if self.duplicates:
            lines.append(
                f"  duplicates: {self.duplicates:,} DNA statement(s) repeating another's span, "
                "speaker and concept: counted once"
            )
        if self.overlapping:
            lines.append(f"  overlapping: {self.overlapping:,} statement(s) overlapping another")
        lines += [f"  flagged date: {line}" for line in self.flagged_dates]
        lines += [f"  not imported: {line}" for line in self.not_imported]
        return lines

    def text(self) -> str:
        """The report as one text, a line each."""
        return "\n".join(self.lines()) + "\n"


@dataclass
class _Rows:
    sources: list[tuple[object, ...]] = field(default_factory=list)
    stakeholders: list[tuple[object, ...]] = field(default_factory=list)
    proposals: list[tuple[object, ...]] = field(default_factory=list)
    statements: list[tuple[object, ...]] = field(default_factory=list)
    links: list[tuple[int, int]] = field(default_factory=list)
    positions: list[tuple[object, ...]] = field(default_factory=list)
    evidence: list[tuple[int, int]] = field(default_factory=list)
    #: Each statement's own stance on each proposal it speaks to (the statement_stance table's
    #: columns: statement, proposal, stance, note, speaker, first and last day, month).
    stances: list[tuple[object, ...]] = field(default_factory=list)


def file_digest(path: Path) -> str:
    """The SHA-256 of *path*'s content, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _day(document: Document, major: int) -> dt.date | None:
    if document.date is None:
        return None
    try:
        if major == 3:  # epoch seconds of a UTC date-time
            return dt.date(1970, 1, 1) + dt.timedelta(seconds=document.date)
        # DNA 2 stored the coder's local midnight as Java milliseconds: the nearest UTC midnight
        # is the date the coder chose, wherever they were.
        return dt.date(1970, 1, 1) + dt.timedelta(days=round(document.date / 86_400_000))
    except (OverflowError, ValueError):
        return None


def _dates(dna: DnaFile, report: ImportReport) -> dict[int, tuple[dt.date, str | None]]:
    """Each document's date and, when implausible, why (flagged in the report and its note)."""
    days = {d.id: _day(d, dna.major) for d in dna.documents}
    plausible = sorted(d for d in days.values() if d is not None and d.year >= EARLIEST_YEAR)
    low = high = None
    if len(plausible) >= 4:
        q1, q3 = plausible[len(plausible) // 4], plausible[(3 * len(plausible)) // 4]
        margin = max(3 * (q3 - q1), dt.timedelta(days=3 * 365))
        low, high = q1 - margin, q3 + margin
    dated: dict[int, tuple[dt.date, str | None]] = {}
    for document in dna.documents:
        day = days[document.id]
        why = None
        if day is None:
            day, why = dt.date(EARLIEST_YEAR, 1, 1), "the file holds no readable date"
        elif day.year < EARLIEST_YEAR:
            why = f"before {EARLIEST_YEAR}"
        elif low is not None and high is not None and not low <= day <= high:
            why = (
                f"far outside the other documents' dates (most between "
                f"{plausible[len(plausible) // 4]} and {plausible[(3 * len(plausible)) // 4]})"
            )
        if why:
            title = document.title or f"document {document.id}"
            report.flagged_dates.append(f"'{title}' (DNA id {document.id}): {day}, {why}")
        dated[document.id] = (day, why)
    return dated


def _code_points(text: str) -> Callable[[int], int] | None:
    """DNA's offsets count UTF-16 units (Java's); a function turning them into Python's, or
    None when they are the same (no character beyond the Basic Multilingual Plane). An offset
    inside a surrogate pair becomes -1."""
    if text.isascii():
        return None
    # The UTF-16 offset of each character that takes two units: its index plus those before it.
    pairs = [match.start() + number for number, match in enumerate(_ASTRAL.finditer(text))]
    if not pairs:
        return None

    def convert(unit: int) -> int:
        before = bisect.bisect_left(pairs, unit)
        return -1 if before and pairs[before - 1] + 1 == unit else unit - before

    return convert


def _source_note(document: Document, why: str | None) -> str | None:
    parts = [
        f"{label}: {value.strip().rstrip('.')}."
        for label, value in (
            ("Section", document.section),
            ("Type", document.type),
            ("Notes", document.notes),
        )
        if value.strip()
    ]
    if why:
        parts.append(f"Date flagged on import: {why}; shown as the DNA file gives it.")
    parts.append(f"DNA document {document.id}.")
    return " ".join(parts)


@dataclass
class _Speech:
    """One carebrowser statement in the making: DNA statements of one span and speaker."""

    id: int
    source: int
    start: int
    end: int
    text: str
    speaker: tuple[str, str]
    #: Agreement values per concept, in the order found.
    concepts: dict[str, list[int | None]] = field(default_factory=dict)


def convert(dna: DnaFile, report: ImportReport) -> _Rows:
    """The carebrowser rows of *dna*; what is left out goes in *report*."""
    rows = _Rows()
    dates = _dates(dna, report)
    documents = {d.id: d for d in dna.documents}
    source_ids: dict[int, int] = {}
    for number, document in enumerate(dna.documents, start=1):
        day, why = dates[document.id]
        source_ids[document.id] = number
        rows.sources.append((
            number, f"dna-document-{document.id}", f"DNA document {document.id}",
            document.source.strip() or "not given", None, document.title or None,
            document.author.strip() or None, day.isoformat(), "day", False, None,
            document.text, _source_note(document, why),
        ))  # fmt: skip
    report.documents = len(rows.sources)
    report.dna_statements = len(dna.statements)

    speeches: dict[tuple[int, int, int, tuple[str, str]], _Speech] = {}
    affiliations: dict[str, Counter[str]] = defaultdict(Counter)
    converters: dict[int, Callable[[int], int] | None] = {}
    for statement in dna.statements:
        found = documents.get(statement.document_id)
        if found is None:
            report.skip("whose document is not in the file", statement)
            continue
        document = found
        if document.id not in converters:
            converters[document.id] = _code_points(document.text)
        to_python = converters[document.id]
        start, end = statement.start, statement.stop
        if to_python is not None:
            start, end = to_python(start), to_python(end)
        if not 0 <= start < end <= len(document.text):
            report.skip("whose span does not fit in its document's text", statement)
            continue
        if not document.text[start:end].strip():
            report.skip("whose span holds only white space", statement)
            continue
        if not statement.person and not statement.organisation:
            report.skip("with neither a person nor an organisation", statement)
            continue
        speaker = (
            (PERSON, statement.person)
            if statement.person
            else (ORGANISATION, statement.organisation)
        )
        if statement.person and statement.organisation:
            affiliations[statement.person][statement.organisation] += 1
        key = (document.id, start, end, speaker)
        speech = speeches.get(key)
        if speech is None:
            speech = _Speech(
                len(speeches) + 1, source_ids[document.id], start, end,
                document.text[start:end], speaker,
            )  # fmt: skip
            speeches[key] = speech
        elif statement.concept not in speech.concepts:
            report.joined += 1
        else:
            report.duplicates += 1
        speech.concepts.setdefault(statement.concept, []).append(statement.agreement)
    _overlaps(speeches.values(), report)
    speakers = _stakeholders(dna, speeches.values(), affiliations, rows, report)
    _statements_and_positions(dna, speeches.values(), speakers, dates, rows, report)
    _not_imported(dna, report)
    return rows


def _overlaps(speeches: Iterable[_Speech], report: ImportReport) -> None:
    by_source: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for speech in speeches:
        by_source[speech.source].append((speech.start, speech.end))
    for spans in by_source.values():
        spans.sort()
        reach = -1
        for start, end in spans:
            if start < reach:
                report.overlapping += 1
            reach = max(reach, end)


def _category(entity: Entity | None) -> str:
    said = (entity.attributes.get("Type", "") if entity else "").casefold()
    return next((c for c in CATEGORIES if c.casefold() == said), "other")


def _entity_note(entity: Entity | None, extra: list[str]) -> str | None:
    parts = list(extra)
    if entity:
        if entity.attributes.get("Type") and _category(entity) == "other":
            parts.append(f"Type in the DNA file: {entity.attributes['Type']}.")
        parts += [
            f"{name}: {value}." if name == "Notes" else f"{name} (DNA attribute): {value}."
            for name, value in sorted(entity.attributes.items())
            if name not in ("Type", "Alias")
        ]
    return " ".join(parts) or None


def _stakeholders(
    dna: DnaFile,
    speeches: Iterable[_Speech],
    affiliations: dict[str, Counter[str]],
    rows: _Rows,
    report: ImportReport,
) -> dict[tuple[str, str], int]:
    """Stakeholder rows: every speaker, and every organisation a person is coded with."""
    wanted: dict[tuple[str, str], None] = {}
    for speech in speeches:
        wanted[speech.speaker] = None
    for organisations in affiliations.values():
        for organisation in organisations:
            wanted[(ORGANISATION, organisation)] = None
    order = sorted(wanted, key=lambda k: (k[0] != ORGANISATION, sort_name(k[1]), k[1]))
    ids = {key: number for number, key in enumerate(order, start=1)}
    names: set[str] = set()
    for key in order:
        variable, value = key
        name = value
        if name in names:
            name = f"{value} ({'organisation' if variable == ORGANISATION else 'person'})"
        while name in names:
            name += "'"
        names.add(name)
        entity = dna.entities[variable].get(value)
        kind = "organisation" if variable == ORGANISATION else "person"
        coded = affiliations.get(value, Counter()) if variable == PERSON else Counter()
        ranked = sorted(coded.items(), key=lambda item: (-item[1], sort_name(item[0])))
        extra = []
        if ranked:
            extra.append(
                "Coded with: "
                + "; ".join(
                    f"{org} ({count:,} statement{'s' if count != 1 else ''})"
                    for org, count in ranked
                )
                + "."
            )
        first = ids[(ORGANISATION, ranked[0][0])] if ranked else None
        second = ids[(ORGANISATION, ranked[1][0])] if len(ranked) > 1 else None
        category = _category(entity)
        if kind == "person" and category == "other" and first is not None:
            category = _category(dna.entities[ORGANISATION].get(ranked[0][0]))
        alias = entity.attributes.get("Alias", "") if entity else ""
        rows.stakeholders.append((
            ids[key], f"dna-{kind}-{ids[key]}", name, sort_name(name), kind, category, first,
            None, alias, None, False, _entity_note(entity, extra), second,
        ))  # fmt: skip
        if kind == "person":
            report.people += 1
        else:
            report.organisations += 1
    return ids


def _stance(agreements: list[int | None]) -> str | None:
    signs = {(a > 0) - (a < 0) for a in agreements if a is not None}
    if not signs:
        return None
    if signs == {1}:
        return "supports"
    if signs == {-1}:
        return "opposes"
    return "mixed"


def _agreement_sign(value: int | None, integer: bool) -> int | None:
    if value is None:
        return None
    if integer:
        return (value > 0) - (value < 0)
    return 1 if value else -1


def _statements_and_positions(
    dna: DnaFile,
    speeches: Iterable[_Speech],
    speakers: dict[tuple[str, str], int],
    dates: dict[int, tuple[dt.date, str | None]],
    rows: _Rows,
    report: ImportReport,
) -> None:
    documents_by_source = {number: d.id for number, d in enumerate(dna.documents, start=1)}
    proposal_ids: dict[str, int] = {}
    held: dict[tuple[int, int], list[tuple[int, int | None]]] = defaultdict(list)
    for speech in speeches:
        speaker = speakers[speech.speaker]
        day = dates[documents_by_source[speech.source]][0]
        rows.statements.append((
            speech.id, f"dna-{speech.id}", speech.source, speaker, speech.start, speech.end,
            speech.text, "reported", False, day.isoformat(), None,
        ))  # fmt: skip
        for concept, agreements in speech.concepts.items():
            if not concept:
                continue
            if concept not in proposal_ids:
                proposal_ids[concept] = len(proposal_ids) + 1
            proposal = proposal_ids[concept]
            rows.links.append((speech.id, proposal))
            signs = [_agreement_sign(a, dna.integer_agreement) for a in agreements]
            stance = _stance(signs)
            if stance is not None:
                month = day.year * 12 + day.month - 1  # a day's date spans that day alone
                rows.stances.append(
                    (speech.id, proposal, stance, None, speaker, day.isoformat(), day.isoformat(),
                     month)
                )  # fmt: skip
            for sign in dict.fromkeys(signs):
                held[(speaker, proposal)].append((speech.id, sign))
    report.statements = len(rows.statements)
    for concept, number in proposal_ids.items():
        entity = dna.entities[CONCEPT].get(concept)
        parent = entity.parent if entity else None
        summary = f"A concept coded in the DNA file{f', under {parent}' if parent else ''}."
        notes = entity.attributes.get("Notes") if entity else None
        if notes:
            summary = f"{summary} Notes: {notes}"
        area = entity.attributes.get("Type", "") if entity else ""
        rows.proposals.append((number, f"dna-concept-{number}", concept, summary, None, area))
    report.proposals = len(rows.proposals)
    titles = {number: concept for concept, number in proposal_ids.items()}
    for (speaker, proposal), said in sorted(held.items()):
        signs = [sign for _id, sign in said]
        stance = _stance(signs)
        if stance is None:
            continue
        number = len(rows.positions) + 1
        rows.positions.append(
            (number, speaker, proposal, stance, _summary(signs, titles[proposal]))
        )
        rows.evidence += [(number, s) for s in dict.fromkeys(i for i, _sign in said)]
    report.positions = len(rows.positions)


def _summary(signs: list[int | None], concept: str) -> str:
    counts = Counter(signs)
    parts = [
        f"{counts[sign]:,} {word}"
        for sign, word in ((1, "agreeing"), (-1, "disagreeing"), (0, "neutral"))
        if counts[sign]
    ]
    total = sum(counts[s] for s in (1, -1, 0))
    noun = "statement" if total == 1 else "statements"
    return f"{total:,} coded {noun} on {concept}: {', '.join(parts)}."


def _not_imported(dna: DnaFile, report: ImportReport) -> None:
    for label, count in sorted(dna.other_types.items()):
        report.not_imported.append(f"{count:,} statement(s) of the type '{label}'")
    for variable, count in sorted(dna.other_values.items()):
        report.not_imported.append(f"{count:,} value(s) of the variable '{variable}'")


def _insert(table: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * len(columns))})"


_COLUMNS = {
    "source": ("id", "key", "capture", "publication", "publication_evidence", "headline",
               "author", "date", "date_precision", "date_inferred", "date_evidence", "text",
               "note"),
    "stakeholder": ("id", "key", "name", "sort_name", "kind", "category", "organisation_id",
                    "role", "aliases", "rating", "truncated", "note", "second_organisation_id"),
    "proposal": ("id", "key", "title", "summary", "proposer_id", "policy_area"),
    "statement": ("id", "key", "source_id", "speaker_id", "start", "end", "text", "kind",
                  "truncated", "sort_date", "role"),
    "statement_proposal": ("statement_id", "proposal_id"),
    "position": ("id", "stakeholder_id", "proposal_id", "stance", "summary"),
    "position_evidence": ("position_id", "statement_id"),
    "statement_stance": ("statement_id", "proposal_id", "stance", "note", "speaker_id",
                         "date_from", "date_until", "month"),
}  # fmt: skip


def _write(temporary: Path, rows: _Rows, digest: str, report: ImportReport, say: Say) -> None:
    engine = writable_sqlite_engine(temporary)
    Base.metadata.create_all(engine)
    engine.dispose()
    connection = sqlite3.connect(temporary, isolation_level=None)
    try:
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = MEMORY",
                       "locking_mode = EXCLUSIVE"):  # fmt: skip
            connection.execute(f"PRAGMA {pragma}")
        indexes = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        connection.execute("BEGIN")
        for name, _sql in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        say("writing rows")
        for table, values in (
            ("source", rows.sources),
            ("stakeholder", rows.stakeholders),
            ("proposal", rows.proposals),
            ("statement", rows.statements),
            ("statement_proposal", rows.links),
            ("position", rows.positions),
            ("position_evidence", rows.evidence),
            ("statement_stance", rows.stances),
        ):
            if table in Base.metadata.tables:  # statement_stance: from schema version 4
                connection.executemany(_insert(table, _COLUMNS[table]), values)
        connection.executemany(
            _insert("meta", ("key", "value")),
            [
                ("schema_version", str(SCHEMA_VERSION)),
                ("dataset_digest", digest),
                (REPORT_KEY, report.text()),
            ],
        )
        say("indexes")
        for _name, sql in indexes:
            connection.execute(sql)
        connection.execute("COMMIT")
    finally:
        connection.close()
    say("full-text indexes")
    engine = writable_sqlite_engine(temporary)
    with engine.begin() as sa_connection:
        fts.create_sqlite(sa_connection)
        store_counts(sa_connection)
    engine.dispose()
    connection = sqlite3.connect(temporary, isolation_level=None)
    try:
        connection.execute("ANALYZE")
    finally:
        connection.close()


def import_dna(
    path: Path,
    output: Path,
    *,
    statement_type: str = STATEMENT_TYPE,
    progress: Say | None = None,
) -> ImportReport:
    """Write the carebrowser database of the DNA file *path* to *output* (atomically: nothing is
    left at *output* unless it is complete); *path* is only read. DnaFileError when it cannot be."""
    say = progress or (lambda _message: None)
    path, output = Path(path), Path(output)
    say("reading the DNA file")
    digest = file_digest(path) if path.is_file() else ""
    dna = read_dna(path, statement_type)
    label = f"DNA {dna.major}" + (f" ({dna.version})" if dna.version else "")
    report = ImportReport(str(path), label, statement_type)
    say("mapping")
    rows = convert(dna, report)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".dna-", suffix=".sqlite", dir=output.parent)
    os.close(handle)
    temporary = Path(name)
    temporary.unlink()
    try:
        _write(temporary, rows, digest, report, say)
        temporary.replace(output)
    finally:
        temporary.unlink(missing_ok=True)
    return report
