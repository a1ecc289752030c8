"""PostgreSQL: the same answers as SQLite, publishing, checking, a read-only role, a lost server.

The tests that need a server use a throwaway one (tests/pg_server.py) and skip, saying how to
install PostgreSQL, where its binaries are missing. Every test of tests/test_queries.py runs here
again against the bundled dataset published into PostgreSQL (see the `archive` fixture below).
"""

from __future__ import annotations

import csv
import inspect
import io
import re
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
import test_queries
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pg_server import Server
from psycopg import sql
from sqlalchemy import text
from test_reliability_search import SEARCH_TEXT

from carebrowser.cli import main
from carebrowser.data.build import sort_name
from carebrowser.data.database import (
    QUERY_ERRORS,
    DatabaseError,
    bundled_database_path,
    open_database,
    query_error_message,
    writable_sqlite_engine,
)
from carebrowser.data.postgres import document_words, fold, tsquery_text
from carebrowser.data.publish import PublishError, check_database, publish
from carebrowser.data.schema import store_counts, stored_count_errors
from carebrowser.data.vocabulary import SCHEMA_VERSION
from carebrowser.queries import Archive, Filters

ROOT = Path(__file__).resolve().parents[1]

# -- every query-layer test again, on PostgreSQL ----------------------------------------------

for _name, _test in vars(test_queries).items():
    if _name.startswith("test_") and "archive" in inspect.signature(_test).parameters:
        globals()[_name] = _test


@pytest.fixture
def archive(pg_archive: Archive) -> Archive:
    """In this module, the archive of tests/test_queries.py is the PostgreSQL one."""
    return pg_archive


# -- words and queries (no server needed) -----------------------------------------------------


def test_documents_hold_the_words_fts5_sees() -> None:
    assert document_words("10-15 \u201cre-engagement\u201d Milburn\u2019s caf\u00e9 a_b", None) == [
        "10", "15", "a", "b", "cafe", "engagement", "milburn", "re", "s",
    ]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(
    st.text()
    | st.text(alphabet=st.characters(max_codepoint=127))
    | st.text(alphabet=" \u00a0-_'\tA\u00e9\u0130\u03a3\u03c21")  # spaces, é, İ, Σ, ς
)
def test_documents_split_text_as_searches_do(text_: str) -> None:
    # search_words' words (a regex match, then lower case), each folded, with no limit of 16
    expected = {fold(w.lower()) for w in re.findall(r"[^\W_]+", text_ + " " + text_[::-1])}
    assert set(document_words(text_, text_[::-1])) == expected - {""}


#: The characters of English and Western European text: Latin-1 and Latin Extended-A letters,
#: punctuation, general punctuation (curly quotes, dashes, spaces), £ and €. Beyond these the
#: two can differ: FTS5 removes diacritics from fewer scripts, and folds micro and long s.
EUROPEAN = st.characters(
    codec="utf-8",
    categories=("L", "N", "P", "S", "Z", "Cc"),
    max_codepoint=0x17E,
    exclude_characters="\u00b5",
) | st.sampled_from([chr(c) for c in range(0x2000, 0x2065)] + ["\u20ac"])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=EUROPEAN))
def test_documents_hold_the_words_sqlite_s_fts5_index_holds(text_: str) -> None:
    with sqlite3.connect(":memory:") as connection:
        connection.execute(
            "CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')"
        )
        connection.execute("CREATE VIRTUAL TABLE words USING fts5vocab(t, 'row')")
        connection.execute("INSERT INTO t(x) VALUES (?)", (text_,))
        fts5 = sorted(term for (term,) in connection.execute("SELECT term FROM words"))
    connection.close()
    assert document_words(text_) == fts5


def test_a_tsquery_is_written_from_the_parsed_search() -> None:
    assert tsquery_text('care AND (trusts OR "fines")') == "'care' & ('trusts' | 'fines')"
    assert tsquery_text("Caf\u00e9  caf\u00e9* CAFE") == "'cafe' & 'cafe':* & 'cafe'"
    assert tsquery_text("it's") == "('it' <-> 's')"
    assert tsquery_text('care -"star ratings" NOT fine*') == (
        "'care' & !('star' <-> 'ratings') & !'fine':*"
    )
    assert tsquery_text("-care") == "!'care'"
    assert tsquery_text("  *** ':& ") is None
    assert tsquery_text("x" * 3000) is None


# -- the same answers on both backends --------------------------------------------------------

