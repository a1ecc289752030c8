"""Names from the seed articles and look-ups the window's tests share."""

from __future__ import annotations

from carebrowser.queries import Archive, ProposalRow, StakeholderRow

LGA = "Local Government Association"
MILBURN = "Alan Milburn"


def stakeholder(archive: Archive, name: str) -> StakeholderRow:
    """A stakeholder by name, as the lists show it."""
    (found,) = archive.stakeholders_by_ids(archive.find_stakeholders([name]))
    return found


def proposal(archive: Archive, words: str) -> ProposalRow:
    """The proposal whose title contains *words* (case-insensitively)."""
    matches = [p for p in archive.proposals() if words.casefold() in p.title.casefold()]
    assert matches, f"no proposal titled with {words!r}"
    return min(matches, key=lambda p: len(p.title))
