"""Writing tables to files: atomically, with formula injection neutralised.

A file is written beside its target under a temporary name and moved into place when complete,
so a failure, Ctrl+C, SIGTERM or SIGHUP leaves nothing (and an existing file as it was). The
written file gets the mode a new file gets from the umask, or keeps the mode of the file it
replaces.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import re
import signal
import socket
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

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


#: What marks carebrowser's temporary files: ".NAME.~carebrowser-HOST-PID-RANDOM.part" beside
#: the file being written. A run stopped by SIGKILL or a power cut cannot remove its own; the
#: next export into that folder removes those of this computer and user whose process is gone.
TEMPORARY_MARK = "~carebrowser"
_LEFTOVER = re.compile(
    rf"^\..*\.{re.escape(TEMPORARY_MARK)}-(?P<host>[A-Za-z0-9]+)-(?P<pid>\d+)-[a-z0-9_]+\.part$"
)
#: The signals that stop a command as Ctrl+C does while a file is written (SIGINT already does).
TERMINATING = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n))


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:24] or "host"


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # it exists (another user's) or cannot be asked: keep its file
    return False


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the temporary files that exports by this user on this computer left in *folder*
    when they were killed (their process is gone); return them. Never anyone else's."""
    removed: list[Path] = []
    host = _host()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _LEFTOVER.match(entry.name)
        if match is None or match["host"] != host or int(match["pid"]) == os.getpid():
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            if hasattr(os, "geteuid") and entry.stat(follow_symlinks=False).st_uid != os.geteuid():
                continue
            if _process_gone(int(match["pid"])):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


_UMASK_LOCK = threading.Lock()


def _final_mode(path: Path) -> int:
    """The mode the written file gets: a replaced file keeps its own; a new one gets what the
    umask gives (as any program's new file), so colleagues can open it where they could before."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived while a file was written: stopped as by Ctrl+C, nothing left."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def _terminating_as_interrupt() -> Iterator[None]:
    """While a file is written, SIGTERM and SIGHUP unwind like Ctrl+C, so that its temporary
    file is removed. Only where the signal would otherwise kill the process at once (a handler
    of the program's own, or SIG_IGN as under nohup, is kept), and only on the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    replaced: dict[int, Any] = {}

    def interrupt(signum: int, _frame: object) -> None:
        raise Terminated(signum)

    for signum in TERMINATING:
        if signal.getsignal(signum) is signal.SIG_DFL:
            replaced[signum] = signal.signal(signum, interrupt)
    try:
        yield
    finally:
        for signum, previous in replaced.items():
            signal.signal(signum, previous)


def _temporary_beside(path: Path) -> tuple[int, str]:
    """A new temporary file beside *path*, named so that a later run can recognise it."""
    remove_leftovers(path.parent or Path("."))
    try:
        return tempfile.mkstemp(
            prefix=f".{path.name[:40]}.{TEMPORARY_MARK}-{_host()}-{os.getpid()}-",
            suffix=".part",
            dir=path.parent or ".",
        )
    except OSError as error:
        raise ExportError(_explain(error, path)) from error


def _move_into_place(temporary: str, path: Path) -> None:
    os.chmod(temporary, _final_mode(path))
    os.replace(temporary, path)


@contextlib.contextmanager
def _in_place(path: Path) -> Iterator[tuple[int, str]]:
    """A temporary file beside *path* (its descriptor and name), moved into place when the
    block ends; removed on failure, Ctrl+C, SIGTERM or SIGHUP."""
    with _terminating_as_interrupt():
        handle, temporary = _temporary_beside(path)
        try:
            yield handle, temporary
            _move_into_place(temporary, path)
        except OSError as error:
            Path(temporary).unlink(missing_ok=True)
            raise ExportError(_explain(error, path)) from error
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


@contextlib.contextmanager
def atomic_file(path: Path, mode: str = "w", **kwargs: object) -> Iterator[IO[str]]:
    """Write to a temporary file beside *path*, then move it into place; on failure, Ctrl+C,
    SIGTERM or SIGHUP remove it."""
    path = Path(path)
    with (
        _in_place(path) as (handle, _temporary),
        os.fdopen(handle, mode, **kwargs) as stream,  # type: ignore[call-overload]
    ):
        yield stream
        stream.flush()
        os.fsync(stream.fileno())


def atomic_path(path: Path, write: Callable[[Path], None]) -> None:
    """Let *write* fill a temporary path beside *path*, then move it into place, or remove it
    (on failure, Ctrl+C, SIGTERM or SIGHUP)."""
    path = Path(path)
    with _in_place(path) as (handle, temporary):
        os.close(handle)
        write(Path(temporary))


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
