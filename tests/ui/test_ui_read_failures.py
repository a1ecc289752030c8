"""A read that fails (the file damaged or gone, the server stopped) leaves every model usable,
and closing the window reads nothing."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from PySide6.QtCore import QAbstractItemModel
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import event
from ui_helpers import LGA, proposal, settle, stakeholder

from carebrowser.queries import Archive, Filters, Page, QuoteRow, QuoteSort
from carebrowser.ui import settings as options
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.models.matrix import Cursor, MatrixModel, MatrixRows
from carebrowser.ui.models.quotes import QuoteTableModel, statements_fetch
from carebrowser.ui.models.stakeholders import StakeholderTreeModel
from carebrowser.ui.settings import Settings

GONE = "disk I/O error"


def _fails(*_args: object, **_kwargs: object) -> Any:
    raise sqlite3.OperationalError(GONE)


class Resets:
    """Counts a model's resets begun and ended."""

    def __init__(self, model: QAbstractItemModel) -> None:
        self.begun = self.ended = 0
        model.modelAboutToBeReset.connect(self._begin)
        model.modelReset.connect(self._end)

    def _begin(self) -> None:
        self.begun += 1

    def _end(self) -> None:
        self.ended += 1


def _labels(model: StakeholderTreeModel) -> list[tuple[str, list[str]]]:
    tree = []
    for row in range(model.rowCount()):
        category = model.index(row, 0)
        names = [model.index(r, 0, category).data() for r in range(model.rowCount(category))]
        tree.append((category.data(), names))
    return tree


def test_a_failed_read_inside_a_reset_leaves_the_stakeholder_list_usable(
    qtmodeltester: ModelTester, archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = StakeholderTreeModel(archive, page_size=3)
    model.count_categories()
    qtmodeltester.check(model)
    before = _labels(model)
    resets = Resets(model)
    # The first screenful fails: mid-reset.
    monkeypatch.setattr(archive, "first_stakeholders", _fails)
    with pytest.raises(sqlite3.OperationalError, match=GONE):
        model.set_filter((), "a")
    assert (resets.begun, resets.ended) == (1, 1)  # the reset ended
    assert _labels(model) == before  # what was read before stays
    assert model.name == "a"  # what was asked for is kept, to be read again
    qtmodeltester.check(model)
    local = model.category_index("local government")
    assert local.isValid() and not model.has_more(local)  # no page after another filter's

    monkeypatch.undo()
    model.set_filter((), "a", force=True)  # the database is back: read again what was asked
    assert (resets.begun, resets.ended) == (2, 2)
    qtmodeltester.check(model)
    shown = [name for _category, names in _labels(model) for name in names]
    assert shown and all("a" in name.casefold() for name in shown)
    assert model.total() == sum(c.count for c in archive.category_counts((), "a"))
    model.set_filter((), "")
    assert model.index_of(stakeholder(archive, LGA).id).isValid()


def test_a_failed_read_empties_the_statements_and_ends_the_reset(
    qtmodeltester: ModelTester, archive: Archive
) -> None:
    model = QuoteTableModel(statements_fetch(archive, Filters()), page_size=20)
    qtmodeltester.check(model)
    assert model.rowCount() >= 20 and model.canFetchMore(model.index(-1, -1))
    resets = Resets(model)

    def gone(
        _sort: QuoteSort, _descending: bool, _after: tuple[object, ...] | None, _limit: int
    ) -> Page[QuoteRow]:
        raise sqlite3.OperationalError(GONE)

    with pytest.raises(sqlite3.OperationalError):
        model.set_source(gone, "trusts")
    assert (resets.begun, resets.ended) == (1, 1)
    # Not the previous statements as if they were the new ones: none, and nothing to fetch.
    assert model.rowCount() == 0 and not model.canFetchMore(model.index(-1, -1))
    qtmodeltester.check(model)
    with pytest.raises(sqlite3.OperationalError):
        model.set_sort("source")
    assert (resets.begun, resets.ended) == (2, 2)
    assert model.sort_by == "source"
    qtmodeltester.check(model)

    model.set_source(statements_fetch(archive, Filters(search="trusts")), "trusts")
    expected = archive.quotes(Filters(search="trusts"), sort="source", limit=20).rows
    assert [model.quote(r).id for r in range(model.rowCount())] == [q.id for q in expected]
    qtmodeltester.check(model)


def test_a_matrix_that_cannot_be_read_leaves_the_one_shown(
    qtmodeltester: ModelTester, archive: Archive
) -> None:
    model = MatrixModel()
    model.set_matrix(archive.matrix(Filters()))
    qtmodeltester.check(model)
    before = model.matrix
    resets = Resets(model)

    def gone(_after: Cursor) -> MatrixRows:
        raise sqlite3.OperationalError(GONE)

    with pytest.raises(sqlite3.OperationalError):
        model.set_lazy(archive.proposals(), gone)
    assert (resets.begun, resets.ended) == (0, 0)  # read before the reset: nothing changed
    assert model.matrix is before
    qtmodeltester.check(model)


def test_closing_the_window_reads_nothing_and_keeps_the_filters(
    qtbot: QtBot, window: MainWindow, archive: Archive, settings: Settings
) -> None:
    # Reading on the way out would open a connection after the database was let go of (or
    # wait for a server that is gone); the filters are kept as they were when applied.
    trusts = proposal(archive, "children's trusts")
    source = archive.sources()[0]
    window.filter_bar.set_filters(
        Filters(proposals=frozenset({trusts.id}), sources=frozenset({source.id}), search="care")
    )
    window.filter_bar.search.setText("care trusts")  # then only the search changes
    window.filter_bar.search.returnPressed.emit()
    settle(qtbot)  # the statements asked for are read (off the GUI thread) before closing
    run: list[str] = []

    def record(*args: object) -> None:
        run.append(str(args[2]))

    event.listen(archive.engine, "before_cursor_execute", record)
    try:
        window.close()
    finally:
        event.remove(archive.engine, "before_cursor_execute", record)
    assert run == []
    saved = json.loads(settings.value(options.FILTERS))
    assert saved["proposals"] == [trusts.key] and saved["sources"] == [source.key]
    assert settings.filters(archive) == Filters(
        proposals=frozenset({trusts.id}), sources=frozenset({source.id}), search="care trusts"
    )