#: Plain words and phrases from the articles.
WORDS = [
    "monolithic", "trusts", "care", "children", "fines", "recruitment", "care trusts", "Milburn",
    "children's trusts", "delayed discharge", "star ratings", "councils", "LGA", "social services",
    "15", "engagement", "re-engagement", "one-size-fits-all", "Cardiff", "bed blocking", "tr",
    "c", "nhs", "the", "AND", "OR NOT", '"care', "care*", "NEAR(care trusts)", "zzzz",
    '"care trusts"', '"trusts care"', '"care tru"*', "tr*", "c*", "care -trusts", "-care",
    "NOT care", 'care -"care trusts"', "fines OR recruitment", "-fines OR -care", "Milburn OR LGA",
    '"children\'s trusts" OR "care trusts" -Milburn', "\u201cstar ratings\u201d",
]  # fmt: skip


@pytest.mark.parametrize("words", WORDS)
def test_both_backends_find_the_same_statements(
    sqlite_archive: Archive, pg_archive: Archive, words: str
) -> None:
    expected = [q.quote_id for q in sqlite_archive.all_quotes(Filters(search=words))]
    assert [q.quote_id for q in pg_archive.all_quotes(Filters(search=words))] == expected
    expected_sources = [s.key for s in sqlite_archive.sources(words)]
    assert [s.key for s in pg_archive.sources(words)] == expected_sources
    if words in ("monolithic", "care trusts", "Milburn", "fines", "recruitment"):
        assert expected and expected_sources


@pytest.fixture(scope="module")
def vocabulary(sqlite_archive: Archive) -> list[str]:
    words = {w for q in sqlite_archive.all_quotes() for w in re.findall(r"[^\W_]+", q.text)}
    return sorted(words)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_searches_from_the_statements_agree(
    sqlite_archive: Archive, pg_archive: Archive, vocabulary: list[str], data: st.DataObject
) -> None:
    words = data.draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=4))
    cut = data.draw(st.integers(min_value=1, max_value=len(words[-1])))
    words[-1] = words[-1][:cut] + "*"
    # The grammar's pieces between words: a space, OR, an exclusion, a phrase's quote.
    joins = data.draw(
        st.lists(st.sampled_from([" ", " OR ", " -", " NOT ", ' "', '" ']), min_size=len(words))
    )
    search = "".join(j + w for j, w in zip(joins, words, strict=False))
    filters = Filters(search=search)
    assert [q.id for q in pg_archive.all_quotes(filters)] == [
        q.id for q in sqlite_archive.all_quotes(filters)
    ]


def test_every_list_is_the_same_on_both_backends(
    sqlite_archive: Archive, pg_archive: Archive
) -> None:
    lite, pg = sqlite_archive, pg_archive
    assert pg.all_stakeholders() == lite.all_stakeholders()
    assert pg.all_stakeholders(name="council") == lite.all_stakeholders(name="council")
    assert pg.category_counts() == lite.category_counts()
    assert pg.proposals_page(limit=3) == lite.proposals_page(limit=3)
    assert pg.proposal_starting("care") == lite.proposal_starting("care")
    for name, limit in (("", 5), ("", 1000), ("a", 7), ("council", 2), ("zzq", 3)):
        assert pg.first_stakeholders((), name, limit=limit) == lite.first_stakeholders(
            (), name, limit=limit
        )
    for s in lite.all_stakeholders():
        for categories, name in (((), ""), ((), "council"), ((s.category,), "an")):
            place = pg.stakeholder_place(s.id, categories, name)
            assert place == lite.stakeholder_place(s.id, categories, name)
    assert pg.proposals() == lite.proposals()
    assert pg.sources() == lite.sources()
    assert pg.positions() == lite.positions()
    assert pg.matrix() == lite.matrix()
    assert pg.matrix(hide_empty=False) == lite.matrix(hide_empty=False)
    for sort in ("date", "source", "stakeholder"):
        for descending in (False, True):
            assert (
                pg.quotes(sort=sort, descending=descending, limit=100_000)  # type: ignore[arg-type]
                == lite.quotes(sort=sort, descending=descending, limit=100_000)  # type: ignore[arg-type]
            )
    for source in lite.sources():
        assert pg.source_text(source.id) == lite.source_text(source.id)
    lga, milburn = lite.find_stakeholders(["LGA"]), lite.find_stakeholders(["Alan Milburn"])
    assert pg.compare([*lga, *milburn]) == lite.compare([*lga, *milburn])
    organisations = {s.id for s in lite.all_stakeholders() if s.kind == "organisation"}
    assert pg.people_of(organisations) == lite.people_of(organisations)
    assert pg.people_of(lga) == lite.people_of(lga) != []
    first, *_ = lite.sources()
    narrowed = Filters(
        categories=frozenset({"local government", "government"}),
        date_from=first.date,
        search="care",
    )
    assert list(pg.all_quotes(narrowed)) == list(lite.all_quotes(narrowed))
    assert pg.positions(narrowed) == lite.positions(narrowed)


