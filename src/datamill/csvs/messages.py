"""Messages that place a problem in its input: file, row, line and column (CS-5, CS-6)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from datamill.csvs.dates import DateRewriter
from datamill.csvs.errors import CsvsError
from datamill.csvs.plan import Source
from datamill.csvs.reader import SkipCounter, open_csv
from datamill.io.batch import Batch

SCAN_BATCH = 2000  # rows read at a time when looking for a line again
_LOCATION = re.compile(r' \(row \d+(?:, column "[^"]*")?\)$')


def row_error(error: Exception, label: str, recent: Iterable[Batch]) -> CsvsError:
    """``error`` from writing input ``label``, placed by the row (and column) it names;
    ``recent`` are the batches read last, which give the row's line."""
    row = getattr(error, "row_number", None)
    column = getattr(error, "column", None)
    message = _LOCATION.sub("", str(error))
    if row is None:
        return CsvsError(f"{message} ({label})")
    line = next(
        (
            batch.line_of(row - batch.first_row)
            for batch in recent
            if batch.first_row <= row < batch.first_row + len(batch.rows)
        ),
        None,
    )
    where = f"{label}, row {row}"
    if line is not None:
        where += f", line {line}"
    if column is not None:
        where += f', column "{column}"'
    return CsvsError(f"{message} ({where})")


def date_warning(source: Source, rewriter: DateRewriter, params: dict[str, Any]) -> str | None:
    """The CS-6 warning for the values of one date column that were kept, if any."""
    if not rewriter.kept or rewriter.first_kept is None:
        return None
    row, value = rewriter.first_kept
    line = line_of(source, params, row)
    count = rewriter.kept
    column = f'column "{rewriter.column}"'
    if count == 1:
        kept = f"1 value in {column} is not a date and was kept as it is"
    else:
        kept = f"{count} values in {column} are not dates and were kept as they are"
    return f'{source.item.label}: {kept} (first on line {line}: "{value}")'


def line_of(source: Source, params: dict[str, Any], row: int) -> int | None:
    """The line where record ``row`` of ``source`` starts (read again: error paths only)."""
    quiet = SkipCounter(source.item.label, True, lambda message: None)
    with open_csv(source.item, source.encoding, params, quiet) as reader:
        for batch in reader.batches(SCAN_BATCH):
            if row < batch.first_row + len(batch.rows):
                return batch.line_of(row - batch.first_row)
    return None
