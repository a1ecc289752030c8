"""The timeline view (Ctrl+6): positions over time, and who changed their mind."""

from carebrowser.ui.timeline.panel import TimelinePanel

__all__ = ["TimelinePanel"]