def test_stored_counts_are_the_counted_rows(any_archive: Archive) -> None:
    with any_archive.engine.connect() as connection:
        assert stored_count_errors(connection) == []
    milburn = next(s for s in any_archive.all_stakeholders() if s.name == "Alan Milburn")
    theirs = Filters(stakeholders=frozenset({milburn.id}))
    assert milburn.statement_count == len(list(any_archive.all_quotes(theirs)))
    assert sum(p.position_count for p in any_archive.proposals()) == len(any_archive.positions())


def test_names_and_titles_sort_by_code_point(any_archive: Archive) -> None:
    # Python compares strings by code point, as SQLite does and PostgreSQL's "C" collation.
    keys = [(s.category, sort_name(s.name), s.id) for s in any_archive.all_stakeholders()]
    assert len(keys) > 50 and keys == sorted(keys)
    titles = [p.title for p in any_archive.proposals()]
    assert titles == sorted(titles)


#: Command lines whose output must not depend on the backend.
COMMANDS = [
    ["list", "stakeholders"],
    ["list", "proposals"],
    ["list", "sources"],
    ["export", "quotes"],
    ["export", "quotes", "--stakeholder", "LGA", "--search", "care"],
    ["export", "quotes", "--proposal", "children's trusts", "--category", "local government"],
    ["export", "positions"],
    ["export", "positions", "--search", "fines"],
    ["export", "matrix"],
    ["export", "matrix", "--stakeholder", "Alan Milburn", "--stakeholder", "LGA"],
    ["export", "quotes", "--stakeholder", "Alan Milbrun"],
]


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_the_command_line_prints_the_same_from_both(
    pg_url: str, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    expected = main(argv), capsys.readouterr()
    assert (main(["--db", pg_url, *argv]), capsys.readouterr()) == expected


def test_xlsx_exports_hold_the_same_cells(pg_url: str, tmp_path: Path) -> None:
    lite, pg = tmp_path / "lite.xlsx", tmp_path / "pg.xlsx"
    assert main(["export", "quotes", "--search", "trusts", "-o", str(lite)]) == 0
    assert main(["--db", pg_url, "export", "quotes", "--search", "trusts", "-o", str(pg)]) == 0

    def cells(path: Path) -> list[list[list[object]]]:
        book = openpyxl.load_workbook(path, read_only=True)
        try:
            return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book]
        finally:
            book.close()

    assert cells(pg) == cells(lite)


# -- publishing -------------------------------------------------------------------------------


def _counts(url: str) -> dict[str, int]:
    checked = check_database(url)
    assert checked.ok, checked.problems
    return checked.counts


def _copy_of_bundled(tmp_path: Path, change: str | None = None) -> Path:
    copy = tmp_path / "changed.sqlite"
    with bundled_database_path() as path:
        shutil.copy(path, copy)
    if change:
        with sqlite3.connect(copy) as connection:
            connection.execute("PRAGMA ignore_check_constraints = ON")
            connection.executescript(change)
        connection.close()
        engine = writable_sqlite_engine(copy)
        with engine.begin() as writer:
            store_counts(writer)
        engine.dispose()
    return copy


def test_publishing_again_replaces_the_contents(pg_server: Server, tmp_path: Path) -> None:
    url = pg_server.create_database("republished")
    first = publish(url)
    assert first.counts["statement"] == first.counts["statement_fts"] > 100
    assert _counts(url)["statement"] == first.counts["statement"]
    fewer = _copy_of_bundled(
        tmp_path,
        "DELETE FROM statement_proposal WHERE statement_id > 50;"
        "DELETE FROM statement_stance WHERE statement_id > 50;"
        "DELETE FROM position_evidence;"
        "DELETE FROM position;"
        "DELETE FROM statement WHERE id > 50;"
        "INSERT INTO statement_fts(statement_fts) VALUES ('rebuild');",
    )
    engine, _info = open_database(url)
    try:
        reader = Archive(engine)
        for _ in range(8):  # psycopg prepares a statement run this often: the plan is cached
            before = reader.quote_count(Filters(search="care"))
        second = publish(url, fewer)
        assert second.source == str(fewer)
        assert _counts(url)["statement"] == 50 and _counts(url)["position"] == 0
        assert reader.quote_count() == 50  # a session open during the publication sees it
        assert 0 < reader.quote_count(Filters(search="care")) < before
    finally:
        engine.dispose()
    publish(url)
    assert _counts(url)["statement"] == first.counts["statement"]


