"""Item data roles shared by the models and the delegates that paint them."""

from PySide6.QtCore import QModelIndex, Qt

_USER = Qt.ItemDataRole.UserRole.value

#: The plain row behind an item (StakeholderRow, QuoteRow, PositionRow, ...).
ROW_ROLE = _USER + 1
#: The database id of what the item shows (stakeholder, statement, position or source).
ID_ROLE = _USER + 2
#: (start, end) character spans of the display text that the current search matches.
MATCH_SPANS_ROLE = _USER + 3
#: A stance word ('supports' ... 'opposes'), painted as a coloured chip with its glyph.
STANCE_ROLE = _USER + 4
#: Text shown under a stance chip (a key quotation).
NOTE_ROLE = _USER + 5
#: True for items the delegate marks as editorial opinion (bar and label, not colour alone).
EDITORIAL_ROLE = _USER + 6
#: Whether a comparison row's stakeholders disagree.
DISAGREE_ROLE = _USER + 7

#: The invalid index that stands for a model's root (a default argument, created once).
ROOT = QModelIndex()
