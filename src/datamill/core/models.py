"""Small value types returned by introspection and accepted by schema methods (L-HELP)."""

from __future__ import annotations

import dataclasses
from collections import namedtuple
from typing import Any

Column = namedtuple("Column", ("cid", "name", "type", "notnull", "default_value", "is_pk"))
ColumnDetails = namedtuple(
    "ColumnDetails",
    (
        "table",
        "column",
        "total_rows",
        "num_null",
        "num_blank",
        "num_distinct",
        "most_common",
        "least_common",
    ),
)
Index = namedtuple("Index", ("seq", "name", "unique", "origin", "partial", "columns"))
XIndex = namedtuple("XIndex", ("name", "columns"))
XIndexColumn = namedtuple("XIndexColumn", ("seqno", "cid", "name", "desc", "coll", "key"))
Trigger = namedtuple("Trigger", ("name", "table", "sql"))

SQLITE_MAX_VARS = 999
ROWID_ALIASES = frozenset({"rowid", "_rowid_", "oid"})
FK_ACTIONS = ("NO ACTION", "RESTRICT", "SET NULL", "SET DEFAULT", "CASCADE")


@dataclasses.dataclass(frozen=True, order=True)
class ForeignKey:
    """A foreign key; compound keys carry all their columns in ``columns``/``other_columns``."""

    table: str
    column: str | None = dataclasses.field(compare=False)
    other_table: str
    other_column: str | None = dataclasses.field(compare=False)
    columns: tuple[str, ...] = ()
    other_columns: tuple[str, ...] = ()
    is_compound: bool = False
    on_delete: str = "NO ACTION"
    on_update: str = "NO ACTION"

    def __post_init__(self) -> None:
        columns = tuple(self.columns) if self.columns else ()
        other_columns = tuple(self.other_columns) if self.other_columns else ()
        if not columns and self.column is not None:
            columns = (self.column,)
        if not other_columns and self.other_column is not None:
            other_columns = (self.other_column,)
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "other_columns", other_columns)


def foreign_key(
    table: str,
    columns: tuple[str, ...],
    other_table: str,
    other_columns: tuple[str, ...],
    on_delete: str = "NO ACTION",
    on_update: str = "NO ACTION",
) -> ForeignKey:
    """The ForeignKey from ``columns`` of ``table`` to ``other_columns`` of ``other_table``;
    ``column``/``other_column`` are set only for a single-column key."""
    compound = len(columns) > 1
    return ForeignKey(
        table=table,
        column=None if compound else columns[0],
        other_table=other_table,
        other_column=None if compound else other_columns[0],
        columns=columns,
        other_columns=other_columns,
        is_compound=compound,
        on_delete=on_delete,
        on_update=on_update,
    )


class DescIndex(str):
    """Marks a column as descending in ``create_index``."""


class Default:
    """The type of ``DEFAULT``: "use the table's configured value"."""

    _instance: Default | None = None

    def __new__(cls) -> Default:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT: Any = Default()
