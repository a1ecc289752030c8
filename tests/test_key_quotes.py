"""The query layer says what the articles say: key quotations, roles as printed, joint posts, and
the voices in the debate apart from those only named."""

from __future__ import annotations

import csv
import io

import pytest

from carebrowser.cli import main
from carebrowser.queries import Archive, Filters, QuoteRow
from carebrowser.queries.key_quotes import SENTENCE_WORDS

OWN = ("direct", "editorial")


def _words(quote: QuoteRow) -> int:
    return len(quote.text.split())


def _whole(quote: QuoteRow) -> bool:
    return _words(quote) >= SENTENCE_WORDS and not quote.truncated and quote.text[0].isupper()


def _one(archive: Archive, name: str) -> int:
    (found,) = archive.find_stakeholders([name])
    return found


def test_the_key_quotation_is_the_most_informative_evidence(archive: Archive) -> None:
    stakeholders = [s.id for s in archive.all_stakeholders() if s.statement_count]
    checked = 0
    for start in range(0, len(stakeholders), 4):
        group = stakeholders[start : start + 4]
        for row in archive.compare(group):
            for position, key in zip(row.positions, row.key_quotes, strict=True):
                if position is None:
                    continue
                evidence = archive.evidence(position.id)
                assert key is not None and key.id in {q.id for q in evidence}
                checked += 1
                # A whole sentence of the stakeholder's own comes first, then a reported one;
                # a fragment only when there is nothing else.
                if any(_whole(q) and q.kind in OWN for q in evidence):
                    assert _whole(key) and key.kind in OWN, (position.stakeholder, key.text)
                elif any(_whole(q) for q in evidence):
                    assert _whole(key), (position.stakeholder, key.text)
                if any(_words(q) >= SENTENCE_WORDS for q in evidence):
                    assert _words(key) >= SENTENCE_WORDS, (position.stakeholder, key.text)
    assert checked > 50


def test_no_comparison_shows_a_fragment_when_a_sentence_exists(archive: Archive) -> None:
    rows = {
        row.proposal.key: row
        for row in archive.compare(
            [_one(archive, "Alan Milburn"), _one(archive, "Local Government Association")]
        )
    }
    milburn = {key: row.key_quotes[0] for key, row in rows.items() if row.key_quotes[0]}
    # Before: "dramatically reshape", "experts", "light touch".
    assert milburn["childrens-trusts"] is not None
    for key in ("childrens-trusts", "intervention-failing-councils", "earned-freedoms"):
        quote = milburn[key]
        assert quote is not None and _words(quote) >= SENTENCE_WORDS, quote
    # A sentence about care trusts alone, not one about pooled budgets too.
    care_trusts = milburn["care-trusts"]
    assert care_trusts is not None and care_trusts.quote_id == "ind-07"
    voluntary = milburn["voluntary-private-sector-role"]
    assert voluntary is not None and voluntary.text[0].isupper()
    intervention = milburn["intervention-failing-councils"]
    assert intervention is not None and intervention.kind == "direct"
    assert intervention.text.startswith("I will use powers under the Local Government Act")


def test_a_statement_carries_the_role_its_source_prints(archive: Archive) -> None:
    quotes = archive.quotes(Filters(stakeholders=frozenset({_one(archive, "John Ransford")})))
    roles = {(q.source_key, q.role) for q in quotes.rows}
    assert roles == {
        ("lgc-milburn-shake-up", "director of education and social policy at the LGA"),
        ("cc-deputy-mayor-new-york", "Local Government Association\u2019s head of social affairs"),
    }


def test_the_quotes_export_role_is_the_source_s(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "quotes", "--stakeholder", "John Ransford"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    by_source = {row["source"]: row["role"] for row in rows}
    # Each source as every view names it: "Publication, 'Headline', date".
    lgc = "LGCnet, on or after 16 Oct 2002 (inferred)"
    community_care = (
        "Community Care, \u2018Deputy mayor of New York speaks to\u2019, Oct 2001 (inferred)"
    )
    assert by_source[lgc] == "director of education and social policy at the LGA"
    assert by_source[community_care] == "Local Government Association\u2019s head of social affairs"


def test_joint_posts_name_both_organisations(archive: Archive) -> None:
    (humphries,) = archive.stakeholders_by_ids([_one(archive, "Richard Humphries")])
    assert humphries.organisation == "Herefordshire health authority; Herefordshire Council"
    quotes = archive.quotes(Filters(stakeholders=frozenset({humphries.id}))).rows
    assert quotes and {q.organisation for q in quotes} == {humphries.organisation}
    local = archive.all_stakeholders({"local government"})
    assert {"Richard Humphries", "Dave Martin"} <= {s.name for s in local}


def test_the_voices_in_the_debate_apart_from_those_only_named(archive: Archive) -> None:
    everyone = archive.all_stakeholders()
    voices = archive.all_stakeholders(speaking=True)
    assert voices and all(s.statement_count > 0 for s in voices)
    named_only = {s.name for s in everyone} - {s.name for s in voices}
    assert {"Blackpool", "Windsor and", "Herefordshire Council"} <= named_only
    first = archive.first_stakeholders(speaking=True, limit=1000)
    assert first.cursor is None and {s.id for s in first.rows} == {s.id for s in voices}
    counts = {c.category: c.count for c in archive.category_counts(speaking=True)}
    assert "council" not in counts
    assert sum(counts.values()) == len(voices)
    blackpool = _one(archive, "Blackpool")
    assert archive.stakeholder_place(blackpool, speaking=True) is None
    assert archive.stakeholder_place(blackpool) is not None
