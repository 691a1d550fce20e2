"""Turning the driver's values into what SQLite stores (IDB-4, values).

Values arrive as the driver returns them. ``None``, ``int``, ``str``, ``bytes`` and ``bool``
are stored as they are; floats lose NaN; decimals follow the column (INTEGER, REAL or with
``--numeric-text`` exact text); dates and times become ISO text; UUIDs canonical text; arrays
JSON arrays of converted elements (L-GEN-6); anything else its ``str()``.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import math
import uuid
from collections.abc import Callable
from typing import Any

from datamill.core.values import jsonify_if_needed

#: Decimal digits a double keeps exactly: a decimal with more may be rounded by ``float()``.
EXACT_DIGITS = 15
REDACTED = "***"


class ValueConverter:
    """Converts one column's values; counts the decimals a REAL conversion rounded.

    ``decimals`` says what a ``Decimal`` becomes: ``"int"`` (an INTEGER column), ``"text"``
    (exact plain notation) or ``"float"``. Results are always None, int, float, str or bytes.
    """

    def __init__(self, decimals: str = "float") -> None:
        self.rounded = 0
        decimal_handler = {"int": _decimal_to_int, "text": _decimal_to_text}.get(
            decimals, self._decimal_to_float
        )
        self._handlers: dict[type, Callable[[Any], Any]] = {
            type(None): _same,
            int: _same,
            str: _same,
            bytes: _same,
            bool: _same,
            float: _float,
            decimal.Decimal: decimal_handler,
            memoryview: bytes,
            datetime.datetime: _isoformat,
            datetime.date: _isoformat,
            datetime.time: _isoformat,
            uuid.UUID: str,
            list: self._array,
            tuple: self._array,
            dict: jsonify_if_needed,
        }
        #: Inside arrays: binary values as base64 objects, nested arrays as lists.
        self._element_handlers: dict[type, Callable[[Any], Any]] = {
            **self._handlers,
            bytes: _base64,
            memoryview: _base64,
            list: self._items,
            tuple: self._items,
            dict: _same,
        }

    def __call__(self, value: Any) -> Any:
        return self._handlers.get(type(value), self._other)(value)

    def _other(self, value: Any) -> Any:
        """Subclasses of the known types as their base type; anything else as ``str()``."""
        handler = next((h for t, h in self._handlers.items() if isinstance(value, t)), str)
        return handler(value)

    def _decimal_to_float(self, value: decimal.Decimal) -> float | None:
        converted = float(value)
        if converted != converted:  # NaN
            return None
        # Text that short holds at most 15 digits, which a double keeps exactly.
        if len(str(value)) > EXACT_DIGITS and decimal.Decimal(repr(converted)) != value:
            self.rounded += 1
        return converted

    def _array(self, value: list[Any] | tuple[Any, ...]) -> str:
        return jsonify_if_needed(self._items(value))

    def _items(self, value: list[Any] | tuple[Any, ...]) -> list[Any]:
        handlers = self._element_handlers
        return [handlers.get(type(item), self._other)(item) for item in value]


def redact(value: Any) -> str:
    """A redacted column's value, whatever it was (IDB-2 ``--redact``)."""
    return REDACTED


def _same(value: Any) -> Any:
    return value


def _float(value: float) -> float | None:
    return None if math.isnan(value) else value


def _decimal_to_int(value: decimal.Decimal) -> int | None:
    return None if value.is_nan() else int(value)


def _decimal_to_text(value: decimal.Decimal) -> str:
    return format(value, "f")


def _base64(value: bytes | memoryview) -> dict[str, Any]:
    return {"$base64": True, "encoded": base64.b64encode(value).decode("ascii")}


def _isoformat(value: datetime.date | datetime.time) -> str:
    return value.isoformat()


def rounding_warning(label: str, count: int) -> str:
    """The per-column warning for REAL conversions that lost digits (IDB-4)."""
    values = "1 value was" if count == 1 else f"{count} values were"
    return (
        f"{label}: {values} rounded to 15-17 significant digits "
        "(use --numeric-text to keep them exact)"
    )
