"""Writing an export off the GUI thread: a QRunnable whose signals live on a QObject.

The worker runs on QThreadPool.globalInstance(). It reports rows written (progress), then one of
finished, cancelled or errored, always on the GUI thread (queued signals). Cancelling raises
Cancelled inside the writer, which removes its temporary file, so a cancelled export leaves
nothing, and an existing file stays as it was. Its reads use connections of their own (the
engine's pool, see carebrowser.data.database), never one the window is reading on, and
cancelling also interrupts the SQL statement under way (carebrowser.data.cancelling).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from carebrowser.data.cancelling import Cancellation, cancellable
from carebrowser.export import CellBatches, Table, write_csv
from carebrowser.export.writers import Cancelled
from carebrowser.queries import Archive, SourceRow
from carebrowser.queries.briefing import BriefingRequest

log = logging.getLogger("carebrowser.ui.export")

ExportFormat = Literal["csv", "xlsx", "docx"]
#: The suffix of each format's files.
SUFFIXES: dict[ExportFormat, str] = {"csv": ".csv", "xlsx": ".xlsx", "docx": ".docx"}


@dataclass(frozen=True)
class BriefingReading:
    """A briefing to read on the worker's thread, then write: what was chosen, from where."""

    archive: Archive
    request: BriefingRequest
    #: The database as the window names it ("the bundled dataset"), for the title page.
    dataset_label: str = ""


@dataclass(frozen=True)
class ExportJob:
    """What to write where: a table, its file and format, and how to look up its sources."""

    #: A workbook's is a Table (its second sheet lists the sources the rows cite); a Word
    #: briefing's, the briefing to read.
    table: Table | CellBatches | BriefingReading
    path: Path
    format: ExportFormat
    #: Source ids -> sources, for the workbook's second sheet (called on the worker's thread).
    sources: Callable[[set[int]], list[SourceRow]]
    sheet_title: str = "Export"


@dataclass(frozen=True)
class ExportDone:
    """A finished export: which file, how many rows, how long it took."""

    path: Path
    format: ExportFormat
    rows: int
    seconds: float


class ExportSignals(QObject):
    """The worker's signals; a QObject of the GUI thread, so receivers get them queued."""

    started = Signal()
    #: Rows written so far.
    progress = Signal(int)
    #: An ExportDone.
    finished = Signal(object)
    cancelled = Signal()
    #: The exception (an ExportError says which file and why, in a sentence).
    errored = Signal(object)


class ExportWorker(QRunnable):
    """Write one ExportJob; cancel() stops it at the next batch of rows, leaving no file."""

    def __init__(self, job: ExportJob) -> None:
        super().__init__()
        # The pool owns it: PySide keeps this Python object alive until run() has returned,
        # even when the window that started it is gone.
        self.setAutoDelete(True)
        self.job = job
        self.signals = ExportSignals()
        self._cancel = threading.Event()
        self._done = threading.Event()
        self._reading = Cancellation()

    def cancel(self) -> None:
        """Ask the export to stop; it ends with the cancelled signal (or finished, if done)."""
        self._cancel.set()
        self._reading.cancel()

    def is_cancelled(self) -> bool:
        """Whether cancel() was called."""
        return self._cancel.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until run() has ended (True) or *timeout* seconds passed (False)."""
        return self._done.wait(timeout)

    def start(self, pool: QThreadPool | None = None) -> None:
        """Run on *pool* (the global thread pool by default)."""
        (pool or QThreadPool.globalInstance()).start(self)

    def _progress(self, rows: int) -> bool:
        self.signals.progress.emit(rows)
        return not self._cancel.is_set()

    def _sources(self, ids: set[int]) -> list[SourceRow]:
        if self._cancel.is_set():
            raise Cancelled
        return self.job.sources(ids)

    def _write_briefing(self, reading: BriefingReading) -> int:
        """Read the briefing here, off the GUI thread, then write it; returns its quotations."""
        from carebrowser.export.briefing import write_briefing

        briefing = reading.request.read(reading.archive, reading.dataset_label)
        if self._cancel.is_set():
            raise Cancelled
        return write_briefing(briefing, self.job.path, progress=self._progress)

    def run(self) -> None:
        """Write the file (on a pool thread); every outcome is a signal, nothing escapes."""
        try:
            with cancellable(self._reading):
                self._write()
        finally:
            self._done.set()

    def _write(self) -> None:
        job = self.job
        self.signals.started.emit()
        started = time.perf_counter()
        try:
            if self._cancel.is_set():
                raise Cancelled
            if job.format == "docx":
                if not isinstance(job.table, BriefingReading):
                    raise TypeError("a Word document is written from a briefing, not a table")
                rows = self._write_briefing(job.table)
            elif isinstance(job.table, BriefingReading):
                raise TypeError(f"a briefing is written as a Word document, not {job.format}")
            elif job.format == "xlsx":
                from carebrowser.export.xlsx import write_xlsx

                if not isinstance(job.table, Table):
                    raise TypeError("a workbook is written from a Table, not from ready cells")
                rows = write_xlsx(
                    job.table,
                    job.path,
                    self._sources,
                    sheet_title=job.sheet_title,
                    progress=self._progress,
                )
            else:
                rows = write_csv(job.table, job.path, progress=self._progress)
        except Cancelled:
            log.info("export to %s cancelled", job.path)
            self.signals.cancelled.emit()
        except Exception as error:  # every failure goes to the one error channel, via the flow
            if self._cancel.is_set():  # a read interrupted by cancel(): nothing was written
                log.info("export to %s cancelled while reading", job.path)
                self.signals.cancelled.emit()
                return
            self.signals.errored.emit(error)
        else:
            seconds = time.perf_counter() - started
            log.info("exported %d rows to %s in %.2f s", rows, job.path, seconds)
            self.signals.finished.emit(ExportDone(job.path, job.format, rows, seconds))
