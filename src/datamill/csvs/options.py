"""The settings of one ``csvs`` run and the parsing of its option texts (CS-2, CS-4, CS-7)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from typing import Any

from datamill.csvs.errors import CsvsError

SHAPE_TYPES = ("integer", "real", "text", "blob", "numeric")
_SHAPE_ENTRY = re.compile(r"^(?P<csv>[^:(]+?)(?::(?P<db>[^(]+?))?\s*(?:\((?P<type>[^)]*)\))?$")


@dataclass(frozen=True)
class ShapeColumn:
    """One ``--shape`` entry: keep CSV column ``source`` as ``name``, typed if ``type``."""

    source: str
    name: str
    type: str | None


@dataclass(frozen=True)
class Extract:
    """One ``-c`` option: column ``column`` moves to lookup ``table``.``value_column``."""

    column: str
    table: str
    value_column: str


def parse_shape(text: str) -> list[ShapeColumn]:
    """``csvcol[:dbcol][(TYPE)],...`` (CS-4); a bad TYPE is a ``CsvsError``."""
    shape = []
    for entry in (e.strip() for e in text.split(",")):
        match = _SHAPE_ENTRY.match(entry)
        if not entry or match is None:
            raise CsvsError(f'Invalid --shape entry "{entry}"')
        source = match["csv"].strip()
        name = (match["db"] or source).strip()
        kind = match["type"]
        if kind is not None and kind.strip().lower() not in SHAPE_TYPES:
            raise CsvsError(
                f'Invalid --shape type "{kind.strip()}" for column "{name}" - '
                "use integer, real, text, blob or numeric"
            )
        shape.append(ShapeColumn(source, name, kind.strip().upper() if kind else None))
    return shape


def parse_extract(text: str) -> Extract:
    """``COL``, ``COL:TABLE`` or ``COL:TABLE:VALUECOL`` (CS-7)."""
    column, _, rest = text.partition(":")
    table, _, value_column = rest.partition(":")
    return Extract(column, table or column, value_column or "value")


def dialect_params(separator: str, quoting: int) -> dict[str, Any]:
    """``csv.reader`` parameters: QUOTE_NONE (3) makes ``"`` data; 0-2 are standard CSV."""
    params: dict[str, Any] = {"delimiter": separator}
    if quoting == csv.QUOTE_NONE:
        params["quoting"] = csv.QUOTE_NONE
    return params


@dataclass
class CsvsOptions:
    """Everything a run needs besides its inputs and database (CS-2)."""

    separator: str = ","
    quoting: int = 0
    skip_errors: bool = False
    replace_tables: bool = False
    table: str | None = None
    extract: list[Extract] = field(default_factory=list)
    date: list[str] = field(default_factory=list)
    datetime: list[str] = field(default_factory=list)
    datetime_format: list[str] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)
    fts: list[str] = field(default_factory=list)
    index: list[list[str]] = field(default_factory=list)
    shape: list[ShapeColumn] | None = None
    filename_column: str | None = None
    fixed_columns: list[tuple[str, object]] = field(default_factory=list)
    index_fks: bool = True
    fulltext_fks: bool = True
    just_strings: bool = False
    encoding: str | None = None

    def check(self) -> None:
        """Option combinations no input can make valid (CS-7)."""
        value_columns: dict[str, str] = {}
        for extract in self.extract:
            seen = value_columns.setdefault(extract.table.lower(), extract.value_column)
            if seen != extract.value_column:
                raise CsvsError(
                    f'-c options give lookup table "{extract.table}" two value columns: '
                    f"{seen}, {extract.value_column}"
                )
