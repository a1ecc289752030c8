"""The key quotation of a position: the evidence that best stands for it in a comparison.

The most informative evidence comes first: a whole sentence in the stakeholder's own words (a
direct quotation, or the press's editorial opinion), then a whole sentence of reported speech,
then a statement the capture cuts off, and only then a fragment of a few words ("dramatically
reshape", "light touch"). Within each, the longer statement says more; then the earlier one.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, not_

from carebrowser.data.schema import Statement

#: A statement of fewer words than this is a fragment, not a sentence.
SENTENCE_WORDS = 6
#: Kinds in the stakeholder's own words.
OWN_WORDS = ("direct", "editorial")


def word_count() -> Any:
    """The number of words of Statement.text (spaces plus one), in SQL for SQLite and PostgreSQL."""
    text = func.replace(Statement.text, "\n", " ")
    return func.length(text) - func.length(func.replace(text, " ", "")) + 1


def rank() -> Any:
    """0 for an own whole sentence, 1 reported whole sentence, 2 cut off, 3 a fragment."""
    words = word_count()
    sentence = and_(words >= SENTENCE_WORDS, not_(Statement.truncated))
    return case(
        (and_(sentence, Statement.kind.in_(OWN_WORDS)), 0),
        (sentence, 1),
        (words >= SENTENCE_WORDS, 2),
        else_=3,
    )


def key_quote_order() -> tuple[Any, ...]:
    """ORDER BY terms that put a position's key quotation first among its evidence."""
    return (rank(), func.length(Statement.text).desc(), Statement.sort_date, Statement.id)
