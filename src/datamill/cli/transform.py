"""Commands that rebuild tables: transform, extract and foreign keys (C-TRANSFORM .. C-INDEX-FOREIGN-KEYS)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from datamill.cli.errors import reported_errors
from datamill.cli.main import cli
from datamill.cli.options import database_path, load_extension_option, open_database
from datamill.cli.schema import TABLE_COLUMN_TYPES, pk_argument
from datamill.db import DEFAULT


def transform_arguments(
    type: Sequence[tuple[str, str]] = (),
    drop: Sequence[str] = (),
    rename: Sequence[tuple[str, str]] = (),
    column_order: Sequence[str] = (),
    not_null: Sequence[str] = (),
    not_null_false: Sequence[str] = (),
    pk: Sequence[str] = (),
    pk_none: bool = False,
    default: Sequence[tuple[str, str]] = (),
    default_none: Sequence[str] = (),
    add_foreign_key: Sequence[tuple[str, str, str]] = (),
    drop_foreign_key: Sequence[str] = (),
    strict: bool | None = None,
) -> dict[str, Any]:
    """Map ``transform`` options onto ``Table.transform()`` keyword arguments (L-XFM-2)."""
    not_null_flags = {column: True for column in not_null}
    not_null_flags.update({column: False for column in not_null_false})
    defaults: dict[str, Any] = dict(default)
    defaults.update({column: None for column in default_none})
    return {
        "types": {column: kind.upper() for column, kind in type} or None,
        "rename": dict(rename) or None,
        "drop": set(drop) or None,
        "pk": None if pk_none else (pk_argument(pk) if pk else DEFAULT),
        "not_null": not_null_flags or None,
        "defaults": defaults or None,
        "drop_foreign_keys": list(drop_foreign_key) or None,
        "add_foreign_keys": list(add_foreign_key) or None,
        "column_order": list(column_order) or None,
        "strict": strict,
    }


@cli.command()
@click.argument("path", type=database_path())
@click.argument("table")
@click.option(
    "--type",
    multiple=True,
    type=(str, click.Choice([t.lower() for t in TABLE_COLUMN_TYPES], case_sensitive=False)),
    help="Give a column a new type: integer, text, float, real, blob or any",
)
@click.option("--drop", multiple=True, help="Drop this column")
@click.option("--rename", multiple=True, type=(str, str), help="Rename column OLD to NEW")
@click.option("-o", "--column-order", multiple=True, help="Reorder columns")
@click.option("--not-null", multiple=True, help="Make this column NOT NULL")
@click.option("--not-null-false", multiple=True, help="Allow NULL in this column again")
@click.option("--pk", multiple=True, help="Use this column as (part of) the primary key")
@click.option("--pk-none", is_flag=True, help="Drop the primary key, leaving a rowid table")
@click.option("--default", multiple=True, type=(str, str), help="Give column COL the default VALUE")
@click.option("--default-none", multiple=True, help="Take away this column's default")
@click.option(
    "--add-foreign-key",
    multiple=True,
    type=(str, str, str),
    help="Make COLUMN reference OTHER_TABLE.OTHER_COLUMN",
)
@click.option("--drop-foreign-key", multiple=True, help="Remove this column's foreign key")
@click.option("--strict/--no-strict", default=None, help="Convert to or from a STRICT table")
@click.option("--sql", is_flag=True, help="Print the SQL it would run instead of running it")
@load_extension_option
def transform(
    path: str, table: str, sql: bool, load_extension: Sequence[str], **options: Any
) -> None:
    """Rebuild a table with changed columns, types, keys or constraints

    Does what ALTER TABLE cannot, by copying into a new table in one transaction.

    \b
        datamill transform shop.db items --drop legacy_code --rename qty quantity
    """
    arguments = transform_arguments(**options)
    db = open_database(path, load_extension)
    with reported_errors():
        target = db.table(table)
        if sql:
            for statement in target.transform_sql(**arguments):
                click.echo(statement)
        else:
            target.transform(**arguments)


@cli.command()
@click.argument("path", type=database_path())
@click.argument("table")
@click.argument("columns", nargs=-1, required=True)
@click.option(
    "--table", "other_table", help="Lookup table to create or reuse (default: the column name)"
)
@click.option("--fk-column", help="Name of the new foreign key column (default TABLE_id)")
@click.option(
    "--rename", multiple=True, type=(str, str), help="Call column OLD by NEW in the lookup table"
)
@click.option("--silent", is_flag=True, help="Accepted for compatibility; has no effect (D-9)")
@load_extension_option
def extract(
    path: str,
    table: str,
    columns: Sequence[str],
    other_table: str | None,
    fk_column: str | None,
    rename: Sequence[tuple[str, str]],
    silent: bool,
    load_extension: Sequence[str],
) -> None:
    """Move columns into a lookup table, replacing them with a foreign key

    \b
        datamill extract shop.db items category
    """
    db = open_database(path, load_extension)
    with reported_errors():
        db.table(table).extract(
            list(columns), table=other_table, fk_column=fk_column, rename=dict(rename)
        )


@cli.command(name="add-foreign-key")
@click.argument("path", type=database_path(exists=True))
@click.argument("table")
@click.argument("column")
@click.argument("other_table", required=False)
@click.argument("other_column", required=False)
@click.option("--ignore", is_flag=True, help="No error if that foreign key is already there")
@load_extension_option
def add_foreign_key(
    path: str,
    table: str,
    column: str,
    other_table: str | None,
    other_column: str | None,
    ignore: bool,
    load_extension: Sequence[str],
) -> None:
    """Make COLUMN of TABLE reference another table's column

    Without OTHER_TABLE and OTHER_COLUMN datamill tries to guess them.

    \b
        datamill add-foreign-key shop.db items maker_id makers id
    """
    db = open_database(path, load_extension)
    with reported_errors():
        db.table(table).add_foreign_key(column, other_table, other_column, ignore=ignore)


@cli.command(name="add-foreign-keys")
@click.argument("path", type=database_path(exists=True))
@click.argument("foreign_key", nargs=-1)
@load_extension_option
def add_foreign_keys(path: str, foreign_key: Sequence[str], load_extension: Sequence[str]) -> None:
    """Add several foreign keys at once, each given as TABLE COLUMN OTHER_TABLE OTHER_COLUMN

    \b
        datamill add-foreign-keys shop.db \\
            items maker_id makers id \\
            makers country_id countries id
    """
    if len(foreign_key) % 4:
        raise click.ClickException(
            "Each foreign key requires four values: table, column, other_table, other_column"
        )
    keys = [tuple(foreign_key[i : i + 4]) for i in range(0, len(foreign_key), 4)]
    db = open_database(path, load_extension)
    with reported_errors():
        db.add_foreign_keys(keys)


@cli.command(name="index-foreign-keys")
@click.argument("path", type=database_path(exists=True))
@load_extension_option
def index_foreign_keys(path: str, load_extension: Sequence[str]) -> None:
    """Create an index on each foreign key column that has none

    \b
        datamill index-foreign-keys shop.db
    """
    db = open_database(path, load_extension)
    with reported_errors():
        db.index_foreign_keys()
