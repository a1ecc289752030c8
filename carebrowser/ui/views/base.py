"""What every view is to the window: a page, its panels, and what it does when things change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QByteArray, Qt, SignalInstance
from PySide6.QtGui import QAction, QResizeEvent
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QSplitter, QWidget

from carebrowser.queries import Filters

if TYPE_CHECKING:
    from carebrowser.ui.export_subjects import ExportSubject


class ExportablePanel(Protocol):
    """A panel whose rows can be copied and exported, and whose status the window shows."""

    @property
    def status_changed(self) -> SignalInstance:
        """Emitted when status_text() changes."""

    def export_subject(self, filters: Filters) -> ExportSubject:
        """What Ctrl+E exports here: the selection, or all shown; *filters* are the filter bar's."""

    def selection_count(self) -> int:
        """How many rows (or cells) are selected."""

    def status_text(self) -> str:
        """What the panel shows, for the status bar."""

    def isAncestorOf(self, child: QWidget) -> bool:
        """Whether *child* is inside the panel."""


class View:
    """One of the window's views, made when first shown (the first one at start).

    *panels* are in the order Ctrl+E looks for the focus in them; *menus* the lists that offer
    Copy and Export on a right click.
    """

    def __init__(
        self,
        page: QWidget,
        panels: Sequence[ExportablePanel],
        menus: Sequence[tuple[QAbstractItemView, ExportablePanel]] = (),
    ) -> None:
        self.page = page
        self.panels = tuple(panels)
        self.menus = tuple(menus)

    def read(self, filters: Filters) -> None:
        """Read what the view shows, once it is in the window (the filter bar's *filters*)."""
        self.filters_changed(filters)

    def filters_changed(self, filters: Filters) -> None:
        """Follow the filter bar's new *filters*."""

    def reload(self, filters: Filters) -> None:
        """Read again what the view shows (Retry, once the database answers again)."""

    def focus(self) -> None:
        """Give the focus to the view's main list or text."""

    def status_text(self) -> str:
        """The status bar's text while the view is shown: its panels', in order."""
        return " \u00b7 ".join(panel.status_text() for panel in self.panels)

    def export_panel(self, focus: QWidget | None) -> ExportablePanel:
        """The panel Ctrl+E and Ctrl+C act on: the one holding *focus*, else the first."""
        for panel in self.panels:
            if focus is not None and panel.isAncestorOf(focus):
                return panel
        return self.panels[0]


def follow(action: QAction, box: QAbstractButton) -> None:
    """Keep a view option's menu action and its check box in step (the action leads)."""
    box.setChecked(action.isChecked())
    action.toggled.connect(box.setChecked)
    box.toggled.connect(action.setChecked)


class _Splitter(QSplitter):
    """A splitter whose panels share its first size as told, unless its sizes were restored."""

    def __init__(self, orientation: Qt.Orientation, parent: QWidget, shares: Sequence[int]) -> None:
        super().__init__(orientation, parent)
        self._shares = tuple(shares)

    def restoreState(self, state: QByteArray | bytes | bytearray | memoryview) -> bool:
        restored = super().restoreState(state)
        if restored:
            self._shares = ()
        return restored

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._shares and len(self._shares) == self.count() and self.isVisible():
            # Its size is known only now that the window is laid out (not when it was made).
            length = sum(self.sizes())
            total = sum(self._shares)
            self.setSizes([length * share // total for share in self._shares])
            self._shares = ()


def splitter(
    parent: QWidget,
    name: str,
    orientation: Qt.Orientation,
    *widgets: QWidget,
    shares: Sequence[int] = (),
) -> QSplitter:
    """A named splitter (its sizes are remembered) that never collapses a panel away; its
    panels first share its length as *shares* say (and as their stretch, when it grows)."""
    split = _Splitter(orientation, parent, shares)
    split.setObjectName(name)
    split.setChildrenCollapsible(False)
    for number, widget in enumerate(widgets):
        split.addWidget(widget)
        if number < len(shares):
            split.setStretchFactor(number, shares[number])
    return split
