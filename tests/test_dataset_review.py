"""Each correction of the dataset's review (db/REVIEW.md) holds, so none can silently come back."""

from __future__ import annotations

import re
import sqlite3
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from carebrowser.cli import main
from carebrowser.data.database import sqlite_uri

DB = Path(__file__).resolve().parents[1] / "db"
#: Capture 003's eight reports: headline and by-line as printed (cut off where the capture is).
REPORTS_003 = {
    "Milburn names worst authorities": "David Callaghan",
    "Social services told now is the time to challenge health": "Rachel Downey",
    "Care trusts hide lack of resources": "Rachel Downey",
    "Commission to focus on outcomes and not close": "Lauren",
    "Scie set to help staff promote the social care": "Lauren Revans",
    "Deputy mayor of New York speaks to": "David Callaghan",
    "Closer working arrangements delayed six": "Lauren Revans",
    "Tories promise improved professional standing for social": "Rachel",
}
#: Words that end a complete sentence or quotation.
CLOSING = ".?!\u201d\u2019'\""
#: Quotation marks a direct quotation opens after.
OPENING = "\u201c\u2018'\""


@pytest.fixture(scope="module")
def db() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(sqlite_uri(DB / "carebrowser.sqlite"), uri=True)
    yield connection
    connection.close()


def _toml(name: str) -> dict[str, object]:
    with (DB / name).open("rb") as handle:
        return tomllib.load(handle)


def _position(db: sqlite3.Connection, stakeholder: str, proposal: str) -> tuple[str, set[str]]:
    """(stance, evidence statement keys) of a position, by stakeholder and proposal key."""
    found = db.execute(
        "SELECT p.id, p.stance FROM position p JOIN stakeholder k ON k.id = p.stakeholder_id "
        "JOIN proposal r ON r.id = p.proposal_id WHERE k.key = ? AND r.key = ?",
        (stakeholder, proposal),
    ).fetchone()
    assert found is not None, f"no position of {stakeholder} on {proposal}"
    evidence = {
        key
        for (key,) in db.execute(
            "SELECT s.key FROM position_evidence e JOIN statement s ON s.id = e.statement_id "
            "WHERE e.position_id = ?",
            (found[0],),
        )
    }
    return found[1], evidence


def _has_position(db: sqlite3.Connection, stakeholder: str, proposal: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM position p JOIN stakeholder k ON k.id = p.stakeholder_id "
            "JOIN proposal r ON r.id = p.proposal_id WHERE k.key = ? AND r.key = ?",
            (stakeholder, proposal),
        ).fetchone()
        is not None
    )


def _statements(db: sqlite3.Connection, where: str, *args: object) -> list[tuple[str, ...]]:
    """(key, speaker key, kind, text, role, source key) of the statements *where* selects."""
    return db.execute(
        "SELECT s.key, k.key, s.kind, s.text, s.role, so.key FROM statement s "
        "JOIN stakeholder k ON k.id = s.speaker_id JOIN source so ON so.id = s.source_id "
        f"WHERE {where} ORDER BY s.id",
        args,
    ).fetchall()


def _note(stakeholder: str, proposal: str) -> str:
    positions = _toml("positions.toml")
    for table in ("position", "no_position"):
        for row in positions.get(table, []):  # type: ignore[attr-defined]
            if row["stakeholder"] == stakeholder and row["proposal"] == proposal:
                return str(row.get("note", ""))
    return ""


# -- 1, 2: the IPPR's 'one roof', and the Local Government Information Unit --


def test_one_roof_is_the_ippr_s_own_proposal(db: sqlite3.Connection) -> None:
    assert not _has_position(db, "institute-for-public-policy-research", "childrens-trusts")
    stance, evidence = _position(
        db, "institute-for-public-policy-research", "childrens-services-under-one-roof"
    )
    assert stance == "supports" and evidence == {"dlr-05"}
    (proposer,) = db.execute(
        "SELECT k.key FROM proposal p JOIN stakeholder k ON k.id = p.proposer_id "
        "WHERE p.key = 'childrens-services-under-one-roof'"
    ).fetchone()
    assert proposer == "institute-for-public-policy-research"
    for body in (
        "association-of-directors-of-social-services",
        "local-government-information-unit",
    ):
        stance, evidence = _position(db, body, "childrens-services-under-one-roof")
        assert stance == "opposes", body
        texts = {
            t for (_, _, _, t, _, _) in _statements(db, f"s.key IN ({_marks(evidence)})", *evidence)
        }
        assert all("at odds with" in t for t in texts), body
        assert _note(body, "childrens-services-under-one-roof"), body
    # the 'at odds' sentence is evidence on one roof, not on children's trusts
    _, evidence = _position(db, "association-of-directors-of-social-services", "childrens-trusts")
    assert "dlr-06" not in evidence


