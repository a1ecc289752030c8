"""The picture of a network: stakeholders as shapes, ties as lines, coalitions as tinted hulls.

Agreement and conflict differ in colour *and* line style (solid and dashed), so that neither is
told by colour alone; a node's shape says its category, its size its statements.
"""

from __future__ import annotations

import contextlib
import functools
import math
from collections.abc import Iterator, Mapping

from PySide6.QtCore import QLineF, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
)

from carebrowser.analysis.kinds import STANCE_SCORES
from carebrowser.analysis.layout import NodeKey, Point
from carebrowser.analysis.networks import Actor, Edge, Network
from carebrowser.data.vocabulary import STANCE_COLOURS

#: Agreement and conflict: the palette's "supports" and "opposes" colours, solid and dashed.
AGREEMENT_COLOUR = QColor(STANCE_COLOURS["supports"])
CONFLICT_COLOUR = QColor(STANCE_COLOURS["opposes"])
MIXED_COLOUR = QColor(STANCE_COLOURS["mixed"])
AGREEMENT_STYLE = Qt.PenStyle.SolidLine
CONFLICT_STYLE = Qt.PenStyle.DashLine
MIXED_STYLE = Qt.PenStyle.DotLine
#: Coalitions' tints (Okabe-Ito colours not used by the ties), then grey for the rest.
COALITION_COLOURS = ("#56B4E9", "#E69F00", "#CC79A7", "#F0E442", "#0072B2", "#999999")
#: Which shape stands for which category (its points on a unit circle, or a circle).
CATEGORY_SHAPES = {
    "government": "circle",
    "local government": "square",
    "professional association": "diamond",
    "NHS body": "triangle",
    "political party": "inverted triangle",
    "regulator or inspectorate": "hexagon",
    "think tank or research": "pentagon",
    "council": "left triangle",
    "press": "star",
    "other": "cross",
}
#: The most ties drawn, the strongest first.
MOST_TIES_DRAWN = 150
#: A node's outline, and a selected node's.
NODE_PEN, SELECTED_NODE_PEN = 1.2, 3.5
#: The layout's unit in pixels per square root of the node count: neighbours about 80 px apart.
UNIT = 40.0


def coalition_colour(number: int) -> QColor:
    """The tint of a coalition (1, 2, ...); grey beyond the palette."""
    return QColor(COALITION_COLOURS[min(number - 1, len(COALITION_COLOURS) - 1)])


def shape_path(shape: str, radius: float) -> QPainterPath:
    """A node's outline, centred on (0, 0)."""
    path = QPainterPath()
    if shape == "circle":
        path.addEllipse(QPointF(0, 0), radius, radius)
        return path
    if shape == "cross":
        arm = radius / 2.5
        path.addRect(QRectF(-radius, -arm, 2 * radius, 2 * arm))
        path.addRect(QRectF(-arm, -radius, 2 * arm, 2 * radius))
        return path.simplified()
    corners, turn, inner = {
        "square": (4, 45, None),
        "diamond": (4, 0, None),
        "triangle": (3, 0, None),
        "inverted triangle": (3, 180, None),
        "pentagon": (5, 0, None),
        "hexagon": (6, 30, None),
        "left triangle": (3, 270, None),
        "star": (5, 0, 0.45),
    }[shape]
    points = []
    steps = corners * 2 if inner else corners
    for n in range(steps):
        angle = math.radians(turn + 360 * n / steps - 90)
        r = radius * (inner if inner and n % 2 else 1.0)
        points.append(QPointF(r * math.cos(angle), r * math.sin(angle)))
    path.addPolygon(QPolygonF(points))
    path.closeSubpath()
    return path


