"""The window's views, in Ctrl+1.. order: the one list the main window is wired from.

A view is declared here by its name (the setting and --view name), its menu text, its
shortcut and the module that builds it when it is first shown (a module with
``build(window) -> View``; see carebrowser.ui.views.base). Adding a view is adding a line here
and writing its module.
"""

from __future__ import annotations

import importlib
import logging
import sys
import threading
import time
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carebrowser.ui.main_window import MainWindow
    from carebrowser.ui.views.base import View

log = logging.getLogger("carebrowser.ui")
#: How long after the window is made its other views' modules start being imported: after its
#: first paint, which they must not delay.
IMPORT_AFTER_MS = 500
#: How long the importing thread keeps Python's lock from the GUI thread at most, in seconds.
SWITCH_WHILE_IMPORTING_S = 0.0005
#: Qt's modules whose Python classes PySide makes when first used, made ahead (make_classes_ahead).
QT_MODULES = ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets")
#: How long the GUI thread makes classes ahead at a time, in seconds (a class takes up to 7 ms).
CLASSES_STEP_S = 0.004
#: How often the GUI thread takes its next step, in milliseconds.
CLASSES_EVERY_MS = 20


@dataclass(frozen=True)
class ViewSpec:
    """A view as the window offers it, before it is made."""

    #: The name in the settings and on the command line (--view).
    name: str
    #: The View menu's text, with its mnemonic.
    title: str
    #: The key that shows it.
    shortcut: str
    #: The module whose build(window) makes it: imported when the view is first shown.
    module: str
    #: What showing it does, for the status bar and the toolbar's tooltip (else "Show the
    #: TITLE").
    tip: str = ""

    @property
    def status_tip(self) -> str:
        """What showing the view does, in a sentence."""
        return self.tip or f"Show the {self.title.replace('&', '').lower()}"

    def build(self, window: MainWindow) -> View:
        """Make the view for *window* (importing its module now, unless imported ahead)."""
        wait_for_imports()
        view: View = importlib.import_module(self.module).build(window)
        return view


VIEWS = (
    ViewSpec(
        "stakeholders", "&Stakeholders and statements", "Ctrl+1", "carebrowser.ui.views.browse"
    ),
    ViewSpec("matrix", "Proposal &matrix", "Ctrl+2", "carebrowser.ui.views.matrix"),
    ViewSpec(
        "compare",
        "&Compare stakeholders",
        "Ctrl+3",
        "carebrowser.ui.views.compare",
        "Show two to four stakeholders side by side, proposal by proposal",
    ),
    ViewSpec("source", "Source &reader", "Ctrl+4", "carebrowser.ui.views.reader"),
    ViewSpec("network", "Coalition m&ap", "Ctrl+5", "carebrowser.ui.views.network"),
    ViewSpec("timeline", "Time&line of positions", "Ctrl+6", "carebrowser.ui.views.timeline"),
)


_importing: threading.Thread | None = None


def import_in_background() -> threading.Thread:
    """Import every view's module, then the export dialog's (AHEAD), on a thread of its own
    (once), so that showing a view or the export dialog the first time only makes its widgets
    on the GUI thread (each module took 15-70 ms there).

    Importing a view's module makes classes and a few colours and pens, never a QObject, a
    widget or a pixmap (tests/ui/test_ui_view_imports.py reads each module it imports for
    what runs at import): Qt's value types may be made on any thread, and PySide makes the
    Python classes of Qt's (its lazily made types) under the interpreter's lock. A view shown
    before the thread is done waits for it (ViewSpec.build), so that no module is imported by
    two threads at once.
    """
    global _importing
    if _importing is None:
        _importing = threading.Thread(target=_import_views, name="view imports", daemon=True)
        _importing.start()
    return _importing


#: Modules imported ahead after the views': the export dialog's (the dialog, what it exports,
#: the writers), 20 ms at the first Ctrl+E on the GUI thread.
AHEAD = ("carebrowser.ui.export_dialog", "carebrowser.ui.export_subjects")


def wait_for_imports() -> None:
    """Wait for the modules imported ahead, if they are still being imported: a view shown or
    an export asked for within a second of the start waits for them rather than import some
    of them on the GUI thread at the same time."""
    if _importing is not None and _importing.is_alive():
        _importing.join()


def imported_ahead() -> bool:
    """Whether import_in_background has imported the views' modules (and finished), and
    make_classes_ahead has made the Qt classes left."""
    return _importing is not None and not _importing.is_alive() and _unmade == []


#: The Qt classes PySide has yet to make, once listed (make_classes_ahead).
_unmade: list[tuple[ModuleType, str]] | None = None


def make_classes_ahead(budget: float = CLASSES_STEP_S) -> bool:
    """Make, for at most *budget* seconds, some of the Python classes of Qt's that PySide makes
    when first used; whether none is left. Called on the GUI thread, again and again, once the
    views' modules are imported (never meanwhile).

    PySide makes a class of Qt's, with its enums, when a program first names it, or when Qt
    first hands over an object of a class it has not made yet: the coalition map's first
    ``viewport()`` made every class of QtWidgets left, 20-40 ms in one pause. Made here a few
    at a time, they are ready when a view needs them. Only on the GUI thread: PySide makes a
    class in steps, some of them Python code at which the interpreter may switch threads, and
    nothing keeps two threads from making the same class at once (its lock for that is only in
    builds without the interpreter's lock); the importing thread is done before the first step.
    """
    global _unmade
    if _importing is None or _importing.is_alive():
        return False
    if _unmade is None:
        _unmade = []
        for name in QT_MODULES:
            module = sys.modules.get(name)
            if module is not None:  # its __dir__ lists the classes not made yet too
                made = vars(module)
                _unmade += [(module, n) for n in dir(module) if n not in made]
        _unmade.reverse()
    from carebrowser.startup import importing

    deadline = time.perf_counter() + budget
    with importing():  # kept from the collector as the modules' classes are (a few thousand)
        while _unmade and time.perf_counter() < deadline:
            owner, name = _unmade.pop()
            getattr(owner, name, None)
    return not _unmade


def _import_views() -> None:
    from carebrowser.startup import importing

    # Python hands its lock from a thread that runs Python to one that waits every 5 ms; the
    # GUI thread, which gives the lock up at many Qt calls, would wait that long at each while
    # the modules are imported (a paint of a hundred calls, half a second): 0.5 ms meanwhile.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, SWITCH_WHILE_IMPORTING_S))
    try:
        with importing():
            for module in [*(spec.module for spec in VIEWS), *AHEAD]:
                try:
                    importlib.import_module(module)
                except Exception:  # imported again where it is used, and reported there
                    log.debug("%s was not imported ahead", module, exc_info=True)
    finally:
        sys.setswitchinterval(interval)
