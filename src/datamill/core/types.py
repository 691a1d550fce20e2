"""Python <-> SQL column types and type suggestion (L-TYPE, L-IMP-3.3)."""

from __future__ import annotations

import datetime
import decimal
import sys
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


def _optional_types() -> dict[Any, str]:
    """numpy's scalar types and ``pandas.Timestamp``, for those the program has imported."""
    found: dict[Any, str] = {}
    np = sys.modules.get("numpy")
    if np is not None:
        for name in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"):
            found[getattr(np, name)] = "INTEGER"
        for name in ("float16", "float32", "float64"):
            found[getattr(np, name)] = "REAL"
    pd = sys.modules.get("pandas")
    if pd is not None:
        found[pd.Timestamp] = "TEXT"
    return found


class _TypeMapping(dict):
    """``COLUMN_TYPE_MAPPING``: numpy's and pandas' types are looked up once a value of
    theirs is, as only a program that imported them can hold one (importing them here would
    cost every command their start-up time and memory)."""

    def __missing__(self, key: Any) -> str:
        added = {type_: sql for type_, sql in _optional_types().items() if type_ not in self}
        if key not in added:
            raise KeyError(key)
        self.update(added)
        return added[key]


COLUMN_TYPE_MAPPING = _TypeMapping(COLUMN_TYPE_MAPPING)


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
