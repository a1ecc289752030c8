"""One search grammar everywhere: parsed once, the same statements and sources on SQLite and
PostgreSQL, and highlighting that marks exactly what makes a row match."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carebrowser.cli import main
from carebrowser.data.search_syntax import (
    MAX_SEARCH_WORDS,
    SearchQuery,
    Term,
    describe_search,
    parse_search,
)
from carebrowser.queries import Archive, Filters, match_spans, search_matches


def _words(*words: str, prefix: bool = False) -> Term:
    return Term(tuple(words), prefix)


def test_every_term_is_required_and_operators_join_or_exclude() -> None:
    care, trusts = _words("care"), _words("trusts")
    assert parse_search("Care  TRUSTS") == SearchQuery(((care,), (trusts,)))
    assert parse_search("care AND trusts") == SearchQuery(((care,), (trusts,)))
    assert parse_search("care OR trusts fines") == SearchQuery(((care, trusts), (_words("fines"),)))
    assert parse_search("care -trusts") == SearchQuery(((care,),), (trusts,))
    assert parse_search("care NOT trusts") == SearchQuery(((care,),), (trusts,))
    assert parse_search("-trusts") == SearchQuery((), (trusts,))
    # Lower-case operators are words; an OR with nothing on one side is left out.
    assert parse_search("care or not") == SearchQuery(((care,), (_words("or"),), (_words("not"),)))
    assert parse_search("OR care OR") == SearchQuery(((care,),))


def test_phrases_prefixes_and_words_joined_by_punctuation() -> None:
    phrase = _words("care", "trusts")
    assert parse_search('"care trusts"') == SearchQuery(((phrase,),))
    assert parse_search("\u201ccare trusts\u201d") == SearchQuery(((phrase,),))
    assert parse_search('"care trusts') == SearchQuery(((phrase,),))  # not closed yet
    assert parse_search('-"care trusts" fines') == SearchQuery(((_words("fines"),),), (phrase,))
    assert parse_search("trust*") == SearchQuery(((_words("trust", prefix=True),),))
    assert parse_search('"care tru"*') == SearchQuery(((_words("care", "tru", prefix=True),),))
    assert parse_search("children's") == SearchQuery(((_words("children", "s"),),))
    assert parse_search("re-engagement") == SearchQuery(((_words("re", "engagement"),),))
    for nothing in ("", "  ", '"', '""', "***", "- -", "OR", "NOT", "AND", "()"):
        assert not parse_search(nothing), nothing


def test_a_search_holds_at_most_sixteen_words() -> None:
    query = parse_search(" ".join(f"w{n}" for n in range(40)))
    assert len(query.groups) == MAX_SEARCH_WORDS
    long_phrase = parse_search('"' + "a " * 40 + '"')
    assert len(long_phrase.groups[0][0].words) == MAX_SEARCH_WORDS


def test_a_heading_shows_the_search_once() -> None:
    assert describe_search('"Herculean task"') == '"Herculean task"'
    assert describe_search("  care   trusts ") == "\u201ccare trusts\u201d"
    assert describe_search("\u201cstar ratings\u201d -fines") == "\u201cstar ratings\u201d -fines"


def test_highlights_are_the_terms_that_match() -> None:
    text = "Care trusts will care; trusts care for carers, not fines."
    # As the index reads a phrase: its words one after another, whatever punctuation between.
    assert [text[a:b] for a, b in match_spans(text, '"care trusts"')] == [
        "Care trusts", "care; trusts",
    ]  # fmt: skip
    assert [text[a:b] for a, b in match_spans(text, "trusts -fines")] == ["trusts", "trusts"]
    assert [text[a:b] for a, b in match_spans(text, "car* OR fines")] == [
        "Care", "care", "care", "carers", "fines",
    ]  # fmt: skip
    assert match_spans(text, "-care") == []
    assert search_matches('"care trusts"', text)
    assert not search_matches('"will trusts"', text)
    assert not search_matches("care -fines", text)
    assert search_matches("care -penalties", text)
    # A phrase stands within one text: a headline's end and a text's start are not a phrase.
    assert search_matches("trust* fines", "Care trusts", "and fines")
    assert not search_matches('"trusts and"', "Care trusts", "and fines")
    assert not search_matches("", text)


#: Searches in the grammar over the bundled dataset's words.
SEARCHES = [
    "care", "care trusts", '"care trusts"', '"trusts care"', "trust*", '"care tru"*',
    "children's trusts", '"children\'s trusts" -Milburn', "fines OR recruitment",
    "fines OR recruitment -care", "-care", "NOT care", "care -trusts", "Herculean task",
    '"Herculean task"', "\u201cstar ratings\u201d", "monolithic OR Herculean", "c*", "zzzz",
    "-zzzz", "re-engagement", "social services OR NHS -council*",
]  # fmt: skip


@pytest.mark.parametrize("search", SEARCHES)
def test_the_index_and_the_highlighting_agree(any_archive: Archive, search: str) -> None:
    every = list(any_archive.all_quotes())
    found = [q.id for q in any_archive.all_quotes(Filters(search=search))]
    assert found == [q.id for q in every if search_matches(search, q.text)]
    # Every statement found shows a highlight, and every highlight is a place where it matches.
    for quote in any_archive.all_quotes(Filters(search=search)):
        spans = match_spans(quote.text, search)
        assert spans or not parse_search(search).groups, (search, quote.text)
    sources = {s.id for s in any_archive.sources(search)}
    texts = [any_archive.source_text(s.id) for s in any_archive.sources()]
    assert sources == {
        t.source.id for t in texts if search_matches(search, t.source.headline, t.text)
    }


def test_phrases_and_exclusions_narrow_the_statements(archive: Archive) -> None:
    def count(search: str) -> int:
        return archive.quote_count(Filters(search=search))

    everything = len(list(archive.all_quotes()))
    assert 0 < count('"care trusts"') < count("care trusts") <= count("care")
    assert count("care") + count("-care") == everything
    assert count("-care") == count("NOT care")
    assert count("fines OR recruitment") >= max(count("fines"), count("recruitment"))
    assert count("trust*") > count("trust")


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_any_search_in_the_grammar_agrees_with_its_highlighting(
    archive: Archive, data: st.DataObject
) -> None:
    words = data.draw(
        st.lists(
            st.sampled_from(["care", "trusts", "fines", "social", "services", "tru", "the", "lga"]),
            min_size=1,
            max_size=5,
        )
    )
    pieces = st.sampled_from([" ", " OR ", " -", " NOT ", ' "', '" ', "* ", "'", "("])
    joins = data.draw(st.lists(pieces, min_size=len(words), max_size=len(words)))
    search = "".join(j + w for j, w in zip(joins, words, strict=True))
    found = {q.id for q in archive.all_quotes(Filters(search=search))}
    assert found == {q.id for q in archive.all_quotes() if search_matches(search, q.text)}


def test_the_command_line_reads_the_same_grammar(capsys: pytest.CaptureFixture[str]) -> None:
    def quotes(search: str) -> list[str]:
        assert main(["export", "quotes", f"--search={search}"]) == 0
        return [row["quote"] for row in csv.DictReader(io.StringIO(capsys.readouterr().out))]

    phrase = quotes('"care trusts"')
    assert phrase and all(re.search(r"care trusts", q, re.IGNORECASE) for q in phrase)
    without = quotes("trusts -care")
    assert without and not any(re.search(r"\bcare\b", q, re.IGNORECASE) for q in without)
    either = quotes("monolithic OR Herculean")
    assert either == [q for q in quotes("") if re.search(r"monolithic|herculean", q, re.I)]
