"""How values are compared, converted and shown (DF-IN-8)."""

from __future__ import annotations

import json
from typing import Any


def as_text(value: Any) -> str:
    """Text form of a typed value, used when exactly one side is CSV/TSV."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return repr(value)


def json_default(value: Any) -> Any:
    """``json.dumps`` hook: BLOBs become ``{"$base64": true, "encoded": ...}``."""
    if isinstance(value, bytes):
        import base64  # only BLOBs need it: start-up (issue 11)

        return {"$base64": True, "encoded": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def cell_text(value: Any) -> str:
    """A value as a long-CSV cell (DF-LONG-1)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bytes):
        return repr(value)
    return json.dumps(value)


def row_json(row: dict[str, Any]) -> str:
    """A row object as one line of JSON text, non-ASCII kept (DF-LONG-1)."""
    return json.dumps(row, ensure_ascii=False, default=_blob_repr)


def _blob_repr(value: Any) -> Any:
    if isinstance(value, bytes):
        return repr(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
