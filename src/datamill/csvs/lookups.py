"""Lookup tables for ``-c`` columns: value text to id (CS-7, CS-PERF).

The ids live in an in-memory map of at most ``CACHE_LIMIT`` values; past that, values not in
the map are looked up through the lookup table's unique index, so memory stays bounded.
"""

from __future__ import annotations

from datamill.core.database import Database
from datamill.core.identifiers import quote_identifier as q

CACHE_LIMIT = 1_000_000


class Lookup:
    """One lookup table: creates it when missing and hands out ids in first-appearance order."""

    def __init__(
        self, db: Database, table: str, value_column: str, cache_limit: int = CACHE_LIMIT
    ) -> None:
        self.db, self.table, self.value_column = db, table, value_column
        lookup = db.table(table)
        if not lookup.exists():
            db.create_table(table, {"id": int, value_column: str}, pk="id")
            lookup.create_index([value_column], unique=True)
        self.cache_limit = cache_limit
        self.ids: dict[str | None, int] = {  # keyed by str: None is never found
            value: id_
            for id_, value in db.execute(
                f"select id, {q(value_column)} from {q(table)} "
                f"where {q(value_column)} is not null limit {cache_limit}"
            )
        }
        self._select = f"select id from {q(table)} where {q(value_column)} = ?"
        self.next_id = (db.execute(f"select max(id) from {q(table)}").fetchone()[0] or 0) + 1
        self._insert = f"insert into {q(table)} (id, {q(value_column)}) values (?, ?)"

    def ids_for(self, values: list[str | None]) -> list[int | None]:
        """The id of each value (empty and None give None), adding the values not seen yet."""
        result: list[int | None] = list(map(self.ids.get, values))
        if None not in result:
            return result
        new: list[tuple[int, str]] = []
        for index, found in enumerate(result):
            value = values[index]
            if found is None and value:
                found = self.ids.get(value)
                result[index] = found if found is not None else self._stored(value, new)
        if new:
            self.db.conn.executemany(self._insert, new)
        return result

    def _stored(self, value: str, new: list[tuple[int, str]]) -> int:
        """The id of a value missing from the map: from the table once the map is full."""
        full = len(self.ids) >= self.cache_limit
        if full:
            if new:
                self.db.conn.executemany(self._insert, new)
                new.clear()
            row = self.db.conn.execute(self._select, [value]).fetchone()
            if row is not None:
                return row[0]
        id_ = self.next_id
        self.next_id += 1
        new.append((id_, value))
        if not full:
            self.ids[value] = id_
        return id_
