"""Print carebrowser's accessibility tree as a screen reader reads it, over AT-SPI, as JSON.

Run by tests/ui/test_ui_screen_reader.py with Debian's /usr/bin/python3 (python3-pyatspi), in
the D-Bus session and on the X display the window runs on. For each ``--view ITEM:NAME...`` it
presses ITEM (a menu item, button or check box) through AT-SPI's Action interface, as a screen
reader's user does, waits (polling, bounded) until each NAMEd table has rows and each NAMEd text
has text, and reads the window's tree: each node with its role, name, description, states,
labels and actions, the start of its text, and each table with its column and row headers and
its first rows of cells. It prints {"application": ..., "views": {ITEM: tree}}.

    /usr/bin/python3 tests/atspi_tree.py --view "Proposal matrix:Proposal matrix" --timeout 60
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import pyatspi

#: Rows of a table read cell by cell (the rest only counted): enough to judge what it says.
ROWS_READ = 6
#: Children read of a node with very many (a table's cells past the rows above).
CHILDREN_READ = 60
#: Characters read of a text (a source's article is a few thousand).
TEXT_READ = 4000
#: The roles of Qt's item views (QTableView, QTreeView, QListView).
TABLES = ("table", "tree table", "tree", "list")
#: The roles press() acts on.
PRESSABLE = ("menu item", "check box", "push button", "toggle button")


def states(node: Any) -> list[str]:
    """The node's AT-SPI states, by their names ("showing", "focusable", ...)."""
    found = node.getState().getStates()
    return sorted(pyatspi.stateToString(state).replace(" ", "-") for state in found)


def labelled_by(node: Any) -> list[str]:
    """The names of the labels that name the node (a QLabel whose buddy it is)."""
    names = []
    for relation in node.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            for index in range(relation.getNTargets()):
                names.append(str(relation.getTarget(index).name))
    return names


def header_name(table: Any, column: int) -> str:
    """The column's header as AT-SPI gives it: the header cell's name, else its description."""
    header = table.getColumnHeader(column)
    if header is not None and header.name:
        return str(header.name)
    return str(table.getColumnDescription(column) or "")


def row_header_name(table: Any, row: int) -> str:
    """The row's header as AT-SPI gives it ("" where the table shows none)."""
    header = table.getRowHeader(row)
    if header is not None and header.name:
        return str(header.name)
    return str(table.getRowDescription(row) or "")


def read_text(node: Any) -> str | None:
    """The start of the node's text (TEXT_READ characters), or None when it has no Text."""
    try:
        text = node.queryText()
    except NotImplementedError:
        return None
    return str(text.getText(0, min(text.characterCount, TEXT_READ)))


def read_table(node: Any) -> dict[str, Any] | None:
    """The table's size, column headers and first rows of cells, or None when it is no table."""
    try:
        table = node.queryTable()
    except NotImplementedError:
        return None
    rows, columns = table.nRows, table.nColumns
    cells: list[list[dict[str, Any]]] = []
    for row in range(min(rows, ROWS_READ)):
        line = []
        for column in range(columns):
            cell = table.getAccessibleAt(row, column)
            line.append(
                {
                    "role": cell.getRoleName() if cell is not None else "",
                    "name": str(cell.name) if cell is not None else "",
                    "description": str(cell.description) if cell is not None else "",
                }
            )
        cells.append(line)
    return {
        "rows": rows,
        "columns": columns,
        "column_headers": [header_name(table, column) for column in range(columns)],
        "row_headers": [row_header_name(table, row) for row in range(min(rows, ROWS_READ))],
        "cells": cells,
    }


def read_node(node: Any, path: str) -> dict[str, Any]:
    """The node and, under it, its children (a table's by read_table instead)."""
    role = node.getRoleName()
    found: dict[str, Any] = {
        "path": path,
        "role": role,
        "name": str(node.name or ""),
        "description": str(node.description or ""),
        "states": states(node),
        "child_count": node.childCount,
        "labelled_by": labelled_by(node),
    }
    text = read_text(node)
    if text is not None:
        found["text"] = text
    table = read_table(node)
    if table is not None:
        found["table"] = table
        return found  # the cells are in "table"; walking them all is thousands of calls
    try:
        found["actions"] = [
            node.queryAction().getName(i) for i in range(node.queryAction().nActions)
        ]
    except NotImplementedError:
        found["actions"] = []
    children = []
    for index in range(min(node.childCount, CHILDREN_READ)):
        child = node.getChildAtIndex(index)
        if child is not None:
            children.append(read_node(child, f"{path}/{index}"))
    found["children"] = children
    return found


def application(name: str) -> Any | None:
    """The application of that name on the accessibility bus, once it shows a window."""
    desktop = pyatspi.Registry.getDesktop(0)
    for index in range(desktop.childCount):
        app = desktop.getChildAtIndex(index)
        if app is not None and app.name == name and app.childCount:
            return app
    return None


def find(node: Any, wanted: Any) -> Any | None:
    """The first node under *node* (depth first, tables not entered) for which *wanted* holds."""
    if wanted(node):
        return node
    if node.getRoleName() in TABLES:
        return None
    for index in range(node.childCount):
        child = node.getChildAtIndex(index)
        if child is not None and (hit := find(child, wanted)) is not None:
            return hit
    return None


def ready(window: Any, name: str) -> bool:
    """Whether a node of that name is showing, with rows if it is a table, with text if it
    has a Text interface."""

    def showing(node: Any) -> bool:
        return bool(node.name == name and "showing" in states(node))

    node = find(window, showing)
    if node is None:
        return False
    if node.getRoleName() in TABLES:
        return bool(node.queryTable().nRows > 0)
    text = read_text(node)
    return text is None or bool(text)


def wait(what: Any, timeout: float) -> Any:
    """Poll *what* until it returns something true, for at most *timeout* seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            found = what()
        except Exception:  # the tree changes while it is read: read it again
            found = None
        if found:
            return found
        if time.monotonic() > deadline:
            return None
        time.sleep(0.1)


def press(window: Any, name: str) -> bool:
    """Press the menu item, button or check box of that name through its Action interface."""
    node = find(window, lambda n: n.name == name and n.getRoleName() in PRESSABLE)
    if node is None:
        return False
    action = node.queryAction()
    names = [action.getName(index).lower() for index in range(action.nActions)]
    for wanted in ("toggle", "press", "click", "activate"):
        if wanted in names:
            return bool(action.doAction(names.index(wanted)))
    return False


def main() -> int:
    """Show each view asked for, wait until it is read, and print the trees as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--app", default="carebrowser")
    parser.add_argument(
        "--view",
        action="append",
        default=[],
        metavar="ITEM:NAME[:NAME]",
        help="press ITEM (a menu item, button or check box), then wait until each NAME shows",
    )
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    app = wait(lambda: application(args.app), args.timeout)
    if app is None:
        print(f"{args.app} did not appear on the accessibility bus", file=sys.stderr)
        return 2
    window = wait(lambda: app.getChildAtIndex(0), args.timeout)
    views: dict[str, Any] = {}
    for step in args.view:
        item, *names = step.split(":")
        if not press(window, item):
            print(f"no menu item {item!r} to press", file=sys.stderr)
            return 2
        for name in names:
            if not wait(lambda name=name: ready(window, name), args.timeout):
                print(f"after {item!r}, {name!r} never showed", file=sys.stderr)
                return 2
        views[item] = wait(lambda: read_node(window, "0"), args.timeout)
    json.dump({"application": str(app.name), "views": views}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
