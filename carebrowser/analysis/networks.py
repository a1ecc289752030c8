"""Who stands with whom: stakeholder networks computed from the ties the query layer counts.

Two stakeholders *agree* on a proposal when their stances have the same non-zero sign (supports
+2, conditional support +1, mixed 0, concerns -1, opposes -2) and *conflict* when the signs
differ. The kinds of network are those of discourse network analysis: congruence (weight: the
proposals they agree on), conflict (those they conflict on), both together, subtract (agreements
minus conflicts), and the two-mode stakeholder-proposal network (affiliation: a tie is a stance).

Normalisation of one-mode ties divides each count by the denominator the Discourse Network
Analyzer (DNA 3, ``export/Exporter.java``) uses, with a stakeholder's *activity* the number of
proposals it took a position on, and the stance's sign as DNA's qualifier:

- ``none``: the counts as they are (the default: "they agree on 3 proposals" is what an official
  reads, and what a click on the tie shows, statement by statement);
- ``average``: the mean of the two activities, (a + b) / 2;
- ``jaccard``: a + b - s, with s the proposals on which both took the same side (DNA's
  m10 + m01 + m11);
- ``cosine``: a x b, as DNA computes it (sqrt(a^2) x sqrt(b^2)).

A tie whose denominator is 0 has weight 0, as in DNA.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from carebrowser.analysis.kinds import (
    DEFAULT_LIMIT,
    DEFAULT_NORMALISATION,
    SEED,
    STANCE_SCORES,
    Kind,
    Normalisation,
)
from carebrowser.queries.filters import Filters
from carebrowser.queries.networks import ActorRow, NetworkReader, NetworkRows, PairRow

if TYPE_CHECKING:
    # Imported where a graph is made (on a reading thread in the window): networkx and numpy
    # take about 300 ms to import, which the coalition map's first showing would otherwise wait.
    import networkx as nx

#: Words left out of a long name's initials ("Association of Directors of Social Services").
_MINOR_WORDS: Final = frozenset({"of", "for", "and", "the", "on", "in", "to", "upon"})
#: The longest label drawn as it is; longer names are shortened.
LABEL_CHARACTERS: Final = 20


def short_label(name: str, aliases: Iterable[str] = ()) -> str:
    """A short name to draw beside a node: an acronym it is known by ('LGA'), the name when
    short, else the initials of a long name ('ADSS'), else the name cut short."""
    for alias in aliases:
        if re.fullmatch(r"[A-Z]{2,6}", alias.strip()):
            return alias.strip()
    name = re.sub(r"\s*\([^)]*\)$", "", name)  # "(unnamed publication)"
    if len(name) <= LABEL_CHARACTERS:
        return name
    words = re.findall(r"[A-Za-z][\w'-]*", name)
    capitals = [w for w in words if w not in _MINOR_WORDS]
    if len(capitals) >= 3 and all(w[0].isupper() for w in capitals) and ":" not in name:
        return "".join(w[0] for w in capitals)
    return name[: LABEL_CHARACTERS - 1].rstrip(" ,:'") + "\u2026"


@dataclass(frozen=True)
class Actor:
    """A stakeholder as a node: its numbers and, once found, its coalition (0: none)."""

    id: int
    name: str
    label: str
    category: str
    statement_count: int
    #: The proposals it took a position on (that pass the filters).
    activity: int
    coalition: int = 0


@dataclass(frozen=True)
class ProposalNode:
    """A proposal as a node of the two-mode network."""

    id: int
    title: str
    positions: int


@dataclass(frozen=True)
class Edge:
    """A tie between two stakeholders (one-mode) or a stakeholder and a proposal (two-mode).

    *agree* and *conflict* are the proposals of each relation (one-mode), *weight* the tie's
    value for the network's kind and normalisation.
    """

    source: int
    target: int
    weight: float
    agree: tuple[int, ...] = ()
    conflict: tuple[int, ...] = ()
    #: Two-mode only: the stakeholder's stance on the proposal.
    stance: str = ""

    @property
    def relation(self) -> str:
        """'agreement', 'conflict', or 'agreement and conflict' (two-mode: the stance)."""
        if self.stance:
            return self.stance
        if self.agree and self.conflict:
            return "agreement and conflict"
        return "agreement" if self.agree else "conflict"

    @property
    def proposals(self) -> tuple[int, ...]:
        """Every proposal the tie rests on."""
        return tuple(sorted({*self.agree, *self.conflict}))


@dataclass(frozen=True)
class Coalition:
    """A community of the congruence network: its members and the proposals that bind them
    (those on which most of its pairs agree, first)."""

    number: int
    members: tuple[int, ...]
    binding: tuple[int, ...]


@dataclass(frozen=True)
class Network:
    """A network ready to draw or write: nodes, edges, coalitions, and what was left out."""

    kind: Kind
    normalisation: Normalisation
    actors: tuple[Actor, ...]
    edges: tuple[Edge, ...]
    coalitions: tuple[Coalition, ...]
    #: Proposal titles by id, for every proposal an edge or coalition names.
    proposal_titles: dict[int, str] = field(default_factory=dict)
    #: Two-mode only: the proposals drawn.
    proposals: tuple[ProposalNode, ...] = ()
    #: Stakeholders with a position that passes the filters but not drawn (beyond the limit).
    left_out: int = 0
    limit: int = DEFAULT_LIMIT
    #: Two-mode only: proposals not drawn (beyond the limit).
    proposals_left_out: int = 0

    def actor(self, actor_id: int) -> Actor:
        """The actor with this id."""
        return next(a for a in self.actors if a.id == actor_id)

    def titles(self, proposal_ids: Iterable[int]) -> tuple[str, ...]:
        """The titles of proposals, by title."""
        return tuple(sorted(self.proposal_titles.get(i, str(i)) for i in proposal_ids))


def _denominator(normalisation: Normalisation, a: int, b: int, same_side: int) -> float:
    if normalisation == "average":
        return (a + b) / 2
    if normalisation == "jaccard":
        return float(a + b - same_side)
    if normalisation == "cosine":
        return math.sqrt(a * a) * math.sqrt(b * b)
    return 1.0


def tie_weight(kind: Kind, normalisation: Normalisation, pair: PairRow, a: int, b: int) -> float:
    """A one-mode tie's weight: the kind's count, divided by the normalisation's denominator."""
    norm = _denominator(normalisation, a, b, pair.same_side)
    if norm == 0:
        return 0.0
    agree, conflict = len(pair.agree) / norm, len(pair.conflict) / norm
    if kind == "congruence":
        return agree
    if kind == "conflict":
        return conflict
    if kind == "both":
        return agree + conflict
    return agree - conflict


