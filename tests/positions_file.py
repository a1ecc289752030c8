"""db/positions.toml read as it stands, for the network tests: who took which side on what.

The tests name their ties by hand; the counts that depend on every position (how many
stakeholders took one, each one's activity) are read here, so that they follow the dataset's
reviews without being computed by the code under test.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

DB = Path(__file__).resolve().parents[1] / "db"
FOR, AGAINST = ("supports", "conditional support"), ("concerns", "opposes")


def _load(name: str) -> dict[str, list[dict[str, object]]]:
    with (DB / name).open("rb") as stream:
        return tomllib.load(stream)


def positions() -> list[tuple[str, str, str]]:
    """(stakeholder name, proposal title, stance) of every position in the file."""
    names = {str(s["id"]): str(s["name"]) for s in _load("stakeholders.toml")["stakeholder"]}
    titles = {str(p["id"]): str(p["title"]) for p in _load("proposals.toml")["proposal"]}
    return [
        (names[str(p["stakeholder"])], titles[str(p["proposal"])], str(p["stance"]))
        for p in _load("positions.toml")["position"]
    ]


def side(stance: str) -> int:
    """+1 for, -1 against, 0 mixed."""
    return (stance in FOR) - (stance in AGAINST)


def activity(name: str) -> int:
    """The proposals a stakeholder took a position on."""
    return sum(1 for who, _p, _s in positions() if who == name)


def ties() -> dict[frozenset[str], tuple[set[str], set[str]]]:
    """For every pair with a tie: the proposals they agree on, and those they conflict on."""
    by_proposal: dict[str, list[tuple[str, int]]] = {}
    for who, proposal, stance in positions():
        by_proposal.setdefault(proposal, []).append((who, side(stance)))
    found: dict[frozenset[str], tuple[set[str], set[str]]] = {}
    for proposal, sides in by_proposal.items():
        for n, (a, x) in enumerate(sides):
            for b, y in sides[n + 1 :]:
                if x and y:
                    agree, conflict = found.setdefault(frozenset((a, b)), (set(), set()))
                    (agree if x == y else conflict).add(proposal)
    return found
