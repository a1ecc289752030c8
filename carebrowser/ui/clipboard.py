"""A selection on the clipboard: tab-separated text for spreadsheets, an HTML table for documents.

Both carry a header row and the columns the view shows, in the order it shows them (the matrix:
its grid of stance words), never an internal id or a character offset. Cells are neutralised as
in CSV, so a paste into Excel executes no formula; HTML is escaped and declared UTF-8, stance
cells coloured with the palette and carrying their word.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtWidgets import QTableView

from carebrowser.data.vocabulary import STANCE_COLOURS
from carebrowser.export import Table, neutralise

#: Excel's own mark for a text cell: "March 2002" or "1-2" stay words, not dates (Word ignores it).
_AS_TEXT = "mso-number-format:'\\@'"
#: Characters that would split a cell or a row of tab-separated text.
_BREAKS = str.maketrans({"\t": " ", "\r": " ", "\n": " ", "\u2028": " ", "\u2029": " "})


def _text(value: object) -> str:
    return "" if value is None else str(neutralise(value))


def tsv_cell(value: object) -> str:
    """A cell of tab-separated text: neutralised first, then tabs and line breaks as spaces."""
    return _text(value).translate(_BREAKS)


def table_rows(table: Table) -> list[Sequence[object]]:
    """The table's rows as a list (reading them once, as an export does)."""
    rows = [tuple(row) for row in table.rows]
    table.rows = rows
    return list(rows)


def to_tsv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Tab-separated text with a header row, one line per row, ending with a line break."""
    lines = ["\t".join(tsv_cell(name) for name in header)]
    lines += ["\t".join(tsv_cell(cell) for cell in row) for row in rows]
    return "\n".join(lines) + "\n"


def to_html(
    header: Sequence[str], rows: Iterable[Sequence[object]], stance_columns: frozenset[str]
) -> str:
    """A UTF-8 HTML document holding one table: a <th> header row, escaped cells."""
    stances = {i for i, name in enumerate(header) if name in stance_columns}
    head = "".join(f"<th>{html.escape(_text(name))}</th>" for name in header)
    body = []
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            text = html.escape(_text(value)).replace("\n", "<br>")
            colour = STANCE_COLOURS.get(str(value)) if index in stances else None
            styles = [f"background-color:{colour};color:#000000"] if colour else []
            if isinstance(value, str):
                styles.append(_AS_TEXT)
            style = f' style="{";".join(styles)}"' if styles else ""
            cells.append(f"<td{style}>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        '<html><head><meta charset="utf-8"></head><body>'
        '<table border="1" cellspacing="0" cellpadding="3">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></body></html>"
    )


def one_line(text: object) -> str:
    """A cell shown on several lines (a speaker and their role, a statement's proposals) as one:
    'Alan Milburn, health secretary'."""
    lines = [line.strip() for line in str(text or "").splitlines() if line.strip()]
    joined = ""
    for line in lines:
        joined += (" " if joined.endswith(",") else ", ") + line if joined else line
    return joined


def shown_columns(view: QTableView) -> list[int]:
    """The view's columns as the person sees them: those not hidden, in their visual order."""
    header = view.horizontalHeader()
    logical = (header.logicalIndex(visual) for visual in range(header.count()))
    return [column for column in logical if not header.isSectionHidden(column)]


def shown_table(view: QTableView, rows: Sequence[int]) -> Table:
    """Rows of *view* as it shows them: its header's names and its cells' text, column by
    column in the order shown."""
    model = view.model()
    columns = shown_columns(view)
    display, horizontal = Qt.ItemDataRole.DisplayRole, Qt.Orientation.Horizontal
    header = tuple(one_line(model.headerData(c, horizontal, display)) for c in columns)
    body = [tuple(one_line(model.index(r, c).data(display)) for c in columns) for r in rows]
    return Table(header, body)


def table_mime_data(table: Table) -> QMimeData:
    """One QMimeData with the table as text/plain (tab-separated) and text/html."""
    rows = table_rows(table)
    data = QMimeData()
    data.setText(to_tsv(table.header, rows))
    data.setHtml(to_html(table.header, rows, table.stance_columns))
    return data
