"""Excel workbooks: frozen filterable header, wrapped quotations, coloured stances, sources."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
from collections.abc import Callable, Iterable, Sequence
from copy import copy
from pathlib import Path

# openpyxl writes with lxml when it is installed, and python-docx (the briefing) installs it.
# With lxml a carriage return stays one in the workbook (Excel's own files have a line feed)
# and a full disk or a file size limit raises lxml's own error instead of an OSError. Its own
# writer, as before python-docx came: set before openpyxl is first imported, which it is here.
os.environ["OPENPYXL_LXML"] = "False"

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter

from carebrowser.data.vocabulary import STANCE_COLOURS
from carebrowser.export.shapes import SOURCE_COLUMNS, Table, source_cells
from carebrowser.export.writers import FORMULA_STARTS, Cancelled, ExportError, atomic_path
from carebrowser.queries import SourceRow

#: Columns whose text is long: wrapped, and given a wide column.
WIDE_COLUMNS = {"quote", "summary", "date_evidence", "headline"}
MAX_WIDTH = 60

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")
_FILLS = {
    stance: PatternFill("solid", start_color=colour.lstrip("#"), end_color=colour.lstrip("#"))
    for stance, colour in STANCE_COLOURS.items()
}


#: The most characters (UTF-16 code units) an Excel cell holds.
CELL_LIMIT = 32_767
#: Text that a spreadsheet would read as an escaped character (_x000D_): its '_' is escaped too.
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def _clean(value: object) -> object:
    """A value as a cell: CR kept as Excel keeps it, XML-illegal control characters replaced
    (formulas: see _Styles.cell).

    XML readers turn a raw CR into LF, so Excel stores CR as ``_x000D_`` (and a literal
    ``_x000D_`` as ``_x005F_x000D_``); Excel, LibreOffice and openpyxl read both back.
    """
    if isinstance(value, str):
        if "_x" in value:
            value = _ESCAPE_LIKE.sub(r"_x005F_\1", value)
        if "\r" in value:
            value = value.replace("\r", "_x000D_")
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


class CellTooLong(Exception):
    """A cell holds more than an Excel cell can: the export is refused, never cut."""

    def __init__(self, row: int, first_cell: object, column: str, length: int) -> None:
        super().__init__(f"row {row}, column {column}: {length} characters")
        self.row, self.first_cell, self.column, self.length = row, first_cell, column, length


def _excel_length(text: str) -> int:
    """The length Excel counts: UTF-16 code units (a character beyond U+FFFF counts twice)."""
    return len(text.encode("utf-16-le")) // 2


#: A cell's look: (wrapped, stance or "", quote prefix, bold).
_Look = tuple[bool, str, bool, bool]


class _Styles:
    """One style array per look, registered with the workbook once.

    Setting a style on each cell hashes the style every time; cells built with a ready style
    array made a 10,000-row quotes export 17% faster (9.6 s -> 8.0 s; openpyxl's XML writing
    is the rest).
    """

    def __init__(self, sheet: object) -> None:
        self.sheet = sheet
        self._arrays: dict[_Look, StyleArray] = {}

    def cell(self, value: object, wrapped: bool, stance: str = "", bold: bool = False) -> Cell:
        """A cell holding *value*; text that looks like a formula stays text, word for word.

        openpyxl would store "=..." as a formula. Such text is kept a string cell with Excel's
        own quote prefix (what Excel stores when a person types '=...), so nothing is executed,
        not even after the cell is edited, and the quotation shows without an added apostrophe.
        """
        prefixed = isinstance(value, str) and value.startswith(FORMULA_STARTS)
        look = (wrapped, stance if stance in _FILLS else "", prefixed, bold)
        array = self._arrays.get(look)
        if array is None:
            array = self._arrays[look] = self._register(look)
        stored = _clean(value)
        cell = Cell(self.sheet, row=1, column=1, value=stored, style_array=copy(array))
        if isinstance(stored, str) and len(stored) > CELL_LIMIT:
            # openpyxl cuts text at 32,767 stored characters, but each CR is stored as seven
            # (_x000D_) and counts as one in Excel: the length was checked before encoding.
            cell._value = stored
        if prefixed:
            cell.data_type = "s"
        return cell

    def _register(self, look: _Look) -> StyleArray:
        wrapped, stance, prefixed, bold = look
        template = WriteOnlyCell(self.sheet)
        template.alignment = _WRAP if wrapped else _TOP
        if stance:
            template.fill = _FILLS[stance]
        if bold:
            template.font = _BOLD
        template.quotePrefix = prefixed
        return template._style


def _width(header: str, samples: list[list[object]], column: int) -> float:
    if header in WIDE_COLUMNS or header.endswith("quotation"):
        return MAX_WIDTH
    longest = max([len(header), *(len(str(row[column])) for row in samples if column < len(row))])
    return float(min(MAX_WIDTH, max(8, longest + 2)))


def _sheet(
    workbook: Workbook,
    title: str,
    header: tuple[str, ...],
    rows: Iterable[Iterable[object]],
    stance_columns: frozenset[str],
    progress: Callable[[int], bool] | None,
) -> int:
    sheet = workbook.create_sheet(title)
    iterator = iter(rows)
    samples: list[list[object]] = []
    for row in iterator:
        samples.append(list(row))
        if len(samples) == 200:
            break
    for column, name in enumerate(header):
        sheet.column_dimensions[get_column_letter(column + 1)].width = _width(name, samples, column)
    sheet.freeze_panes = "A2"
    wrapped = [name in WIDE_COLUMNS or "quotation" in name for name in header]
    stances = [name in stance_columns for name in header]
    styles = _Styles(sheet)

    def cells(values: Sequence[object]) -> list[Cell]:
        for i, value in enumerate(values):
            # Checked first on len(), which no text of up to 16,383 characters can exceed.
            if isinstance(value, str) and len(value) * 2 > CELL_LIMIT:
                length = _excel_length(value)
                if length > CELL_LIMIT:
                    column = header[i] if i < len(header) else str(i + 1)
                    raise CellTooLong(count + 1, values[0] if values else "", column, length)
        return [
            styles.cell(
                value,
                wrapped[i] if i < len(wrapped) else False,
                str(value) if i < len(stances) and stances[i] else "",
            )
            for i, value in enumerate(values)
        ]

    sheet.append([styles.cell(name, False, bold=True) for name in header])
    count = 0
    for row in itertools.chain(samples, iterator):
        sheet.append(cells(list(row)))
        count += 1
        if progress is not None and count % 500 == 0 and not progress(count):
            raise Cancelled
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"
    return count


def write_xlsx(
    table: Table,
    destination: Path,
    sources: Callable[[set[int]], list[SourceRow]],
    *,
    sheet_title: str = "Export",
    progress: Callable[[int], bool] | None = None,
) -> int:
    """Write *table* as a workbook (atomically) with a second sheet of the rows' sources."""
    count = 0

    def write(path: Path) -> None:
        nonlocal count
        workbook = Workbook(write_only=True)
        try:
            count = _sheet(
                workbook, sheet_title, table.header, table.rows, table.stance_columns, progress
            )
            cited = sorted(sources(table.source_ids), key=lambda s: (s.date, s.key))
            _sheet(
                workbook, "Sources", SOURCE_COLUMNS, [source_cells(s) for s in cited], frozenset(),
                None,
            )  # fmt: skip
            workbook.save(path)
            # Asked once more before the file is moved into place: a late Cancel leaves nothing.
            if progress is not None and not progress(count):
                raise Cancelled
        except BaseException:
            # Finish the half-written sheets now: left to the garbage collector, openpyxl prints
            # a traceback ("I/O operation on closed file") to the terminal.
            for sheet in workbook.worksheets:
                with contextlib.suppress(Exception):
                    sheet.close()
            raise

    try:
        atomic_path(Path(destination), write)
    except CellTooLong as long_cell:
        raise ExportError(
            f"Could not write {destination}: row {long_cell.row:,} "
            f"({long_cell.first_cell}) has {long_cell.length:,} characters in its column "
            f"'{long_cell.column}', more than the {CELL_LIMIT:,} an Excel cell can hold, and "
            "carebrowser does not cut a quotation short. Nothing was written. Export it as "
            "CSV, which has no such limit, or leave that row out of the selection."
        ) from long_cell
    return count
