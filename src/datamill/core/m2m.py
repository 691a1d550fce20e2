"""Linking rows through a many-to-many junction table (L-LOOK-2)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from datamill.core import introspect
from datamill.core.errors import NoObviousTable
from datamill.core.identifiers import fold_identifier_case
from datamill.core.models import DEFAULT

if TYPE_CHECKING:
    from datamill.core.database import Database
    from datamill.core.table import Table


def m2m_table_candidates(db: Database, table: str, other_table: str) -> list[str]:
    """Tables with foreign keys to both ``table`` and ``other_table``."""
    wanted = {fold_identifier_case(table), fold_identifier_case(other_table)}
    candidates = []
    for name in db.table_names():
        referenced = {
            fold_identifier_case(fk.other_table) for fk in introspect.foreign_keys(db, name)
        }
        if wanted <= referenced:
            candidates.append(name)
    return candidates


def m2m(
    table: Table,
    other_table: str | Table,
    record_or_iterable: dict[str, Any] | Iterable[dict[str, Any]] | None = None,
    pk: Any = DEFAULT,
    lookup: dict[str, Any] | None = None,
    m2m_table: str | None = None,
    alter: bool = False,
) -> None:
    """Link the row at ``table.last_pk`` to rows of ``other_table``, creating them if needed."""
    if (record_or_iterable is None) == (lookup is None):
        raise ValueError("Provide lookup= or record, not both")
    db = table.db
    other = db.table(other_table) if isinstance(other_table, str) else other_table
    if table.last_pk is None:
        raise ValueError(
            "m2m() links the last inserted, upserted or fetched row, but this table has none"
        )
    junction_name = m2m_table or _junction_name(db, table.name, other.name)
    junction = db.table(junction_name)
    with db.atomic():
        if lookup is not None:
            other_ids = [other.lookup(lookup)]
        elif record_or_iterable is not None:
            records = (
                [record_or_iterable]
                if isinstance(record_or_iterable, dict)
                else list(record_or_iterable)
            )
            other_ids = [
                other.insert(record, pk=pk, replace=True, alter=alter).last_pk for record in records
            ]
        our_column = _link_column(db, junction_name, table.name)
        their_column = _link_column(db, junction_name, other.name)
        for other_id in other_ids:
            junction.insert(
                {their_column: other_id, our_column: table.last_pk},
                pk=tuple(sorted([our_column, their_column])),
                foreign_keys=[(their_column, other.name), (our_column, table.name)],
                replace=True,
            )


def _junction_name(db: Database, table: str, other_table: str) -> str:
    candidates = m2m_table_candidates(db, table, other_table)
    if len(candidates) == 1:
        return candidates[0]
    if len(candidates) > 1:
        raise NoObviousTable(
            f"No single obvious m2m table for {table}, {other_table} - use m2m_table= parameter"
        )
    return "_".join(sorted([table, other_table]))


def _link_column(db: Database, junction: str, target: str) -> str:
    """The junction column that references ``target``, or ``{target}_id`` for a new table."""
    for fk in introspect.foreign_keys(db, junction):
        if (
            fold_identifier_case(fk.other_table) == fold_identifier_case(target)
            and len(fk.columns) == 1
        ):
            return fk.columns[0]
    return f"{target}_id"
