"""Writing Discourse Network Analyzer files in DNA's own schemas, for the tests and the bench.

The tables and columns are those DNA creates in an SQLite file: DNA 3 (leifeld-lab/dna,
`dna/src/main/java/sql/Sql.java`, createTables) and DNA 2 (`dna/src/dna/SqlConnection.java` at
tag v2.0-beta.25, createDataStructure). The rows are our own.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

_DNA3 = """
CREATE TABLE SETTINGS(Property TEXT PRIMARY KEY, Value TEXT NOT NULL);
CREATE TABLE CODERS(ID INTEGER NOT NULL PRIMARY KEY, Name TEXT NOT NULL,
  Red INTEGER NOT NULL DEFAULT 0, Green INTEGER NOT NULL DEFAULT 0,
  Blue INTEGER NOT NULL DEFAULT 0, Refresh INTEGER NOT NULL DEFAULT 0,
  FontSize INTEGER NOT NULL DEFAULT 14, Password TEXT NOT NULL,
  PopupWidth INTEGER DEFAULT 300, ColorByCoder INTEGER NOT NULL DEFAULT 0,
  PopupDecoration INTEGER NOT NULL DEFAULT 0, PopupAutoComplete INTEGER NOT NULL DEFAULT 1);
CREATE TABLE DOCUMENTS(ID INTEGER NOT NULL PRIMARY KEY, Title TEXT NOT NULL, Text TEXT NOT NULL,
  Coder INTEGER, Author TEXT NOT NULL DEFAULT '', Source TEXT NOT NULL DEFAULT '',
  Section TEXT NOT NULL DEFAULT '', Notes TEXT NOT NULL DEFAULT '',
  Type TEXT NOT NULL DEFAULT '', Date INTEGER NOT NULL,
  FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE);
CREATE TABLE STATEMENTTYPES(ID INTEGER NOT NULL PRIMARY KEY, Label TEXT NOT NULL,
  Red INTEGER NOT NULL DEFAULT 0, Green INTEGER NOT NULL DEFAULT 0,
  Blue INTEGER NOT NULL DEFAULT 0);
CREATE TABLE VARIABLES(ID INTEGER NOT NULL PRIMARY KEY, Variable TEXT NOT NULL,
  DataType TEXT NOT NULL DEFAULT 'short text', StatementTypeId INTEGER,
  FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE,
  UNIQUE (Variable, StatementTypeId));
CREATE TABLE STATEMENTS(ID INTEGER NOT NULL PRIMARY KEY, StatementTypeId INTEGER,
  DocumentId INTEGER, Start INTEGER NOT NULL CHECK(Start >= 0),
  Stop INTEGER NOT NULL CHECK(Stop >= 0), Coder INTEGER, CHECK (Start < Stop),
  FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE,
  FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE,
  FOREIGN KEY(DocumentId) REFERENCES DOCUMENTS(ID) ON DELETE CASCADE);
CREATE TABLE DATABOOLEAN(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, Value INTEGER NOT NULL DEFAULT 1,
  UNIQUE (StatementId, VariableId));
CREATE TABLE DATAINTEGER(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, Value INTEGER NOT NULL DEFAULT 0,
  UNIQUE (StatementId, VariableId));
CREATE TABLE ENTITIES(ID INTEGER PRIMARY KEY NOT NULL, VariableId INTEGER NOT NULL,
  Value TEXT NOT NULL DEFAULT '', Red INTEGER, Green INTEGER, Blue INTEGER,
  ChildOf INTEGER CHECK(ChildOf > 0), UNIQUE (VariableId, Value));
CREATE TABLE DATASHORTTEXT(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, Entity INTEGER NOT NULL, UNIQUE (StatementId, VariableId));
CREATE TABLE DATALONGTEXT(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, Value TEXT DEFAULT '', UNIQUE (StatementId, VariableId));
CREATE TABLE ATTRIBUTEVARIABLES(ID INTEGER PRIMARY KEY NOT NULL, VariableId INTEGER NOT NULL,
  AttributeVariable TEXT NOT NULL, UNIQUE(VariableId, AttributeVariable));
