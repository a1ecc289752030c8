"""The shape of the code: the import graphs in the docs are current, and exports keep their bytes.

The layering itself is checked by import-linter (`lint-imports`, part of `make test`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from carebrowser.cli import argument_parser, main
from carebrowser.data.synth import Sizes, synthesize
from carebrowser.ui.views import VIEWS

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
#: A small synthetic archive: the same rows for the same seed on every machine, and apart from
#: the bundled dataset, whose changes are not changes of the export.
SIZES = Sizes.for_quotes(150, stakeholders=16, proposals=6, sources=15)
#: The exports compared with their golden files: (file name, command line after `--db DB`).
EXPORTS = [
    (f"{what}{suffix}.{fmt}", ["export", what, "--format", fmt, *extra])
    for what in ("quotes", "positions", "matrix")
    for fmt in ("csv", "xlsx")
    for suffix, extra in (("", []), (".filtered", ["--search", "care*", "--category", "council"]))
] + [
    (f"positions.summary.{fmt}", ["export", "positions", "--layout", "summary", "--format", fmt])
    for fmt in ("csv", "xlsx")
]
LISTS = ["stakeholders", "proposals", "sources"]


def test_the_import_graphs_in_the_docs_are_current() -> None:
    generated = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "import_graph.py")],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    committed = (ROOT / "docs" / "import-graph.md").read_text(encoding="utf-8")
    assert generated == committed, (
        "docs/import-graph.md is out of date: run "
        "'.venv/bin/python docs/import_graph.py > docs/import-graph.md'"
    )


def test_the_command_line_offers_every_view_by_its_name() -> None:
    # The command line cannot import the window's list (it never imports ui): it repeats it.
    (view,) = [a for a in argument_parser()._actions if a.dest == "view"]
    assert list(view.choices or ()) == [v.name for v in VIEWS]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesize(tmp_path_factory.mktemp("golden") / "small.sqlite", SIZES, seed=11)


def _contents(path: Path) -> dict[str, bytes]:
    """A file's bytes; a workbook's parts but its timestamps (docProps/core.xml)."""
    if path.suffix != ".xlsx":
        return {path.name: path.read_bytes()}
    with zipfile.ZipFile(path) as book:
        return {n: book.read(n) for n in sorted(book.namelist()) if n != "docProps/core.xml"}


def _check(written: Path, name: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("CAREBROWSER_WRITE_GOLDEN"):
        golden.write_bytes(written.read_bytes())
    assert _contents(written) == _contents(golden), (
        f"{name} differs from tests/golden/{name}; if the change is meant, write the golden "
        "files again with CAREBROWSER_WRITE_GOLDEN=1 and review their diff"
    )


@pytest.mark.parametrize(("name", "argv"), EXPORTS, ids=[name for name, _ in EXPORTS])
def test_exports_keep_their_bytes(
    archive: Path, tmp_path: Path, name: str, argv: list[str]
) -> None:
    written = tmp_path / name
    assert main(["--db", str(archive), *argv, "-o", str(written)]) == 0
    _check(written, name)


@pytest.mark.parametrize("what", LISTS)
def test_lists_keep_their_bytes(
    archive: Path, tmp_path: Path, what: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(archive), "list", what]) == 0
    written = tmp_path / f"list-{what}.txt"
    written.write_bytes(capsys.readouterr().out.encode("utf-8"))
    _check(written, written.name)
