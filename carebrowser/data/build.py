"""Build the SQLite database from the dataset's reviewable text files under db/.

The build checks every rule of db/README.md and stops at the first file that breaks one, naming it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from carebrowser.data import CAPTURES_FOLDER, fts
from carebrowser.data.database import writable_sqlite_engine
from carebrowser.data.dates import date_span
from carebrowser.data.schema import (
    Base,
    Meta,
    Position,
    Proposal,
    Source,
    Stakeholder,
    Statement,
    StatementStance,
    month_number,
    position_evidence,
    statement_proposal,
    store_counts,
)
from carebrowser.data.vocabulary import (
    CATEGORIES,
    DATE_PRECISIONS,
    KINDS,
    RATINGS,
    SCHEMA_VERSION,
    STAKEHOLDER_KINDS,
    STANCES,
)

KEY_PATTERN = re.compile(r"^[a-z0-9-]+$")
DATABASE_NAME = "carebrowser.sqlite"
#: The keys each kind of entry may have (db/README.md).
KEYS: dict[str, frozenset[str]] = {
    "source": frozenset(
        [
            "id",
            "capture",
            "publication",
            "publication_evidence",
            "headline",
            "author",
            "note",
            "date",
            "date_precision",
            "date_inferred",
            "date_evidence",
        ]
    ),
    "stakeholder": frozenset(
        [
            "id",
            "name",
            "kind",
            "category",
            "organisation",
            "second_organisation",
            "role",
            "aliases",
            "rating",
            "truncated",
            "note",
        ]
    ),
    "proposal": frozenset(["id", "title", "summary", "proposer", "policy_area"]),
    "statement": frozenset(
        ["id", "speaker", "kind", "text", "occurrence", "truncated", "proposals", "role", "note"]
    ),
    "position": frozenset(["stakeholder", "proposal", "stance", "summary", "evidence", "note"]),
    "mention": frozenset(["id", "name", "source", "text", "note"]),
    "stance": frozenset(["statement", "proposal", "stance", "note"]),
}
#: The reviewed per-statement stances that differ from the default (db/README.md).
STANCES_FILE = "stances.toml"


class DatasetError(Exception):
    """A dataset file breaks a rule; the message names the file and the entry."""


@dataclass
class _Entries:
    """One TOML file's array of tables, with the file's name for messages."""

    path: Path
    rows: list[dict[str, Any]]

    def where(self, row: dict[str, Any]) -> str:
        name = row.get("id") or row.get("stakeholder", "?") + "/" + row.get("proposal", "?")
        return f"{self.path.name}, entry {name!r}"


def _load(path: Path, table: str) -> _Entries:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError as error:
        raise DatasetError(f"{path}: file missing") from error
    except tomllib.TOMLDecodeError as error:
        raise DatasetError(f"{path}: not valid TOML ({error})") from error
    rows = data.get(table, [])
    if not isinstance(rows, list):
        raise DatasetError(f"{path}: '{table}' must be an array of tables ([[{table}]])")
    entries = _Entries(path, rows)
    for row in rows:
        unknown = sorted(set(row) - KEYS[table])
        if unknown:
            # A misspelt key ('proposal' for 'proposals') would otherwise drop data silently.
            raise DatasetError(
                f"{entries.where(row)}: unknown keys {unknown}; see db/README.md for the keys"
            )
    return entries


def _require(entries: _Entries, row: dict[str, Any], key: str, kind: type = str) -> Any:
    value = row.get(key)
    if not isinstance(value, kind) or (isinstance(value, str) and not value.strip()):
        raise DatasetError(f"{entries.where(row)}: '{key}' is missing or not a {kind.__name__}")
    return value


def _check_key(entries: _Entries, row: dict[str, Any], seen: set[str]) -> str:
    key = _require(entries, row, "id")
    if not KEY_PATTERN.match(key):
        raise DatasetError(f"{entries.where(row)}: id must match [a-z0-9-]+")
    if key in seen:
        raise DatasetError(f"{entries.where(row)}: id used twice")
    seen.add(key)
    return str(key)


def _check_vocabulary(
    entries: _Entries, row: dict[str, Any], key: str, allowed: tuple[str, ...]
) -> str:
    value = row.get(key)
    if value not in allowed:
        raise DatasetError(
            f"{entries.where(row)}: {key} {value!r} is not one of: {', '.join(allowed)}"
        )
    return str(value)


def _optional_text(entries: _Entries, row: dict[str, Any], key: str) -> str | None:
    value = row.get(key)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise DatasetError(f"{entries.where(row)}: '{key}' must be text when given")
    return value


def sort_name(name: str) -> str:
    """The key a name sorts by: case-folded, a leading 'the' ignored."""
    folded = name.casefold()
    return folded[4:] if folded.startswith("the ") else folded


def dataset_files(root: Path) -> list[Path]:
    """Every file the build reads, in a fixed order."""
    files = [root / "sources.toml", root / "stakeholders.toml", root / "proposals.toml"]
    files.append(root / "mentions.toml")
    files += sorted((root / "sources").glob("*.txt"))
    files += sorted((root / "statements").glob("*.toml"))
    files.append(root / "positions.toml")
    files.append(root / STANCES_FILE)
    return files


def dataset_digest(root: Path) -> str:
    """A SHA-256 over the dataset's files: recorded in the database to tell when it is stale."""
    digest = hashlib.sha256()
    for path in dataset_files(root):
        if path.exists():
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(b"\0")
            digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
            digest.update(b"\0")
    return digest.hexdigest()


