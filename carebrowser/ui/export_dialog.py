"""Export in two actions: select, press Ctrl+E; the dialog proposes a file, Enter writes it.

ExportDialog says what will be written ("Exporting the 6 selected positions."), offers the
layouts and formats, and proposes a name in the Documents folder; it asks before replacing a
file. A count that reads the database is read on a reading thread: the dialog opens at once,
says the rows are being counted, and Export pressed meanwhile starts when they are. ExportFlow
runs the export through an ExportWorker, shows progress with Cancel when it takes longer than
half a second, reports failures on the window's one error channel, and opens the file or says
where it is.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import platformdirs
from PySide6.QtCore import QObject, QProcess, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from carebrowser.queries import Archive
from carebrowser.ui.briefing_requests import BriefingOffer
from carebrowser.ui.errors import describe, report_error, reporter
from carebrowser.ui.export_subjects import ExportShape, ExportSubject, file_stem
from carebrowser.ui.export_worker import (
    SUFFIXES,
    BriefingReading,
    ExportDone,
    ExportFormat,
    ExportJob,
    ExportWorker,
)
from carebrowser.ui.reads import ReadStream
from carebrowser.ui.settings import Option, Settings
from carebrowser.ui.widgets import counted, heading, named, with_clear_button

log = logging.getLogger("carebrowser.ui.export")

EXPORT_FORMAT = Option("export/format", "xlsx")
EXPORT_FOLDER = Option("export/folder", "")
OPEN_WHEN_DONE = Option("export/open_when_done", True)
#: An export still running after this long (ms) shows its progress and a Cancel button.
PROGRESS_DELAY = 500
FORMATS: tuple[tuple[ExportFormat, str, str], ...] = (
    ("xlsx", "E&xcel workbook (.xlsx)", "A workbook: coloured stances, a sheet of sources"),
    ("csv", "C&SV for any spreadsheet (.csv)", "Comma-separated, UTF-8, opens in Excel"),
    (
        "docx",
        "&Briefing (Word, .docx)",
        "A Word briefing: each stance in words, every quotation verbatim with its source",
    ),
)


def default_folder(remembered: str = "") -> Path:
    """The folder last exported to, else the person's Documents folder, else their home."""
    for candidate in (remembered, platformdirs.user_documents_dir()):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return Path.home()


def propose_path(folder: Path, stem: str, export_format: ExportFormat) -> Path:
    """*folder*/*stem* with the format's suffix, numbered (2), (3)... if such a file exists."""
    suffix = SUFFIXES[export_format]
    path, number = folder / f"{stem}{suffix}", 2
    while _answers(path.exists):
        path, number = folder / f"{stem} ({number}){suffix}", number + 1
    return path


def _answers(question: Callable[[], bool]) -> bool:
    """A yes-or-no question about a path; no when the system cannot answer (name too long)."""
    try:
        return question()
    except OSError:
        return False


def choose_with_file_dialog(
    parent: QWidget, proposed: Path, export_format: ExportFormat
) -> Path | None:
    """Ask for a file with Qt's file dialog (the platform's own one outside tests)."""
    filters = {
        "xlsx": "Excel workbook (*.xlsx)",
        "csv": "CSV file (*.csv)",
        "docx": "Word document (*.docx)",
    }
    options = QFileDialog.Option.DontConfirmOverwrite  # the export dialog asks, for both ways
    if QGuiApplication.platformName() == "offscreen":
        options |= QFileDialog.Option.DontUseNativeDialog
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, "Export to", str(proposed), ";;".join(filters.values()), filters[export_format],
        options,
    )  # fmt: skip
    return Path(chosen) if chosen else None