def test_a_failed_publication_changes_nothing(pg_server: Server, tmp_path: Path) -> None:
    url = pg_server.create_database("all_or_nothing")
    publish(url)
    before = _counts(url)
    broken = _copy_of_bundled(tmp_path, "UPDATE stakeholder SET category = 'bogus' WHERE id = 7;")
    with pytest.raises(PublishError, match="Nothing was changed") as caught:
        publish(url, broken)
    assert "ck_stakeholder_category" in str(caught.value)
    assert _counts(url) == before


def test_publishing_again_keeps_what_roles_were_granted(pg_server: Server) -> None:
    url = pg_server.create_database("granted")
    publish(url)
    with pg_server.connect("granted") as connection:
        connection.execute('DROP ROLE IF EXISTS "team reader"')
        connection.execute('CREATE ROLE "team reader" LOGIN')
        connection.execute('GRANT SELECT ON ALL TABLES IN SCHEMA public TO "team reader"')
    again = publish(url)  # new tables, and no default privileges: the grant is carried over
    assert again.grantees == ('"team reader"',)
    reader = pg_server.url("granted", "team%20reader")
    assert check_database(reader).ok
    assert check_database(reader).counts == check_database(url).counts


def test_a_newer_dataset_is_not_overwritten(pg_server: Server) -> None:
    url = pg_server.create_database("newer")
    publish(url)
    with pg_server.connect("newer") as connection:
        connection.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(PublishError, match="newer carebrowser"):
        publish(url)
    assert check_database(url).schema_version == 99


def test_a_database_that_cannot_hold_unicode_is_refused(pg_server: Server) -> None:
    with pg_server.connect() as connection:
        connection.execute("DROP DATABASE IF EXISTS ascii")
        connection.execute(
            "CREATE DATABASE ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' "
            "TEMPLATE template0"
        )
    with pytest.raises(PublishError, match="UTF8"):
        publish(pg_server.url("ascii"))


