"""The coalition map view (Ctrl+5): the network picture, its ties and its evidence."""

from carebrowser.ui.network.panel import NetworkPanel

__all__ = ["NetworkPanel"]
