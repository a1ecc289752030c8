"""The archive: every reader over one database in one object, for the window and the command line.

Each subject's questions live in its own reader module beside this one (stakeholders,
statements, proposals, positions, matrix, comparison, networks, sources, names, briefing). A new
subject gets a reader of its own, derived from the readers whose questions it builds on, and joins
the bases below.
"""

from __future__ import annotations

from carebrowser.queries.briefing import BriefingReader
from carebrowser.queries.comparison import ComparisonReader, disagreements
from carebrowser.queries.matrix import MatrixReader
from carebrowser.queries.names import NameReader, UnknownName
from carebrowser.queries.networks import NetworkReader


class Archive(BriefingReader, MatrixReader, ComparisonReader, NetworkReader, NameReader):
    """Read-only questions over one database; every method returns plain rows."""


__all__ = ["Archive", "UnknownName", "disagreements"]
