"""Adding a part loaded into a scratch database to the run's table (``csvs.parallel``): its
lookup ids become the run's, its rows follow the rows written so far."""

from __future__ import annotations

from collections.abc import Sequence

from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier as q
from datamill.csvs.lookups import Lookup


def merge_part(
    db: Database,
    schema: str,
    part_table: str,
    table: str,
    columns: Sequence[str],
    lookups: Sequence[tuple[int, Lookup, str]],
    alike: bool,
) -> None:
    """Copy ``columns`` of ``schema``.``part_table`` into the main database's ``table``, in
    the part's row order. ``lookups`` gives the position of each lookup column, its lookup
    and the part's own lookup table, whose ids the column holds. ``alike``: both tables
    have the same columns in the same order, so SQLite may copy the stored records as they
    are, when their declared types match too (its transfer optimization)."""
    maps: dict[str, str | None] = {}
    for _, lookup, part_lookup in lookups:
        if part_lookup not in maps:
            maps[part_lookup] = _remap(db, schema, part_lookup, lookup, len(maps))
    if alike and not any(maps.values()):
        db.execute(f"insert into main.{q(table)} select * from {q(schema)}.{q(part_table)}")
        return
    mapped_at = {position: maps[part_lookup] for position, _, part_lookup in lookups}
    select, joins = [], []
    for position, column in enumerate(columns):
        mapped = mapped_at.get(position)
        if mapped is None:
            select.append(f"p.{q(column)}")
            continue
        alias = f"m{position}"
        joins.append(f"left join temp.{q(mapped)} as {alias} on {alias}.part_id = p.{q(column)}")
        select.append(f"{alias}.id")
    db.execute(
        f"insert into main.{q(table)} ({', '.join(map(q, columns))}) "
        f"select {', '.join(select)} from {q(schema)}.{q(part_table)} as p {' '.join(joins)} "
        "order by p.rowid"
    )
    for mapped in maps.values():
        if mapped is not None:
            db.execute(f"drop table temp.{q(mapped)}")


def _remap(db: Database, schema: str, part_lookup: str, lookup: Lookup, number: int) -> str | None:
    """Give the part's lookup values the run's ids, adding the new ones in the part's order
    (first appearance); the name of a temporary table from part id to id, or None when the
    ids are the same."""
    rows = db.execute(
        f"select id, {q(lookup.value_column)} from {q(schema)}.{q(part_lookup)} order by id"
    ).fetchall()
    ids = lookup.ids_for([value for _, value in rows])
    if all(part_id == id_ for (part_id, _), id_ in zip(rows, ids)):
        return None
    name = f"datamill_part_ids_{number}"
    db.execute(f"create temp table {q(name)} (part_id integer primary key, id integer)")
    db.conn.executemany(
        f"insert into temp.{q(name)} values (?, ?)",
        [(part_id, id_) for (part_id, _), id_ in zip(rows, ids)],
    )
    return name
