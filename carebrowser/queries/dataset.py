"""What a database says about its own dataset: the digest of the files it was built from."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from carebrowser.data.schema import Meta


def dataset_digest(engine: Engine) -> str | None:
    """The SHA-256 of the dataset's source files that `carebrowser db build` recorded, or None
    when the database does not record one (a synthetic archive, an older build)."""
    with engine.connect() as connection:
        value = connection.scalar(select(Meta.value).where(Meta.key == "dataset_digest"))
    return str(value) if value else None