class NodeItem(QGraphicsPathItem):
    """A stakeholder (or, two-mode, a proposal): its shape and label.

    Items override no virtual function and carry no flags, cursor or tooltip of their own: each
    call from Qt into Python, and each enum crossing, costs microseconds, and a network at scale
    has thousands of ties (the scene and the view answer clicks and tooltips instead).
    """

    def __init__(self, key: NodeKey, shape: str, radius: float, label: str) -> None:
        super().__init__(shape_path(shape, radius))
        self.key, self.radius = key, radius
        self.setPen(QPen(QColor("#000000"), NODE_PEN))
        self.setZValue(2)
        self.label = QGraphicsSimpleTextItem(label, self)
        # The label keeps its size when the picture is zoomed out to fit a small window; it is
        # placed by its top centre, under the node.
        self.label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        width = self.label.boundingRect().width()
        self.label.setPos(0, radius + 2)
        self.label.setTransform(QTransform.fromTranslate(-width / 2, 0))


class EdgeItem(QGraphicsLineItem):
    """A tie between two nodes, in its relation's colour and line style."""

    def __init__(self, key: tuple[str, int, int], line: QLineF, pen: QPen) -> None:
        super().__init__(line)
        self.key = key
        self.setPen(pen)
        self.setZValue(1)


