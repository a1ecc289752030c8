"""The key quotation of a position: the evidence that best stands for it in a comparison.

The most informative evidence comes first: a whole sentence in the stakeholder's own words (a
direct quotation, or the press's editorial opinion), then a whole sentence of reported speech,
then part of a sentence (cut off by the capture, or quoted from within one), and only then a
fragment of a few words ("dramatically reshape", "light touch"). Within each, a statement about
this proposal alone before one that speaks to several, the longer before the shorter, then the
earlier. A whole sentence starts with a capital letter, has at least SENTENCE_WORDS words and is
not cut off.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, not_, select

from carebrowser.data.tables import Statement, statement_proposal

#: A statement of fewer words than this is a fragment, not a sentence.
SENTENCE_WORDS = 6
#: Kinds in the stakeholder's own words.
OWN_WORDS = ("direct", "editorial")


def word_count() -> Any:
    """The number of words of Statement.text (spaces plus one), in SQL for SQLite and PostgreSQL."""
    text = func.replace(Statement.text, "\n", " ")
    return func.length(text) - func.length(func.replace(text, " ", "")) + 1


def rank() -> Any:
    """0 for a whole sentence of one's own, 1 a reported one, 2 part of a sentence, 3 a
    fragment of a few words."""
    words = word_count()
    first = func.substr(Statement.text, 1, 1)
    capital = and_(first == func.upper(first), first != func.lower(first))
    sentence = and_(words >= SENTENCE_WORDS, not_(Statement.truncated), capital)
    return case(
        (and_(sentence, Statement.kind.in_(OWN_WORDS)), 0),
        (sentence, 1),
        (words >= SENTENCE_WORDS, 2),
        else_=3,
    )


def key_quote_order() -> tuple[Any, ...]:
    """ORDER BY terms that put a position's key quotation first among its evidence."""
    speaks_to = (
        select(func.count())
        .select_from(statement_proposal)
        .where(statement_proposal.c.statement_id == Statement.id)
        .correlate(Statement)
        .scalar_subquery()
    )
    return (
        rank(),
        speaks_to,
        func.length(Statement.text).desc(),
        Statement.sort_date,
        Statement.id,
    )