def find_span(text_: str, quote: str, occurrence: int) -> tuple[int, int] | None:
    """The (start, end) of the *occurrence*-th appearance of *quote* in *text_*, 1-based."""
    start = -1
    for _ in range(occurrence):
        start = text_.find(quote, start + 1)
        if start < 0:
            return None
    return start, start + len(quote)


def _sources(root: Path, session: Session) -> dict[str, Source]:
    entries = _load(root / "sources.toml", "source")
    seen: set[str] = set()
    sources: dict[str, Source] = {}
    for row in sorted(entries.rows, key=lambda r: str(r.get("id"))):
        key = _check_key(entries, row, seen)
        text_path = root / "sources" / f"{key}.txt"
        if not text_path.is_file():
            raise DatasetError(f"{entries.where(row)}: its cleaned text {text_path} is missing")
        cleaned = text_path.read_text(encoding="utf-8").replace("\r\n", "\n")
        capture = _require(entries, row, "capture")
        if not (root / CAPTURES_FOLDER / capture).is_file():
            raise DatasetError(
                f"{entries.where(row)}: its capture {CAPTURES_FOLDER}/{capture} is missing; "
                f"keep the web capture it was cleaned from in {root / CAPTURES_FOLDER}"
            )
        try:
            date = dt.date.fromisoformat(_require(entries, row, "date"))
        except ValueError as error:
            raise DatasetError(f"{entries.where(row)}: date must be YYYY-MM-DD") from error
        inferred = row.get("date_inferred", True)
        if not isinstance(inferred, bool):
            raise DatasetError(f"{entries.where(row)}: date_inferred must be true or false")
        evidence = row.get("date_evidence")
        if inferred and not evidence:
            raise DatasetError(f"{entries.where(row)}: an inferred date needs date_evidence")
        source = Source(
            id=len(sources) + 1,
            key=key,
            capture=capture,
            publication=_require(entries, row, "publication"),
            publication_evidence=row.get("publication_evidence"),
            headline=row.get("headline"),
            author=row.get("author"),
            date=date,
            date_precision=_check_vocabulary(entries, row, "date_precision", DATE_PRECISIONS),
            date_inferred=inferred,
            date_evidence=evidence,
            text=cleaned,
            note=_optional_text(entries, row, "note"),
        )
        session.add(source)
        sources[key] = source
    return sources


