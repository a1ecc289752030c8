"""Reading Discourse Network Analyzer (DNA) files, DNA 3 and DNA 2, read-only and Qt-free.

A DNA file is an SQLite database. Both versions keep DOCUMENTS, STATEMENTS, STATEMENTTYPES and
VARIABLES, and a statement's values in DATASHORTTEXT, DATABOOLEAN, DATAINTEGER and DATALONGTEXT.
They differ where the entities are: DNA 3 keeps them in ENTITIES (with ATTRIBUTEVARIABLES and
ATTRIBUTEVALUES) and stores dates as epoch seconds; DNA 2 keeps the values themselves in
DATASHORTTEXT, entity attributes in ATTRIBUTES, and dates as Java milliseconds. The file is
opened with SQLite's read-only mode and never written.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from carebrowser.data.database import BUSY_TIMEOUT, SQLITE_HEADER, DatabaseError, sqlite_uri

#: The statement type carebrowser reads unless told another (found by label, never by id).
STATEMENT_TYPE = "DNA Statement"
#: The variables of that type carebrowser needs, and the data types DNA gives them.
PERSON, ORGANISATION, CONCEPT, AGREEMENT = "person", "organization", "concept", "agreement"
_SHORT = "short text"
_WHAT_NEXT = "Choose another file, or open the bundled dataset."
_CORE_TABLES = ("SETTINGS", "DOCUMENTS", "STATEMENTS", "STATEMENTTYPES", "VARIABLES")


class DnaFileError(DatabaseError):
    """A DNA file that cannot be read: the message says what, which file and what to do."""


@dataclass(frozen=True)
class Document:
    """A DNA document: its text and what DNA records about it."""

    id: int
    title: str
    text: str
    author: str
    source: str
    section: str
    notes: str
    type: str
    #: As stored: epoch seconds (DNA 3) or Java milliseconds (DNA 2); None when not a number.
    date: int | None


@dataclass(frozen=True)
class CodedStatement:
    """A statement of the type read: its span and its values."""

    id: int
    document_id: int
    start: int
    stop: int
    person: str
    organisation: str
    concept: str
    #: The agreement qualifier: 1/0 for a boolean, any integer for an integer qualifier.
    agreement: int | None


@dataclass
class Entity:
    """An entity's attributes (Type, Alias, Notes and user-defined ones) and its parent."""

    attributes: dict[str, str] = field(default_factory=dict)
    parent: str | None = None


@dataclass
class DnaFile:
    """Everything carebrowser takes from a DNA file."""

    path: Path
    #: 3 or 2.
    major: int
    #: As the file's SETTINGS say ("3.0.11", "2.0 beta 25"), or "" when they do not.
    version: str
    documents: list[Document]
    statements: list[CodedStatement]
    #: Entities by variable (PERSON, ORGANISATION, CONCEPT) and value.
    entities: dict[str, dict[str, Entity]]
    #: Whether the agreement qualifier is an integer (else a boolean).
    integer_agreement: bool
    #: Statements of the other statement types, by label.
    other_types: Counter[str]
    #: Values of the type's other variables (long text, user-defined), by variable: not imported.
    other_values: Counter[str]


def _refuse(path: Path, what: str, what_next: str = _WHAT_NEXT) -> DnaFileError:
    return DnaFileError(f"{path} {what}. {what_next}")


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except FileNotFoundError as error:
        raise _refuse(path, "does not exist") from error
    except IsADirectoryError as error:
        raise _refuse(path, "is a folder, not a DNA file") from error
    except OSError as error:
        raise _refuse(path, f"cannot be read ({error.strerror})") from error
    if not head:
        raise _refuse(path, "is empty, not a DNA file")
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise _refuse(
            path,
            "is a DNA 1 file (XML), which carebrowser does not read",
            "Open it in DNA 2 or 3, which convert it, and open the file they save.",
        )
    if not head.startswith(SQLITE_HEADER):
        raise _refuse(path, "is not a Discourse Network Analyzer file (not an SQLite database)")


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(sqlite_uri(path), uri=True, timeout=BUSY_TIMEOUT)
    connection.execute("PRAGMA query_only = ON")
    return connection


def read_dna(path: Path, statement_type: str = STATEMENT_TYPE) -> DnaFile:
    """Read *path*, a DNA 3 or DNA 2 file, read-only; DnaFileError when it cannot be."""
    path = Path(path)
    _check_header(path)
    try:
        connection = _connect(path)
    except sqlite3.Error as error:
        raise _refuse(path, f"cannot be opened ({error})") from error
    try:
        return _read(connection, path, statement_type)
    except sqlite3.Error as error:
        said = str(error)
        if "locked" in said or "busy" in said:
            raise _refuse(
                path,
                "is locked by another program (DNA may be saving it)",
                "Close DNA or wait a moment, then try again.",
            ) from error
        raise _refuse(
            path,
            f"is damaged or not a complete DNA file (SQLite says: {said[:160]})",
            "Open it in DNA to check it, or copy it again from where it came from.",
        ) from error
    except UnicodeDecodeError as error:
        raise _refuse(path, "holds text that is not valid UTF-8; it may be damaged") from error
    finally:
        connection.close()


