"""Synthetic archives of the three sizes, generated once and cached under bench/cache/."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from carebrowser.data import fts, schema, synth, vocabulary
from carebrowser.data.synth import Sizes, synthesize

CACHE = Path(__file__).resolve().parent / "cache"
SEED = 1


@dataclass(frozen=True)
class Size:
    """A named archive size."""

    name: str
    sizes: Sizes


SIZES = {
    "S": Size("S", Sizes.for_quotes(1_000)),
    "M": Size("M", Sizes.for_quotes(100_000)),
    "L": Size("L", Sizes.for_quotes(1_000_000)),
}


def _digest() -> str:
    """Changes whenever what a synthetic archive contains could change."""
    digest = hashlib.sha256()
    for module in (synth, schema, fts, vocabulary):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:12]


def archive(size: Size, cache: Path = CACHE, say: object = print) -> Path:
    """The cached archive of *size*, generated first when missing or out of date."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"{size.name}-{size.sizes.quotes}-seed{SEED}-{_digest()}.sqlite"
    if not path.exists():
        for stale in cache.glob(f"{size.name}-*.sqlite"):
            stale.unlink()
        if callable(say):
            say(f"generating the {size.name} archive ({size.sizes.quotes:,} statements) ...")
        synthesize(path, size.sizes, SEED)
    return path
