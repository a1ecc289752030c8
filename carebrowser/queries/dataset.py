"""What a database says about its own dataset: the digest of the files it was built from, and
the report of the import it was converted by (a Discourse Network Analyzer file)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from carebrowser.data.tables import Meta


def dataset_digest(engine: Engine) -> str | None:
    """The SHA-256 of the dataset's source files that `carebrowser db build` recorded, or None
    when the database does not record one (a synthetic archive, an older build)."""
    with engine.connect() as connection:
        value = connection.scalar(select(Meta.value).where(Meta.key == "dataset_digest"))
    return str(value) if value else None


#: The meta key of the import report (carebrowser.data.dna_import writes it).
IMPORT_REPORT_KEY = "import_report"


def import_report(engine: Engine) -> str | None:
    """The report of the import that made this database from a DNA file, or None."""
    with engine.connect() as connection:
        value = connection.scalar(select(Meta.value).where(Meta.key == IMPORT_REPORT_KEY))
    return str(value) if value else None
