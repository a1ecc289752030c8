"""A DNA file opened directly: converted once into the user's cache folder, keyed by the file's
content, and reused until the file changes (a changed file has another key)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from carebrowser.data.database import DatabaseInfo, is_url, open_database
from carebrowser.data.vocabulary import SCHEMA_VERSION

if TYPE_CHECKING:
    from sqlalchemy import Engine

# The importer (with the ORM classes it writes through), the DNA reader and platformdirs are
# imported when a DNA file is opened: a database opened directly (every window's start) needs
# none of them.

DNA_SUFFIX = ".dna"
_log = logging.getLogger("carebrowser.data.dna")


def cache_folder() -> Path:
    """Where converted DNA files are kept: carebrowser's folder in the user's cache."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("carebrowser", appauthor=False)) / "dna"


def is_dna_file(path: Path) -> bool:
    """Whether *path* is to be read as a DNA file (by its name, as the desktop does)."""
    return path.suffix.lower() == DNA_SUFFIX


def _converted_name(digest: str) -> Path:
    from carebrowser.data.dna_import import IMPORT_VERSION

    return cache_folder() / f"{digest[:40]}-i{IMPORT_VERSION}-s{SCHEMA_VERSION}.sqlite"


def needs_conversion(target: str | Path | None) -> bool:
    """Whether opening *target* would convert a DNA file first (not yet in the cache)."""
    if target is None or (isinstance(target, str) and is_url(target)):
        return False
    path = Path(target)
    if not is_dna_file(path) or not path.is_file():
        return False
    from carebrowser.data.dna_import import file_digest

    try:
        return not _converted_name(file_digest(path)).is_file()
    except OSError:
        return False


def cached_conversion(
    path: Path, *, progress: Callable[[str], None] | None = None
) -> tuple[Path, bool]:
    """The carebrowser database of the DNA file *path*, converted now or earlier; and whether
    it was converted now. DnaFileError when the file cannot be read or the cache written."""
    from carebrowser.data.dna_file import DnaFileError
    from carebrowser.data.dna_import import file_digest, import_dna

    path = Path(path)
    try:
        digest = file_digest(path)
    except FileNotFoundError as error:
        raise DnaFileError(
            f"{path} does not exist. Choose another file, or open the bundled dataset."
        ) from error
    except IsADirectoryError as error:
        raise DnaFileError(
            f"{path} is a folder, not a DNA file. Choose another file, or open the bundled dataset."
        ) from error
    except OSError as error:
        raise DnaFileError(
            f"{path} cannot be read ({error.strerror}). Check that it is yours to read, or choose "
            "another file."
        ) from error
    folder = cache_folder()
    converted = _converted_name(digest)
    if converted.is_file():
        _log.info("reusing %s for %s", converted, path)
        return converted, False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        report = import_dna(path, converted, progress=progress)
    except PermissionError as error:
        raise DnaFileError(
            f"{path} could not be converted: the cache folder {folder} cannot be written "
            f"({error.strerror}). Convert it with 'carebrowser import dna {path} -o FILE' "
            "and open FILE."
        ) from error
    except (OSError, sqlite3.Error) as error:
        said = getattr(error, "strerror", None) or str(error)
        raise DnaFileError(
            f"{path} could not be converted into {folder} ({said}). Free some space, or convert "
            f"it with 'carebrowser import dna {path} -o FILE' and open FILE."
        ) from error
    _log.info("converted %s into %s:\n%s", path, converted, report.text())
    return converted, True


def open_database_or_dna(
    target: str | Path | None, *, progress: Callable[[str], None] | None = None
) -> tuple[Engine, DatabaseInfo]:
    """open_database(), and a DNA file (by its name) through its cached conversion, labelled
    with the DNA file's own name."""
    if target is None or (isinstance(target, str) and is_url(target)):
        return open_database(target)
    path = Path(target)
    if not is_dna_file(path):
        return open_database(path)
    converted, _now = cached_conversion(path, progress=progress)
    return open_database(converted, label=str(path))
