"""carebrowser: browse what every stakeholder said about the 2001-2002 social services reforms."""

from __future__ import annotations

from pathlib import Path

__version__ = "0.1.0"
#: The application's id: its desktop entry, AppStream metainfo, icon and MIME types are named so.
APP_ID = "io.github.carebrowser"
#: The sizes of the icon's PNGs (resources/icons/carebrowser-N.png), as desktops ask for them.
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)


def resource(name: str) -> Path:
    """The file *name* of resources/ (e.g. 'icons/carebrowser.svg'), where it is installed.

    The wheel and the bundle carry resources/ inside the package as carebrowser/resources,
    found through importlib.resources; a checkout finds it beside the package.
    """
    from importlib import resources  # only here: most commands never ask for a resource

    packaged = resources.files(__name__).joinpath("resources", *name.split("/"))
    if isinstance(packaged, Path) and packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent / "resources" / name
