"""A small dataset in which a stakeholder changes position: the LGA voices concerns about care
trusts in 2001 and opposes them in 2002, while the Health Secretary supports them throughout.

Written as the dataset's text files and built with the real build, so that the stances file,
the default stance and the date spans are exercised end to end.
"""

from __future__ import annotations

from pathlib import Path

from carebrowser.data.build import build_database

SOURCES = """
[[source]]
id = "spring-2001"
capture = "spring-2001.html"
publication = "Council News"
headline = "Councils wary of care trusts"
date = "2001-03-01"
date_precision = "month"
date_inferred = true
date_evidence = "The piece speaks of 'this March'."

[[source]]
id = "summer-2002"
capture = "summer-2002.html"
publication = "Council News"
headline = "Councils reject care trusts"
date = "2002-06-12"
date_precision = "day"
date_inferred = false
"""

TEXTS = {
    "spring-2001": (
        "The Local Government Association said it had serious concerns about care trusts. "
        "Alan Milburn said care trusts would bring seamless care."
    ),
    "summer-2002": (
        "The Local Government Association now opposes care trusts outright. "
        "Alan Milburn said care trusts were the future."
    ),
}

STAKEHOLDERS = """
[[stakeholder]]
id = "lga"
name = "Local Government Association"
kind = "organisation"
category = "local government"
aliases = ["LGA"]

[[stakeholder]]
id = "milburn"
name = "Alan Milburn"
kind = "person"
category = "government"
"""

PROPOSALS = """
[[proposal]]
id = "care-trusts"
title = "Care trusts"
summary = "Single bodies to plan and deliver health and social care."
policy_area = "health and social care"
"""

STATEMENTS = {
    "spring-2001": """
[[statement]]
id = "lga-2001"
speaker = "lga"
kind = "reported"
text = "The Local Government Association said it had serious concerns about care trusts."
proposals = ["care-trusts"]

[[statement]]
id = "milburn-2001"
speaker = "milburn"
kind = "reported"
text = "Alan Milburn said care trusts would bring seamless care."
proposals = ["care-trusts"]
""",
    "summer-2002": """
[[statement]]
id = "lga-2002"
speaker = "lga"
kind = "reported"
text = "The Local Government Association now opposes care trusts outright."
proposals = ["care-trusts"]

[[statement]]
id = "milburn-2002"
speaker = "milburn"
kind = "reported"
text = "Alan Milburn said care trusts were the future."
proposals = ["care-trusts"]
""",
}

POSITIONS = """
[[position]]
stakeholder = "lga"
proposal = "care-trusts"
stance = "opposes"
summary = "The LGA opposes care trusts."
evidence = ["lga-2001", "lga-2002"]

[[position]]
stakeholder = "milburn"
proposal = "care-trusts"
stance = "supports"
summary = "Milburn supports care trusts."
evidence = ["milburn-2001", "milburn-2002"]
"""

STANCES = """
[[stance]]
statement = "lga-2001"
proposal = "care-trusts"
stance = "concerns"
note = "'serious concerns', not yet opposition."
"""


def write_dataset(root: Path) -> Path:
    """Write the dataset's files under *root* and return it."""
    (root / "sources").mkdir(parents=True)
    (root / "statements").mkdir()
    (root / "captures").mkdir()
    (root / "sources.toml").write_text(SOURCES, encoding="utf-8")
    for key, text in TEXTS.items():
        (root / "sources" / f"{key}.txt").write_text(text, encoding="utf-8")
        (root / "captures" / f"{key}.html").write_text(text, encoding="utf-8")
        (root / "statements" / f"{key}.toml").write_text(STATEMENTS[key], encoding="utf-8")
    (root / "stakeholders.toml").write_text(STAKEHOLDERS, encoding="utf-8")
    (root / "proposals.toml").write_text(PROPOSALS, encoding="utf-8")
    (root / "positions.toml").write_text(POSITIONS, encoding="utf-8")
    (root / "stances.toml").write_text(STANCES, encoding="utf-8")
    return root


def build_changed_database(folder: Path) -> Path:
    """Build the dataset into folder/changed.sqlite and return its path."""
    root = write_dataset(folder / "changed-db")
    return build_database(root, folder / "changed.sqlite")
