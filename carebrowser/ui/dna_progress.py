"""Converting a DNA file before the window opens, with a progress dialog: the conversion runs on
a thread of its own while the dialog says what it is doing."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from carebrowser.data.database import DatabaseError
from carebrowser.data.dna_cache import cached_conversion, needs_conversion
from carebrowser.ui.widgets import named

#: How often the dialog looks for news of the conversion, in milliseconds.
POLL_MS = 50


def convert_with_progress(target: str | None, parent: QWidget | None = None) -> bool:
    """Convert the DNA file *target* into the cache when it is not there yet, showing progress;
    whether a conversion ran. A file that cannot be converted is said when it is opened."""
    if not needs_conversion(target):
        return False
    assert target is not None
    path = Path(target)
    news: queue.Queue[str | None] = queue.Queue()

    def convert() -> None:
        try:
            cached_conversion(path, progress=news.put)
        except DatabaseError:
            pass  # opening the file says it, in one sentence
        finally:
            news.put(None)

    dialog = QProgressDialog(parent)
    dialog.setWindowTitle("carebrowser: opening a DNA file")
    dialog.setLabelText(_label(path, "reading the DNA file"))
    dialog.setCancelButton(None)
    dialog.setRange(0, 0)  # busy: the steps have no known length
    dialog.setMinimumDuration(0)
    named(dialog, "Converting a DNA file", f"Converting {path.name} once", tooltip=False)
    loop = QEventLoop()

    def poll() -> None:
        while not news.empty():
            message = news.get()
            if message is None:
                loop.quit()
                return
            dialog.setLabelText(_label(path, message))

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(POLL_MS)
    dialog.show()
    threading.Thread(target=convert, name="dna-conversion", daemon=True).start()
    loop.exec()
    timer.stop()
    dialog.close()
    dialog.deleteLater()
    return True


def _label(path: Path, step: str) -> str:
    return (
        f"Converting {path.name} (a Discourse Network Analyzer file) into carebrowser's cache, "
        f"once: {step}\u2026\nLater openings reuse it until the file changes."
    )
