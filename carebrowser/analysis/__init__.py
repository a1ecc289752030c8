"""Analysis computed from query rows: who stands with whom (networks, coalitions, layout). No Qt."""

from carebrowser.analysis.networks import (
    DEFAULT_LIMIT,
    DEFAULT_NORMALISATION,
    KINDS,
    NORMALISATIONS,
    STANCE_SCORES,
    Actor,
    Coalition,
    Edge,
    Kind,
    Network,
    Normalisation,
    ProposalNode,
    build_network,
    short_label,
    stance_sign,
    to_graph,
)

__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_NORMALISATION",
    "KINDS",
    "NORMALISATIONS",
    "STANCE_SCORES",
    "Actor",
    "Coalition",
    "Edge",
    "Kind",
    "Network",
    "Normalisation",
    "ProposalNode",
    "build_network",
    "short_label",
    "stance_sign",
    "to_graph",
]
