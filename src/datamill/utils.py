"""Compatibility import path ``datamill.utils`` (sqlite_utils.utils): helpers and types (L-UTIL)."""

from datamill.core.spatialite import SPATIALITE_PATHS, find_spatialite
from datamill.core.sqlite import OperationalError, sqlite3
from datamill.core.types import (
    ANY,
    column_affinity,
    suggest_column_types,
    types_for_column_types,
)
from datamill.core.values import (
    chunks,
    decode_base64_values,
    dedupe_keys,
    flatten,
    hash_record,
)
from datamill.io import (
    Format,
    RowError,
    RowsFromFileBadJSON,
    RowsFromFileError,
    TypeTracker,
    ValueTracker,
    rows_from_file,
)
from datamill.io.field_size import ORIGINAL_CSV_FIELD_SIZE_LIMIT, maximize_csv_field_size_limit
from datamill.io.progress import NullProgressBar, UpdateWrapper, file_progress, progressbar

__all__ = [
    "Format",
    "NullProgressBar",
    "UpdateWrapper",
    "file_progress",
    "progressbar",
    "ORIGINAL_CSV_FIELD_SIZE_LIMIT",
    "RowError",
    "RowsFromFileBadJSON",
    "RowsFromFileError",
    "TypeTracker",
    "ValueTracker",
    "maximize_csv_field_size_limit",
    "rows_from_file",
    "ANY",
    "OperationalError",
    "SPATIALITE_PATHS",
    "chunks",
    "column_affinity",
    "decode_base64_values",
    "dedupe_keys",
    "find_spatialite",
    "flatten",
    "hash_record",
    "sqlite3",
    "suggest_column_types",
    "types_for_column_types",
]
