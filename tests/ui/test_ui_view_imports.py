"""The views' modules are imported off the GUI thread once the window is up, and importing them
makes no Qt object that belongs to a thread (no QObject, widget or pixmap); then Qt's classes and
the views' widgets are made ahead on the GUI thread, a step at a time."""

from __future__ import annotations

import ast
import contextlib
import gc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QSplitter, QWidget
from pytestqt.qtbot import QtBot
from ui_helpers import fresh_session

from carebrowser import startup
from carebrowser.ui import reads, views
from carebrowser.ui.main_window import NETWORK, MainWindow
from carebrowser.ui.network import NetworkPanel
from carebrowser.ui.settings import Settings
from carebrowser.ui.views import VIEWS
from carebrowser.ui.views.base import View

ROOT = Path(__file__).resolve().parents[2]
#: The Qt classes a module may make while it is imported, on any thread: values, not objects
#: with a thread (Qt documents them reentrant), and PySide's declarations of signals.
MADE_AT_IMPORT = {
    "QColor",
    "QPen",
    "QBrush",
    "QFont",
    "QKeySequence",
    "QModelIndex",
    "Signal",
    "Slot",
    "Property",
}
#: A fresh process: the window on the bundled dataset, as the `carebrowser` command starts it;
#: the event loop runs until its views' modules are imported; then every view is shown. Which
#: thread first imported each module of carebrowser.ui is noted.
SESSION = """
import json, sys, threading
from importlib.abc import MetaPathFinder

first_imported = {}
#: Every module the GUI thread imported once the views' modules were in (set from then on).
later_on_gui = None

class Watcher(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        on_gui = threading.current_thread() is threading.main_thread()
        if name.startswith("carebrowser.ui") and name not in first_imported:
            first_imported[name] = on_gui
        if later_on_gui is not None and on_gui and name not in sys.modules:
            later_on_gui.append(name)
        return None

sys.meta_path.insert(0, Watcher())
from carebrowser.cli import argument_parser
from carebrowser.ui import views
from carebrowser.ui.app import application, open_window

window = open_window(argument_parser().parse_args([]))
app = application()
at_start = dict(first_imported)
modules = [spec.module for spec in views.VIEWS] + list(views.AHEAD)
for _ in range(4_000):  # until the views' modules and Qt's classes are in (a bound)
    app.processEvents()
    if views.imported_ahead():
        break
    threading.Event().wait(0.005)
imported = all(name in sys.modules for name in modules)
qt = [sys.modules[name] for name in views.QT_MODULES]
unmade = [f"{m.__name__}.{n}" for m in qt for n in dir(m) if n not in vars(m)]
from carebrowser.ui import reads
later_on_gui = []
for number in range(len(views.VIEWS)):
    window.set_view(number)
    for _ in range(2_000):  # until what the view reads is shown (a bound, not a measure)
        app.processEvents()
        if not reads.activity().reading():
            break
        reads.wait_for_reads(10)
    app.processEvents()
shown = window.current_view()
source = window.reader.current_source()
window.close()
print(json.dumps({"at_start": at_start, "first_imported": first_imported, "shown": shown,
                  "later_on_gui": later_on_gui, "source": source is not None,
                  "imported": imported, "unmade": unmade}))
"""


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What SESSION found, run once for this module's tests."""
    return fresh_session(SESSION, tmp_path_factory.mktemp("home"))


def test_the_views_modules_are_imported_off_the_gui_thread(session: dict[str, Any]) -> None:
    first = session["first_imported"]
    assert session["shown"] == len(VIEWS) - 1  # every view was shown, the last one last
    for spec in VIEWS[1:]:
        assert spec.module not in session["at_start"]  # not before the window's first paint
        assert first[spec.module] is False, f"{spec.module} was imported by the GUI thread"
    for module in views.AHEAD:  # the export dialog's
        assert module not in session["at_start"]
        assert first[module] is False, f"{module} was imported by the GUI thread"


