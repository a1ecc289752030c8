"""No password, in any form, reaches a log, a message, a dialog, "Copy details" or a setting.

Each password is tried as people type it (unencoded: '@', ':', '/', '#', '%' as they are) and
percent-encoded, along every path an address takes: the command line's export, list, publish and
check, opening it in the window (its dialog, details and clipboard), the window's error reporter,
log records with their tracebacks, and the settings file. A password counts as leaked when any
piece of it of two characters or more shows anywhere. The log file and its folder are the user's
alone, whatever the umask.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from reliability_figures import count

from carebrowser.cli import main
from carebrowser.data.database import DatabaseError, open_database
from carebrowser.logs import log_path, setup_logging
from carebrowser.passwords import hide_passwords, unencoded_password
from carebrowser.ui.error_dialogs import DatabaseErrorDialog
from carebrowser.ui.errors import ErrorReporter
from carebrowser.ui.settings import FILTERS, Settings

#: Passwords holding each character that an address must encode, and all of them at once.
PASSWORDS = [
    "p@ss:w/rd#1",
    "Zq8@Kx:Wv/Rt#Jm%Ny",
    "Ab7@@Cd8",
    "Ef3:Gh4:Ij5",
    "Kl4/Mn5",
    "Op5#Qr6",
    "St6%Uv7",
    "Wx9%41Yz",
    "Aa1 Bb2@Cc3",
]
FORMS = ["unencoded", "encoded"]


def _address(password: str, form: str, port: int = 9, database: str = "carebrowser") -> str:
    typed = password if form == "unencoded" else urllib.parse.quote(password, safe="")
    return f"postgresql://reader:{typed}@127.0.0.1:{port}/{database}"


def _pieces(password: str) -> set[str]:
    """Every piece of *password* (and of its encoded form) that would give part of it away."""
    pieces = {password, urllib.parse.quote(password, safe="")}
    if password == "p@ss:w/rd#1":  # short pieces: what a masking up to the first '@' leaves
        return pieces | {"@ss", "ss:w", "w/rd", "rd#1"}
    return pieces | {p for p in re.split(r"[@:/#% ]", password) if len(p) >= 3}


def _leaks(text: str, password: str) -> list[str]:
    return sorted(p for p in _pieces(password) if p in text)


def _checked(text: str, password: str, path: str) -> None:
    leaked = _leaks(text, password)
    count("passwords tried (forms x paths)")
    count("password leaks", len(leaked))
    assert leaked == [], f"{path} shows {leaked} of {password!r}: {text[:400]}"


@pytest.fixture
def log_text() -> Iterator[Path]:
    """The log file of this test (its folder is the test's own)."""
    path = setup_logging()
    yield path


def _read_log(path: Path) -> str:
    for handler in logging.getLogger("carebrowser").handlers:
        handler.flush()
    return path.read_text(encoding="utf-8") if path.exists() else ""


# -- the masking itself -----------------------------------------------------------------------


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("form", FORMS)
def test_hide_passwords_hides_every_piece(password: str, form: str) -> None:
    address = _address(password, form)
    for text in (
        address,
        f"cannot open {address}: refused",
        f"the address {address!r} is not usable",
        f'connect("{address}?sslmode=require")',
        f"{address}\nnext line",
    ):
        hidden = hide_passwords(text)
        _checked(hidden, password, "hide_passwords")
        assert "reader:***@" in hidden or "reader:***" in hidden
    assert "127.0.0.1:9/carebrowser" in hide_passwords(address)
    assert unencoded_password(address) == (
        form == "unencoded" and any(c in password for c in "@/#")
    )


def test_hide_passwords_leaves_addresses_without_one_alone() -> None:
    for text in (
        "postgresql://reader@dbhost/carebrowser",
        "postgresql://dbhost:5432/carebrowser",
        "postgresql://[::1]:5432/carebrowser",
        "see https://sqlalche.me/e/20/e3q8 for more",
        "a plain sentence: no address here",
    ):
        assert hide_passwords(text) == text
    assert hide_passwords("host=h password=Zq8Kx user=x") == "host=h password=*** user=x"
    assert hide_passwords("PGPASSWORD='Zq8 Kx' carebrowser") == "PGPASSWORD=*** carebrowser"
    assert hide_passwords("postgresql://u:Zq8 Kx@h/db") == "postgresql://u:***@h/db"


# -- every path an address takes --------------------------------------------------------------


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    "command",
    [
        ["export", "quotes"],
        ["list", "stakeholders"],
        ["db", "publish", "--to", "{address}"],
        ["db", "check", "{address}"],
    ],
    ids=["export", "list", "publish", "check"],
)
def test_the_command_line_shows_and_logs_no_password(
    capsys: pytest.CaptureFixture[str],
    log_text: Path,
    password: str,
    form: str,
    command: list[str],
) -> None:
    address = _address(password, form)
    argv = [a.replace("{address}", address) for a in command]
    if "{address}" not in " ".join(command):
        argv = ["--db", address, *argv]
    status = main(argv)
    out, err = capsys.readouterr()
    assert status != 0 and err.startswith("carebrowser: ") and err.count("\n") == 1
    _checked(out + err, password, f"stderr of {command[0]}")
    _checked(_read_log(log_text), password, f"log of {command[0]}")
    if form == "unencoded" and any(c in password for c in "@/#"):
        assert "percent-encoded" in err and "~/.pgpass" in err


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("form", FORMS)
def test_opening_in_the_window_shows_no_password(
    qtbot: QtBot, log_text: Path, password: str, form: str
) -> None:
    from carebrowser.ui.error_dialogs import show_database_error

    address = _address(password, form)
    with pytest.raises(DatabaseError) as caught:
        open_database(address)
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, DatabaseErrorDialog)
        dialog.show_button.click()
        dialog.copy_details()
        shown = [dialog.windowTitle(), dialog.text.text(), dialog.where.text()]
        seen.extend([*shown, dialog.details.toPlainText(), QGuiApplication.clipboard().text()])
        dialog.close_button.click()

    QTimer.singleShot(0, answer)
    assert show_database_error(None, caught.value, log_text) is False
    assert len(seen) == 5
    _checked("\n".join(seen[:3]), password, "the dialog")
    _checked(seen[3], password, "Show details")
    _checked(seen[4], password, "Copy details")
    _checked(_read_log(log_text), password, "the window's log")


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("form", FORMS)
def test_the_error_reporter_shows_and_logs_no_password(
    qtbot: QtBot, reporter: ErrorReporter, password: str, form: str
) -> None:
    address = _address(password, form)
    try:
        raise ValueError(f"Could not parse SQLAlchemy URL from string '{address}'")
    except ValueError as error:
        reporter.report(error, "opening a database")
    qtbot.waitUntil(lambda: reporter.dialog is not None)
    dialog = reporter.dialog
    assert dialog is not None
    dialog.copy_details()
    _checked(dialog.text.text(), password, "the reporter's dialog")
    _checked(dialog.details_text(), password, "the reporter's details")
    _checked(QGuiApplication.clipboard().text(), password, "the clipboard")
    _checked(_read_log(reporter.log_file), password, "the reporter's log")
    dialog.close()


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("form", FORMS)
def test_log_records_hold_no_password(log_text: Path, password: str, form: str) -> None:
    address = _address(password, form)
    logger = logging.getLogger("carebrowser.test")
    logger.warning("cannot open %s", address)
    logger.warning(f"cannot open {address} (formatted by the caller)")
    try:
        raise RuntimeError(f"connection to {address} failed")
    except RuntimeError:
        logger.exception("failed")
    logging.getLogger("psycopg").warning("error ignored terminating %s", address)
    text = _read_log(log_text)
    assert text.count("cannot open") == 2 and "RuntimeError" in text
    _checked(text, password, "log records")


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("form", FORMS)
def test_settings_hold_no_password(tmp_path: Path, password: str, form: str) -> None:
    store = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings = Settings(store)
    settings.set_value(FILTERS, json.dumps({"search": _address(password, form)}))
    store.sync()
    _checked((tmp_path / "settings.ini").read_text(encoding="utf-8"), password, "settings")


