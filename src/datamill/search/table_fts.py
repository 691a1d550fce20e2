"""Full-text search methods of ``Table``: set-up, upkeep and search (L-FTS, S-SRCH, S-IDX)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from datamill.core.identifiers import fold_identifier_case, quote_identifier, resolve_casing
from datamill.core.sqlite import sqlite3
from datamill.core.values import dedupe_keys
from datamill.search.errors import SearchQueryError
from datamill.search.escape import PREFIX_MODES, escape_query
from datamill.search.fts_info import FtsInfo, detect_fts, fts_info, has_config_rank
from datamill.search.fts_sql import (
    create_fts_sql,
    optimize_sql,
    populate_missing_sql,
    rebuild_sql,
    trigger_sql,
)
from datamill.search.search_sql import SearchOptions, baseline_sql, ranked_sql

if TYPE_CHECKING:
    from datamill.core.database import Database

__all__ = ["TableSearchMixin", "check_search_target", "fts3_error", "run_search", "writes_to"]

_TRIGGER_SUFFIXES = ("_ai", "_ad", "_au", "_bd", "_bu")


def writes_to(trigger_sql_text: str, table: str) -> bool:
    """True if a trigger's SQL inserts into or deletes from ``table`` (any quoting)."""
    quoted = "|".join(
        re.escape(form)
        for form in (
            quote_identifier(table),
            f"[{table}]",
            f"`{table}`",
            f"'{table}'",
        )
    )
    bare = re.escape(table) + r"(?![\w$])"
    pattern = rf"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|DELETE\s+FROM)\s+(?:{quoted}|{bare})"
    return re.search(pattern, trigger_sql_text, re.IGNORECASE) is not None


def check_search_target(db: Database, info: FtsInfo) -> None:
    """Raise the S-BAD-3 errors for an FTS table that cannot be searched with ranking."""
    if info.content and info.content not in {
        row[0] for row in db.execute("select name from sqlite_master")
    }:
        raise ValueError(
            f"Full-text search table '{info.name}' reads from table '{info.content}', "
            "which does not exist"
        )


def fts3_error(info: FtsInfo) -> ValueError:
    return ValueError(
        f"FTS4 table '{info.name}' was created with matchinfo=fts3, which has no row "
        "statistics; pass order_by to search it"
    )


def run_search(
    db: Database, sql: str, params: Mapping[str, Any], query: str, table: str, fts: str
) -> Iterator[dict[str, Any]]:
    """Execute a search statement, yielding dicts; explain a rejected raw query (S-BAD-1)."""
    try:
        cursor = db.execute(sql, params)  # its Cursor reports S-FN-8 messages
        keys = dedupe_keys([d[0] for d in cursor.description])
        for row in cursor:
            yield dict(zip(keys, row))
    except sqlite3.OperationalError as error:
        fts_quoted = quote_identifier(fts)
        try:
            db.execute(
                f"SELECT 1 FROM {fts_quoted} WHERE {fts_quoted} MATCH :query LIMIT 1",
                {"query": query},
            ).fetchall()
        except sqlite3.OperationalError as query_error:
            raise SearchQueryError(query, table, fts, str(query_error)) from None
        raise error


