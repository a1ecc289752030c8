"""Thin Qt item models over the query layer's plain rows."""

from carebrowser.ui.models.choices import Choice, ChoiceListModel
from carebrowser.ui.models.comparison import ComparisonModel
from carebrowser.ui.models.matrix import MatrixModel
from carebrowser.ui.models.quotes import QuoteTableModel, evidence_fetch, statements_fetch
from carebrowser.ui.models.stakeholders import StakeholderTreeModel

__all__ = [
    "Choice",
    "ChoiceListModel",
    "ComparisonModel",
    "MatrixModel",
    "QuoteTableModel",
    "StakeholderTreeModel",
    "evidence_fetch",
    "statements_fetch",
]
