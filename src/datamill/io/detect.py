"""Column type detection for text input (O-DETECT, I-2, L-UTIL-4, L-IMP-3).

A value is INTEGER if, whitespace-stripped, it is an optional sign then ``0`` or a digit
1-9 followed by digits; REAL if it is an optional sign, a mantissa ``D``, ``D.``, ``D.D``
or ``.D`` whose integer part follows the same leading-zero rule, and an optional exponent.
Empty values are ignored; a column with no other values is TEXT.

``ColumnTypes`` checks whole batches of cells with one compiled regular expression per
column, so detection costs a C-level scan rather than a Python call per value.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

_SPACE = r"[ \t\n\r\f\v]*+"
_UNSIGNED_INTEGER = r"(?:0|[1-9][0-9]*+)"
INTEGER_PATTERN = rf"{_SPACE}[+-]?+{_UNSIGNED_INTEGER}{_SPACE}"
REAL_PATTERN = rf"{_SPACE}[+-]?+(?:{_UNSIGNED_INTEGER}(?:\.[0-9]*+)?+|\.[0-9]++)(?:[eE][+-]?+[0-9]++)?+{_SPACE}"
SEPARATOR = "\x00"  # never inside a CSV cell: NUL bytes are rejected as malformed CSV

_INTEGER = re.compile(INTEGER_PATTERN)
_REAL = re.compile(REAL_PATTERN)
_INTEGERS = re.compile(rf"(?:{INTEGER_PATTERN})?+(?:{SEPARATOR}(?:{INTEGER_PATTERN})?+)*+")
_REALS = re.compile(rf"(?:{REAL_PATTERN})?+(?:{SEPARATOR}(?:{REAL_PATTERN})?+)*+")

INTEGER, REAL, TEXT = "INTEGER", "REAL", "TEXT"


def is_integer_text(value: str) -> bool:
    """True if ``value`` passes the O-DETECT integer test."""
    return _INTEGER.fullmatch(value) is not None


def is_real_text(value: str) -> bool:
    """True if ``value`` passes the O-DETECT real test (integers pass too)."""
    return _REAL.fullmatch(value) is not None


def _joined(rows: Sequence[Sequence[Any]], index: int) -> str:
    cells = map(operator.itemgetter(index), rows)
    try:
        return SEPARATOR.join(cells)
    except TypeError:
        return SEPARATOR.join(row[index] for row in rows if row[index] is not None)


class ColumnTypes:
    """Running O-DETECT state for a fixed list of columns, fed batch by batch."""

    def __init__(self, count: int) -> None:
        self._candidate = [INTEGER] * count
        self._seen = [False] * count

    def add_column(self) -> None:
        self._candidate.append(INTEGER)
        self._seen.append(False)

    def feed(self, rows: Sequence[Sequence[Any]]) -> None:
        """Update with one batch of rows, each holding one cell per column."""
        for index, candidate in enumerate(self._candidate):
            if candidate == TEXT:
                continue
            text = _joined(rows, index)
            if not self._seen[index] and text.strip(SEPARATOR):
                self._seen[index] = True
            if candidate == INTEGER and _INTEGERS.fullmatch(text):
                continue
            if _REALS.fullmatch(text):
                self._candidate[index] = REAL
            else:
                self._candidate[index] = TEXT

    @property
    def types(self) -> list[str]:
        """Detected SQLite types, one per column."""
        return [c if seen else TEXT for c, seen in zip(self._candidate, self._seen)]

    def widened(self, previous: Sequence[str]) -> list[int]:
        """Indexes of columns whose type is now wider than in ``previous``."""
        order = {INTEGER: 0, REAL: 1, TEXT: 2}
        return [
            i
            for i, (old, new) in enumerate(zip(previous, self.types))
            if old in order and order[new] > order[old]
        ]


def python_types(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> dict[str, str]:
    """SQLite types for non-CSV records, from the Python values (C-INSERT table creation).

    int/bool gives INTEGER; float, or int mixed with float, REAL; str TEXT; bytes BLOB;
    dict/list TEXT; only nulls or any other mix TEXT.
    """
    found: dict[str, set[type]] = {c: set() for c in columns}
    for row in rows:
        for key, value in row.items():
            if value is not None:
                found[key].add(type(value))
    return {column: _type_for(kinds) for column, kinds in found.items()}


def _type_for(kinds: set[type]) -> str:
    if not kinds:
        return TEXT
    if kinds <= {int, bool}:
        return INTEGER
    if kinds <= {int, bool, float}:
        return REAL
    if kinds == {bytes}:
        return "BLOB"
    return TEXT


class ValueTracker:
    """Tracks whether every value of one column could be an integer or a float."""

    def __init__(self) -> None:
        self.couldbe = {"integer": True, "float": True}
        self.seen = False

    def evaluate(self, value: Any) -> None:
        if value is None or (isinstance(value, str) and value == ""):
            return
        self.seen = True
        if isinstance(value, str):
            integer, real = is_integer_text(value), is_real_text(value)
        elif isinstance(value, (bool, int)):
            integer = real = True
        elif isinstance(value, float):
            integer, real = False, True
        else:
            integer = real = False
        self.couldbe["integer"] = self.couldbe["integer"] and integer
        self.couldbe["float"] = self.couldbe["float"] and real

    @property
    def guessed_type(self) -> str:
        """``'integer'``, ``'float'`` or ``'text'`` (text for a column of only empty values)."""
        if not self.seen:
            return "text"
        for kind in ("integer", "float"):
            if self.couldbe[kind]:
                return kind
        return "text"


class TypeTracker:
    """Wraps an iterator of dict rows and suggests a type for each key (L-UTIL-4)."""

    def __init__(self) -> None:
        self.trackers: dict[str, ValueTracker] = {}

    def wrap(self, iterator: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Yield each row unchanged while recording its values."""
        for row in iterator:
            for key, value in row.items():
                tracker = self.trackers.get(key)
                if tracker is None:
                    tracker = self.trackers[key] = ValueTracker()
                tracker.evaluate(value)
            yield row

    @property
    def types(self) -> dict[str, str]:
        """``{key: 'integer' | 'float' | 'text'}``, usable as ``transform(types=...)``."""
        return {key: tracker.guessed_type for key, tracker in self.trackers.items()}
