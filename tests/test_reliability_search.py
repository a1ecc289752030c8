"""Any text typed into any search or filter is accepted, and plain words still find their rows.

Property-based (hypothesis): arbitrary Unicode, FTS5 operators, quotes, brackets, NUL, LIKE
wildcards and 100 kB strings, fed to every text input of the query layer and the command line.
"""

from __future__ import annotations

import contextlib
import io
import re
import string
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reliability_figures import PROPERTY, count

from carebrowser.cli import main
from carebrowser.data.fts import fts5_query, search_words
from carebrowser.queries import Archive, Filters, UnknownName, match_spans

#: Pieces a person (or a paste from Word) may put in a search: FTS5 syntax, SQL and LIKE syntax.
PIECES = [
    '"', "'", "\u201c", "\u201d", "(", ")", "[", "]", "{", "}", "*", "^", ":", "-", "+", "~",
    "AND", "OR", "NOT", "NEAR", "NEAR(", "near/3", "%", "_", "\\", ";", "--", "/*", "\x00",
    "\t", "\r\n", " ", "\u00a0", "\u200b", "\ufeff", "\U0001f600", "e\u0301", "\ud7ff",
    "care", "trust", "children's", "LGA", "SELECT * FROM statement", "' OR 1=1 --",
    "\udcff", "\ud800",  # lone surrogates: what Python makes of invalid UTF-8 in argv
]  # fmt: skip

#: Any Unicode text (surrogates included where Python strings allow them), or FTS5-ish pieces.
SEARCH_TEXT = (
    st.text(st.characters(exclude_categories=()), max_size=200)
    | st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
    | st.text(st.sampled_from('"()*^:-+ ANDORNT\x00'), max_size=60)
)

#: Characters that are never part of a word, to wrap a plain word in (not '-' before a word,
#: which excludes it, nor '*' after it, which makes it a prefix).
JUNK = st.text(
    st.sampled_from(" \t\"'()[]{}^:+~%\\;,.!?/\x00\u201c\u201d\u2014"), min_size=0, max_size=6
)


def _quietly(call: Callable[[], object]) -> None:
    """Run *call*; UnknownName is the clear answer to a name that matches nothing."""
    with contextlib.suppress(UnknownName):
        call()


@PROPERTY
@given(user_text=SEARCH_TEXT)
def test_every_query_input_accepts_any_text(archive: Archive, user_text: str) -> None:
    count("hypothesis examples: query layer")
    filters = Filters(search=user_text)
    page = archive.quotes(filters, limit=20)
    assert archive.quote_count(filters) >= len(page.rows)
    for sort in ("source", "stakeholder"):
        archive.quotes(filters, sort=sort, descending=True, limit=5)
    archive.positions(filters)
    archive.matrix(filters)
    archive.sources(user_text)
    archive.stakeholders(name=user_text)
    archive.category_counts(name=user_text)
    for find in (
        archive.find_stakeholders,
        archive.find_proposals,
        archive.find_sources,
        archive.find_categories,
    ):
        _quietly(lambda find=find: find([user_text]))
    for quote in page.rows[:3]:
        for start, end in match_spans(quote.text, user_text):
            assert 0 <= start < end <= len(quote.text)
    # Every word of the search's terms is in the FTS5 query, each inside a quoted string.
    query = fts5_query(user_text)
    assert (query is None) == (not search_words(user_text))
    if query is not None:
        quoted = " ".join(re.findall(r'"([^"]*)"', query[0])).split()
        assert set(quoted) == set(search_words(user_text))


def _cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(argv))
        except SystemExit as leaving:  # argparse's own usage errors
            status = int(leaving.code or 0)
    return status, out.getvalue(), err.getvalue()


@PROPERTY
@given(
    option=st.sampled_from(["--search", "--stakeholder", "--category", "--proposal", "--source"]),
    what=st.sampled_from(["quotes", "positions", "matrix"]),
    user_text=SEARCH_TEXT,
)
def test_every_command_line_filter_accepts_any_text(option: str, what: str, user_text: str) -> None:
    count("hypothesis examples: command line")
    status, out, err = _cli("export", what, f"{option}={user_text}")
    assert "Traceback" not in err
    if status == 0:
        assert out.split("\r\n")[0].split(",")[0] in ("quote_id", "stakeholder")
    else:
        assert status == 2, err
        assert len(err.strip().splitlines()) == 1, err
        assert err.startswith("carebrowser: ")


@pytest.mark.parametrize(
    "huge",
    [
        "care " * 20_000,
        '"' * 100_000,
        "(" * 50_000 + ")" * 50_000,
        "NOT " * 25_000,
        "\x00" * 100_000,
        "\U0001f600" * 25_000,
        "a" * 100_000,
        ('children\'s trusts AND (fines OR "star ratings") ' * 2_000)[:100_000],
    ],
    ids=["words", "quotes", "brackets", "operators", "nul", "emoji", "one-word", "mixed"],
)
def test_hundred_kilobyte_inputs_are_accepted(archive: Archive, huge: str) -> None:
    count("100 kB inputs")
    filters = Filters(search=huge)
    archive.quotes(filters, limit=20)
    archive.quote_count(filters)
    archive.sources(huge)
    archive.stakeholders(name=huge)
    archive.category_counts(name=huge)
    _quietly(lambda: archive.find_stakeholders([huge]))
    status, _out, err = _cli("export", "quotes", f"--search={huge}")
    assert status == 0 and "Traceback" not in err


def _plain_words(archive: Archive) -> Iterator[tuple[int, str]]:
    """(statement id, word) for ASCII words of 4+ letters standing between spaces/punctuation."""
    for quote in archive.all_quotes():
        for token in quote.text.split():
            word = token.strip(string.punctuation + "\u2018\u2019\u201c\u201d")
            if len(word) >= 4 and word.isascii() and word.isalpha():
                yield quote.id, word


@pytest.fixture(scope="module")
def plain_words(archive: Archive) -> list[tuple[int, str]]:
    """Every plain word of every statement, with where it was found."""
    words = sorted(set(_plain_words(archive)))
    assert len(words) > 100
    return words


@PROPERTY
@given(data=st.data(), before=JUNK, after=JUNK, shout=st.booleans())
def test_a_plain_word_in_any_wrapping_finds_its_statement(
    archive: Archive,
    plain_words: list[tuple[int, str]],
    data: st.DataObject,
    before: str,
    after: str,
    shout: bool,
) -> None:
    count("hypothesis examples: plain words")
    statement_id, word = data.draw(st.sampled_from(plain_words), label="word")
    typed = before + (word.upper() if shout else word) + after
    found = archive.quotes(Filters(search=typed), limit=1000).rows
    assert statement_id in {q.id for q in found}, (typed, statement_id)
    plain = archive.quotes(Filters(search=word), limit=1000).rows
    assert [q.id for q in found] == [q.id for q in plain]
    pattern = re.compile(rf"\b{re.escape(word)}", re.IGNORECASE)
    assert all(pattern.search(q.text) for q in found)
    assert archive.quote_count(Filters(search=typed)) == len(found)
