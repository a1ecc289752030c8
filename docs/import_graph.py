"""Write docs/import-graph.md: Mermaid graphs of carebrowser's imports, read from the code.

Run from the repository's root:  .venv/bin/python docs/import_graph.py > docs/import-graph.md
(tests/test_architecture.py checks that the committed file is up to date). The graphs are built
with grimp, the import graph library under import-linter; imports made only for type checking
(under ``if TYPE_CHECKING:``) are left out, as the import contracts leave them out.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

import grimp

#: The graphs drawn: (heading, the package whose modules are drawn, how deep names are kept,
#: modules left out: those nearly everything imports).
GRAPHS = (
    ("The layers (an arrow: some module of one imports the other)", "carebrowser", 2, ()),
    (
        "The query layer: one reader per subject (each also imports reading, filters and rows)",
        "carebrowser.queries",
        3,
        ("reading", "filters", "rows", "backend"),
    ),
    ("The command line: one module per command", "carebrowser.cli", 3, ()),
    ("The window's views", "carebrowser.ui.views", 4, ()),
)


def _short(module: str, depth: int) -> str:
    return ".".join(module.split(".")[:depth])


def edges(
    graph: grimp.ImportGraph, package: str, depth: int, left_out: Iterable[str] = ()
) -> list[tuple[str, str]]:
    """The imports between the modules of *package*, names cut to *depth* parts."""
    found: set[tuple[str, str]] = set()
    skipped = {f"{package}.{name}" for name in left_out}
    inside = {
        m
        for m in graph.modules
        if (m == package or m.startswith(package + ".")) and _short(m, depth) not in skipped
    }
    for importer in inside:
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported not in inside:
                continue
            a, b = _short(importer, depth), _short(imported, depth)
            if a != b and a != package and b != package:
                found.add((a, b))
    return sorted(found)


def _node(name: str) -> str:
    return f"{name.replace('.', '_')}[{name}]"


def mermaid(pairs: Iterable[tuple[str, str]], package: str) -> str:
    """A Mermaid flowchart, top to bottom, with names relative to *package*."""
    strip = len(package) + 1
    lines = ["```mermaid", "flowchart TD"]
    for a, b in pairs:
        lines.append(f"    {_node(a[strip:])} --> {_node(b[strip:])}")
    lines.append("```")
    return "\n".join(lines)


def main() -> None:
    """Print the Markdown page."""
    graph = grimp.build_graph("carebrowser", exclude_type_checking_imports=True)
    out = [
        "# carebrowser's imports",
        "",
        "Generated from the code by `docs/import_graph.py` (see docs/architecture.md); do not "
        "edit by hand.",
    ]
    for heading, package, depth, left_out in GRAPHS:
        pairs = edges(graph, package, depth, left_out)
        out += ["", f"## {heading}", "", mermaid(pairs, package)]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