class TableSearchMixin:
    """Adds FTS set-up and search to ``Table``; expects ``self.db`` and ``self.name``."""

    db: Database
    name: str

    # -- set-up and upkeep -----------------------------------------------------

    def detect_fts(self) -> str | None:
        """The name of this table's FTS table, or None (L-FTS-6)."""
        return detect_fts(self.db, self.name)

    def _resolve_columns(self, columns: Iterable[str]) -> list[str]:
        existing = [row[1] for row in self.db.execute(f"PRAGMA table_info({self._quoted})")]
        return [resolve_casing(column, existing) for column in columns]

    @property
    def _quoted(self) -> str:
        return quote_identifier(self.name)

    def enable_fts(
        self,
        columns: Iterable[str],
        fts_version: str = "FTS5",
        create_triggers: bool = False,
        tokenize: str | None = None,
        replace: bool = False,
    ):
        """Create ``{table}_fts`` over ``columns``, fill it, and optionally keep it in sync."""
        version = str(fts_version).upper()
        if version not in ("FTS4", "FTS5"):
            raise ValueError("fts_version must be 'FTS4' or 'FTS5'")
        columns = self._resolve_columns(columns)
        fts = f"{self.name}_fts"
        tokenize_literal = self.db.quote(tokenize) if tokenize else None
        create = create_fts_sql(self.name, columns, version, tokenize_literal)
        triggers = trigger_sql(self.name, columns, version) if create_triggers else {}
        existing = self.db.execute(
            "select sql from sqlite_master where type = 'table' and name = ?", [fts]
        ).fetchone()
        if existing is not None:
            if not replace:
                raise sqlite3.OperationalError(f'table "{fts}" already exists')
            if existing[0] == create and self._fts_triggers(fts) == triggers:
                return self
        with self.db.atomic():
            if existing is not None:
                self.disable_fts()
            self.db.execute(create)
            self.db.execute(rebuild_sql(fts))
            for sql in triggers.values():
                self.db.execute(sql)
        return self

    def _fts_triggers(self, fts: str) -> dict[str, str]:
        return {
            name: sql
            for name, sql in self.db.execute(
                "select name, sql from sqlite_master where type = 'trigger' and tbl_name = ?",
                [self.name],
            )
            if writes_to(sql, fts)
        }

    def populate_fts(self, columns: Iterable[str]):
        """Index the table's rows; safe to run again (S-IDX-5)."""
        fts = self.detect_fts() or f"{self.name}_fts"
        info = fts_info(self.db, fts)
        if info is None:
            raise sqlite3.OperationalError(f"no such table: {fts}")
        columns = list(columns)
        requested = sorted(fold_identifier_case(c) for c in columns)
        if requested != sorted(fold_identifier_case(c) for c in info.columns):
            raise ValueError(
                f"Columns {columns!r} do not match the columns of full-text search table '{fts}'"
            )
        with self.db.atomic():
            if info.content == self.name:
                self.db.execute(rebuild_sql(fts))
            else:
                self.db.execute(populate_missing_sql(self.name, fts, info.columns))
        return self

    def rebuild_fts(self):
        """Rebuild the FTS index; works on the content table or the FTS table (L-FTS-4)."""
        fts = self.detect_fts() or self.name
        with self.db.atomic():
            self.db.execute(rebuild_sql(fts))
        return self

    def disable_fts(self):
        """Drop the FTS table and every trigger writing to it, orphaned ones too (S-IDX-7)."""
        fts = self.detect_fts()
        default = f"{self.name}_fts"
        tables = {row[0] for row in self.db.execute("select name from sqlite_master")}
        drop = []
        for name, sql in self.db.execute(
            "select name, sql from sqlite_master where type = 'trigger'"
        ).fetchall():
            if fts and writes_to(sql, fts):
                drop.append(name)
            elif (
                default not in tables
                and name in {self.name + suffix for suffix in _TRIGGER_SUFFIXES}
                and writes_to(sql, default)
            ):
                drop.append(name)
        with self.db.atomic():
            for name in drop:
                self.db.execute(f"DROP TRIGGER IF EXISTS {quote_identifier(name)}")
            if fts:
                self.db.execute(f"DROP TABLE {quote_identifier(fts)}")
        return self

    def optimize(self):
        """Merge the FTS index's segments, if the table has one (S-IDX-8)."""
        fts = self.detect_fts()
        if fts is not None:
            with self.db.atomic():
                self.db.execute(optimize_sql(fts))
        return self

    # -- searching ---------------------------------------------------------------

    def _searchable(self) -> tuple[FtsInfo, bool]:
        """The FTS table to search and whether it has a custom FTS5 rank; cached per state."""
        stamp = (
            self.db.conn.total_changes,
            *self.db.execute("select * from pragma_schema_version, pragma_data_version").fetchone(),
        )
        cache = self.db.__dict__.setdefault("_search_targets", {})
        cached = cache.get(self.name)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        fts = self.detect_fts()
        info = fts_info(self.db, fts) if fts else None
        if info is None:
            raise ValueError(f"Full-text search is not configured for table '{self.name}'")
        check_search_target(self.db, info)
        target = (info, has_config_rank(self.db, info))
        cache[self.name] = (stamp, target)
        return target

    def search_sql(
        self,
        columns: Sequence[str] | None = None,
        order_by: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        where: str | None = None,
        include_rank: bool = False,
        *,
        ranking: str | None = None,
        k1: float | None = None,
        b: float | None = None,
        weights: Mapping[str, float] | None = None,
        snippet: bool | str | None = None,
        highlight: str | None = None,
        markers: Sequence[str] = ("<b>", "</b>"),
        ellipsis: str = "…",
        snippet_tokens: int = 15,
        optimized: bool = False,
    ) -> str:
        """SQL for a search taking a ``:query`` parameter (L-FTS-8, S-SRCH-5)."""
        info, config_rank = self._searchable()
        options = SearchOptions.build(
            info, ranking, k1, b, weights, snippet, highlight, markers, ellipsis, snippet_tokens
        )
        columns = self._resolve_columns(columns) if columns else None
        if options.is_baseline and not optimized:
            return baseline_sql(
                self.name, info, columns, order_by, limit, offset, where, include_rank
            )
        return ranked_sql(
            self.name,
            options,
            config_rank,
            columns,
            order_by,
            limit,
            offset,
            where,
            include_rank,
        )

    def search(
        self,
        q: str,
        order_by: str | None = None,
        columns: Sequence[str] | None = None,
        limit: int | None = None,
        offset: int | None = None,
        where: str | None = None,
        where_args: Mapping[str, Any] | None = None,
        include_rank: bool = False,
        quote: bool = False,
        *,
        prefix: str = "explicit",
        ranking: str | None = None,
        k1: float | None = None,
        b: float | None = None,
        weights: Mapping[str, float] | None = None,
        snippet: bool | str | None = None,
        highlight: str | None = None,
        markers: Sequence[str] = ("<b>", "</b>"),
        ellipsis: str = "…",
        snippet_tokens: int = 15,
    ) -> Iterator[dict[str, Any]]:
        """Yield rows matching ``q``, best first: rank ascending, then rowid (S-SRCH-3).

        ``quote=True`` makes any text a safe query with ``escape_query`` (a
        trailing ``*`` still searches a prefix). ``ranking``, ``k1``, ``b`` and
        ``weights`` tune BM25; ``snippet``/``highlight`` add marked-up text.
        """
        if where_args and "query" in where_args:
            raise ValueError(
                "'query' is a reserved key and cannot be passed to where_args for .search()"
            )
        if prefix not in PREFIX_MODES:
            raise ValueError("prefix must be one of 'explicit', 'last', 'all', 'none'")
        info, config_rank = self._searchable()
        options = SearchOptions.build(
            info, ranking, k1, b, weights, snippet, highlight, markers, ellipsis, snippet_tokens
        )
        if info.matchinfo_fts3 and (order_by is None or include_rank):
            raise fts3_error(info)
        query = escape_query(q, info.version, prefix) if quote else q
        if not escape_query(query, info.version):
            return iter(())
        columns = self._resolve_columns(columns) if columns else None
        sql = ranked_sql(
            self.name,
            options,
            config_rank,
            columns,
            order_by,
            limit,
            offset,
            where,
            include_rank,
        )
        params = {**(where_args or {}), "query": query}
        return run_search(self.db, sql, params, query, self.name, info.name)