def test_the_information_unit_has_its_own_proposal(db: sqlite3.Connection) -> None:
    stance, evidence = _position(
        db, "local-government-information-unit", "strengthen-council-role-child-protection"
    )
    assert stance == "supports" and evidence == {"dlr-07"}


# -- 3, 4, 11: words that are not the speaker's --


def test_no_headline_is_a_statement(db: sqlite3.Connection) -> None:
    headlines = [h for (h,) in db.execute("SELECT headline FROM source WHERE headline IS NOT NULL")]
    assert "Tories promise improved professional standing for social" in headlines
    for headline in headlines:
        assert not _statements(db, "s.text = ?", headline), headline


def test_the_conservative_position_rests_on_what_the_report_attributes(
    db: sqlite3.Connection,
) -> None:
    stance, evidence = _position(db, "conservative-party", "raise-professional-standing")
    assert stance == "supports" and evidence
    for _, speaker, kind, text, _, _ in _statements(
        db, f"s.key IN ({_marks(evidence)})", *evidence
    ):
        assert speaker == "conservative-party" and kind == "reported"
        assert text.startswith("the Conservative party would raise the professional standing")


def test_the_reporters_and_commentators_words_are_not_milburn_s(db: sqlite3.Connection) -> None:
    milburn = _statements(db, "k.key = 'alan-milburn'")
    for phrase in (
        "could spell the end",
        "signalled the end of the system",
        "radical proposals for restructuring",  # the comment's words for his plans
        "Similar to recommendations",  # the reporter's comparison with the IPPR report
        "Mr Milburn claims he has not yet seen",
    ):
        assert not [k for k, _, _, t, _, _ in milburn if phrase in t], phrase
    (lgc01,) = _statements(db, "s.key = 'lgc-01'")
    assert (
        lgc01[3] == "Health secretary Alan Milburn has announced a radical shake up of social care"
    )
    (dlr01,) = _statements(db, "s.key = 'dlr-01'")
    assert dlr01[1] == "press-comment-doom-laden-reports" and dlr01[2] == "editorial"


def test_scare_quotes_are_not_quotations(db: sqlite3.Connection) -> None:
    assert not _statements(db, "s.text = 'experts'")
    (bw08,) = _statements(db, "s.key = 'bw-08'")
    assert bw08[2] == "editorial" and "Both social services staff" not in bw08[3]
    concerned = _statements(db, "s.text LIKE 'Both social services staff and service users%'")
    assert {(speaker, kind) for _, speaker, kind, _, _, _ in concerned} == {
        ("social-services-staff", "reported"),
        ("service-users", "reported"),
    }
    for group in ("social-services-staff", "service-users"):
        assert _position(db, group, "care-trusts")[0] == "concerns"


def test_a_direct_quotation_opens_after_a_quotation_mark(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "SELECT s.key, substr(so.text, s.start, 1) FROM statement s "
        "JOIN source so ON so.id = s.source_id WHERE s.kind = 'direct'"
    ).fetchall()
    assert len(rows) > 30
    assert [key for key, before in rows if before not in OPENING] == []


def test_only_the_press_has_editorial_opinions(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "SELECT DISTINCT k.category FROM statement s JOIN stakeholder k ON k.id = s.speaker_id "
        "WHERE s.kind = 'editorial'"
    ).fetchall()
    assert rows == [("press",)]


def test_a_statement_cut_off_by_the_capture_is_flagged(db: sqlite3.Connection) -> None:
    rows = db.execute(
        'SELECT s.key, s.text, s.truncated, so.text, s."end" FROM statement s '
        "JOIN source so ON so.id = s.source_id"
    ).fetchall()
    for key, text, truncated, source, end in rows:
        rest = source[end:].split("\n", 1)[0]
        cut = rest.strip() == "" and text.rstrip()[-1] not in CLOSING + ","
        assert bool(truncated) == cut, key


# -- 5, 6, 9, 12: stances --


