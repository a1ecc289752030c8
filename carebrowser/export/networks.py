"""A network as GraphML (networkx, Gephi, visone) and as an edge list CSV."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from carebrowser.analysis.networks import Network, to_graph
from carebrowser.export.shapes import Table
from carebrowser.export.writers import atomic_path

EDGE_COLUMNS = ("source", "target", "kind", "weight", "agree", "conflict", "proposals")


def network_edges_table(network: Network) -> Table:
    """The network's ties, a row each: the two stakeholders (or a stakeholder and a proposal),
    the relation, the weight, the counts of agreements and conflicts, and the proposals."""
    names = {a.id: a.name for a in network.actors}
    two_mode = network.kind == "affiliation"
    targets = {p.id: p.title for p in network.proposals} if two_mode else names
    rows = [
        (
            names[edge.source],
            targets[edge.target],
            edge.relation,
            _number(edge.weight),
            len(edge.agree),
            len(edge.conflict),
            "; ".join(network.titles([edge.target] if two_mode else edge.proposals)),
        )
        for edge in network.edges
    ]
    return Table(EDGE_COLUMNS, rows)


def write_graphml(network: Network, path: Path) -> None:
    """Write the network as GraphML, atomically (ExportError when it cannot be written)."""
    graph = to_graph(network)
    atomic_path(Path(path), lambda temporary: nx.write_graphml(graph, str(temporary)))


def _number(value: float) -> int | float:
    """A whole weight as a whole number (a count), another to six places."""
    return int(value) if value.is_integer() else round(value, 6)
