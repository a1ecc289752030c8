"""The Qt-free query layer: filter objects in, plain rows out, one page at a time."""

from carebrowser.queries.archive import Archive, UnknownName, disagreements
from carebrowser.queries.filters import PAGE_SIZE, Filters, Page, QuoteSort
from carebrowser.queries.highlight import match_spans, search_matches
from carebrowser.queries.rows import (
    CategoryCount,
    ComparisonRow,
    Matrix,
    MatrixBlock,
    PositionRow,
    ProposalRow,
    QuoteRow,
    SourceRow,
    SourceText,
    SpanRow,
    StakeholderRow,
    format_date,
    source_name,
)

__all__ = [
    "PAGE_SIZE",
    "Archive",
    "CategoryCount",
    "ComparisonRow",
    "Filters",
    "Matrix",
    "MatrixBlock",
    "Page",
    "PositionRow",
    "ProposalRow",
    "QuoteRow",
    "QuoteSort",
    "SourceRow",
    "SourceText",
    "SpanRow",
    "StakeholderRow",
    "UnknownName",
    "disagreements",
    "format_date",
    "match_spans",
    "search_matches",
    "source_name",
]