def _tables(connection: sqlite3.Connection) -> set[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {str(name).upper() for (name,) in rows}


def _read(connection: sqlite3.Connection, path: Path, label: str) -> DnaFile:
    tables = _tables(connection)
    missing = [t for t in _CORE_TABLES if t not in tables]
    if missing:
        if "META" in tables and "STATEMENT" in tables:
            raise _refuse(
                path,
                "is a carebrowser database, not a DNA file",
                "Give it a name ending in .sqlite and open it as it is.",
            )
        raise _refuse(
            path,
            f"is not a Discourse Network Analyzer file (it has no {missing[0]} table)",
        )
    settings = dict(connection.execute("SELECT Property, Value FROM SETTINGS").fetchall())
    version = str(settings.get("version") or "").strip()
    if version[:1] == "3" or (not version and "ENTITIES" in tables):
        major = 3
    elif version[:1] == "2" or (not version and "ATTRIBUTES" in tables):
        major = 2
    else:
        raise _refuse(
            path,
            f"was saved by DNA {version or 'of an unknown version'}, which carebrowser does not "
            "read (it reads DNA 2 and DNA 3 files)",
            "Open it in DNA 3 and save it again.",
        )
    needed = ("ENTITIES",) if major == 3 else ("ATTRIBUTES",)
    for table in (*needed, "DATASHORTTEXT", "DATABOOLEAN", "DATAINTEGER"):
        if table not in tables:
            raise _refuse(path, f"is not a complete DNA {major} file (it has no {table} table)")
    type_id = _statement_type(connection, path, label)
    variables = _variables(connection, path, type_id, label)
    documents = _documents(connection)
    statements, integer = _statements(connection, major, type_id, variables)
    return DnaFile(
        path=path,
        major=major,
        version=version,
        documents=documents,
        statements=statements,
        entities=_entities(connection, major, variables),
        integer_agreement=integer,
        other_types=_other_types(connection, type_id),
        other_values=_other_values(connection, type_id, variables),
    )


def _statement_type(connection: sqlite3.Connection, path: Path, label: str) -> int:
    rows = connection.execute("SELECT ID, Label FROM STATEMENTTYPES ORDER BY ID").fetchall()
    for type_id, found in rows:
        if found == label:
            return int(type_id)
    labels = ", ".join(f"'{found}'" for _id, found in rows) or "none"
    raise _refuse(
        path,
        f"has no statement type labelled '{label}' (its types: {labels})",
        "Name the one to read with --statement-type LABEL.",
    )


def _variables(
    connection: sqlite3.Connection, path: Path, type_id: int, label: str
) -> dict[str, tuple[int, str]]:
    """The type's variables by name: (id, data type); the four carebrowser needs checked."""
    rows = connection.execute(
        "SELECT Variable, ID, DataType FROM VARIABLES WHERE StatementTypeId = ?", (type_id,)
    ).fetchall()
    variables = {str(name): (int(var_id), str(kind)) for name, var_id, kind in rows}
    for name, kinds in (
        (PERSON, (_SHORT,)),
        (ORGANISATION, (_SHORT,)),
        (CONCEPT, (_SHORT,)),
        (AGREEMENT, ("boolean", "integer")),
    ):
        if name not in variables:
            raise _refuse(
                path,
                f"has no variable '{name}' in its statement type '{label}', which carebrowser "
                f"needs (it has: {', '.join(sorted(variables)) or 'none'})",
                "Add it in DNA, or name another statement type with --statement-type LABEL.",
            )
        if variables[name][1] not in kinds:
            raise _refuse(
                path,
                f"gives the variable '{name}' of '{label}' the type '{variables[name][1]}', "
                f"where carebrowser reads {' or '.join(kinds)}",
                "Name another statement type with --statement-type LABEL.",
            )
    return variables


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _documents(connection: sqlite3.Connection) -> list[Document]:
    rows = connection.execute(
        "SELECT ID, Title, Text, Author, Source, Section, Notes, Type, Date FROM DOCUMENTS "
        "ORDER BY ID"
    )
    documents = []
    for row in rows:
        title, text, author, source, section, notes, kind = (_text(v) for v in row[1:8])
        date = row[8] if isinstance(row[8], int) else None
        documents.append(
            Document(int(row[0]), title, text, author, source, section, notes, kind, date)
        )
    return documents


def _values(
    connection: sqlite3.Connection, major: int, variable: tuple[int, str]
) -> dict[int, object]:
    var_id, kind = variable
    if kind == _SHORT and major == 3:
        query = (
            "SELECT d.StatementId, e.Value FROM DATASHORTTEXT d "
            "JOIN ENTITIES e ON e.ID = d.Entity WHERE d.VariableId = ?"
        )
    else:
        table = {"short text": "DATASHORTTEXT", "boolean": "DATABOOLEAN"}.get(kind, "DATAINTEGER")
        query = f"SELECT StatementId, Value FROM {table} WHERE VariableId = ?"
    return dict(connection.execute(query, (var_id,)).fetchall())


def _statements(
    connection: sqlite3.Connection,
    major: int,
    type_id: int,
    variables: dict[str, tuple[int, str]],
) -> tuple[list[CodedStatement], bool]:
    person = _values(connection, major, variables[PERSON])
    organisation = _values(connection, major, variables[ORGANISATION])
    concept = _values(connection, major, variables[CONCEPT])
    agreement = _values(connection, major, variables[AGREEMENT])
    rows = connection.execute(
        "SELECT ID, DocumentId, Start, Stop FROM STATEMENTS WHERE StatementTypeId = ? "
        "ORDER BY DocumentId, Start, Stop, ID",
        (type_id,),
    ).fetchall()
    statements = []
    for statement_id, document_id, start, stop in rows:
        agreed = agreement.get(statement_id)
        statements.append(
            CodedStatement(
                int(statement_id),
                int(document_id) if isinstance(document_id, int) else -1,
                int(start) if isinstance(start, int) else -1,
                int(stop) if isinstance(stop, int) else -1,
                _text(person.get(statement_id)).strip(),
                _text(organisation.get(statement_id)).strip(),
                _text(concept.get(statement_id)).strip(),
                int(agreed) if isinstance(agreed, int) else None,
            )
        )
    return statements, variables[AGREEMENT][1] == "integer"


def _entities(
    connection: sqlite3.Connection, major: int, variables: dict[str, tuple[int, str]]
) -> dict[str, dict[str, Entity]]:
    found: dict[str, dict[str, Entity]] = {}
    for name in (PERSON, ORGANISATION, CONCEPT):
        var_id = variables[name][0]
        entities: dict[str, Entity] = {}
        if major == 3:
            by_id: dict[int, str] = {}
            parents: dict[str, int] = {}
            for entity_id, value, child_of in connection.execute(
                "SELECT ID, Value, ChildOf FROM ENTITIES WHERE VariableId = ?", (var_id,)
            ):
                by_id[int(entity_id)] = _text(value).strip()
                entities[_text(value).strip()] = Entity()
                if isinstance(child_of, int):
                    parents[_text(value).strip()] = child_of
            for value, parent_id in parents.items():
                entities[value].parent = by_id.get(parent_id)
            for value, attribute, said in _attribute_values(connection, var_id):
                entity = entities.setdefault(_text(value).strip(), Entity())
                if _text(said).strip():
                    entity.attributes[_text(attribute)] = _text(said).strip()
        else:
            for value, kind, alias, notes, child_of in connection.execute(
                "SELECT Value, Type, Alias, Notes, ChildOf FROM ATTRIBUTES WHERE VariableId = ?",
                (var_id,),
            ):
                entity = entities.setdefault(_text(value).strip(), Entity())
                for attribute, said in (("Type", kind), ("Alias", alias), ("Notes", notes)):
                    if _text(said).strip():
                        entity.attributes[attribute] = _text(said).strip()
                entity.parent = _text(child_of).strip() or None
        found[name] = entities
    return found


def _attribute_values(
    connection: sqlite3.Connection, var_id: int
) -> list[tuple[object, object, object]]:
    """DNA 3's attribute values of one variable's entities: (entity, attribute, value)."""
    columns = {str(row[1]) for row in connection.execute("PRAGMA table_info(ATTRIBUTEVARIABLES)")}
    if not columns or "ATTRIBUTEVALUES" not in _tables(connection):
        return []
    # Some DNA 3 releases name the attribute's column MetaVariable, others AttributeVariable.
    name = "AttributeVariable" if "AttributeVariable" in columns else "MetaVariable"
    return connection.execute(
        f"SELECT e.Value, a.{name}, v.AttributeValue FROM ATTRIBUTEVALUES v "
        "JOIN ATTRIBUTEVARIABLES a ON a.ID = v.AttributeVariableId "
        "JOIN ENTITIES e ON e.ID = v.EntityId WHERE e.VariableId = ?",
        (var_id,),
    ).fetchall()


def _other_types(connection: sqlite3.Connection, type_id: int) -> Counter[str]:
    rows = connection.execute(
        "SELECT t.Label, count(*) FROM STATEMENTS s JOIN STATEMENTTYPES t "
        "ON t.ID = s.StatementTypeId WHERE s.StatementTypeId <> ? GROUP BY t.Label",
        (type_id,),
    )
    return Counter({_text(label): int(count) for label, count in rows})


def _other_values(
    connection: sqlite3.Connection, type_id: int, variables: dict[str, tuple[int, str]]
) -> Counter[str]:
    counts: Counter[str] = Counter()
    tables = _tables(connection)
    for name, (var_id, kind) in variables.items():
        if name in (PERSON, ORGANISATION, CONCEPT, AGREEMENT):
            continue
        table = {
            "short text": "DATASHORTTEXT",
            "long text": "DATALONGTEXT",
            "boolean": "DATABOOLEAN",
        }.get(kind, "DATAINTEGER")
        if table not in tables:
            continue
        (count,) = connection.execute(
            f"SELECT count(*) FROM {table} WHERE VariableId = ?", (var_id,)
        ).fetchone()
        if count:
            counts[name] = int(count)
    return counts
