"""Damaged copies of a database, made deterministically from a seed.

Each mutant is what a laptop meets in practice: a copy that stopped early (truncations at page
boundaries and anywhere), bits flipped by a failing disk or a bad download (in the header, in
b-tree page headers, in the full-text index, anywhere), and pages out of place (swapped, zeroed,
duplicated).
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: How the mutants are shared out between kinds (the weights add up to 100).
WEIGHTS = {
    "truncate-page": 8,
    "truncate-any": 8,
    "flip-header": 12,
    "flip-btree": 16,
    "flip-fts": 12,
    "flip-any": 12,
    "burst": 8,
    "swap-pages": 12,
    "zero-page": 8,
    "copy-page": 4,
}


@dataclass(frozen=True)
class Mutant:
    """One damaged copy: a name saying what was done, its kind, and its bytes."""

    name: str
    kind: str
    data: bytes


def page_owners(path: Path) -> dict[int, str]:
    """Which table or index owns each page (SQLite's dbstat), or {} where dbstat is missing."""
    uri = f"file:{path.resolve()}?mode=ro"
    connection = sqlite3.connect(uri, uri=True)
    try:
        rows = connection.execute("SELECT pageno, name FROM dbstat").fetchall()
    except sqlite3.Error:
        return {}
    finally:
        connection.close()
    return {int(page): str(name) for page, name in rows}


def _page_size(data: bytes) -> int:
    size = int.from_bytes(data[16:18], "big")
    return 65536 if size == 1 else size


def _flip(data: bytes, offset: int, bit: int) -> bytes:
    changed = bytearray(data)
    changed[offset] ^= 1 << bit
    return bytes(changed)


def mutants(original: bytes, owners: dict[int, str], count: int, seed: int) -> Iterator[Mutant]:
    """*count* mutants of *original*, the same ones for the same seed."""
    rng = random.Random(seed)
    page = _page_size(original)
    pages = len(original) // page
    fts_pages = [p for p, name in owners.items() if "_fts" in name] or list(range(2, pages + 1))
    total = sum(WEIGHTS.values())
    plan = [kind for kind, weight in WEIGHTS.items() for _ in range(count * weight // total)]
    plan += ["flip-any"] * (count - len(plan))
    boundaries = list(range(0, len(original), page))
    for index, kind in enumerate(plan):
        tag = f"{index:04d}-{kind}"
        if kind == "truncate-page":
            cut = boundaries[index % len(boundaries)]
            yield Mutant(f"{tag}-at-{cut}", kind, original[:cut])
        elif kind == "truncate-any":
            cut = rng.randrange(1, len(original))
            yield Mutant(f"{tag}-at-{cut}", kind, original[:cut])
        elif kind == "flip-header":
            offset, bit = rng.randrange(100), rng.randrange(8)
            yield Mutant(f"{tag}-byte-{offset}-bit-{bit}", kind, _flip(original, offset, bit))
        elif kind == "flip-btree":
            number = rng.randrange(1, pages + 1)
            start = 100 if number == 1 else 0
            offset = (number - 1) * page + start + rng.randrange(12)
            bit = rng.randrange(8)
            name = f"{tag}-page-{number}-byte-{offset}-bit-{bit}"
            yield Mutant(name, kind, _flip(original, offset, bit))
        elif kind == "flip-fts":
            number = rng.choice(fts_pages)
            offset = (number - 1) * page + rng.randrange(page)
            bit = rng.randrange(8)
            name = f"{tag}-page-{number}-byte-{offset}-bit-{bit}"
            yield Mutant(name, kind, _flip(original, offset, bit))
        elif kind == "flip-any":
            offset, bit = rng.randrange(len(original)), rng.randrange(8)
            yield Mutant(f"{tag}-byte-{offset}-bit-{bit}", kind, _flip(original, offset, bit))
        elif kind == "burst":
            offset = rng.randrange(len(original) - 16)
            changed = bytearray(original)
            changed[offset : offset + 16] = rng.randbytes(16)
            yield Mutant(f"{tag}-16-bytes-at-{offset}", kind, bytes(changed))
        elif kind in ("swap-pages", "copy-page"):
            first, second = rng.sample(range(1, pages + 1), 2)
            changed = bytearray(original)
            a, b = (
                slice((first - 1) * page, first * page),
                slice((second - 1) * page, second * page),
            )
            if kind == "swap-pages":
                changed[a], changed[b] = original[b], original[a]
            else:
                changed[b] = original[a]
            yield Mutant(f"{tag}-{first}-{second}", kind, bytes(changed))
        else:  # zero-page
            number = rng.randrange(1, pages + 1)
            changed = bytearray(original)
            changed[(number - 1) * page : number * page] = bytes(page)
            yield Mutant(f"{tag}-{number}", kind, bytes(changed))