def test_harris_opposes_care_trusts_on_what_he_said_of_them(db: sqlite3.Connection) -> None:
    stance, evidence = _position(db, "evan-harris", "care-trusts")
    assert stance == "opposes" and evidence == {"cc-26", "cc-27"}
    linked = {
        key
        for (key,) in db.execute(
            "SELECT s.key FROM statement s JOIN statement_proposal sp ON sp.statement_id = s.id "
            "JOIN proposal p ON p.id = sp.proposal_id WHERE p.key = 'care-trusts'"
        )
    }
    assert not linked & {"cc-28", "cc-30", "cc-31", "cc-32"}
    assert _note("evan-harris", "care-trusts")


def test_no_position_rests_on_the_reporters_comparison(db: sqlite3.Connection) -> None:
    assert not _has_position(
        db, "institute-for-public-policy-research", "new-social-care-professionals"
    )
    assert not _statements(
        db, "k.key = 'institute-for-public-policy-research' AND so.key = ?", "lgc-milburn-shake-up"
    )


def test_tagged_statements_have_their_positions(db: sqlite3.Connection) -> None:
    assert _position(db, "lord-hunt", "care-trusts")[0] == "supports"
    stance, evidence = _position(db, "evan-harris", "income-tax-increase")
    assert stance == "supports" and "cc-95" in evidence
    for who, what in (("lord-hunt", "care-trusts"), ("evan-harris", "income-tax-increase")):
        assert _note(who, what)
    decided = {(r["stakeholder"], r["proposal"]) for r in _toml("positions.toml")["no_position"]}  # type: ignore[index]
    tagged = db.execute(
        "SELECT DISTINCT k.key, p.key FROM statement s "
        "JOIN stakeholder k ON k.id = s.speaker_id "
        "JOIN statement_proposal sp ON sp.statement_id = s.id "
        "JOIN proposal p ON p.id = sp.proposal_id"
    ).fetchall()
    assert [t for t in tagged if not _has_position(db, *t) and t not in decided] == []


def test_tentative_stances_and_design_advice_are_decided(db: sqlite3.Connection) -> None:
    stance, _ = _position(db, "rita-stringfellow", "chief-executives-on-health-bodies")
    assert stance == "conditional support"
    assert _position(db, "dave-martin", "shifting-the-balance-of-power")[0] == "mixed"
    assert not _has_position(db, "david-browning", "care-trusts")
    for who, what in (
        ("rita-stringfellow", "chief-executives-on-health-bodies"),
        ("dave-martin", "shifting-the-balance-of-power"),
        ("david-browning", "care-trusts"),
    ):
        assert _note(who, what), (who, what)


# -- 7, 8: affiliations and names as printed --


def test_joint_posts_show_both_affiliations(db: sqlite3.Connection) -> None:
    rows = dict(
        (name, (category, first, second))
        for name, category, first, second in db.execute(
            "SELECT k.name, k.category, o.name, o2.name FROM stakeholder k "
            "JOIN stakeholder o ON o.id = k.organisation_id "
            "JOIN stakeholder o2 ON o2.id = k.second_organisation_id"
        )
    )
    assert rows["Richard Humphries"] == (
        "local government",
        "Herefordshire health authority",
        "Herefordshire Council",
    )
    assert rows["Dave Martin"] == (
        "local government",
        "Sandwell health authority",
        "Sandwell Council",
    )


def test_no_name_the_articles_never_print(db: sqlite3.Connection) -> None:
    names = {n for (n,) in db.execute("SELECT name FROM stakeholder")}
    assert "Department of Education" not in names
    # As printed in the captures ('Community Care' only in its site's link), line breaks aside.
    captures = " ".join(p.read_text(encoding="utf-8") for p in (DB / "captures").glob("*.txt"))
    texts = re.sub(r"\s+", " ", captures).casefold()
    # Names of our own, each saying so in its note: the articles print only 'Liberal Democrat'.
    constructed = {
        "liberal-democrats",
        "government-commissioned-report",
        "press-comment-doom-laden-reports",
        "press-comment-care-trusts",
    }
    for key, name in db.execute("SELECT key, name FROM stakeholder"):
        if key not in constructed:
            assert name.casefold() in texts, name


# -- 10: statements that were missing --


def test_the_missing_statements_are_recorded(db: sqlite3.Connection) -> None:
    (task_force,) = _statements(db, "s.text LIKE 'The LGA has set up a task force%'")
    assert task_force[1] == "local-government-association" and task_force[2] == "reported"
    (report,) = _statements(db, "s.text LIKE '%children''s safety is being compromised%'")
    assert report[1] == "government-commissioned-report"
    own = {t for _, _, _, t, _, _ in _statements(db, "k.key = 'community-care'")}
    assert "His solutions were limited." in own


