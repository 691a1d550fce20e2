"""Values of the table and view extras: counts, facets, suggestions, snippets and schema facts
(SV-JSON-3, SV-GEN-4 A3)."""

from __future__ import annotations

from typing import Any

from datamill.search.search_sql import SearchOptions
from datamill.serve.connection import ReadConnection
from datamill.serve.counts import count_rows
from datamill.serve.databases import DatabaseState
from datamill.serve.extras import ordered
from datamill.serve.facets import label_column, run_facets
from datamill.serve.json_output import objects, parse_json_columns
from datamill.serve.schema import Relation
from datamill.serve.search import QUERY_PARAM, SNIPPET_MARKERS
from datamill.serve.suggestions import cached_suggestions, suggest_facets
from datamill.serve.table_query import Page, TableQuery
from datamill.serve.urls import query_string
from datamill.serve.views.common_extras import COMMON, column_details, common_extra
from datamill.serve.views.context import RequestContext

__all__ = [
    "json_body",
    "definition",
    "table_count",
    "table_facets",
    "sorted_facets",
    "html_suggestions",
]


def json_body(
    ctx: RequestContext,
    conn: ReadConnection,
    state: DatabaseState,
    query: TableQuery,
    page: Page,
    shape: str,
    extras: list[str],
    specs: list,
    facet_size: int,
) -> dict[str, Any]:
    rows = parse_json_columns(page.columns, page.rows, [v for k, v in ctx.pairs if k == "_json"])
    body: dict[str, Any] = {"ok": True}
    if shape == "arrays":
        body["rows"] = [list(row) for row in rows]
    else:
        body["rows"] = objects(page.columns, rows)
    body["truncated"] = False
    body["next"] = page.next_token
    body["next_url"] = ctx.next_url(page.next_token)
    values = _ExtraValues(ctx, conn, state, query, page, specs, facet_size, extras)
    for name in ordered(extras):
        if name == "count":
            body["count"], body["count_truncated"] = values.count()
        else:
            body[name] = values.get(name)
    return body


class _ExtraValues:
    """Computes each requested extra once (facets feed three of them)."""

    def __init__(self, ctx, conn, state, query, page, specs, facet_size, extras) -> None:
        self.ctx = ctx
        self.conn = conn
        self.state = state
        self.query: TableQuery = query
        self.page: Page = page
        self.specs = specs
        self.facet_size = facet_size
        self.extras = extras
        self._count = None
        self._facets = None

    def count(self) -> tuple[int | None, bool]:
        if self._count is None:
            self._count = table_count(self.ctx, self.conn, self.state, self.query, self.page)
        return self._count

    def facets(self) -> dict[str, Any]:
        if self._facets is None:
            self._facets = table_facets(
                self.ctx, self.conn, self.state, self.query, self.specs, self.facet_size
            )
        return self._facets

    def get(self, name: str) -> Any:
        ctx, query, relation = self.ctx, self.query, self.query.relation
        if name in COMMON:
            return common_extra(name, ctx, "table", self.page.rows, self.extras)
        simple = {
            "columns": lambda: self.page.columns,
            "primary_keys": lambda: list(relation.pks),
            "database": lambda: ctx.route.db,
            "table": lambda: relation.name,
            "all_columns": lambda: list(relation.columns),
            "column_details": lambda: column_details(relation),
            "column_types": lambda: {},
            "set_column_type_ui": lambda: None,
            "is_view": lambda: relation.is_view,
            "human_description_en": query.describe,
            "custom_table_templates": lambda: [],
            "table_definition": lambda: (
                None if relation.is_view else definition(self.state, relation)
            ),
            "view_definition": lambda: (
                definition(self.state, relation) if relation.is_view else None
            ),
        }
        if name in simple:
            return simple[name]()
        if name == "count_truncated":
            return self.count()[1]
        if name == "facet_results":
            return self.facets()
        if name == "facets_timed_out":
            return self.facets()["timed_out"]
        if name == "sorted_facet_results":
            return sorted_facets(self.facets(), self.specs)
        if name == "suggested_facets":
            return table_suggestions(ctx, self.conn, self.state, query, self.specs)
        if name == "query":
            params: dict[str, Any] = {}
            sql, _ = query.select_sql(params, query.size + 1)
            return {"sql": sql, "params": params}
        if name == "count_sql":
            params = {}
            return f"select count(*) {query.from_where(params)}"
        if name == "snippets":
            return table_snippets(self.conn, query, self.page, ctx.time_limit())
        if name == "display_columns":
            return display_columns(ctx, relation, self.page.columns)
        if name == "metadata":
            meta = ctx.table_meta(relation.name)
            meta["columns"] = dict(meta.get("columns", {}))
            return meta
        if name == "renderers":
            pairs = ctx.pairs
            return {
                "json": ctx.server.urls.table(ctx.route.db or "", relation.name, ".json")
                + query_string(pairs),
                "csv": ctx.server.urls.table(ctx.route.db or "", relation.name, ".csv")
                + query_string(pairs),
            }
        if name == "expandable_columns":
            return [
                [
                    {
                        "column": fk.column,
                        "other_table": fk.other_table,
                        "other_column": fk.other_column,
                    },
                    label_column(self.state.schema, fk.other_table, ctx.table_meta(fk.other_table)),
                ]
                for fk in relation.foreign_keys
            ]
        if name == "form_hidden_args":
            return [
                [k, v]
                for k, v in ctx.pairs
                if k.startswith("_")
                and k not in ("_sort", "_sort_desc", "_search", "_next")
                and "__" not in k
            ]
        raise KeyError(name)


