"""``_search`` and ``_search_<col>`` on tables with full-text search (SV-FTS).

Queries are escaped with fts.md's ``escape_query`` unless ``_searchmode=raw``; results are
ranked with the S-SRCH-2 expression for ``ranking="bm25"``, so FTS4 and FTS5 agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from datamill.core.identifiers import quote_identifier
from datamill.search.errors import SearchQueryError
from datamill.search.escape import escape_query
from datamill.search.fts_info import FtsInfo, fts_info, has_config_rank
from datamill.search.search_sql import SearchOptions, rank_expression
from datamill.search.table_fts import fts3_error
from datamill.serve.connection import ReadConnection
from datamill.serve.errors import ServeError, bad_request
from datamill.serve.filters import add_param
from datamill.serve.schema import Relation

__all__ = ["SearchPlan", "plan_search", "SNIPPET_MARKERS"]

SNIPPET_MARKERS = ("<b>", "</b>")
QUERY_PARAM = "query"


@dataclass
class SearchPlan:
    """The searches of one request against one FTS table."""

    info: FtsInfo
    content_key: str  # expression on the searched relation that equals the FTS rowid
    query: str | None  # the (escaped) ``_search`` query; None when only columns are searched
    raw_query: str | None
    column_queries: list[tuple[str, str]] = field(default_factory=list)
    config_rank: bool = False
    matches_nothing: bool = False

    @property
    def fts(self) -> str:
        return quote_identifier(self.info.name)

    @property
    def ranked(self) -> bool:
        """True when results can be ordered by rank (a ``_search`` query that matches)."""
        return self.query is not None and not self.matches_nothing

    def conditions(self, params: dict[str, Any]) -> list[str]:
        """Conditions restricting the searched relation to matching rows."""
        if self.matches_nothing:
            return ["0"]
        conditions = []
        if self.query is not None:
            params[QUERY_PARAM] = self.query
            conditions.append(
                f"{self.content_key} in (select rowid from {self.fts} where {self.fts} match :{QUERY_PARAM})"
            )
        for column, query in self.column_queries:
            name = add_param(params, query)
            conditions.append(
                f"{self.content_key} in (select rowid from {self.fts} "
                f"where {quote_identifier(column)} match :{name})"
            )
        return conditions

    def rank_sql(self) -> str:
        """The S-SRCH-2 rank expression (``ranking="bm25"``); it reads ``:query``."""
        if self.info.matchinfo_fts3:
            raise bad_request(str(fts3_error(self.info)))
        return rank_expression(SearchOptions.build(self.info, ranking="bm25"), self.config_rank)

    def snippet_sql(self) -> str:
        """The best column's snippet for the row whose FTS rowid is ``ranked.rowid``."""
        options = SearchOptions.build(self.info, snippet=True, markers=SNIPPET_MARKERS)
        return (
            f"(select {options.snippet_sql()} from {self.fts} "
            f"where {self.fts} match :{QUERY_PARAM} and {self.fts}.rowid = ranked.rowid)"
        )


def plan_search(
    conn: ReadConnection,
    relation: Relation,
    pairs: Sequence[tuple[str, str]],
    table_meta: dict[str, Any],
    limit_ms: int,
) -> SearchPlan | None:
    """The search plan for ``_search``/``_search_<col>`` among ``pairs``; None without one."""
    main = None
    columns: list[tuple[str, str]] = []
    mode = table_meta.get("searchmode", "escaped")
    for key, value in pairs:
        if key == "_search":
            if value.strip():
                main = value
        elif key.startswith("_search_") and value.strip():
            columns.append((key[len("_search_") :], value))
        elif key == "_searchmode":
            mode = "raw" if value == "raw" else "escaped"
    if main is None and not columns:
        return None
    info, content_key = _fts_for(conn, relation, table_meta)
    if info is None:
        raise bad_request(f"Full-text search is not configured for table '{relation.name}'")
    for column, _ in columns:
        if info.column_index(column) is None:
            raise bad_request(
                f"Column '{column}' is not indexed by full-text search table '{info.name}'"
            )

    def prepare(text: str) -> str:
        return text if mode == "raw" else escape_query(text, info.version, prefix="explicit")

    query = prepare(main) if main is not None else None
    column_queries = [(column, prepare(text)) for column, text in columns]
    if mode == "raw":
        for text in [query, *(q for _, q in column_queries)]:
            if text:
                _check_raw_query(conn, relation, info, text, limit_ms)
    nothing = (query is not None and not query) or any(not q for _, q in column_queries)
    return SearchPlan(
        info=info,
        content_key=content_key,
        query=query,
        raw_query=main,
        column_queries=column_queries,
        config_rank=has_config_rank(conn.db, info),
        matches_nothing=nothing,
    )


def _check_raw_query(
    conn: ReadConnection, relation: Relation, info: FtsInfo, query: str, limit_ms: int
) -> None:
    """Explain a raw query SQLite rejects, naming query and table (fts.md S-BAD-1)."""
    fts = quote_identifier(info.name)
    try:
        conn.query(f"select 1 from {fts} where {fts} match :q limit 1", {"q": query}, limit_ms)
    except ServeError as error:
        message = str(SearchQueryError(query, relation.name, info.name, error.message))
        raise bad_request(message) from None


def _fts_for(
    conn: ReadConnection, relation: Relation, table_meta: dict[str, Any]
) -> tuple[FtsInfo | None, str]:
    """The FTS table and the expression joining it: metadata ``fts_table``/``fts_pk`` first."""
    name = table_meta.get("fts_table")
    if name:
        info = fts_info(conn.db, name)
        key = table_meta.get("fts_pk")
        return info, quote_identifier(key) if key else (relation.rowid or "rowid")
    return relation.fts, relation.rowid or "rowid"
