"""Turning create/insert arguments into CREATE TABLE text (L-CRT, L-DDL) and resolving FKs."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from datamill.core import introspect
from datamill.core.ddl import ColumnDef, TableDef, render_create_table
from datamill.core.errors import AlterError, BadPrimaryKey, NoObviousTable
from datamill.core.identifiers import fold_identifier_case, resolve_casing
from datamill.core.models import ForeignKey
from datamill.core.types import sql_type

if TYPE_CHECKING:
    from datamill.core.database import Database


def create_table_sql(
    db: Database,
    name: str,
    columns: dict[str, Any],
    pk: Any = None,
    foreign_keys: Any = None,
    column_order: Any = None,
    not_null: Any = None,
    defaults: Any = None,
    hash_id: str | None = None,
    hash_id_columns: Any = None,
    extracts: Any = None,
    if_not_exists: bool = False,
    strict: bool = False,
) -> str:
    """The CREATE TABLE statement for these arguments; may create extract lookup tables."""
    if hash_id_columns and hash_id is None:
        hash_id = "id"
    if hash_id and pk:
        raise ValueError("Use either pk= or hash_id=")
    column_types = dict(columns)
    names = list(column_types)
    if isinstance(pk, (list, tuple)) and len(pk) == 1:
        pk = pk[0]
    if column_order:
        ordered = list(dict.fromkeys(resolve_casing(column, names) for column in column_order))
        names = [c for c in ordered if c in column_types] + [c for c in names if c not in ordered]
    if hash_id:
        pk = hash_id
        names = [hash_id] + [c for c in names if c != hash_id]
        column_types[hash_id] = str
    if isinstance(pk, str):
        pk = resolve_casing(pk, names)
        if pk not in column_types:
            names.insert(0, pk)
            column_types[pk] = int
    elif pk:
        pk = tuple(resolve_casing(column, names) for column in pk)
    if not names:
        raise ValueError("Tables must have at least one column")
    not_null_set = {resolve_casing(c, names) for c in (not_null or ())}
    if not not_null_set.issubset(names):
        raise ValueError(
            f"not_null set {set(not_null)!r} includes items not in columns {set(names)!r}"
        )
    default_values = {resolve_casing(c, names): v for c, v in (defaults or {}).items()}
    if not set(default_values).issubset(names):
        raise ValueError(
            f"defaults set {set(defaults)!r} includes items not in columns {set(names)!r}"
        )
    fks = resolve_foreign_keys(db, name, names, foreign_keys or [])
    for column, lookup_table in extract_tables(extracts).items():
        column = resolve_casing(column, names)
        if lookup_table not in db.table_names():
            db.table(lookup_table).create({"id": int, "value": str}, pk="id")
        column_types[column] = int
        fks.append(ForeignKey(name, column, lookup_table, "id"))
    inline = {fold_identifier_case(fk.columns[0]): fk for fk in fks if not fk.is_compound}
    strict = bool(strict) and db.supports_strict
    column_defs = [
        ColumnDef(
            name=column,
            type=sql_type(column_types[column], strict=strict),
            primary_key=isinstance(pk, str) and column == pk,
            not_null=column in not_null_set,
            default=(
                db.quote_default_value(default_values[column])
                if default_values.get(column) is not None
                else None
            ),
            references=inline.get(fold_identifier_case(column)),
        )
        for column in names
    ]
    return render_create_table(
        TableDef(
            name=name,
            columns=column_defs,
            compound_foreign_keys=[fk for fk in fks if fk.is_compound],
            compound_pk=pk if isinstance(pk, tuple) else (),
            strict=strict,
            if_not_exists=if_not_exists,
        )
    )


def extract_tables(extracts: Any) -> dict[str, str]:
    """``extracts=`` as ``{column: lookup table}``; a list means each column names its table."""
    if not extracts:
        return {}
    if isinstance(extracts, dict):
        return dict(extracts)
    return {column: column for column in extracts}


def resolve_foreign_keys(
    db: Database, table: str, column_names: Sequence[str], foreign_keys: Iterable[Any]
) -> list[ForeignKey]:
    """Normalise every accepted ``foreign_keys=`` form to ForeignKey objects (L-CRT-5)."""
    resolved = []
    for item in foreign_keys:
        if isinstance(item, ForeignKey):
            fk = item
        elif isinstance(item, str):
            other_table = guess_foreign_table(db, item)
            fk = _single(table, item, other_table, guess_foreign_column(db, other_table))
        elif isinstance(item, (tuple, list)):
            fk = _from_tuple(db, table, tuple(item))
        else:
            raise ValueError(
                "foreign_keys= should be a list of tuples, ForeignKey objects or column name "
                "strings"
            )
        _check_foreign_key(db, table, column_names, fk)
        resolved.append(_match_casing(db, table, column_names, fk))
    return resolved


def _match_casing(
    db: Database, table: str, column_names: Sequence[str], fk: ForeignKey
) -> ForeignKey:
    """The FK with its columns spelled as the schemas spell them (L-GEN-3)."""
    other_names = (
        column_names
        if fk.other_table == table
        else [c.name for c in introspect.table_columns(db, fk.other_table)]
    )
    columns = tuple(resolve_casing(c, column_names) for c in fk.columns)
    other_columns = tuple(resolve_casing(c, other_names) for c in fk.other_columns)
    return dataclasses.replace(
        fk,
        column=None if fk.is_compound else columns[0],
        other_column=None if fk.is_compound else other_columns[0],
        columns=columns,
        other_columns=other_columns,
    )


def _single(table: str, column: str, other_table: str, other_column: str) -> ForeignKey:
    return ForeignKey(table, column, other_table, other_column)


def _from_tuple(db: Database, table: str, item: tuple[Any, ...]) -> ForeignKey:
    if len(item) == 4:
        if item[0] != table:
            raise ValueError(f"First item in {item} should have been {table}")
        item = item[1:]
    if len(item) not in (2, 3):
        raise ValueError("foreign_keys= should be a list of tuple pairs or triples")
    column, other_table = item[0], item[1]
    other_column = item[2] if len(item) == 3 else None
    if isinstance(column, (tuple, list)) and len(column) == 1:
        column = column[0]
    if isinstance(column, str) and isinstance(other_column, (tuple, list)):
        if len(other_column) != 1:
            raise ValueError(
                f"Compound foreign key {item} should have the same number of columns on both sides"
            )
        other_column = other_column[0]
    if isinstance(column, (tuple, list)):
        if other_column is None:
            other_columns = introspect.table_columns(db, other_table)
            other_column = tuple(c.name for c in introspect.primary_key_columns(other_columns))
        if not isinstance(other_column, (tuple, list)):
            raise ValueError(
                f"Compound foreign key {item} should reference a tuple of other columns"
            )
        if len(other_column) != len(column):
            raise ValueError(
                f"Compound foreign key {item} should have the same number of columns on both sides"
            )
        return ForeignKey(
            table,
            None,
            other_table,
            None,
            columns=tuple(column),
            other_columns=tuple(other_column),
            is_compound=True,
        )
    if other_column is None:
        other_column = guess_foreign_column(db, other_table)
    return _single(table, column, other_table, other_column)


def _check_foreign_key(
    db: Database, table: str, column_names: Sequence[str], fk: ForeignKey
) -> None:
    folded_local = {fold_identifier_case(c) for c in column_names}
    if fk.is_compound:
        missing = [c for c in fk.columns if fold_identifier_case(c) not in folded_local]
        if missing:
            raise AlterError(f"No such column: {', '.join(missing)}")
    other_names = {
        fold_identifier_case(c.name) for c in introspect.table_columns(db, fk.other_table)
    }
    for other_column in fk.other_columns:
        if other_column == "rowid":
            continue
        if fk.other_table == table and fold_identifier_case(other_column) in folded_local:
            continue
        if fold_identifier_case(other_column) not in other_names:
            raise AlterError(f"No such column: {fk.other_table}.{other_column}")


def guess_foreign_table(db: Database, column: str) -> str:
    """Guess the table a column like ``country_id`` refers to (L-ALT-6)."""
    name = column.lower()
    candidates = [name]
    if name.endswith("_id"):
        stem = name[:-3]
        candidates.append(stem)
        if not stem.endswith("s"):
            candidates.append(stem + "s")
    elif not name.endswith("s"):
        candidates.append(name + "s")
    existing = {fold_identifier_case(t): t for t in reversed(db.table_names())}
    for candidate in candidates:
        if fold_identifier_case(candidate) in existing:
            return existing[fold_identifier_case(candidate)]
    raise NoObviousTable(
        f"No obvious foreign key table for column '{column}' - tried {candidates!r}"
    )


def guess_foreign_column(db: Database, other_table: str) -> str:
    """The single primary key of ``other_table`` (L-ALT-7)."""
    pks = [c for c in introspect.table_columns(db, other_table) if c.is_pk]
    if len(pks) != 1:
        raise BadPrimaryKey(f"Could not detect single primary key for table '{other_table}'")
    return pks[0].name
