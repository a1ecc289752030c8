"""The query layer: filters, keyset pages, search that accepts anything, name lookup."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from carebrowser.data.fts import fts5_query
from carebrowser.data.schema import StatementStance
from carebrowser.queries import Archive, Filters, UnknownName, match_spans, source_name


def _lga(archive: Archive) -> int:
    (lga,) = archive.find_stakeholders(["Local Government Association"])
    return lga


def test_names_match_case_insensitively_and_by_alias(archive: Archive) -> None:
    lga = _lga(archive)
    assert archive.find_stakeholders(["local government association"]) == {lga}
    assert archive.find_stakeholders(["LGA"]) == {lga}


def test_an_unknown_name_suggests_the_closest(archive: Archive) -> None:
    with pytest.raises(UnknownName) as caught:
        archive.find_stakeholders(["Alan Milbrun"])
    assert "Alan Milburn" in caught.value.suggestions


def test_a_stakeholders_quotes_are_theirs(archive: Archive) -> None:
    lga = _lga(archive)
    page = archive.quotes(Filters(stakeholders=frozenset({lga})))
    assert page.rows
    assert {q.stakeholder for q in page.rows} == {"Local Government Association"}
    assert any("serious concerns" in q.text for q in page.rows)


@pytest.mark.parametrize("sort", ["date", "source", "stakeholder"])
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_cover_every_row_once_in_order(
    archive: Archive, sort: str, descending: bool
) -> None:
    everything = archive.quotes(Filters(), sort=sort, descending=descending, limit=100_000).rows  # type: ignore[arg-type]
    seen = []
    after = None
    while True:
        page = archive.quotes(Filters(), sort=sort, descending=descending, after=after, limit=7)  # type: ignore[arg-type]
        seen += page.rows
        if page.cursor is None:
            break
        after = page.cursor
    assert [q.id for q in seen] == [q.id for q in everything]
    assert len(everything) == archive.quote_count()
    if sort == "date":
        dates = [q.date for q in seen]
        assert dates == sorted(dates, reverse=descending)


def test_filters_combine(archive: Archive) -> None:
    (trusts,) = archive.find_proposals(["children's trusts"])
    on_trusts = archive.quotes(Filters(proposals=frozenset({trusts})), limit=1000).rows
    assert on_trusts
    assert all("Children's trusts" in q.proposals for q in on_trusts)
    lga_on_trusts = archive.quotes(
        Filters(proposals=frozenset({trusts}), stakeholders=frozenset({_lga(archive)})), limit=1000
    ).rows
    assert 0 < len(lga_on_trusts) < len(on_trusts)
    councils = archive.quotes(Filters(categories=frozenset({"local government"})), limit=1000).rows
    assert councils and {q.category for q in councils} == {"local government"}


def test_search_finds_a_phrase_from_an_article(archive: Archive) -> None:
    rows = archive.quotes(Filters(search="monolithic"), limit=1000).rows
    assert rows
    assert all("monolithic" in q.text.casefold() for q in rows)
    assert {q.stakeholder for q in rows} == {"Alan Milburn"}
    assert archive.sources("monolithic")


def test_search_words_are_all_required_and_a_star_makes_a_prefix(archive: Archive) -> None:
    assert not archive.quotes(Filters(search="children trust"), limit=1000).rows
    both = archive.quotes(Filters(search="children trust*"), limit=1000).rows
    assert both
    for quote in both:
        folded = quote.text.casefold()
        assert "children" in folded and "trust" in folded


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(max_size=300)
    | st.sampled_from(['"', "(", ")", "AND", "OR NOT", "*", "NEAR(", "a:b", "^", "\x00"])
)
def test_any_search_text_is_accepted(archive: Archive, user_text: str) -> None:
    archive.quotes(Filters(search=user_text), limit=5)
    archive.quote_count(Filters(search=user_text))
    archive.sources(user_text)
    archive.stakeholders(name=user_text)


def test_very_long_search_is_accepted(archive: Archive) -> None:
    rows = archive.quotes(Filters(search="care " * 20_000), limit=1000).rows
    assert rows
    assert all("care" in q.text.casefold() for q in rows)


def test_a_search_is_written_as_fts5_syntax_from_its_parsed_terms() -> None:
    assert fts5_query('care AND (trusts OR "fines")') == ('"care" AND ("trusts" OR "fines")', False)
    assert fts5_query('care -"star ratings" trust*') == (
        '("care" AND "trust" *) NOT "star ratings"',
        False,
    )
    assert fts5_query("NOT fines") == ('"fines"', True)
    assert fts5_query("  *** ") is None


def test_match_spans_follow_the_search() -> None:
    text = "Care trusts, caring carers and Carlisle"
    assert [text[a:b] for a, b in match_spans(text, "trusts car*")] == [
        "Care", "trusts", "caring", "carers", "Carlisle",
    ]  # fmt: skip
    assert [text[a:b] for a, b in match_spans(text, "care trusts")] == ["Care", "trusts"]
    assert [text[a:b] for a, b in match_spans(text, '"care trusts" -caring')] == ["Care trusts"]


def test_matrix_and_comparison(archive: Archive) -> None:
    matrix = archive.matrix()
    assert matrix.stakeholders and matrix.proposals and matrix.cells
    milburn = next(iter(archive.find_stakeholders(["Alan Milburn"])))
    rows = archive.compare([_lga(archive), milburn])
    (trusts,) = archive.find_proposals(["children's trusts"])
    trusts_row = next(r for r in rows if r.proposal.id == trusts)
    assert trusts_row.disagree
    assert all(p is not None for p in trusts_row.positions)
    assert all(q is not None for q in trusts_row.key_quotes)


def test_source_text_spans(archive: Archive) -> None:
    for source in archive.sources():
        full = archive.source_text(source.id)
        assert len(full.spans) == source.statement_count
        for span in full.spans:
            assert 0 <= span.start < span.end <= len(full.text)


def test_category_counts_add_up(archive: Archive) -> None:
    counts = archive.category_counts()
    assert sum(c.count for c in counts) == len(archive.all_stakeholders())
    assert next(c.count for c in counts if c.category == "council") >= 28


@pytest.mark.parametrize(
    ("categories", "name"), [((), ""), ((), "a"), (("council",), ""), (("council", "press"), "n")]
)
def test_a_stakeholder_s_place_is_its_place_in_the_list(
    archive: Archive, categories: tuple[str, ...], name: str
) -> None:
    listed = archive.all_stakeholders(categories, name)
    assert listed
    for stakeholder in listed:
        before = [s for s in listed if s.category == stakeholder.category]
        place = archive.stakeholder_place(stakeholder.id, categories, name)
        assert place == (stakeholder.category, before.index(stakeholder))
    shown = {s.id for s in listed}
    left_out = [s for s in archive.all_stakeholders() if s.id not in shown]
    assert all(archive.stakeholder_place(s.id, categories, name) is None for s in left_out)
    assert archive.stakeholder_place(-1) is None


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(categories=frozenset({"council", "press"})),
        Filters(sources=frozenset({1, 3})),
        Filters(stakeholders=frozenset({1, 2, 3}), categories=frozenset({"government"})),
        Filters(stakeholders=frozenset({1}), sources=frozenset({1})),
        Filters(search="care"),
    ],
)
def test_quote_totals_are_the_statements_counted(archive: Archive, filters: Filters) -> None:
    everything = len(list(archive.all_quotes(filters)))
    assert archive.quote_total(filters) == (everything, True)
    total, exact = archive.quote_total(filters, at_most=5)
    assert (total, exact) in ((everything, True), (5, False))
    assert exact or everything >= 5


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(["", "a", "ll", "association", "zzq", "SOCIAL", "o'", "%", "_"]),
    categories=st.sets(st.sampled_from(["government", "local government", "NHS body", "charity"])),
    limit=st.integers(1, 40),
)
def test_the_first_screenful_is_the_list_s_beginning_in_one_read(
    archive: Archive, name: str, categories: set[str], limit: int
) -> None:
    """first_stakeholders() gives what reading the categories one by one gives, in order."""
    whole = [
        row
        for count in archive.category_counts(categories, name)
        for row in archive.all_stakeholders({count.category}, name)
    ]
    first = archive.first_stakeholders(categories, name, limit=limit)
    assert first.rows == whole[:limit]
    if len(whole) <= limit:
        assert first.cursor is None
    else:
        # The cursor goes on in the last row's category, from the row after it.
        last = first.rows[-1]
        after = archive.stakeholders({last.category}, name, after=first.cursor, limit=1).rows
        rest = [row for row in whole[limit:] if row.category == last.category]
        assert after == rest[:1]


def test_proposals_a_page_at_a_time_are_all_proposals(archive: Archive) -> None:
    everything = archive.proposals()
    read, cursor = [], None
    while True:
        page = archive.proposals_page(after=cursor, limit=4)
        read += page.rows
        if page.cursor is None:
            break
        cursor = page.cursor
    assert read == everything and len(everything) > 4
    some = [everything[-1].id, everything[0].id, 10**9]
    assert archive.proposals_by_ids(some) == [everything[0], everything[-1]]


@pytest.mark.parametrize("typed", ["c", "CARE", "star r", "Fines for"])
def test_a_proposal_found_by_the_start_of_its_title(archive: Archive, typed: str) -> None:
    starting = [p for p in archive.proposals() if p.title.casefold().startswith(typed.casefold())]
    assert starting, typed
    assert archive.proposal_starting(typed) == starting[0]


@pytest.mark.parametrize("typed", ["", "zzq", "%", "_", "c%", "\ud800"])
def test_no_proposal_starts_with_what_none_does(archive: Archive, typed: str) -> None:
    assert archive.proposal_starting(typed) is None


@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(categories=frozenset({"government"})), Filters(search="care trusts")],
)
def test_matrix_cells_are_the_same_whether_the_columns_are_named_in_sql_or_not(
    archive: Archive, filters: Filters, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carebrowser.queries import matrix as matrix_module

    rows = [s.id for s in archive.matrix_stakeholders(filters, hide_empty=False).rows]
    columns = [p.id for p in archive.proposals()][::2]  # every other proposal
    in_sql = archive.matrix_cells(rows, columns, filters)
    monkeypatch.setattr(matrix_module, "FEW_COLUMNS", 0)
    in_python = archive.matrix_cells(rows, columns, filters)
    assert in_python == in_sql and in_sql
    assert {proposal for _stakeholder, proposal in in_sql} <= set(columns)


@pytest.mark.parametrize("hide_empty", [True, False])
@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(categories=frozenset({"government", "local government"})),
        Filters(search="care trusts"),
        Filters(search="zzqx"),  # nothing found
    ],
)
def test_the_matrix_size_is_the_rows_and_positions_of_the_matrix(
    archive: Archive, filters: Filters, hide_empty: bool
) -> None:
    whole = archive.matrix(filters, hide_empty=hide_empty)
    assert archive.matrix_size(filters, hide_empty=hide_empty) == (
        len(whole.stakeholders),
        len(whole.cells),
    )


def test_the_matrix_size_follows_the_proposal_filter(archive: Archive) -> None:
    trusts = archive.find_proposals(["care trusts"])
    whole = archive.matrix(Filters(proposals=trusts))
    rows, positions = archive.matrix_size(Filters(proposals=trusts))
    assert (rows, positions) == (len(whole.stakeholders), len(whole.cells))
    assert 0 < positions < archive.matrix_size()[1]


@pytest.mark.parametrize("hide_empty", [True, False])
def test_the_matrix_is_its_blocks_in_the_order_of_the_list(
    archive: Archive, hide_empty: bool
) -> None:
    from carebrowser.data.build import sort_name
    from carebrowser.data.vocabulary import CATEGORIES

    whole = archive.matrix(hide_empty=hide_empty)
    columns = [p.id for p in whole.proposals]
    assert columns == [p.id for p in archive.matrix_proposals(hide_empty=hide_empty)]
    blocks = list(archive.matrix_blocks(hide_empty=hide_empty, columns=columns, limit=7))
    assert len(blocks) > 2
    assert [s.id for rows, _cells in blocks for s in rows] == [s.id for s in whole.stakeholders]
    assert {k: v for _rows, cells in blocks for k, v in cells.items()} == whole.cells
    # matrix() is made of those blocks: checked against the positions read in one query.
    assert whole.cells == {(p.stakeholder_id, p.proposal_id): p for p in archive.positions()}
    everyone = {s.id for s in archive.all_stakeholders()}
    with_position = {p.stakeholder_id for p in archive.positions()}
    assert {s.id for s in whole.stakeholders} == (with_position if hide_empty else everyone)
    # By category in the vocabulary's order, then by name, a leading "the" ignored: as the
    # window's matrix and stakeholder list show them.
    keys = [(CATEGORIES.index(s.category), sort_name(s.name), s.id) for s in whole.stakeholders]
    assert keys == sorted(keys)


def test_a_count_made_before_answers_what_it_can_and_only_that(archive: Archive) -> None:
    from sqlalchemy import event

    searches = ["care", "care trusts", "zzqx", "trust", "social services"]
    bounds = [None, 1, 5, 40, 3000]
    for search in searches:
        filters = Filters(search=search)
        true = Archive(archive.engine).quote_count(filters)
        for first in bounds:
            for second in bounds:
                counted = Archive(archive.engine)
                counted.quote_total(filters, at_most=first)
                got, exact = counted.quote_total(filters, at_most=second)
                expected = true if second is None else min(true, second)
                assert got == expected, (search, first, second)
                assert exact == (second is None or true < second)
    # The status bar's count, which goes further, answers the read order's probe: the page is
    # read with no second count.
    filters = Filters(search="care")
    counted = Archive(archive.engine)
    counted.quote_total(filters, at_most=10_000)
    sent: list[str] = []
    listener = lambda *args: sent.append(args[2])  # noqa: E731
    event.listen(archive.engine, "before_cursor_execute", listener)
    try:
        page = counted.quotes(filters, sort="stakeholder")
    finally:
        event.remove(archive.engine, "before_cursor_execute", listener)
    assert sent and not any("count(" in sql for sql in sent)
    assert page == Archive(archive.engine).quotes(filters, sort="stakeholder")


@pytest.mark.parametrize(
    ("publication", "headline", "author", "expected"),
    [
        ("LGCnet", None, None, "LGCnet, Oct 2002 (inferred)"),
        ("LGCnet", "Trusts row", None, "LGCnet, \u2018Trusts row\u2019, Oct 2002 (inferred)"),
        (
            "LGCnet",
            "Trusts row",
            "A. Reporter",
            "LGCnet, \u2018Trusts row\u2019, A. Reporter, Oct 2002 (inferred)",
        ),
        (
            "Unnamed publication",
            "Comment: 'x'",
            None,
            "\u2018Comment: 'x'\u2019, Oct 2002 (inferred)",
        ),
        ("Unnamed publication", None, None, "Unnamed publication, Oct 2002 (inferred)"),
    ],
)
def test_a_source_is_named_one_way(
    publication: str, headline: str | None, author: str | None, expected: str
) -> None:
    assert source_name(publication, headline, "Oct 2002 (inferred)", author) == expected


def test_a_statement_names_its_source_as_the_source_list_does(archive: Archive) -> None:
    sources = {source.id: source for source in archive.sources()}
    quotes = archive.quotes(Filters(), limit=1000).rows
    assert len({q.source_id for q in quotes}) == len(sources) > 1
    for quote in quotes:
        assert quote.source_name == sources[quote.source_id].name
    unnamed = [s for s in sources.values() if s.publication == "Unnamed publication"]
    assert unnamed
    for source in unnamed:  # named by the headline, where the capture shows one
        first = f"\u2018{source.headline}\u2019, " if source.headline else "Unnamed publication, "
        assert source.name == first + source.date_label


AGAINST = frozenset({"opposes", "concerns"})


def test_the_stance_filter_keeps_positions_of_those_stances(archive: Archive) -> None:
    every = archive.positions(Filters())
    kept = archive.positions(Filters(stances=AGAINST))
    assert [p.id for p in kept] == [p.id for p in every if p.stance in AGAINST]
    assert 0 < len(kept) < len(every)
    fines = archive.find_proposals(["Fines for delayed discharge (bed blocking)"])
    on_fines = archive.positions(Filters(stances=AGAINST, proposals=fines))
    assert on_fines and all(p.proposal_id in fines and p.stance in AGAINST for p in on_fines)
    matrix = archive.matrix(Filters(stances=AGAINST))
    assert {p.id for p in matrix.cells.values()} == {p.id for p in kept}
    assert {s.id for s in matrix.stakeholders} == {p.stakeholder_id for p in kept}
    assert {p.id for p in matrix.proposals} == {p.proposal_id for p in kept}
    assert archive.matrix_size(Filters(stances=AGAINST)) == (len(matrix.stakeholders), len(kept))


def test_the_stance_filter_keeps_the_statements_that_show_those_stances(
    archive: Archive,
) -> None:
    fines = archive.find_proposals(["Fines for delayed discharge (bed blocking)"])
    filters = Filters(stances=AGAINST, proposals=fines)
    showing = select(StatementStance.statement_id).where(
        StatementStance.stance.in_(AGAINST), StatementStance.proposal_id.in_(fines)
    )
    with archive.engine.connect() as connection:
        expected = set(connection.scalars(showing))
    quotes = archive.quotes(filters, limit=1000).rows
    assert expected and {q.id for q in quotes} == expected
    # The counts that the stored totals answer for a stakeholder alone follow the stances too.
    lga = archive.find_stakeholders(["Local Government Association"])
    of_lga = Filters(stakeholders=lga, stances=frozenset({"supports"}))
    assert archive.quote_count(of_lga) == len(archive.quotes(of_lga, limit=1000).rows)
    assert archive.quote_count(of_lga) < archive.quote_count(Filters(stakeholders=lga))


def test_the_people_of_an_organisation_are_those_affiliated_to_it(archive: Archive) -> None:
    lga = archive.find_stakeholders(["Local Government Association"])
    people = archive.people_of(lga)
    assert [p.name for p in people] == ["John Ransford", "Rita Stringfellow"]
    assert all(p.kind == "person" and p.id not in lga for p in people)
    everyone = archive.all_stakeholders()
    organisations = {s.id for s in everyone if s.kind != "person"}
    affiliated = archive.people_of(organisations)
    assert {p.id for p in affiliated} == {
        s.id for s in everyone if s.kind == "person" and s.organisation
    }
    assert archive.people_of([]) == []


def test_the_people_of_each_organisation_are_grouped_under_it(archive: Archive) -> None:
    everyone = archive.all_stakeholders()
    organisations = {s.id for s in everyone if s.kind != "person"}
    grouped = archive.people_by_organisation(organisations)
    lga = next(iter(archive.find_stakeholders(["Local Government Association"])))
    assert [p.name for p in grouped[lga]] == ["John Ransford", "Rita Stringfellow"]
    # The same people as people_of, each under every organisation they speak for, by name.
    for organisation, people in grouped.items():
        assert people == archive.people_of([organisation])
    assert set(grouped) <= organisations and all(grouped.values())
    with_statements = archive.people_by_organisation(organisations, speaking=True)
    assert all(p.statement_count > 0 for people in with_statements.values() for p in people)
    assert archive.people_by_organisation([]) == {}
