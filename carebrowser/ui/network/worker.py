"""Counting the ties, making the network and laying it out, off the GUI thread.

At a million statements the ties of the 30 most active stakeholders take hundreds of
milliseconds to count: far more than a frame. A newer request supersedes an older one, whose
result is dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRunnable, Signal

from carebrowser.analysis.kinds import Kind, Normalisation
from carebrowser.analysis.layout import NodeKey, Point, layout
from carebrowser.analysis.networks import Network, read_network
from carebrowser.queries import Filters
from carebrowser.queries.networks import NetworkReader
from carebrowser.ui.network.models import actor_rows, tie_rows

Rows = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]


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


class NetworkSignals(QObject):
    """The worker's signals, on the GUI thread: a result, or the error that stopped it."""

    finished = Signal(object)
    errored = Signal(int, object)


class NetworkWorker(QRunnable):
    """Computes one request; the panel keeps only the latest request's result."""

    def __init__(
        self, reader: NetworkReader, request: NetworkRequest, number: int, signals: NetworkSignals
    ) -> None:
        super().__init__()
        self.reader, self.request, self.number, self.signals = reader, request, number, signals

    def run(self) -> None:
        try:
            network, points = compute(self.reader, self.request)
        except Exception as error:  # reported on the GUI thread, as every failed read is
            self.signals.errored.emit(self.number, error)
            return
        result = NetworkResult(
            self.number, self.request, network, points, tie_rows(network), actor_rows(network)
        )
        self.signals.finished.emit(result)


def start(worker: NetworkWorker) -> None:
    """Run a worker now, on the GUI thread.

    The SQLite engine shares one connection between threads, and a read on a pool thread while
    the GUI thread reads crashed the process; until each worker thread has its own connection,
    the network is computed where every other read is.
    """
    worker.run()
