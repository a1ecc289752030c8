"""The desktop entry, the MIME types and the AppStream metainfo: valid by the freedesktop tools
(Debian's desktop-file-utils, appstream and shared-mime-info, which CI installs), and agreeing
with each other and with the project."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from carebrowser import APP_ID, __version__, resource

ROOT = Path(__file__).resolve().parents[1]
DESKTOP = f"{APP_ID}.desktop"
METAINFO = f"{APP_ID}.metainfo.xml"
MIME = f"{APP_ID}.mime.xml"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed here (.ci/run installs it)")
    return found


def _entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(resource(DESKTOP), encoding="utf-8")
    return parser["Desktop Entry"]


def test_the_desktop_entry_is_valid() -> None:
    result = subprocess.run(
        [_tool("desktop-file-validate"), str(resource(DESKTOP))],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    # Hints are allowed (two main categories, as asked); warnings and errors are not.
    assert "error:" not in result.stdout and "warning:" not in result.stdout, result.stdout


def test_the_metainfo_is_valid() -> None:
    result = subprocess.run(
        [_tool("appstreamcli"), "validate", "--no-net", "--pedantic", str(resource(METAINFO))],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_mime_types_compile_into_a_mime_database(tmp_path: Path) -> None:
    packages = tmp_path / "mime" / "packages"
    packages.mkdir(parents=True)
    shutil.copy(resource(MIME), packages / f"{APP_ID}.xml")
    subprocess.run([_tool("update-mime-database"), str(tmp_path / "mime")], check=True)
    globs = (tmp_path / "mime" / "globs2").read_text(encoding="utf-8").splitlines()
    assert any(line.endswith(":application/x-dna:*.dna") for line in globs), globs
    assert any(line.endswith(":application/x-carebrowser:*.carebrowser") for line in globs)


def test_the_entry_runs_the_window_command_with_its_icon_and_file_types() -> None:
    entry = _entry()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    command, argument = entry["Exec"].split()
    assert command in scripts["gui-scripts"] and argument == "%f"  # one file, opened read-only
    assert entry["Icon"] == APP_ID
    assert set(entry["Categories"].rstrip(";").split(";")) == {"Office", "Education"}
    defined = {
        node.get("type") for node in ET.parse(resource(MIME)).getroot().iter(f"{MIME_NS}mime-type")
    }
    assert defined == {"application/x-carebrowser", "application/x-dna"}
    handled = set(entry["MimeType"].rstrip(";").split(";"))
    assert defined | {"application/vnd.sqlite3"} == handled


def test_the_metainfo_names_the_entry_this_version_and_the_readme_screenshots() -> None:
    component = ET.parse(resource(METAINFO)).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == DESKTOP
    assert component.findtext("project_license") == "MIT"
    releases = component.findall("releases/release")
    assert releases[0].get("version") == __version__
    images = [node.text or "" for node in component.iter("image")]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = sorted(path.name for path in (ROOT / "docs" / "screenshots").glob("*.png"))
    assert sorted(url.rsplit("/", 1)[1] for url in images) == shown
    for url in images:
        assert url.startswith("https://") and "/docs/screenshots/" in url
        assert f"docs/screenshots/{url.rsplit('/', 1)[1]}" in readme
    binaries = {node.text for node in component.iter("binary")}
    assert binaries == {"carebrowser", "carebrowser-gui"}
