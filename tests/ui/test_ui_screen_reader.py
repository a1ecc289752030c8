"""The window as a screen reader such as Orca reads it: over AT-SPI, from another process.

The in-process checks (test_ui_accessibility.py) ask Qt's QAccessible; this module runs the real
window under Xvfb, on a private D-Bus session with Debian's at-spi2-core, and reads its
accessibility tree with python3-pyatspi (tests/atspi_tree.py, run by /usr/bin/python3), view by
view, pressing the View menu's items through AT-SPI as a screen reader's user does. Every process
started here, and every one D-Bus starts for them, is stopped before the assertions run.

    sudo apt-get install xvfb dbus-daemon at-spi2-core python3-pyatspi
    QT_QPA_PLATFORM=offscreen .venv/bin/pytest -q tests/ui/test_ui_screen_reader.py
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from carebrowser.data.vocabulary import STANCES

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="AT-SPI is Linux's"),
]

PACKAGES = "xvfb dbus-daemon at-spi2-core python3-pyatspi"
SYSTEM_PYTHON = "/usr/bin/python3"
#: The screen the window opens on (its first-launch size is a share of it).
SCREEN = ("-screen", "0", "1600x1000x24")
WALKER = Path(__file__).resolve().parent.parent / "atspi_tree.py"
LGA, MILBURN = "Local Government Association", "Alan Milburn"
#: (what is pressed, what must show before the tree is read: tables with rows, texts with text)
STEPS = (
    ("Stakeholders and statements", ("Statements", "Stakeholders")),
    ("Proposal matrix", ("Proposal matrix", "Evidence")),
    ("Compare stakeholders", ("Comparison",)),
    ("Source reader", ("Source text",)),
    ("Coalition map", ("Ties",)),
    ("Timeline of positions", ("Timeline picture",)),
    ("Show the timeline as a table", ("Timeline table",)),
)
#: Roles a person operates; a node in any role that takes the keyboard focus counts too.
CONTROL_ROLES = {
    "push button",
    "toggle button",
    "check box",
    "radio button",
    "combo box",
    "text",
    "password text",
    "spin button",
    "slider",
    "menu item",
    "check menu item",
    "radio menu item",
    "page tab",
    "table",
    "tree",
    "tree table",
    "list",
}
#: Roles that tell a screen reader's user nothing about what a thing is.
NO_ROLE = {"unknown", "invalid", "redundant object", ""}
#: Bounded waits: the window's start on a loaded machine, and stopping what was started.
START_TIMEOUT, STOP_TIMEOUT = 60.0, 10.0


def why_not() -> str | None:
    """Why the window cannot be read over AT-SPI here (the packages to install), or None."""
    launcher = Path("/usr/libexec/at-spi-bus-launcher")
    if not (shutil.which("Xvfb") and shutil.which("dbus-daemon") and launcher.exists()):
        return f"Xvfb, dbus-daemon or at-spi-bus-launcher not found: install {PACKAGES}"
    if not Path(SYSTEM_PYTHON).exists():
        return f"{SYSTEM_PYTHON} not found: install {PACKAGES}"
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True, check=False, timeout=60
    )
    if probe.returncode != 0:
        return f"{SYSTEM_PYTHON} cannot import pyatspi: install {PACKAGES}"
    return None


@dataclass
class Reading:
    """What the screen reader's side saw, and what was left running after everything stopped."""

    views: dict[str, Any]
    left_running: list[str]


def _read_line(fd: int, deadline: float, what: str) -> str:
    """The first line written to *fd* (a pipe), waiting until *deadline*."""
    data = b""
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise AssertionError(f"{what} did not start in {START_TIMEOUT:.0f} s")
        chunk = os.read(fd, 4096)
        if not chunk:
            raise AssertionError(f"{what} exited before it started")
        data += chunk
    return data.split(b"\n", 1)[0].decode()


