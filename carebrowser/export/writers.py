"""Writing tables to files: atomically, with formula injection neutralised."""

from __future__ import annotations

import contextlib
import csv
import io
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

# FORMULA_STARTS is defined with the shapes, as the database's cells are neutralised with it too.
from carebrowser.export.shapes import FORMULA_STARTS as FORMULA_STARTS
from carebrowser.export.shapes import CellBatches, Table

#: Rows between two calls of an export's progress callback.
PROGRESS_EVERY = 500


class ExportError(Exception):
    """An export could not be written; the message says why, which file, and what to do next."""


class Cancelled(Exception):
    """The person cancelled the export; nothing was written."""


def neutralise(value: object) -> object:
    """The value with a leading apostrophe where a spreadsheet would take the text as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _explain(error: OSError, path: Path) -> str:
    reasons = {
        13: "permission was denied",
        28: "the disk is full",
        36: "the file name is too long",
        30: "the disk is read-only",
        2: "its folder does not exist",
        21: "it is a folder",
    }
    reason = reasons.get(error.errno or 0, error.strerror or str(error))
    if error.errno == 13 and os.name == "nt" and os.path.exists(path):
        # On Windows a file open in Excel cannot be replaced: say so, it is the usual cause.
        reason += " (is it open in another program, such as Excel?)"
    return (
        f"Could not write {path}: {reason}. Nothing was written"
        f"{' and the existing file is unchanged' if os.path.exists(path) else ''}. "
        "Choose another place or name and export again."
    )


@contextlib.contextmanager
def atomic_file(path: Path, mode: str = "w", **kwargs: object) -> Iterator[IO[str]]:
    """Write to a temporary file beside *path*, then move it into place; on failure remove it."""
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name[:40]}.", dir=path.parent or ".")
    except OSError as error:
        raise ExportError(_explain(error, path)) from error
    try:
        with os.fdopen(handle, mode, **kwargs) as stream:  # type: ignore[call-overload]
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ExportError(_explain(error, path)) from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def atomic_path(path: Path, write: Callable[[Path], None]) -> None:
    """Let *write* fill a temporary path beside *path*, then move it into place, or remove it."""
    path = Path(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name[:40]}.", dir=path.parent or ".")
        os.close(handle)
    except OSError as error:
        raise ExportError(_explain(error, path)) from error
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise ExportError(_explain(error, path)) from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _write_rows(table: Table, stream: IO[str], progress: Callable[[int], bool] | None) -> int:
    writer = csv.writer(stream, lineterminator="\r\n")
    # Matrix and comparison headers hold names from the data, so they are neutralised too.
    writer.writerow([neutralise(name) for name in table.header])
    count = 0
    for row in table.rows:
        writer.writerow([neutralise(cell) for cell in row])
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0 and not progress(count):
            raise Cancelled
    # Asked once more before the file is moved into place: a late Cancel still leaves nothing.
    if progress is not None and not progress(count):
        raise Cancelled
    return count


def _csv_field(value: object) -> str:
    """A field as csv.writer writes it (Excel dialect): quoted only if it holds , " CR or LF."""
    text = value if isinstance(value, str) else "" if value is None else str(value)
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text:
        return '"' + text + '"'
    return text


def _csv_lines(rows: Sequence[Sequence[object]]) -> str:
    """*rows* as csv.writer(lineterminator="\r\n").writerows() writes them, in half the time.

    The csv module looks at each character of a field in turn; str's own searches do not. (It
    also quotes a row's only field when empty; _write_batches() leaves such rows to it.)
    """
    return "".join([",".join(map(_csv_field, row)) + "\r\n" for row in rows])


def _write_batches(
    cells: CellBatches, stream: IO[str], progress: Callable[[int], bool] | None
) -> int:
    """_write_rows() for cells that are ready, a batch at a time, with the same progress calls."""
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([neutralise(name) for name in cells.header])

    def write(rows: Sequence[Sequence[object]]) -> None:
        if len(cells.header) == 1:
            writer.writerows(rows)
        else:
            stream.write(_csv_lines(rows))

    count = 0
    batches = iter(cells.batches)
    try:
        for batch in batches:
            if progress is None:
                write(batch)
                count += len(batch)
                continue
            done = 0
            while done < len(batch):
                # Up to the next multiple of PROGRESS_EVERY, where _write_rows() asks too.
                part = batch[done : done + PROGRESS_EVERY - count % PROGRESS_EVERY]
                write(part)
                done += len(part)
                count += len(part)
                if count % PROGRESS_EVERY == 0 and not progress(count):
                    raise Cancelled
    finally:
        # Stopped early, the batches would hold their database connection until collected.
        close = getattr(batches, "close", None)
        if close is not None:
            close()
    if progress is not None and not progress(count):
        raise Cancelled
    return count


def write_csv(
    table: Table | CellBatches,
    destination: Path | IO[str],
    *,
    progress: Callable[[int], bool] | None = None,
) -> int:
    """Write *table* as CSV with CRLF: UTF-8 with BOM to a file (atomically), or to a stream.

    *progress* gets the rows written so far; returning False cancels. Returns the row count.
    """

    def write(stream: IO[str]) -> int:
        if isinstance(table, CellBatches):
            return _write_batches(table, stream, progress)
        return _write_rows(table, stream, progress)

    if isinstance(destination, (io.TextIOBase, io.StringIO)) or hasattr(destination, "write"):
        return write(destination)  # type: ignore[arg-type]
    with atomic_file(Path(destination), "w", encoding="utf-8-sig", newline="") as stream:
        return write(stream)
