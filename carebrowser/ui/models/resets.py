"""Model resets that end even when reading the database fails inside them."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from PySide6.QtCore import QAbstractItemModel


@contextlib.contextmanager
def resetting(model: QAbstractItemModel) -> Iterator[None]:
    """``beginResetModel()`` now, ``endResetModel()`` however the block ends.

    A read that raises inside a reset (a lost server, a damaged file) would otherwise leave the
    model's views waiting for the end of the reset, and the next reset would nest in it.
    """
    model.beginResetModel()
    try:
        yield
    finally:
        model.endResetModel()
