"""Writers for exports: the shapes (columns) and the formats (CSV, XLSX). No Qt."""

from carebrowser.export.shapes import (
    MATRIX_FIRST_COLUMN,
    POSITION_COLUMNS,
    POSITION_EVIDENCE_COLUMNS,
    QUOTE_COLUMNS,
    CellBatches,
    Table,
    comparison_table,
    matrix_blocks_table,
    matrix_positions,
    matrix_positions_table,
    matrix_table,
    position_evidence_table,
    positions_table,
    quote_batches,
    quotes_table,
)
from carebrowser.export.writers import ExportError, neutralise, write_csv

__all__ = [
    "MATRIX_FIRST_COLUMN",
    "POSITION_COLUMNS",
    "POSITION_EVIDENCE_COLUMNS",
    "QUOTE_COLUMNS",
    "CellBatches",
    "ExportError",
    "Table",
    "comparison_table",
    "matrix_blocks_table",
    "matrix_positions",
    "matrix_positions_table",
    "matrix_table",
    "neutralise",
    "position_evidence_table",
    "positions_table",
    "quote_batches",
    "quotes_table",
    "write_csv",
]
