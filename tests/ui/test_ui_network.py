"""The coalition map view on the bundled dataset: what it draws, what a click shows, the
keyboard's way through it, the same picture every time, and the picture and network saved."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtWidgets import QGraphicsView
from pytestqt.qtbot import QtBot
from ui_helpers import settle

from carebrowser.queries import Archive, Filters
from carebrowser.ui.app import screenshot
from carebrowser.ui.main_window import NETWORK, MainWindow
from carebrowser.ui.network import NetworkPanel, saving
from carebrowser.ui.network.scene import (
    AGREEMENT_COLOUR,
    AGREEMENT_STYLE,
    CONFLICT_COLOUR,
    CONFLICT_STYLE,
)
from carebrowser.ui.network.view import render_image
from carebrowser.ui.views.network import CoalitionMapView
from tests.positions_file import activity, positions

LGA = "Local Government Association"
MILBURN = "Alan Milburn"
ADSS = "Association of Directors of Social Services"
DOOM = "Comment: 'doom-laden reports' (unnamed publication)"


def shown_panel(qtbot: QtBot, archive: Archive, filters: Filters | None = None) -> NetworkPanel:
    panel = NetworkPanel(archive)
    qtbot.addWidget(panel)
    metrics = panel.fontMetrics()
    panel.resize(150 * metrics.averageCharWidth(), 42 * metrics.height())
    panel.show()
    with qtbot.waitSignal(panel.network_shown):
        panel.set_filters(filters or Filters())
    return panel


@pytest.fixture
def panel(qtbot: QtBot, archive: Archive) -> Iterator[NetworkPanel]:
    yield shown_panel(qtbot, archive)


def actor_id(panel: NetworkPanel, name: str) -> int:
    assert panel.network is not None
    return next(a.id for a in panel.network.actors if a.name == name)


def click_item(qtbot: QtBot, view: QGraphicsView, scene_point: object) -> None:
    point = view.mapFromScene(scene_point)  # type: ignore[call-overload]
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point))


def test_draws_every_stakeholder_and_tie_in_colour_and_style(panel: NetworkPanel) -> None:
    assert panel.network is not None
    drawn = {who for who, _p, _s in positions()}
    assert len(panel.scene.nodes) == len(drawn) and panel.ties.rowCount() == len(
        panel.network.edges
    )
    lga, milburn, adss = (actor_id(panel, n) for n in (LGA, MILBURN, ADSS))
    conflict = panel.scene.edge_items(lga, milburn)
    assert [(i.pen().color(), i.pen().style()) for i in conflict] == [
        (CONFLICT_COLOUR, CONFLICT_STYLE)
    ]
    agreement = panel.scene.edge_items(lga, adss)
    assert [(i.pen().color(), i.pen().style()) for i in agreement] == [
        (AGREEMENT_COLOUR, AGREEMENT_STYLE)
    ]
    # Three conflicts are drawn wider than two agreements.
    assert conflict[0].pen().widthF() > agreement[0].pen().widthF()
    assert "positions on 3 proposals" in panel.scene.tips[("s", lga)]
    assert "conflict on 3 proposals" in panel.scene.tips[conflict[0].key]
    assert "drawn" in panel.summary.text() and "coalition" in panel.summary.text()


def test_clicking_a_tie_shows_its_evidence(qtbot: QtBot, panel: NetworkPanel) -> None:
    lga, milburn = actor_id(panel, LGA), actor_id(panel, MILBURN)
    line = panel.scene.edge_items(lga, milburn)[0]
    panel.view.resetTransform()
    # A point of the line, away from the nodes, that is nearer to it than to any other tie.
    spot = next(
        point
        for t in range(20, 80)
        if panel.view.item_at(panel.view.mapFromScene(point := line.line().pointAt(t / 100)))
        is line
    )
    panel.view.centerOn(spot)
    click_item(qtbot, panel.view, spot)
    settle(qtbot)  # the statements are read off the GUI thread
    text = panel.detail.toPlainText()
    for proposal in ("Children's trusts", "Care trusts", "Fines for delayed discharge"):
        assert f"{proposal}" in text
    assert "they conflict" in text and "concerns" in text and "supports" in text
    # The evidence statements themselves, word for word.
    evidence = panel.reader.tie_proposals(min(lga, milburn), max(lga, milburn))
    for tie in evidence:
        for quote in (*tie.first_evidence, *tie.second_evidence):
            assert quote.text in text
    assert "Alan Milburn and Local Government Association" in panel.statements.heading.text()
    assert panel.statements.model.rowCount() > 0
    speakers = {
        panel.statements.model.quote(r).stakeholder
        for r in range(panel.statements.model.rowCount())
    }
    assert speakers <= {LGA, MILBURN}
    row = panel.ties_table.currentIndex().row()
    assert {panel.ties.rows[row][0], panel.ties.rows[row][1]} == {LGA, MILBURN}


def test_clicking_a_stakeholder_shows_its_statements(qtbot: QtBot, panel: NetworkPanel) -> None:
    lga = actor_id(panel, LGA)
    node = panel.scene.node_item(("s", lga))
    assert node is not None
    panel.view.resetTransform()
    panel.view.centerOn(node)
    click_item(qtbot, panel.view, node.pos())
    assert panel.scene.current == ("s", lga)
    settle(qtbot)
    assert panel.statements.heading.text() == f"Statements of {LGA}"
    model = panel.statements.model
    assert model.rowCount() > 0 and {
        model.quote(r).stakeholder for r in range(model.rowCount())
    } == {LGA}
    assert panel.actors.rows[panel.actors_table.currentIndex().row()][0] == LGA


def test_the_keyboard_reaches_every_tie_and_every_stakeholder(
    qtbot: QtBot, panel: NetworkPanel
) -> None:
    assert panel.network is not None
    panel.tabs.setCurrentWidget(panel.ties_table)
    panel.ties_table.setFocus()
    qtbot.keyClick(panel.ties_table, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    reached = set()
    for _ in range(panel.ties.rowCount()):
        reached.add(panel.scene.current)
        qtbot.keyClick(panel.ties_table, Qt.Key.Key_Down)
    assert reached == {("e", e.source, e.target) for e in panel.network.edges}
    # In the picture itself, the arrow keys go from stakeholder to stakeholder.
    panel.view.setFocus()
    panel.pick(())
    nodes = set()
    for _ in range(len(panel.network.actors)):
        qtbot.keyClick(panel.view, Qt.Key.Key_Right)
        nodes.add(panel.scene.current)
    assert nodes == {("s", a.id) for a in panel.network.actors}
    settle(qtbot)
    assert panel.statements.heading.text().startswith("Statements of ")


def test_ties_table_sorts_and_keeps_the_selection(qtbot: QtBot, panel: NetworkPanel) -> None:
    lga, milburn = sorted((actor_id(panel, LGA), actor_id(panel, MILBURN)))
    panel.pick(("e", lga, milburn))
    panel.ties_table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # conflict, most first
    conflicts = [row[3] for row in panel.ties.rows]
    assert conflicts == sorted(conflicts, reverse=True)
    current = panel.ties_table.currentIndex().row()
    assert panel.ties.keys[current] == ("e", lga, milburn)


def test_the_picture_is_the_same_every_time(qtbot: QtBot, archive: Archive) -> None:
    first = shown_panel(qtbot, archive)
    second = shown_panel(qtbot, archive)
    one, two = render_image(first.scene), render_image(second.scene)
    assert one.size() == two.size() and not one.isNull()
    assert one == two


def test_a_filter_change_moves_nodes_little(
    qtbot: QtBot, panel: NetworkPanel, archive: Archive
) -> None:
    before = {k: item.pos() for k, item in panel.scene.nodes.items()}
    proposals = archive.find_proposals(
        ["Children's trusts", "Care trusts", "Fines for delayed discharge (bed blocking)"]
    )
    with qtbot.waitSignal(panel.network_shown):
        panel.set_filters(Filters(proposals=proposals))
    after = {k: item.pos() for k, item in panel.scene.nodes.items()}
    assert set(after) < set(before)
    fresh = shown_panel(qtbot, archive, Filters(proposals=proposals))
    afresh = {k: item.pos() for k, item in fresh.scene.nodes.items()}

    def moved(points: dict) -> float:  # type: ignore[type-arg]
        return sum((points[k] - before[k]).manhattanLength() for k in points)

    assert moved(after) < moved(afresh)


def test_kinds_and_normalisations_redraw(qtbot: QtBot, panel: NetworkPanel) -> None:
    with qtbot.waitSignal(panel.network_shown):
        panel.kind_box.setCurrentIndex(panel.kind_box.findData("congruence"))
    assert panel.network is not None and panel.network.kind == "congruence"
    assert all(e.agree and not e.conflict for e in panel.network.edges)
    with qtbot.waitSignal(panel.network_shown):
        panel.normalisation_box.setCurrentIndex(panel.normalisation_box.findData("jaccard"))
    lga, adss = sorted((actor_id(panel, LGA), actor_id(panel, ADSS)))
    edge = next(e for e in panel.network.edges if (e.source, e.target) == (lga, adss))
    assert edge.weight == pytest.approx(2 / (activity(LGA) + activity(ADSS) - 2))
    with qtbot.waitSignal(panel.network_shown):
        panel.kind_box.setCurrentIndex(panel.kind_box.findData("affiliation"))
    assert (
        len(panel.network.proposals) > 0
        and ("p", panel.network.proposals[0].id) in panel.scene.nodes
    )
    with qtbot.waitSignal(panel.network_shown):
        panel.limit_box.setValue(5)
        panel.limit_box.editingFinished.emit()
    left_out = len({who for who, _p, _s in positions()}) - 5
    assert len(panel.network.actors) == 5 and f"{left_out} left out" in panel.summary.text()


def test_saves_png_svg_graphml_and_csv(panel: NetworkPanel, tmp_path: Path) -> None:
    panel.save_picture(tmp_path / "network.png")
    assert (tmp_path / "network.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    panel.save_picture(tmp_path / "network.svg")
    svg = ET.parse(tmp_path / "network.svg").getroot()
    assert svg.tag.endswith("svg") and ">Alan Milburn<" in (tmp_path / "network.svg").read_text()
    panel.save_network(tmp_path / "network.graphml")
    graph = nx.read_graphml(tmp_path / "network.graphml")
    assert panel.network is not None
    assert graph.number_of_nodes() == len(panel.network.actors)
    assert graph.number_of_edges() == len(panel.network.edges)
    panel.save_network(tmp_path / "ties.csv")
    assert (tmp_path / "ties.csv").read_bytes().startswith(b"\xef\xbb\xbfsource,target,kind")


def test_ctrl_5_shows_who_stands_with_whom_on_the_filtered_proposals(
    qtbot: QtBot, window: MainWindow, archive: Archive, tmp_path: Path
) -> None:
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    view = window.view(NETWORK)
    assert isinstance(view, CoalitionMapView) and window.current_view() == NETWORK
    panel = view.network
    qtbot.waitUntil(lambda: panel.network is not None)
    assert panel.view.hasFocus()
    fines = archive.find_proposals(["Fines for delayed discharge (bed blocking)"])
    with qtbot.waitSignal(panel.network_shown):
        window.filter_bar.set_filters(Filters(proposals=fines))
    assert panel.network is not None
    names = {a.name for a in panel.network.actors}
    assert names == {MILBURN, LGA, "John Ransford", DOOM}
    lga, milburn = sorted((actor_id(panel, LGA), actor_id(panel, MILBURN)))
    panel.pick(("e", lga, milburn))
    assert "Fines for delayed discharge (bed blocking): they conflict" in panel.detail.toPlainText()
    assert MILBURN in window.status.text() or "drawn" in window.status.text()
    # Ctrl+E offers the ties; the selected one here.
    panel.ties_table.setFocus()
    subject = view.export_panel(panel.ties_table).export_subject(Filters())
    assert subject.selected and subject.shapes[0].count() == 1
    rows = list(subject.shapes[0].table().rows)
    assert {rows[0][0], rows[0][1]} == {LGA, MILBURN} and rows[0][2] == "conflict"


def test_the_screenshot_waits_for_the_network(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.set_view("network")
    path = tmp_path / "network.png"
    assert screenshot(window, str(path))
    panel = window.view(NETWORK).network  # type: ignore[attr-defined]
    drawn = {who for who, _p, _s in positions()}
    assert panel.network is not None and len(panel.scene.nodes) == len(drawn)


def _label_rects(panel: NetworkPanel) -> list[QRectF]:
    """Where the shown labels are, in the view's pixels."""
    rects = []
    for node in panel.scene.nodes.values():
        if node.label.isVisible():
            polygon = panel.view.mapFromScene(node.label.sceneBoundingRect())
            rects.append(QRectF(polygon.boundingRect()))
    return rects


