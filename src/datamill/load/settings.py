"""What a load does and what it reports: settings, batch sizes and counts (C-INSERT, I-5)."""

from __future__ import annotations

import dataclasses
from typing import Any

WINDOW = 100  # C-INSERT sample window for JSON-like input
DICT_BATCH = 1000
CSV_BATCH = 5000
# rows per CSV INSERT: 1000 measured best on bench/ingest.py; 500 and 2000 were ~3% slower,
# and 2000 rows' prepared statement added 15 MB of RSS
ROWS_PER_STATEMENT = 1000
# CSV ingest: the writer binds ~18 values per row and waits for the GIL after every statement;
# a 0.1 ms switch interval while the reader thread runs took bench/ingest.py's 1M-row CSV from
# 3.5 s to 3.2 s. JSON loads, whose writer does more Python work, were slower with it.
CSV_SWITCH_INTERVAL = 0.0001
NUMERIC_TYPES = {"INTEGER", "REAL", "FLOAT"}
DECLARED_TYPES = {
    "integer": "INTEGER",
    "text": "TEXT",
    "float": "FLOAT",
    "real": "REAL",
    "blob": "BLOB",
    "any": "ANY",
}


@dataclasses.dataclass
class LoadSettings:
    """What to do with the records: the insert/upsert options that shape the table."""

    table: str
    pk: tuple[str, ...] = ()
    alter: bool = False
    ignore: bool = False
    replace: bool = False
    truncate: bool = False
    upsert: bool = False
    analyze: bool = False
    strict: bool = False
    detect_types: bool = True
    empty_null: bool = False
    flatten: bool = False
    not_null: tuple[str, ...] = ()
    defaults: dict[str, str] = dataclasses.field(default_factory=dict)
    types: dict[str, str] = dataclasses.field(default_factory=dict)
    batch_size: int | None = None
    stop_after: int | None = None

    @property
    def pk_value(self) -> Any:
        if not self.pk:
            return None
        return self.pk[0] if len(self.pk) == 1 else self.pk


@dataclasses.dataclass
class LoadResult:
    """Counts for the I-5 summary."""

    records: int = 0
    inserted: int = 0
    ignored: int = 0
    replaced: int = 0
