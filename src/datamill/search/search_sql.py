"""Building search statements: the sqlite-utils text and datamill's ranked form (S-SRCH)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from datamill.core.identifiers import quote_identifier as q
from datamill.search.fts_info import FtsInfo

__all__ = ["SearchOptions", "rank_expression", "baseline_sql", "ranked_sql", "RANKINGS"]

RANKINGS = (None, "bm25", "bm25_columns")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class SearchOptions:
    """Validated ranking, snippet and highlight choices for one FTS table (S-BAD-4)."""

    info: FtsInfo
    ranking: str | None = None
    k1: float | None = None
    b: float | None = None
    weights: tuple[float, ...] | None = None  # one per FTS column, or None
    snippet: int | None = None  # FTS column index, -1 for the best column
    highlight: int | None = None
    markers: tuple[str, str] = ("<b>", "</b>")
    ellipsis: str = "…"
    snippet_tokens: int = 15

    @classmethod
    def build(
        cls,
        info: FtsInfo,
        ranking: str | None = None,
        k1: float | None = None,
        b: float | None = None,
        weights: Mapping[str, float] | None = None,
        snippet: bool | str | None = None,
        highlight: str | None = None,
        markers: Sequence[str] = ("<b>", "</b>"),
        ellipsis: str = "…",
        snippet_tokens: int = 15,
    ) -> SearchOptions:
        """Check the arguments against the table; raise ``ValueError`` with the S-BAD-4 text."""
        if ranking not in RANKINGS:
            raise ValueError("ranking must be None, 'bm25' or 'bm25_columns'")
        for value, low, high in ((k1, 0, math.inf), (b, 0, 1)):
            if value is not None and not (
                _is_number(value) and math.isfinite(value) and low <= value <= high
            ):
                raise ValueError("k1 must be a number >= 0 and b a number between 0 and 1")
        fts5 = info.version == "FTS5"
        if fts5 and ranking == "bm25_columns":
            raise ValueError(f"ranking='bm25_columns' needs an FTS4 table; '{info.name}' is FTS5")
        if fts5 and (k1 not in (None, 1.2) or b not in (None, 0.75)):
            raise ValueError(
                "k1 and b can only be changed for FTS4 tables; FTS5's bm25() uses k1=1.2 and b=0.75"
            )
        column_weights = None
        if weights is not None:
            if not isinstance(weights, Mapping) or not all(
                isinstance(k, str) and _is_number(v) and math.isfinite(v)
                for k, v in weights.items()
            ):
                raise ValueError("weights must map column names to numbers")
            column_weights = [1.0] * len(info.columns)
            for column, weight in weights.items():
                column_weights[_indexed(info, column)] = float(weight)
        snippet_column = None
        if snippet is True:
            snippet_column = -1
        elif isinstance(snippet, str):
            snippet_column = _indexed(info, snippet)
        highlight_column = None
        if highlight is not None:
            highlight_column = _indexed(info, highlight)
        if not (_is_number(snippet_tokens) and 1 <= snippet_tokens <= 64):
            raise ValueError("snippet_tokens must be between 1 and 64")
        if highlight_column is not None and not fts5:
            raise ValueError(f"highlight needs an FTS5 table; '{info.name}' is FTS4 (use snippet)")
        start, end = markers
        return cls(
            info=info,
            ranking=ranking,
            k1=k1,
            b=b,
            weights=tuple(column_weights) if column_weights is not None else None,
            snippet=snippet_column,
            highlight=highlight_column,
            markers=(str(start), str(end)),
            ellipsis=str(ellipsis),
            snippet_tokens=int(snippet_tokens),
        )

    @property
    def is_baseline(self) -> bool:
        """True when only sqlite-utils' arguments are in use."""
        return (
            self.ranking is None
            and self.k1 is None
            and self.b is None
            and self.weights is None
            and self.snippet is None
            and self.highlight is None
        )

    def snippet_sql(self) -> str | None:
        if self.snippet is None:
            return None
        fts = q(self.info.name)
        start, end = (_literal(m) for m in self.markers)
        ellipsis = _literal(self.ellipsis)
        if self.info.version == "FTS5":
            return (
                f"snippet({fts}, {self.snippet}, {start}, {end}, {ellipsis}, {self.snippet_tokens})"
            )
        return f"snippet({fts}, {start}, {end}, {ellipsis}, {self.snippet}, {self.snippet_tokens})"

    def highlight_sql(self) -> str | None:
        if self.highlight is None:
            return None
        start, end = (_literal(m) for m in self.markers)
        return f"highlight({q(self.info.name)}, {self.highlight}, {start}, {end})"


def _indexed(info: FtsInfo, column: object) -> int:
    index = info.column_index(column) if isinstance(column, str) else None
    if index is None:
        raise ValueError(
            f"Column '{column}' is not indexed by full-text search table '{info.name}'"
        )
    return index


