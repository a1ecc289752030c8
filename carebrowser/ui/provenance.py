"""A source's provenance as the reader and the help show it: where, by whom and when it was
published, how its date is known, and the capture it was cleaned from.

Kept apart from the help dialog: the reader shows it with every source, and the help's module
needs more than this (importing it when a source was first shown held the GUI thread 240 ms).
"""

from __future__ import annotations

import html

from carebrowser.data import CAPTURES_FOLDER
from carebrowser.queries import SourceRow

PRECISION_WORDS = {
    "day": "to the day",
    "month": "to the month",
    "year": "to the year",
    "approximate": "approximately",
    "on or after": "only as the earliest day it can be",
}


def _e(text: str | None) -> str:
    return html.escape(text or "")


def source_provenance(source: SourceRow) -> str:
    """One source's provenance as HTML: publication, headline, author, how its date is known."""
    stated = "inferred" if source.date_inferred else "stated in the article"
    parts = [
        f"<h3>{_e(source.headline) or '(no headline in the capture)'}</h3>",
        f"<p><b>Publication:</b> {_e(source.publication)}",
    ]
    if source.publication_evidence:
        parts.append(f"<br><i>{_e(source.publication_evidence)}</i>")
    parts.append(f"<br><b>Author:</b> {_e(source.author) or 'not given'}")
    parts.append(
        f"<br><b>Date:</b> {_e(source.date_label)}, known {PRECISION_WORDS[source.date_precision]}"
        f", {stated}"
    )
    if source.note:
        parts.append(f"<br><b>Note:</b> {_e(source.note)}")
    if source.date_evidence:
        parts.append(f"<br><b>Inferred from:</b> {_e(source.date_evidence)}")
    parts.append(
        f"<br><b>Captured as:</b> db/{CAPTURES_FOLDER}/{_e(source.capture)} in the carebrowser "
        f"repository; {source.statement_count:,} statements</p>"
    )
    return "".join(parts)
