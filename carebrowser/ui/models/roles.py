"""Item data roles shared by the models and the delegates that paint them."""

from typing import NamedTuple

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

#: A stance cell as the delegate paints it, in one answer (a StanceCell; BLANK_CELL for a cell
#: that shows nothing), or None for a cell painted as text: a view paints hundreds of cells at
#: a time, and each role asked of a Python model costs about as much as painting the cell.
STANCE_CELL_ROLE = _USER + 8


class StanceCell(NamedTuple):
    """What a stance cell shows: its stance, its label, the text under its chip, and whether
    that text is in italics (reported speech)."""

    stance: str
    label: str
    note: str = ""
    italic: bool = False


#: A cell with nothing to show (no position): painted as an empty item.
BLANK_CELL = StanceCell("", "")

#: The invalid index that stands for a model's root (a default argument, created once).
ROOT = QModelIndex()
