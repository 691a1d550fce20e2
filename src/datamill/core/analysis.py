"""Column statistics for ``Table.analyze_column`` (L-ANLZ)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datamill.core.identifiers import quote_identifier, resolve_casing
from datamill.core.models import ColumnDetails

if TYPE_CHECKING:
    from datamill.core.table import Table


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
    num_null, num_blank, num_distinct = db.execute(
        f"select sum({col} is null), sum({col} = ''), count(distinct {col}) from {name}"
    ).fetchone()
    num_null, num_blank = num_null or 0, num_blank or 0

    def common(count_order: str) -> list[tuple[Any, int]]:
        # Ties on count go to the larger value either way; least_common is then shown
        # ascending, so both lists read as (count, value) sorted (L-ANLZ-1).
        rows = db.execute(
            f"select {col}, count(*) from {name} group by {col} "
            f"order by count(*) {count_order}, {col} desc limit {int(common_limit)}"
        ).fetchall()
        if count_order == "asc":
            rows.reverse()
            rows.sort(key=lambda row: row[1])
        return [(_truncate(value, value_truncate), count) for value, count in rows]

    most: list[tuple[Any, int]] | None = None
    least: list[tuple[Any, int]] | None = None
    if num_distinct == 1:
        value = db.execute(f"select {col} from {name} where {col} is not null limit 1").fetchone()
        most = [(_truncate(value[0], value_truncate), total_rows)]
    elif num_distinct != total_rows:
        if most_common:
            most = [(None, total_rows)] if num_null == total_rows else common("desc")
        if least_common and num_distinct > common_limit:
            least = common("asc")
    return ColumnDetails(
        table.name, column, total_rows, num_null, num_blank, num_distinct, most, least
    )


def _truncate(value: Any, length: int | None) -> Any:
    if length and isinstance(value, str) and len(value) > length:
        return value[:length] + "..."
    return value
