"""Failed exports lose nothing: no partial file is left and an existing file is untouched.

Write errors are injected where they happen in practice (creating the temporary file, writing,
flushing to disk, moving into place) and produced for real where the system allows: a file size
limit (RLIMIT_FSIZE), a name too long, a missing folder, a folder in the way, a full tmpfs.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from reliability_figures import count

from carebrowser.cli import main
from carebrowser.export import ExportError, Table
from carebrowser.export import writers as writers_module
from carebrowser.export.writers import Cancelled, write_csv
from carebrowser.export.xlsx import write_xlsx
from carebrowser.queries import Archive

EXISTING = b"\xef\xbb\xbfquote_id,stakeholder\r\nlga-01,Local Government Association\r\n" * 50
ERRORS = {
    "disk full": errno.ENOSPC,
    "permission denied": errno.EACCES,
    "read-only disk": errno.EROFS,
    "input/output error": errno.EIO,
}


def _table(rows: int = 5000) -> Table:
    return Table(("quote_id", "quote"), [(f"q-{i}", "care trusts " * 20) for i in range(rows)])


def _write(kind: str, target: Path, table: Table) -> None:
    if kind == "csv":
        write_csv(table, target)
    else:
        write_xlsx(table, target, lambda _ids: [])


def _check_nothing_lost(folder: Path, target: Path, existed: bool) -> None:
    """The folder holds only what it held; the existing file has every one of its bytes."""
    left = sorted(p.name for p in folder.iterdir())
    assert left == ([target.name] if existed else []), left
    lost = 0
    if existed:
        now = target.read_bytes()
        lost = sum(a != b for a, b in zip(now, EXISTING, strict=False))
        lost += abs(len(now) - len(EXISTING))
    count("export failures tried")
    count("bytes lost", lost)
    assert lost == 0


@pytest.fixture(params=[True, False], ids=["over an existing file", "new file"])
def existed(request: pytest.FixtureRequest) -> bool:
    """Whether the export's target exists already."""
    return bool(request.param)


def _target(tmp_path: Path, existed: bool, kind: str) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / f"quotes \u00e9.{kind}"
    if existed:
        target.write_bytes(EXISTING)
    return target


class _FailingStream:
    """A file that fails with *code* once more than *limit* characters were written."""

    def __init__(self, stream: Any, code: int, limit: int, at: str) -> None:
        self._stream, self._code, self._limit, self._at = stream, code, limit, at
        self._written = 0

    def write(self, text: str) -> int:
        self._written += len(text)
        if self._at == "write" and self._written > self._limit:
            half = text[: len(text) // 2]
            self._stream.write(half)  # a partial write, as a filling disk leaves
            raise OSError(self._code, os.strerror(self._code))
        return int(self._stream.write(text))

    def flush(self) -> None:
        self._stream.flush()
        if self._at == "flush":
            raise OSError(self._code, os.strerror(self._code))

    def fileno(self) -> int:
        return int(self._stream.fileno())

    def __enter__(self) -> _FailingStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stream.close()


@pytest.mark.parametrize("at", ["create", "write", "flush", "fsync", "replace"])
@pytest.mark.parametrize("error", list(ERRORS))
def test_a_csv_write_error_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existed: bool, error: str, at: str
) -> None:
    code = ERRORS[error]
    target = _target(tmp_path, existed, "csv")

    def fail(*_args: object, **_kwargs: object) -> Any:
        raise OSError(code, os.strerror(code))

    if at == "create":
        monkeypatch.setattr(writers_module.tempfile, "mkstemp", fail)
    elif at in ("write", "flush"):
        real_fdopen = os.fdopen
        monkeypatch.setattr(
            writers_module.os,
            "fdopen",
            lambda *a, **k: _FailingStream(real_fdopen(*a, **k), code, 20_000, at),
        )
    elif at == "fsync":
        monkeypatch.setattr(writers_module.os, "fsync", fail)
    else:
        monkeypatch.setattr(writers_module.os, "replace", fail)
    with pytest.raises(ExportError) as caught:
        write_csv(_table(), target)
    monkeypatch.undo()
    message = str(caught.value)
    assert str(target) in message and "\n" not in message and "Nothing was written" in message
    if existed:
        assert "existing file is unchanged" in message
    _check_nothing_lost(target.parent, target, existed)


