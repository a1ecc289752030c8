"""Shared fixtures: Qt offscreen, settings kept off disk, the bundled archive."""

from __future__ import annotations

import faulthandler
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytestqt.qtbot import QtBot, SignalBlocker

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# As carebrowser.export.xlsx sets it before openpyxl is first imported: the tests that read a
# workbook import openpyxl before that module, and openpyxl chooses its XML writer then.
os.environ["OPENPYXL_LXML"] = "False"

from carebrowser.data.database import open_database
from carebrowser.logs import setup_logging
from carebrowser.queries import Archive
from carebrowser.ui.errors import ErrorReporter, install_error_hooks

#: How long a window's test waits for what it expects (a read's answer, a signal) before it
#: fails, unless it says otherwise: far longer than anything takes on a loaded machine, so a
#: test fails only when the answer never comes. Nothing is measured by it.
WAIT_MS = 30_000
#: A test that has not ended after this long is stuck (a deadlock): every thread's stack is
#: printed and the run ends, rather than waiting for ever. Nothing is measured by it.
STUCK_AFTER_SECONDS = 900


@pytest.fixture(autouse=True)
def _stuck_test_guard() -> Iterator[None]:
    """Print every thread's stack and end the run if a test is stuck (works even when a thread
    holds Python's interpreter lock, where no Python-level timeout could run)."""
    faulthandler.dump_traceback_later(STUCK_AFTER_SECONDS, exit=True, file=sys.__stderr__)
    yield
    faulthandler.cancel_dump_traceback_later()


class PatientQtBot(QtBot):
    """pytest-qt's QtBot, whose waits allow WAIT_MS unless the test says otherwise (its own
    allow 5 s, which a read on a pool thread can exceed on a loaded machine)."""

    def waitUntil(self, callback: Callable[[], bool | None], *, timeout: int = WAIT_MS) -> None:
        super().waitUntil(callback, timeout=timeout)

    def waitSignal(
        self,
        signal: Any,
        *,
        timeout: int = WAIT_MS,
        raising: bool | None = None,
        check_params_cb: Callable[..., bool] | None = None,
    ) -> SignalBlocker:
        return super().waitSignal(
            signal, timeout=timeout, raising=raising, check_params_cb=check_params_cb
        )


@pytest.fixture
def qtbot(qapp: Any, request: pytest.FixtureRequest) -> QtBot:
    """pytest-qt's qtbot, patient (see PatientQtBot)."""
    return PatientQtBot(request)


@pytest.fixture(scope="session")
def archive() -> Iterator[Archive]:
    """The bundled dataset, opened read-only."""
    engine, _info = open_database()
    yield Archive(engine)
    engine.dispose()


@pytest.fixture(autouse=True)
def _settings_off_disk(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep QSettings, logs and any user file of the app in a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))


@pytest.fixture
def reporter(qtbot: QtBot) -> Iterator[ErrorReporter]:
    """An ErrorReporter installed as the excepthooks and Qt message handler for one test."""
    made = ErrorReporter(setup_logging())
    uninstall = install_error_hooks(made)
    yield made
    uninstall()
    if made.dialog is not None:
        made.dialog.close()


# -- PostgreSQL: a throwaway server (tests/pg_server.py) holding the published bundled dataset --

import pg_server as pg_server_module  # noqa: E402


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pg_server_module.Server]:
    """A PostgreSQL server for the session; the test skips when PostgreSQL is not installed."""
    reason = pg_server_module.why_not()
    if reason:
        pytest.skip(reason)
    with pg_server_module.running_server() as server:
        yield server


@pytest.fixture(scope="session")
def pg_url(pg_server: pg_server_module.Server) -> str:
    """The address of a database into which 'carebrowser db publish' put the bundled dataset."""
    from carebrowser.data.publish import publish

    url = pg_server.create_database("carebrowser")
    publish(url)
    return url


@pytest.fixture
def own_server() -> Iterator[tuple[pg_server_module.Server, str]]:
    """A server of its own, with the bundled dataset, for a test that stops it."""
    from carebrowser.data.publish import publish

    reason = pg_server_module.why_not()
    if reason:
        pytest.skip(reason)
    with pg_server_module.running_server() as server:
        url = server.create_database("carebrowser")
        publish(url)
        yield server, url


@pytest.fixture(scope="module")
def pg_archive(pg_url: str) -> Iterator[Archive]:
    """The bundled dataset on PostgreSQL, opened read-only as the app opens it.

    Module-scoped, so that its connections are closed when the module's tests are done (other
    modules check that the process holds no socket)."""
    engine, _info = open_database(pg_url)
    yield Archive(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_archive() -> Iterator[Archive]:
    """The bundled dataset on SQLite (as `archive`, under a name no module overrides)."""
    engine, _info = open_database()
    yield Archive(engine)
    engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def any_archive(request: pytest.FixtureRequest) -> Archive:
    """The bundled dataset on each backend in turn."""
    name = "sqlite_archive" if request.param == "sqlite" else "pg_archive"
    archive: Archive = request.getfixturevalue(name)
    return archive