def _started_here(marker: bytes) -> list[int]:
    """Processes whose environment holds *marker*: those started here, and those D-Bus
    started for them (the accessibility bus and its registry, which outlive their parent)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:  # gone, or not ours to read
            continue
    return found


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def _stop(children: list[subprocess.Popen[bytes]], marker: bytes) -> list[str]:
    """Stop the children (the window first), then whatever else carries *marker*; the
    commands of those still running after that (none, unless something is wrong)."""
    for child in children:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(STOP_TIMEOUT)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        pids = _started_here(marker)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + STOP_TIMEOUT
        while _started_here(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
    return [_command(pid) or str(pid) for pid in _started_here(marker)]


def read_window(folder: Path) -> Reading:
    """Start Xvfb, a D-Bus session and the window; read the views' trees; stop everything."""
    runtime = folder / "runtime"
    runtime.mkdir(mode=0o700)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS"}
        and not key.startswith("QT_")
    }
    env.update(
        HOME=str(folder),
        XDG_CONFIG_HOME=str(folder / "config"),
        XDG_STATE_HOME=str(folder / "state"),
        XDG_CACHE_HOME=str(folder / "cache"),
        XDG_DATA_HOME=str(folder / "data"),
        # The accessibility bus's socket goes here: private to this test, never shared.
        XDG_RUNTIME_DIR=str(runtime),
    )
    marker = f"XDG_RUNTIME_DIR={runtime}".encode()
    children: list[subprocess.Popen[bytes]] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT
        # Xvfb picks a free display and writes its number once it accepts clients.
        read_end, write_end = os.pipe()
        children.append(
            subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp", *SCREEN],
                env=env,
                pass_fds=(write_end,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        os.close(write_end)
        env["DISPLAY"] = ":" + _read_line(read_end, deadline, "Xvfb")
        os.close(read_end)
        # The session bus starts the accessibility bus (at-spi-bus-launcher) when Qt asks for it.
        read_end, write_end = os.pipe()
        children.append(
            subprocess.Popen(
                ["dbus-daemon", "--session", "--nofork", f"--print-address={write_end}"],
                env=env,
                pass_fds=(write_end,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        os.close(write_end)
        env["DBUS_SESSION_BUS_ADDRESS"] = _read_line(read_end, deadline, "dbus-daemon")
        os.close(read_end)
        app_env = dict(env, QT_QPA_PLATFORM="xcb", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1")
        window = subprocess.Popen(
            [sys.executable, "-m", "carebrowser", "--select", LGA, "--select", MILBURN],
            env=app_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        children.insert(0, window)
        steps = [":".join((item, *names)) for item, names in STEPS]
        walker_env = {k: v for k, v in env.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
        walker = subprocess.Popen(
            [SYSTEM_PYTHON, str(WALKER), "--timeout", str(START_TIMEOUT)]
            + [argument for step in steps for argument in ("--view", step)],
            env=walker_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        children.insert(0, walker)
        # Each step waits at most START_TIMEOUT; the window closing early ends the wait.
        limit = time.monotonic() + START_TIMEOUT * len(STEPS)
        while True:
            try:  # reading its output as it comes: a full pipe would stop it
                out, err = walker.communicate(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if window.poll() is not None or time.monotonic() > limit:
                    walker.kill()
                    out, err = walker.communicate()
                    break
        if window.poll() is not None:
            message = window.stderr.read().decode() if window.stderr else ""
            raise AssertionError(f"the window closed (status {window.returncode}): {message}")
        assert walker.returncode == 0, f"reading the tree failed: {err.decode()[-2000:]}"
        views = json.loads(out)["views"]
    finally:
        left = _stop(children, marker)
        for child in children:
            for stream in (child.stdout, child.stderr):
                if stream is not None:
                    stream.close()
    return Reading(views, left)


@pytest.fixture(scope="module")
def reading(tmp_path_factory: pytest.TempPathFactory) -> Reading:
    """The window's views as AT-SPI shows them (read once for the module)."""
    reason = why_not()
    if reason:
        pytest.skip(reason)
    return read_window(tmp_path_factory.mktemp("screen-reader"))


def nodes(node: dict[str, Any], parent: dict[str, Any] | None = None) -> Iterator[tuple[Any, Any]]:
    """Every node of a tree read by atspi_tree.py, with its parent."""
    yield node, parent
    for child in node.get("children", []):
        yield from nodes(child, node)


def named_node(tree: dict[str, Any], name: str, role: str) -> dict[str, Any]:
    """The showing node of that name and role."""
    for node, _parent in nodes(tree):
        if node["name"] == name and node["role"] == role and "showing" in node["states"]:
            return node
    raise AssertionError(f"no {role} named {name!r} is showing")


def test_nothing_is_left_running(reading: Reading) -> None:
    assert reading.left_running == []
    assert [item for item, _names in STEPS] == list(reading.views)


def test_every_control_has_a_role_and_a_name(reading: Reading) -> None:
    checked, unnamed = set(), []
    for view, tree in reading.views.items():
        for node, parent in nodes(tree):
            control = node["role"] in CONTROL_ROLES or "focusable" in node["states"]
            if not control:
                continue
            if node["role"] == "list" and parent is not None and parent["role"] == "combo box":
                continue  # a combo box's popup: read as the combo box's items
            checked.add((node["path"], node["role"], node["name"]))
            if node["role"] in NO_ROLE or not node["name"].strip():
                unnamed.append(f"{view}: {node['role']!r} {node['name']!r} at {node['path']}")
    assert not unnamed, "controls without a role or a name:\n" + "\n".join(unnamed)
    roles = {role for _path, role, _name in checked}
    assert len(checked) > 60
    assert {"push button", "check box", "combo box", "text", "table", "menu item"} <= roles
    stakeholders = reading.views["Stakeholders and statements"]
    # Line edits' clear buttons, hidden until there is text, are named for when they show.
    search = named_node(stakeholders, "Search", "text")
    assert [child["name"] for child in search["children"]] == ["Clear the search"]
    assert search["labelled_by"] == ["Search:"]
    # A combo box is named by its label (its own name is its value): the comparison's are
    # "Stakeholder 1 to compare", not "1:".
    compare = reading.views["Compare stakeholders"]
    first = named_node(compare, LGA, "combo box")
    assert first["labelled_by"] == ["Stakeholder 1 to compare"]


def status_said(tree: dict[str, Any]) -> str:
    """What the status bar's showing labels say."""
    bar = next(node for node, _parent in nodes(tree) if node["role"] == "status bar")
    shown = [c for c in bar["children"] if c["role"] == "label" and "showing" in c["states"]]
    return " | ".join(child["name"] for child in shown)


def test_the_status_bar_reads_its_text(reading: Reading) -> None:
    # Its label is named by its text, not by the word "Status".
    views = reading.views
    assert re.search(
        r"\b\d+ of \d+ statements loaded\b", status_said(views["Stakeholders and statements"])
    )
    assert re.search(
        r"\d+ stakeholders \N{MULTIPLICATION SIGN} \d+ proposals",
        status_said(views["Proposal matrix"]),
    )
    for view, tree in views.items():
        assert re.search(r"\d", status_said(tree)), (view, status_said(tree))


def test_tables_expose_their_headers_and_cells(reading: Reading) -> None:
    read = 0
    for view, tree in reading.views.items():
        for node, _parent in nodes(tree):
            if "table" not in node or "showing" not in node["states"]:
                continue
            table, what = node["table"], f"{view}: {node['name']}"
            assert table["rows"] > 0 and table["columns"] > 0, what
            assert len(table["column_headers"]) == table["columns"], what
            for header in table["column_headers"]:
                assert header.strip() and "\n" not in header, (what, header)
            for row in table["cells"]:
                assert len(row) == table["columns"], what
                assert all(cell["role"] == "table cell" for cell in row), what
                assert any(cell["name"].strip() for cell in row), what
            read += 1
    assert read >= 8
    views = reading.views
    statements = named_node(views["Stakeholders and statements"], "Statements", "table")
    assert statements["table"]["column_headers"][:2] == ["Speaker", "Statement"]
    speakers = [row[0]["name"].split("\n")[0] for row in statements["table"]["cells"]]
    assert LGA in speakers
    stakeholders = named_node(views["Stakeholders and statements"], "Stakeholders", "tree")
    assert stakeholders["table"]["column_headers"][0] == "Stakeholder"
    names = [row[0]["name"] for row in stakeholders["table"]["cells"]]
    assert MILBURN in names
    matrix = named_node(views["Proposal matrix"], "Proposal matrix", "table")["table"]
    # Rows are stakeholders, columns proposals, each header read as one line.
    assert MILBURN in matrix["row_headers"]
    assert "Children's trusts" in matrix["column_headers"]
    assert "Fines for delayed discharge (bed blocking)" in matrix["column_headers"]
    comparison = named_node(views["Compare stakeholders"], "Comparison", "table")["table"]
    assert comparison["column_headers"] == ["Proposal", "Agreement", LGA, MILBURN]


STANCE_WORDS = "|".join(re.escape(stance) for stance in STANCES)


def test_stance_cells_read_as_words(reading: Reading) -> None:
    views = reading.views
    matrix = named_node(views["Proposal matrix"], "Proposal matrix", "table")["table"]
    cells = [cell["name"] for row in matrix["cells"] for cell in row]
    for name in cells:
        assert re.fullmatch(rf"no position|({STANCE_WORDS}), \d+ statements? as evidence.*", name)
    assert any(name != "no position" for name in cells)

    comparison = named_node(views["Compare stakeholders"], "Comparison", "table")["table"]
    rows = {row[0]["name"]: [cell["name"] for cell in row] for row in comparison["cells"]}
    for proposal, (_title, agreement, *stances) in rows.items():
        assert agreement in ("disagree", "same stance", "one position only"), proposal
        for said in stances:
            assert re.match(rf"(no position$|({STANCE_WORDS})(: |$))", said), (proposal, said)
    lga, milburn = rows["Care trusts"][2:]
    assert lga.startswith("concerns: ") and milburn.startswith("supports: ")
    assert rows["Care trusts"][1] == "disagree"

    timeline = named_node(views["Show the timeline as a table"], "Timeline table", "table")
    headers = timeline["table"]["column_headers"]
    stance_column = headers.index("Stance")
    said = [row[stance_column]["name"] for row in timeline["table"]["cells"]]
    assert said and all(name in STANCES for name in said), said


def test_the_source_reader_reads_the_article(reading: Reading, archive: Any) -> None:
    reader = reading.views["Source reader"]
    text = named_node(reader, "Source text", "label")["text"]
    texts = [archive.source_text(source.id).text for source in archive.sources()]
    shown = [whole for whole in texts if whole.startswith(text[:200])]
    assert len(text) > 1000 and shown, text[:200]
