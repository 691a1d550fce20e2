"""Column type detection for text input (O-DETECT, I-2, L-UTIL-4, L-IMP-3).

A value is INTEGER if, whitespace-stripped, it is an optional sign then ``0`` or a digit
1-9 followed by digits; REAL if it is an optional sign, a mantissa ``D``, ``D.``, ``D.D``
or ``.D`` whose integer part follows the same leading-zero rule, and an optional exponent.
Empty values are ignored; a column with no other values is TEXT.

``ColumnTypes`` checks whole batches of cells with one compiled regular expression per
column, so detection costs a C-level scan rather than a Python call per value. Most data
writes numbers plainly (no spaces, ``+`` or exponent): a smaller pattern accepts those in
fewer steps, and only a batch it rejects is checked with the full one.
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
_VALUE = {INTEGER: f"(?:{INTEGER_PATTERN})?+", REAL: f"(?:{REAL_PATTERN})?+"}
_PLAIN_VALUE = {  # a subset of _VALUE: what it accepts, _VALUE accepts
    INTEGER: rf"(?:-?+{_UNSIGNED_INTEGER})?+",
    REAL: rf"(?:-?+(?:{_UNSIGNED_INTEGER}(?:\.[0-9]*+)?+|\.[0-9]++))?+",
}


def _batch_pattern(kinds: tuple[str, ...], values: dict[str, str]) -> re.Pattern[str]:
    """Rows of SEPARATOR-joined cells, one cell of each kind per row."""
    row = SEPARATOR.join(values[kind] for kind in kinds)
    return re.compile(rf"{row}(?:{SEPARATOR}{row})*+")


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


def column_type(values: Iterable[str | None]) -> str:
    """O-DETECT over one column's text values: ``INTEGER``, ``REAL`` or ``TEXT``."""
    types = ColumnTypes(1)
    types.feed([(value,) for value in values])
    return types.types[0]


class ColumnTypes:
    """Running O-DETECT state for a fixed list of columns, fed batch by batch."""

    def __init__(self, count: int) -> None:
        self._candidate = [INTEGER] * count
        self._seen = [False] * count
        self._patterns: dict[tuple[str, ...], tuple[re.Pattern[str], re.Pattern[str]]] = {}

    def feed(self, rows: Sequence[Sequence[Any]]) -> None:
        """Update with one batch of rows, each holding one cell per column.

        The common case, where every still-numeric column keeps its type, costs one pass
        over the rows and one regular expression over all those columns' cells.
        """
        active = [i for i, candidate in enumerate(self._candidate) if candidate != TEXT]
        if not active or not rows:
            return
        if all(self._seen[i] for i in active) and self._batch_fits(rows, active):
            return
        for index in active:
            self._feed_column(index, _joined(rows, index))

    def _batch_fits(self, rows: Sequence[Sequence[Any]], active: list[int]) -> bool:
        kinds = tuple(self._candidate[i] for i in active)
        patterns = self._patterns.get(kinds)
        if patterns is None:
            patterns = (_batch_pattern(kinds, _PLAIN_VALUE), _batch_pattern(kinds, _VALUE))
            self._patterns[kinds] = patterns
        getter = operator.itemgetter(*active)
        try:
            if len(active) == 1:
                text = SEPARATOR.join(map(getter, rows))
            else:
                text = SEPARATOR.join(map(SEPARATOR.join, map(getter, rows)))
        except TypeError:  # a missing cell (None): check column by column
            return False
        plain, full = patterns
        return plain.fullmatch(text) is not None or full.fullmatch(text) is not None

    def _feed_column(self, index: int, text: str) -> None:
        if not self._seen[index] and text.strip(SEPARATOR):
            self._seen[index] = True
        if self._candidate[index] == INTEGER and _INTEGERS.fullmatch(text):
            return
        self._candidate[index] = REAL if _REALS.fullmatch(text) else TEXT

    @property
    def seen(self) -> list[bool]:
        """Per column, whether any non-empty value was fed."""
        return list(self._seen)

    @property
    def types(self) -> list[str]:
        """Detected SQLite types, one per column."""
        return [c if seen else TEXT for c, seen in zip(self._candidate, self._seen)]


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
