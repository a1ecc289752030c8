"""A whole session, in the window and on the command line, changes nothing and opens no socket.

- The bundled database is byte-identical (SHA-256) after a session of the window and after every
  command-line command, with nothing created beside it.
- Starting the window, browsing, searching and exporting open no socket: socket creation is
  patched to fail (and counted), and on Linux no internet socket is found among the process's
  open files afterwards.
"""

from __future__ import annotations

import gc
import hashlib
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from reliability_figures import count

from carebrowser.cli import main
from carebrowser.data.database import bundled_database_path, open_database
from carebrowser.export.writers import write_csv
from carebrowser.export.xlsx import write_xlsx
from carebrowser.queries import Archive
from carebrowser.ui.main_window import COMPARE, MATRIX, READER, STAKEHOLDERS, MainWindow
from carebrowser.ui.settings import Settings

ROOT = Path(__file__).resolve().parents[1]

#: Every command-line command that reads the bundled database (db build and publish write
#: elsewhere by design and are left out; db build --check only reads).
COMMANDS = [
    ["list", "stakeholders"],
    ["list", "proposals"],
    ["list", "sources"],
    ["export", "quotes"],
    ["export", "positions"],
    ["export", "matrix"],
    ["export", "quotes", "--search", "care trusts", "--category", "local government"],
    ["export", "quotes", "--format", "xlsx", "-o", "{tmp}/quotes.xlsx"],
    ["export", "positions", "-o", "{tmp}/positions.csv"],
    ["export", "matrix", "-o", "{tmp}/matrix.xlsx"],
    ["db", "build", "--check", "--source-dir", str(ROOT / "db")],
    ["db", "check"],
]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def bundled() -> Iterator[Path]:
    """The bundled database's path; the test fails if its bytes or its folder change."""
    with bundled_database_path() as path:
        digest, listing = _sha(path), sorted(p.name for p in path.parent.iterdir())
        yield path
        assert _sha(path) == digest, "the bundled database was modified"
        assert sorted(p.name for p in path.parent.iterdir()) == listing
        count("bundled database hashed unchanged")


class SocketAttempts:
    """Counts attempts to create or connect a socket, each of which fails."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def refuse(self, what: str) -> OSError:
        self.attempts.append(what)
        return OSError(f"no network in this test: {what}")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> SocketAttempts:
    """Socket creation, connection and name lookup all fail and are counted."""
    attempts = SocketAttempts()

    class NoSocket(socket.socket):
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise attempts.refuse(f"socket.socket{args}")

    def refused(name: str) -> object:
        def fail(*args: object, **_kwargs: object) -> object:
            raise attempts.refuse(f"socket.{name}{args[:2]}")

        return fail

    monkeypatch.setattr(socket, "socket", NoSocket)
    for name in ("create_connection", "getaddrinfo", "gethostbyname", "socketpair"):
        monkeypatch.setattr(socket, name, refused(name))
    return attempts


def _internet_sockets() -> set[str]:
    """Inodes of this process's open TCP/UDP sockets (Linux), from /proc."""
    if not Path("/proc/self/fd").is_dir():
        return set()
    # A connection an earlier test's server dropped lingers (CLOSE_WAIT) until its owner is
    # collected: those are not this session's.
    gc.collect()
    mine = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            mine.add(target[8:-1])
    inet = set()
    for table in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        path = Path("/proc/net") / table
        if path.is_file():
            for line in path.read_text().splitlines()[1:]:
                fields = line.split()
                if len(fields) > 9:
                    inet.add(fields[9])
    return mine & inet


def test_every_command_leaves_the_bundled_database_unchanged_and_offline(
    bundled: Path,
    no_network: SocketAttempts,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for command in COMMANDS:
        argv = [arg.replace("{tmp}", str(tmp_path)) for arg in command]
        status = main(argv)
        _out, err = capsys.readouterr()
        assert "Traceback" not in err, (argv, err)
        if command[0] != "db":  # the dataset files may be mid-edit; the database is what counts
            assert status == 0, (argv, err)
        count("command-line commands run offline")
    assert no_network.attempts == []
    assert _internet_sockets() == set()


def _session(window: MainWindow, archive: Archive, tmp_path: Path) -> None:
    """What a person does: every view, a search, a selection, a comparison, the reader, exports."""
    lga, milburn = (min(archive.find_stakeholders([n])) for n in ("LGA", "Alan Milburn"))
    for view in (STAKEHOLDERS, MATRIX, COMPARE, READER, STAKEHOLDERS):
        window.set_view(view)
        QApplication.processEvents()
    window.filter_bar.search.setText("care trusts")
    window.filter_bar.search.returnPressed.emit()
    window.stakeholders.name_filter.setText("Local")
    window.stakeholders.name_filter.returnPressed.emit()
    window.select_stakeholders([lga, milburn])
    window.compare_stakeholders([lga, milburn])
    first = archive.quotes(limit=1).rows[0]
    window.open_statement(first.source_id, first.id)
    QApplication.processEvents()
    panels = (window.stakeholders, window.statements, window.matrix, window.compare, window.reader)
    for number, panel in enumerate(panels):
        table = panel.export_table(False)
        write_csv(table, tmp_path / f"export {number}.csv")
        write_xlsx(
            panel.export_table(False), tmp_path / f"export {number}.xlsx", archive.sources_by_ids
        )
    window.filter_bar.clear()
    QApplication.processEvents()


def test_a_window_session_leaves_the_bundled_database_unchanged_and_offline(
    qtbot: QtBot, bundled: Path, no_network: SocketAttempts, tmp_path: Path
) -> None:
    engine, info = open_database()
    archive = Archive(engine)
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(archive, info, Settings(store))
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    _session(window, archive, tmp_path)
    assert len(list(tmp_path.glob("export *.csv"))) == 5
    window.close()
    engine.dispose()
    assert no_network.attempts == []
    assert _internet_sockets() == set()
    count("window sessions run offline")


@pytest.mark.slow
def test_the_window_started_from_the_command_line_changes_nothing(
    bundled: Path, tmp_path: Path
) -> None:
    shot = tmp_path / "window.png"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "carebrowser", "--screenshot", str(shot), "--view", "matrix"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert shot.stat().st_size > 10_000 and "Traceback" not in done.stderr


def test_the_network_guard_catches_what_it_should(no_network: SocketAttempts) -> None:
    import urllib.request

    with pytest.raises(OSError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    with pytest.raises(OSError):
        urllib.request.urlopen("http://example.invalid/", timeout=1)
    assert len(no_network.attempts) == 2
