"""A batch of parsed records plus what is needed to say where each one came from (I-4)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Batch:
    """Consecutive records from one input.

    ``rows`` are lists of cell values in ``columns`` order (CSV/TSV) or dicts (JSON);
    ``first_row`` is the 1-based record number of ``rows[0]``; ``line_of(i)`` gives the
    1-based physical line where ``rows[i]`` starts.
    """

    rows: list[Any]
    first_row: int
    line_of: Callable[[int], int | None] = field(repr=False)

    def row_number(self, index: int) -> int:
        return self.first_row + index


def batched(
    records: Iterable[tuple[Any, int | None]], size: int, first_size: int | None = None
) -> Iterator[Batch]:
    """Group ``(value, line)`` pairs into batches of ``size`` (the first ``first_size``)."""
    first_row = 1
    rows: list[Any] = []
    lines: list[int | None] = []
    limit = first_size or size
    for value, line in records:
        rows.append(value)
        lines.append(line)
        if len(rows) >= limit:
            yield Batch(rows, first_row, _line_of(lines))
            first_row += len(rows)
            rows, lines = [], []
            limit = size
    if rows:
        yield Batch(rows, first_row, _line_of(lines))


def _line_of(lines: list[int | None]) -> Callable[[int], int | None]:
    """``lines[i]`` as a function (only called to name the line of a failing record)."""
    return lines.__getitem__
