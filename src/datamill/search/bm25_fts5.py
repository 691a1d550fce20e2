"""``rank_bm25_fts5``: FTS5's whole-row BM25 computed on an FTS4 table (S-FN-7).

FTS5's ``bm25()`` needs three things ``matchinfo()`` does not give: the exact
average row length, and for each phrase the number of rows it matches in any
column. Both are read from the database (the FTS4 doctotal record and one
``count(*)`` per phrase) and cached per connection until the database changes.
"""

from __future__ import annotations

import math
import re
import sqlite3
import struct

from datamill.search.fts4_query import matchable_phrases
from datamill.search.matchinfo import MatchinfoError
from datamill.search.ranking import check_tunables, pcnalx_layout

__all__ = ["Fts5StyleRanker", "decode_doctotal"]

_FUNCTION = "rank_bm25_fts5"
_PHRASE_ERROR = (
    "rank_bm25_fts5(): cannot match the query's phrases to matchinfo(); "
    "use rank_bm25() for this query"
)
_USING_FTS4 = re.compile(r"\bUSING\s+FTS4\b", re.IGNORECASE)


def decode_doctotal(record: bytes, columns: int) -> tuple[int, int]:
    """Return (rows, total tokens over ``columns`` columns) from an FTS4 doctotal record."""
    numbers = []
    value = shift = 0
    for byte in record:
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            numbers.append(value)
            value = shift = 0
            if len(numbers) == 1 + columns:
                break
    numbers += [0] * (1 + columns - len(numbers))
    return numbers[0], sum(numbers[1:])


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Table:
    """What is known about one FTS4 table: its columns, N and avgdl."""

    def __init__(self, conn: sqlite3.Connection, name: str) -> None:
        schema, table = self._resolve(conn, name)
        self.source = f"{_quote(schema)}.{_quote(table)}"
        self.match = f"SELECT count(*) FROM {self.source} WHERE {_quote(table)} MATCH ?"
        self.columns = [
            row[1] for row in conn.execute(f"PRAGMA {_quote(schema)}.table_info({_quote(table)})")
        ]
        stat = conn.execute(
            f"SELECT value FROM {_quote(schema)}.{_quote(table + '_stat')} WHERE id = 0"
        ).fetchone()
        record = stat[0] if stat and isinstance(stat[0], bytes) else b""
        self.rows, tokens = decode_doctotal(record, len(self.columns))
        self.avgdl = tokens / self.rows if self.rows else 0.0
        self.schema = schema
        self.counts: dict[str, int] = {}

    @staticmethod
    def _resolve(conn: sqlite3.Connection, name: str) -> tuple[str, str]:
        candidates = [("main", name)]
        schema, dot, table = name.partition(".") if isinstance(name, str) else ("", "", "")
        if dot:
            candidates.insert(0, (schema, table))
        # Each candidate schema is tried directly rather than listed with PRAGMA database_list,
        # which a read-only server's authorizer refuses (it reveals file paths; serve.md SV-SEC-2).
        for schema, table in candidates:
            master = "sqlite_temp_master" if schema.lower() == "temp" else "sqlite_master"
            try:
                row = conn.execute(
                    f"SELECT name, sql FROM {_quote(schema)}.{master} "
                    "WHERE type = 'table' AND name = ? COLLATE NOCASE",
                    [table],
                ).fetchone()
            except sqlite3.OperationalError:  # no database of that name is attached
                continue
            if row and row[1] and _USING_FTS4.search(row[1]):
                return schema, row[0]
        raise MatchinfoError(f"{_FUNCTION}(): no FTS4 table named '{name}'")

    def documents(self, conn: sqlite3.Connection, phrase: str) -> int:
        """Rows matching ``phrase`` in any column its filter allows."""
        count = self.counts.get(phrase)
        if count is None:
            count = self.counts[phrase] = conn.execute(self.match, [phrase]).fetchone()[0]
        return count


