"""Full-text search methods of ``Database``: searching every FTS table, quoting (S-SRCH-10, L-FTS-9)."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, cast

from datamill.core.identifiers import quote_identifier
from datamill.search.escape import PREFIX_MODES, escape_query
from datamill.search.fts_info import FtsInfo, fts_tables
from datamill.search.functions import register_functions
from datamill.search.search_sql import SearchOptions
from datamill.search.table_fts import check_search_target, fts3_error, run_search

if TYPE_CHECKING:
    from datamill.core.database import Database
    from datamill.core.sqlite import sqlite3

__all__ = ["DatabaseSearchMixin", "quote_fts"]

_NO_FTS = "No tables in this database are configured for full-text search"


def quote_fts(query: str) -> str:
    """sqlite-utils' quoting: close an odd ``"``, then double-quote every bare token (L-FTS-9)."""
    if query.count('"') % 2:
        query += '"'
    tokens = []
    position, length = 0, len(query)
    while position < length:
        char = query[position]
        if char.isspace():
            position += 1
        elif char == '"':
            end = query.index('"', position + 1) + 1
            tokens.append(query[position:end])
            position = end
        else:
            end = position
            while end < length and not query[end].isspace() and query[end] != '"':
                end += 1
            tokens.append(f'"{query[position:end]}"')
            position = end
    return " ".join(token for token in tokens if token != '""')


def _search_all_sql(info: FtsInfo, options: SearchOptions, limit: int | None) -> str:
    """One table's best rows: BM25 as FTS5 computes it, on FTS4 and FTS5 alike."""
    fts = quote_identifier(info.name)
    if info.version == "FTS5":
        score = f"bm25({fts})"
    else:
        name = info.name.replace("'", "''")
        score = f"rank_bm25_fts5(matchinfo({fts}, 'pcnalx'), '{name}', :query)"
    ranked = (
        f"(\n    select rowid, {score} score from {fts} where {fts} match :query\n"
        "    order by score, rowid"
        + (f" limit {int(limit)}" if limit is not None else "")
        + "\n) ranked"
    )
    snippet = options.snippet_sql()
    if not snippet:
        return f"select ranked.rowid, ranked.score rank, null snippet from {ranked}"
    return (
        f"select ranked.rowid, ranked.score rank, {snippet} snippet\n"
        f"from {fts} cross join {ranked} on ranked.rowid = {fts}.rowid\n"
        f"where {fts} match :query\norder by ranked.score, ranked.rowid"
    )


class DatabaseSearchMixin:
    """Adds cross-table search and FTS helpers to ``Database``, its only subclass."""

    conn: sqlite3.Connection

    def quote_fts(self, query: str) -> str:
        """Quote every token of ``query`` as sqlite-utils does (L-FTS-9)."""
        return quote_fts(query)

    def register_fts4_bm25(self) -> None:
        """(Re-)register datamill's ``rank_bm25`` and the other ranking functions (L-FUNC-4)."""
        register_functions(self.conn)

    def search_all(
        self,
        q: str,
        *,
        tables: Iterable[str] | None = None,
        limit: int | None = 20,
        quote: bool = True,
        prefix: str = "explicit",
        snippet: bool = True,
        markers: Sequence[str] = ("<b>", "</b>"),
        ellipsis: str = "…",
        snippet_tokens: int = 15,
    ) -> list[dict[str, Any]]:
        """The ``limit`` best rows over every FTS4/FTS5 table (S-SRCH-10).

        Returns dicts ``{"table", "rowid", "rank", "snippet"}`` ordered by rank,
        then table name, then rowid. Queries are escaped unless ``quote=False``.
        """
        if prefix not in PREFIX_MODES:
            raise ValueError("prefix must be one of 'explicit', 'last', 'all', 'none'")
        db = cast("Database", self)
        candidates = [info for info in fts_tables(db) if not info.contentless]
        if tables is not None:
            by_name = {info.table: info for info in candidates}
            selected = []
            for name in tables:
                if name not in by_name:
                    raise ValueError(f"Full-text search is not configured for table '{name}'")
                selected.append(by_name[name])
            candidates = selected
        if not candidates:
            raise ValueError(_NO_FTS)
        results: list[tuple] = []
        for info in candidates:
            query = escape_query(q, info.version, prefix) if quote else q
            if not escape_query(query, info.version):
                continue
            check_search_target(db, info)
            if info.version == "FTS4" and info.matchinfo_fts3:
                raise fts3_error(info)
            options = SearchOptions.build(
                info,
                snippet=True if snippet else None,
                markers=markers,
                ellipsis=ellipsis,
                snippet_tokens=snippet_tokens,
            )
            sql = _search_all_sql(info, options, limit)
            for row in run_search(db, sql, {"query": query}, query, info.table, info.name):
                results.append((row["rank"], info.table, row["rowid"], row["snippet"]))
        best = heapq.nsmallest(limit, results) if limit is not None else sorted(results)
        return [
            {"table": table, "rowid": rowid, "rank": rank, "snippet": text}
            for rank, table, rowid, text in best
        ]
