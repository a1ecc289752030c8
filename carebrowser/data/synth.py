"""Synthetic archives of any size, in the real schema, for benchmarks and query-plan tests.

The shape follows real cuttings: a few stakeholders speak often and most rarely (Zipf), articles and
quotations have the lengths of real ones, dates span ten years, every statement is a verbatim span
of its source's text, and every position rests on statements of its own stakeholder. Every
statement shows a stance on each proposal it speaks to, and some stakeholders change their stance
on a proposal once in the ten years. The same seed always gives the same database content.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import os
import random
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text

from carebrowser.data import fts
from carebrowser.data.build import sort_name
from carebrowser.data.database import writable_sqlite_engine
from carebrowser.data.dates import date_span
from carebrowser.data.schema import STORED_COUNTS, Base, month_number, store_counts
from carebrowser.data.synth_text import (
    AREAS,
    FIRST,
    GROUPS,
    LAST,
    POOL,
    PROPOSAL_HEADS,
    PUBLICATIONS,
    REAL_PROPOSALS,
    REPORTING,
    ROLES,
    SERVICES,
    SUBJECTS,
    VERBS,
    Names,
    clause_pool,
    quotation,
    report,
    sentence_pool,
)
from carebrowser.data.vocabulary import SCHEMA_VERSION, STANCES

#: Share of stakeholders per category (organisations; people follow their organisation's).
_CATEGORY_WEIGHTS = (
    ("government", 5), ("local government", 8), ("professional association", 8),
    ("NHS body", 14), ("political party", 2), ("regulator or inspectorate", 3),
    ("think tank or research", 5), ("council", 27), ("press", 6), ("other", 22),
)  # fmt: skip
_STANCE_WEIGHTS = (30, 15, 10, 30, 15)
#: The share of stakeholders' stances on a proposal that change once over the ten years.
_CHANGES = 0.15
FIRST_DAY = dt.date(1996, 1, 1)
DAYS = (dt.date(2005, 12, 31) - FIRST_DAY).days + 1


@dataclass(frozen=True)
class Sizes:
    """How many rows of each kind a synthetic archive has."""

    quotes: int
    stakeholders: int
    proposals: int
    sources: int

    @classmethod
    def for_quotes(
        cls,
        quotes: int,
        stakeholders: int | None = None,
        proposals: int | None = None,
        sources: int | None = None,
    ) -> Sizes:
        """Sizes in the proportions of a large archive (L: 1,000,000 / 20,000 / 2,000 / 100,000)."""
        if quotes < 1:
            raise ValueError("a synthetic archive needs at least one statement")
        return cls(
            quotes,
            stakeholders or max(10, quotes // 50),
            proposals or max(5, quotes // 500),
            sources or max(1, quotes // 10),
        )


def _zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank + 1) ** exponent for rank in range(count)))


@dataclass
class _Stakeholders:
    """Stakeholder rows, and by speaking rank: id, name and whether it is the press."""

    rows: list[tuple[object, ...]]
    ids: list[int]
    names: list[str]
    press: list[bool]
    #: Each speaker's role, which its statements carry as the role their source prints.
    roles: list[str | None]


def _stakeholders(rng: random.Random, count: int, names: Names) -> _Stakeholders:
    categories = [c for c, _ in _CATEGORY_WEIGHTS]
    weights = [w for _, w in _CATEGORY_WEIGHTS]
    organisations = max(1, round(count * 0.45))
    rows: list[tuple[object, ...]] = []
    org_categories: list[str] = []
    for number in range(1, count + 1):
        key = f"sh-{number:06d}"
        if number <= organisations:
            category = rng.choices(categories, weights)[0]
            org_categories.append(category)
            name = names.organisation(category)
            words = [w for w in name.split() if w[0].isupper() and w not in ("Of", "For")]
            aliases = "".join(w[0] for w in words) if len(words) > 2 else ""
            rating = None
            if category == "council" and rng.random() < 0.1:
                rating = rng.choice(("best performer", "worst performer"))
            row: tuple[object, ...] = (
                number, key, name, sort_name(name), "organisation", category, None, None,
                aliases, rating, False, None, None,
            )  # fmt: skip
        else:
            name = names.person()
            affiliated = rng.random() < 0.85
            organisation = rng.randrange(organisations) + 1 if affiliated else None
            category = org_categories[organisation - 1] if organisation else "other"
            role = rng.choice(ROLES) if affiliated or rng.random() < 0.5 else None
            row = (
                number, key, name, sort_name(name), "person", category, organisation, role,
                "", None, False, None, None,
            )  # fmt: skip
        rows.append(row)
    # Who speaks most is not who was entered first: ranks are a shuffle of the stakeholders.
    order = list(range(count))
    rng.shuffle(order)
    return _Stakeholders(
        rows,
        [i + 1 for i in order],
        [str(rows[i][2]) for i in order],
        [rows[i][5] == "press" for i in order],
        [None if rows[i][7] is None else str(rows[i][7]) for i in order],
    )


def _proposals(
    rng: random.Random, count: int, stakeholder_count: int
) -> tuple[list[tuple[object, ...]], list[str]]:
    rows: list[tuple[object, ...]] = []
    titles: list[str] = []
    seen: set[str] = set()
    candidates = [t for t in REAL_PROPOSALS]
    while len(rows) < count:
        if candidates:
            title, summary = candidates.pop(0)
        else:
            head, what = rng.choice(PROPOSAL_HEADS), rng.choice(GROUPS + SERVICES)
            title = f"{head} {what}"
            if title.casefold() in seen:
                title = f"{title} ({rng.choice(AREAS).lower()})"
            if title.casefold() in seen:
                title = f"{title} {len(rows) + 1}"
            summary = f"A proposal on {what}, as debated in the period."
        seen.add(title.casefold())
        number = len(rows) + 1
        proposer = rng.randrange(stakeholder_count) + 1 if rng.random() < 0.6 else None
        area = rng.choice(AREAS).lower()
        rows.append((number, f"p-{number:05d}", title, summary, proposer, area))
        titles.append(title)
    return rows, titles


def _source_row(rng: random.Random, number: int) -> tuple[object, ...]:
    date = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))
    precision = rng.choices(("day", "month", "year", "approximate"), (80, 10, 4, 6))[0]
    if precision == "month":
        date = date.replace(day=1)
    elif precision == "year":
        date = date.replace(month=1, day=1)
    inferred = precision != "day" or rng.random() < 0.2
    evidence = (
        f"The article refers to events of {date.year} ({rng.choice(SERVICES)})."
        if inferred
        else None
    )
    headline = None
    if rng.random() < 0.95:
        headline = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(SERVICES)}"
    author = f"By {rng.choice(FIRST)} {rng.choice(LAST)}" if rng.random() < 0.8 else None
    publication = PUBLICATIONS[min(int(rng.paretovariate(1.2)) - 1, len(PUBLICATIONS) - 1)]
    return (number, f"src-{number:06d}", f"capture-{number:06d}.html", publication, None,
            headline, author, date.isoformat(), precision, inferred, evidence)  # fmt: skip


def _article_length(rng: random.Random) -> int:
    """Characters of cleaned text: log-normal around 3,500 (500 to 40,000), as news articles."""
    return min(40_000, max(500, int(rng.lognormvariate(math.log(3500), 0.55))))


def _counts(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    counts = [0] * len(weights)
    for index in rng.choices(range(len(weights)), cum_weights=list(itertools.accumulate(weights)),
                             k=total):  # fmt: skip
        counts[index] += 1
    return counts


@dataclass
class _Tables:
    """Rows waiting to be inserted, flushed in batches."""

    connection: sqlite3.Connection
    sources: list[tuple[object, ...]]
    statements: list[tuple[object, ...]]
    links: list[tuple[int, int]]
    stances: list[tuple[object, ...]] = field(default_factory=list)

    def flush(self) -> None:
        self.connection.executemany(_insert("source", 13), self.sources)
        self.connection.executemany(_insert("statement", 11), self.statements)
        self.connection.executemany(_insert("statement_proposal", 2), self.links)
        self.connection.executemany(_insert("statement_stance", 8), self.stances)
        self.sources.clear()
        self.statements.clear()
        self.links.clear()
        self.stances.clear()


def _insert(table: str, count: int) -> str:
    # The stored counts are filled at the end, by store_counts().
    stored = {
        column for owner, column, _rows, _key in STORED_COUNTS if owner.__tablename__ == table
    }
    columns = [c.name for c in Base.metadata.tables[table].columns if c.name not in stored]
    assert len(columns) == count, f"{table} has {len(columns)} columns, not {count}"
    names = ", ".join(f'"{c}"' for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join('?' * count)})"


def _fill(connection: sqlite3.Connection, sizes: Sizes, seed: int) -> None:
    rng = random.Random(seed)
    speakers = _stakeholders(rng, sizes.stakeholders, Names(rng))
    connection.executemany(_insert("stakeholder", 13), speakers.rows)
    proposal_rows, titles = _proposals(rng, sizes.proposals, sizes.stakeholders)
    connection.executemany(_insert("proposal", 6), proposal_rows)

    fillers, clauses = sentence_pool(rng), clause_pool(rng)
    speaker_ranks, speaker_cum = range(sizes.stakeholders), _zipf_weights(sizes.stakeholders)
    proposal_ranks, proposal_cum = range(sizes.proposals), _zipf_weights(sizes.proposals, 0.9)
    lengths = [_article_length(rng) for _ in range(sizes.sources)]
    per_source = _counts(rng, sizes.quotes, lengths)
    stances: dict[tuple[int, int], int] = {}
    # A stream of its own, so that the other rows are those of an archive without changes.
    turns = random.Random(seed + 7919)
    changes: dict[tuple[int, int], tuple[str, int]] = {}
    evidence: dict[tuple[int, int], list[int]] = {}
    tables = _Tables(connection, [], [], [])
    statement_id = 0
    for source_index, (length, quota) in enumerate(zip(lengths, per_source, strict=True)):
        source = _source_row(rng, source_index + 1)
        day = str(source[7])
        first, last = date_span(dt.date.fromisoformat(day), str(source[8]))
        span, month = (first.isoformat(), last.isoformat()), month_number(first)
        total = max(quota + 1, length // 120)
        speaking = set(rng.sample(range(total), quota))
        pieces: list[str] = []
        spans: list[tuple[int, int]] = []  # (piece, offset of the statement in it)
        for slot in range(total):
            if slot not in speaking:
                pieces.append(fillers[int(rng.random() * POOL)])
                continue
            rank = rng.choices(speaker_ranks, cum_weights=speaker_cum)[0]
            speaker, name = speakers.ids[rank], speakers.names[rank]
            linked: list[int] = []
            for _ in range(rng.choices((0, 1, 2), (25, 55, 20))[0]):
                chosen = rng.choices(proposal_ranks, cum_weights=proposal_cum)[0] + 1
                if chosen not in linked:
                    linked.append(chosen)
                    new_pair = (speaker, chosen) not in stances
                    stances.setdefault((speaker, chosen), rng.choices(range(5), _STANCE_WEIGHTS)[0])
                    if new_pair and turns.random() < _CHANGES:
                        turn = FIRST_DAY + dt.timedelta(days=turns.randrange(DAYS))
                        later = (stances[(speaker, chosen)] + turns.randrange(1, 5)) % 5
                        changes[(speaker, chosen)] = (turn.isoformat(), later)
            shown = [_stance_on(stances, changes, (speaker, p), day) for p in linked]
            stance = shown[0] if linked else rng.randrange(5)
            quote = quotation(rng, clauses, stance, titles[linked[0] - 1] if linked else None)
            if speakers.press[rank] and rng.random() < 0.7:
                kind, piece, offset = "editorial", quote, 0
            elif rng.random() < 0.55:
                kind = "direct"
                if rng.random() < 0.5:
                    verb = rng.choice(REPORTING)
                    piece, offset = f"{name} {verb}: '{quote}'", len(name) + len(verb) + 4
                else:
                    piece, offset = f"'{quote}', said {name}.", 1
            else:
                kind, offset = "reported", 0
                quote = piece = report(rng, name, stance, titles[linked[0] - 1] if linked else None)
            statement_id += 1
            spans.append((len(pieces), offset))
            pieces.append(piece)
            for proposal, on in zip(linked, shown, strict=True):
                tables.links.append((statement_id, proposal))
                tables.stances.append(
                    (statement_id, proposal, STANCES[on], None, speaker, *span, month)
                )
                cited = evidence.setdefault((speaker, proposal), [])
                if len(cited) < 3:
                    cited.append(statement_id)
            row = (statement_id, f"q-{statement_id:07d}", source_index + 1, speaker, 0, 0)
            tables.statements.append((*row, quote, kind, False, source[7], speakers.roles[rank]))
        body = _place(pieces, spans, tables.statements, cut=rng.random() < 0.01)
        tables.sources.append((*source, body, None))
        if len(tables.statements) > 20_000 or len(tables.sources) > 2_000:
            tables.flush()
    tables.flush()
    # A position is the stakeholder's latest stance.
    stances.update({pair: later for pair, (_turn, later) in changes.items()})
    _positions(connection, rng, stances, evidence, titles)


def _stance_on(
    stances: dict[tuple[int, int], int],
    changes: dict[tuple[int, int], tuple[str, int]],
    pair: tuple[int, int],
    day: str,
) -> int:
    """The stance a stakeholder shows on a proposal on a day (ISO dates compare as text)."""
    change = changes.get(pair)
    return change[1] if change is not None and day >= change[0] else stances[pair]


def _place(
    pieces: list[str],
    spans: list[tuple[int, int]],
    statements: list[tuple[object, ...]],
    *,
    cut: bool,
) -> str:
    """Join pieces into paragraphs, set each statement's start and end, return the text.

    With *cut*, the capture stops mid-sentence: a statement at the very end is cut off too, and
    recorded as truncated.
    """
    first_row = len(statements) - len(spans)
    starts = []
    cursor = 0
    last = len(pieces) - 1
    for index, piece in enumerate(pieces):
        starts.append(cursor)
        if index < last:
            pieces[index] = piece + ("\n\n" if index % 4 == 3 else " ")
        cursor += len(pieces[index])
    for number, (piece_index, offset) in enumerate(spans):
        row = list(statements[first_row + number])
        quote = str(row[6])
        if cut and piece_index == last:
            words = quote.split(" ")
            quote = " ".join(words[: max(1, len(words) // 2)])
            pieces[last] = pieces[last][: offset + len(quote)]
            row[8] = True
        start = starts[piece_index] + offset
        row[4], row[5], row[6] = start, start + len(quote), quote
        statements[first_row + number] = tuple(row)
    return "".join(pieces)


def _positions(
    connection: sqlite3.Connection,
    rng: random.Random,
    stances: dict[tuple[int, int], int],
    evidence: dict[tuple[int, int], list[int]],
    titles: list[str],
) -> None:
    positions: list[tuple[object, ...]] = []
    cited: list[tuple[int, int]] = []
    for (speaker, proposal), statements in sorted(evidence.items()):
        if rng.random() >= 0.6:
            continue
        stance = STANCES[stances[(speaker, proposal)]]
        number = len(positions) + 1
        title = titles[proposal - 1]
        summary = f"{stance.capitalize()}: {title[0].lower() + title[1:]}."
        positions.append((number, speaker, proposal, stance, summary))
        cited += [(number, s) for s in statements]
    connection.executemany(_insert("position", 5), positions)
    connection.executemany(_insert("position_evidence", 2), cited)


def _index_ddl(connection: sqlite3.Connection) -> Iterator[tuple[str, str]]:
    yield from connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()


def synthesize(
    output: Path,
    sizes: Sizes,
    seed: int = 0,
    *,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Write a synthetic archive of *sizes* to *output* (atomically replaced); deterministic."""
    say = progress or (lambda _message: None)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(prefix=".synth-", suffix=".sqlite", dir=output.parent)
    os.close(handle)
    temporary = Path(temporary_name)
    temporary.unlink()
    try:
        engine = writable_sqlite_engine(temporary)
        Base.metadata.create_all(engine)
        engine.dispose()
        connection = sqlite3.connect(temporary, isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -1048576",
                       "temp_store = MEMORY", "locking_mode = EXCLUSIVE"):  # fmt: skip
            connection.execute(f"PRAGMA {pragma}")
        indexes = list(_index_ddl(connection))
        connection.execute("BEGIN")
        for name, _sql in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        say("rows")
        _fill(connection, sizes, seed)
        connection.executemany(
            _insert("meta", 2),
            [
                ("schema_version", str(SCHEMA_VERSION)),
                ("dataset_digest", f"synthetic quotes={sizes.quotes} seed={seed}"),
            ],
        )
        say("indexes")
        for _name, sql in indexes:
            connection.execute(sql)
        connection.execute("COMMIT")
        connection.close()
        say("full-text indexes")
        engine = writable_sqlite_engine(temporary)
        with engine.begin() as sa_connection:
            sa_connection.execute(text("PRAGMA cache_size = -1048576"))
            fts.create_sqlite(sa_connection)
            store_counts(sa_connection)
            for table in ("statement_fts", "source_fts"):
                sa_connection.execute(text(f"INSERT INTO {table}({table}) VALUES ('optimize')"))
        engine.dispose()
        say("vacuum and analyze")
        connection = sqlite3.connect(temporary, isolation_level=None)
        connection.execute("VACUUM")
        connection.execute("ANALYZE")
        connection.close()
        temporary.replace(output)
    finally:
        temporary.unlink(missing_ok=True)
    return output
