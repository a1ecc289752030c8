"""The application's icon: the window's and every dialog's, from the PNGs in resources/icons/.

`python -m carebrowser.ui.icon` (`make icons`) renders those PNGs from the SVG source with Qt's
own SVG renderer, so they need nothing but the project's dependencies.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter

from carebrowser import ICON_SIZES, resource

SVG = "icons/carebrowser.svg"


def png_name(size: int) -> str:
    """The resource name of the icon's PNG at *size* pixels."""
    return f"icons/carebrowser-{size}.png"


def application_icon() -> QIcon:
    """The icon at every size, each read when first painted."""
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(resource(png_name(size))), QSize(size, size))
    return icon


def render(svg: Path, size: int) -> QImage:
    """The SVG drawn at *size* x *size* pixels on a transparent background."""
    from PySide6.QtSvg import QSvgRenderer  # only for `make icons` and its test

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    return image


def main(folder: str) -> int:
    """Write the PNGs of every size into *folder* (resources/icons)."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = Path(folder) / Path(SVG).name
    for size in ICON_SIZES:
        target = Path(folder) / Path(png_name(size)).name
        if not render(svg, size).save(str(target)):
            print(f"carebrowser: could not write {target}", file=sys.stderr)
            return 1
        print(f"wrote {target}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "resources/icons"))
