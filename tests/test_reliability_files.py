"""Exports under signals, umasks, odd terminals and cells Excel cannot hold: nothing lost or cut.

- SIGINT, SIGTERM and SIGHUP sent to `carebrowser export` while it writes: no file left beside the
  target, an existing file unchanged. After SIGKILL (which nothing can catch) the next export into
  that folder removes the temporary file, and only temporary files of this user and computer
  whose process is gone.
- A new export gets the mode the umask gives; a replaced file keeps its own.
- XLSX: a CR in a cell is kept (as Excel writes it, _x000D_); a cell longer than Excel's 32,767
  characters is refused with a sentence naming its row, never cut.
- Standard output in latin-1, ASCII, cp1252, UTF-16 or the C locale: the CSV still comes out as
  UTF-8, and messages never end in UnicodeEncodeError.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.escape import unescape
from reliability_figures import count

from carebrowser.cli import main
from carebrowser.export import ExportError, Table, write_csv
from carebrowser.export.writers import TEMPORARY_MARK, remove_leftovers
from carebrowser.export.xlsx import CELL_LIMIT, write_xlsx

EXISTING = b"\xef\xbb\xbfquote_id,stakeholder\r\nlga-01,Local Government Association\r\n"

#: Runs the command line with the writers stopped half-way: they write part of the rows, say
#: "writing" on stdout, then wait (as a long export does) for the signal the test sends.
_HALF_WAY = """
import sys, time
from carebrowser.export import writers, xlsx

def half_way(*args, **kwargs):
    stream = args[1] if len(args) > 1 else None
    if hasattr(stream, "write"):
        stream.write("quote_id,quote\\r\\n" + "q,care trusts\\r\\n" * 1000)
        stream.flush()
    print("writing", flush=True)
    time.sleep(60)

