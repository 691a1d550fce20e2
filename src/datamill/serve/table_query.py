"""A table or view request as SQL: columns, conditions, order and pages (SV-TBL).

Tables page by keyset over (sort column, key) so that following ``next`` returns each row
exactly once; views and rank-ordered searches page by offset (SV-TBL-4).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from datamill.core.identifiers import quote_identifier
from datamill.serve.connection import ReadConnection
from datamill.serve.errors import bad_request, forbidden
from datamill.serve.filters import Filter, describe, parse_filters
from datamill.serve.keyset import (
    OrderTerm,
    after_condition,
    decode_token,
    encode_keyset,
    encode_offset,
)
from datamill.serve.rank_parts import Helpers, rank_in_parts
from datamill.serve.schema import Relation
from datamill.serve.search import QUERY_PARAM, SearchPlan, plan_search
from datamill.serve.settings import Settings

__all__ = ["Page", "TableQuery", "parse_size", "last_value", "SQL_OFF"]

SQL_OFF = "Arbitrary SQL is turned off on this server"


def last_value(pairs: Sequence[tuple[str, str]], name: str) -> str | None:
    """The last value given for ``name`` (None if absent)."""
    value = None
    for key, item in pairs:
        if key == name:
            value = item
    return value


def all_values(pairs: Sequence[tuple[str, str]], name: str) -> list[str]:
    return [item for key, item in pairs if key == name]


def parse_size(value: str | None, default: int, maximum: int) -> int:
    """``_size``: 0 to ``maximum``, or ``max`` (SV-TBL-3)."""
    if value is None or value == "":
        return min(default, maximum)
    if value == "max":
        return maximum
    if value.isascii() and value.isdigit() and int(value) <= maximum:
        return int(value)
    raise bad_request(f"_size must be an integer between 0 and {maximum}, or max")


@dataclass
class Page:
    """One page of a table, view or query."""

    columns: list[str]
    rows: list[tuple]
    next_token: str | None
    #: Rows the page query read, the look-ahead row included (a floor for counts).
    seen: int
    #: The FTS rowid of each row, when the request searched.
    search_keys: list[Any] = field(default_factory=list)


class TableQuery:
    """The parsed, validated options of one table or view request."""

    def __init__(
        self,
        conn: ReadConnection,
        relation: Relation,
        pairs: Sequence[tuple[str, str]],
        settings: Settings,
        table_meta: dict[str, Any],
    ) -> None:
        self.relation = relation
        self.pairs = list(pairs)
        self.settings = settings
        self.meta = table_meta
        self.size = parse_size(
            last_value(pairs, "_size"),
            table_meta.get("size", settings.default_page_size),
            settings.max_returned_rows,
        )
        self.filterable = list(relation.columns)
        if relation.rowid and relation.rowid == "rowid" and not relation.pks:
            self.filterable.append("rowid")
        self.filters: list[Filter] = parse_filters(self.pairs, self.filterable)
        self.wheres = [w for w in all_values(pairs, "_where") if w.strip()]
        if self.wheres and not settings.default_allow_sql:
            raise forbidden(SQL_OFF)
        self.search: SearchPlan | None = plan_search(
            conn, relation, self.pairs, table_meta, settings.sql_time_limit_ms
        )
        self.sort_column, self.sort_desc, self.explicit_sort = self._parse_sort()
        self.columns = self._parse_columns()
        self.next_token = last_value(pairs, "_next") or None
        self.rank_order = (
            self.search is not None and self.search.ranked and self.sort_column is None
        )
        self.keyset = not relation.is_view and not self.rank_order and bool(self.key_expressions())

    # -- parsing -----------------------------------------------------------------

    def _parse_sort(self) -> tuple[str | None, bool, bool]:
        sort = last_value(self.pairs, "_sort") or None
        sort_desc = last_value(self.pairs, "_sort_desc") or None
        if sort and sort_desc:
            raise bad_request("Cannot use _sort and _sort_desc together")
        explicit = bool(sort or sort_desc)
        if not explicit:
            sort, sort_desc = self.meta.get("sort"), self.meta.get("sort_desc")
        column = sort or sort_desc
        if column is None:
            return None, False, False
        if column not in self.filterable:
            raise bad_request(f"Cannot sort by unknown column: {column}")
        sortable = self.meta.get("sortable_columns")
        if explicit and sortable is not None and column not in sortable:
            raise bad_request(f"Cannot sort by column: {column}")
        return column, bool(sort_desc), explicit

    def _parse_columns(self) -> list[str]:
        relation = self.relation
        keys = relation.key_columns if not relation.is_view else []
        base = (["rowid"] if keys == ["rowid"] else []) + relation.columns
        chosen = [c for c in all_values(self.pairs, "_col") if c]
        hidden = [c for c in all_values(self.pairs, "_nocol") if c]
        for name, values in (("_col", chosen), ("_nocol", hidden)):
            bad = [v for v in values if v not in base]
            if bad:
                raise bad_request(f"{name}={', '.join(bad)} - invalid columns")
        if chosen:
            wanted = set(chosen) | set(keys)
            base = [c for c in base if c in wanted]
        if hidden:
            base = [c for c in base if c not in hidden or c in keys]
        return base

    # -- SQL pieces ----------------------------------------------------------------

    def expression(self, column: str) -> str:
        if column == "rowid" and self.relation.rowid and "rowid" not in self.relation.columns:
            return self.relation.rowid
        return quote_identifier(column)

    def key_expressions(self) -> list[str]:
        """ORDER BY tie-breakers that make the order total: the key, then the rowid."""
        relation = self.relation
        if relation.is_view:
            return []
        if relation.rowid_is_key:
            return (
                [quote_identifier(relation.pks[0])] if relation.pks else [relation.rowid or "rowid"]
            )
        return [quote_identifier(pk) for pk in relation.pks] + (
            [relation.rowid] if relation.rowid else []
        )

    def order_terms(self) -> list[OrderTerm]:
        terms = []
        if self.sort_column is not None:
            terms.append(OrderTerm(self.expression(self.sort_column), self.sort_desc))
        for expression in self.key_expressions():
            if all(term.expression != expression for term in terms):
                terms.append(OrderTerm(expression))
        return terms

    def conditions(self, params: dict[str, Any], include_search: bool = True) -> list[str]:
        conditions = [
            f.where(self.relation, params, self.expression(f.column)) for f in self.filters
        ]
        conditions += [f"({where})" for where in self.wheres]
        if self.search is not None and include_search:
            conditions += self.search.conditions(params)
        return conditions

    def from_where(self, params: dict[str, Any]) -> str:
        """``from "t" [where ...]`` for the rows this request matches (counts, facets)."""
        conditions = self.conditions(params)
        where = f" where {' and '.join(conditions)}" if conditions else ""
        return f"from {quote_identifier(self.relation.name)}{where}"

    def describe(self) -> str:
        """1.0a41's ``human_description_en``: filters, search, then the sort."""
        bits = sorted(f.human() for f in self.filters)
        search = self.search
        if search is not None:
            if search.raw_query is not None:
                bits.insert(0, f'search matches "{search.raw_query}"')
            else:
                raw = [
                    (k[len("_search_") :], v)
                    for k, v in self.pairs
                    if k.startswith("_search_") and v.strip()
                ]
                bits[:0] = [f'search column "{c}" matches "{q}"' for c, q in raw]
        text = describe(bits)
        if self.explicit_sort and self.sort_column:
            sort = f"sorted by {self.sort_column}" + (" descending" if self.sort_desc else "")
            text = f"{text} {sort}" if text else sort
        return text

    # -- statements ----------------------------------------------------------------------

    def select_sql(
        self, params: dict[str, Any], limit: int | None, hidden: bool = True
    ) -> tuple[str, int]:
        """The page (or, with ``limit=None``, the whole stream) statement after ``_next``.

        Returns the SQL and the offset it starts at. Its result has the visible columns, then
        with ``hidden`` the ORDER BY values (keyset mode) and the FTS rowid (searches).
        """
        terms = self.order_terms()
        conditions, offset = self._after_next(params, terms)
        if self.rank_order:
            return self._rank_sql(params, conditions, limit, offset, hidden), offset
        table = quote_identifier(self.relation.name)
        select = [self._select_item(c) for c in self.columns]
        if hidden and self.keyset:
            select += [term.expression for term in terms]
        if hidden and self.search is not None:
            select.append(self.search.content_key)
        sql = f"select {', '.join(select)} from {table}"
        if conditions:
            sql += f" where {' and '.join(conditions)}"
        if terms:
            sql += " order by " + ", ".join(term.sql() for term in terms)
        if limit is not None or offset:
            sql += f" limit {-1 if limit is None else limit}"
        if offset:
            sql += f" offset {offset}"
        return sql, offset

    def rank_part_sql(self, params: dict[str, Any]) -> tuple[str, int]:
        """The statement ranking FTS rowids ``:part_low`` to ``:part_high`` of a rank-ordered
        search (``rank_parts``), and the page's offset.

        It returns the part's best ``offset + size + 1`` matches as (rowid, rank), in (rank,
        rowid) order.
        """
        conditions, offset = self._after_next(params, self.order_terms())
        return self._ranked_sql(params, conditions, offset + self.size + 1, 0, part=True), offset

    def rows_sql(self, rowids: list[int]) -> str:
        """``select_sql``'s columns, the FTS rowid last, of the content rows of the matches
        ``rowids`` (in no particular order): the rows of a page ranked in parts."""
        search = self.search
        assert search is not None
        table = quote_identifier(self.relation.name)
        select = [self._select_item(c, f"{table}.") for c in self.columns]
        key = f"{table}.{search.content_key}"
        listed = ", ".join(str(int(rowid)) for rowid in rowids)
        return f"select {', '.join(select)}, {key} from {table} where {key} in ({listed})"

    def _after_next(self, params: dict[str, Any], terms: list[OrderTerm]) -> tuple[list[str], int]:
        """The conditions of the request and of its ``_next`` token, and the offset it gives."""
        conditions = self.conditions(params, include_search=not self.rank_order)
        if self.next_token is None:
            return conditions, 0
        kind, value = decode_token(self.next_token, len(terms) if self.keyset else None)
        if kind == "k":
            conditions.append(after_condition(terms, value, params))
            return conditions, 0
        return conditions, value

    def _select_item(self, column: str, qualifier: str = "") -> str:
        expression = self.expression(column)
        if expression != quote_identifier(column):
            return f"{qualifier}{expression} as rowid"
        return qualifier + expression

    def _ranked_sql(
        self,
        params: dict[str, Any],
        others: list[str],
        limit: int | None,
        offset: int,
        part: bool = False,
    ) -> str:
        """The FTS rowids and ranks of the search's matches in (rank, rowid) order: only those
        whose content rows meet ``others``, and with ``part`` those from ``:part_low`` to
        ``:part_high``."""
        search = self.search
        assert search is not None
        table = quote_identifier(self.relation.name)
        fts = search.fts
        params[QUERY_PARAM] = search.query
        restrict = ""
        if others:
            restrict = f" and rowid in (select {search.content_key} from {table} where {' and '.join(others)})"
        if part:
            restrict += " and rowid between :part_low and :part_high"
        paging = f" limit {-1 if limit is None else limit}" + (
            f" offset {offset}" if offset else ""
        )
        return (
            f"select rowid, {search.rank_sql()} as rank from {fts} where {fts} match :{QUERY_PARAM}"
            f"{restrict} order by rank, rowid{paging}"
        )

    def _rank_sql(
        self,
        params: dict[str, Any],
        others: list[str],
        limit: int | None,
        offset: int,
        hidden: bool,
    ) -> str:
        """Rank in a subquery over the FTS table alone, then join the kept rows (S-SRCH-4)."""
        search = self.search
        assert search is not None
        table = quote_identifier(self.relation.name)
        ranked = self._ranked_sql(params, others, limit, offset)
        select = [self._select_item(c, f"{table}.") for c in self.columns]
        if hidden:
            select.append("ranked.rowid")
        return (
            f"select {', '.join(select)} from ({ranked}) ranked cross join {table} "
            f"on {table}.{search.content_key} = ranked.rowid order by ranked.rank, ranked.rowid"
        )

    def fetch_page(
        self, conn: ReadConnection, limit_ms: int, helpers: Helpers | None = None
    ) -> Page:
        """Run the page statement: ``size`` rows plus one to know whether more follow.

        With ``helpers``, a large rank-ordered search is ranked in parts (``rank_parts``).
        """
        if self.size == 0:
            return Page(list(self.columns), [], None, 0)
        ranked = None
        if helpers is not None and self.rank_order:
            ranked = rank_in_parts(self, conn, limit_ms, helpers)
        if ranked is None:
            params: dict[str, Any] = {}
            sql, offset = self.select_sql(params, self.size + 1)
            _, rows = conn.query(sql, params, limit_ms, self.size + 1)
        else:
            rows, offset = ranked
        visible = len(self.columns)
        next_token = None
        if len(rows) > self.size:
            last = rows[self.size - 1]
            if self.keyset:
                hidden = last[visible : visible + len(self.order_terms())]
                next_token = encode_keyset(list(hidden))
            else:
                next_token = encode_offset(offset + self.size)
        page_rows = rows[: self.size]
        keys = [row[-1] for row in page_rows] if self.search is not None else []
        return Page(
            list(self.columns),
            [tuple(row[:visible]) for row in page_rows],
            next_token,
            len(rows),
            keys,
        )