@pytest.mark.parametrize("error", list(ERRORS))
def test_an_xlsx_write_error_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, existed: bool, error: str
) -> None:
    code = ERRORS[error]
    target = _target(tmp_path, existed, "xlsx")
    from openpyxl import Workbook

    real_save = Workbook.save

    def save_half(self: Any, filename: str) -> None:
        real_save(self, filename)
        with open(filename, "r+b") as half:  # a partial workbook, then the disk gives up
            half.truncate(os.path.getsize(filename) // 2)
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(Workbook, "save", save_half)
    with pytest.raises(ExportError, match="Nothing was written"):
        write_xlsx(_table(), target, lambda _ids: [])
    monkeypatch.undo()
    _check_nothing_lost(target.parent, target, existed)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_real_path_errors_lose_nothing(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    cases = {
        "name too long": folder / ("q" * 300 + f".{kind}"),
        "missing folder": folder / "no such folder" / f"quotes.{kind}",
        "a folder in the way": folder / f"a folder.{kind}",
    }
    (folder / f"a folder.{kind}").mkdir()
    for why, target in cases.items():
        with pytest.raises(ExportError) as caught:
            _write(kind, target, _table(50))
        assert str(target) in str(caught.value), why
        count("export failures tried")
    assert sorted(p.name for p in folder.iterdir()) == [f"a folder.{kind}"]
    assert list((folder / f"a folder.{kind}").iterdir()) == []


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("stop", ["cancelled", "interrupted", "database failed"])
def test_a_stopped_export_loses_nothing(
    tmp_path: Path, existed: bool, kind: str, stop: str
) -> None:
    target = _target(tmp_path, existed, kind)
    raised: type[BaseException] = {
        "cancelled": Cancelled,
        "interrupted": KeyboardInterrupt,
        "database failed": sqlite3.DatabaseError,
    }[stop]

    def rows() -> Iterator[tuple[str, str]]:
        for i in range(3000):
            if i == 2500 and stop != "cancelled":
                raise raised("database disk image is malformed")
            yield (f"q-{i}", "care trusts " * 20)

    table = Table(("quote_id", "quote"), rows())

    def progress(done: int) -> bool:
        return stop != "cancelled" or done < 1000

    with pytest.raises(raised):
        if kind == "csv":
            write_csv(table, target, progress=progress)
        else:
            write_xlsx(table, target, lambda _ids: [], progress=progress)
    _check_nothing_lost(target.parent, target, existed)


_LIMITED = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
from carebrowser.cli import main
raise SystemExit(main(sys.argv[2:]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE (POSIX)")
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_command_line_on_a_file_size_limit_loses_nothing(
    tmp_path: Path, existed: bool, kind: str
) -> None:
    """The kernel refuses to grow the file past 16 kB (EFBIG), as a full disk refuses (ENOSPC)."""
    target = _target(tmp_path, existed, kind)
    done = subprocess.run(
        [sys.executable, "-c", _LIMITED, "16384", "export", "quotes", "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1 and str(target) in done.stderr
    assert "Traceback" not in done.stderr
    _check_nothing_lost(target.parent, target, existed)


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 64 kB tmpfs, where the system lets us mount one (root on Linux); else skipped."""
    mount = tmp_path / "small disk"
    mount.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root on Linux")
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_full_disk_loses_nothing(
    small_tmpfs: Path, archive: Archive, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    target = small_tmpfs / f"quotes.{kind}"
    target.write_bytes(EXISTING)
    filler = small_tmpfs / "filler"
    filler.write_bytes(b"\0" * (64 * 1024 - 2 * len(EXISTING) - 8192))
    filler_bytes = filler.read_bytes()
    assert main(["export", "quotes", "-o", str(target)]) == 1
    _out, err = capsys.readouterr()
    assert "disk is full" in err and err.count("\n") == 1
    filler.unlink()
    _check_nothing_lost(small_tmpfs, target, True)
    assert len(filler_bytes) > 0


def _no_write_permission_possible() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(_no_write_permission_possible(), reason="root ignores folder permissions")
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_read_only_folder_loses_nothing(tmp_path: Path, existed: bool, kind: str) -> None:
    target = _target(tmp_path, existed, kind)
    target.parent.chmod(0o555)
    try:
        with pytest.raises(ExportError, match="permission was denied"):
            _write(kind, target, _table(50))
    finally:
        target.parent.chmod(0o755)
    _check_nothing_lost(target.parent, target, existed)


def test_cli_export_error_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "quotes.csv"
    target.write_bytes(EXISTING)

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(writers_module.os, "fsync", full)
    assert main(["export", "quotes", "-o", str(target)]) == 1
    _out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "the disk is full" in err and str(target) in err
    _check_nothing_lost(tmp_path, target, True)
