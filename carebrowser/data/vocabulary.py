"""The fixed vocabularies of the dataset, shared by the schema, the build and the views."""

from typing import Final

SCHEMA_VERSION: Final = 4

CATEGORIES: Final = (
    "government",
    "local government",
    "professional association",
    "NHS body",
    "political party",
    "regulator or inspectorate",
    "think tank or research",
    "council",
    "press",
    "other",
)

STANCES: Final = ("supports", "conditional support", "mixed", "concerns", "opposes")

#: Okabe-Ito colours for each stance (always shown together with the word).
STANCE_COLOURS: Final = {
    "supports": "#009E73",
    "conditional support": "#56B4E9",
    "mixed": "#CC79A7",
    "concerns": "#E69F00",
    "opposes": "#D55E00",
}

#: A short glyph per stance, so that no stance is told by colour alone.
STANCE_GLYPHS: Final = {
    "supports": "\u2714",  # heavy check mark
    "conditional support": "\u2713?",
    "mixed": "\u00b1",
    "concerns": "!",
    "opposes": "\u2718",  # heavy ballot x
}

KINDS: Final = ("direct", "reported", "editorial")

KIND_LABELS: Final = {
    "direct": "direct quotation",
    "reported": "reported speech",
    "editorial": "editorial opinion",
}

RATINGS: Final = ("best performer", "worst performer")

#: How precisely a source's date is known; "on or after" gives only the earliest day it can be.
DATE_PRECISIONS: Final = ("day", "month", "year", "approximate", "on or after")

STAKEHOLDER_KINDS: Final = ("person", "organisation")
