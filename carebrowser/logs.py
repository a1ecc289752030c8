"""The log file: details of every failure go to a rotating file in the user's log folder.

People see one clear sentence; the traceback behind it is written here, and the sentence says where.
No Qt: the command line and the window both use it.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
from pathlib import Path

import platformdirs

#: The logger every carebrowser module logs under (``logging.getLogger("carebrowser.x")``).
LOGGER_NAME = "carebrowser"
LOG_FILE_NAME = "carebrowser.log"
#: One file of up to 1 MB plus three older ones: enough for weeks, never a full disk.
MAX_BYTES = 1_000_000
BACKUP_COUNT = 3
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"


def log_path() -> Path:
    """Where the log file is: ``carebrowser.log`` in platformdirs' user log folder."""
    return Path(platformdirs.user_log_dir("carebrowser", appauthor=False)) / LOG_FILE_NAME


class _LogFile(logging.handlers.RotatingFileHandler):
    """A rotating log file that creates its folder when first written and never complains.

    A full or read-only disk must not turn a logged failure into a second one on the terminal,
    so a record that cannot be written is dropped (logging would print a traceback otherwise).
    """

    def emit(self, record: logging.LogRecord) -> None:
        if self.stream is None:
            with contextlib.suppress(OSError):
                Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        super().emit(record)

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
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > level:
        logger.setLevel(level)
    return path


def where_details_are(path: Path | None = None) -> str:
    """The sentence that points people (and whoever supports them) at the log file."""
    return f"Details are in {path or log_path()}."
