"""The picture of a network: stakeholders as shapes, ties as lines, coalitions as tinted hulls.

Agreement and conflict differ in colour *and* line style (solid and dashed), so that neither is
told by colour alone; a node's shape says its category, its size its statements.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from PySide6.QtCore import QLineF, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QStyle,
)

from carebrowser.analysis.layout import NodeKey, Point
from carebrowser.analysis.networks import STANCE_SCORES, Actor, Edge, Network
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
    "council": "octagon",
    "press": "star",
    "other": "cross",
}
#: Where a data role of an item keeps what it stands for: ("s", id), ("e", a, b), ("p", id).
KEY = 0
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
        "octagon": (8, 22.5, None),
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
    """A stakeholder (or, two-mode, a proposal): its shape, label and tooltip."""

    def __init__(self, key: NodeKey, shape: str, radius: float, label: str, tip: str) -> None:
        super().__init__(shape_path(shape, radius))
        self.key, self.radius = key, radius
        self.setData(KEY, key)
        self.setToolTip(tip)
        self.setPen(QPen(QColor("#000000"), 1.2))
        self.setBrush(QBrush(QColor("#ffffff")))
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(2)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.label = QGraphicsSimpleTextItem(label, self)
        font = QFont(self.label.font())
        font.setPointSizeF(max(font.pointSizeF(), 8.0))
        self.label.setFont(font)
        width = self.label.boundingRect().width()
        self.label.setPos(-width / 2, radius + 2)
        self.label.setAcceptedMouseButtons(Qt.MouseButton.NoButton)

    def paint(self, painter, option, widget=None):  # type: ignore[no-untyped-def]
        # Selection is shown by a thick outline, not Qt's dotted rectangle.
        selected = self.isSelected()
        self.setPen(QPen(QColor("#000000"), 3.5 if selected else 1.2))
        option.state &= ~QStyle.StateFlag.State_Selected
        super().paint(painter, option, widget)


class EdgeItem(QGraphicsLineItem):
    """A tie between two nodes, in its relation's colour and line style."""

    def __init__(self, key: tuple[str, int, int], line: QLineF, pen: QPen, tip: str) -> None:
        super().__init__(line)
        self.key = key
        self.setData(KEY, key)
        self.setPen(pen)
        self.setToolTip(tip)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(1)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.setZValue(1.5 if value else 1)  # a selected tie above the others
        return super().itemChange(change, value)

    def boundingRect(self) -> QRectF:
        grow = (self.pen().widthF() + 6) / 2
        return super().boundingRect().adjusted(-grow, -grow, grow, grow)

    def shape(self) -> QPainterPath:
        # A thin line is easy to miss: it can be clicked a few pixels either side.
        path = QPainterPath(self.line().p1())
        path.lineTo(self.line().p2())
        from PySide6.QtGui import QPainterPathStroker

        stroker = QPainterPathStroker()
        stroker.setWidth(max(self.pen().widthF(), 8.0))
        return stroker.createStroke(path)

    def paint(self, painter, option, widget=None):  # type: ignore[no-untyped-def]
        pen = QPen(self.pen())
        if self.isSelected():
            # A selected tie: a black band under its own line, which stays as it is.
            band = QPen(QColor("#000000"), pen.widthF() + 5)
            band.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(band)
            painter.drawLine(self.line())
        painter.setPen(pen)
        painter.drawLine(self.line())


def _pen(colour: QColor, style: Qt.PenStyle, width: float) -> QPen:
    pen = QPen(colour, width)
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
        self.setBackgroundBrush(QBrush(QColor("#ffffff")))

    def show_network(self, network: Network, points: Mapping[NodeKey, Point]) -> None:
        """Draw *network* with its nodes at *points* (a layout of it)."""
        self.clear()
        self.network, self.nodes, self.edges = network, {}, {}
        unit = UNIT * max(2.0, math.sqrt(len(points)))
        at = {k: QPointF(x * unit, y * unit) for k, (x, y) in points.items()}
        most = max((a.statement_count for a in network.actors), default=1) or 1
        for actor in network.actors:
            radius = 7 + 13 * math.sqrt(actor.statement_count / most)
            item = NodeItem(
                ("s", actor.id),
                CATEGORY_SHAPES.get(actor.category, "circle"),
                radius,
                actor.label,
                _actor_tip(actor),
            )
            if actor.coalition:
                item.setBrush(QBrush(coalition_colour(actor.coalition).lighter(130)))
            item.setPos(at[("s", actor.id)])
            self.addItem(item)
            self.nodes[("s", actor.id)] = item
        for proposal in network.proposals:
            item = NodeItem(
                ("p", proposal.id),
                "square",
                6,
                _short(proposal.title),
                f"{proposal.title}\nproposal \u00b7 positions drawn: {proposal.positions}",
            )
            item.setBrush(QBrush(QColor("#dddddd")))
            item.setPos(at[("p", proposal.id)])
            self.addItem(item)
            self.nodes[("p", proposal.id)] = item
        self._draw_edges(network)
        self._draw_hulls(network)

    def _draw_edges(self, network: Network) -> None:
        heaviest = max((abs(e.weight) for e in network.edges), default=1.0) or 1.0
        two_mode = network.kind == "affiliation"
        names = {a.id: a.name for a in network.actors}
        for edge in network.edges:
            a = self.nodes[("s", edge.source)].pos()
            b = self.nodes[("p" if two_mode else "s", edge.target)].pos()
            width = 1.0 + 4.0 * abs(edge.weight) / heaviest
            key = ("e", edge.source, edge.target)
            tip = _edge_tip(network, edge, names)
            lines = _lines_of(network, edge)
            items = []
            for n, (colour, style) in enumerate(lines):
                offset = (n - (len(lines) - 1) / 2) * (width + 2)
                line = _offset(QLineF(a, b), offset)
                item = EdgeItem(key, line, _pen(colour, style, width), tip)
                self.addItem(item)
                items.append(item)
            self.edges[key] = items

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
    if by == 0 or line.length() == 0:
        return line
    normal = line.normalVector().unitVector()
    shift = QPointF(normal.dx() * by, normal.dy() * by)
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