def definition(state: DatabaseState, relation: Relation) -> str:
    parts = [relation.sql + ";"] + [sql + ";" for sql in relation.index_sql]
    return "\n".join(parts)


def display_columns(
    ctx: RequestContext, relation: Relation, columns: list[str]
) -> list[dict[str, Any]]:
    descriptions = ctx.table_meta(relation.name).get("columns", {})
    result = []
    for column in columns:
        entry: dict[str, Any] = {
            "name": column,
            "sortable": True,
            "is_pk": column in relation.key_columns,
            "type": relation.types.get(column, "INTEGER" if column == "rowid" else ""),
            "notnull": int(relation.notnull.get(column, False)),
        }
        if not entry["is_pk"]:
            entry.update(
                description=descriptions.get(column), column_type=None, column_type_config=None
            )
        result.append(entry)
    return result


def table_count(
    ctx: RequestContext, conn: ReadConnection, state: DatabaseState, query: TableQuery, page: Page
) -> tuple[int | None, bool]:
    """SV-CNT-1 for this request; ``_nocount`` gives ``(None, False)`` (A8)."""
    if ctx.flag("_nocount"):
        return None, False
    params: dict[str, Any] = {}
    conditions = query.conditions(params)
    seen = page.seen if query.next_token is None else 0
    return count_rows(
        conn, state, query.relation, conditions, params, ctx.settings.count_time_limit_ms, seen
    )


def table_facets(ctx, conn, state, query: TableQuery, specs, facet_size: int) -> dict[str, Any]:
    if ctx.flag("_nofacet") or not specs:
        return {"results": {}, "timed_out": []}
    return run_facets(
        conn,
        state,
        query,
        specs,
        facet_size,
        ctx.settings,
        lambda table: ctx.table_meta(table),
        ctx.link,
    )


def sorted_facets(facet_results: dict[str, Any], specs: list) -> list[dict[str, Any]]:
    """Metadata facets first in their order, then the others by number of results."""
    entries = list(facet_results["results"].values())
    fixed = [e for e in entries if not e["hideable"]]
    others = sorted(
        (e for e in entries if e["hideable"]),
        key=lambda e: (len(e["results"]), e["name"]),
        reverse=True,
    )
    return fixed + others


def _suggestions_wanted(ctx: RequestContext) -> bool:
    settings = ctx.settings
    return (
        settings.suggest_facets
        and settings.allow_facet
        and not ctx.flag("_nosuggest")
        and not ctx.flag("_nofacet")
    )


def table_suggestions(ctx, conn, state, query: TableQuery, specs) -> list[dict[str, Any]]:
    if not _suggestions_wanted(ctx):
        return []
    faceted = {spec.column for spec in specs}
    return suggest_facets(conn, state, query, faceted, ctx.settings, ctx.link)


def html_suggestions(ctx, conn, state, query: TableQuery, specs) -> list[dict[str, Any]] | None:
    """The page never waits for suggestions: cached ones, or all of them with ``_suggest=on``."""
    if ctx.flag("_suggest") or not _suggestions_wanted(ctx):
        return table_suggestions(ctx, conn, state, query, specs)
    return cached_suggestions(state, query, {spec.column for spec in specs}, ctx.link)


def table_snippets(
    conn: ReadConnection, query: TableQuery, page: Page, limit_ms: int
) -> list[dict[str, Any]]:
    """``snippets``: ``{"rank", "snippet"}`` per row, best column, ``<b>`` markers (SV-FTS-3)."""
    search = query.search
    if search is None or not page.rows or search.matches_nothing:
        return [{"rank": None, "snippet": None} for _ in page.rows]
    fts = search.fts
    options = SearchOptions.build(search.info, snippet=True, markers=SNIPPET_MARKERS)
    keys = [k for k in page.search_keys if k is not None]
    marks = ", ".join(f":k{i}" for i in range(len(keys)))
    params: dict[str, Any] = {QUERY_PARAM: search.query, **{f"k{i}": k for i, k in enumerate(keys)}}
    sql = (
        f"select rowid, {search.rank_sql()}, {options.snippet_sql()} from {fts} "
        f"where {fts} match :{QUERY_PARAM} and rowid in ({marks})"
    )
    _, rows = conn.query(sql, params, limit_ms)
    found = {rowid: {"rank": rank, "snippet": snippet} for rowid, rank, snippet in rows}
    return [found.get(key, {"rank": None, "snippet": None}) for key in page.search_keys]