def _stakeholders(root: Path, session: Session) -> dict[str, Stakeholder]:
    entries = _load(root / "stakeholders.toml", "stakeholder")
    seen: set[str] = set()
    rows = sorted(entries.rows, key=lambda r: str(r.get("id")))
    stakeholders: dict[str, Stakeholder] = {}
    names: set[str] = set()
    for row in rows:
        key = _check_key(entries, row, seen)
        name = _require(entries, row, "name")
        if name.casefold() in names:
            raise DatasetError(f"{entries.where(row)}: name {name!r} used twice")
        names.add(name.casefold())
        rating = row.get("rating")
        if rating is not None:
            _check_vocabulary(entries, row, "rating", RATINGS)
        aliases = row.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise DatasetError(f"{entries.where(row)}: aliases must be a list of strings")
        stakeholders[key] = Stakeholder(
            id=len(stakeholders) + 1,
            key=key,
            name=name,
            sort_name=sort_name(name),
            kind=_check_vocabulary(entries, row, "kind", STAKEHOLDER_KINDS),
            category=_check_vocabulary(entries, row, "category", CATEGORIES),
            role=row.get("role"),
            aliases="; ".join(aliases),
            rating=rating,
            truncated=bool(row.get("truncated", False)),
            note=row.get("note"),
        )
    for row in rows:
        person = stakeholders[row["id"]]
        for key in ("organisation", "second_organisation"):
            organisation = row.get(key)
            if organisation is None:
                continue
            if organisation not in stakeholders:
                raise DatasetError(f"{entries.where(row)}: unknown {key} {organisation!r}")
            if person.kind != "person" or stakeholders[organisation].kind != "organisation":
                raise DatasetError(
                    f"{entries.where(row)}: only a person is affiliated, and only to an "
                    "organisation"
                )
        if "second_organisation" in row and (
            "organisation" not in row or row["second_organisation"] == row["organisation"]
        ):
            raise DatasetError(
                f"{entries.where(row)}: a second_organisation needs a different organisation"
            )
        if "organisation" in row:
            person.organisation = stakeholders[row["organisation"]]
        if "second_organisation" in row:
            person.second_organisation = stakeholders[row["second_organisation"]]
    session.add_all(stakeholders.values())
    return stakeholders


def _proposals(
    root: Path, session: Session, stakeholders: dict[str, Stakeholder]
) -> dict[str, Proposal]:
    entries = _load(root / "proposals.toml", "proposal")
    seen: set[str] = set()
    proposals: dict[str, Proposal] = {}
    for row in sorted(entries.rows, key=lambda r: str(r.get("id"))):
        key = _check_key(entries, row, seen)
        proposer = row.get("proposer")
        if proposer is not None and proposer not in stakeholders:
            raise DatasetError(f"{entries.where(row)}: unknown proposer {proposer!r}")
        proposal = Proposal(
            id=len(proposals) + 1,
            key=key,
            title=_require(entries, row, "title"),
            summary=_require(entries, row, "summary"),
            proposer=stakeholders[proposer] if proposer else None,
            policy_area=_require(entries, row, "policy_area"),
        )
        session.add(proposal)
        proposals[key] = proposal
    titles = [p.title.casefold() for p in proposals.values()]
    if len(set(titles)) != len(titles):
        raise DatasetError(f"{entries.path.name}: two proposals share a title")
    return proposals


def _roles(path: Path, source: Source, stakeholders: dict[str, Stakeholder]) -> dict[str, str]:
    """The [roles] table of a statements file: each speaker's role as that source prints it."""
    with path.open("rb") as handle:
        roles = tomllib.load(handle).get("roles", {})
    if not isinstance(roles, dict):
        raise DatasetError(f"{path}: 'roles' must be a table of speaker = \"role as printed\"")
    for speaker, role in roles.items():
        if speaker not in stakeholders:
            raise DatasetError(f"{path}: [roles] names an unknown speaker {speaker!r}")
        if not isinstance(role, str) or role not in source.text:
            raise DatasetError(
                f"{path}: [roles] {speaker} = {role!r} is not printed in sources/{source.key}.txt"
            )
    return dict(roles)