class ExportDialog(QDialog):
    """Which rows, which layout and format, which file; Enter exports, Escape cancels."""

    #: The rows to export are counted (and said), or could not be.
    counted = Signal()

    def __init__(
        self,
        subject: ExportSubject,
        folder: Path,
        export_format: ExportFormat = "xlsx",
        open_when_done: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.subject, self.folder = subject, folder
        self.setWindowTitle("Export")
        self.setAccessibleName("Export")
        #: Seam for tests: asks for a file name (the file dialog), None when cancelled.
        self.choose_file: Callable[[QWidget, Path, ExportFormat], Path | None] = (
            choose_with_file_dialog
        )
        self.replace_box: QMessageBox | None = None
        self._proposed = ""
        #: The counts read off the GUI thread: by layout (-1: the briefing), count and sentence.
        self._counts: dict[int, tuple[int, str]] = {}
        self._reads = ReadStream(self)
        #: Export was pressed while the rows were being counted: it starts when they are.
        self._accept_when_counted = False

        self.summary = heading("", self)
        self.summary.setAccessibleName("What will be exported")
        self.origin = QLabel(f"From: {subject.origin}", self)
        self.origin.setWordWrap(True)
        self.layout_box = named(
            QComboBox(self), "Layout", "How the rows are laid out: the same as the command line"
        )
        for shape in subject.shapes:
            self.layout_box.addItem(shape.label)
        self.format_group = QButtonGroup(self)
        # One under the other: side by side, three formats' names were cut at 80 characters.
        formats = QVBoxLayout()
        self.format_buttons: dict[ExportFormat, QRadioButton] = {}
        for number, (name, text, description) in enumerate(FORMATS):
            button = named(QRadioButton(text, self), text.replace("&", ""), description)
            self.format_group.addButton(button, number)
            self.format_buttons[name] = button
            formats.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        if subject.briefing is None:
            # This view has no briefing to offer (the source reader): say so, keep it in view.
            self.format_buttons["docx"].setEnabled(False)
            self.format_buttons["docx"].setToolTip("The source reader offers no briefing")
            if export_format == "docx":
                export_format = "xlsx"
        self.format_buttons[export_format].setChecked(True)
        self.path_edit = named(
            QLineEdit(self), "File name", "The name of the file to write, in the folder below"
        )
        with_clear_button(self.path_edit, "Clear the file name")
        self.folder_label = named(
            QLabel(self), "Folder", "The folder the file is written to; Choose changes it"
        )
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = named(
            QPushButton("C&hoose\u2026", self), "Choose file", "Pick another folder or file"
        )
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.choose_button)
        self.open_box = named(
            QCheckBox("&Open the file when it is written", self),
            "Open the file when it is written",
            "Open the export in the program your computer uses for it (Excel, for instance)",
        )
        self.open_box.setChecked(open_when_done)
        self.problem = QLabel(self)
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName("Problem")
        self.problem.hide()
        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton(
            "&Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        named(self.export_button, "Export", "Write the file")
        self.export_button.setDefault(True)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        named(cancel, "Cancel", "Close without exporting")

        form = QFormLayout()
        self.layout_label = layout_label = QLabel("&Layout:", self)
        layout_label.setBuddy(self.layout_box)
        form.addRow(layout_label, self.layout_box)
        form.addRow(QLabel("Format:", self), formats)
        file_label = QLabel("File &name:", self)
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, self.path_edit)
        form.addRow(QLabel("Folder:", self), folder_row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.origin)
        layout.addLayout(form)
        layout.addWidget(self.open_box)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

        self.layout_box.currentIndexChanged.connect(self._shape_changed)
        self.format_group.idToggled.connect(self._format_changed)
        self.choose_button.clicked.connect(self._choose)
        self.path_edit.textEdited.connect(lambda _text: self.problem.hide())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._show_folder()
        self._shape_changed()
        self.setMinimumWidth(80 * self.fontMetrics().averageCharWidth())
        self.path_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- what the person chose ----------------------------------------------------------------

    def shape(self) -> ExportShape:
        """The layout chosen."""
        return self.subject.shapes[max(self.layout_box.currentIndex(), 0)]

    def export_format(self) -> ExportFormat:
        """The format chosen."""
        return next(f for f, b in self.format_buttons.items() if b.isChecked())

    def target(self) -> Path:
        """The file to write: relative names are in the proposed folder; the suffix is added."""
        path = Path(self.path_edit.text().strip()).expanduser()
        if not path.is_absolute():
            path = self.folder / path
        if path.suffix.lower() not in SUFFIXES.values():
            path = path.with_name(path.name + SUFFIXES[self.export_format()])
        return path

    def set_target(self, path: Path) -> None:
        """Export to *path*: its folder, its name, and the format its suffix names."""
        self.folder = path.parent
        self._show_folder()
        self.path_edit.setText(path.name)
        for name, suffix in SUFFIXES.items():
            if path.suffix.lower() == suffix:
                self.format_buttons[name].setChecked(True)
        self.problem.hide()

    def _show_folder(self) -> None:
        self.folder_label.setText(str(self.folder))

    # -- reactions ----------------------------------------------------------------------------

    def briefing(self) -> BriefingOffer | None:
        """The Word briefing to write, when that is the format chosen."""
        return self.subject.briefing if self.export_format() == "docx" else None

    def _shape_changed(self) -> None:
        briefing = self.briefing()
        # A briefing has one layout of its own: the layouts are for tables.
        shown = briefing is None and len(self.subject.shapes) > 1
        self.layout_label.setVisible(shown)
        self.layout_box.setVisible(shown)
        self._count()
        self._propose()

    def _count(self) -> None:
        """Say what will be exported: at once when the count reads nothing, else when the
        database has counted it on a reading thread (the dialog says so meanwhile)."""
        briefing = self.briefing()
        if briefing is None:
            shape = self.shape()
            key, count, summary = self.layout_box.currentIndex(), shape.count, shape.summary
            reads, noun = shape.reads, shape.noun
        else:
            key, count, summary, reads, noun = (
                -1,
                briefing.count,
                briefing.summary,
                True,
                "quotation",
            )
        if key in self._counts:
            self._counted(key, self._counts[key])
        elif not reads:
            self._reads.cancel()
            number = count()
            self._counted(key, (number, summary(number)))
        else:

            def read() -> tuple[int, str]:
                number = count()
                return number, summary(number)  # a summary may read what its count has not

            self.summary.setText(f"Counting the {noun}s to export\u2026")
            self._reads.read(read, lambda answer: self._counted(key, answer), self._not_counted)
            self._say_when_counted()

    def counting(self) -> bool:
        """Whether the rows to export are being counted (off the GUI thread)."""
        return self._reads.reading()

    def _say_when_counted(self) -> None:
        if self._accept_when_counted:
            self.summary.setText(
                self.summary.text().rstrip(".\u2026")
                + "\u2026 the export starts as soon as they are counted."
            )
        self.summary.setAccessibleDescription(self.summary.text())

    def _counted(self, key: int, answer: tuple[int, str]) -> None:
        self._counts[key] = answer
        count, said = answer
        self.summary.setText(said)
        self.summary.setAccessibleDescription(said)
        self.export_button.setEnabled(count > 0)
        self.counted.emit()
        if self._accept_when_counted:
            self._accept_when_counted = False
            if count > 0:
                super().accept()  # its file was checked (and its replacing agreed) then

    def _not_counted(self, error: BaseException) -> None:
        # Export stays possible: the file says how many rows it holds.
        self._accept_when_counted = False
        self.summary.setText(f"The rows could not be counted ({error}).")
        self.counted.emit()

    def _stem(self) -> str:
        if self.briefing() is not None:
            return f"carebrowser briefing {dt.date.today().isoformat()}"
        return file_stem(self.shape())

    def _format_changed(self, _id: int, checked: bool) -> None:
        if not checked:
            return
        typed = self.path_edit.text() != self._proposed
        self._shape_changed()  # a briefing says what it holds, and proposes its own name
        if not typed:
            return
        # A name the person typed keeps its words; only its suffix follows the format.
        name = self.path_edit.text().strip()
        if Path(name).suffix.lower() in SUFFIXES.values():
            self.path_edit.setText(str(Path(name).with_suffix(SUFFIXES[self.export_format()])))

    def _propose(self) -> None:
        if self.path_edit.text() and self.path_edit.text() != self._proposed:
            return  # the person's own name stays
        stem = self._stem()
        self._proposed = propose_path(self.folder, stem, self.export_format()).name
        self.path_edit.setText(self._proposed)

    def _choose(self) -> None:
        chosen = self.choose_file(self, self.target(), self.export_format())
        if chosen is not None:
            self.set_target(chosen)

    def _say(self, problem: str) -> None:
        self.problem.setText(f"\u26a0 {problem}")
        self.problem.show()
        self.path_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def accept(self) -> None:
        """Check the file name, ask before replacing a file, then close to start the export
        (once the rows are counted, when they are being counted)."""
        if not self.path_edit.text().strip():
            self._say("Type a file name, or press Choose to pick one.")
            return
        path = self.target()
        if _answers(path.is_dir):
            self._say(f"{path} is a folder: add a file name.")
            return
        if not _answers(path.parent.is_dir):
            self._say(f"The folder {path.parent} does not exist: choose another.")
            return
        if _answers(path.exists):
            self._ask_to_replace(path)
            return
        self._accept_counted()

    def done(self, result: int) -> None:
        # Closed (exported or cancelled): a count still on its way is dropped, never shown.
        self._reads.cancel()
        self._accept_when_counted = False
        super().done(result)

    def _accept_counted(self) -> None:
        if self.counting():
            self._accept_when_counted = True
            self._say_when_counted()
            return
        super().accept()  # a name the system refuses (too long, say) fails in the writer

    def _ask_to_replace(self, path: Path) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Replace the file?",
            f"{path.name} already exists in {path.parent}.\nDo you want to replace it?",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        replace = box.addButton("&Replace", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep)
        box.setAccessibleName("Replace the file?")

        def answered() -> None:
            self.replace_box = None
            if box.clickedButton() is replace:
                self._accept_counted()
            else:
                self.path_edit.setFocus(Qt.FocusReason.OtherFocusReason)
                self.path_edit.selectAll()

        box.finished.connect(answered)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.replace_box = box
        box.open()


