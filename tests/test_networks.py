"""The coalition map's networks on the bundled dataset, against ties worked out by hand from
db/positions.toml (supports/conditional support: for; concerns/opposes: against; mixed: neither).

The ties named below hold for the file as reviewed; a stakeholder's activity (the proposals it
took a position on), which the normalisations divide by, is read from the file
(tests/positions_file.py), as is every pair's tie for the check of all of them. No Qt here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest

from carebrowser.analysis.kinds import stance_sign
from carebrowser.analysis.layout import layout
from carebrowser.analysis.networks import build_network, short_label, to_graph
from carebrowser.export import write_csv
from carebrowser.export.networks import EDGE_COLUMNS, network_edges_table, write_graphml
from carebrowser.queries import Archive, Filters
from carebrowser.queries.networks import NetworkReader, NetworkRows, relation
from tests.positions_file import activity, positions, ties

LGA = "Local Government Association"
ADSS = "Association of Directors of Social Services"
NHS_CONFED = "NHS confederation"
MILBURN = "Alan Milburn"
IPPR = "Institute for Public Policy Research"
RANSFORD = "John Ransford"
DOOM = "Comment: 'doom-laden reports' (unnamed publication)"
CARE_COMMENT = "Comment: care trusts and the 'Berlin wall' (unnamed publication)"
CHILDRENS = "Children's trusts"
CARE = "Care trusts"
FINES = "Fines for delayed discharge (bed blocking)"
INTEGRATION = "Breaking down the 'Berlin wall' between health and social services"


@pytest.fixture(scope="module")
def reader(archive: Archive) -> Archive:
    """The archive: its network questions (NetworkReader) and its names."""
    assert isinstance(archive, NetworkReader)
    return archive


@pytest.fixture(scope="module")
def rows(reader: Archive) -> NetworkRows:
    return reader.network_rows(Filters(), limit=60, two_mode=True)


def ids(reader: Archive, *names: str) -> list[int]:
    return [next(iter(reader.find_stakeholders([n]))) for n in names]


def tie(rows: NetworkRows, reader: Archive, a: str, b: str) -> tuple[set[str], set[str]]:
    """The titles of the proposals two stakeholders agree and conflict on."""
    first, second = sorted(ids(reader, a, b))
    for pair in rows.pairs:
        if (pair.first, pair.second) == (first, second):
            return (
                {rows.proposal_titles[p] for p in pair.agree},
                {rows.proposal_titles[p] for p in pair.conflict},
            )
    return set(), set()


def test_stance_signs_and_relations() -> None:
    assert [stance_sign(s) for s in ("supports", "conditional support", "mixed")] == [1, 1, 0]
    assert [stance_sign(s) for s in ("concerns", "opposes")] == [-1, -1]
    assert relation("supports", "conditional support") == "agree"
    assert relation("concerns", "opposes") == "agree"
    assert relation("supports", "concerns") == "conflict"
    assert relation("mixed", "concerns") == "neither"
    assert relation("mixed", "mixed") == "neither"


def test_ties_worked_out_by_hand(rows: NetworkRows, reader: Archive) -> None:
    assert tie(rows, reader, LGA, ADSS) == ({CHILDRENS, CARE}, set())
    assert tie(rows, reader, LGA, NHS_CONFED) == ({CHILDRENS}, set())
    assert tie(rows, reader, ADSS, NHS_CONFED) == ({CHILDRENS}, set())
    assert tie(rows, reader, LGA, MILBURN) == (set(), {CHILDRENS, CARE, FINES})
    assert tie(rows, reader, LGA, RANSFORD) == ({CHILDRENS, FINES}, set())
    assert tie(rows, reader, MILBURN, CARE_COMMENT) == ({INTEGRATION}, {CARE})
    assert tie(rows, reader, MILBURN, DOOM) == (
        set(),
        {
            CHILDRENS,
            FINES,
            "Recruitment campaign for social workers",
            "Replacing social services departments",
        },
    )
    assert tie(rows, reader, "Amanda Edwards", "Jane Campbell") == (
        {"Role of the Social Care Institute for Excellence"},
        set(),
    )
    assert tie(rows, reader, "Government", "Richard Humphries") == (
        set(),
        {"Shifting the Balance of Power in the NHS"},
    )
    # A mixed stance neither agrees nor conflicts: Dave Martin is tied to no one.
    assert tie(rows, reader, "Dave Martin", "Richard Humphries") == (set(), set())
    assert tie(rows, reader, "Dave Martin", "Government") == (set(), set())


def test_every_tie_is_the_one_the_positions_file_gives(rows: NetworkRows) -> None:
    names = {a.id: a.name for a in rows.actors}
    found = {
        frozenset((names[p.first], names[p.second])): (
            {rows.proposal_titles[i] for i in p.agree},
            {rows.proposal_titles[i] for i in p.conflict},
        )
        for p in rows.pairs
    }
    assert found == ties()


def test_actors_are_the_most_active_and_the_rest_are_counted(reader: Archive) -> None:
    everyone = reader.network_rows(Filters(), limit=60)
    with_a_position = {who for who, _p, _s in positions()}
    assert {a.name for a in everyone.actors} == with_a_position and everyone.left_out == 0
    assert all(a.activity == activity(a.name) for a in everyone.actors)
    few = reader.network_rows(Filters(), limit=5)
    assert few.actors[0].name == MILBURN
    assert few.actors[0].activity == 13
    assert len(few.actors) == 5 and few.left_out == len(with_a_position) - 5
    activities = [a.activity for a in few.actors]
    assert activities == sorted(activities, reverse=True)
    # Only pairs of those drawn.
    drawn = {a.id for a in few.actors}
    assert all({p.first, p.second} <= drawn for p in few.pairs)


def test_ties_follow_the_filters(reader: Archive) -> None:
    childrens = reader.find_proposals([CHILDRENS])
    only = reader.network_rows(Filters(proposals=childrens), limit=60)
    assert tie(only, reader, LGA, MILBURN) == (set(), {CHILDRENS})
    assert tie(only, reader, LGA, ADSS) == ({CHILDRENS}, set())
    assert {a.name for a in only.actors} == {w for w, p, _s in positions() if p == CHILDRENS}
    assert {MILBURN, LGA, RANSFORD, ADSS, NHS_CONFED, DOOM} <= {a.name for a in only.actors}
    local = reader.network_rows(Filters(categories=frozenset({"local government"})), limit=60)
    assert {a.name for a in local.actors} >= {LGA, RANSFORD, "Rita Stringfellow"}
    assert {a.category for a in local.actors} == {"local government"}
    assert tie(local, reader, LGA, RANSFORD) == ({CHILDRENS, FINES}, set())
    assert tie(local, reader, LGA, MILBURN) == (set(), set())


def weight(
    network_rows: NetworkRows, reader: Archive, kind: str, norm: str, a: str, b: str
) -> float | None:
    network = build_network(network_rows, kind, norm)  # type: ignore[arg-type]
    first, second = ids(reader, a, b)
    for edge in network.edges:
        if {edge.source, edge.target} == {first, second}:
            return edge.weight
    return None


def expected(norm: str, count: int, a: str, b: str, same_side: int) -> float:
    """DNA's normalisation of *count* proposals for stakeholders *a* and *b* (activities read
    from db/positions.toml), who took the same side on *same_side* proposals."""
    x, y = activity(a), activity(b)
    denominator = {
        "none": 1,
        "average": (x + y) / 2,
        "jaccard": x + y - same_side,
        "cosine": x * y,
    }[norm]
    return count / denominator


@pytest.mark.parametrize("norm", ["none", "average", "jaccard", "cosine"])
def test_weights_for_each_kind_and_normalisation(
    rows: NetworkRows, reader: Archive, norm: str
) -> None:
    # Congruence LGA-ADSS: 2 agreements (children's trusts, care trusts), same side on both.
    lga_adss = expected(norm, 2, LGA, ADSS, 2)
    # Conflict LGA-Milburn: 3 conflicts (children's trusts, care trusts, fines), no side shared.
    lga_milburn = expected(norm, 3, LGA, MILBURN, 0)
    # Both, Milburn-the care trusts comment: 1 agreement (the 'Berlin wall') + 1 conflict (care
    # trusts); the same side on 1.
    milburn_comment = expected(norm, 2, MILBURN, CARE_COMMENT, 1)
    if norm == "none":
        assert (lga_adss, lga_milburn, milburn_comment) == (2, 3, 2)
    assert weight(rows, reader, "congruence", norm, LGA, ADSS) == pytest.approx(lga_adss)
    assert weight(rows, reader, "conflict", norm, LGA, ADSS) is None
    assert weight(rows, reader, "conflict", norm, LGA, MILBURN) == pytest.approx(lga_milburn)
    assert weight(rows, reader, "congruence", norm, LGA, MILBURN) is None
    assert weight(rows, reader, "both", norm, MILBURN, CARE_COMMENT) == pytest.approx(
        milburn_comment
    )
    assert weight(rows, reader, "both", norm, LGA, MILBURN) == pytest.approx(lga_milburn)
    # Subtract: agreements minus conflicts; one of each is no tie at all.
    assert weight(rows, reader, "subtract", norm, MILBURN, CARE_COMMENT) is None
    assert weight(rows, reader, "subtract", norm, LGA, MILBURN) == pytest.approx(-lga_milburn)
    assert weight(rows, reader, "subtract", norm, LGA, ADSS) == pytest.approx(lga_adss)


def test_two_mode_ties_are_stances(rows: NetworkRows, reader: Archive) -> None:
    network = build_network(rows, "affiliation")
    lga, milburn = ids(reader, LGA, MILBURN)
    fines = next(iter(reader.find_proposals([FINES])))
    stances = {(e.source, e.target): (e.stance, e.weight) for e in network.edges}
    assert stances[(lga, fines)] == ("opposes", -2.0)
    assert stances[(milburn, fines)] == ("supports", 2.0)
    assert len(network.edges) == len(positions())  # every position in db/positions.toml
    assert {p.title for p in network.proposals} >= {CHILDRENS, CARE, FINES}


def test_coalitions_are_louvain_blocs_with_their_proposals(
    rows: NetworkRows, reader: Archive
) -> None:
    network = build_network(rows, "congruence")
    coalition = {a.name: a.coalition for a in network.actors}
    assert coalition[LGA] == coalition[ADSS] == coalition[NHS_CONFED] == coalition[RANSFORD] > 0
    assert coalition[MILBURN] != coalition[LGA]
    assert coalition["Dave Martin"] == 0  # agrees with no one: stands alone
    lga_bloc = network.coalitions[coalition[LGA] - 1]
    # Children's trusts binds 10 of its pairs (5 members against it), care trusts 3 or more.
    binding = [network.proposal_titles[p] for p in lga_bloc.binding]
    assert {CHILDRENS, CARE} <= set(binding[:3])
    # The same data gives the same blocs, whatever the kind drawn.
    again = build_network(rows, "conflict")
    assert again.coalitions == network.coalitions


def test_labels_are_short() -> None:
    assert short_label(LGA, ["LGA"]) == "LGA"
    assert short_label(ADSS, ["the association"]) == "ADSS"
    assert short_label(IPPR) == "IPPR"
    assert short_label(MILBURN, ["Mr Milburn", "Milburn"]) == MILBURN
    assert short_label(DOOM) == "Comment: 'doom-lade\u2026"


def test_layout_is_deterministic_and_steady(rows: NetworkRows, reader: Archive) -> None:
    network = build_network(rows, "both")
    first, second = layout(network), layout(network)
    assert first == second
    childrens = reader.find_proposals([CHILDRENS, CARE, FINES])
    fewer = build_network(reader.network_rows(Filters(proposals=childrens), limit=60), "both")
    moved = layout(fewer, previous=first)
    fresh = layout(fewer)

    # Started from the earlier picture, nodes move less than in a picture made afresh.
    def shift(points: dict[tuple[str, int], tuple[float, float]]) -> float:
        return sum(
            ((x - first[k][0]) ** 2 + (y - first[k][1]) ** 2) ** 0.5 for k, (x, y) in points.items()
        )

    assert set(moved) == set(fresh)
    assert shift(moved) < shift(fresh)


def test_graphml_read_back_equals_the_network(rows: NetworkRows, tmp_path: Path) -> None:
    for kind in ("congruence", "both", "affiliation"):
        network = build_network(rows, kind)  # type: ignore[arg-type]
        path = tmp_path / f"{kind}.graphml"
        write_graphml(network, path)
        back = nx.read_graphml(path)
        graph = to_graph(network)
        assert dict(back.nodes(data=True)) == dict(graph.nodes(data=True))
        assert {frozenset(e): d for *e, d in back.edges(data=True)} == {
            frozenset(e): d for *e, d in graph.edges(data=True)
        }
    congruence = nx.read_graphml(tmp_path / "congruence.graphml")
    lga = next(n for n, d in congruence.nodes(data=True) if d["label"] == LGA)
    adss = next(n for n, d in congruence.nodes(data=True) if d["label"] == ADSS)
    edge = congruence.edges[lga, adss]
    assert edge["weight"] == 2.0 and edge["kind"] == "agreement"
    assert edge["proposals"] == f"{CARE}; {CHILDRENS}"
    assert congruence.nodes[lga]["category"] == "local government"
    assert congruence.nodes[lga]["coalition"] > 0


def test_edge_list_csv(rows: NetworkRows, tmp_path: Path) -> None:
    network = build_network(rows, "conflict")
    path = tmp_path / "ties.csv"
    count = write_csv(network_edges_table(network), path)
    with path.open(encoding="utf-8-sig", newline="") as stream:
        table = list(csv.reader(stream))
    assert tuple(table[0]) == EDGE_COLUMNS and len(table) == count + 1
    found = {(r[0], r[1]): r for r in table[1:]} | {(r[1], r[0]): r for r in table[1:]}
    row = found[(LGA, MILBURN)]
    assert row[2:6] == ["conflict", "3", "0", "3"]
    assert row[6] == f"{CARE}; {CHILDRENS}; {FINES}"
    assert path.read_bytes().count(b"\r\n") == count + 1


def test_tie_proposals_give_both_sides_and_their_evidence(reader: Archive) -> None:
    lga, milburn = ids(reader, LGA, MILBURN)
    found = reader.tie_proposals(lga, milburn)
    assert [(t.proposal, t.relation) for t in found] == [
        (CARE, "conflict"),
        (CHILDRENS, "conflict"),
        (FINES, "conflict"),
    ]
    childrens = found[1]
    assert (childrens.first.stakeholder, childrens.first.stance) == (LGA, "concerns")
    assert (childrens.second.stakeholder, childrens.second.stance) == (MILBURN, "supports")
    assert [q.quote_id for q in childrens.second_evidence] == list(
        childrens.second.evidence_quote_ids
    )
    assert childrens.first_evidence and all(
        q.stakeholder_id == lga for q in childrens.first_evidence
    )


def test_export_network_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from carebrowser.cli import main

    path = tmp_path / "fines.graphml"
    status = main(["export", "network", "--kind", "conflict", "--proposal", FINES, "-o", str(path)])
    assert status == 0
    graph = nx.read_graphml(path)
    by_label = {d["label"]: n for n, d in graph.nodes(data=True)}
    # On fines, the Health Secretary against the LGA, John Ransford and the press comment.
    labels = {frozenset((graph.nodes[a]["label"], graph.nodes[b]["label"])) for a, b in graph.edges}
    assert labels == {
        frozenset((MILBURN, LGA)), frozenset((MILBURN, RANSFORD)), frozenset((MILBURN, DOOM)),
    }  # fmt: skip
    assert graph.edges[by_label[MILBURN], by_label[LGA]]["proposals"] == FINES
    assert main(["export", "network", "--kind", "congruence", "--normalise", "jaccard"]) == 0
    rows = list(csv.reader(capsys.readouterr().out.lstrip("\ufeff").splitlines()))
    assert tuple(rows[0]) == EDGE_COLUMNS
    found = {frozenset(r[:2]): r for r in rows[1:]}
    jaccard = 2 / (activity(LGA) + activity(ADSS) - 2)  # both against on the 2 they share
    assert float(found[frozenset((LGA, ADSS))][3]) == pytest.approx(jaccard)
    assert main(["export", "network", "--most", "5", "-o", str(tmp_path / "few.csv")]) == 0
    left_out = len({who for who, _p, _s in positions()}) - 5
    assert f"({left_out} left out" in capsys.readouterr().err
    # One clear sentence for what cannot be done.
    assert main(["export", "quotes", "--format", "graphml", "-o", str(tmp_path / "q")]) == 2
    assert "only a network" in capsys.readouterr().err
    assert main(["export", "network", "--format", "graphml"]) == 2
    assert "needs a file" in capsys.readouterr().err
    assert not (tmp_path / "q").exists()
