"""The kinds of network and of normalisation, and the stance scale: words and numbers only.

Kept apart from the networks themselves so that the command line can offer the choices
without importing networkx (every start of the window builds the command line's parser).
"""

from __future__ import annotations

from typing import Final, Literal

Kind = Literal["congruence", "conflict", "both", "subtract", "affiliation"]
Normalisation = Literal["none", "jaccard", "cosine", "average"]

KINDS: Final[tuple[Kind, ...]] = ("congruence", "conflict", "both", "subtract", "affiliation")
NORMALISATIONS: Final[tuple[Normalisation, ...]] = ("none", "jaccard", "cosine", "average")
DEFAULT_NORMALISATION: Final[Normalisation] = "none"
#: The most stakeholders drawn (the most active first): past a few dozen the labels cover each
#: other at the window's first size, and the self-join that counts the ties grows with the
#: square of their number (docs/performance.md has the figures at 1,000,000 statements).
DEFAULT_LIMIT: Final = 30
#: The seed of Louvain's communities and of the layout: the same data gives the same picture.
SEED: Final = 20

STANCE_SCORES: Final = {
    "supports": 2,
    "conditional support": 1,
    "mixed": 0,
    "concerns": -1,
    "opposes": -2,
}


def stance_sign(stance: str) -> int:
    """+1, 0 or -1: the side a stance is on."""
    score = STANCE_SCORES.get(stance, 0)
    return (score > 0) - (score < 0)


__all__ = [
    "DEFAULT_LIMIT",
    "DEFAULT_NORMALISATION",
    "KINDS",
    "NORMALISATIONS",
    "SEED",
    "STANCE_SCORES",
    "Kind",
    "Normalisation",
    "stance_sign",
]
