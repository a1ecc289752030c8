"""Opening the window imports only what its first paint needs; the rest comes with its action
or its view."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ui_helpers import fresh_session

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
    "networkx",
    "numpy",
    "carebrowser.analysis.networks",
    "carebrowser.ui.network",
    # The ORM: its declarative classes are for what writes a database; reading goes through
    # carebrowser.data.tables (Core).
    "carebrowser.data.schema",
    "sqlalchemy.orm",
    # A DNA file's conversion, only when one is opened.
    "carebrowser.ui.dna_progress",
    "carebrowser.data.dna_import",
    "carebrowser.data.dna_file",
    "carebrowser.data.build",
)
#: A fresh process: the window on the bundled dataset, started as the `carebrowser` command
#: starts it (carebrowser.launch.main, then carebrowser.cli), shown and painted; then Export and
#: Help, and the other views.
SESSION = """
import gc, json, sys, threading, time
gc.disable()  # carebrowser.launch.main's first step
from carebrowser.cli import argument_parser
from carebrowser.queries import Archive
args = argument_parser().parse_args([])
from carebrowser.ui.app import application, open_window

# When the statements' first read starts on its reading thread, and when the window is painted.
read_started = []
counted = Archive.quote_total
def quote_total(self, *args, **named):
    if threading.current_thread() is not threading.main_thread():
        read_started.append(time.perf_counter())
    return counted(self, *args, **named)
Archive.quote_total = quote_total

watched = json.loads(sys.argv[1])
loaded = lambda: sorted(name for name in watched if name in sys.modules)
window = open_window(args)
app = application()
from PySide6.QtCore import QEvent, QObject
painted = []
class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not painted:
            painted.append(time.perf_counter())
        return False
painted_filter = Painted()
window.installEventFilter(painted_filter)
collector = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}
icon = sorted(size.width() for size in window.windowIcon().availableSizes())
for _ in range(5):
    app.processEvents()
shown = window.stakeholders.model.rowCount()
at_start = loaded()
order = list(sys.modules)  # in the order they were imported
from carebrowser.ui import reads
while reads.activity().reading():
    reads.wait_for_reads(100)
    app.processEvents()
first_read = {"after_paint": bool(painted and read_started and read_started[0] > painted[0]),
              "statements": window.statements.shown_count()}
window.export_selection()
window.show_help()
app.processEvents()
after_actions = loaded()
for view in (1, 2, 3):
    window.set_view(view)
    app.processEvents()
# The matrix reads its first rows off the GUI thread: wait for them (a loaded machine is slow).
deadline = time.monotonic() + 60
while window.matrix.model.rowCount() == 0 and time.monotonic() < deadline:
    reads.wait_for_reads(100)
    app.processEvents()
matrix_rows = window.matrix.model.rowCount()
after_views = loaded()
window.close()
print(json.dumps({"shown": shown, "at_start": at_start, "after_actions": after_actions,
                  "after_views": after_views, "matrix_rows": matrix_rows, "order": order,
                  "collector": collector, "icon": icon, "first_read": first_read}))
"""


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What SESSION found, run once for this module's tests."""
    return fresh_session(SESSION, tmp_path_factory.mktemp("home"), json.dumps(NOT_AT_START))


def test_the_window_starts_without_the_modules_of_its_actions(session: dict[str, Any]) -> None:
    found = session
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


def test_the_window_imports_its_qt_free_modules_before_qt(session: dict[str, Any]) -> None:
    # Once Qt's bindings are imported, PySide6 reads the source of every module imported after
    # them (for its __feature__ switches): SQLAlchemy and carebrowser's own Qt-free modules come
    # first, which makes the start about as much faster as those imports were slower.
    order = session["order"]
    qt = next(i for i, name in enumerate(order) if name.split(".")[0] == "PySide6")
    late = [
        name
        for name in order[qt:]
        if name.split(".")[0] == "sqlalchemy"
        or (name.startswith("carebrowser.") and not name.startswith("carebrowser.ui"))
    ]
    assert late == []
    assert "carebrowser.ui.main_window" in order[qt:]  # the window did start


def test_the_first_view_reads_its_statements_once_the_window_is_painted(
    session: dict[str, Any],
) -> None:
    # A read on a reading thread holds Python's lock for its Python part, which the first paint
    # would wait for: the statements' read starts when the paint is over, and they are shown.
    assert session["first_read"] == {"after_paint": True, "statements": 12}


def test_start_up_is_kept_from_the_garbage_collector_which_then_runs(
    session: dict[str, Any],
) -> None:
    collector = session["collector"]
    # The window shown, before its first paint: what start-up made is frozen (out of the
    # collector's sight), and the collector runs again for everything made from then on.
    assert collector["enabled"] is True
    assert collector["frozen"] > 10_000


def test_the_window_has_the_application_icon_at_every_size(session: dict[str, Any]) -> None:
    assert session["icon"] == [16, 24, 32, 48, 64, 128, 256]


#: A fresh process: the window, then the coalition map shown until it is drawn; which thread
#: first imported networkx and numpy (the GUI thread must not wait for them: about 300 ms).
MAP_SESSION = """
import json, sys, threading
from importlib.abc import MetaPathFinder

first_imported = {}

class Watcher(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name in ("networkx", "numpy") and name not in first_imported:
            first_imported[name] = threading.current_thread() is threading.main_thread()
        return None

sys.meta_path.insert(0, Watcher())
from carebrowser.cli import argument_parser
from carebrowser.ui import reads
from carebrowser.ui.app import application, open_window
from carebrowser.ui.main_window import NETWORK

window = open_window(argument_parser().parse_args([]))
app = application()
window.set_view(NETWORK)
panel = window.network
for _ in range(20_000):  # until the map is drawn (a bound, not a measure)
    app.processEvents()
    scene = panel.view.scene()
    if scene is not None and scene.items() and not reads.activity().reading():
        break
    reads.wait_for_reads(10)
drawn = len(panel.view.scene().items()) if panel.view.scene() is not None else 0
window.close()
print(json.dumps({"on_gui_thread": first_imported, "drawn": drawn}))
"""


def test_the_coalition_map_imports_networkx_off_the_gui_thread(tmp_path: Path) -> None:
    found = fresh_session(MAP_SESSION, tmp_path)
    assert found["drawn"] > 0  # the map was drawn
    # Both were imported, each first by a reading thread, never by the GUI thread.
    assert found["on_gui_thread"] == {"networkx": False, "numpy": False}
