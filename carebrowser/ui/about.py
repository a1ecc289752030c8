"""About carebrowser (part of the F1 help): its version, the dataset's, the licences of what it
ships with, and where the source of the LGPL libraries is."""

from __future__ import annotations

import html
from dataclasses import dataclass
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import qVersion

from carebrowser import __version__, resource
from carebrowser.data.database import DatabaseInfo
from carebrowser.queries import Archive
from carebrowser.queries.dataset import dataset_digest, import_report

LICENCE = "MIT"
#: The size of the icon shown at the top of the help.
ICON_SIZE = 64


@dataclass(frozen=True)
class Library:
    """A library carebrowser ships with (the wheel's dependencies, and the bundle's contents)."""

    name: str
    distribution: str
    licence: str
    source: str = ""


LIBRARIES = (
    Library(
        "Qt for Python (PySide6, Shiboken6) and Qt",
        "PySide6-Essentials",
        "LGPL-3.0",
        "Qt for Python and Qt are used under the GNU Lesser General Public License, version 3: "
        "you may replace them with your own build (their libraries are separate files in the "
        "installation). Their source: https://code.qt.io/cgit/pyside/pyside-setup.git (the tag "
        "of the version above), https://code.qt.io/cgit/qt/ and "
        "https://download.qt.io/official_releases/QtForPython/.",
    ),
    Library("SQLAlchemy", "SQLAlchemy", "MIT"),
    Library("openpyxl", "openpyxl", "MIT"),
    Library("et-xmlfile", "et-xmlfile", "MIT"),
    Library("python-docx", "python-docx", "MIT"),
    Library("lxml", "lxml", "BSD-3-Clause"),
    Library("platformdirs", "platformdirs", "MIT"),
    Library(
        "psycopg",
        "psycopg",
        "LGPL-3.0",
        "Source: https://github.com/psycopg/psycopg and its source package on PyPI "
        "(pip download --no-binary :all: psycopg).",
    ),
    Library(
        "psycopg-binary (with libpq and OpenSSL)",
        "psycopg-binary",
        "LGPL-3.0; libpq: PostgreSQL Licence; OpenSSL: Apache-2.0",
        "Source: https://github.com/psycopg/psycopg and https://www.postgresql.org/ftp/source/.",
    ),
    Library("greenlet", "greenlet", "MIT and PSF-2.0"),
    Library("typing-extensions", "typing-extensions", "PSF-2.0"),
)


def installed_version(distribution: str) -> str:
    """The installed version of *distribution*, or a word saying it is not there."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _e(text: str | None) -> str:
    return html.escape(text or "")


def about_html(archive: Archive, info: DatabaseInfo) -> str:
    """The About section of the help: version, dataset, licences."""
    digest = dataset_digest(archive.engine)
    sources = archive.sources()
    statements = sum(source.statement_count for source in sources)
    years = sorted({source.date.year for source in sources})
    span = f"{years[0]}\u2013{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "")
    imported = import_report(archive.engine)
    dataset = (
        f"dataset version {_e(digest[:12])} (the SHA-256 of the "
        + ("DNA file it was converted from)" if imported else "files it was built from, "
           "recorded by <code>carebrowser db build</code>)")
        if digest
        else "no dataset version recorded (not built by <code>carebrowser db build</code>)"
    )  # fmt: skip
    provenance = (
        f"<b>Provenance:</b> {statements:,} statements from {len(sources)} documents ({span}) of "
        "a Discourse Network Analyzer file, each its document's text from Start to Stop, "
        "as the import report below says.</p>"
        f'<h3>Import report</h3><pre style="white-space: pre-wrap">{_e(imported)}</pre>'
        if imported
        else f"<b>Provenance:</b> {statements:,} statements from {len(sources)} "
        f"published sources ({span}), each a verbatim span of its source's text as captured "
        "from the web; the sources, how each is dated and the file it was captured as are "
        "listed under \u201cThe data\u201d below.</p>"
    )
    rows = "".join(
        f"<tr><td>{_e(library.name)}</td><td>{_e(installed_version(library.distribution))}"
        f"</td><td>{_e(library.licence)}</td></tr>"
        for library in LIBRARIES
    )
    notes = "".join(
        f"<p><b>{_e(library.name)}</b>: {_e(library.source)}</p>"
        for library in LIBRARIES
        if library.source
    )
    return (
        "<h2>About carebrowser</h2>"
        f"<p><b>carebrowser {_e(__version__)}</b>, licensed under the {LICENCE} licence. "
        f"Qt {_e(qVersion())}, Qt for Python {_e(pyside_version)}.</p>"
        f"<p><b>Dataset:</b> {_e(info.label)}, schema version {info.schema_version}, "
        f"{dataset}. {provenance}"
        "<h3>Libraries carebrowser ships with</h3>"
        "<table><tr><th align=left>library</th><th align=left>version</th>"
        f"<th align=left>licence</th></tr>{rows}</table>"
        f"{notes}"
        "<p>The self-contained bundle also carries Python, under the PSF License 2.0.</p>"
    )


def icon_html() -> str:
    """The application's icon, for the top of the help."""
    icon = resource(f"icons/carebrowser-{ICON_SIZE}.png")
    return f'<img src="{_e(icon.as_uri())}" width="{ICON_SIZE}" height="{ICON_SIZE}" alt="">'
