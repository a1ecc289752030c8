"""Installing the menu entry, icons, file types and metainfo for the current user, and removing
them, in a temporary XDG data folder."""

from __future__ import annotations

import configparser
import shutil
import subprocess
from pathlib import Path

import pytest

from carebrowser import APP_ID, ICON_SIZES, resource
from carebrowser.desktop import data_home, desktop_entry, exec_quoted, install, uninstall

PROGRAM = "/opt/care browser/carebrowser-gui"


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_data_folder_is_xdg_data_home_or_local_share(tmp_path: Path) -> None:
    assert data_home({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path
    home = Path.home() / ".local" / "share"
    assert data_home({}) == home
    assert data_home({"XDG_DATA_HOME": "relative/path"}) == home  # ignored, as the spec says


def test_install_puts_every_file_in_place_and_uninstall_takes_them_out(tmp_path: Path) -> None:
    other = tmp_path / "applications" / "another-program.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\n")
    installed = install(tmp_path, PROGRAM)
    expected = {
        tmp_path / "applications" / f"{APP_ID}.desktop",
        tmp_path / "metainfo" / f"{APP_ID}.metainfo.xml",
        tmp_path / "mime" / "packages" / f"{APP_ID}.xml",
        tmp_path / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg",
        *(tmp_path / f"icons/hicolor/{n}x{n}/apps/{APP_ID}.png" for n in ICON_SIZES),
    }
    assert set(installed.files) == expected
    assert all(path.is_file() for path in expected)
    png = tmp_path / "icons" / "hicolor" / "48x48" / "apps" / f"{APP_ID}.png"
    assert png.read_bytes() == resource("icons/carebrowser-48.png").read_bytes()
    entry = _entry(tmp_path / "applications" / f"{APP_ID}.desktop")
    assert entry["Exec"] == '"/opt/care browser/carebrowser-gui" %f'
    assert entry["TryExec"] == PROGRAM
    assert entry["Icon"] == APP_ID
    # Installing again replaces the files; uninstalling removes exactly them.
    assert set(install(tmp_path, PROGRAM).files) == expected
    removed = uninstall(tmp_path)
    assert set(removed.files) == expected
    assert not any(path.exists() for path in expected)
    assert other.is_file()
    assert uninstall(tmp_path).files == []


def test_the_installed_entry_is_valid_and_the_desktop_learns_the_file_types(
    tmp_path: Path,
) -> None:
    tools = ("desktop-file-validate", "update-desktop-database", "update-mime-database")
    for tool in tools:
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed here (.ci/run installs it)")
    installed = install(tmp_path, PROGRAM)
    assert {"update-desktop-database", "update-mime-database"} <= set(installed.refreshed)
    assert installed.failed == []
    entry = tmp_path / "applications" / f"{APP_ID}.desktop"
    checked = subprocess.run(
        ["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout
    # A double-click on a .dna or .carebrowser file now finds carebrowser.
    handlers = (tmp_path / "applications" / "mimeinfo.cache").read_text(encoding="utf-8")
    assert f"application/x-dna={APP_ID}.desktop;" in handlers
    assert f"application/x-carebrowser={APP_ID}.desktop;" in handlers
    globs = (tmp_path / "mime" / "globs2").read_text(encoding="utf-8")
    assert "application/x-dna:*.dna" in globs
    uninstall(tmp_path)
    assert "application/x-dna" not in (tmp_path / "mime" / "globs2").read_text(encoding="utf-8")


def test_missing_cache_programs_never_stop_an_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    installed = install(tmp_path / "data", PROGRAM)
    assert installed.refreshed == []
    assert set(installed.missing) == {
        "update-desktop-database",
        "update-mime-database",
        "gtk-update-icon-cache",
    }
    assert (tmp_path / "data" / "applications" / f"{APP_ID}.desktop").is_file()


def test_a_failing_cache_program_is_reported_not_raised(tmp_path: Path) -> None:
    if shutil.which("update-mime-database") is None:
        pytest.skip("update-mime-database is not installed here (.ci/run installs it)")
    installed = install(tmp_path, PROGRAM, run=lambda command: False)
    assert installed.refreshed == []
    assert "update-mime-database" in installed.failed
    assert (tmp_path / "applications" / f"{APP_ID}.desktop").is_file()


def test_exec_quotes_paths_as_the_desktop_entry_spec_says() -> None:
    assert exec_quoted("/usr/bin/carebrowser-gui") == "/usr/bin/carebrowser-gui"
    assert exec_quoted("/home/a b/bin/x") == '"/home/a b/bin/x"'
    # Inside quotes, " ` $ \\ take a backslash; then the string's own escaping doubles it.
    assert exec_quoted('/x/$a"b') == '"/x/\\\\$a\\\\"b"'
    assert exec_quoted("/x/100%") == "/x/100%%"
    assert desktop_entry("/p/carebrowser-gui").count("Exec=/p/carebrowser-gui %f") == 1
