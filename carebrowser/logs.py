"""The log file: details of every failure go to a rotating file in the user's log folder.

People see one clear sentence; the traceback behind it is written here, and the sentence says where.
Every record passes carebrowser.passwords.hide_passwords on its way to the file, so no database
password reaches it, whoever logged it; the file (0600) and its folders (0700) are the user's
alone, whatever the umask. No Qt: the command line and the window both use it.
"""

from __future__ import annotations

import contextlib
import io
import logging
import logging.handlers
import os
from pathlib import Path

import platformdirs

from carebrowser.passwords import hide_passwords

#: The logger every carebrowser module logs under (``logging.getLogger("carebrowser.x")``).
LOGGER_NAME = "carebrowser"
LOG_FILE_NAME = "carebrowser.log"
#: One file of up to 1 MB plus three older ones: enough for weeks, never a full disk.
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
#: Libraries whose warnings would otherwise reach the terminal (Python's last-resort handler):
#: psycopg's "error ignored terminating <psycopg.Copy ...>" after an interrupted publication, and
#: SQLAlchemy's pool's "Exception during reset or similar" when the rollback after Ctrl+C fails.
LIBRARY_LOGGERS = ("psycopg", "sqlalchemy")
#: The modes of the log file and of the folders carebrowser creates for it.
FILE_MODE = 0o600
FOLDER_MODE = 0o700


def log_path() -> Path:
    """Where the log file is: ``carebrowser.log`` in platformdirs' user log folder."""
    return Path(platformdirs.user_log_dir("carebrowser", appauthor=False)) / LOG_FILE_NAME


class PasswordFilter(logging.Filter):
    """Replaces every password in a record (its message, arguments, traceback) by ***.

    The record is formatted here, once, so that no later handler sees the password either.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = hide_passwords(message)
        if hidden != message or record.args:
            record.msg, record.args = hidden, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = hide_passwords(record.exc_text)
        if record.stack_info:
            record.stack_info = hide_passwords(record.stack_info)
        return True


def _private_folders(folder: Path) -> None:
    """Create *folder* and carebrowser's folders above it for the user alone (0700).

    Only the folders named after carebrowser are changed when they exist already (an older
    version made them 0755); shared parents such as ~/.local/state are created, never changed.
    """
    missing = [f for f in (folder, *folder.parents) if not f.exists()]
    for made in reversed(missing):
        made.mkdir(mode=FOLDER_MODE)
        os.chmod(made, FOLDER_MODE)  # mkdir's mode is cut by the umask
    for ours in (folder, folder.parent):
        mine = ours == folder or "carebrowser" in ours.name.lower()
        if mine and ours.stat().st_mode & 0o777 != FOLDER_MODE:
            os.chmod(ours, FOLDER_MODE)


class _LogFile(logging.handlers.RotatingFileHandler):
    """A rotating log file, the user's alone, that creates its folder and never complains.

    A full or read-only disk must not turn a logged failure into a second one on the terminal,
    so a record that cannot be written is dropped (logging would print a traceback otherwise).
    """

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:
            with contextlib.suppress(OSError):
                _private_folders(Path(self.baseFilename).parent)
        super().emit(record)

    def _open(self) -> io.TextIOWrapper:
        # Created 0600 (no moment at the umask's mode), and an older 0644 file made private.
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
        try:
            if os.fstat(descriptor).st_mode & 0o777 != FILE_MODE:
                os.fchmod(descriptor, FILE_MODE)
        except OSError:
            os.close(descriptor)
            raise
        return open(descriptor, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:
        if self.stream is not None:
            with contextlib.suppress(OSError):
                self.stream.close()
            self.stream = None


def setup_logging(level: int = logging.INFO) -> Path:
    """Send carebrowser's log records to the rotating log file and return its path.

    Idempotent: calling it again (or after the user's log folder changed, as in tests) leaves one
    handler, on the current path. Nothing is written to disk until something is logged.
    """
    path = log_path()
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if isinstance(handler, _LogFile):
            if Path(handler.baseFilename) == path:
                return path
            logger.removeHandler(handler)
            handler.close()
    handler = _LogFile(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(PasswordFilter())
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)
    for name in LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        for old in [h for h in library.handlers if isinstance(h, _LogFile)]:
            library.removeHandler(old)
        library.addHandler(handler)
    return path


def where_details_are(path: Path | None = None) -> str:
    """The sentence that points people (and whoever supports them) at the log file."""
    return f"Details are in {path or log_path()}."