class Fts5StyleRanker:
    """The SQL function ``rank_bm25_fts5`` bound to one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.stamp: tuple | None = None
        self.tables: dict[str, _Table] = {}
        self.plans: dict[tuple, tuple] = {}
        self.version_checks = ["PRAGMA data_version"]

    def _current_stamp(self) -> tuple:
        """What must be unchanged for cached statistics to be reused.

        ``total_changes`` covers this connection's writes (rebuilding an index
        after any schema change counts too); ``data_version`` covers commits by
        other connections, including their schema changes, per schema read.
        """
        return (
            self.conn.total_changes,
            *(self.conn.execute(sql).fetchone()[0] for sql in self.version_checks),
        )

    def _plan(self, key: tuple, blob: bytes, fts_table: str, query: str, tunables: tuple):
        unpack, phrases, columns = pcnalx_layout(blob, _FUNCTION)
        b = tunables[1] if len(tunables) > 1 else None
        k1, b, weights = check_tunables(
            _FUNCTION, tunables[0] if tunables else None, b, tunables[2:]
        )
        if len(weights) > columns:
            raise MatchinfoError(
                f"{_FUNCTION}(): got {len(weights)} column weights for {columns} columns"
            )
        table = self.tables.get(fts_table)
        if table is None:
            table = self.tables[fts_table] = _Table(self.conn, fts_table)
            check = f"PRAGMA {_quote(table.schema)}.data_version"
            if table.schema != "main" and check not in self.version_checks:
                self.version_checks.append(check)
                self.stamp = self._current_stamp()
        texts = matchable_phrases(query, table.columns)
        if texts is None or len(texts) != phrases or len(table.columns) != columns:
            raise MatchinfoError(_PHRASE_ERROR)
        idfs = []
        for text in texts:
            try:
                count = table.documents(self.conn, text)
            except sqlite3.Error:
                raise MatchinfoError(_PHRASE_ERROR) from None
            ratio = (table.rows - count + 0.5) / (count + 0.5)
            idf = math.log(ratio) if ratio > 0 else 0.0
            idfs.append(idf if idf > 0.0 else 1e-6)
        if all(weight == 1.0 for weight in weights):
            weights = None
        else:
            weights = weights + (1.0,) * (columns - len(weights))
        plan = (len(blob), unpack, columns, tuple(idfs), weights, k1, b, table.avgdl)
        self.plans[key] = plan
        return plan

    def __call__(self, blob: bytes | None, fts_table: str, query: str, *tunables: object):
        if not blob:
            return None
        stamp = self._current_stamp()
        if stamp != self.stamp:
            self.stamp = stamp
            self.tables.clear()
            self.plans.clear()
        key = (fts_table, query, tunables)
        plan = self.plans.get(key)
        if plan is None or plan[0] != len(blob):
            plan = self._plan(key, blob, fts_table, query, tunables)
        size, unpack, columns, idfs, weights, k1, b, avgdl = plan
        try:
            values = unpack(blob)
        except (TypeError, struct.error):
            pcnalx_layout(blob, _FUNCTION)
            raise
        if values[1] != columns or values[0] != len(idfs):
            raise MatchinfoError(_PHRASE_ERROR)
        length = sum(values[3 + columns : 3 + 2 * columns])
        normaliser = k1 * (1 - b + b * length / avgdl) if avgdl else k1 * (1 - b)
        score = 0.0
        hits_at = 3 + 2 * columns
        for idf in idfs:
            if weights is None:
                frequency = float(sum(values[hits_at : hits_at + 3 * columns : 3]))
            else:
                # FTS5 adds a column's weight once per hit, in column order.
                frequency = 0.0
                for column, weight in enumerate(weights):
                    for _ in range(values[hits_at + 3 * column]):
                        frequency += weight
            hits_at += 3 * columns
            if frequency:
                score += idf * ((frequency * (k1 + 1.0)) / (frequency + normaliser))
        return -1.0 * score