@pytest.mark.parametrize("password", PASSWORDS)
@pytest.mark.parametrize("form", FORMS)
def test_usage_errors_echo_no_password(
    capsys: pytest.CaptureFixture[str], password: str, form: str
) -> None:
    """argparse quotes what it could not use; an address among it shows no password."""
    address = _address(password, form)
    for argv in (
        ["export", "quotes", "--no-such-option", address],
        ["export", address],
        ["--db", address, "export", "quotes", "--format", "pdf"],
    ):
        with pytest.raises(SystemExit) as caught:
            main(argv)
        assert caught.value.code == 2
        _out, err = capsys.readouterr()
        assert "usage:" in err
        _checked(err, password, "usage errors")


# -- the log file is the user's alone ---------------------------------------------------------


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o077])
def test_the_log_file_and_folder_are_private_whatever_the_umask(umask: int) -> None:
    previous = os.umask(umask)
    try:
        path = setup_logging()
        logging.getLogger("carebrowser.test").warning("hello")
        _read_log(path)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700  # ~/.local/state/carebrowser
    count("log file modes checked")


def test_an_older_readable_log_file_becomes_private() -> None:
    path = log_path()
    path.parent.mkdir(parents=True)
    path.parent.chmod(0o755)
    path.write_text("an older record\n", encoding="utf-8")
    path.chmod(0o644)
    setup_logging()
    logging.getLogger("carebrowser.test").warning("a new record")
    text = _read_log(path)
    assert "an older record" in text and "a new record" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize("name", ["psycopg", "sqlalchemy.pool.impl.QueuePool"])
def test_library_errors_go_to_the_log_file_not_the_terminal(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLAlchemy's pool logs "Exception during reset" when the rollback after Ctrl+C fails;
    with no handler of its own, Python's last-resort handler would print it on the terminal."""
    path = setup_logging()
    logging.getLogger(name).error("Exception during reset or similar")
    assert "Exception during reset or similar" in _read_log(path)
    assert capsys.readouterr().err == ""
