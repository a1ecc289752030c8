"""A database server that refuses, or stops answering, is named with what to do, in time.

Refusals: a wrong password, no password, a database that does not exist, each with its own
sentence (not "cannot be reached"). A frozen server (tests/freezing_proxy.py: a local proxy that
stops forwarding, so no error ever comes from the network) is named within the bound set by
CAREBROWSER_SERVER_TIMEOUT (30 s by default; 3 s here, so the tests are quick), by the command
line and by the window, which shows its lost-server status and Retry; a server that is slow but
answers is waited for. The tests skip where PostgreSQL is not installed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from freezing_proxy import freezing_proxy
from pg_server import Server
from psycopg import sql
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from reliability_figures import count, largest
from sqlalchemy import text

from carebrowser.cli import main
from carebrowser.data import watchdog
from carebrowser.data.database import QUERY_ERRORS, DatabaseError, open_database
from carebrowser.data.postgres import connect_args, server_url
from carebrowser.logs import setup_logging
from carebrowser.queries import Archive, Filters
from carebrowser.ui import reads
from carebrowser.ui.error_dialogs import ServerLostDialog
from carebrowser.ui.errors import ErrorReporter
from carebrowser.ui.main_window import SERVER_LOST_STATUS, MainWindow
from carebrowser.ui.settings import Settings

#: The bound the tests set: a frozen server is named after about this many seconds (3, so the
#: suite is quick; `make reliability` sets CAREBROWSER_TEST_SERVER_TIMEOUT=30, the default).
SHORT_LIMIT = os.environ.get("CAREBROWSER_TEST_SERVER_TIMEOUT", "3")
PASSWORD = "Zq8@Kx:Wv/Rt#Jm%Ny"
ROLE = "carebrowser_pw"


@pytest.fixture
def short_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A short bound on waiting for a server, for this test and the processes it starts."""
    monkeypatch.setenv(watchdog.ENVIRONMENT, SHORT_LIMIT)


def test_the_default_bound_is_about_thirty_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(watchdog.ENVIRONMENT, raising=False)
    assert watchdog.limit_seconds() == 30
    args = connect_args(server_url("postgresql://reader@dbhost/carebrowser"))
    assert args["keepalives"] == 1 and args["tcp_user_timeout"] == 30_000
    assert args["keepalives_idle"] + args["keepalives_interval"] * args["keepalives_count"] <= 30
    assert args["connect_timeout"] == 8
    # What the address sets is left as it is.
    assert "tcp_user_timeout" not in connect_args(
        server_url("postgresql://reader@dbhost/carebrowser?tcp_user_timeout=5000")
    )


# -- refusals ---------------------------------------------------------------------------------


@pytest.fixture
def password_role(pg_server: Server, pg_url: str) -> Iterator[str]:
    """A role that must give its password (scram-sha-256), allowed to read the dataset."""
    with pg_server.connect() as connection:
        connection.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(ROLE)))
        connection.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(ROLE), sql.Literal(PASSWORD)
            )
        )
        hba = Path(str(connection.execute("SHOW hba_file").fetchone()[0]))  # type: ignore[index]
    with pg_server.connect("carebrowser") as connection:
        connection.execute(
            sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(
                sql.Identifier(ROLE)
            )
        )
    original = hba.read_text()
    hba.write_text(f"host all {ROLE} 127.0.0.1/32 scram-sha-256\n" + original)
    with pg_server.connect() as connection:
        connection.execute("SELECT pg_reload_conf()")
    try:
        yield ROLE
    finally:
        hba.write_text(original)
        with pg_server.connect() as connection:
            connection.execute("SELECT pg_reload_conf()")


@pytest.fixture
def no_stored_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No PGPASSWORD and an empty password file: only the address can give a password."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no pgpass"))