def build_network(
    rows: NetworkRows, kind: Kind, normalisation: Normalisation = DEFAULT_NORMALISATION
) -> Network:
    """The network of *kind* over the stakeholders of *rows* (in their order), from the counts
    of their pairs (and, for the two-mode network, their stances)."""
    actors, pairs = rows.actors, rows.pairs
    proposals = tuple(ProposalNode(*p) for p in rows.proposals) if kind == "affiliation" else ()
    activity = {a.id: a.activity for a in actors}
    found = _coalitions(normalisation, actors, pairs)
    member_of = {m: c.number for c in found for m in c.members}
    nodes = tuple(
        Actor(
            a.id,
            a.name,
            short_label(a.name, a.aliases),
            a.category,
            a.statement_count,
            a.activity,
            member_of.get(a.id, 0),
        )
        for a in actors
    )
    edges: list[Edge] = []
    if kind == "affiliation":
        drawn = {p.id for p in proposals}
        for stakeholder, proposal, stance in rows.stances:
            if stakeholder in activity and proposal in drawn:
                edges.append(
                    Edge(stakeholder, proposal, float(STANCE_SCORES.get(stance, 0)), stance=stance)
                )
    else:
        for pair in pairs:
            weight = tie_weight(
                kind, normalisation, pair, activity[pair.first], activity[pair.second]
            )
            shown = {
                "congruence": bool(pair.agree),
                "conflict": bool(pair.conflict),
            }.get(kind, bool(pair.agree or pair.conflict))
            if shown and weight != 0:
                agree = pair.agree if kind != "conflict" else ()
                conflict = pair.conflict if kind != "congruence" else ()
                edges.append(Edge(pair.first, pair.second, weight, agree, conflict))
    return Network(
        kind,
        normalisation,
        nodes,
        tuple(edges),
        tuple(found),
        rows.proposal_titles,
        proposals,
        rows.left_out,
        rows.limit,
        rows.proposals_left_out,
    )