def test_publish_and_check_from_the_command_line(
    pg_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_server.create_database("from_cli")
    assert main(["db", "check", url]) == 1
    out, err = capsys.readouterr()
    assert "lacks the tables" in err and "carebrowser db publish" in err
    assert main(["db", "publish", "--to", url]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("published the bundled dataset to " + url)
    assert main(["db", "check", url]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    for word in (
        f"schema version  {SCHEMA_VERSION}",
        "stakeholders",
        "sources",
        "statements",
        "proposals",
    ):
        assert word in out
    assert re.search(r"positions\s+\d+", out) and "ok: carebrowser can browse it" in out
    with pg_server.connect("from_cli") as connection:
        connection.execute("UPDATE source SET statement_count = statement_count + 1 WHERE id = 1")
    assert main(["db", "check", url]) == 1
    assert "source 1: statement_count is" in capsys.readouterr().err
    with pg_server.connect("from_cli") as connection:
        connection.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    assert main(["db", "check", url]) == 1
    out, err = capsys.readouterr()
    assert "schema version 0, older" in err and "schema version  0" in out
    with pg_server.connect("from_cli") as connection:
        connection.execute("DROP TABLE statement_fts")
    assert main(["db", "check", url]) == 1
    assert "statement_fts" in capsys.readouterr().err
    assert main(["db", "check"]) == 0
    assert "ok: carebrowser can browse it" in capsys.readouterr().out


# -- the read-only role of the README ---------------------------------------------------------


def _readme_sql() -> list[str]:
    """The SQL statements of the README's section 'Sharing a database on PostgreSQL'."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Sharing a database on PostgreSQL$(.*?)(?=^## |\Z)", readme, re.M | re.S)
    assert match, "README.md has no section 'Sharing a database on PostgreSQL'"
    code = [line[4:] for line in match.group(1).splitlines() if line.startswith("    ")]
    statements = " ".join(line.strip() for line in code if not line.startswith("carebrowser"))
    return [s.strip() for s in statements.split(";") if s.strip()]


def test_the_readme_s_read_only_role_can_browse_but_not_write(pg_server: Server) -> None:
    statements = [
        re.sub(r"[A-Z]+-PASSWORD", "secret", re.sub(r"\bcarebrowser\b", "shared", s))
        for s in _readme_sql()
    ]
    assert any(s.startswith("ALTER DEFAULT PRIVILEGES") for s in statements)
    with pg_server.connect() as connection:
        connection.execute("DROP DATABASE IF EXISTS shared")
        for role in ("carebrowser_reader", "carebrowser_owner"):
            connection.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))
        for statement in statements:
            if statement.startswith(("CREATE ROLE", "CREATE DATABASE")):
                connection.execute(statement.encode())
    with pg_server.connect("shared") as connection:
        for statement in statements:
            if not statement.startswith(("CREATE ROLE", "CREATE DATABASE")):
                connection.execute(statement.encode())
    reader = pg_server.url("shared", "carebrowser_reader", "secret")
    owner = pg_server.url("shared", "carebrowser_owner", "secret")
    with pytest.raises(DatabaseError, match="not a carebrowser database"):
        open_database(reader)
    publish(owner)
    _browse_as_reader(reader)
    publish(owner)  # the tables are new: the reader keeps reading them
    _browse_as_reader(reader)
    with pytest.raises(PublishError, match="may not create"):
        publish(reader)


def _browse_as_reader(reader: str) -> None:
    assert check_database(reader).ok
    engine, info = open_database(reader)
    try:
        archive = Archive(engine)
        assert archive.quote_count() > 100
        assert archive.quotes(Filters(search="monolithic")).rows
        assert archive.matrix().cells
        with engine.connect() as connection:
            with pytest.raises(QUERY_ERRORS) as caught:
                connection.execute(text("DELETE FROM meta"))
            assert "read-only" in str(caught.value)
            connection.rollback()
            connection.execute(text("SET TRANSACTION READ WRITE"))
            with pytest.raises(QUERY_ERRORS, match="permission denied"):
                connection.execute(text("DELETE FROM meta"))
    finally:
        engine.dispose()
    assert info.label.startswith("postgresql+psycopg://carebrowser_reader:***@")


def test_even_a_superuser_session_is_read_only(pg_url: str) -> None:
    engine, _info = open_database(pg_url)
    try:
        with engine.connect() as connection, pytest.raises(QUERY_ERRORS, match="read-only"):
            connection.execute(text("DELETE FROM meta"))
    finally:
        engine.dispose()


# -- addresses that do not work, and a server that goes away ----------------------------------


def test_addresses_that_do_not_work_get_one_clear_sentence(pg_server: Server) -> None:
    closed = f"postgresql://someone:hunter2@127.0.0.1:{_closed_port()}/carebrowser"
    with pytest.raises(DatabaseError) as caught:
        open_database(closed)
    message = str(caught.value)
    assert "cannot be reached" in message and "127.0.0.1" in message and "try again" in message
    assert "hunter2" not in message and "\n" not in message
    with pytest.raises(DatabaseError, match="does not exist"):
        open_database(pg_server.url("no_such_database"))
    with pytest.raises(DatabaseError, match="not usable"):
        open_database("mysql://someone@127.0.0.1/carebrowser")
    with pytest.raises(PublishError, match=r"cannot be reached.*Nothing was changed"):
        publish(closed)


def _closed_port() -> int:
    import port_for

    return int(port_for.select_random())


def test_a_lost_server_is_a_clear_message_and_a_retry_works(
    own_server: tuple[Server, str], capsys: pytest.CaptureFixture[str]
) -> None:
    server, url = own_server
    engine, info = open_database(url)
    archive = Archive(engine)
    try:
        assert archive.quote_count() > 100
        server.stop()
        with pytest.raises(QUERY_ERRORS) as caught:
            archive.quotes(Filters(search="care"))
        message = query_error_message(caught.value, info)
        assert f"The database server {info.label} cannot be reached" in message
        assert "Check that the server is running" in message and "try again" in message
        assert "\n" not in message

        assert main(["--db", url, "export", "quotes"]) == 1
        out, err = capsys.readouterr()
        assert out == "" and len(err.strip().splitlines()) == 1
        assert "127.0.0.1" in err and "cannot be reached" in err

        server.start()
        assert archive.quote_count() > 100  # the same session: a retry works
        assert main(["--db", url, "export", "quotes"]) == 0
        assert len(list(csv.reader(io.StringIO(capsys.readouterr().out)))) > 100
    finally:
        engine.dispose()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(user_text=SEARCH_TEXT)
def test_any_text_is_a_search_on_postgresql_too(
    sqlite_archive: Archive, pg_archive: Archive, user_text: str
) -> None:
    # Operators, quotes, brackets, NUL, lone surrogates: never a syntax error on the server.
    filters = Filters(search=user_text)
    found = [q.id for q in pg_archive.quotes(filters, limit=50).rows]
    assert pg_archive.quote_count(filters) >= len(found)
    pg_archive.sources(user_text)
    pg_archive.matrix(filters)
    if user_text.isascii():  # the same statements where both split text the same way
        assert found == [q.id for q in sqlite_archive.quotes(filters, limit=50).rows]