def _mentions(root: Path, sources: dict[str, Source], stakeholders: dict[str, Stakeholder]) -> None:
    """Check mentions.toml: names the articles print that are not stakeholders (not stored)."""
    path = root / "mentions.toml"
    if not path.exists():
        return
    entries = _load(path, "mention")
    seen: set[str] = set()
    for row in entries.rows:
        key = _check_key(entries, row, seen)
        if key in stakeholders:
            raise DatasetError(f"{entries.where(row)}: a stakeholder cannot be a mention too")
        _require(entries, row, "name")
        _require(entries, row, "note")
        source = sources.get(_require(entries, row, "source"))
        if source is None:
            raise DatasetError(f"{entries.where(row)}: unknown source {row['source']!r}")
        if _require(entries, row, "text") not in source.text:
            raise DatasetError(f"{entries.where(row)}: text not found in sources/{source.key}.txt")


def _statements(
    root: Path,
    session: Session,
    sources: dict[str, Source],
    stakeholders: dict[str, Stakeholder],
    proposals: dict[str, Proposal],
    links: set[tuple[int, int]],
) -> dict[str, Statement]:
    """Statements with their spans; *links* receives (statement id, proposal id) pairs."""
    statements: dict[str, Statement] = {}
    seen: set[str] = set()
    for path in sorted((root / "statements").glob("*.toml")):
        source = sources.get(path.stem)
        if source is None:
            raise DatasetError(f"{path}: no source with id {path.stem!r} in sources.toml")
        entries = _load(path, "statement")
        roles = _roles(path, source, stakeholders)
        spans: set[tuple[int, int, str]] = set()
        for row in entries.rows:
            key = _check_key(entries, row, seen)
            speaker = row.get("speaker")
            if speaker not in stakeholders:
                raise DatasetError(f"{entries.where(row)}: unknown speaker {speaker!r}")
            quote = _require(entries, row, "text")
            occurrence = row.get("occurrence", 1)
            span = find_span(source.text, quote, occurrence)
            if span is None:
                raise DatasetError(
                    f"{entries.where(row)}: text not found in sources/{source.key}.txt"
                    + (f" (occurrence {occurrence})" if occurrence != 1 else "")
                )
            if (span[0], span[1], speaker) in spans:
                raise DatasetError(f"{entries.where(row)}: same span and speaker as another entry")
            spans.add((span[0], span[1], speaker))
            role = _optional_text(entries, row, "role") or roles.get(speaker)
            if role is not None and role not in source.text:
                raise DatasetError(
                    f"{entries.where(row)}: role {role!r} is not printed in "
                    f"sources/{source.key}.txt"
                )
            linked = row.get("proposals", [])
            unknown = [p for p in linked if p not in proposals]
            if unknown:
                raise DatasetError(f"{entries.where(row)}: unknown proposals {unknown}")
            statement = Statement(
                id=len(statements) + 1,
                key=key,
                source=source,
                speaker=stakeholders[speaker],
                start=span[0],
                end=span[1],
                text=quote,
                kind=_check_vocabulary(entries, row, "kind", KINDS),
                truncated=bool(row.get("truncated", False)),
                sort_date=source.date,
                role=role,
            )
            session.add(statement)
            statements[key] = statement
            links.update((statement.id, proposals[p].id) for p in linked)
    return statements