def test_labels_shown_in_a_small_picture_never_cover_each_other(
    qtbot: QtBot, panel: NetworkPanel
) -> None:
    """Zoomed out to fit a small window, the labels that would pile up are hidden (each name
    stays in the tooltips and the table); zooming in shows them again; a saved picture has all."""
    panel.view.resize(320, 200)
    qtbot.waitUntil(lambda: panel.view.viewport().width() <= 320)
    panel.view.fit()
    names = {node.label.text() for node in panel.scene.nodes.values()}
    shown = [n for n in panel.scene.nodes.values() if n.label.isVisible()]
    assert 0 < len(shown) < len(names)
    rects = _label_rects(panel)
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    biggest = max(panel.scene.nodes.values(), key=lambda n: n.radius)
    assert biggest.label.isVisible()
    for _ in range(6):
        panel.view.zoom(2)
    assert len([n for n in panel.scene.nodes.values() if n.label.isVisible()]) > len(shown)
    hidden = [n for n in panel.scene.nodes.values() if not n.label.isVisible()]
    with panel.scene.every_label():
        assert all(node.label.isVisible() for node in panel.scene.nodes.values())
    assert all(not node.label.isVisible() for node in hidden)


def test_the_selected_stakeholder_is_always_named(qtbot: QtBot, panel: NetworkPanel) -> None:
    panel.view.resize(320, 200)
    panel.view.fit()
    hidden = next(n for n in panel.scene.nodes.values() if not n.label.isVisible())
    panel.pick(hidden.key)
    assert hidden.label.isVisible()


