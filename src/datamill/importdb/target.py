"""The SQLite side of an import: output tables from the reflected schema (IDB-4, IDB-5)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from datamill.core.database import Database
from datamill.core.ddl import ColumnDef, TableDef, render_create_table
from datamill.core.identifiers import fold_identifier_case
from datamill.core.models import ForeignKey
from datamill.importdb import typemap
from datamill.importdb.errors import ImportDbError
from datamill.importdb.reflect import SourceTable


class Target:
    """The destination database as it was before the run: its tables and views."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._tables = {fold_identifier_case(name): name for name in db.table_names()}
        self._views = {fold_identifier_case(name) for name in db.view_names()}

    def existing(self, name: str) -> str | None:
        """The existing table ``name`` refers to (SQLite names ignore case), if any."""
        return self._tables.get(fold_identifier_case(name))

    def check_not_view(self, name: str) -> None:
        """Refuse an output name that is a view in the destination."""
        if fold_identifier_case(name) in self._views:
            raise ImportDbError(f'"{name}" is a view in the destination database')

    def check_columns(self, name: str, columns: Iterable[str]) -> None:
        """Refuse to write columns that table ``name`` (as it is now) lacks (IDB-5)."""
        have = {fold_identifier_case(column.name) for column in self.db.table(name).columns}
        for column in columns:
            if fold_identifier_case(column) not in have:
                raise ImportDbError(
                    f"table {name} has no column named {column} - "
                    "use --replace-tables to recreate it"
                )


def carried_foreign_keys(
    table: SourceTable,
    written: Collection[str],
    target: Target,
    schema: str | None,
    redacted: Collection[str],
) -> list[ForeignKey]:
    """The foreign keys kept: to a table written by the run (folded names in ``written``) or
    already in the destination, in the schema being read, with no redacted column."""
    kept = []
    for fk in table.foreign_keys:
        if fk.other_schema not in (None, schema):
            continue
        if fold_identifier_case(fk.other_table) not in written and not target.existing(
            fk.other_table
        ):
            continue
        if any(column in redacted for column in fk.columns):
            continue
        if len(fk.columns) == 1:
            kept.append(ForeignKey(table.name, fk.columns[0], fk.other_table, fk.other_columns[0]))
        else:
            kept.append(
                ForeignKey(
                    table.name,
                    None,
                    fk.other_table,
                    None,
                    columns=fk.columns,
                    other_columns=fk.other_columns,
                    is_compound=True,
                )
            )
    return kept


def describe(fk: ForeignKey) -> str:
    """``table.column => other.column``; ``table.(a, b) => other.(x, y)`` for a compound key."""
    if fk.is_compound:
        return (
            f"{fk.table}.({', '.join(fk.columns)}) => "
            f"{fk.other_table}.({', '.join(fk.other_columns)})"
        )
    return f"{fk.table}.{fk.column} => {fk.other_table}.{fk.other_column}"


def create_table_sql(table: SourceTable, foreign_keys: list[ForeignKey]) -> str:
    """The CREATE TABLE text (L-DDL layout) for ``table`` with the given foreign keys.

    A single INTEGER key is the rowid alias, whose NOT NULL is implied and left out.
    """
    single_pk = table.pk[0] if len(table.pk) == 1 else None
    inline = {fk.columns[0]: fk for fk in foreign_keys if not fk.is_compound}
    columns = [
        ColumnDef(
            name=column.name,
            type=column.type,
            primary_key=column.name == single_pk,
            not_null=column.not_null
            and not (column.name == single_pk and column.type == typemap.INTEGER),
            references=inline.get(column.name),
        )
        for column in table.columns
    ]
    return render_create_table(
        TableDef(
            name=table.name,
            columns=columns,
            compound_foreign_keys=[fk for fk in foreign_keys if fk.is_compound],
            compound_pk=tuple(table.pk) if len(table.pk) > 1 else (),
        )
    )
