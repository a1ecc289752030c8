"""A guard for item-model methods that answer 'no data' with None.

PySide6 6.12 on Python 3.11 drops one reference to None each time C++ calls a Python data() or
headerData() that returns None (measured: 1,000 calls through QModelIndex.data() take 1,000
references). Views ask for many roles a model does not handle, so a session would end in
"Fatal Python error: deallocating None". Python 3.12 made None immortal, which makes this moot,
and PySide6 before 6.12 does not drop the reference (the guard costs a fifth of each data() call).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import PySide6

F = TypeVar("F", bound=Callable[..., Any])

_MORTAL_NONE = sys.version_info < (3, 12) and PySide6.__version_info__[:2] >= (6, 12)


def returns_variant(method: F) -> F:
    """Give None back the reference the binding takes when *method* returns it to C++.

    An extra reference to None is harmless, one too few is fatal; so this errs on the safe side
    when the method is called from Python instead.
    """
    if not _MORTAL_NONE:
        return method
    import ctypes  # only here: importing it costs a few milliseconds of every start

    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None

    @functools.wraps(method)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        result = method(*args, **kwargs)
        if result is None:
            incref(None)
        return result

    return guarded  # type: ignore[return-value]
