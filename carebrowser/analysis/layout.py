"""Where each node of a network is drawn: deterministic, and stable from one network to the next.

Agreement pulls stakeholders together (networkx's spring layout over the agreement ties, with a
fixed seed); conflict does not. A layout that follows an earlier one starts from the earlier
positions, and is then turned, scaled and moved onto them (least squares), so that a filter
change moves nodes only as far as the new ties need.

networkx and numpy are imported where they are used: the window lays a network out on a reading
thread, and its GUI thread never waits for their import (about 300 ms).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from carebrowser.analysis.kinds import SEED
from carebrowser.analysis.networks import Network

#: A node's place, in the layout's units (about -1 to 1).
Point = tuple[float, float]
#: The node keys of a layout: ("s", stakeholder id) or ("p", proposal id).
NodeKey = tuple[str, int]
#: The layout's hidden centre, and how strongly it pulls each node.
_HUB: NodeKey = ("hub", 0)
_HUB_PULL = 0.1
#: The least distance between two nodes, times 1 / sqrt(nodes) (about 50 px in the picture).
ROOM = 1.7
#: The distance between nodes the layout aims at, times 1 / sqrt(nodes): networkx's default is 1.
SPACING = 3.0


def node_keys(network: Network) -> list[NodeKey]:
    """The nodes of *network* in drawing order: stakeholders, then (two-mode) proposals."""
    return [("s", a.id) for a in network.actors] + [("p", p.id) for p in network.proposals]


def layout(
    network: Network, previous: Mapping[NodeKey, Point] | None = None
) -> dict[NodeKey, Point]:
    """Positions for every node of *network*; *previous* (an earlier layout) keeps them steady."""
    keys = node_keys(network)
    if not keys:
        return {}
    import networkx as nx
    import numpy as np

    graph = nx.Graph()
    graph.add_nodes_from(keys)
    two_mode = network.kind == "affiliation"
    for edge in network.edges:
        target: NodeKey = ("p", edge.target) if two_mode else ("s", edge.target)
        pull = edge.weight > 0 if two_mode else bool(edge.agree)
        if pull and network.kind != "conflict":
            # Every agreement pulls alike: weighted, a close bloc collapses onto itself.
            graph.add_edge(("s", edge.source), target, weight=1.0)
    if len(keys) == 1:
        return {keys[0]: (0.0, 0.0)}
    # A hub tied weakly to every node keeps stakeholders tied to no one, and small groups, near
    # the rest rather than at the picture's far edges; it is not drawn.
    for key in keys:
        graph.add_edge(_HUB, key, weight=_HUB_PULL)
    kept = {k: previous[k] for k in keys if previous is not None and k in previous}
    start = None
    if len(kept) >= 2:
        rng = np.random.default_rng(SEED)
        start = {k: kept.get(k, tuple(rng.uniform(-1, 1, 2))) for k in keys}
    if start is not None:
        start[_HUB] = (0.0, 0.0)
    found = nx.spring_layout(
        graph,
        pos=start,
        k=SPACING / math.sqrt(len(keys)),
        seed=SEED,
        weight="weight",
        iterations=100 if start is None else 50,
    )
    points = _spread({k: (float(found[k][0]), float(found[k][1])) for k in keys})
    if len(kept) >= 2:
        points = _onto(points, kept)
    return points


def _spread(points: dict[NodeKey, Point], rounds: int = 60) -> dict[NodeKey, Point]:
    """Push apart nodes nearer to each other than ROOM / sqrt(nodes), so that a close bloc's
    shapes and labels do not cover each other; the rest of the picture stays as it was."""
    keys = list(points)
    if len(keys) < 2:
        return points
    import numpy as np

    at = np.array([points[k] for k in keys])
    room = ROOM / math.sqrt(len(keys))
    for _ in range(rounds):
        apart = at[:, None, :] - at[None, :, :]
        distance = np.sqrt((apart**2).sum(axis=2))
        np.fill_diagonal(distance, 2 * room)  # a node is never too close to itself
        close = distance < room
        if not close.any():
            break
        # Each node of a close pair moves away from the other by half of what is missing;
        # nodes at the same place are parted along a fixed direction.
        push = np.where(close, (room - distance) / 2 / np.maximum(distance, 1e-9), 0.0)
        together = close & (distance < 1e-9)
        step = (apart * push[:, :, None]).sum(axis=1)
        step += np.triu(together).sum(axis=1)[:, None] * np.array([room / 2, 0.0])
        at = at + step
    return {k: (float(x), float(y)) for k, (x, y) in zip(keys, at, strict=True)}


def _onto(points: dict[NodeKey, Point], earlier: Mapping[NodeKey, Point]) -> dict[NodeKey, Point]:
    """*points* turned, scaled and moved to lie as near as they can to *earlier* (Procrustes,
    over the nodes both have; no mirror image, so the picture is not flipped)."""
    import numpy as np

    common = [k for k in points if k in earlier]
    moving = np.array([points[k] for k in common])
    fixed = np.array([earlier[k] for k in common])
    moving_centre, fixed_centre = moving.mean(axis=0), fixed.mean(axis=0)
    a, b = moving - moving_centre, fixed - fixed_centre
    u, s, vt = np.linalg.svd(a.T @ b)
    d = np.sign(np.linalg.det(u @ vt)) or 1.0
    correction = np.diag([1.0, d])
    rotation = u @ correction @ vt
    spread = float((a**2).sum())
    scale = float((s * np.diag(correction)).sum()) / spread if spread > 0 else 1.0
    result = {}
    for key, (x, y) in points.items():
        moved = (np.array([x, y]) - moving_centre) @ rotation * scale + fixed_centre
        result[key] = (float(moved[0]), float(moved[1]))
    return result
