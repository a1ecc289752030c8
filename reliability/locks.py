"""A database locked by another program, for the harness and the tests."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

_HOLD_LOCK = (
    "import sqlite3, sys\n"
    "connection = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "connection.execute('BEGIN EXCLUSIVE')\n"
    "print('locked', flush=True)\n"
    "sys.stdin.read()\n"
)


@contextlib.contextmanager
def locked_by_another_program(path: Path, timeout: float = 30.0) -> Iterator[None]:
    """Hold an exclusive lock on *path* from another process, as another program would.

    Not from this one: closing any descriptor of a file drops the process's POSIX locks on it,
    and callers read the file (to hash it, for one).
    """
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        if holder.stdout is None or holder.stdout.readline().strip() != "locked":
            raise RuntimeError(f"could not lock {path}")
        yield
    finally:
        holder.communicate("", timeout=timeout)