writers._write_batches = writers._write_rows = xlsx._sheet = half_way
from carebrowser.launch import main
sys.argv[0] = "carebrowser"
main()
"""


def _export_process(target: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _HALF_WAY, "export", "quotes", "-o", str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "writing"
    return process


def _left_beside(folder: Path, target: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p != target)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("signum", ["SIGINT", "SIGTERM", "SIGHUP"])
@pytest.mark.parametrize("existed", [True, False], ids=["over a file", "new file"])
def test_a_signal_during_an_export_leaves_nothing(
    tmp_path: Path, kind: str, signum: str, existed: bool
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / f"quotes.{kind}"
    if existed:
        target.write_bytes(EXISTING)
    process = _export_process(target)
    assert any(TEMPORARY_MARK in name for name in _left_beside(folder, target))
    process.send_signal(getattr(signal, signum))
    _out, err = process.communicate(timeout=60)
    left = _left_beside(folder, target)
    count("signals sent during exports")
    count("files left by signals", len(left))
    assert process.returncode == 130, err
    assert "Traceback" not in err and err.count("\n") == 1 and "interrupted" in err
    assert left == []
    if existed:
        assert target.read_bytes() == EXISTING
    else:
        assert not target.exists()


def test_after_sigkill_the_next_export_removes_what_was_left(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "quotes.csv"
    process = _export_process(target)
    process.kill()
    process.communicate(timeout=60)
    (leftover,) = _left_beside(folder, target)
    assert TEMPORARY_MARK in leftover and str(process.pid) in leftover
    count("signals sent during exports")
    host = next(p for p in leftover.split("-") if p and p != str(process.pid))
    kept = [
        "notes.txt",
        f".quotes.csv.{TEMPORARY_MARK}-{host}-1-abcdefgh.part",  # process 1 is running
        f".quotes.csv.{TEMPORARY_MARK}-elsewhere-{process.pid}-abcdefgh.part",  # another computer
        f".quotes.csv.{TEMPORARY_MARK}-{host}-{process.pid}-abcdefgh.xlsx",  # not ours
    ]
    for name in kept:
        (folder / name).write_text("someone else's")
    write_csv(Table(("a",), [("1",)]), target)
    assert sorted(p.name for p in folder.iterdir()) == sorted([*kept, "quotes.csv"])
    count("files left by signals", 0)


def test_only_the_user_s_own_leftovers_are_removed(tmp_path: Path) -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    gone = _gone_pid()
    name = f".quotes.csv.{TEMPORARY_MARK}-{_host()}-{gone}-abcdefgh.part"
    theirs, mine = tmp_path / name, tmp_path / name.replace("abcdefgh", "ijklmnop")
    theirs.write_text("x")
    mine.write_text("x")
    os.chown(theirs, 65534, 65534)
    assert remove_leftovers(tmp_path) == [mine]
    assert theirs.exists()


def _host() -> str:
    return "".join(c for c in socket.gethostname() if c.isalnum())[:24] or "host"


def _gone_pid() -> int:
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout)


# -- modes ------------------------------------------------------------------------------------


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _export(kind: str, target: Path) -> None:
    table = Table(("quote_id", "quote"), [("q-1", "care trusts")])
    if kind == "csv":
        write_csv(table, target)
    else:
        write_xlsx(table, target, lambda _ids: [])


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_export_gets_the_mode_the_umask_gives(
    tmp_path: Path, umask: None, kind: str, mask: int, mode: int
) -> None:
    os.umask(mask)
    target = tmp_path / f"new.{kind}"
    _export(kind, target)
    assert stat.S_IMODE(target.stat().st_mode) == mode


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o600, 0o664])
def test_a_replaced_export_keeps_its_mode(
    tmp_path: Path, umask: None, kind: str, mode: int
) -> None:
    os.umask(0o077)
    target = tmp_path / f"shared.{kind}"
    target.write_bytes(EXISTING)
    target.chmod(mode)
    _export(kind, target)
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_bytes() != EXISTING


# -- XLSX cells -------------------------------------------------------------------------------

TEXTS = [
    "first line\r\nsecond line",
    "a lone CR\rhere",
    "a lone LF\nhere",
    "literal _x000D_ and _x005F_ in the text",
    "\r\nstarts with CRLF",
]


def test_xlsx_keeps_cr_as_excel_does(tmp_path: Path) -> None:
    target = tmp_path / "quotes.xlsx"
    write_xlsx(Table(("quote_id", "quote"), [(f"q-{i}", t) for i, t in enumerate(TEXTS)]), target,
               lambda _ids: [])  # fmt: skip
    xml = zipfile.ZipFile(target).read("xl/worksheets/sheet1.xml").decode()
    assert "\r" not in xml and "_x000D_" in xml
    sheet = openpyxl.load_workbook(target).worksheets[0]
    read = [unescape(str(row[1].value)) for row in sheet.iter_rows(min_row=2)]
    assert read == TEXTS


def _stored_text(workbook: Path, reference: str) -> str:
    """A cell's text as stored in the file (openpyxl reads at most 32,767 stored characters,
    and a CR is stored as seven)."""
    sheet = ET.fromstring(zipfile.ZipFile(workbook).read("xl/worksheets/sheet1.xml"))
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    cell = sheet.find(f".//{main}c[@r='{reference}']")
    assert cell is not None
    return "".join(t.text or "" for t in cell.iter(f"{main}t"))


@pytest.mark.parametrize(
    ("cell", "refused"),
    [
        ("x" * CELL_LIMIT, False),
        ("x" * (CELL_LIMIT + 1), True),
        ("\U0001f600" * (CELL_LIMIT // 2), False),  # Excel counts UTF-16 units: 32,766
        ("\U0001f600" * (CELL_LIMIT // 2 + 1), True),  # 32,768
        ("\r" * CELL_LIMIT, False),  # _x000D_ is one character to Excel
    ],
    ids=["at the limit", "one over", "emoji at the limit", "emoji over", "CRs at the limit"],
)
def test_an_xlsx_cell_over_excel_s_limit_is_refused_never_cut(
    tmp_path: Path, cell: str, refused: bool
) -> None:
    target = tmp_path / "quotes.xlsx"
    target.write_bytes(EXISTING)
    rows = [("q-1", "short"), ("q-2", "short"), ("q-3", cell)]
    table = Table(("quote_id", "quote"), rows)
    if not refused:
        write_xlsx(table, target, lambda _ids: [])
        assert unescape(_stored_text(target, "B4")) == cell
        return
    with pytest.raises(ExportError) as caught:
        write_xlsx(table, target, lambda _ids: [])
    message = str(caught.value)
    assert "row 3 (q-3)" in message and "'quote'" in message and "32,767" in message
    assert "Nothing was written" in message and "CSV" in message and "\n" not in message
    assert target.read_bytes() == EXISTING
    assert sorted(p.name for p in tmp_path.iterdir()) == ["quotes.xlsx"]
    count("long cells refused")


# -- standard output that is not UTF-8 ---------------------------------------------------------

ENCODINGS = {
    "latin-1": {"PYTHONIOENCODING": "latin-1"},
    "ascii": {"PYTHONIOENCODING": "ascii"},
    "cp1252": {"PYTHONIOENCODING": "cp1252"},
    "utf-16": {"PYTHONIOENCODING": "utf-16"},
    "C locale": {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0"},
    "utf-8": {"PYTHONIOENCODING": "utf-8"},
}


@pytest.fixture(scope="module")
def utf8_export() -> bytes:
    """What `carebrowser export quotes` writes to a UTF-8 standard output."""
    done = subprocess.run([sys.executable, "-m", "carebrowser", "export", "quotes"],
                          capture_output=True, check=True, env=_env({}))  # fmt: skip
    assert "\u2019".encode() in done.stdout  # curly quotes: not in latin-1 or ASCII
    return done.stdout


def _bundled_source_count() -> int:
    """How many sources the bundled database holds: one line each in `list sources`."""
    path = Path(__file__).resolve().parents[1] / "db" / "carebrowser.sqlite"
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        (sources,) = db.execute("SELECT count(*) FROM source").fetchone()
    return int(sources)


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "LC_ALL")}
    return {**env, **extra}


@pytest.mark.parametrize("encoding", list(ENCODINGS))
def test_standard_output_is_utf8_whatever_the_terminal(utf8_export: bytes, encoding: str) -> None:
    env = _env(ENCODINGS[encoding])
    done = subprocess.run([sys.executable, "-m", "carebrowser", "export", "quotes"],
                          capture_output=True, env=env, check=False)  # fmt: skip
    count("output encodings tried")
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert done.stdout == utf8_export
    count("output encodings written as UTF-8")
    listed = subprocess.run([sys.executable, "-m", "carebrowser", "list", "sources"],
                            capture_output=True, env=env, check=False)  # fmt: skip
    assert listed.returncode == 0
    assert listed.stdout.decode("utf-8").count("\n") == _bundled_source_count()
    name = "Zo\u00eb \u201cX\u201d"
    unknown = subprocess.run(
        [sys.executable, "-m", "carebrowser", "export", "quotes", "--stakeholder", name],
        capture_output=True, env=env, check=False,
    )  # fmt: skip
    assert unknown.returncode == 2 and unknown.stdout == b""
    assert unknown.stderr.count(b"\n") == 1 and b"Traceback" not in unknown.stderr


def test_main_is_unchanged_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    """In-process callers (tests, other programs) keep their own standard output."""
    assert main(["list", "sources"]) == 0
    assert capsys.readouterr().out.count("\n") == _bundled_source_count()