def _refusal(address: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    with pytest.raises(DatabaseError) as caught:
        open_database(address)
    assert main(["--db", address, "list", "stakeholders"]) != 0
    _out, err = capsys.readouterr()
    assert err.count("\n") == 1
    count("server refusals tried")
    return str(caught.value), err


def test_wrong_password_no_password_and_no_database_each_say_what_to_do(
    pg_server: Server,
    password_role: str,
    no_stored_password: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    encoded = urllib.parse.quote(PASSWORD, safe="")
    right = pg_server.url("carebrowser", password_role, encoded)
    engine, info = open_database(right)
    try:
        assert Archive(engine).quote_count() > 100
    finally:
        engine.dispose()
    assert encoded not in info.label and PASSWORD not in info.label

    wrong, said = _refusal(pg_server.url("carebrowser", password_role, "not-it"), capsys)
    for message in (wrong, said):
        assert "refused the password" in message and "~/.pgpass" in message
        assert "cannot be reached" not in message and "not-it" not in message

    missing, said = _refusal(pg_server.url("carebrowser", password_role), capsys)
    for message in (missing, said):
        assert "asks for a password" in message and "~/.pgpass" in message
        assert "PGPASSWORD" in message and "cannot be reached" not in message

    absent, said = _refusal(pg_server.url("no_such_database"), capsys)
    for message in (absent, said):
        assert "does not exist on that server" in message and "no_such_database" in message
        assert "Check the database name" in message and "cannot be reached" not in message


# -- a server that stops answering ------------------------------------------------------------


def test_a_server_frozen_mid_query_is_named_by_the_command_line(
    pg_server: Server, pg_url: str, short_limit: None
) -> None:
    with freezing_proxy(pg_server.host, pg_server.port, freeze_on=b"FROM statement") as proxy:
        address = proxy.url(pg_url)
        count("frozen-server runs (command line)")
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "carebrowser", "--db", address, "export", "quotes"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        seconds = time.monotonic() - started
        assert proxy.froze.is_set(), "the export's query never reached the proxy"
    # The header row went out before the rows were asked for; no row followed it.
    assert done.returncode not in (0, 70) and done.stdout.count("\n") <= 1, done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "stopped answering" in done.stderr and f"127.0.0.1:{proxy.port}" in done.stderr
    count("frozen-server runs named (command line)")
    largest("seconds to a message, frozen server (command line)", round(seconds, 1))


def test_a_server_frozen_before_connecting_is_named_by_the_command_line(
    pg_server: Server, pg_url: str, short_limit: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with freezing_proxy(pg_server.host, pg_server.port) as proxy:
        proxy.freeze()
        count("frozen-server runs (command line)")
        started = time.monotonic()
        status = main(["--db", proxy.url(pg_url), "export", "quotes"])
        seconds = time.monotonic() - started
    out, err = capsys.readouterr()
    assert status != 0 and out == "" and err.count("\n") == 1
    assert "cannot be reached" in err and f"127.0.0.1:{proxy.port}" in err
    count("frozen-server runs named (command line)")
    largest("seconds to a message, frozen server (command line)", round(seconds, 1))


def test_a_slow_server_that_answers_is_waited_for(pg_url: str, short_limit: None) -> None:
    """The bound is on silence, not on work: a server that answers a new connection is slow,
    not gone (readers wait while a publication commits, as the README says)."""
    engine, _info = open_database(pg_url)
    try:
        with engine.connect() as connection:
            started = time.monotonic()
            assert connection.execute(text("SELECT pg_sleep(5), 1")).all() == [("", 1)]
            assert time.monotonic() - started >= 5
    finally:
        engine.dispose()


@contextlib.contextmanager
def _window(
    qtbot: QtBot, address: str, tmp_path: Path
) -> Iterator[tuple[MainWindow, ErrorReporter]]:
    engine, info = open_database(address)
    reporter = ErrorReporter(setup_logging())
    reporter.database = info
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Archive(engine), info, Settings(store), reporter)
    reporter.window = window
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    try:
        yield window, reporter
    finally:
        if reporter.dialog is not None:
            reporter.dialog.close()
        window.close()
        reads.wait_for_reads()  # a read still under way gives its connection back first
        engine.dispose()


def _search(qtbot: QtBot, window: MainWindow, words: str) -> None:
    window.filter_bar.search.clear()
    qtbot.keyClicks(window.filter_bar.search, words)
    qtbot.keyClick(window.filter_bar.search, Qt.Key.Key_Return)


def _statements_shown(window: MainWindow) -> list[int]:
    model = window.statements.model
    return [model.quote(row).id for row in range(model.rowCount())]


def test_a_server_frozen_mid_session_shows_the_lost_server_status_and_retry_works(
    qtbot: QtBot, pg_server: Server, pg_url: str, short_limit: None, tmp_path: Path
) -> None:
    with (
        freezing_proxy(pg_server.host, pg_server.port) as proxy,
        _window(qtbot, proxy.url(pg_url), tmp_path) as (window, reporter),
    ):
        archive = window.archive
        expected = [q.id for q in archive.quotes(Filters(search="fines")).rows]
        assert expected
        proxy.freeze()
        count("frozen-server runs (window)")
        started = time.monotonic()
        with qtbot.capture_exceptions() as escaped:
            _search(qtbot, window, "fines")
            qtbot.waitUntil(lambda: window.status.text() == SERVER_LOST_STATUS, timeout=60_000)
            qtbot.waitUntil(lambda: reporter.dialog is not None, timeout=10_000)
        seconds = time.monotonic() - started
        assert escaped == []
        dialog = reporter.dialog
        assert isinstance(dialog, ServerLostDialog) and dialog.retry_button is not None
        said = dialog.text.text()
        # A query in flight "stopped answering"; a new connection "cannot be reached" (its
        # connect timeout): whichever the window's readers met first.
        assert said.startswith("The database server ")
        assert "stopped answering" in said or "cannot be reached" in said
        assert f"127.0.0.1:{proxy.port}" in said and "Traceback" not in said
        assert window.retry_button.isVisible()
        assert window.filter_bar.search.text() == "fines"  # nothing the person typed is lost
        count("frozen-server runs named (window)")
        largest("seconds to a message, frozen server (window)", round(seconds, 1))

        proxy.thaw()
        with qtbot.capture_exceptions() as escaped:
            qtbot.mouseClick(dialog.retry_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: _statements_shown(window) == expected, timeout=30_000)
        assert escaped == []
        assert not window.retry_button.isVisible()


#: Run in a process of its own: cancels a read on a frozen server, then shows that its other
#: threads still run. Cancelling with libpq's PQcancel held Python's interpreter lock while it
#: waited for the silent server, and the whole process (the window with it) stopped for good.
_CANCEL_ON_A_FROZEN_SERVER = """
import sys, threading
from carebrowser.data.cancelling import Cancellation
from carebrowser.data.database import open_database

engine, _info = open_database(sys.argv[1])
with engine.connect() as connection:
    connection.exec_driver_sql("SELECT 1")
    token = Cancellation()
    token._using(connection.connection.dbapi_connection)
    print("connected", flush=True)
    sys.stdin.readline()  # the server is frozen now
    token.cancel()  # asks the server to cancel, on a thread of its own
    ran = threading.Event()
    threading.Thread(target=ran.set).start()
    print("other threads run:", ran.wait(30), flush=True)
    sys.stdout.flush()
    import os
    os._exit(0)  # the frozen connection is not closed politely
"""


def test_cancelling_a_read_on_a_frozen_server_stops_no_other_thread(
    pg_server: Server, pg_url: str, short_limit: None
) -> None:
    with freezing_proxy(pg_server.host, pg_server.port) as proxy:
        child = subprocess.Popen(
            [sys.executable, "-c", _CANCEL_ON_A_FROZEN_SERVER, proxy.url(pg_url)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None and child.stdin is not None
        try:
            assert child.stdout.readline().strip() == "connected"
            proxy.freeze()
            child.stdin.write("\n")
            child.stdin.flush()
            # A hang guard, not a measure: the child answers at once, or never did.
            out, _ = child.communicate(timeout=120)
        finally:
            child.kill()
            child.wait()
    assert out.strip() == "other threads run: True"


def test_a_query_after_the_freeze_ends_with_a_clear_sentence(
    pg_server: Server, pg_url: str, short_limit: None
) -> None:
    with freezing_proxy(pg_server.host, pg_server.port) as proxy:
        engine, info = open_database(proxy.url(pg_url))
        archive = Archive(engine)
        try:
            assert archive.quote_count() > 100
            proxy.freeze()
            count("frozen-server runs (command line)")
            started = time.monotonic()
            with pytest.raises(QUERY_ERRORS) as caught:
                archive.quotes(Filters(search="care"))
            seconds = time.monotonic() - started
            from carebrowser.data.database import is_connection_lost, query_error_message

            message = query_error_message(caught.value, info)
            assert is_connection_lost(caught.value)
            # The pool's check of the idle connection stopped answering, then connecting again
            # timed out.
            assert message.startswith(f"The database server {info.label} ")
            assert "stopped answering" in message or "cannot be reached" in message
            assert "try again" in message and "\n" not in message
            count("frozen-server runs named (command line)")
            largest("seconds to a message, frozen server (command line)", round(seconds, 1))
            proxy.thaw()
            assert archive.quote_count() > 100  # the same engine reads again
        finally:
            engine.dispose()


# -- an interrupted publication ---------------------------------------------------------------


def test_an_interrupted_publication_prints_one_line_and_changes_nothing(
    pg_server: Server, tmp_path: Path
) -> None:
    """Ctrl+C while the server does not answer a COPY: psycopg abandons the copy (and says so
    in the log, not on the terminal), the transaction is rolled back, one line is printed."""
    url = pg_server.create_database("interrupted")
    with freezing_proxy(pg_server.host, pg_server.port, freeze_on=b"COPY") as proxy:
        process = subprocess.Popen(
            [sys.executable, "-m", "carebrowser", "db", "publish", "--to", proxy.url(url)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, watchdog.ENVIRONMENT: "60"},
        )
        assert proxy.froze.wait(60), "the publication's COPY never reached the proxy"
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    assert process.returncode == 130 and out == "", err
    assert err.count("\n") == 1 and err.startswith("carebrowser: interrupted"), err
    assert "psycopg" not in err and "Traceback" not in err
    with pg_server.connect("interrupted") as connection:
        tables = connection.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()
    assert tables == (0,)  # nothing was published


def test_library_warnings_go_to_the_log_not_the_terminal(capfd: pytest.CaptureFixture[str]) -> None:
    """psycopg's "error ignored terminating <psycopg.Copy ...>" after an interrupted COPY."""
    path = setup_logging()
    logging.getLogger("psycopg").warning("error ignored terminating %r: %s", "<Copy>", "gone")
    for handler in logging.getLogger("psycopg").handlers:
        handler.flush()
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert "error ignored terminating" in path.read_text(encoding="utf-8")
