"""Putting carebrowser in the current user's desktop: its menu entry, its icon at every size, the
file types it opens and its AppStream metainfo, under the user's XDG data folder
($XDG_DATA_HOME, by default ~/.local/share); and taking them out again.

No Qt here: `carebrowser desktop install` runs without a display.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from carebrowser import APP_ID, ICON_SIZES, resource

#: The programs that refresh a desktop's caches of entries, file types and icons, each with its
#: arguments (the folder it refreshes is added). Each runs only where it is installed.
REFRESHERS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("update-desktop-database", ("-q",), "applications"),
    ("update-mime-database", (), "mime"),
    ("gtk-update-icon-cache", ("-q", "-t", "-f"), "icons/hicolor"),
)
#: Characters that make the desktop entry quote a program's path in its Exec line.
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


@dataclass
class DesktopChange:
    """What an install or uninstall did: the files, and which refreshers ran or were missing."""

    data_home: Path
    files: list[Path] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def data_home(environ: dict[str, str] | None = None) -> Path:
    """The user's XDG data folder: $XDG_DATA_HOME when it is an absolute path, else
    ~/.local/share (the XDG Base Directory specification)."""
    env = os.environ if environ is None else environ
    configured = env.get("XDG_DATA_HOME", "")
    if configured and Path(configured).is_absolute():
        return Path(configured)
    return Path.home() / ".local" / "share"


def placed_files() -> list[tuple[str, Path]]:
    """Each resource installed, with its place under the data folder."""
    icons = Path("icons", "hicolor")
    return [
        (f"{APP_ID}.desktop", Path("applications", f"{APP_ID}.desktop")),
        (f"{APP_ID}.metainfo.xml", Path("metainfo", f"{APP_ID}.metainfo.xml")),
        (f"{APP_ID}.mime.xml", Path("mime", "packages", f"{APP_ID}.xml")),
        ("icons/carebrowser.svg", icons / "scalable" / "apps" / f"{APP_ID}.svg"),
        *(
            (f"icons/carebrowser-{size}.png", icons / f"{size}x{size}" / "apps" / f"{APP_ID}.png")
            for size in ICON_SIZES
        ),
    ]


def window_command() -> str:
    """The absolute path of the program that opens the window: the bundle's own program, or the
    carebrowser-gui installed beside the running carebrowser command (pipx, a virtual
    environment), found even when that folder is not on the desktop session's PATH."""
    if getattr(sys, "frozen", False):
        return str(Path(sys.executable).absolute())
    beside = (
        Path(sys.argv[0]).absolute().parent / "carebrowser-gui",
        Path(sys.executable).parent / "carebrowser-gui",
    )
    for candidate in beside:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("carebrowser-gui")
    return str(Path(found).absolute()) if found else "carebrowser-gui"


def exec_quoted(program: str) -> str:
    """*program* as the first word of an Exec line, quoted as the desktop entry spec says."""
    program = program.replace("%", "%%")
    if not any(char in _RESERVED for char in program):
        return _escaped(program)
    inner = "".join("\\" + char if char in '"`$\\' else char for char in program)
    return _escaped(f'"{inner}"')


def _escaped(value: str) -> str:
    """A desktop entry string value: backslashes doubled, control characters escaped."""
    return (
        value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    )


def desktop_entry(program: str) -> str:
    """The desktop entry of resources/, starting *program* (and tried as *program*)."""
    lines = []
    for line in resource(f"{APP_ID}.desktop").read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            arguments = line.removeprefix("Exec=").split(" ", 1)[1:]
            line = "Exec=" + " ".join([exec_quoted(program), *arguments])
        elif line.startswith("TryExec="):
            line = "TryExec=" + _escaped(program)
        lines.append(line)
    return "\n".join(lines) + "\n"


def install(
    home: Path | None = None,
    program: str | None = None,
    run: Callable[[list[str]], bool] | None = None,
) -> DesktopChange:
    """Install the entry, icons, file types and metainfo for the current user, replacing an
    earlier install; then refresh the desktop's caches where their programs are installed."""
    change = DesktopChange(home or data_home())
    entry = desktop_entry(program or window_command())
    for name, place in placed_files():
        target = change.data_home / place
        target.parent.mkdir(parents=True, exist_ok=True)
        content = (
            entry.encode("utf-8") if place.suffix == ".desktop" else resource(name).read_bytes()
        )
        _write(target, content)
        change.files.append(target)
    _refresh(change, run or _run)
    return change


def uninstall(
    home: Path | None = None, run: Callable[[list[str]], bool] | None = None
) -> DesktopChange:
    """Remove what `install` put in place (nothing else), then refresh the desktop's caches."""
    change = DesktopChange(home or data_home())
    for _name, place in placed_files():
        target = change.data_home / place
        if target.is_file() or target.is_symlink():
            target.unlink()
            change.files.append(target)
    _refresh(change, run or _run)
    return change


def _write(target: Path, content: bytes) -> None:
    """Write *target* whole or not at all (a desktop may read it at any moment)."""
    scratch = target.with_name(f".{target.name}.part")
    try:
        scratch.write_bytes(content)
        scratch.chmod(0o644)
        os.replace(scratch, target)
    finally:
        scratch.unlink(missing_ok=True)


def _refresh(change: DesktopChange, run: Callable[[list[str]], bool]) -> None:
    for program, arguments, folder in REFRESHERS:
        found = shutil.which(program)
        if found is None:
            change.missing.append(program)
            continue
        target = change.data_home / folder
        if not target.is_dir():
            continue
        if run([found, *arguments, str(target)]):
            change.refreshed.append(program)
        else:
            change.failed.append(program)


def _run(command: list[str]) -> bool:
    """Run a cache refresher; whether it succeeded. It never stops an install."""
    try:
        result = subprocess.run(command, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0
