"""Rendering CREATE TABLE and other DDL text in datamill's exact layout (L-DDL)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from typing import Any

from datamill.core.identifiers import quote_identifier, quote_identifier_list
from datamill.core.models import DescIndex, ForeignKey
from datamill.core.sql_tokens import ends_in_line_comment
from datamill.core.table_parser import Check, Unique, UniqueColumn

INDENT = "   "
_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
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
    collation: str = ""
    """A column ``COLLATE`` name, kept by transform; rendered after the L-DDL-2 items."""
    generated: str = ""
    """A ``GENERATED ALWAYS AS (…)`` clause, kept by transform; rendered last."""


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
    without_rowid: bool = False
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
    """The text of one column item, without indentation or comments (L-DDL-2)."""
    parts = [quote_identifier(column.name)]
    if column.type:
        parts.append(column.type)
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
    if column.collation:
        parts.append(f"COLLATE {_collation(column.collation)}")
    if column.generated:
        parts.append(column.generated)
    return " ".join(parts)


def render_unique(unique: Unique) -> str:
    """A column (``UNIQUE``) or table (``UNIQUE ("a" COLLATE x DESC)``) UNIQUE constraint."""
    text = f"CONSTRAINT {quote_identifier(unique.name)} UNIQUE" if unique.name else "UNIQUE"
    if not unique.column:
        text += " (" + ", ".join(_unique_column(column) for column in unique.columns) + ")"
    if unique.conflict:
        text += f" ON CONFLICT {unique.conflict}"
    return text


def _unique_column(column: UniqueColumn) -> str:
    text = quote_identifier(column.name)
    if column.collation:
        # Collation names in table constraints are quoted (L-IMP-5).
        text += f" COLLATE {quote_identifier(column.collation)}"
    if column.order:
        text += f" {column.order}"
    return text


def _collation(name: str) -> str:
    return name if _BARE_NAME.match(name) else quote_identifier(name)


def render_check(check: Check) -> str:
    """``[CONSTRAINT "n" ]CHECK (expr)``; a trailing ``--`` comment gets its own line."""
    expression = check.check + ("\n" if ends_in_line_comment(check.check) else "")
    prefix = f"CONSTRAINT {quote_identifier(check.name)} " if check.name else ""
    return f"{prefix}CHECK ({expression})"


def render_compound_foreign_key(fk: ForeignKey) -> str:
    return (
        f"FOREIGN KEY ({quote_identifier_list(fk.columns)}) "
        f"REFERENCES {quote_identifier(fk.other_table)}({quote_identifier_list(fk.other_columns)})"
        f"{foreign_key_actions(fk)}"
    )


def render_create_table(table: TableDef) -> str:
    """The full CREATE TABLE statement in the L-DDL-1 layout.

    Comments before a column get lines of their own; a comment after a column follows its comma.
    """
    items: list[tuple[str, str]] = []
    for column in table.columns:
        text = INDENT + render_column(column)
        if column.comment_before:
            before = "\n".join(INDENT + line for line in column.comment_before.split("\n"))
            text = before + "\n" + text
        items.append((text, column.comment_after))
    items.extend(
        (INDENT + render_compound_foreign_key(fk), "") for fk in table.compound_foreign_keys
    )
    items.extend((INDENT + unique, "") for unique in table.uniques)
    items.extend((INDENT + check, "") for check in table.checks)
    if table.compound_pk:
        items.append((f"{INDENT}PRIMARY KEY ({quote_identifier_list(table.compound_pk)})", ""))
    body = ""
    for position, (text, comment) in enumerate(items):
        body += text + ("," if position < len(items) - 1 else "")
        body += (" " + comment if comment else "") + "\n"
    options = ", ".join(
        option
        for option, wanted in (("STRICT", table.strict), ("WITHOUT ROWID", table.without_rowid))
        if wanted
    )
    return "CREATE TABLE {if_not_exists}{name} (\n{body}){options};\n        ".format(
        if_not_exists="IF NOT EXISTS " if table.if_not_exists else "",
        name=quote_identifier(table.name),
        body=body,
        options=" " + options if options else "",
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