def read_network(
    reader: NetworkReader,
    filters: Filters,
    kind: Kind,
    normalisation: Normalisation = DEFAULT_NORMALISATION,
    limit: int = DEFAULT_LIMIT,
) -> Network:
    """The network of the *limit* most active stakeholders that pass *filters*."""
    rows = reader.network_rows(filters, limit=limit, two_mode=kind == "affiliation")
    return build_network(rows, kind, normalisation)


def _coalitions(
    normalisation: Normalisation, actors: Sequence[ActorRow], pairs: Sequence[PairRow]
) -> list[Coalition]:
    """Louvain communities of the congruence network (fixed seed) of two members or more,
    largest first; each with the proposals most of its pairs agree on."""
    import networkx as nx

    activity = {a.id: a.activity for a in actors}
    graph = nx.Graph()
    graph.add_nodes_from(a.id for a in actors)
    for pair in pairs:
        weight = tie_weight(
            "congruence", normalisation, pair, activity[pair.first], activity[pair.second]
        )
        if weight > 0:
            graph.add_edge(pair.first, pair.second, weight=weight)
    if graph.number_of_edges() == 0:
        return []
    order = {a.id: n for n, a in enumerate(actors)}
    communities = [
        sorted(c, key=order.__getitem__)
        for c in nx.community.louvain_communities(graph, weight="weight", seed=SEED)
        if len(c) > 1
    ]
    communities.sort(key=lambda c: (-len(c), order[c[0]]))
    found = []
    for number, members in enumerate(communities, start=1):
        inside = set(members)
        binding: Counter[int] = Counter()
        for pair in pairs:
            if pair.first in inside and pair.second in inside:
                binding.update(pair.agree)
        ranked = sorted(binding, key=lambda p: (-binding[p], p))
        found.append(Coalition(number, tuple(members), tuple(ranked)))
    return found


def to_graph(network: Network) -> nx.Graph:
    """The network as a networkx graph with the attributes GraphML carries: nodes' label,
    category, statement count, coalition; edges' weight, kind and proposals (titles)."""
    import networkx as nx

    graph = nx.Graph(kind=network.kind, normalisation=network.normalisation)
    for actor in network.actors:
        graph.add_node(
            f"s{actor.id}",
            label=actor.name,
            short_label=actor.label,
            type="stakeholder",
            category=actor.category,
            statement_count=actor.statement_count,
            positions=actor.activity,
            coalition=actor.coalition,
        )
    for proposal in network.proposals:
        graph.add_node(
            f"p{proposal.id}",
            label=proposal.title,
            short_label=short_label(proposal.title),
            type="proposal",
            category="proposal",
            statement_count=0,
            positions=proposal.positions,
            coalition=0,
        )
    two_mode = network.kind == "affiliation"
    for edge in network.edges:
        graph.add_edge(
            f"s{edge.source}",
            f"p{edge.target}" if two_mode else f"s{edge.target}",
            weight=edge.weight,
            kind=edge.relation,
            agree=len(edge.agree),
            conflict=len(edge.conflict),
            proposals="; ".join(network.titles([edge.target] if two_mode else edge.proposals)),
        )
    return graph
