"""Adding foreign keys to existing tables and indexing them (L-ALT-3, L-ALT-4, L-ALT-5)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from datamill.core import introspect
from datamill.core.errors import AlterError
from datamill.core.identifiers import fold_identifier_case, resolve_casing
from datamill.core.models import FK_ACTIONS, ForeignKey, foreign_key
from datamill.core.table_sql import guess_foreign_column, guess_foreign_table
from datamill.core.transform import foreign_key_safe_atomic

if TYPE_CHECKING:
    from datamill.core.database import Database
    from datamill.core.table import Table


def add_foreign_key(
    table: Table,
    column: str | tuple[str, ...],
    other_table: str | None = None,
    other_column: str | tuple[str, ...] | None = None,
    ignore: bool = False,
    on_delete: str = "NO ACTION",
    on_update: str = "NO ACTION",
) -> None:
    """Validate one foreign key on ``table`` and apply it via ``add_foreign_keys`` (L-ALT-3)."""
    columns = (column,) if isinstance(column, str) else tuple(column)
    if not columns:
        raise ValueError("column must contain at least one column name")
    on_delete, on_update = _action(on_delete), _action(on_update)
    names = [c.name for c in table.columns]
    folded = {fold_identifier_case(name) for name in names}
    for name in columns:
        if fold_identifier_case(name) not in folded:
            raise AlterError(f"No such column: {name}")
    columns = tuple(resolve_casing(name, names) for name in columns)
    compound = len(columns) > 1
    if other_table is None:
        if compound:
            raise ValueError("other_table must be specified for a compound foreign key")
        other_table = guess_foreign_table(table.db, columns[0])
    other_table = resolve_casing(other_table, table.db.table_names())
    other_names = [c.name for c in introspect.table_columns(table.db, other_table)]
    if other_column is None:
        if compound:
            other_columns = tuple(
                introspect.primary_keys(introspect.table_columns(table.db, other_table))
            )
        else:
            other_columns = (guess_foreign_column(table.db, other_table),)
    else:
        other_columns = (other_column,) if isinstance(other_column, str) else tuple(other_column)
        folded_other = {fold_identifier_case(name) for name in other_names}
        for name in other_columns:
            if name != "rowid" and fold_identifier_case(name) not in folded_other:
                raise AlterError(f"No such column: {other_table}.{name}")
        other_columns = tuple(resolve_casing(name, other_names) for name in other_columns)
    _check_sides(columns, other_columns)
    fk = foreign_key(table.name, columns, other_table, other_columns, on_delete, on_update)
    for existing in table.foreign_keys:
        if _same_target(existing, fk) and _same_actions(existing, fk):
            if ignore:
                return
            raise AlterError(
                f"Foreign key already exists for {', '.join(columns)} => "
                f"{other_table}.{', '.join(other_columns)}"
            )
    add_foreign_keys(table.db, [fk])


def add_foreign_keys(db: Database, foreign_keys: Iterable[Any]) -> None:
    """Add several foreign keys, one ``transform()`` per table, then VACUUM (L-ALT-4)."""
    by_table: dict[str, list[ForeignKey]] = {}
    table_names = db.table_names()
    for item in foreign_keys:
        fk = _normalise(item)
        _validate(db, table_names, fk)
        by_table.setdefault(fk.table, []).append(fk)
    changes: dict[str, list[ForeignKey]] = {}
    for table_name, fks in by_table.items():
        existing = introspect.foreign_keys(db, table_name)
        for fk in fks:
            match = next((e for e in existing if _same_target(e, fk)), None)
            if match is not None:
                if _same_actions(match, fk):
                    continue
                raise AlterError(
                    f"Foreign key already exists for {', '.join(fk.columns)} => "
                    f"{fk.other_table}.{', '.join(fk.other_columns)} but with different "
                    "ON DELETE/ON UPDATE actions - use table.transform() to change them"
                )
            pending = changes.setdefault(table_name, [])
            if not any(_same_target(p, fk) for p in pending):
                pending.append(fk)
    with foreign_key_safe_atomic(db):
        for table_name, fks in changes.items():
            db.table(table_name).transform(add_foreign_keys=fks)
    if changes and not db.conn.in_transaction:
        db.vacuum()


def index_foreign_keys(db: Database) -> None:
    """Create an index for every foreign key whose columns are not already indexed (L-ALT-5)."""
    for table_name in db.table_names():
        table = db.table(table_name)
        indexed = [list(index.columns) for index in table.indexes]
        for fk in table.foreign_keys:
            if list(fk.columns) in indexed:
                continue
            table.create_index(fk.columns, find_unique_name=True)
            indexed.append(list(fk.columns))


def _normalise(item: Any) -> ForeignKey:
    if isinstance(item, ForeignKey):
        _check_sides(item.columns, item.other_columns)
        return item
    if isinstance(item, (tuple, list)) and len(item) == 4:
        table, column, other_table, other_column = item
        columns = (column,) if isinstance(column, str) else tuple(column)
        other_columns = (other_column,) if isinstance(other_column, str) else tuple(other_column)
        _check_sides(columns, other_columns)
        return foreign_key(table, columns, other_table, other_columns)
    raise ValueError(
        "foreign_keys must be a list of 4-tuples, (table, column, other_table, other_column)"
    )


def _check_sides(columns: tuple[str, ...], other_columns: tuple[str, ...]) -> None:
    """A foreign key needs as many referenced columns as referencing ones (L-ALT-3, L-ALT-4)."""
    if len(columns) != len(other_columns):
        raise ValueError("Compound foreign key must have the same number of columns on both sides")


def _validate(db: Database, table_names: list[str], fk: ForeignKey) -> None:
    if fk.table not in table_names:
        raise AlterError(f"No such table: {fk.table}")
    local = {fold_identifier_case(c.name) for c in introspect.table_columns(db, fk.table)}
    for column in fk.columns:
        if fold_identifier_case(column) not in local:
            raise AlterError(f"No such column: {column} in {fk.table}")
    if fk.other_table not in table_names:
        raise AlterError(f"No such other_table: {fk.other_table}")
    other = {fold_identifier_case(c.name) for c in introspect.table_columns(db, fk.other_table)}
    for column in fk.other_columns:
        if column != "rowid" and fold_identifier_case(column) not in other:
            raise AlterError(f"No such other_column: {column} in {fk.other_table}")


def _action(action: str) -> str:
    normalised = " ".join(action.upper().split())
    if normalised not in FK_ACTIONS:
        raise ValueError(
            f"Invalid foreign key action {action!r}: use one of {', '.join(FK_ACTIONS)}"
        )
    return normalised


def _fold_all(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(fold_identifier_case(name) for name in names)


def _same_target(a: ForeignKey, b: ForeignKey) -> bool:
    return (
        _fold_all(a.columns) == _fold_all(b.columns)
        and fold_identifier_case(a.other_table) == fold_identifier_case(b.other_table)
        and _fold_all(a.other_columns) == _fold_all(b.other_columns)
    )


def _same_actions(a: ForeignKey, b: ForeignKey) -> bool:
    return (a.on_delete.upper(), a.on_update.upper()) == (b.on_delete.upper(), b.on_update.upper())