CREATE TABLE ATTRIBUTEVALUES(ID INTEGER PRIMARY KEY NOT NULL, EntityId INTEGER NOT NULL,
  AttributeVariableId INTEGER NOT NULL, AttributeValue TEXT NOT NULL DEFAULT '',
  UNIQUE (EntityId, AttributeVariableId));
"""

_DNA2 = """
CREATE TABLE SETTINGS(Property TEXT PRIMARY KEY, Value TEXT);
CREATE TABLE CODERS(ID INTEGER NOT NULL PRIMARY KEY, Name TEXT, Red INTEGER, Green INTEGER,
  Blue INTEGER, Password TEXT);
CREATE TABLE DOCUMENTS(ID INTEGER NOT NULL PRIMARY KEY, Title TEXT, Text TEXT, Coder INTEGER,
  Author TEXT, Source TEXT, Section TEXT, Notes TEXT, Type TEXT, Date INTEGER,
  FOREIGN KEY(Coder) REFERENCES CODERS(ID));
CREATE TABLE STATEMENTTYPES(ID INTEGER NOT NULL PRIMARY KEY, Label TEXT, Red INTEGER,
  Green INTEGER, Blue INTEGER);
CREATE TABLE VARIABLES(ID INTEGER NOT NULL PRIMARY KEY, Variable TEXT, DataType TEXT,
  StatementTypeId INTEGER, FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID),
  UNIQUE (Variable, StatementTypeId));
CREATE TABLE REGEXES(Label TEXT PRIMARY KEY, Red INTEGER, Green INTEGER, Blue INTEGER);
CREATE TABLE CODERPERMISSIONS(ID INTEGER NOT NULL PRIMARY KEY, Coder INTEGER, Type TEXT,
  Permission INTEGER, UNIQUE (Coder, Type));
CREATE TABLE CODERRELATIONS(ID INTEGER NOT NULL PRIMARY KEY, Coder INTEGER, OtherCoder INTEGER,
  viewStatements INTEGER, editStatements INTEGER, viewDocuments INTEGER, editDocuments INTEGER);
CREATE TABLE STATEMENTS(ID INTEGER NOT NULL PRIMARY KEY, StatementTypeId INTEGER,
  DocumentId INTEGER, Start INTEGER, Stop INTEGER, Coder INTEGER);
CREATE TABLE STATEMENTLINKS(ID INTEGER PRIMARY KEY NOT NULL, SourceId INTEGER NOT NULL,
  TargetId INTEGER NOT NULL);
CREATE TABLE DATABOOLEAN(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, StatementTypeId INTEGER, Value INTEGER,
  UNIQUE (StatementId, VariableId));
CREATE TABLE DATAINTEGER(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, StatementTypeId INTEGER, Value INTEGER,
  UNIQUE (StatementId, VariableId));
CREATE TABLE DATASHORTTEXT(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, StatementTypeId INTEGER, Value TEXT,
  UNIQUE (StatementId, VariableId));
CREATE TABLE DATALONGTEXT(ID INTEGER PRIMARY KEY NOT NULL, StatementId INTEGER NOT NULL,
  VariableId INTEGER NOT NULL, StatementTypeId INTEGER, Value TEXT,
  UNIQUE (StatementId, VariableId));
CREATE TABLE ATTRIBUTES(ID INTEGER PRIMARY KEY NOT NULL, VariableId INTEGER NOT NULL,
  Value TEXT NOT NULL, Red INTEGER, Green INTEGER, Blue INTEGER, Type TEXT, Alias TEXT,
  Notes TEXT, ChildOf TEXT);
