"""How values are compared, converted and shown (DF-IN-8)."""

from __future__ import annotations

import functools
import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

_CODE = re.compile(r"\s*[+-]?0[0-9]")  # 007, 00501: a code, never a number (DF-IN-8)


class NumberText(str):
    """The text of an INTEGER or REAL from a typed side, compared with CSV text (DF-IN-8).

    It is the plain text (``str(int)`` or ``repr(float)``) everywhere; only
    ``equal_in_mixed_formats`` uses that it denotes a number.
    """

    __slots__ = ()

    @property
    def number(self) -> int | float:
        """The number this text was made from (``repr`` round-trips a float exactly)."""
        return int(self) if self.lstrip("-").isdigit() else float(self)


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
        return NumberText(repr(value))
    if isinstance(value, int):
        return NumberText(value)
    return repr(value)


def equal_in_mixed_formats(old: Any, new: Any) -> bool:
    """DF-IN-8 equality when exactly one side is CSV/TSV: text equality, or a number
    from the typed side against a CSV field that denotes the same number."""
    if old == new:
        return True
    if type(old) is NumberText and type(new) is str:
        return _denotes(new, old.number)
    if type(new) is NumberText and type(old) is str:
        return _denotes(old, new.number)
    return False


def number_bucket(value: Any) -> Any:
    """Where ``value`` falls when rows are paired by content in mixed formats (DF-KEY-3).

    Text that denotes a number, from either side, falls with the numbers that equal it
    (rounded to 15 significant digits, which also holds SQLite's one-ulp-off REALs);
    values equal under ``equal_in_mixed_formats`` always share a bucket.
    """
    if not isinstance(value, str) or not value.isascii() or _CODE.match(value):
        return value
    try:
        return (format(float(value), ".15g"),)
    except ValueError:
        return value


def _denotes(field: str, number: int | float) -> bool:
    """Whether CSV text ``field`` is a number equal to ``number`` (DF-FIX-9).

    The field is parsed as Python ``int``/``float``; a REAL also equals a field that the
    running SQLite's own text-to-REAL conversion (``CAST(field AS REAL)``) turns into it.
    """
    if not field.isascii() or _CODE.match(field):
        return False
    try:
        parsed: int | float = int(field)
    except ValueError:
        try:
            parsed = float(field)
        except ValueError:
            return False
    if parsed == number:
        return True
    return isinstance(number, float) and _sqlite_real(field) == number


def _sqlite_real(field: str) -> float:
    return _sqlite().execute("select cast(? as real)", (field,)).fetchone()[0]


@functools.cache
def _sqlite() -> sqlite3.Connection:
    import sqlite3  # only mixed-format diffs with a REAL to check need it: start-up

    return sqlite3.connect(":memory:", check_same_thread=False)


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