# -- people named but not speaking; rated councils --


def test_every_stakeholder_speaks_is_rated_or_is_an_affiliation(db: sqlite3.Connection) -> None:
    idle = db.execute(
        "SELECT k.name FROM stakeholder k WHERE k.statement_count = 0 AND k.rating IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM stakeholder p WHERE k.id IN "
        "(p.organisation_id, p.second_organisation_id))"
    ).fetchall()
    assert idle == []
    names = {n for (n,) in db.execute("SELECT name FROM stakeholder")}
    for mention in _toml("mentions.toml")["mention"]:  # type: ignore[attr-defined]
        assert mention["name"] not in names
    for gone in (
        "Victoria Climbie",
        "Rudolph Giuliani",
        "Laming inquiry",
        "John Prescott",
        "Labour",
    ):
        assert gone not in names


def test_the_command_line_still_lists_the_rated_councils(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list", "stakeholders"]) == 0
    out = capsys.readouterr().out
    for council in ("Blackpool", "Windsor and", "Sunderland", "Kensington and Chelsea"):
        assert council in out


# -- roles as printed, and the eight reports of capture 003 --


def test_each_statement_has_the_role_its_source_prints(db: sqlite3.Connection) -> None:
    roles = {
        (source, role) for _, _, _, _, role, source in _statements(db, "k.key = 'john-ransford'")
    }
    assert roles == {
        ("lgc-milburn-shake-up", "director of education and social policy at the LGA"),
        ("cc-deputy-mayor-new-york", "Local Government Association\u2019s head of social affairs"),
    }
    unprinted = db.execute(
        "SELECT s.key FROM statement s JOIN source so ON so.id = s.source_id "
        "WHERE s.role IS NOT NULL AND instr(so.text, s.role) = 0"
    ).fetchall()
    assert unprinted == []
    roleless = db.execute(
        "SELECT s.key FROM statement s JOIN stakeholder k ON k.id = s.speaker_id "
        "WHERE k.kind = 'person' AND s.role IS NULL"
    ).fetchall()
    assert roleless == []


def test_capture_003_is_eight_reports(db: sqlite3.Connection) -> None:
    rows = db.execute(
        "SELECT headline, author, text, date, date_precision FROM source "
        "WHERE capture LIKE '003%' ORDER BY key"
    ).fetchall()
    assert {h: a for h, a, _, _, _ in rows} == REPORTS_003
    for headline, _, text, date, precision in rows:
        assert text.startswith(headline + "\n")
        assert [h for h in REPORTS_003 if h + "\n" in text] == [headline]
        assert (date, precision) == ("2001-10-01", "month")
    (stringfellow,) = db.execute(
        "SELECT so.headline FROM statement s JOIN source so ON so.id = s.source_id "
        "WHERE s.key = 'cc-14'"
    ).fetchone()
    assert stringfellow == "Social services told now is the time to challenge health"
    cut = db.execute(
        "SELECT headline FROM source WHERE note LIKE '%cuts the headline off%'"
    ).fetchall()
    assert len(cut) == 5


# -- dates as precise as the evidence allows --


def test_dates_are_as_precise_as_the_evidence(db: sqlite3.Connection) -> None:
    dates = dict(
        (key, (date, precision, evidence or ""))
        for key, date, precision, evidence in db.execute(
            "SELECT key, date, date_precision, date_evidence FROM source"
        )
    )
    date, precision, evidence = dates["comment-care-trusts-berlin-wall"]
    assert precision == "approximate" and "2001-03-01" <= date <= "2001-05-11"
    assert "public record" in evidence and "7 June 2001" in evidence and "11 May 2001" in evidence
    for key in ("lgc-milburn-shake-up", "comment-doom-laden-reports"):
        date, precision, evidence = dates[key]
        assert (date, precision) == ("2002-10-16", "on or after")
        assert "yesterday" in evidence and "17 October 2002" in evidence


def _marks(values: set[str]) -> str:
    return ", ".join("?" * len(values))


def test_sentences_are_not_rewritten() -> None:
    """Cleaning never changes a word: 'serviceto', 'heath secretary', 'in tact' stay as printed."""
    texts = " ".join(p.read_text(encoding="utf-8") for p in (DB / "sources").glob("*.txt"))
    for typo in ("serviceto", "heath secretary", "in tact", "Climbie"):
        assert re.search(re.escape(typo), texts), typo
