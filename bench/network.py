"""The coalition map at scale: ties counted, network built and laid out, first paint.

`python -m bench.network ARCHIVE RUNS` is the probe: one new process a size, offscreen, which
prints its timings as JSON; network_metrics() turns them into rows of the table. Each run uses a
new reader and a new view, so nothing is remembered between runs (the first run also pays for
importing networkx and numpy, which the median leaves out).

- counted: NetworkReader.network_rows() for the default number of stakeholders, no filter;
- laid out: build_network() (congruence and conflict, coalitions) and layout(), on the worker;
- painted: on the GUI thread, the view's slot for a finished network (the scene, the tables, the
  coalitions) and the view's first paint: the GUI thread's longest pause;
- picture: from asking for the network to its picture painted, through the worker thread.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.metrics import Figure

ROOT = Path(__file__).resolve().parents[1]


def probe(path: Path, runs: int) -> dict[str, list[float]]:
    """Time the network's steps *runs* times over the archive at *path* (ms)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from carebrowser.analysis.kinds import DEFAULT_LIMIT, DEFAULT_NORMALISATION
    from carebrowser.analysis.layout import layout
    from carebrowser.analysis.networks import build_network
    from carebrowser.data.database import open_database
    from carebrowser.queries import Archive, Filters
    from carebrowser.queries.networks import NetworkReader
    from carebrowser.ui.network import NetworkPanel
    from carebrowser.ui.network.worker import NetworkRequest, NetworkResult

    app = QApplication.instance() or QApplication([])
    engine, _info = open_database(path)
    times: dict[str, list[float]] = {
        "counted": [], "laid_out": [], "painted": [], "picture": [], "stakeholders": [], "ties": [],
    }  # fmt: skip
    for _ in range(runs):
        reader = NetworkReader(engine)
        started = time.perf_counter()
        rows = reader.network_rows(Filters(), limit=DEFAULT_LIMIT)
        counted = time.perf_counter()
        network = build_network(rows, "both", DEFAULT_NORMALISATION)
        points = layout(network)
        laid_out = time.perf_counter()
        panel = NetworkPanel(Archive(engine))
        panel.resize(1400, 900)
        panel.show()
        app.processEvents()
        request = NetworkRequest(Filters(), "both", DEFAULT_NORMALISATION, DEFAULT_LIMIT, {})
        panel._requests = 1  # the result below answers the panel's latest request
        shown = time.perf_counter()
        panel._show(NetworkResult(1, request, network, points))
        panel.view.viewport().repaint()
        painted = time.perf_counter()
        # The same again, as a person asks for it: the worker, then the picture painted.
        # A loop of its own, not QSignalSpy.wait(), which keeps Python's lock from the thread
        # the network is computed on.
        waiting = QEventLoop()
        panel.network_shown.connect(waiting.quit)
        give_up = QTimer()
        give_up.setSingleShot(True)
        give_up.timeout.connect(waiting.quit)
        give_up.start(120_000)
        asked = time.perf_counter()
        panel.set_filters(Filters())
        waiting.exec()
        give_up.stop()
        panel.view.viewport().repaint()
        pictured = time.perf_counter()
        times["counted"].append((counted - started) * 1000)
        times["laid_out"].append((laid_out - counted) * 1000)
        times["painted"].append((painted - shown) * 1000)
        times["picture"].append((pictured - asked) * 1000)
        times["stakeholders"].append(len(network.actors) + network.left_out)
        times["ties"].append(len(network.edges))
        panel.close()
        panel.deleteLater()
        app.processEvents()
    engine.dispose()
    return times


def network_metrics(path: Path, size: str, runs: int) -> list[Figure]:
    """The network at this size: counted, laid out, painted, the whole picture."""
    from carebrowser.analysis.kinds import DEFAULT_LIMIT

    result = subprocess.run(
        [sys.executable, "-m", "bench.network", str(path), str(runs + 1)],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"the network probe failed: {result.stderr[-2000:]}")
    times = json.loads(result.stdout.strip().splitlines()[-1])
    # The first run imports networkx and numpy and compiles the statements: left out.
    warm = {k: v[1:] if len(v) > 1 else v for k, v in times.items()}
    drawn = (
        f"the {DEFAULT_LIMIT} most active of {int(warm['stakeholders'][0]):,} stakeholders, "
        f"{int(warm['ties'][0]):,} ties"
    )

    def row(metric: str, key: str, target: str, note: str = "") -> Figure:
        return Figure(
            metric, size, statistics.median(warm[key]), None, target, note=note, runs=runs
        )

    return [
        row("network: ties counted (query layer)", "counted", "part of < 1 s at L", drawn),
        row("network: built and laid out (analysis)", "laid_out", "part of < 1 s at L"),
        row(
            "network: on the GUI thread (scene, tables, first paint)",
            "painted",
            "<= 16 ms at L (no pause over a frame)",
        ),
        row("network: asked for to picture painted (view)", "picture", "< 1 s at L"),
    ]


if __name__ == "__main__":
    print(json.dumps(probe(Path(sys.argv[1]), int(sys.argv[2]))))
