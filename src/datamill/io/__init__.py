"""Streaming input: CSV/TSV/JSON/NDJSON readers, format and type detection (L-UTIL-2..4).

The public names are imported on first use, as in ``datamill``: ``diff`` needs only the
dialect sniffer and the header check, not the readers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datamill.lazy_exports import load_export

if TYPE_CHECKING:
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

#: Each public name and the module that defines it.
_EXPORTS = {
    "CSVInputError": "datamill.io.errors",
    "Format": "datamill.io.formats",
    "InputError": "datamill.io.errors",
    "RowError": "datamill.io.errors",
    "RowsFromFileBadJSON": "datamill.io.errors",
    "RowsFromFileError": "datamill.io.errors",
    "TypeTracker": "datamill.io.detect",
    "ValueTracker": "datamill.io.detect",
    "rows_from_file": "datamill.io.rows_from_file",
}

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


def __getattr__(name: str) -> Any:
    return load_export(__name__, _EXPORTS, globals(), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
