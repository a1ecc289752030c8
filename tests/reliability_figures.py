"""What the reliability tests count, for docs/reliability.md (written by reliability/report.py).

The tests add to COUNTS; when CAREBROWSER_RELIABILITY_FIGURES names a file, the counts are added
to it when the test process ends. CAREBROWSER_HYPOTHESIS_EXAMPLES sets the examples per property.
"""

from __future__ import annotations

import atexit
import collections
import json
import os
from pathlib import Path

from hypothesis import HealthCheck, settings

COUNTS: collections.Counter[str] = collections.Counter()
#: Figures that are the largest value seen (saved as "max: NAME"), such as seconds to a message.
MAXIMA: dict[str, float] = {}

#: Examples per property: a quick run in the suite, many more under ``make reliability``.
EXAMPLES = int(os.environ.get("CAREBROWSER_HYPOTHESIS_EXAMPLES", "60"))

#: Settings of every property-based test here: no deadline (CI machines vary), no example
#: database left in the working tree.
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def count(name: str, amount: int = 1) -> None:
    """Add *amount* to the figure *name*."""
    COUNTS[name] += amount


def largest(name: str, value: float) -> None:
    """Keep *value* as the figure *name* if it is the largest seen."""
    MAXIMA[name] = max(MAXIMA.get(name, value), value)


def _save() -> None:
    target = os.environ.get("CAREBROWSER_RELIABILITY_FIGURES")
    if not target or not (COUNTS or MAXIMA):
        return
    path = Path(target)
    saved = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    for name, amount in COUNTS.items():
        saved[name] = saved.get(name, 0) + amount
    for name, value in MAXIMA.items():
        key = f"max: {name}"
        saved[key] = max(saved.get(key, value), value)
    path.write_text(json.dumps(saved, indent=2, sort_keys=True) + "\n", encoding="utf-8")


atexit.register(_save)