def rank_expression(options: SearchOptions, config_rank: bool = False) -> str:
    """The S-SRCH-2 rank expression (lower is better)."""
    info = options.info
    fts = q(info.name)
    if info.version == "FTS5":
        if options.weights is not None:
            return f"bm25({fts}, {', '.join(repr(w) for w in options.weights)})"
        return f"{fts}.rank" if config_rank else f"bm25({fts})"
    matchinfo = f"matchinfo({fts}, 'pcnalx')"
    tunables = ""
    if options.k1 is not None or options.b is not None or options.weights is not None:
        weights = options.weights or ()
        values = [
            1.2 if options.k1 is None else float(options.k1),
            0.75 if options.b is None else float(options.b),
            *weights,
        ]
        tunables = ", " + ", ".join(repr(v) for v in values)
    if options.ranking == "bm25":
        return f"rank_bm25_fts5({matchinfo}, {_literal(info.name)}, :query{tunables})"
    return f"rank_bm25({matchinfo}{tunables})"


def _cte_name(table: str) -> str:
    return "original_" if table == "original" else "original"


def baseline_sql(
    table: str,
    info: FtsInfo,
    columns: Sequence[str] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
    where: str | None = None,
    include_rank: bool = False,
) -> str:
    """The L-FTS-8 statement, byte for byte."""
    original = q(_cte_name(table))
    fts = q(info.name)
    rank = f"{fts}.rank" if info.version == "FTS5" else f"rank_bm25(matchinfo({fts}, 'pcnalx'))"
    inner = ",\n        ".join(["rowid"] + ([q(c) for c in columns] if columns else ["*"]))
    outer = [f"{original}.{q(c)}" for c in columns] if columns else [f"{original}.*"]
    if include_rank:
        outer.append(f"{rank} rank")
    sql = (
        f"with {original} as (\n    select\n        {inner}\n    from {q(table)}"
        + (f"\n    where {where}" if where else "")
        + "\n)\nselect\n    "
        + ",\n    ".join(outer)
        + f"\nfrom\n    {original}\n    join {fts} on {original}.rowid = {fts}.rowid"
        + f"\nwhere\n    {fts} match :query\norder by\n    {order_by or rank}"
    )
    if limit is not None:
        sql += f"\nlimit {limit}"
    if offset is not None:
        sql += (" offset" if limit is not None else "\nlimit -1 offset") + f" {offset}"
    return sql


def ranked_sql(
    table: str,
    options: SearchOptions,
    config_rank: bool = False,
    columns: Sequence[str] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
    offset: int | None = None,
    where: str | None = None,
    include_rank: bool = False,
) -> str:
    """datamill's search statement (S-SRCH-3, S-SRCH-4).

    With relevance order, rows are ranked in a subquery over the FTS table alone
    (rank, then rowid), cut to ``limit``/``offset`` there, and only the rows
    kept are joined to the content table; snippets and highlights are computed
    in a second pass over the MATCH, joined to the kept rows before the content
    table. CROSS JOIN pins these loop orders (SQLite may otherwise look up
    every match in the content table, or re-run the MATCH once per row).
    """
    info = options.info
    original = q(_cte_name(table))
    fts = q(info.name)
    rank = rank_expression(options, config_rank)
    extras = [(options.snippet_sql(), "snippet"), (options.highlight_sql(), "highlight")]
    extras = [(sql, name) for sql, name in extras if sql]
    inner = ",\n        ".join(["rowid"] + ([q(c) for c in columns] if columns else ["*"]))
    outer = [f"{original}.{q(c)}" for c in columns] if columns else [f"{original}.*"]
    cte = f"with {original} as (\n    select\n        {inner}\n    from {q(table)}"
    paging = ""
    if limit is not None:
        paging += f"\nlimit {limit}"
    if offset is not None:
        paging += (" offset" if limit is not None else "\nlimit -1 offset") + f" {offset}"
    if order_by is not None:
        if where:
            cte += f"\n    where {where}"
        if include_rank:
            outer.append(f"{rank} rank")
        outer += [f"{sql} {name}" for sql, name in extras]
        return (
            cte
            + "\n)\nselect\n    "
            + ",\n    ".join(outer)
            + f"\nfrom\n    {original}\n    join {fts} on {original}.rowid = {fts}.rowid"
            + f"\nwhere\n    {fts} match :query\norder by\n    {order_by}"
            + paging
        )
    if include_rank:
        outer.append("ranked.rank rank")
    outer += [f"{sql} {name}" for sql, name in extras]
    filter_rows = (
        f"\n        and rowid in (select rowid from {q(table)} where {where})" if where else ""
    )
    ranked = (
        "(\n        select rowid, "
        + rank
        + f" rank\n        from {fts}\n        where {fts} match :query"
        + filter_rows
        + "\n        order by rank, rowid"
        + paging.replace("\n", "\n        ")
        + "\n    ) ranked"
    )
    if extras:
        # One more pass over the matches, joined to the few ranked rows first,
        # so snippet()/highlight() run only for the rows returned.
        source = (
            f"{fts}\n    cross join {ranked} on ranked.rowid = {fts}.rowid"
            f"\n    cross join {original} on {original}.rowid = {fts}.rowid"
            f"\nwhere\n    {fts} match :query"
        )
    else:
        source = f"{ranked}\n    cross join {original} on {original}.rowid = ranked.rowid"
    return (
        cte
        + "\n)\nselect\n    "
        + ",\n    ".join(outer)
        + "\nfrom\n    "
        + source
        + "\norder by\n    ranked.rank, ranked.rowid"
    )
