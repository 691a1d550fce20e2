"""Errors that name the input row and column that caused them (L-IMP-4)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from datamill.core.identifiers import fold_identifier_case

E = TypeVar("E", bound=BaseException)

_QUALIFIED_COLUMN_PATTERNS = (
    re.compile(r"NOT NULL constraint failed: (.+)$"),
    re.compile(r"UNIQUE constraint failed: (.+)$"),
    re.compile(r"cannot store \w+ value in \w+ column (.+)$"),
)
NO_COLUMN_NAMED = re.compile(r"(?:has no column named|no such column:) (.+)$")
_BINDING = re.compile(r"binding parameter (?::\w+|(\d+))")


def column_from_message(message: str, columns: Sequence[str]) -> str | None:
    """The column an SQLite or binding error message names, if exactly one can be identified."""
    missing = NO_COLUMN_NAMED.search(message)
    if missing:
        name = missing.group(1)
        return _schema_spelling(name, columns) or name
    for pattern in _QUALIFIED_COLUMN_PATTERNS:
        match = pattern.search(message)
        if match:
            targets = match.group(1).split(", ")
            if len(targets) > 1:
                return None
            target = targets[0]
            return _schema_spelling(target, columns, qualified=True) or target.rsplit(".", 1)[-1]
    binding = _BINDING.search(message)
    if binding and binding.group(1):
        index = int(binding.group(1)) - 1
        if 0 <= index < len(columns):
            return columns[index]
    return None


def _schema_spelling(name: str, columns: Sequence[str], qualified: bool = False) -> str | None:
    """The column ``name`` refers to; a ``table.column`` name may contain spaces and dots."""
    folded = fold_identifier_case(name)
    matches = [
        column
        for column in columns
        if fold_identifier_case(column) == folded
        or (qualified and folded.endswith("." + fold_identifier_case(column)))
    ]
    return max(matches, key=len) if matches else None


def overflowing_column(record: Mapping[str, Any], columns: Sequence[str]) -> str | None:
    """The first column whose value is an int outside SQLite's 64-bit INTEGER range."""
    for column in columns:
        value = record.get(column)
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            return column
    return None


def annotate(error: E, row: int, column: str | None) -> E:
    """``error`` with the row and column appended to its message (L-IMP-4.2).

    Where the class can be rebuilt from a message, the result is a copy of the same class that
    keeps the original's attributes (``sqlite_errorcode``/``sqlite_errorname`` included); raise
    it ``from`` the original to chain the two. Otherwise (an exception whose constructor takes
    other arguments, such as ``UnicodeEncodeError``) the original itself is annotated, with the
    location added as a note. Either way it gains ``row_number``, ``column`` and
    ``base_message`` (the message without the location), so callers format from fields.
    """
    base_message = str(error)
    where = f"row {row}" if column is None else f'row {row}, column "{column}"'
    try:
        annotated = type(error)(f"{error} ({where})")
    except Exception:
        annotated = error
        if hasattr(error, "add_note"):
            error.add_note(f"({where})")
    else:
        annotated.__dict__.update(error.__dict__)
        for attribute in ("sqlite_errorcode", "sqlite_errorname"):
            if hasattr(error, attribute):
                setattr(annotated, attribute, getattr(error, attribute))
    annotated.row_number = row  # type: ignore[attr-defined]
    annotated.column = column  # type: ignore[attr-defined]
    annotated.base_message = base_message  # type: ignore[attr-defined]
    return annotated
