"""Python <-> SQL column types and type suggestion (L-TYPE, L-IMP-3.3)."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Mapping
from typing import Any


class ANY:
    """Marker for an ``ANY`` column, which keeps each value's storage class in STRICT tables."""

    __module__ = "datamill.utils"  # its documented home (L-INTRO-11)


COLUMN_TYPE_MAPPING: dict[Any, str] = {
    float: "REAL",
    int: "INTEGER",
    bool: "INTEGER",
    str: "TEXT",
    dict: "TEXT",
    tuple: "TEXT",
    list: "TEXT",
    bytes: "BLOB",
    memoryview: "BLOB",
    decimal.Decimal: "REAL",
    datetime.datetime: "TEXT",
    datetime.date: "TEXT",
    datetime.time: "TEXT",
    datetime.timedelta: "TEXT",
    uuid.UUID: "TEXT",
    type(None): "TEXT",
    ANY: "ANY",
    "TEXT": "TEXT",
    "text": "TEXT",
    "str": "TEXT",
    "INTEGER": "INTEGER",
    "integer": "INTEGER",
    "int": "INTEGER",
    "FLOAT": "FLOAT",
    "float": "REAL",
    "REAL": "REAL",
    "real": "REAL",
    "BLOB": "BLOB",
    "blob": "BLOB",
    "bytes": "BLOB",
    "ANY": "ANY",
    "any": "ANY",
}

try:  # pragma: no cover - optional
    import numpy as np

    COLUMN_TYPE_MAPPING.update(
        {
            np.int8: "INTEGER",
            np.int16: "INTEGER",
            np.int32: "INTEGER",
            np.int64: "INTEGER",
            np.uint8: "INTEGER",
            np.uint16: "INTEGER",
            np.uint32: "INTEGER",
            np.uint64: "INTEGER",
            np.float16: "REAL",
            np.float32: "REAL",
            np.float64: "REAL",
        }
    )
except ImportError:
    pass

try:  # pragma: no cover - optional
    import pandas as pd

    COLUMN_TYPE_MAPPING[pd.Timestamp] = "TEXT"
except ImportError:
    pass


def sql_type(column_type: Any, strict: bool = False) -> str:
    """The SQL type for a ``COLUMN_TYPE_MAPPING`` key; ``KeyError`` for anything else."""
    sql = COLUMN_TYPE_MAPPING[column_type]
    if sql == "FLOAT" and strict:
        return "REAL"
    return sql


def column_affinity(column_type: str) -> type:
    """The Python type for a declared SQL column type, following SQLite's affinity rules."""
    column_type = column_type.upper().strip()
    if column_type == "":
        return str
    if "INT" in column_type:
        return int
    if "CHAR" in column_type or "CLOB" in column_type or "TEXT" in column_type:
        return str
    if "BLOB" in column_type:
        return bytes
    if "REAL" in column_type or "FLOA" in column_type or "DOUB" in column_type:
        return float
    if column_type == "ANY":
        return ANY
    return float


def types_for_column_types(all_column_types: Mapping[str, set[type]]) -> dict[str, type]:
    """Reduce each column's set of seen Python types to one type (L-TYPE-3 rules 1-7)."""
    column_types: dict[str, type] = {}
    for key, types in all_column_types.items():
        types = set(types)
        if len(types) > 1:
            types.discard(type(None))
        if not types or types == {type(None)}:
            t: type = str
        elif len(types) == 1:
            t = next(iter(types))
            if issubclass(t, (list, tuple, dict)):
                t = str
        elif types <= {int, bool}:
            t = int
        elif types <= {int, float, bool}:
            t = float
        elif types <= {bytes, str}:
            t = bytes
        else:
            t = str
        column_types[key] = t
    return column_types


def suggest_column_types(records: Iterable[Mapping[str, Any]]) -> dict[str, type]:
    """Suggest a Python type per column from the values in ``records`` (L-TYPE-3, L-IMP-3.3)."""
    all_column_types: dict[str, set[type]] = {}
    for record in records:
        for key, value in record.items():
            all_column_types.setdefault(key, set()).add(type(value))
    return types_for_column_types(all_column_types)
