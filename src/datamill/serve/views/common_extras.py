"""Values of the extras every row-returning resource offers (1.0a41 shapes, SV-GEN-4 A3)."""

from __future__ import annotations

import hashlib
from typing import Any

from datamill.serve.extras import EXTRAS
from datamill.serve.schema import Relation
from datamill.serve.views.context import RequestContext

__all__ = ["common_extra", "column_details", "COMMON"]

COMMON = frozenset(
    {"render_cell", "debug", "request", "extras", "database_color", "private", "timing"}
)


def database_color(name: str) -> str:
    return hashlib.md5(name.encode("utf-8"), usedforsecurity=False).hexdigest()[:6]


def column_details(relation: Relation) -> dict[str, dict[str, Any]]:
    """``column_details``: declared type, affinity, NOT NULL, default, key position, hidden."""
    return {
        column: {
            "type": relation.types.get(column, ""),
            "sqlite_type": _affinity(relation.types.get(column, "")),
            "notnull": relation.notnull.get(column, False),
            "default": relation.defaults.get(column),
            "is_pk": bool(relation.pk_positions.get(column)),
            "pk_position": relation.pk_positions.get(column, 0),
            "hidden": relation.hidden_kinds.get(column, 0),
        }
        for column in relation.columns
    }


def _affinity(declared: str) -> str:
    """SQLite's affinity rules (section 3.1 of its datatype documentation)."""
    upper = declared.upper()
    if "INT" in upper:
        return "INTEGER"
    if any(word in upper for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in upper or not upper:
        return "BLOB"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB")):
        return "REAL"
    return "NUMERIC"


def common_extra(
    name: str, ctx: RequestContext, scope: str, rows: list, selected: list[str]
) -> Any:
    """The value of an extra whose shape does not depend on the resource."""
    route = ctx.route
    if name == "render_cell":
        return [{} for _ in rows]
    if name == "debug":
        url_vars = {"database": route.db, "format": route.fmt}
        if route.table is not None:
            url_vars["table"] = route.table
        if route.key is not None:
            url_vars["pks"] = ",".join(route.key)
        return {"url_vars": url_vars, "scope": scope}
    if name == "request":
        info = ctx.info
        args: dict[str, list[str]] = {}
        for key, value in info.pairs:
            args.setdefault(key, []).append(value)
        full_path = ctx.link(info.pairs).split(info.host, 1)[1]
        return {
            "url": ctx.link(info.pairs),
            "path": info.path,
            "full_path": full_path,
            "host": info.host,
            "args": args,
        }
    if name == "extras":
        pairs = ctx.pairs
        offered = []
        for extra, (scopes, description) in EXTRAS.items():
            if scope not in scopes:
                continue
            if extra in selected:
                toggled = _without_extra(pairs, extra)
            else:
                toggled = [*pairs, ("_extra", extra)]
            offered.append(
                {
                    "name": extra,
                    "description": description,
                    "toggle_url": ctx.link(toggled),
                    "selected": extra in selected,
                }
            )
        return offered
    if name == "database_color":
        return database_color(route.db or "")
    if name == "private":
        return False
    if name == "timing":
        return ctx.timing()
    raise KeyError(name)


def _without_extra(pairs: list[tuple[str, str]], extra: str) -> list[tuple[str, str]]:
    result = []
    for key, value in pairs:
        if key in ("_extra", "_extras"):
            names = [n for n in value.split(",") if n and n != extra]
            if names:
                result.append((key, ",".join(names)))
        else:
            result.append((key, value))
    return result
