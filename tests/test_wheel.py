"""The wheel carries the bundled database and the resources: an installed carebrowser works without
the checkout."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_installed_wheel_exports_from_its_bundled_database(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = dist.glob("carebrowser-*.whl")
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    # Dependencies come from this environment's already-installed packages: nothing is downloaded.
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    result = subprocess.run(
        [str(env_dir / "bin" / "carebrowser"), "export", "quotes"],
        cwd=elsewhere, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) > 50
    where = subprocess.run(
        [str(python), "-c", "import carebrowser; print(carebrowser.__file__)"],
        cwd=elsewhere, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert where.startswith(str(env_dir)), where
    # Both commands are installed, and the resources (icon, desktop entry, MIME types, metainfo)
    # are found through importlib.resources inside the installed package.
    shown = subprocess.run(
        [str(env_dir / "bin" / "carebrowser-gui"), "--version"],
        cwd=elsewhere, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert shown.startswith("carebrowser ")
    names = [
        "icons/carebrowser.svg",
        *(f"icons/carebrowser-{size}.png" for size in (16, 24, 32, 48, 64, 128, 256)),
        "io.github.carebrowser.desktop",
        "io.github.carebrowser.mime.xml",
        "io.github.carebrowser.metainfo.xml",
    ]
    found = subprocess.run(
        [str(python), "-c", "import sys, carebrowser\nfor n in sys.argv[1:]: "
         "print(carebrowser.resource(n))", *names],
        cwd=elsewhere, env=env, check=True, capture_output=True, text=True,
    ).stdout.splitlines()  # fmt: skip
    package = Path(where.strip()).parent
    for name, path in zip(names, found, strict=True):
        assert Path(path) == package / "resources" / name and Path(path).is_file(), path
    # `carebrowser desktop install` from the installed command: the menu entry starts the
    # carebrowser-gui beside it, by its absolute path (pipx's folder need not be on PATH).
    data = tmp_path / "data"
    subprocess.run(
        [str(env_dir / "bin" / "carebrowser"), "desktop", "install"],
        cwd=elsewhere, env={**env, "XDG_DATA_HOME": str(data)}, check=True, capture_output=True,
    )  # fmt: skip
    entry = (data / "applications" / "io.github.carebrowser.desktop").read_text(encoding="utf-8")
    assert f"Exec={env_dir / 'bin' / 'carebrowser-gui'} %f" in entry.splitlines()