def _positions(
    root: Path,
    session: Session,
    stakeholders: dict[str, Stakeholder],
    proposals: dict[str, Proposal],
    statements: dict[str, Statement],
    links: set[tuple[int, int]],
    evidence_links: set[tuple[int, int]],
) -> dict[tuple[str, str], str]:
    """Positions, whose evidence speaks to their proposal (*links*: statement and proposal ids);
    *evidence_links* receives (position id, statement id) pairs.

    Returns the default stance of each (statement, proposal) pair: the stance of the position
    the statement is evidence for.
    """
    defaults: dict[tuple[str, str], str] = {}
    entries = _load(root / "positions.toml", "position")
    pairs: set[tuple[str, str]] = set()
    rows = sorted(entries.rows, key=lambda r: (str(r.get("stakeholder")), str(r.get("proposal"))))
    for number, row in enumerate(rows, start=1):
        who, what = row.get("stakeholder"), row.get("proposal")
        if who not in stakeholders:
            raise DatasetError(f"{entries.where(row)}: unknown stakeholder {who!r}")
        if what not in proposals:
            raise DatasetError(f"{entries.where(row)}: unknown proposal {what!r}")
        if (who, what) in pairs:
            raise DatasetError(f"{entries.where(row)}: a second position on the same proposal")
        pairs.add((who, what))
        evidence = row.get("evidence", [])
        if not evidence:
            raise DatasetError(f"{entries.where(row)}: a position needs at least one evidence")
        for key in evidence:
            statement = statements.get(key)
            if statement is None:
                raise DatasetError(f"{entries.where(row)}: unknown evidence {key!r}")
            if statement.speaker.key != who:
                raise DatasetError(
                    f"{entries.where(row)}: evidence {key!r} is spoken by "
                    f"{statement.speaker.key!r}, not by {who!r}"
                )
            if (statement.id, proposals[what].id) not in links:
                raise DatasetError(
                    f"{entries.where(row)}: evidence {key!r} does not speak to {what!r} "
                    "(add it to the statement's proposals, or cite another statement)"
                )
        session.add(
            Position(
                id=number,
                stakeholder=stakeholders[who],
                proposal=proposals[what],
                stance=_check_vocabulary(entries, row, "stance", STANCES),
                summary=_require(entries, row, "summary"),
            )
        )
        evidence_links.update((number, statements[k].id) for k in evidence)
        defaults.update(((k, str(what)), str(row["stance"])) for k in evidence)
    _no_positions(root, entries, pairs, stakeholders, proposals)
    return defaults


def _no_positions(
    root: Path,
    entries: _Entries,
    pairs: set[tuple[str, str]],
    stakeholders: dict[str, Stakeholder],
    proposals: dict[str, Proposal],
) -> None:
    """Every proposal a statement speaks to has its speaker's position, or a recorded reason
    (a [[no_position]] entry of positions.toml) why none is taken from the articles."""
    path = entries.path
    with path.open("rb") as handle:
        rows = tomllib.load(handle).get("no_position", [])
    decided = set(pairs)
    for row in rows:
        who, what = row.get("stakeholder"), row.get("proposal")
        where = f"{path.name}, no_position {who!s}/{what!s}"
        if who not in stakeholders or what not in proposals:
            raise DatasetError(f"{where}: unknown stakeholder or proposal")
        if set(row) - {"stakeholder", "proposal", "note"}:
            raise DatasetError(f"{where}: only stakeholder, proposal and note are allowed")
        if (who, what) in decided:
            raise DatasetError(f"{where}: already has a position or a no_position entry")
        if not isinstance(row.get("note"), str) or not row["note"].strip():
            raise DatasetError(f"{where}: say in 'note' why no position is recorded")
        decided.add((who, what))
    for statement in _tagged(root):
        if statement not in decided:
            raise DatasetError(
                f"{path.name}: {statement[0]!r} speaks to {statement[1]!r} in a statement but has "
                "no position on it; add a [[position]] or a [[no_position]] with a note"
            )


def _tagged(root: Path) -> list[tuple[str, str]]:
    """(speaker, proposal) of every statement's proposals, in file order."""
    found: list[tuple[str, str]] = []
    for path in sorted((root / "statements").glob("*.toml")):
        with path.open("rb") as handle:
            for row in tomllib.load(handle).get("statement", []):
                found += [(str(row["speaker"]), str(p)) for p in row.get("proposals", [])]
    return list(dict.fromkeys(found))


