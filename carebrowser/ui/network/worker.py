"""Counting the ties, making the network and laying it out, off the GUI thread.

At a million statements the ties of the 30 most active stakeholders take hundreds of
milliseconds to count: far more than a frame. The panel runs compute_result() on a reading
thread (carebrowser.ui.reads); a newer request supersedes an older one, whose read is
cancelled and whose result is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from carebrowser.analysis.kinds import Kind, Normalisation
from carebrowser.analysis.layout import NodeKey, Point, layout
from carebrowser.analysis.networks import Network, read_network
from carebrowser.queries import Filters
from carebrowser.queries.networks import NetworkReader
from carebrowser.startup import importing
from carebrowser.ui.network.models import actor_rows, tie_rows

Rows = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]
#: Whether no network has been computed yet in this process.
_first = True


@dataclass(frozen=True)
class NetworkRequest:
    """What to draw: filters, kind, normalisation, the most stakeholders, an earlier layout."""

    filters: Filters
    kind: Kind
    normalisation: Normalisation
    limit: int
    previous: Mapping[NodeKey, Point]


@dataclass(frozen=True)
class NetworkResult:
    """A network and its layout, for the request numbered *number*."""

    number: int
    request: NetworkRequest
    network: Network
    points: dict[NodeKey, Point]
    #: The rows (and keys) of the ties and stakeholders tables.
    ties: Rows = ([], [])
    actors: Rows = ([], [])


def compute(reader: NetworkReader, request: NetworkRequest) -> tuple[Network, dict[NodeKey, Point]]:
    """Count the ties, make the network, lay it out (on any thread)."""
    network = read_network(
        reader, request.filters, request.kind, request.normalisation, request.limit
    )
    return network, layout(network, request.previous)


def compute_result(reader: NetworkReader, request: NetworkRequest, number: int) -> NetworkResult:
    """The network, its layout and its tables' rows for request *number* (on a reading thread,
    through carebrowser.ui.reads: its own connection, cancelled when superseded)."""
    global _first
    if _first:  # networkx and numpy are imported now, as start-up imported its modules
        _first = False
        with importing():
            network, points = compute(reader, request)
    else:
        network, points = compute(reader, request)
    return NetworkResult(number, request, network, points, tie_rows(network), actor_rows(network))
