"""Ranking a large search in parts, on several SQL threads at once (SV-FTS-2).

Ranked search scores every match before the first row comes back: FTS5's ``bm25()`` takes
about 0.7 µs a match, 10 ms for the 15,000 matches of a common word in a 190,000-row table,
while the rest of the request takes 1 to 2 ms. SQLite runs without the GIL, so the range of
matching rowids is split into parts that are ranked at the same time, one on the request's
own connection and the others on the executor's helper threads.

Each part returns the FTS rowids and ranks of its best ``offset + size + 1`` matches; merged
by (rank, rowid), the first after ``offset`` are the single statement's page, because
``bm25()`` takes its IDF and average lengths from the whole table, not from the rows a
statement visits. The page's rows are then read by their keys. Every part
must read the same version of the database: when a helper's connection sees another version,
or the file changed before all parts finished, the page is read again with one statement.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from datamill.serve.connection import ReadConnection
from datamill.serve.databases import DatabaseState
from datamill.serve.search import QUERY_PARAM

if TYPE_CHECKING:
    from datamill.serve.table_query import TableQuery

__all__ = ["Helpers", "MIN_MATCHES", "rank_in_parts"]

MIN_MATCHES = 4000  # below this, one statement beats handing parts to other threads


@dataclass
class Helpers:
    """The helper threads of one request: how many, and how to run work on them.

    ``submit(fn)`` runs ``fn(conn, state)`` on a helper thread's own connection to the
    request's database; ``version()`` reads the database's version through the request's
    connection.
    """

    count: int
    submit: Callable[[Callable[[ReadConnection, DatabaseState], Any]], Future]
    version: Callable[[], tuple]


class _Stale(Exception):
    """A part read another version of the database than the request."""


def rank_in_parts(
    query: TableQuery, conn: ReadConnection, limit_ms: int, helpers: Helpers
) -> tuple[list[tuple], int] | None:
    """The rank-ordered page's rows (as ``select_sql`` returns them) and its offset, ranked
    in parts; None when the search is better run as one statement."""
    search = query.search
    if helpers.count < 1 or search is None or search.info.version != "FTS5":
        return None
    fts = search.fts
    match = {QUERY_PARAM: search.query}
    many = conn.scalar(
        f"select count(*) from (select rowid from {fts} where {fts} match :{QUERY_PARAM} "
        f"limit {MIN_MATCHES})",
        match,
        limit_ms,
    )
    if many < MIN_MATCHES:
        return None
    ends = [
        conn.scalar(
            f"select rowid from {fts} where {fts} match :{QUERY_PARAM} "
            f"order by rowid {direction} limit 1",
            match,
            limit_ms,
        )
        for direction in ("asc", "desc")
    ]
    version = helpers.version()
    params: dict[str, Any] = {}
    sql, offset = query.rank_part_sql(params)
    ranges = _split(ends[0], ends[1], helpers.count + 1)

    def part(part_conn: ReadConnection, low: int, high: int) -> list[tuple]:
        _, rows = part_conn.query(sql, {**params, "part_low": low, "part_high": high}, limit_ms)
        return rows

    def on_helper(low: int, high: int) -> Callable[[ReadConnection, DatabaseState], list]:
        def run(part_conn: ReadConnection, state: DatabaseState) -> list[tuple]:
            if state.version != version:
                raise _Stale
            return part(part_conn, low, high)

        return run

    futures = [helpers.submit(on_helper(low, high)) for low, high in ranges[1:]]
    try:
        results = [part(conn, *ranges[0])]
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    try:
        results += [future.result() for future in futures]
    except _Stale:
        return None
    # each part's (rowid, rank) pairs are in (rank, rowid) order
    merged = heapq.merge(*results, key=lambda match: (match[1], match[0]))
    rowids = [rowid for rowid, _ in merged][offset : offset + query.size + 1]
    _, rows = conn.query(query.rows_sql(rowids), {}, limit_ms)
    if helpers.version() != version or len(rows) != len(rowids):
        return None
    place = {rowid: position for position, rowid in enumerate(rowids)}
    return sorted(rows, key=lambda row: place[row[-1]]), offset


def _split(low: int, high: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` consecutive ranges covering ``low``..``high`` (fewer when it is short)."""
    width = high - low + 1
    parts = max(1, min(parts, width))
    bounds = [low + width * k // parts for k in range(parts + 1)]
    return [(bounds[k], bounds[k + 1] - 1) for k in range(parts)]
