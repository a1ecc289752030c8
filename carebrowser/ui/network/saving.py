"""Saving the coalition map: the picture (PNG, SVG) and the network (GraphML, CSV of ties),
to a file the person chooses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from carebrowser.analysis.networks import Network


@dataclass(frozen=True)
class Saving:
    """What a save button offers: the dialog's title, the file name it suggests, its formats."""

    title: str
    suggested: str
    formats: str


PICTURE = Saving(
    "Save the picture", "carebrowser network.png", "PNG image (*.png);;SVG drawing (*.svg)"
)
NETWORK = Saving(
    "Save the network",
    "carebrowser network.graphml",
    "GraphML (*.graphml);;List of ties, CSV (*.csv)",
)


def save_network(network: Network, path: Path) -> None:
    """Write *network* as GraphML, or for a .csv name as the list of its ties."""
    from carebrowser.export import write_csv
    from carebrowser.export.networks import network_edges_table, write_graphml

    if Path(path).suffix.lower() == ".csv":
        write_csv(network_edges_table(network), path)
    else:
        write_graphml(network, path)


def ask(parent: QWidget, saving: Saving, save: Callable[[Path], None]) -> str:
    """Ask where to save, save there, and say what happened (empty when the person cancelled)."""
    from carebrowser.export import ExportError

    path, _chosen = QFileDialog.getSaveFileName(
        parent, saving.title, saving.suggested, saving.formats
    )
    if not path:
        return ""
    try:
        save(Path(path))
    except (OSError, ExportError) as error:
        return f"Could not save {path}: {error}. Choose another place or name."
    return f"Saved {path}."
