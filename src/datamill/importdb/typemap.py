"""Reflected source column types to declared SQLite types (the IDB-4 type table)."""

from __future__ import annotations

import sqlalchemy as sa

INTEGER = "INTEGER"
REAL = "REAL"
TEXT = "TEXT"
BLOB = "BLOB"
UNTYPED = ""
#: The largest NUMERIC precision whose scale-0 values always fit a 64-bit INTEGER.
INTEGER_DIGITS = 18
BINARY_TYPES = (sa.LargeBinary, sa.BINARY, sa.VARBINARY)
#: Type names SQLAlchemy does not place in its Integer family.
OTHER_INTEGER_TYPES = frozenset({"YEAR"})


def declared_type(column_type: sa.types.TypeEngine, numeric_text: bool, sqlite: bool) -> str:
    """The SQLite type a column of this reflected type is declared with.

    ``sqlite`` says the source is SQLite, where a column without a declared type stays
    without one.
    """
    if isinstance(column_type, (sa.Integer, sa.Boolean)):
        return INTEGER
    if getattr(column_type, "__visit_name__", "").upper() in OTHER_INTEGER_TYPES:
        return INTEGER
    if isinstance(column_type, sa.Float):
        return REAL
    if isinstance(column_type, sa.Numeric):
        precision, scale = column_type.precision, column_type.scale
        if scale == 0 and precision is not None and precision <= INTEGER_DIGITS:
            return INTEGER
        return TEXT if numeric_text else REAL
    if isinstance(column_type, BINARY_TYPES):
        return BLOB
    if sqlite and isinstance(column_type, sa.types.NullType):
        return UNTYPED
    return TEXT


def needs_conversion(column_type: sa.types.TypeEngine, sqlite: bool) -> bool:
    """Whether the driver may return values SQLite cannot store as they are.

    SQLite sources return only integers, floats (never NaN), text, blobs and NULL; for other
    sources integers, booleans, strings and binary columns arrive ready to store.
    """
    if sqlite:
        return False
    return not isinstance(column_type, (sa.Integer, sa.Boolean, sa.String, *BINARY_TYPES))
