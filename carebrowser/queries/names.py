"""Names given by people (on the command line, in saved settings) turned into ids."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import select

from carebrowser.data.tables import Stakeholder
from carebrowser.data.vocabulary import CATEGORIES
from carebrowser.queries.proposals import ProposalReader
from carebrowser.queries.sources import SourceReader


class UnknownName(LookupError):
    """A name given on the command line matches nothing; carries the closest matches."""

    def __init__(self, what: str, name: str, suggestions: Sequence[str]) -> None:
        self.what, self.name, self.suggestions = what, name, list(suggestions)
        hint = f"; closest: {', '.join(repr(s) for s in suggestions)}" if suggestions else ""
        super().__init__(f"unknown {what} {name!r}{hint}")


class NameReader(ProposalReader, SourceReader):
    """Stakeholders, proposals, sources and categories found by name, id or alias."""

    def find_stakeholders(self, names: Iterable[str]) -> frozenset[int]:
        """Ids of stakeholders named (case-insensitively: name, id or alias); UnknownName if not."""
        names = list(names)
        if not names:
            return frozenset()
        query = select(Stakeholder.id, Stakeholder.key, Stakeholder.name, Stakeholder.aliases)
        with self.engine.connect() as connection:
            table = [
                (row[0], [row[1], row[2], *filter(None, row[3].split("; "))])
                for row in connection.execute(query)
            ]
        return _resolve("stakeholder", names, table)

    def find_proposals(self, names: Iterable[str]) -> frozenset[int]:
        """Ids of proposals named by title or id, case-insensitively."""
        names = list(names)
        if not names:
            return frozenset()
        table = [(p.id, [p.key, p.title]) for p in self.proposals()]
        return _resolve("proposal", names, table)

    def find_sources(self, names: Iterable[str]) -> frozenset[int]:
        """Ids of sources named by id, headline or capture file name, case-insensitively."""
        names = list(names)
        if not names:
            return frozenset()
        table = [
            (s.id, [s.key, s.capture, *([s.headline] if s.headline else [])])
            for s in self.sources()
        ]
        return _resolve("source", names, table)

    @staticmethod
    def find_categories(names: Iterable[str]) -> frozenset[str]:
        """Categories named case-insensitively; UnknownName if one is not in the vocabulary."""
        table = [(i, [c]) for i, c in enumerate(CATEGORIES)]
        return frozenset(CATEGORIES[i] for i in _resolve("category", names, table))


def _name_key(name: str) -> str:
    """A name as it is matched: case folded, white space at its ends dropped and runs of it
    inside as one space, on both sides (a stored name may carry spaces that nobody can see)."""
    return " ".join(name.split()).casefold()


def _resolve(what: str, names: Iterable[str], table: list[tuple[int, list[str]]]) -> frozenset[Any]:
    index: dict[str, int] = {}
    for identifier, labels in table:
        for label in labels:
            index.setdefault(_name_key(label), identifier)
    found = set()
    for name in names:
        match = index.get(_name_key(name))
        if match is None:
            import difflib  # only for a name not found: not part of every start

            display = {
                labels[min(1, len(labels) - 1)].casefold(): labels[min(1, len(labels) - 1)]
                for _, labels in table
            }
            close = difflib.get_close_matches(name.casefold(), list(display), n=3, cutoff=0.5)
            if not close:
                close = [k for k in display if name.casefold() in k][:3]
            raise UnknownName(what, name, [display[c] for c in close])
        found.add(match)
    return frozenset(found)
