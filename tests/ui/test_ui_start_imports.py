"""Opening the window imports only what its first paint needs; the rest comes with its action
or its view."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Modules that only a menu action, a dialog, a failure, a server or a display problem needs.
NOT_AT_START = (
    "carebrowser.ui.error_dialogs",
    "carebrowser.data.postgres",
    "carebrowser.export",
    "ctypes",
    "difflib",
    "carebrowser.ui.matrix_panel",
    "carebrowser.ui.compare_panel",
    "carebrowser.ui.reader_panel",
    "carebrowser.ui.text_marks",
    "carebrowser.ui.models.matrix",
    "carebrowser.ui.models.comparison",
    "carebrowser.ui.export_dialog",
    "carebrowser.ui.export_worker",
    "carebrowser.ui.export_subjects",
    "carebrowser.ui.clipboard",
    "carebrowser.ui.help_dialog",
    "carebrowser.export.xlsx",
    "openpyxl",
    "ctypes.util",
)
#: A fresh process: the window on the bundled dataset, shown and painted, then Export and Help.
SESSION = """
import json, os, sys, tempfile
from PySide6.QtCore import QSettings
from carebrowser.ui.app import application, open_archive
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.settings import Settings

watched = json.loads(sys.argv[1])
loaded = lambda: sorted(name for name in watched if name in sys.modules)
app = application()
archive, info = open_archive(None, None)
store = QSettings(os.path.join(tempfile.mkdtemp(), "s.ini"), QSettings.Format.IniFormat)
window = MainWindow(archive, info, Settings(store))
window.show()
for _ in range(5):
    app.processEvents()
shown = window.stakeholders.model.rowCount()
at_start = loaded()
window.export_selection()
window.show_help()
app.processEvents()
after_actions = loaded()
for view in (1, 2, 3):
    window.set_view(view)
    app.processEvents()
matrix_rows = window.matrix.model.rowCount()
after_views = loaded()
window.close()
print(json.dumps({"shown": shown, "at_start": at_start, "after_actions": after_actions,
                  "after_views": after_views, "matrix_rows": matrix_rows}))
"""


def test_the_window_starts_without_the_modules_of_its_actions() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", SESSION, json.dumps(NOT_AT_START)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["shown"] > 0  # the window showed its data
    assert found["at_start"] == []
    # Export (Ctrl+E) and Help (F1) still work, importing what they need when asked.
    assert {
        "carebrowser.ui.export_dialog",
        "carebrowser.ui.export_subjects",
        "carebrowser.ui.help_dialog",
    } <= set(found["after_actions"])
    # The other views are made, with what they need, when first shown.
    assert {
        "carebrowser.ui.matrix_panel",
        "carebrowser.ui.compare_panel",
        "carebrowser.ui.reader_panel",
    } <= set(found["after_views"])
    assert found["matrix_rows"] > 0
