"""Keeping full-text search working when ``transform()`` renames or drops columns (S-IDX-6).

A transform copies rows with their rowids and recreates the table's triggers, so an FTS
index stays valid unless an indexed column is renamed or dropped. Then the FTS table and its
triggers must be rebuilt over the new column names, or removed when no column is left.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from datamill.core.errors import TransformError
from datamill.core.identifiers import fold_identifier_case, quote_identifier
from datamill.search.fts_info import fts_info
from datamill.search.fts_sql import create_fts_sql, rebuild_sql, trigger_sql
from datamill.search.table_fts import writes_to

if TYPE_CHECKING:
    from datamill.core.table import Table

__all__ = ["FtsTransform", "fts_transform"]


@dataclass
class FtsTransform:
    """What a transform must do differently for the table's FTS set-up."""

    skip_triggers: set[str] = field(default_factory=set)  # old FTS triggers not to recreate
    after: list[str] = field(default_factory=list)  # run once the new table is in place


def _tokenize_literal(tokenize: str | None) -> str | None:
    return None if tokenize is None else "'" + tokenize.replace("'", "''") + "'"


def fts_transform(
    table: Table, rename: Mapping[str, str] | None, drop: Iterable[str] | None
) -> FtsTransform | None:
    """Plan the FTS changes for a transform of ``table``; None when none are needed.

    Raises ``TransformError`` when an FTS table that datamill did not create (not in
    the ``enable_fts`` layout) indexes a renamed or dropped column.
    """
    fts = table.detect_fts()
    info = fts_info(table.db, fts) if fts else None
    if info is None:
        return None
    renames = {fold_identifier_case(k): v for k, v in (rename or {}).items()}
    drops = {fold_identifier_case(c) for c in (drop or ())}
    affected = [
        c
        for c in info.columns
        if fold_identifier_case(c) in renames or fold_identifier_case(c) in drops
    ]
    if not affected:
        return None
    ours = info.name == f"{table.name}_fts" and info.sql == create_fts_sql(
        table.name, info.columns, info.version, _tokenize_literal(info.tokenize)
    )
    if not ours:
        raise TransformError(
            f"Full-text search table '{info.name}' indexes column '{affected[0]}' and was not "
            "created by datamill; run disable_fts() before this transformation and enable_fts() "
            "after it. No changes have been applied to this table."
        )
    triggers = {
        name
        for name, sql in table.db.execute(
            "select name, sql from sqlite_master where type = 'trigger'"
        ).fetchall()
        if writes_to(sql, info.name)
    }
    columns = [
        renames.get(fold_identifier_case(c), c)
        for c in info.columns
        if fold_identifier_case(c) not in drops
    ]
    plan = FtsTransform(skip_triggers=triggers)
    plan.after.append(f"DROP TABLE {quote_identifier(info.name)};")
    if columns:
        tokenize = _tokenize_literal(info.tokenize)
        plan.after.append(create_fts_sql(table.name, columns, info.version, tokenize) + ";")
        plan.after.append(rebuild_sql(info.name))
        if triggers:
            plan.after.extend(
                sql + ";" for sql in trigger_sql(table.name, columns, info.version).values()
            )
    return plan
