"""The statements table measures each row once, and paints a new page once."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QTableView
from pytestqt.qtbot import QtBot

from carebrowser.queries import Archive, Filters
from carebrowser.ui.delegates import EDITORIAL_LABEL
from carebrowser.ui.models.quotes import STATEMENT, QuoteTableModel
from carebrowser.ui.quote_panel import QuotePanel
from carebrowser.ui.sizing import row_height_cap


@pytest.fixture
def panel(qtbot: QtBot, archive: Archive) -> Iterator[QuotePanel]:
    """A statements panel, shown at a laptop window's share of the width."""
    shown = QuotePanel(archive, "Statements")
    qtbot.addWidget(shown)
    shown.resize(800, 700)
    shown.show()
    qtbot.waitExposed(shown)
    yield shown
    shown.close()


class _Counter(QObject):
    """Counts paint events on the object it filters."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


def _settle(qtbot: QtBot) -> None:
    for _ in range(3):
        QApplication.processEvents()
        qtbot.wait(20)


def _measured_rows(monkeypatch: pytest.MonkeyPatch, panel: QuotePanel) -> list[int]:
    """Rows of *panel*'s table measured from now on, in order."""
    rows: list[int] = []
    measure = panel.rows._measure

    def counting(row: int) -> None:
        rows.append(row)
        measure(row)

    monkeypatch.setattr(panel.rows, "_measure", counting)
    return rows


def _fitted(table: QTableView, row: int) -> int:
    """The height a row's text asks for, up to the cap (the tooltip has the rest)."""
    return min(table.sizeHintForRow(row), row_height_cap(table))


def test_each_row_is_measured_once_and_fits_its_text(
    qtbot: QtBot, panel: QuotePanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel.set_sort("source", descending=True)
    with qtbot.waitSignal(panel.shown):
        panel.show_statements(Filters(), "All statements")  # a table of them, as a window has
    _settle(qtbot)
    measured = _measured_rows(monkeypatch, panel)
    with qtbot.waitSignal(panel.shown, timeout=10_000):  # read off the GUI thread
        panel.set_sort("stakeholder", descending=True)  # statements not shown before
    _settle(qtbot)
    table, model = panel.table, panel.model
    assert model.rowCount() > 0
    # Once each (ResizeToContents measured every row three times, on each layout).
    assert sorted(measured) == list(range(model.rowCount()))
    for row in range(model.rowCount()):
        assert table.rowHeight(row) == _fitted(table, row) > table.fontMetrics().height()
    # The same statements shown again keep their heights: nothing is measured.
    measured.clear()
    panel.set_sort("source", descending=True)  # superseded at once: never shown
    with qtbot.waitSignal(panel.shown, timeout=10_000):
        panel.set_sort("stakeholder", descending=True)
    _settle(qtbot)
    assert measured == []
    assert all(table.rowHeight(r) == _fitted(table, r) for r in range(model.rowCount()))


def test_rows_are_measured_again_when_a_column_is_narrowed(qtbot: QtBot, panel: QuotePanel) -> None:
    with qtbot.waitSignal(panel.shown):
        panel.show_statements(Filters(), "All statements")
    _settle(qtbot)
    table = panel.table
    before = [table.rowHeight(r) for r in range(panel.model.rowCount())]
    width = table.columnWidth(STATEMENT)
    panel.resize(700, 700)  # the statement column stretches: narrower, so taller rows
    qtbot.waitUntil(lambda: table.columnWidth(STATEMENT) < width)
    _settle(qtbot)
    after = [table.rowHeight(r) for r in range(panel.model.rowCount())]
    assert sum(after) > sum(before)
    assert after == [_fitted(table, r) for r in range(panel.model.rowCount())]
    assert panel.rows.measured == panel.model.rowCount()


def test_a_new_page_of_statements_is_painted_once(qtbot: QtBot, panel: QuotePanel) -> None:
    with qtbot.waitSignal(panel.shown):
        panel.show_statements(Filters(), "All statements")
    _settle(qtbot)
    counter = _Counter()
    panel.table.viewport().installEventFilter(counter)
    with qtbot.waitSignal(panel.shown, timeout=10_000):  # read off the GUI thread
        panel.set_sort("source", descending=False)  # the next page is another page
    _settle(qtbot)
    assert counter.paints == 1  # not again when the view's own layout timer runs


def test_the_model_works_out_a_row_s_texts_once(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = QuoteTableModel(lambda *_args: archive.quotes(Filters(), limit=5))
    worked_out: list[int] = []
    display = QuoteTableModel._display

    def counting(quote: object, column: int) -> str:
        worked_out.append(column)
        return display(quote, column)  # type: ignore[arg-type]

    monkeypatch.setattr(QuoteTableModel, "_display", staticmethod(counting))
    index = model.index(0, STATEMENT)
    texts = {index.data() for _ in range(10)}
    assert len(texts) == 1 and next(iter(texts))
    assert sorted(worked_out) == list(range(model.columnCount()))  # each column once
    assert model.index(0, 0).data() and len(worked_out) == model.columnCount()


def test_a_statement_is_laid_out_once_to_measure_and_paint_its_cell(
    qtbot: QtBot, panel: QuotePanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    with qtbot.waitSignal(panel.shown):
        panel.show_statements(Filters(), "All statements")
    _settle(qtbot)
    laid_out: list[str] = []
    set_html = QTextDocument.setHtml

    def counting(document: QTextDocument, text: str) -> None:
        laid_out.append(text)
        set_html(document, text)

    monkeypatch.setattr(QTextDocument, "setHtml", counting)
    with qtbot.waitSignal(panel.shown, timeout=10_000):  # read off the GUI thread
        panel.set_sort("stakeholder", descending=True)  # statements not shown before
    _settle(qtbot)
    panel.table.viewport().repaint()
    model = panel.model
    texts = [str(model.index(row, STATEMENT).data()) for row in range(model.rowCount())]
    assert texts
    # Once each, to measure its row; the paint used the same layout, made for the same width.
    for text in texts:
        body = html.escape(text).replace("\n", "<br>")
        assert sum(laid in (body, f"<b>{EDITORIAL_LABEL}:</b> {body}") for laid in laid_out) == 1
