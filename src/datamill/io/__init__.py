"""Streaming input: CSV/TSV/JSON/NDJSON readers, format and type detection (L-UTIL-2..4)."""

from datamill.io.detect import TypeTracker, ValueTracker
from datamill.io.errors import (
    CSVInputError,
    InputError,
    RowError,
    RowsFromFileBadJSON,
    RowsFromFileError,
)
from datamill.io.formats import Format
from datamill.io.rows_from_file import rows_from_file

__all__ = [
    "CSVInputError",
    "Format",
    "InputError",
    "RowError",
    "RowsFromFileBadJSON",
    "RowsFromFileError",
    "TypeTracker",
    "ValueTracker",
    "rows_from_file",
]