"""

#: DNA's default statement types and variables: (type id, label, [(variable, data type)]).
_TYPES = (
    (1, "DNA Statement", (("person", "short text"), ("organization", "short text"),
                          ("concept", "short text"), ("agreement", "boolean"))),
    (2, "Annotation", (("note", "long text"),)),
)  # fmt: skip


@dataclass
class DnaDocument:
    """A document to write: its text, title and date, and what DNA keeps besides."""

    title: str
    text: str
    date: dt.date
    author: str = ""
    source: str = ""
    section: str = ""
    notes: str = ""
    type: str = ""


@dataclass
class DnaStatement:
    """A statement to write: its document (index), the span as Python offsets, its values."""

    document: int
    start: int
    stop: int
    person: str = ""
    organization: str = ""
    concept: str = ""
    agreement: int = 1
    #: A statement of the Annotation type (a long-text note) instead of a DNA Statement.
    note: str | None = None


@dataclass
class DnaAttributes:
    """An entity's attributes: variable, value, Type, Alias, Notes, parent, user-defined."""

    variable: str
    value: str
    type: str = ""
    alias: str = ""
    notes: str = ""
    child_of: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def utf16(text: str, offset: int) -> int:
    """A Python offset into *text* as DNA (Java) counts it: in UTF-16 units."""
    return len(text[:offset].encode("utf-16-le")) // 2


def _units(text: str) -> list[int] | None:
    """The UTF-16 offset of each Python offset into *text* (one past the end included), or None
    when they are the same."""
    if len(text.encode("utf-16-le")) == 2 * len(text):
        return None
    table, unit = [], 0
    for character in text:
        table.append(unit)
        unit += 2 if ord(character) > 0xFFFF else 1
    table.append(unit)
    return table


def span(text: str, words: str, occurrence: int = 1) -> tuple[int, int]:
    """The Python span of the *occurrence*-th *words* in *text*."""
    start = -1
    for _ in range(occurrence):
        start = text.index(words, start + 1)
    return start, start + len(words)


