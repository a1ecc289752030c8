"""The network's picture in a view that zooms (wheel, Ctrl++ / Ctrl+-), pans (drag) and fits
(Ctrl+0); and the picture saved as PNG or SVG."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QByteArray, QLineF, QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageWriter, QKeyEvent, QMouseEvent, QPainter, QWheelEvent
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QWidget

from carebrowser.ui.network.scene import KEY, EdgeItem, NetworkScene, NodeItem

#: Zoom steps: a wheel notch or a key press.
STEP = 1.25
#: The margin around the picture when it is fitted or saved, in pixels.
MARGIN = 24.0


class NetworkView(QGraphicsView):
    """The picture: click a node or a tie to select it; the keys walk through the nodes."""

    #: ("s", stakeholder id) / ("p", proposal id) for a node, ("e", a, b) for a tie; () for none.
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
        scene.selectionChanged.connect(self._selection_changed)

    def _selection_changed(self) -> None:
        if not shiboken6.isValid(self.network_scene):  # the window is closing
            return
        chosen = self.network_scene.selectedItems()
        self.picked.emit(tuple(chosen[0].data(KEY)) if chosen else ())

    def fit(self) -> None:
        """Show the whole network."""
        bounds = self.network_scene.itemsBoundingRect()
        if bounds.isEmpty():
            return
        self.fitInView(
            bounds.adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN), Qt.AspectRatioMode.KeepAspectRatio
        )

    def zoom(self, factor: float) -> None:
        """Zoom in (> 1) or out (< 1) around the view's centre."""
        anchor = self.transformationAnchor()
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.scale(factor, factor)
        self.setTransformationAnchor(anchor)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        item = self.item_at(event.position().toPoint())
        if item is None:
            super().mousePressEvent(event)  # on the background: drag to pan
            return
        self.network_scene.clearSelection()
        item.setSelected(True)
        self._picked_by_press = True
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._picked_by_press and event.button() == Qt.MouseButton.LeftButton:
            # Handled at the press: the hand drag's release would take it for a click on the
            # background, and clear the selection.
            self._picked_by_press = False
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def item_at(self, point: QPoint) -> QGraphicsItem | None:
        """What a click at *point* (in the view) picks: the node whose centre is nearest among
        those under it, else the tie nearest to it (ties often run close together)."""
        under = [i for i in self.items(point) if i.flags() & i.GraphicsItemFlag.ItemIsSelectable]
        at = self.mapToScene(point)
        nodes = [i for i in under if isinstance(i, NodeItem)]
        if nodes:
            return min(nodes, key=lambda node: QLineF(node.pos(), at).length())
        ties = [i for i in under if isinstance(i, EdgeItem)]
        return min(ties, key=lambda tie: _distance(tie.line(), at), default=None)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.scale(STEP**steps, STEP**steps)
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
        """Select the next (or previous) node, in the order the network lists them."""
        keys = list(self.network_scene.nodes)
        if not keys:
            return
        chosen = self.network_scene.selectedItems()
        current = tuple(chosen[0].data(KEY)) if chosen else None
        at = keys.index(current) if current in keys else (-1 if by > 0 else 0)
        item = self.network_scene.nodes[keys[(at + by) % len(keys)]]
        self.network_scene.clearSelection()
        item.setSelected(True)
        self.ensureVisible(item)


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
        scene.render(painter, QRectF(0, 0, source.width(), source.height()), source)
        ok = painter.end()
    else:
        ok = QImageWriter(str(path), QByteArray(b"png")).write(render_image(scene, 2.0))
    if not ok or not path.exists():
        raise OSError(f"could not write {path}")
