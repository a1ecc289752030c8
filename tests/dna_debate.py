"""A small coded debate written as a DNA 3 or DNA 2 file, with what its import must give."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from bench.dna_files import DnaAttributes, DnaDocument, DnaStatement, span, write_dna

LGA = "Local Government Association"
DOH = "Department of Health"
CARE_TRUSTS = "Care trusts"
FINES = "Fines for delayed discharge"

DOCUMENTS = [
    DnaDocument(
        "Councils wary of care trusts",
        "The Local Government Association said care trusts would weaken councils.\n"
        "Alan Milburn said care trusts are the future of care.\n"
        "Jane Roe of the LGA said: fines are unfair to councils and to care trusts.",
        dt.date(2001, 6, 1),
        author="By A Reporter",
        source="Community Care",
        section="News",
        notes="first capture",
        type="report",
    ),
    DnaDocument(
        "Milburn \U0001f600 later",
        "Milburn \U0001f600 later said care trusts may wait a year. The LGA welcomed that.",
        dt.date(2002, 3, 5),
        source="The Guardian",
    ),
    DnaDocument("An old pamphlet", "An old pamphlet on care trusts.", dt.date(1850, 1, 1)),
    DnaDocument("Third", "Nothing coded here.", dt.date(2001, 9, 1)),
    DnaDocument("Fourth", "Nothing coded here either.", dt.date(2001, 11, 1)),
]

_ONE, _TWO = DOCUMENTS[0].text, DOCUMENTS[1].text
STATEMENTS = [
    # an organisation alone, disagreeing
    DnaStatement(0, *span(_ONE, "care trusts would weaken councils"), organization=LGA,
                 concept=CARE_TRUSTS, agreement=0),
    # a person with an organisation, agreeing
    DnaStatement(0, *span(_ONE, "care trusts are the future of care"), person="Alan Milburn",
                 organization=DOH, concept=CARE_TRUSTS, agreement=1),
    # one span, one speaker, two concepts: one statement speaking to both
    DnaStatement(0, *span(_ONE, "fines are unfair to councils and to care trusts"),
                 person="Jane Roe", organization=LGA, concept=FINES, agreement=0),
    DnaStatement(0, *span(_ONE, "fines are unfair to councils and to care trusts"),
                 person="Jane Roe", organization=LGA, concept=CARE_TRUSTS, agreement=0),
    # after a character beyond the Basic Multilingual Plane: DNA counts it as two units
    DnaStatement(1, *span(_TWO, "care trusts may wait a year"), person="Alan Milburn",
                 organization=DOH, concept=CARE_TRUSTS, agreement=0),
    # the same again: a duplicate
    DnaStatement(1, *span(_TWO, "care trusts may wait a year"), person="Alan Milburn",
                 organization=DOH, concept=CARE_TRUSTS, agreement=0),
    DnaStatement(1, *span(_TWO, "The LGA welcomed that"), organization=LGA, concept=CARE_TRUSTS,
                 agreement=1),
    # nobody coded
    DnaStatement(2, *span(DOCUMENTS[2].text, "care trusts"), concept=CARE_TRUSTS),
    # an annotation: another statement type
    DnaStatement(0, 0, 3, note="check the date"),
]  # fmt: skip

ATTRIBUTES = [
    DnaAttributes("organization", LGA, type="local government", alias="LGA",
                  notes="Councils in England", extra={"Country": "England"}),
    DnaAttributes("organization", DOH, type="Ministry"),
    DnaAttributes("concept", FINES, child_of="Hospital discharge", notes="Reimbursement"),
]  # fmt: skip

#: The text each imported statement must have, in document order.
TEXTS = [
    "care trusts would weaken councils",
    "care trusts are the future of care",
    "fines are unfair to councils and to care trusts",
    "care trusts may wait a year",
    "The LGA welcomed that",
]


def write_debate(path: Path, major: int) -> Path:
    """The debate as a DNA *major* file at *path*, with one statement whose span goes beyond
    its document's text (DNA id 100)."""
    write_dna(path, major, DOCUMENTS, STATEMENTS, ATTRIBUTES)
    with sqlite3.connect(path) as connection:  # DNA's own checks allow it
        connection.execute(
            "INSERT INTO STATEMENTS (ID, StatementTypeId, DocumentId, Start, Stop, Coder) "
            "VALUES (100, 1, 4, 5, 400, 1)"
        )
    connection.close()
    return path