def write_dna(
    path: Path,
    major: int,
    documents: list[DnaDocument],
    statements: Iterable[DnaStatement],
    attributes: Iterable[DnaAttributes] = (),
    *,
    version: str | None = None,
    agreement_type: str = "boolean",
    raw_offsets: bool = False,
) -> Path:
    """Write a DNA *major* (3 or 2) file at *path*. Spans are converted to DNA's UTF-16 offsets
    unless *raw_offsets* (to write spans that do not fit)."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.executescript(_DNA3 if major == 3 else _DNA2)
    connection.execute("BEGIN")
    say = version or ("3.0.11" if major == 3 else "2.0 beta 25")
    connection.execute("INSERT INTO SETTINGS VALUES ('version', ?)", (say,))
    connection.execute("INSERT INTO SETTINGS VALUES ('date', '2023-01-01')")
    if major == 3:
        connection.execute("INSERT INTO CODERS (ID, Name, Password) VALUES (1, 'Admin', 'x')")
    else:
        connection.execute("INSERT INTO CODERS VALUES (1, 'Admin', 255, 255, 0, 'x')")
    variables: dict[tuple[int, str], int] = {}
    for type_id, label, names in _TYPES:
        connection.execute(
            "INSERT INTO STATEMENTTYPES (ID, Label, Red, Green, Blue) VALUES (?, ?, 0, 0, 0)",
            (type_id, label),
        )
        for name, kind in names:
            kind = agreement_type if name == "agreement" else kind
            variables[(type_id, name)] = len(variables) + 1
            connection.execute(
                "INSERT INTO VARIABLES (ID, Variable, DataType, StatementTypeId) "
                "VALUES (?, ?, ?, ?)",
                (len(variables), name, kind, type_id),
            )
    for number, document in enumerate(documents, start=1):
        moment = dt.datetime.combine(document.date, dt.time(), dt.UTC)
        # DNA 2: a coder at UTC+1, whose local midnight is 23:00 the day before, in milliseconds
        seconds = int(moment.timestamp())
        date = seconds if major == 3 else seconds * 1000 - 3_600_000
        connection.execute(
            "INSERT INTO DOCUMENTS (ID, Title, Text, Coder, Author, Source, Section, Notes, "
            "Type, Date) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
            (number, document.title, document.text, document.author, document.source,
             document.section, document.notes, document.type, date),
        )  # fmt: skip
    entities: dict[tuple[str, str], int] = {}

    def entity(variable: str, value: str) -> int:
        if (variable, value) not in entities:
            entities[(variable, value)] = len(entities) + 1
            connection.execute(
                "INSERT INTO ENTITIES (ID, VariableId, Value) VALUES (?, ?, ?)",
                (len(entities), variables[(1, variable)], value),
            )
        return entities[(variable, value)]

    rows: dict[str, list[tuple[object, ...]]] = {"short": [], "bool": [], "long": [], "st": []}
    units: dict[int, list[int] | None] = {}
    for number, statement in enumerate(statements, start=1):
        start, stop = statement.start, statement.stop
        if not raw_offsets:
            if statement.document not in units:
                units[statement.document] = _units(documents[statement.document].text)
            table = units[statement.document]
            if table is not None:
                start, stop = table[start], table[stop]
        type_id = 2 if statement.note is not None else 1
        rows["st"].append((number, type_id, statement.document + 1, start, stop))
        if statement.note is not None:
            rows["long"].append((number, variables[(2, "note")], statement.note))
            continue
        for name in ("person", "organization", "concept"):
            value = getattr(statement, name)
            stored: object = entity(name, value) if major == 3 else value
            rows["short"].append((number, variables[(1, name)], stored))
        rows["bool"].append((number, variables[(1, "agreement")], statement.agreement))
    connection.executemany(
        "INSERT INTO STATEMENTS (ID, StatementTypeId, DocumentId, Start, Stop, Coder) "
        "VALUES (?, ?, ?, ?, ?, 1)",
        rows["st"],
    )
    value_column = "Entity" if major == 3 else "Value"
    connection.executemany(
        f"INSERT INTO DATASHORTTEXT (StatementId, VariableId, {value_column}) VALUES (?, ?, ?)",
        rows["short"],
    )
    agreement_table = "DATABOOLEAN" if agreement_type == "boolean" else "DATAINTEGER"
    connection.executemany(
        f"INSERT INTO {agreement_table} (StatementId, VariableId, Value) VALUES (?, ?, ?)",
        rows["bool"],
    )
    connection.executemany(
        "INSERT INTO DATALONGTEXT (StatementId, VariableId, Value) VALUES (?, ?, ?)", rows["long"]
    )
    _attributes(connection, major, variables, entity, list(attributes))
    connection.execute("COMMIT")
    connection.close()
    return path


def _attributes(
    connection: sqlite3.Connection,
    major: int,
    variables: dict[tuple[int, str], int],
    entity: object,
    attributes: list[DnaAttributes],
) -> None:
    if major == 2:
        connection.executemany(
            "INSERT INTO ATTRIBUTES (VariableId, Value, Type, Alias, Notes, ChildOf) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(variables[(1, a.variable)], a.value, a.type, a.alias, a.notes, a.child_of or "")
             for a in attributes],
        )  # fmt: skip
        return
    assert callable(entity)
    names: dict[tuple[str, str], int] = {}
    for variable in ("person", "organization", "concept"):
        for name in ("Type", "Alias", "Notes"):
            names[(variable, name)] = len(names) + 1
            connection.execute(
                "INSERT INTO ATTRIBUTEVARIABLES (ID, VariableId, AttributeVariable) "
                "VALUES (?, ?, ?)",
                (len(names), variables[(1, variable)], name),
            )
    for a in attributes:
        entity_id = entity(a.variable, a.value)
        said = {"Type": a.type, "Alias": a.alias, "Notes": a.notes, **a.extra}
        for name, value in said.items():
            if (a.variable, name) not in names:
                names[(a.variable, name)] = len(names) + 1
                connection.execute(
                    "INSERT INTO ATTRIBUTEVARIABLES (ID, VariableId, AttributeVariable) "
                    "VALUES (?, ?, ?)",
                    (len(names), variables[(1, a.variable)], name),
                )
            connection.execute(
                "INSERT INTO ATTRIBUTEVALUES (EntityId, AttributeVariableId, AttributeValue) "
                "VALUES (?, ?, ?)",
                (entity_id, names[(a.variable, name)], value),
            )
        if a.child_of:
            connection.execute(
                "UPDATE ENTITIES SET ChildOf = ? WHERE ID = ?",
                (entity(a.variable, a.child_of), entity_id),
            )