def _statement_stances(
    root: Path,
    statements: dict[str, Statement],
    proposals: dict[str, Proposal],
    links: set[tuple[int, int]],
    defaults: dict[tuple[str, str], str],
) -> list[dict[str, Any]]:
    """The stance each statement shows on each proposal: its position's, or the reviewed one
    in stances.toml (which holds only the entries that differ, each with a note)."""
    stances = dict(defaults)
    notes: dict[tuple[str, str], str] = {}
    path = root / STANCES_FILE
    entries = _load(path, "stance") if path.exists() else _Entries(path, [])
    linked = {(s, p) for s, p in links}
    for row in entries.rows:
        who, what = row.get("statement"), row.get("proposal")
        where = f"{path.name}, entry {who}/{what}"
        statement = statements.get(str(who))
        if statement is None:
            raise DatasetError(f"{where}: unknown statement {who!r}")
        if what not in proposals:
            raise DatasetError(f"{where}: unknown proposal {what!r}")
        pair = (str(who), str(what))
        if pair in notes:
            raise DatasetError(f"{where}: a second stance for the same statement and proposal")
        if pair not in defaults and (statement.id, proposals[str(what)].id) not in linked:
            raise DatasetError(
                f"{where}: the statement does not speak to this proposal; add it to the "
                f"statement's proposals in statements/{statement.source.key}.toml first"
            )
        stance = row.get("stance")
        if stance not in STANCES:
            raise DatasetError(f"{where}: stance {stance!r} is not one of: {', '.join(STANCES)}")
        if defaults.get(pair) == stance:
            raise DatasetError(
                f"{where}: {stance!r} is already the stance of the position it is evidence "
                "for; remove the entry"
            )
        note = row.get("note")
        if not isinstance(note, str) or not note.strip():
            raise DatasetError(f"{where}: 'note' is missing: say why the stance differs")
        stances[pair] = str(stance)
        notes[pair] = note
    rows = []
    for (key, proposal), stance in stances.items():
        statement = statements[key]
        first, last = date_span(statement.source.date, statement.source.date_precision)
        rows.append(
            {
                "statement_id": statement.id,
                "proposal_id": proposals[proposal].id,
                "stance": stance,
                "note": notes.get((key, proposal)),
                "speaker_id": statement.speaker.id,
                "date_from": first,
                "date_until": last,
                "month": month_number(first),
            }
        )
    # Sorted, so that two builds are identical.
    return sorted(rows, key=lambda r: (r["statement_id"], r["proposal_id"]))


def build_database(root: Path, output: Path | None = None) -> Path:
    """Build the database from the files under *root* into *output* (atomically replaced)."""
    output = output or root / DATABASE_NAME
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary_name = tempfile.mkstemp(
        prefix=".carebrowser-", suffix=".sqlite", dir=output.parent
    )
    os.close(handle)
    temporary = Path(temporary_name)
    temporary.unlink()
    try:
        engine = writable_sqlite_engine(temporary)
        with engine.begin() as connection:
            connection.execute(text("PRAGMA journal_mode = DELETE"))
        Base.metadata.create_all(engine)
        with Session(engine) as session:
            sources = _sources(root, session)
            stakeholders = _stakeholders(root, session)
            proposals = _proposals(root, session, stakeholders)
            links: set[tuple[int, int]] = set()
            evidence: set[tuple[int, int]] = set()
            _mentions(root, sources, stakeholders)
            statements = _statements(root, session, sources, stakeholders, proposals, links)
            defaults = _positions(
                root, session, stakeholders, proposals, statements, links, evidence
            )
            stances = _statement_stances(root, statements, proposals, links, defaults)
            session.flush()
            # Association rows go in sorted order, so that two builds are identical.
            if links:
                session.execute(
                    statement_proposal.insert(),
                    [{"statement_id": s, "proposal_id": p} for s, p in sorted(links)],
                )
            if evidence:
                session.execute(
                    position_evidence.insert(),
                    [{"position_id": p, "statement_id": s} for p, s in sorted(evidence)],
                )
            if stances:
                session.execute(insert(StatementStance), stances)
            store_counts(session.connection())
            session.add_all(
                [
                    Meta(key="schema_version", value=str(SCHEMA_VERSION)),
                    Meta(key="dataset_digest", value=dataset_digest(root)),
                ]
            )
            session.commit()
        with engine.begin() as connection:
            fts.create_sqlite(connection)
        with engine.connect() as connection:
            connection.execute(text("VACUUM"))
        engine.dispose()
        temporary.replace(output)
    finally:
        temporary.unlink(missing_ok=True)
    return output