def test_showing_the_views_imports_nothing_on_the_gui_thread(session: dict[str, Any]) -> None:
    # Each view made and shown with what it reads (the reader a source, with its provenance):
    # a module first imported then held the GUI thread, the help's 240 ms with the ORM.
    assert session["source"] is True
    assert session["later_on_gui"] == []


def test_qt_classes_are_made_ahead_once_the_views_modules_are_in(session: dict[str, Any]) -> None:
    # PySide makes a class of Qt's when first used: the coalition map's first viewport() made
    # every class of QtWidgets left in one pause. Made ahead, a step at a time, none is left.
    assert session["imported"] is True
    assert session["unmade"] == []


def test_qt_classes_are_not_made_while_the_views_modules_are_imported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Importing:
        """The importing thread, still at work."""

        def is_alive(self) -> bool:
            return True

    monkeypatch.setattr(views, "_importing", Importing())
    monkeypatch.setattr(views, "_unmade", None)
    # Two threads making the same class at once is what PySide does not guard against.
    assert views.make_classes_ahead(budget=1.0) is False
    assert views._unmade is None  # not even listed


def test_qt_classes_made_ahead_are_kept_from_the_collector(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Done:
        """The importing thread, finished."""

        def is_alive(self) -> bool:
            return False

    asked: list[tuple[str, bool]] = []
    paused = [False]

    class Lazy:
        """A module of Qt's whose classes are made when first named."""

        def __getattr__(self, name: str) -> object:
            asked.append((name, paused[0]))
            return object()

    @contextlib.contextmanager
    def importing() -> Iterator[None]:
        paused[0] = True
        yield
        paused[0] = False

    monkeypatch.setattr(views, "_importing", Done())
    monkeypatch.setattr(views, "_unmade", [(Lazy(), "QThird"), (Lazy(), "QSecond")])
    monkeypatch.setattr(startup, "importing", importing)
    assert views.make_classes_ahead(budget=1.0) is True
    # Each made once, while the collector is paused (then kept from it).
    assert asked == [("QSecond", True), ("QThird", True)]
    assert views.make_classes_ahead() is True  # nothing left: nothing more to do
    assert len(asked) == 2


def _module_file(name: str) -> Path:
    parts = name.split(".")
    package = ROOT.joinpath(*parts) / "__init__.py"
    return package if package.exists() else ROOT.joinpath(*parts).with_suffix(".py")


def _made_at_import(tree: ast.Module) -> list[str]:
    """The names of the Qt classes called while *tree*'s module runs (its body and its classes'
    bodies; not its functions, which run later, on the thread that calls them)."""
    qt_names = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PySide6")
        for alias in node.names
    }
    made: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            for decorator in getattr(node, "decorator_list", []):
                visit(decorator)
            return
        if isinstance(node, ast.Call):
            root = node.func
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in qt_names:
                made.append(ast.unparse(node.func))
        for child in ast.iter_child_nodes(node):
            visit(child)

    for statement in tree.body:
        visit(statement)
    return made


def test_importing_a_view_makes_no_qt_object_with_a_thread(session: dict[str, Any]) -> None:
    off_thread = [name for name, gui in session["first_imported"].items() if gui is False]
    assert "carebrowser.ui.network.scene" in off_thread  # the modules read below are the views'
    for name in off_thread:
        tree = ast.parse(_module_file(name).read_text(encoding="utf-8"))
        made = {call.split(".")[0] for call in _made_at_import(tree)}
        assert made <= MADE_AT_IMPORT, f"{name} makes {sorted(made - MADE_AT_IMPORT)} at import"


def test_the_check_finds_a_widget_made_at_import() -> None:
    source = (
        "from PySide6.QtWidgets import QLabel\nfrom PySide6.QtGui import QColor\n"
        "INK = QColor('#000')\nclass A:\n    NOTE = QLabel('x')\n"
        "def later():\n    return QLabel('y')\n"
    )
    assert _made_at_import(ast.parse(source)) == ["QColor", "QLabel"]


