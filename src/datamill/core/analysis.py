"""Column statistics for ``Table.analyze_column`` (L-ANLZ).

One ``GROUP BY`` pass over the table is materialised into a temporary table of
``(value, count)`` pairs; the null, blank and distinct counts and both common-value lists
are then read from that much smaller table instead of rescanning the original.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datamill.core.identifiers import quote_identifier, resolve_casing
from datamill.core.models import ColumnDetails

if TYPE_CHECKING:
    from datamill.core.database import Database
    from datamill.core.table import Table

GROUPS = 'temp."_datamill_analyze_groups"'


def analyze_column(
    table: Table,
    column: str,
    common_limit: int = 10,
    value_truncate: int | None = None,
    total_rows: int | None = None,
    most_common: bool = True,
    least_common: bool = True,
) -> ColumnDetails:
    """Counts of rows, nulls, blanks and distinct values, plus the most/least common values."""
    column = resolve_casing(column, [c.name for c in table.columns])
    db = table.db
    name = quote_identifier(table.name)
    col = quote_identifier(column)
    if total_rows is None:
        total_rows = table.count
    if _is_rowid_alias(table, column):
        # Rowid values are unique and never NULL: nothing to count and no lists.
        return ColumnDetails(table.name, column, total_rows, 0, 0, total_rows, None, None)
    db.execute(f"DROP TABLE IF EXISTS {GROUPS}")
    db.execute(f"CREATE TABLE {GROUPS} AS SELECT {col} AS v, count(*) AS n FROM {name} GROUP BY 1")
    try:
        num_null, num_blank, num_distinct = db.execute(
            "SELECT coalesce(sum(CASE WHEN v IS NULL THEN n END), 0), "
            f"coalesce(sum(CASE WHEN v = '' THEN n END), 0), count(v) FROM {GROUPS}"
        ).fetchone()
        most: list[tuple[Any, int]] | None = None
        least: list[tuple[Any, int]] | None = None
        if num_distinct == 1:
            # The first stored row, even when it is NULL, as the baseline tool reports it.
            value = db.execute(f"select {col} from {name} limit 1").fetchone()
            most = [(_truncate(value[0], value_truncate), total_rows)]
        elif num_distinct != total_rows:
            if most_common:
                most = (
                    [(None, total_rows)]
                    if num_null == total_rows
                    else _common(db, "desc", common_limit, value_truncate)
                )
            if least_common and num_distinct > common_limit:
                least = _common(db, "asc", common_limit, value_truncate)
    finally:
        db.execute(f"DROP TABLE IF EXISTS {GROUPS}")
    return ColumnDetails(
        table.name, column, total_rows, num_null, num_blank, num_distinct, most, least
    )


def _common(
    db: Database, count_order: str, limit: int, value_truncate: int | None
) -> list[tuple[Any, int]]:
    # L-ANLZ-1: ties on count keep the lower values for most_common and the higher values
    # for least_common; each list is then shown sorted by (count, value), most_common
    # descending and least_common ascending.
    value_order, shown = ("ASC", "DESC") if count_order == "desc" else ("DESC", "ASC")
    rows = db.execute(
        f"SELECT v, n FROM (SELECT v, n FROM {GROUPS} ORDER BY n {count_order}, v {value_order} "
        f"LIMIT {int(limit)}) ORDER BY n {shown}, v {shown}"
    ).fetchall()
    return [(_truncate(value, value_truncate), count) for value, count in rows]


def _is_rowid_alias(table: Table, column: str) -> bool:
    """Whether ``column`` is an INTEGER PRIMARY KEY, i.e. another name for the rowid."""
    pks = [c for c in table.columns if c.is_pk]
    return (
        len(pks) == 1
        and pks[0].name == column
        and pks[0].type.upper() == "INTEGER"
        and "WITHOUT ROWID" not in (table.schema or "").upper()
    )


def _truncate(value: Any, length: int | None) -> Any:
    if length and isinstance(value, str) and len(value) > length:
        return value[:length] + "..."
    return value
