"""Column types of a table the run creates, found while its rows are read (CS-4).

O-DETECT over every row, plus the 64-bit rule: an integer literal outside the signed 64-bit
range fails both tests, so its column stays TEXT with the digits intact.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

from datamill.io.detect import INTEGER, REAL, TEXT, ColumnTypes, is_integer_text

RANK = {INTEGER: 0, REAL: 1, TEXT: 2}
SAFE_LENGTH = 18  # an integer literal this long (sign and spaces included) fits in 64 bits
LIMIT = 2**63


def wider(old: str | None, new: str) -> str:
    """The wider of two detected types (``old`` None: nothing detected yet)."""
    return new if old is None or RANK[new] > RANK[old] else old


def beyond_64_bits(cells: list[Any]) -> bool:
    """True if a cell is an integer literal outside the signed 64-bit range."""
    try:
        longest = max(map(len, cells), default=0)
    except TypeError:  # missing cells (None) of short rows
        cells = [cell for cell in cells if cell is not None]
        longest = max(map(len, cells), default=0)
    if longest <= SAFE_LENGTH:
        return False
    return any(
        len(cell) > SAFE_LENGTH and is_integer_text(cell) and not -LIMIT <= int(cell) < LIMIT
        for cell in cells
    )


def getter(indexes: list[int]) -> Callable[[list[Any]], Any]:
    """The cells at ``indexes`` of a row, as a tuple."""
    get = operator.itemgetter(*indexes)
    if len(indexes) == 1:
        return lambda row: (get(row),)
    return get


class InputTypes:
    """Detection over the cells at ``indexes`` of one input's rows, for table columns ``keys``.

    The 64-bit rule is checked on REAL columns, and on INTEGER ones when ``integers`` is set:
    a writer that binds INTEGER cells as ``int`` learns of a value beyond 64 bits from the
    ``OverflowError`` binding it raises, at no cost for the others.
    """

    def __init__(self, indexes: list[int], keys: list[str], width: int, integers: bool) -> None:
        self.indexes, self.keys = indexes, keys
        self._checked = (REAL, INTEGER) if integers else (REAL,)
        self._types = ColumnTypes(len(indexes))
        every = not indexes or indexes == list(range(width))
        self._pick = None if every else getter(indexes)
        self._too_long: set[int] = set()  # positions the 64-bit rule made TEXT

    def feed(self, rows: list[list[Any]]) -> None:
        """Detect over one batch of rows."""
        if not self.indexes or not rows:
            return
        types = self._types
        types.feed(rows if self._pick is None else list(map(self._pick, rows)))
        for position, kind in enumerate(types.types):
            if kind in self._checked and position not in self._too_long:
                cells = list(map(operator.itemgetter(self.indexes[position]), rows))
                if beyond_64_bits(cells):
                    self._too_long.add(position)

    def kinds(self) -> dict[str, str]:
        """The type of each column that has held a non-empty value so far."""
        types = self._types
        return {
            key: TEXT if position in self._too_long else kind
            for position, (key, kind, seen) in enumerate(zip(self.keys, types.types, types.seen))
            if seen
        }
