"""The network's picture in a view that zooms (wheel, Ctrl++ / Ctrl+-), pans (drag) and fits
(Ctrl+0); and the picture saved as PNG or SVG."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QLineF,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QHelpEvent,
    QImage,
    QImageWriter,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QToolTip, QWidget

from carebrowser.ui.network.scene import EdgeItem, NetworkScene, NodeItem

#: Zoom steps: a wheel notch or a key press.
STEP = 1.25
#: The margin around the picture when it is fitted or saved, in pixels.
MARGIN = 24.0
#: The room kept free around a label shown, in pixels, so that neighbours stay legible.
LABEL_GAP = 2.0
#: How far from a node or tie, in pixels of the view, a click still picks it.
CLICK_REACH = 4


class NetworkView(QGraphicsView):
    """The picture: click a node or a tie to select it; the keys walk through the nodes."""

    #: ("s", stakeholder id) / ("p", proposal id) for a node, ("e", a, b) for a tie.
    picked = Signal(tuple)

    def __init__(self, scene: NetworkScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.network_scene = scene
        self._picked_by_press = False
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        #: Whether the whole network is shown (fitted), so that a resize fits it again; a zoom
        #: by the person keeps their scale instead.
        self.fitted = True

    def fit(self) -> None:
        """Show the whole network."""
        self.fitted = True
        bounds = self.network_scene.itemsBoundingRect()
        if not bounds.isEmpty():
            self.fitInView(
                bounds.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN),
                Qt.AspectRatioMode.KeepAspectRatio,
            )
        self.place_labels()

    def zoom(self, factor: float) -> None:
        """Zoom in (> 1) or out (< 1) around the view's centre."""
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self._scale_by(factor)
        self.setTransformationAnchor(anchor)

    def _scale_by(self, factor: float) -> None:
        self.fitted = False
        self.scale(factor, factor)
        self.place_labels()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.fitted:
            self.fit()
        else:
            self.place_labels()

    def place_labels(self) -> None:
        """Show the labels that fit without covering another, the selected node's and the
        biggest nodes' first; the others show again when zoomed in (every name stays in the
        node's tooltip and in the table of stakeholders drawn)."""
        scene = self.network_scene
        chosen = scene.current[:2] if scene.current[:1] in (("s",), ("p",)) else ()
        taken: list[QRectF] = []
        for node in sorted(
            scene.nodes.values(), key=lambda n: (n.key != chosen, -n.radius, n.label.text())
        ):
            at = self.mapFromScene(node.pos())
            size = node.label.boundingRect()
            below = at.y() + node.radius * self.transform().m22() + 2
            place = QRectF(at.x() - size.width() / 2, below, size.width(), size.height())
            free = not any(place.intersects(other) for other in taken)
            node.label.setVisible(free)
            if free:
                taken.append(place.adjusted(-LABEL_GAP, -LABEL_GAP, LABEL_GAP, LABEL_GAP))

    def item_at(self, point: QPoint) -> NodeItem | EdgeItem | None:
        """What a click at *point* (in the view) picks: among the nodes within a few pixels, the
        one whose centre is nearest, else the nearest tie (ties often run close together)."""
        reach = CLICK_REACH
        near = self.items(QRect(point - QPoint(reach, reach), QSize(2 * reach + 1, 2 * reach + 1)))
        at = self.mapToScene(point)
        nodes = [i for i in near if isinstance(i, NodeItem)]
        if nodes:
            return min(nodes, key=lambda node: QLineF(node.pos(), at).length())
        ties = [i for i in near if isinstance(i, EdgeItem)]
        return min(ties, key=lambda tie: _distance(tie.line(), at), default=None)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            item = self.item_at(self.viewport().mapFrom(self, event.pos()))
            if item is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(
                    event.globalPos(), self.network_scene.tips.get(item.key, ""), self
                )
            return True
        return super().event(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        item = self.item_at(event.position().toPoint())
        if item is None:
            super().mousePressEvent(event)  # on the background: drag to pan
            return
        self._picked_by_press = True
        event.accept()
        self.picked.emit(item.key)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._picked_by_press and event.button() == Qt.MouseButton.LeftButton:
            self._picked_by_press = False  # handled at the press
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self._scale_by(STEP**steps)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, modifiers = event.key(), event.modifiers()
        control = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
        if control and key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(STEP)
        elif control and key == Qt.Key.Key_Minus:
            self.zoom(1 / STEP)
        elif control and key == Qt.Key.Key_0:
            self.fit()
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.step(1 if key in (Qt.Key.Key_Right, Qt.Key.Key_Down) else -1)
        else:
            super().keyPressEvent(event)

    def step(self, by: int) -> None:
        """Pick the next (or previous) node, in the order the network lists them."""
        keys = list(self.network_scene.nodes)
        if not keys:
            return
        current = self.network_scene.current
        at = keys.index(current) if current in keys else (-1 if by > 0 else 0)
        chosen = keys[(at + by) % len(keys)]
        self.picked.emit(chosen)
        self.ensureVisible(self.network_scene.nodes[chosen])


def _distance(line: QLineF, point: QPointF) -> float:
    """How far *point* is from the segment *line*."""
    length = line.length()
    if length == 0:
        return QLineF(line.p1(), point).length()
    d = line.p2() - line.p1()
    t = ((point.x() - line.x1()) * d.x() + (point.y() - line.y1()) * d.y()) / (length * length)
    return QLineF(line.pointAt(min(max(t, 0.0), 1.0)), point).length()


def picture_rect(scene: NetworkScene) -> QRectF:
    """The part of the scene a saved picture shows: everything, with a margin."""
    return scene.itemsBoundingRect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN)


def render_image(scene: NetworkScene, scale: float = 1.0) -> QImage:
    """The whole picture as an image (white background), *scale* pixels per scene unit."""
    source = picture_rect(scene)
    size = QSize(max(1, round(source.width() * scale)), max(1, round(source.height() * scale)))
    image = QImage(size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    with scene.every_label():
        scene.render(painter, QRectF(0, 0, size.width(), size.height()), source)
    painter.end()
    return image


def save_picture(scene: NetworkScene, path: Path) -> None:
    """Save the picture as PNG (2 pixels per unit, sharp when printed) or, for a .svg name, SVG.

    Raises OSError when the file cannot be written.
    """
    path = Path(path)
    if path.suffix.lower() == ".svg":
        from PySide6.QtSvg import QSvgGenerator

        source = picture_rect(scene)
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(source.size().toSize())
        generator.setViewBox(QRectF(0, 0, source.width(), source.height()))
        generator.setTitle("carebrowser network")
        painter = QPainter(generator)
        with scene.every_label():
            scene.render(painter, QRectF(0, 0, source.width(), source.height()), source)
        ok = painter.end()
    else:
        ok = QImageWriter(str(path), QByteArray(b"png")).write(render_image(scene, 2.0))
    if not ok or not path.exists():
        raise OSError(f"could not write {path}")