@functools.lru_cache(maxsize=512)
def _pen(colour: str, style: Qt.PenStyle, width: float) -> QPen:
    """A tie's pen (kept: a network's ties share a few dozen pens)."""
    pen = QPen(QColor(colour), width)
    pen.setStyle(style)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def _hull(points: list[QPointF]) -> list[QPointF]:
    """The convex hull of points (monotone chain), anticlockwise."""
    found = sorted({(p.x(), p.y()) for p in points})
    if len(found) <= 2:
        return [QPointF(x, y) for x, y in found]

    def cross(o: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[tuple[float, float]] = []
    for p in found:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[tuple[float, float]] = []
    for p in reversed(found):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return [QPointF(x, y) for x, y in lower[:-1] + upper[:-1]]


class NetworkScene(QGraphicsScene):
    """A network drawn at its layout's positions."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.network: Network | None = None
        self.nodes: dict[NodeKey, NodeItem] = {}
        self.edges: dict[tuple[str, int, int], list[EdgeItem]] = {}
        #: What each node, tie and hull says when the pointer rests on it.
        self.tips: dict[tuple[object, ...], str] = {}
        #: The node or tie selected (() for none), and what marks it.
        self.current: tuple[object, ...] = ()
        self._marks: list[QGraphicsItem] = []
        #: How many ties are drawn (the strongest, at most MOST_TIES_DRAWN).
        self.drawn_ties = 0
        self._heaviest = 1.0
        self.setBackgroundBrush(QBrush(QColor("#ffffff")))

    def show_network(
        self, network: Network, points: Mapping[NodeKey, Point], aspect: float = 1.0
    ) -> None:
        """Draw *network* with its nodes at *points* (a layout of it), stretched to the
        *aspect* (width / height) of the view it is shown in: a wide view spreads it sideways."""
        self.clear()
        self.network, self.nodes, self.edges, self.tips = network, {}, {}, {}
        self.current, self._marks = (), []
        unit = UNIT * max(2.0, math.sqrt(len(points)))
        stretch = math.sqrt(min(max(aspect, 1 / 2.5), 2.5))
        at = {k: QPointF(x * unit * stretch, y * unit / stretch) for k, (x, y) in points.items()}
        most = max((a.statement_count for a in network.actors), default=1) or 1
        for actor in network.actors:
            radius = 7 + 13 * math.sqrt(actor.statement_count / most)
            item = NodeItem(
                ("s", actor.id), CATEGORY_SHAPES.get(actor.category, "circle"), radius, actor.label
            )
            self.tips[("s", actor.id)] = _actor_tip(actor)
            if actor.coalition:
                item.setBrush(QBrush(coalition_colour(actor.coalition).lighter(130)))
            item.setPos(at[("s", actor.id)])
            self.addItem(item)
            self.nodes[("s", actor.id)] = item
        for proposal in network.proposals:
            item = NodeItem(("p", proposal.id), "square", 6, _short(proposal.title))
            self.tips[("p", proposal.id)] = (
                f"{proposal.title}\nproposal \u00b7 positions drawn: {proposal.positions}"
            )
            item.setBrush(QBrush(QColor("#dddddd")))
            item.setPos(at[("p", proposal.id)])
            self.addItem(item)
            self.nodes[("p", proposal.id)] = item
        self._draw_edges(network)
        self._draw_hulls(network)

    def _draw_edges(self, network: Network) -> None:
        self._heaviest = max((abs(e.weight) for e in network.edges), default=1.0) or 1.0
        names = {a.id: a.name for a in network.actors}
        for edge in network.edges:
            self.tips[("e", edge.source, edge.target)] = _edge_tip(network, edge, names)
        # The strongest ties only: past a few hundred lines the picture is a tangle, and painting
        # it takes longer than a frame (every tie is in the table).
        strongest = sorted(network.edges, key=lambda e: -abs(e.weight))[:MOST_TIES_DRAWN]
        self.drawn_ties = len(strongest)
        for edge in strongest:
            key = ("e", edge.source, edge.target)
            self.edges[key] = []
            for line, pen in self._lines(network, edge):
                item = EdgeItem(key, line, pen)
                self.addItem(item)
                self.edges[key].append(item)

    def _lines(self, network: Network, edge: Edge) -> list[tuple[QLineF, QPen]]:
        """The lines of a tie, side by side when it is drawn with two (agreement, conflict)."""
        two_mode = network.kind == "affiliation"
        a = self.nodes[("s", edge.source)].pos()
        b = self.nodes[("p" if two_mode else "s", edge.target)].pos()
        width = 1.0 + 4.0 * abs(edge.weight) / self._heaviest
        styles = _lines_of(network, edge)
        return [
            (
                _offset(QLineF(a, b), (n - (len(styles) - 1) / 2) * (width + 2)),
                _pen(colour.name(), style, round(width, 1)),
            )
            for n, (colour, style) in enumerate(styles)
        ]

    def _draw_hulls(self, network: Network) -> None:
        for coalition in network.coalitions:
            points: list[QPointF] = []
            for member in coalition.members:
                node = self.nodes[("s", member)]
                pad = node.radius + 12
                centre = node.pos()
                points += [
                    centre
                    + QPointF(pad * math.cos(t * math.pi / 4), pad * math.sin(t * math.pi / 4))
                    for t in range(8)
                ]
            colour = coalition_colour(coalition.number)
            fill = QColor(colour)
            fill.setAlpha(45)
            hull = QGraphicsPolygonItem(QPolygonF(_hull(points)))
            hull.setBrush(QBrush(fill))
            edge = QColor(colour)
            edge.setAlpha(160)
            hull.setPen(QPen(edge, 1.0))
            hull.setZValue(0)
            hull.setToolTip(f"Coalition {coalition.number}: {len(coalition.members)} stakeholders")
            hull.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
            self.addItem(hull)

    def mark(self, key: tuple[object, ...]) -> None:
        """Mark a node ("s"/"p", id) or a tie ("e", a, b) as selected (() for none)."""
        for item in self._marks:
            self.removeItem(item)
        self._marks = []
        for node in self.nodes.values():
            if node.pen().widthF() != NODE_PEN:
                node.setPen(QPen(QColor("#000000"), NODE_PEN))
        self.current = key
        if not key:
            return
        if key[0] in ("s", "p"):
            chosen = self.nodes.get((str(key[0]), int(key[1])))  # type: ignore[call-overload]
            if chosen is not None:
                chosen.setPen(QPen(QColor("#000000"), SELECTED_NODE_PEN))
            return
        source, target = int(key[1]), int(key[2])  # type: ignore[call-overload]
        found = [
            e
            for e in (self.network.edges if self.network else ())
            if (e.source, e.target) == (source, target)
        ]
        for edge in found[:1]:
            # A black band under the tie's own lines (drawn here too when the tie is not among
            # the strongest drawn), above every other tie.
            for line, pen in self._lines(self.network, edge):  # type: ignore[arg-type]
                band = QGraphicsLineItem(line)
                band.setPen(QPen(QColor("#000000"), pen.widthF() + 5))
                band.setZValue(1.4)
                copy = QGraphicsLineItem(line)
                copy.setPen(pen)
                copy.setZValue(1.5)
                for item in (band, copy):
                    self.addItem(item)
                    self._marks.append(item)

    @contextlib.contextmanager
    def every_label(self) -> Iterator[None]:
        """Every label shown while the picture is saved (a saved picture is drawn at a scale
        where they fit), then as the view had placed them."""
        hidden = [node.label for node in self.nodes.values() if not node.label.isVisible()]
        for label in hidden:
            label.setVisible(True)
        try:
            yield
        finally:
            for label in hidden:
                label.setVisible(False)

    def node_item(self, key: NodeKey) -> NodeItem | None:
        """The item drawn for a node."""
        return self.nodes.get(key)

    def edge_items(self, source: int, target: int) -> list[EdgeItem]:
        """The lines drawn for a tie (two when its two stakeholders both agree and conflict)."""
        return self.edges.get(("e", source, target), []) or self.edges.get(
            ("e", target, source), []
        )


def _lines_of(network: Network, edge: Edge) -> list[tuple[QColor, Qt.PenStyle]]:
    """The lines a tie is drawn with: agreement, conflict, or both side by side."""
    agreement = (AGREEMENT_COLOUR, AGREEMENT_STYLE)
    conflict = (CONFLICT_COLOUR, CONFLICT_STYLE)
    if network.kind == "affiliation":
        score = STANCE_SCORES.get(edge.stance, 0)
        if score == 0:
            return [(MIXED_COLOUR, MIXED_STYLE)]
        return [agreement if score > 0 else conflict]
    if network.kind == "subtract":
        return [agreement if edge.weight > 0 else conflict]
    lines = []
    if edge.agree:
        lines.append(agreement)
    if edge.conflict:
        lines.append(conflict)
    return lines


def _offset(line: QLineF, by: float) -> QLineF:
    """*line* moved sideways by *by* pixels."""
    dx, dy = line.dx(), line.dy()
    length = math.hypot(dx, dy)
    if by == 0 or length == 0:
        return line
    # Along the line's normal (dy, -dx), as QLineF.normalVector() turns it; worked out here
    # rather than by normalVector().unitVector(), whose first call held the GUI thread 100-200 ms.
    shift = QPointF(dy / length * by, -dx / length * by)
    return QLineF(line.p1() + shift, line.p2() + shift)


def _short(title: str) -> str:
    return title if len(title) <= 24 else title[:23].rstrip() + "\u2026"


def _actor_tip(actor: Actor) -> str:
    coalition = f"coalition {actor.coalition}" if actor.coalition else "in no coalition"
    return (
        f"{actor.name}\n{actor.category} \u00b7 {actor.statement_count} statements \u00b7 "
        f"positions on {actor.activity} proposals \u00b7 {coalition}"
    )


def _edge_tip(network: Network, edge: Edge, names: dict[int, str]) -> str:
    if network.kind == "affiliation":
        title = network.proposal_titles.get(edge.target, "")
        return f"{names[edge.source]} {edge.stance} {title} (weight {edge.weight:+g})"
    return (
        f"{names[edge.source]} \u2013 {names[edge.target]}\n"
        f"agree on {len(edge.agree)}, conflict on {len(edge.conflict)} proposals "
        f"\u00b7 weight {edge.weight:.3g} ({network.kind}, normalisation {network.normalisation})"
    )
