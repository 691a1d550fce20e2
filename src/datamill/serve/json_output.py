"""JSON values and bodies (SV-JSON-4): BLOBs as base64 objects, non-finite REALs as null."""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

from datamill.core.values import dedupe_keys

__all__ = ["dumps", "objects", "parse_json_columns", "blob_json"]


def blob_json(value: bytes | memoryview) -> dict[str, Any]:
    return {"$base64": True, "encoded": base64.b64encode(bytes(value)).decode("ascii")}


def _default(value: Any) -> Any:
    if isinstance(value, (bytes, memoryview)):
        return blob_json(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def dumps(data: Any) -> str:
    """Serialise with non-ASCII kept; infinities (SQLite can store them) become null."""
    try:
        return json.dumps(data, ensure_ascii=False, default=_default, allow_nan=False)
    except ValueError:
        return json.dumps(_finite(data), ensure_ascii=False, default=_default)


def objects(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[dict[str, Any]]:
    """Rows as objects; duplicate column names get ``_2``, ``_3``... (L-QRY-3)."""
    keys = dedupe_keys(list(columns))
    return [dict(zip(keys, row)) for row in rows]


def parse_json_columns(
    columns: Sequence[str], rows: list[tuple], names: Sequence[str]
) -> list[tuple]:
    """``_json=col``: replace valid JSON text in those columns with the parsed value."""
    positions = [i for i, column in enumerate(columns) if column in set(names)]
    if not positions:
        return rows
    result = []
    for row in rows:
        values = list(row)
        for i in positions:
            if isinstance(values[i], str):
                try:
                    values[i] = json.loads(values[i])
                except ValueError:
                    pass
        result.append(tuple(values))
    return result
