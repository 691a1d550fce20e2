"""Opaque ``_next`` tokens and the keyset condition that resumes after one (SV-TBL-4).

A keyset token holds the values of the ORDER BY terms for the last row of a page. The
condition for "after that row" is written out term by term with NULL-aware comparisons, so
paging returns every row exactly once in the order of a single ``ORDER BY`` (SQLite sorts
NULL first ascending and last descending), with duplicate sort values and compound keys.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from datamill.serve.errors import bad_request
from datamill.serve.filters import add_param

__all__ = ["OrderTerm", "encode_keyset", "encode_offset", "decode_token", "after_condition"]

_INVALID = "Invalid _next token"


@dataclass(frozen=True)
class OrderTerm:
    """One ORDER BY term: an SQL expression and its direction."""

    expression: str
    descending: bool = False

    def sql(self) -> str:
        return self.expression + (" desc" if self.descending else "")


def _pack(value: Any) -> Any:
    if isinstance(value, (bytes, memoryview)):
        return {"b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, float):
        if math.isinf(value):
            return {"f": "inf" if value > 0 else "-inf"}
        return {"f": repr(value)}
    return value


def _unpack(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"b"} and isinstance(value["b"], str):
            return base64.b64decode(value["b"].encode("ascii"), validate=True)
        if set(value) == {"f"} and isinstance(value["f"], str):
            return float(value["f"])
        raise ValueError("unknown value")
    if value is None or isinstance(value, (int, str)) and not isinstance(value, bool):
        return value
    raise ValueError("unknown value")


def _encode(payload: Any) -> str:
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def encode_keyset(values: Sequence[Any]) -> str:
    """A token resuming after the row whose ORDER BY values are ``values``."""
    return _encode({"k": [_pack(v) for v in values]})


def encode_offset(offset: int) -> str:
    """A token resuming after ``offset`` rows (views, rank order, SQL queries)."""
    return _encode({"o": offset})


def decode_token(token: str, terms: int | None) -> tuple[str, Any]:
    """``("k", values)`` or ``("o", offset)``; a 400 for anything malformed.

    ``terms`` is the number of ORDER BY terms a keyset token must carry, or None when only
    an offset token fits this request.
    """
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii"))
        if not isinstance(payload, dict) or len(payload) != 1:
            raise ValueError
        if "o" in payload:
            offset = payload["o"]
            if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
                raise ValueError
            return "o", offset
        values = payload["k"]
        if not isinstance(values, list) or terms is None or len(values) != terms:
            raise ValueError
        return "k", [_unpack(v) for v in values]
    except (ValueError, KeyError, UnicodeError, binascii.Error):
        raise bad_request(_INVALID) from None


def after_condition(
    terms: Sequence[OrderTerm], values: Sequence[Any], params: dict[str, Any]
) -> str:
    """SQL true for rows that come after ``values`` in ``terms`` order.

    Row r is after v when for some i, r equals v on terms 1..i-1 and is strictly after v on
    term i. ``IS`` compares NULL-aware; "strictly after" respects where NULLs sort.
    """
    alternatives = []
    for index, term in enumerate(terms):
        parts = []
        for earlier, value in zip(terms[:index], values[:index]):
            parts.append(
                f"{earlier.expression} is {_bind(params, value)}"
                if value is not None
                else f"{earlier.expression} is null"
            )
        strictly = _strictly_after(term, values[index], params)
        if strictly is None:
            continue
        parts.append(strictly)
        alternatives.append("(" + " and ".join(parts) + ")")
    return "(" + " or ".join(alternatives) + ")" if alternatives else "0"


def _strictly_after(term: OrderTerm, value: Any, params: dict[str, Any]) -> str | None:
    expression = term.expression
    if not term.descending:
        if value is None:
            return f"{expression} is not null"
        return f"{expression} > {_bind(params, value)}"
    if value is None:
        return None  # descending puts NULLs last: nothing sorts after a NULL
    return f"({expression} < {_bind(params, value)} or {expression} is null)"


def _bind(params: dict[str, Any], value: Any) -> str:
    return ":" + add_param(params, value)