def open_in_desktop(path: Path, failed: Callable[[], None] | None = None) -> bool:
    """Open *path* with the program the desktop uses for it (not offscreen, where none is).

    On Linux, xdg-open starts whatever it finds and says only by its exit status that nothing
    opens the file: *failed* is called then (QDesktopServices.openUrl would say nothing).
    """
    if QGuiApplication.platformName() == "offscreen":
        log.info("offscreen: not opening %s", path)
        return False
    program = shutil.which("xdg-open") if sys.platform.startswith("linux") else None
    if program is None or failed is None:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    process = QProcess(QGuiApplication.instance())

    def ended(code: int, status: QProcess.ExitStatus) -> None:
        if code != 0 or status != QProcess.ExitStatus.NormalExit:
            log.info("xdg-open %s ended with status %s", path, code)
            failed()
        process.deleteLater()

    def not_started(error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            failed()
            process.deleteLater()

    process.finished.connect(ended)
    process.errorOccurred.connect(not_started)
    process.start(program, [str(path)])
    return True


class ExportFlow(QObject):
    """Dialog, worker, progress, outcome: one export at a time for a main window."""

    #: The ExportJob, once the worker has it.
    started = Signal(object)
    #: An ExportDone.
    finished = Signal(object)
    cancelled = Signal()
    #: The sentence the person was shown.
    failed = Signal(str)

    def __init__(self, window: QMainWindow, archive: Archive, settings: Settings) -> None:
        super().__init__(window)
        self.window, self.archive, self.settings = window, archive, settings
        #: How long (ms) an export runs before its progress shows; tests may shorten it.
        self.progress_delay = PROGRESS_DELAY
        #: Seam for tests: opens a written file; False when it cannot (or calls the failure
        #: function it is given, when it finds out later).
        self.opener: Callable[[Path, Callable[[], None]], bool] = open_in_desktop
        #: The message saying a written file could not be opened, while shown.
        self.not_opened: QMessageBox | None = None
        self.dialog: ExportDialog | None = None
        self.worker: ExportWorker | None = None
        self.progress: QProgressDialog | None = None
        self._noun = "row"
        self._total = 0
        self._written = 0
        self._open_after = False
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self._show_progress)

    def busy(self) -> bool:
        """Whether an export is being written."""
        return self.worker is not None

    def _say(self, text: str, milliseconds: int = 30_000) -> None:
        self.window.statusBar().showMessage(text, milliseconds)

    def open_dialog(self, subject: ExportSubject) -> ExportDialog | None:
        """Offer to export *subject*; the export starts when the dialog is accepted."""
        if self.busy():
            self._say("An export is still being written: wait for it, or cancel it.")
            return None
        s = self.settings
        chosen = s.value(EXPORT_FORMAT)
        export_format: ExportFormat = (
            "csv" if chosen == "csv" else "docx" if chosen == "docx" else "xlsx"
        )
        dialog = ExportDialog(
            subject,
            default_folder(s.value(EXPORT_FOLDER)),
            export_format,
            s.value(OPEN_WHEN_DONE),
            self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._accepted(dialog))
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _closed(self, dialog: ExportDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _accepted(self, dialog: ExportDialog) -> None:
        path, export_format, shape = dialog.target(), dialog.export_format(), dialog.shape()
        s = self.settings
        s.set_value(EXPORT_FORMAT, export_format)
        s.set_value(EXPORT_FOLDER, str(path.parent))
        s.set_value(OPEN_WHEN_DONE, dialog.open_box.isChecked())
        open_after = dialog.open_box.isChecked()
        briefing = dialog.briefing()
        if briefing is not None:
            info = getattr(self.window, "info", None)
            reading = BriefingReading(self.archive, briefing.request, info.label if info else "")
            job = ExportJob(reading, path, "docx", self.archive.sources_by_ids, "Briefing")
            self.start(job, briefing.count(), "quotation", open_after=open_after)
            return
        rows = shape.csv_cells() if export_format == "csv" and shape.csv_cells else shape.table()
        job = ExportJob(rows, path, export_format, self.archive.sources_by_ids, shape.name.title())
        self.start(job, shape.count(), shape.noun, open_after=open_after)

    def start(
        self, job: ExportJob, total: int, noun: str = "row", *, open_after: bool = False
    ) -> ExportWorker:
        """Write *job* on the thread pool; progress shows after progress_delay ms."""
        worker = ExportWorker(job)
        signals = worker.signals
        signals.progress.connect(self._progressed)
        signals.finished.connect(self._finished)
        signals.cancelled.connect(self._cancelled)
        signals.errored.connect(self._errored)
        self.worker, self._total, self._noun, self._open_after = worker, total, noun, open_after
        self._written = 0
        self._say(f"Exporting {counted(total, noun)} to {job.path}\u2026", 0)
        self._timer.start(self.progress_delay)
        worker.start()
        self.started.emit(job)
        return worker

    def cancel(self) -> None:
        """Stop the export being written; it leaves no file."""
        if self.worker is not None:
            self.worker.cancel()
            if self.progress is not None:
                self.progress.setLabelText("Cancelling\u2026")

    def shutdown(self, timeout: float = 10.0) -> None:
        """Cancel a running export and wait for its worker (the window is closing)."""
        worker = self.worker
        if worker is not None:
            worker.cancel()
            worker.wait(timeout)

    def _show_progress(self) -> None:
        if self.worker is None:
            return
        job = self.worker.job
        progress = QProgressDialog(
            f"Writing {counted(self._total, self._noun)} to {job.path.name}\u2026",
            "Cancel",
            0,
            max(self._total, 0),
            self.window,
        )
        progress.setWindowTitle("Exporting")
        progress.setAccessibleName("Export progress")
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.setMinimumDuration(0)
        progress.setMinimumWidth(50 * progress.fontMetrics().averageCharWidth())
        progress.canceled.connect(self.cancel)
        self.progress = progress
        progress.show()
        self._progressed(self._written)

    def _progressed(self, rows: int) -> None:
        self._written = rows
        if self.progress is not None and self._total > 0:
            self.progress.setValue(min(rows, self._total))

    def _end(self) -> ExportJob | None:
        self._timer.stop()
        job = self.worker.job if self.worker is not None else None
        self.worker = None
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.hide()
            self.progress.deleteLater()
            self.progress = None
        return job

    def _finished(self, done: ExportDone) -> None:
        self._end()
        self._say(f"Exported {counted(done.rows, self._noun)} to {done.path}.")
        if self._open_after and not self.opener(done.path, lambda: self._not_opened(done.path)):
            self._not_opened(done.path)
        self.finished.emit(done)

    def _not_opened(self, path: Path) -> None:
        """Say, in a message the person has to see, that the file is written but not opened."""
        kind = path.suffix.lstrip(".").upper() or "such"
        text = (
            f"The export was written to {path}, but it could not be opened: no program here "
            f"opens {kind} files. Open it from its folder, or from the program you use for them."
        )
        self._say(f"Exported to {path}; it could not be opened here.")
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "The file could not be opened",
            text,
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setAccessibleName("The file could not be opened")
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _result: setattr(self, "not_opened", None))
        self.not_opened = box
        box.open()

    def _cancelled(self) -> None:
        job = self._end()
        where = f" {job.path}" if job is not None else ""
        self._say(f"Export cancelled: nothing was written to{where}.")
        self.cancelled.emit()

    def _errored(self, error: BaseException) -> None:
        job = self._end()
        channel = reporter()
        message = describe(error, channel.database if channel is not None else None)
        self._say("The export failed: nothing was written.")
        report_error(error, f"exporting to {job.path}" if job is not None else "exporting")
        self.failed.emit(message)
