"""Rendering CREATE TABLE and other DDL text in datamill's exact layout (L-DDL)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from datamill.core.identifiers import quote_identifier, quote_identifier_list
from datamill.core.models import DescIndex, ForeignKey

INDENT = "   "
_VERBATIM_DEFAULTS = {"CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP"}
_KEYWORD_DEFAULTS = {"TRUE", "FALSE", "NULL"}


@dataclasses.dataclass
class ColumnDef:
    """One column of a CREATE TABLE statement; optional parts are rendered in L-DDL-2 order."""

    name: str
    type: str
    primary_key: bool = False
    autoincrement: bool = False
    not_null: bool = False
    default: str | None = None
    """The DEFAULT literal, already rendered (see ``quote_default_value``)."""
    references: ForeignKey | None = None
    unique: str | None = None
    """``"UNIQUE"`` or ``'CONSTRAINT "n" UNIQUE'`` (with any collation/conflict clause)."""
    checks: Sequence[str] = ()
    """Rendered ``[CONSTRAINT "n" ]CHECK (expr)`` fragments."""
    comment_before: str = ""
    comment_after: str = ""


@dataclasses.dataclass
class TableDef:
    """A whole CREATE TABLE statement: columns plus table-level items (L-DDL-4)."""

    name: str
    columns: list[ColumnDef]
    compound_foreign_keys: list[ForeignKey] = dataclasses.field(default_factory=list)
    uniques: list[str] = dataclasses.field(default_factory=list)
    checks: list[str] = dataclasses.field(default_factory=list)
    compound_pk: Sequence[str] = ()
    strict: bool = False
    if_not_exists: bool = False


def quote_default_value(value: Any, quote: Callable[[Any], str]) -> str:
    """Render a DEFAULT literal (L-DDL-3); ``quote`` is SQLite's ``quote()`` function."""
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            return value
        if value.upper() in _VERBATIM_DEFAULTS or value.upper() in _KEYWORD_DEFAULTS:
            return value
    if str(value).endswith(")"):
        return f"({value})"
    if isinstance(value, bool):
        value = int(value)
    return quote(value)


def foreign_key_actions(fk: ForeignKey) -> str:
    """`` ON UPDATE x`` then `` ON DELETE y``, leaving out ``NO ACTION``."""
    parts = ""
    if fk.on_update and fk.on_update.upper() != "NO ACTION":
        parts += f" ON UPDATE {fk.on_update.upper()}"
    if fk.on_delete and fk.on_delete.upper() != "NO ACTION":
        parts += f" ON DELETE {fk.on_delete.upper()}"
    return parts


def render_column(column: ColumnDef) -> str:
    """The text of one column item, without indentation (L-DDL-2)."""
    parts = [f"{quote_identifier(column.name)} {column.type}"]
    if column.primary_key:
        parts.append("PRIMARY KEY")
    if column.autoincrement:
        parts.append("AUTOINCREMENT")
    if column.not_null:
        parts.append("NOT NULL")
    if column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    if column.references is not None:
        fk = column.references
        parts.append(
            f"REFERENCES {quote_identifier(fk.other_table)}"
            f"({quote_identifier(fk.other_columns[0])}){foreign_key_actions(fk)}"
        )
    if column.unique:
        parts.append(column.unique)
    parts.extend(column.checks)
    text = " ".join(parts)
    if column.comment_after:
        text = f"{text} {column.comment_after}"
    return text


def render_compound_foreign_key(fk: ForeignKey) -> str:
    return (
        f"FOREIGN KEY ({quote_identifier_list(fk.columns)}) "
        f"REFERENCES {quote_identifier(fk.other_table)}({quote_identifier_list(fk.other_columns)})"
        f"{foreign_key_actions(fk)}"
    )


def render_create_table(table: TableDef) -> str:
    """The full CREATE TABLE statement in the L-DDL-1 layout."""
    items = []
    for column in table.columns:
        text = INDENT + render_column(column)
        if column.comment_before:
            text = INDENT + column.comment_before + "\n" + text
        items.append(text)
    items.extend(INDENT + render_compound_foreign_key(fk) for fk in table.compound_foreign_keys)
    items.extend(INDENT + unique for unique in table.uniques)
    items.extend(INDENT + check for check in table.checks)
    if table.compound_pk:
        items.append(f"{INDENT}PRIMARY KEY ({quote_identifier_list(table.compound_pk)})")
    return "CREATE TABLE {if_not_exists}{name} (\n{items}\n){strict};\n        ".format(
        if_not_exists="IF NOT EXISTS " if table.if_not_exists else "",
        name=quote_identifier(table.name),
        items=",\n".join(items),
        strict=" STRICT" if table.strict else "",
    )


def create_index_sql(
    name: str, table: str, columns: Sequence[str], unique: bool, if_not_exists: bool
) -> str:
    """``CREATE [UNIQUE ]INDEX [IF NOT EXISTS ]"n"\\n    ON "t" ("a", "b" desc);`` (L-DDL-7)."""
    rendered = ", ".join(
        quote_identifier(c) + (" desc" if isinstance(c, DescIndex) else "") for c in columns
    )
    return "CREATE {unique}INDEX {ine}{name}\n    ON {table} ({columns});".format(
        unique="UNIQUE " if unique else "",
        ine="IF NOT EXISTS " if if_not_exists else "",
        name=quote_identifier(name),
        table=quote_identifier(table),
        columns=rendered,
    )
