"""SQL text for setting up and maintaining FTS indexes (L-FTS-1..5, S-IDX-1, S-IDX-2, S-IDX-8)."""

from __future__ import annotations

from collections.abc import Sequence

from datamill.core.identifiers import quote_identifier as q

__all__ = [
    "create_fts_sql",
    "trigger_sql",
    "rebuild_sql",
    "optimize_sql",
    "populate_missing_sql",
]


def create_fts_sql(
    table: str, columns: Sequence[str], fts_version: str, tokenize_literal: str | None
) -> str:
    """``CREATE VIRTUAL TABLE "{table}_fts" USING FTSn (...)`` as sqlite-utils writes it."""
    tokenize = f"\n    tokenize={tokenize_literal}," if tokenize_literal else ""
    return (
        f"CREATE VIRTUAL TABLE {q(table + '_fts')} USING {fts_version} (\n"
        f"    {', '.join(q(c) for c in columns)},{tokenize}\n"
        f"    content={q(table)}\n)"
    )


def _guard(columns: Sequence[str]) -> str:
    changes = " OR ".join(f"old.{q(c)} IS NOT new.{q(c)}" for c in columns)
    return f"old.rowid IS NOT new.rowid OR {changes}"


def trigger_sql(table: str, columns: Sequence[str], fts_version: str) -> dict[str, str]:
    """The triggers keeping ``{table}_fts`` in sync, by name, in creation order.

    FTS5 gets ``_ai``, ``_ad`` and a guarded ``_au`` (S-IDX-1). External-content
    FTS4 has no ``'delete'`` command and must drop a row before its content
    changes, so it gets ``_ai``, ``_bd``, ``_bu`` and ``_au`` (S-IDX-2).
    """
    fts = q(table + "_fts")
    names = ", ".join(q(c) for c in columns)
    new_values = ", ".join(f"new.{q(c)}" for c in columns)
    old_values = ", ".join(f"old.{q(c)}" for c in columns)
    insert = f"  INSERT INTO {fts} (rowid, {names}) VALUES (new.rowid, {new_values});\n"
    on = q(table)
    guard = _guard(columns)
    triggers = {f"{table}_ai": f"AFTER INSERT ON {on} BEGIN\n{insert}END"}
    if fts_version == "FTS5":
        delete = (
            f"  INSERT INTO {fts} ({fts}, rowid, {names}) "
            f"VALUES('delete', old.rowid, {old_values});\n"
        )
        triggers[f"{table}_ad"] = f"AFTER DELETE ON {on} BEGIN\n{delete}END"
        triggers[f"{table}_au"] = f"AFTER UPDATE ON {on} WHEN {guard} BEGIN\n{delete}{insert}END"
    else:
        delete = f"  DELETE FROM {fts} WHERE rowid = old.rowid;\n"
        triggers[f"{table}_bd"] = f"BEFORE DELETE ON {on} BEGIN\n{delete}END"
        triggers[f"{table}_bu"] = f"BEFORE UPDATE ON {on} WHEN {guard} BEGIN\n{delete}END"
        triggers[f"{table}_au"] = f"AFTER UPDATE ON {on} WHEN {guard} BEGIN\n{insert}END"
    return {name: f"CREATE TRIGGER {q(name)} {body}" for name, body in triggers.items()}


def rebuild_sql(fts: str) -> str:
    """Rebuild an FTS index from its content (L-FTS-4, S-IDX-5)."""
    return f"INSERT INTO {q(fts)}({q(fts)}) VALUES('rebuild');"


def optimize_sql(fts: str) -> str:
    """Merge an FTS index's b-trees; single-quoted so it works without DQS (S-IDX-8)."""
    return f"INSERT INTO {q(fts)} ({q(fts)}) VALUES('optimize');"


def populate_missing_sql(table: str, fts: str, columns: Sequence[str]) -> str:
    """Index the rows of ``table`` that an FTS table holding its own content lacks."""
    names = ", ".join(q(c) for c in columns)
    return (
        f"INSERT INTO {q(fts)} (rowid, {names})\n"
        f"    SELECT rowid, {names} FROM {q(table)} "
        f"WHERE rowid NOT IN (SELECT rowid FROM {q(fts)});"
    )
