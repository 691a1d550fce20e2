"""Errors that name the input row and column that caused them (L-IMP-4)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from datamill.core.identifiers import fold_identifier_case

_COLUMN_PATTERNS = (
    re.compile(r"NOT NULL constraint failed: (?:[^.\s]+\.)?(\S+)$"),
    re.compile(r"UNIQUE constraint failed: (?:[^.\s,]+\.)?([^,\s]+)$"),
    re.compile(r"cannot store \w+ value in \w+ column (?:[^.\s]+\.)?(\S+)$"),
    re.compile(r"has no column named (.+)$"),
)
_BINDING = re.compile(r"binding parameter (?::\w+|(\d+))")


def column_from_message(message: str, columns: Sequence[str]) -> str | None:
    """The column an SQLite or binding error message names, if exactly one can be identified."""
    for pattern in _COLUMN_PATTERNS:
        match = pattern.search(message)
        if match:
            name = match.group(1)
            folded = fold_identifier_case(name)
            for column in columns:
                if fold_identifier_case(column) == folded:
                    return column
            return name
    binding = _BINDING.search(message)
    if binding and binding.group(1):
        index = int(binding.group(1)) - 1
        if 0 <= index < len(columns):
            return columns[index]
    return None


def annotate(error: BaseException, row: int, column: str | None) -> BaseException:
    """A copy of ``error`` (same class) whose message ends with the row and column.

    The copy keeps ``sqlite_errorcode``/``sqlite_errorname`` and gains ``row_number`` and
    ``column`` attributes; raise it ``from`` the original to chain the two.
    """
    where = f"row {row}" if column is None else f'row {row}, column "{column}"'
    annotated = type(error)(f"{error} ({where})")
    for attribute in ("sqlite_errorcode", "sqlite_errorname"):
        if hasattr(error, attribute):
            setattr(annotated, attribute, getattr(error, attribute))
    annotated.row_number = row  # type: ignore[attr-defined]
    annotated.column = column  # type: ignore[attr-defined]
    return annotated
