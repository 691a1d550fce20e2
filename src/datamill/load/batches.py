"""Shaping reader batches for the writers: stop-after, empty cells, dict records."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from datamill.io.batch import Batch
from datamill.io.csv_reader import CsvReader
from datamill.load.record_writer import Prepare, prepare_records


def record_batches(
    reader: Any,
    size: int,
    first_size: int | None,
    convert: Callable[[Any], Any] | None,
    mode: str,
    flatten: bool,
    empty_null: bool,
) -> tuple[Iterator[Batch], Prepare]:
    """``reader``'s batches and the step that turns each into dict records.

    CSV/TSV rows become dicts keyed by the header; ``mode`` says what a record reader
    yields (``json``, ``lines`` or ``text``, see ``prepare_records``).
    """
    batches = reader.batches(size, first_size=first_size)
    if not isinstance(reader, CsvReader):
        return batches, prepare_records(convert, mode, flatten)
    if empty_null:
        batches = empty_cells_to_null(batches)
    return batches, prepare_records(convert, "csv", flatten, list(reader.columns))


def empty_cells_to_null(batches: Iterable[Batch]) -> Iterator[Batch]:
    """CSV/TSV batches with empty cells as None (``--empty-null``)."""
    for batch in batches:
        batch.rows = [[None if v == "" else v for v in row] for row in batch.rows]
        yield batch


def limit(batches: Iterable[Batch], stop_after: int | None) -> Iterator[Batch]:
    """Only the first ``stop_after`` records."""
    if stop_after is None:
        yield from batches
        return
    remaining = stop_after
    for batch in batches:
        if remaining <= 0:
            return
        if len(batch.rows) > remaining:
            batch.rows = batch.rows[:remaining]
        remaining -= len(batch.rows)
        yield batch