def test_the_picture_fits_again_when_the_window_is_resized(
    qtbot: QtBot, panel: NetworkPanel
) -> None:
    """Drawn before the view had its size (a first start), the picture still fills the view."""
    panel.view.resize(200, 120)
    panel.view.fit()
    small = panel.view.transform().m11()
    panel.view.resize(900, 600)
    qtbot.waitUntil(lambda: panel.view.transform().m11() > 2 * small)
    bounds = panel.view.mapFromScene(panel.scene.itemsBoundingRect()).boundingRect()
    viewport = panel.view.viewport().rect()
    assert bounds.width() > 0.7 * viewport.width() or bounds.height() > 0.7 * viewport.height()
    panel.view.zoom(2)  # zoomed by the person: a resize keeps their scale
    zoomed = panel.view.transform().m11()
    panel.view.resize(700, 500)
    assert panel.view.transform().m11() == zoomed


def test_the_save_buttons_say_what_happened(
    panel: NetworkPanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen: list[str] = []
    monkeypatch.setattr(saving.QFileDialog, "getSaveFileName", lambda *_args: (chosen[-1], ""))
    before = panel.summary.text()
    chosen.append("")  # cancelled: nothing written, nothing said
    panel.network_button.click()
    assert panel.summary.text() == before and not list(tmp_path.iterdir())
    chosen.append(str(tmp_path / "ties.csv"))
    panel.network_button.click()
    assert panel.summary.text() == f"Saved {tmp_path / 'ties.csv'}."
    assert (tmp_path / "ties.csv").read_text(encoding="utf-8").count("\n") > 10
    chosen.append(str(tmp_path / "missing folder" / "map.png"))
    panel.picture_button.click()
    assert panel.summary.text().startswith(f"Could not save {tmp_path / 'missing folder'}")
    assert not (tmp_path / "missing folder").exists()
