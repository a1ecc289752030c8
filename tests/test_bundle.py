"""The self-contained bundle (`make bundle`) runs where there is no Python: the command line and
the window's --screenshot, from a copy of the bundle moved away from where it was built, in an
environment with no Python on PATH."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from carebrowser import APP_ID, __version__, resource
from carebrowser.cli import main as carebrowser

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "carebrowser.spec"


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def _lines(text: str) -> list[str]:
    return text.removeprefix("\ufeff").splitlines()


@pytest.mark.slow
def test_the_bundle_runs_without_python(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("PyInstaller")
    subprocess.run(
        [
            sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR",
            "--distpath", str(tmp_path / "dist"), "--workpath", str(tmp_path / "work"), str(SPEC),
        ],
        check=True, capture_output=True,
    )  # fmt: skip
    # Moved away from the build, as a person unpacks it in a folder of their own.
    bundle = tmp_path / "unpacked" / "carebrowser"
    shutil.move(tmp_path / "dist" / "carebrowser", bundle)
    shutil.rmtree(tmp_path / "work")
    for path in bundle.rglob("*"):
        if path.is_symlink():
            assert path.resolve().is_relative_to(bundle), f"{path} points out of the bundle"
    # Nothing but the bundle: no Python on PATH, and a Python package path that would break any
    # import made through it (a carebrowser that only raises).
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    trap = tmp_path / "trap" / "carebrowser"
    trap.mkdir(parents=True)
    (trap / "__init__.py").write_text("raise ImportError('not the bundled carebrowser')\n")
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": str(empty_bin),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(trap.parent),
        "QT_QPA_PLATFORM": "offscreen",
    }
    assert shutil.which("python3", path=env["PATH"]) is None
    assert shutil.which("python", path=env["PATH"]) is None
    program = str(bundle / "carebrowser")
    exported = subprocess.run(
        [program, "export", "quotes"],
        cwd=home, env=env, capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    # The same rows as the installed package's own command.
    assert carebrowser(["export", "quotes"]) == 0
    here = capsys.readouterr().out
    assert _lines(exported.stdout.decode("utf-8")) == _lines(here)
    assert len(_lines(here)) > 50
    shot = home / "matrix.png"
    shown = subprocess.run(
        [program, "--screenshot", str(shot), "--size", "1280x800", "--view", "matrix"],
        cwd=home, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert _png_size(shot) == (1280, 800)
    assert os.path.getsize(shot) > 20_000  # a window, not an empty frame
    # Its menu entry, icon and file types install from inside the bundle, starting the bundle.
    data = tmp_path / "data"
    subprocess.run(
        [program, "desktop", "install"],
        env={**env, "XDG_DATA_HOME": str(data)}, capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    entry = (data / "applications" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    assert f"Exec={program} %f" in entry.splitlines()
    icon = data / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png"
    assert icon.read_bytes() == resource("icons/carebrowser-256.png").read_bytes()
    version = subprocess.run(
        [program, "--version"], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    assert version.stdout.strip() == f"carebrowser {__version__}"
