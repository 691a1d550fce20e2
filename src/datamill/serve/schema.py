"""What a served database holds: tables, views, keys, foreign keys and FTS (read once per version)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from datamill.core.identifiers import quote_identifier
from datamill.core.sqlite import sqlite3
from datamill.core.types import column_affinity
from datamill.search.fts_info import FtsInfo, detect_fts, fts_info
from datamill.serve.connection import ReadConnection

__all__ = ["ForeignKey", "Relation", "Schema", "read_schema"]

_WITHOUT_ROWID = re.compile(r"\)\s*WITHOUT\s+ROWID\s*(,|$)", re.IGNORECASE)
_FTS_SHADOW_SUFFIXES = (
    "_config",
    "_content",
    "_data",
    "_docsize",
    "_idx",
    "_segdir",
    "_segments",
    "_stat",
)
_ALWAYS_HIDDEN = {"sqlite_sequence", "sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}
_SPATIALITE = re.compile(
    r"^(spatial_ref_sys|spatialite_history|sql_statements_log|sqlite_sequence|"
    r"geometry_columns.*|views_geometry_columns.*|virts_geometry_columns.*|"
    r"idx_.+_geometry.*|ElementaryGeometries|KNN2?|SpatialIndex|data_licenses|"
    r"vector_layers.*|raster_coverages.*|wms_.*|topologies|networks|"
    r"rl2map_configurations.*|SE_.*|ISO_metadata.*|stored_.*)$"
)


@dataclass(frozen=True)
class ForeignKey:
    """One column of this table referencing a column of another."""

    column: str
    other_table: str
    other_column: str


@dataclass
class Relation:
    """A table, virtual table or view, with the facts the pages need."""

    name: str
    kind: str  # "table", "virtual" or "view"
    sql: str
    columns: list[str]
    types: dict[str, str]
    pks: list[str] = field(default_factory=list)
    #: How to select the rowid (``rowid``, ``_rowid_`` or ``oid``); None without one.
    rowid: str | None = None
    fts: FtsInfo | None = None
    hidden: bool = False
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    has_count_triggers: bool = False
    #: The columns that start an index (for the facet time-out hint).
    indexed_first_columns: frozenset[str] = frozenset()
    notnull: dict[str, bool] = field(default_factory=dict)
    defaults: dict[str, str | None] = field(default_factory=dict)
    pk_positions: dict[str, int] = field(default_factory=dict)
    hidden_kinds: dict[str, int] = field(default_factory=dict)
    index_sql: list[str] = field(default_factory=list)

    @property
    def is_view(self) -> bool:
        return self.kind == "view"

    @property
    def key_columns(self) -> list[str]:
        """The columns that identify a row in URLs: the declared key, else ``rowid``."""
        return self.pks or (["rowid"] if self.rowid else [])

    @property
    def rowid_is_key(self) -> bool:
        """True when the rowid alone orders and identifies rows (no declared key, or an alias)."""
        return self.rowid is not None and (
            not self.pks
            or (len(self.pks) == 1 and self.types.get(self.pks[0], "").upper() == "INTEGER")
        )

    def has_text_affinity(self, column: str) -> bool:
        declared = self.types.get(column, "")
        return declared.strip() != "" and column_affinity(declared) is str


@dataclass
class Schema:
    """All relations of one database version, by name, plus listing facts."""

    relations: dict[str, Relation]
    shadow_tables: frozenset[str]
    is_history: bool = False

    def tables(self) -> list[Relation]:
        """Tables (virtual ones included), by name, without FTS shadow tables (A5)."""
        return sorted(
            (
                r
                for r in self.relations.values()
                if not r.is_view and r.name not in self.shadow_tables
            ),
            key=lambda r: r.name,
        )

    def views(self) -> list[Relation]:
        return sorted((r for r in self.relations.values() if r.is_view), key=lambda r: r.name)

    def get(self, name: str) -> Relation | None:
        relation = self.relations.get(name)
        return None if relation is None or name in self.shadow_tables else relation


def _table_list(conn: ReadConnection) -> dict[str, tuple[str, int]] | None:
    """``{name: (type, without_rowid)}`` from ``PRAGMA table_list`` (SQLite 3.37+), else None."""
    try:
        rows = conn.conn.execute(
            "select name, type, wr from pragma_table_list where schema = 'main'"
        )
        return {name: (kind, wr) for name, kind, wr in rows}
    except sqlite3.Error:
        return None


def _rowid_alias(columns: list[str]) -> str | None:
    lowered = {c.lower() for c in columns}
    return next((alias for alias in ("rowid", "_rowid_", "oid") if alias not in lowered), None)


def read_schema(conn: ReadConnection, hidden_names: frozenset[str] = frozenset()) -> Schema:
    """Read every relation of the main schema; ``hidden_names`` come from metadata."""
    execute = conn.conn.execute
    master = execute(
        "select type, name, sql from sqlite_master where type in ('table', 'view') order by rowid"
    ).fetchall()
    triggers = {row[0] for row in execute("select name from sqlite_master where type = 'trigger'")}
    listing = _table_list(conn)
    fts_names = [name for kind, name, sql in master if kind == "table" and _is_fts(sql)]
    if listing is not None:
        shadow = frozenset(name for name, (kind, _) in listing.items() if kind == "shadow")
    else:
        shadow = frozenset(
            name
            for _, name, _ in master
            for fts in fts_names
            if name.startswith(fts) and name[len(fts) :] in _FTS_SHADOW_SUFFIXES
        )
    index_starts = _index_first_columns(conn)
    index_sql: dict[str, list[str]] = {}
    for table, sql in execute(
        "select tbl_name, sql from sqlite_master where type = 'index' and sql is not null"
    ):
        index_sql.setdefault(table, []).append(sql)
    relations: dict[str, Relation] = {}
    for kind, name, sql in master:
        sql = sql or ""
        quoted = quote_identifier(name)
        # Hidden virtual-table columns too (an FTS table's own), as 1.0a41 selects them.
        info = execute(f"PRAGMA table_xinfo({quoted})").fetchall()
        columns = [row[1] for row in info]
        relation = Relation(
            name=name,
            kind="view"
            if kind == "view"
            else ("virtual" if sql.upper().startswith("CREATE VIRTUAL") else "table"),
            sql=sql,
            columns=columns,
            types={row[1]: row[2] or "" for row in info},
            notnull={row[1]: bool(row[3]) for row in info},
            defaults={row[1]: row[4] for row in info},
            pk_positions={row[1]: row[5] for row in info},
            hidden_kinds={row[1]: row[6] for row in info},
        )
        if kind == "table":
            relation.pks = [row[1] for row in sorted((r for r in info if r[5]), key=lambda r: r[5])]
            without_rowid = (
                bool(listing[name][1])
                if listing is not None and name in listing
                else bool(_WITHOUT_ROWID.search(sql))
            )
            if not without_rowid:
                relation.rowid = _rowid_alias(columns)
            relation.foreign_keys = [
                ForeignKey(row[3], row[2], row[4] or "")
                for row in execute(f"PRAGMA foreign_key_list({quoted})").fetchall()
            ]
            relation.has_count_triggers = {
                f"{name}_counts_insert",
                f"{name}_counts_delete",
            } <= triggers
            relation.indexed_first_columns = index_starts.get(name, frozenset())
            relation.index_sql = index_sql.get(name, [])
            relation.hidden = (
                relation.kind == "virtual"
                or name.startswith("_")
                or name in _ALWAYS_HIDDEN
                or bool(_SPATIALITE.match(name))
                or name in hidden_names
            )
        else:
            relation.hidden = name in hidden_names
        relations[name] = relation
    for relation in relations.values():
        if relation.kind != "view" and relation.name not in shadow:
            fts_name = detect_fts(conn.db, relation.name)  # an FTS table finds itself
            relation.fts = fts_info(conn.db, fts_name) if fts_name else None
        _resolve_foreign_key_columns(relation, relations)
    is_history = all(name in relations for name in ("namespaces", "commits", "columns"))
    return Schema(relations=relations, shadow_tables=shadow, is_history=is_history)


def _is_fts(sql: str | None) -> bool:
    return bool(sql) and bool(re.search(r"USING\s+FTS[345]\b", sql or "", re.IGNORECASE))


def _index_first_columns(conn: ReadConnection) -> dict[str, frozenset[str]]:
    rows = conn.conn.execute(
        "select m.tbl_name, ii.name from sqlite_master m, pragma_index_info(m.name) ii "
        "where m.type = 'index' and ii.seqno = 0"
    ).fetchall()
    result: dict[str, set[str]] = {}
    for table, column in rows:
        if column is not None:
            result.setdefault(table, set()).add(column)
    return {table: frozenset(columns) for table, columns in result.items()}


def _resolve_foreign_key_columns(relation: Relation, relations: dict[str, Relation]) -> None:
    """A reference without a column means the other table's primary key."""
    resolved = []
    for fk in relation.foreign_keys:
        other = relations.get(fk.other_table)
        column = fk.other_column or (other.pks[0] if other and other.pks else "rowid")
        resolved.append(ForeignKey(fk.column, fk.other_table, column))
    relation.foreign_keys = resolved
