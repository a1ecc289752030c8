"""Pickers that a typed name narrows: a popup of the matches, grouped as the list groups them.

The matches are read on a reading thread (ui/reads.py): the list shown stays until the matches
of the latest text arrive; Enter pressed before they do chooses the best of them when they come.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QVBoxLayout,
    QWidget,
)

from carebrowser.ui.models.choices import Choice, ChoicePage, PagedChoiceListModel
from carebrowser.ui.reads import ReadStream
from carebrowser.ui.widgets import LazyComboBox, named, own_viewport

#: Reads a page of the choices whose name contains the text, after a cursor (None: the first).
ChoiceSearch = Callable[[str, object | None], ChoicePage]
#: Keys the finder's text box hands to its list.
_LIST_KEYS = frozenset({Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown})
_ENTER = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter})
_CHORDS = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier


def typed_text(event: QKeyEvent) -> str:
    """The printable text a key press types (no Ctrl or Alt chord), or ''."""
    text = event.text()
    if text and text.isprintable() and not event.modifiers() & _CHORDS:
        return text
    return ""


def _initials(name: str) -> str:
    """'lga' for 'local government association'."""
    return "".join(word[0] for word in name.split() if word[0].isalnum())


class ChoiceFinder(QFrame):
    """A popup under a picker: a text box, and the choices whose name contains its text.

    Up and Down move among the matches (headings are stepped over), Enter or a click chooses,
    Escape (or a click elsewhere) closes it and leaves the picker as it was. Text that matches
    nothing says so, and chooses nothing.
    """

    chosen = Signal(object)
    #: The matches of the text typed last are shown (or why there are none).
    shown = Signal()

    def __init__(self, picker: QWidget, search: ChoiceSearch, noun: str) -> None:
        super().__init__(picker, Qt.WindowType.Popup)
        self._picker = picker
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._search = search
        self.noun = noun
        self.edit = named(
            QLineEdit(self),
            f"Find a {noun}",
            f"Type part of a {noun}'s name, alias or role; Up and Down move, Enter chooses, "
            "Escape keeps the choice as it was",
        )
        self.matches = named(
            QListView(self),
            f"Matching {noun}s",
            f"The {noun}s whose name, alias or role holds the text typed, under their categories",
        )
        own_viewport(self.matches)
        self.matches.setUniformItemSizes(True)
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the text box
        self.matches.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.matches.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.matches.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.edit)
        layout.addWidget(self.message)
        layout.addWidget(self.matches, 1)
        layout.addStretch(0)  # the message at the top when nothing matches
        self.setFocusProxy(self.edit)
        self.model: PagedChoiceListModel | None = None
        #: The first page of the matches of the text typed, and the further ones as the list
        #: scrolls, are read off the GUI thread.
        self.reads = ReadStream(self)
        self._pages = ReadStream(self)
        self.reads.busy_changed.connect(self._busy)
        #: Enter was pressed before the matches of the text typed arrived.
        self._choose_when_read = False
        self.edit.textChanged.connect(self._refilter)
        self.edit.installEventFilter(self)
        self.matches.clicked.connect(self._choose)

    def open(self, text: str) -> None:
        """Show the popup under the picker with *text* typed into it."""
        self.edit.setText(text)
        self._refilter(text)  # even when the text is the one typed last time
        picker = self._picker
        rows = self.matches.sizeHintForRow(0) if self.model and self.model.rowCount() else 20
        width = max(picker.width(), 36 * self.fontMetrics().averageCharWidth())
        height = self.edit.sizeHint().height() + 2 * self.message.sizeHint().height() + 12 * rows
        place = QRect(picker.mapToGlobal(QPoint(0, picker.height())), self.sizeHint())
        place.setSize(place.size().expandedTo(QSize(width, height)))
        screen = picker.screen().availableGeometry()
        place.setWidth(min(place.width(), screen.width()))
        place.setHeight(min(place.height(), screen.height() // 2))
        if place.bottom() > screen.bottom():  # above the picker, where there is no room below
            place.moveBottom(picker.mapToGlobal(QPoint(0, 0)).y() - 1)
        place.moveLeft(max(screen.left(), min(place.left(), screen.right() - place.width())))
        place.moveTop(max(screen.top(), place.top()))
        self.setGeometry(place)
        self.show()
        self.edit.setFocus(Qt.FocusReason.PopupFocusReason)
        self.edit.end(False)

    def type(self, text: str) -> None:
        """Add *text* to what is typed (keys that reached the picker while this was open)."""
        self.edit.insert(text)

    def _refilter(self, text: str) -> None:
        typed, search = text.strip(), self._search
        self._pages.cancel()
        self.reads.read(
            lambda: search(typed, None), lambda page: self._read(typed, page), self._not_read
        )

    def _read(self, typed: str, page: ChoicePage) -> None:
        """Show the first page of the matches of *typed*; the others are read as it scrolls."""
        search = self._search
        model = PagedChoiceListModel([], lambda after: search(typed, after), self)
        model.read_off_thread(self._pages.read, self._not_read)
        model.start_with(*page)
        choose, self._choose_when_read = self._choose_when_read, False
        if model.rowCount() == 0:
            shown = f" \u2018{typed}\u2019" if typed else ""
            self._show(
                None,
                f"No {self.noun} matches{shown}. Type less or other letters, or press Escape to "
                "keep the choice as it was.",
            )
            model.deleteLater()
            self.shown.emit()
            return
        self._show(model, "")
        best = self._best_row(model, typed)
        self.matches.setCurrentIndex(model.index(best))
        self.matches.scrollTo(model.index(best))
        self.shown.emit()
        if choose:
            self._choose()

    def _not_read(self, error: BaseException) -> None:
        self._choose_when_read = False
        self._show(None, f"The {self.noun}s could not be read ({error}); type again to retry.")
        self.shown.emit()

    def _busy(self, busy: bool) -> None:
        if busy:  # the list shown stays until the matches arrive
            self.message.setText(f"Finding the {self.noun}s that match\u2026")
            self.message.setVisible(True)

    def _show(self, model: PagedChoiceListModel | None, message: str) -> None:
        old, self.model = self.model, model
        self.matches.setModel(model)
        self.matches.setVisible(model is not None)
        if old is not None:
            old.deleteLater()
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.edit.setAccessibleDescription(message or self.matches.accessibleDescription())

    @staticmethod
    def _best_row(model: PagedChoiceListModel, typed: str) -> int:
        """The first choice whose name starts with *typed*, else the first whose name holds it,
        else whose initials start with it, else the first (its alias or role holds it)."""
        folded = typed.casefold()
        rows = [r for r in range(model.rowCount()) if not model.is_heading(r)]
        names = [(r, str(getattr(model.value(r), "name", "")).casefold()) for r in rows]
        for found in (
            next((r for r, n in names if n.startswith(folded)), None),
            next((r for r, n in names if folded in n), None),
            # 'lga' for the Local Government Association
            next((r for r, n in names if _initials(n).startswith(folded)), None),
        ):
            if found is not None:
                return found
        return rows[0] if rows else 0

    def current(self) -> Choice | None:
        """The choice highlighted, or None (no match, or a heading)."""
        index = self.matches.currentIndex()
        if self.model is None or not index.isValid() or self.model.is_heading(index.row()):
            return None
        return self.model.choice(index.row())

    def _choose(self, index: QModelIndex | None = None) -> None:
        if index is not None and self.model is not None and index.isValid():
            if self.model.is_heading(index.row()):
                return
            self.matches.setCurrentIndex(index)
        choice = self.current()
        if choice is None:
            return  # nothing matches: the message says so, and the picker keeps its choice
        self.hide()
        self.chosen.emit(choice)

    def hideEvent(self, event: QHideEvent) -> None:
        # Closed (Escape, a choice, a click elsewhere): matches still on their way are not shown.
        self.reads.cancel()
        self._pages.cancel()
        self._choose_when_read = False
        super().hideEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in _LIST_KEYS:
                QApplication.sendEvent(self.matches, event)
                return True
            if key in _ENTER:
                if self.reads.reading():
                    self._choose_when_read = True  # the best match of what was typed
                else:
                    self._choose()
                return True
            if key == Qt.Key.Key_Escape:
                self.reads.cancel()
                self._choose_when_read = False
                self.hide()
                return True
        return super().eventFilter(watched, event)


class FindingComboBox(LazyComboBox):
    """A LazyComboBox (a PagedChoiceListModel, read a page at a time) that typing narrows:
    a letter typed into it, closed or open, opens a ChoiceFinder with it, and the match chosen
    there becomes the box's choice (pinned to its list when not read yet)."""

    def __init__(
        self,
        search: ChoiceSearch,
        noun: str,
        parent: QWidget | None = None,
        *,
        listed_as: Callable[[Choice], Choice] | None = None,
    ) -> None:
        super().__init__(parent)
        #: The box's own entry for a match (the finder's may say more).
        self._listed_as = listed_as or (lambda choice: choice)
        self.finder = ChoiceFinder(self, search, noun)
        self.finder.chosen.connect(self._found)
        self.view().installEventFilter(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = typed_text(event)
        if text and self.finder.isVisible():
            self.finder.type(text)  # a key that came here while the finder was opening
        elif not text or text == " ":
            super().keyPressEvent(event)  # Space opens the list, as in every drop-down list
        else:
            self.finder.open(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Typing into the open list narrows it as typing into the closed box does.
        if watched is self.view() and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            text = typed_text(event)
            if text and text != " ":
                self.hidePopup()
                self.finder.open(text)
                return True
        return super().eventFilter(watched, event)

    def _found(self, choice: Choice) -> None:
        model = self._paged()
        if model is not None:
            self.setCurrentIndex(model.pin(self._listed_as(choice)))
        self.setFocus(Qt.FocusReason.PopupFocusReason)
