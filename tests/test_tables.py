"""The query layer's Core tables are the schema's tables, column for column."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from sqlalchemy import Column, Table, select

from carebrowser.data import schema, tables


def _described(table: Table) -> dict[str, tuple[Any, ...]]:
    """Each column as reading sees it: its type and length, key, nullability, references."""

    def described(column: Column[Any]) -> tuple[Any, ...]:
        kind = column.type
        targets = sorted(key.target_fullname for key in column.foreign_keys)
        return (
            type(kind).__name__,
            getattr(kind, "length", None),
            column.primary_key,
            column.nullable,
            targets,
        )

    return {column.name: described(column) for column in table.columns}


@pytest.mark.parametrize("name", sorted(schema.Base.metadata.tables))
def test_each_table_read_is_the_schemas_column_for_column(name: str) -> None:
    written = schema.Base.metadata.tables[name]
    read = tables.metadata.tables[name]
    assert list(read.columns.keys()) == list(written.columns.keys())
    assert _described(read) == _described(written)


def test_every_table_of_the_schema_can_be_read() -> None:
    assert set(tables.metadata.tables) == set(schema.Base.metadata.tables)


def test_a_read_spells_columns_and_tables_as_the_orm_classes_do() -> None:
    organisation = tables.Stakeholder.alias("organisation")
    query = (
        select(tables.Stakeholder.name, organisation.name)
        .select_from(tables.Stakeholder)
        .outerjoin(organisation, organisation.id == tables.Stakeholder.organisation_id)
    )
    orm = select(schema.Stakeholder.name)
    assert str(select(tables.Stakeholder.name)) == str(orm)
    assert "LEFT OUTER JOIN stakeholder AS organisation" in str(query)
    with pytest.raises(AttributeError, match="stakeholder has no column 'nmae'"):
        _ = tables.Stakeholder.nmae


def test_reading_imports_no_orm_classes() -> None:
    # The query layer and opening a database leave the ORM's declarative classes (and their
    # mappers) to what writes: a fresh process, as the window's start imports them.
    code = (
        "import sys, carebrowser.queries, carebrowser.data.database, carebrowser.cli;"
        "print('carebrowser.data.schema' in sys.modules, 'sqlalchemy.orm.decl_api' in sys.modules"
        " and any(m.startswith('carebrowser') and hasattr(sys.modules[m], 'Base')"
        " for m in list(sys.modules)))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert found == ["False", "False"]