def test_modules_imported_later_are_kept_from_the_collector_as_start_ups_were(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frozen = gc.get_freeze_count()
    monkeypatch.setattr(startup, "_kept", False)  # a test or another program: not its heap
    with startup.importing():
        assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
    monkeypatch.setattr(startup, "_kept", True)  # started by carebrowser.launch
    try:
        with startup.importing():
            assert not gc.isenabled()  # paused while modules are imported
            made = [[object()] for _ in range(100)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= frozen + len(made)
    finally:
        gc.unfreeze()
        gc.enable()


@pytest.fixture
def joined(monkeypatch: pytest.MonkeyPatch, window: MainWindow) -> list[bool]:
    """An importing thread still at work until joined, put in once *window* is shown (it waits
    for the imports as it makes its first view) and taken out once it is closed; each join is
    put in the list returned."""
    joined: list[bool] = []

    class Importing:
        def is_alive(self) -> bool:
            return not joined

        def join(self) -> None:
            joined.append(True)

    monkeypatch.setattr(views, "_importing", Importing())
    return joined


def test_a_view_shown_before_the_modules_imported_ahead_are_in_waits_for_them(
    joined: list[bool], window: MainWindow
) -> None:
    window.set_view("source")
    assert joined == [True]  # no module imported by both threads at once
    assert window.current_view() == [spec.name for spec in VIEWS].index("source")


def test_an_export_asked_for_before_the_modules_imported_ahead_are_in_waits_for_them(
    joined: list[bool], window: MainWindow
) -> None:
    assert window.exports is not None
    assert joined == [True]


def test_the_other_views_widgets_are_made_ahead_and_shown_when_asked_for(
    qtbot: QtBot, window: MainWindow
) -> None:
    # While the person reads the first screen, each other view's widgets are made, one a turn
    # of the event loop; the view is put in the window, wired and read when first shown.
    qtbot.waitUntil(window.made_ahead, timeout=60_000)
    assert [window.built(number) for number in range(len(VIEWS))] == [True] + [False] * (
        len(VIEWS) - 1
    )
    made = window.findChildren(NetworkPanel)
    assert len(made) == 1
    window.set_view(NETWORK)
    assert window.network is made[0]
    assert window.network.isVisible()
    assert window.findChildren(NetworkPanel) == made  # none made again


def test_no_view_is_made_ahead_while_a_read_is_under_way(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reads.activity(), "reading", lambda: True)
    qtbot.waitUntil(views.imported_ahead, timeout=60_000)
    qtbot.wait(200)  # the steps ahead asked again, each time a read under way
    assert window.findChildren(NetworkPanel) == []
    assert not window.made_ahead()
    monkeypatch.undo()
    qtbot.waitUntil(window.made_ahead, timeout=60_000)
    assert len(window.findChildren(NetworkPanel)) == 1


def test_the_splitters_of_views_made_ahead_and_never_shown_are_not_saved(
    qtbot: QtBot, window: MainWindow, settings: Settings
) -> None:
    remembered = QSplitter()
    remembered.addWidget(QWidget())
    remembered.addWidget(QWidget())
    remembered.setSizes([300, 100])
    state = remembered.saveState()
    settings.save_geometry("splitter/matrix", state)
    qtbot.waitUntil(window.made_ahead, timeout=60_000)
    window.save_settings()
    # The matrix's splitter made ahead has no sizes yet: the sizes remembered stay.
    assert settings.geometry("splitter/matrix") == state


def test_views_made_ahead_are_kept_from_the_collector(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    paused = [False]
    made_while_paused: list[bool] = []

    @contextlib.contextmanager
    def importing() -> Iterator[None]:
        paused[0] = True
        yield
        paused[0] = False

    build = views.ViewSpec.build

    def watched(spec: views.ViewSpec, made_for: MainWindow) -> View:
        made_while_paused.append(paused[0])
        return build(spec, made_for)

    monkeypatch.setattr(startup, "importing", importing)
    monkeypatch.setattr(views.ViewSpec, "build", watched)
    qtbot.waitUntil(window.made_ahead, timeout=60_000)
    # Each made with the collector paused, then kept from it, as start-up's widgets are.
    assert made_while_paused  # (a view or two may have been made before the watch began)
    assert all(made_while_paused)
