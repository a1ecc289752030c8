"""The stance cells of the matrix and the comparison, answered in one role (STANCE_CELL_ROLE),
paint and measure exactly as when the delegate asks for each role in turn."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QIdentityProxyModel, QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QTableView
from pytestqt.qtbot import QtBot
from ui_helpers import LGA, MILBURN, stakeholder

from carebrowser.queries import Archive, Filters
from carebrowser.ui.delegates import StanceDelegate
from carebrowser.ui.models.comparison import FIXED_COLUMNS, ComparisonModel
from carebrowser.ui.models.matrix import MatrixModel
from carebrowser.ui.models.roles import (
    BLANK_CELL,
    NOTE_ROLE,
    STANCE_CELL_ROLE,
    STANCE_ROLE,
    StanceCell,
)

STATES = {
    "plain": QStyle.StateFlag.State_Enabled,
    "selected": QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_Selected,
    "focused": QStyle.StateFlag.State_Enabled | QStyle.StateFlag.State_HasFocus,
}


class RoleByRole(QIdentityProxyModel):
    """The same model, without the one-answer role: the delegate asks for each role."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if role == STANCE_CELL_ROLE:
            return None
        return super().data(index, role)


def matrix_model(archive: Archive) -> MatrixModel:
    return MatrixModel(archive.matrix(Filters()))


def comparison_model(archive: Archive) -> ComparisonModel:
    model = ComparisonModel()
    chosen = [stakeholder(archive, LGA), stakeholder(archive, MILBURN)]
    model.set_comparison(chosen, archive.compare([s.id for s in chosen]))
    return model


MODELS = pytest.mark.parametrize(
    "make", [matrix_model, comparison_model], ids=["matrix", "compare"]
)


def painted(table: QTableView, index: QModelIndex, state: QStyle.StateFlag, width: int) -> QImage:
    """The cell *index* as the delegate paints it, *width* pixels wide."""
    delegate = StanceDelegate(table)
    option = QStyleOptionViewItem()
    option.initFrom(table)
    option.widget = table
    option.state = state
    option.features |= QStyleOptionViewItem.ViewItemFeature.WrapText
    size = delegate.sizeHint(option, index)
    option.rect = QRect(0, 0, width, max(size.height(), 20))
    image = QImage(width, option.rect.height(), QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    delegate.paint(painter, option, index)
    painter.end()
    return image


@MODELS
def test_one_answer_says_what_the_roles_say(qtbot: QtBot, archive: Archive, make: Any) -> None:
    model = make(archive)
    stances = blanks = 0
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            cell = index.data(STANCE_CELL_ROLE)
            stance = index.data(STANCE_ROLE)
            if stance is None:
                assert cell in (None, BLANK_CELL)
                blanks += cell == BLANK_CELL
                continue
            font = index.data(Qt.ItemDataRole.FontRole)
            assert cell == StanceCell(
                stance,
                index.data(Qt.ItemDataRole.DisplayRole),
                str(index.data(NOTE_ROLE) or ""),
                bool(font is not None and font.italic()),
            )
            stances += 1
    assert stances >= 5
    if isinstance(model, MatrixModel):
        assert blanks > 0  # the matrix's cells without a position


@MODELS
def test_cells_paint_and_measure_as_role_by_role(qtbot: QtBot, archive: Archive, make: Any) -> None:
    model = make(archive)
    proxy = RoleByRole()
    proxy.setSourceModel(model)
    table = QTableView()
    qtbot.addWidget(table)
    delegate = StanceDelegate(table)
    option = QStyleOptionViewItem()
    option.initFrom(table)
    option.rect = QRect(0, 0, 260, 0)
    checked = set()
    first = 0 if isinstance(model, MatrixModel) else len(FIXED_COLUMNS)
    for row in range(min(model.rowCount(), 12)):
        for column in range(first, model.columnCount()):
            index = model.index(row, column)
            kind = index.data(STANCE_CELL_ROLE)
            kind_name = "blank" if kind == BLANK_CELL else "note" if kind and kind.note else "chip"
            if kind is None:
                continue
            other = proxy.mapFromSource(index)
            assert delegate.sizeHint(option, index) == delegate.sizeHint(option, other)
            for name, state in STATES.items():
                fast, slow = painted(table, index, state, 260), painted(table, other, state, 260)
                assert fast == slow, (row, column, name)
                checked.add((kind_name, name))
    kinds = {kind for kind, _state in checked}
    assert kinds >= ({"blank", "chip"} if first == 0 else {"note"})
