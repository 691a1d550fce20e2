"""Streaming CSV/TSV reading with record, line and column bookkeeping (O-INPUT, I-4)."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from datamill.io.batch import Batch
from datamill.io.errors import InputError
from datamill.io.field_size import maximize_csv_field_size_limit
from datamill.io.header import repeated_column
from datamill.io.source import TextSource

PULL = 250
ENCODING_HINT = " - use --encoding, e.g. --encoding=latin-1"


def physical_lines(row: list[str]) -> int:
    """How many physical lines a parsed record spanned (line breaks inside quoted cells)."""
    extra = 0
    for cell in row:
        if "\n" in cell or "\r" in cell:
            extra += cell.count("\n") + cell.count("\r") - cell.count("\r\n")
    return 1 + extra


class CsvReader:
    """Reads a header (or numbers the columns) and then yields batches of padded rows.

    Every row has exactly ``len(columns)`` cells: surplus cells are dropped and missing
    ones are None. Blank lines are skipped and not counted as records. A header that names
    a column twice is an ``InputError`` naming ``source`` (C-INSERT), unless ``header_names``
    is given: it turns the header row into the column names. Given ``columns``, the input
    has no header row (it is a later part of a file whose header was read before).

    ``long_row(line, found)`` is called for each record with surplus cells (its start line and
    its cell count): it returns True to keep the record (surplus dropped), False to skip it,
    or raises.
    """

    def __init__(
        self,
        fp: BinaryIO,
        dialect: Any = "excel",
        encoding: str = "utf-8",
        headers: bool = True,
        source: str = "CSV input",
        header_names: Callable[[list[str]], list[str]] | None = None,
        long_row: Callable[[int, int], bool] | None = None,
        columns: list[str] | None = None,
        **fmtparams: Any,
    ) -> None:
        self.long_row = long_row
        maximize_csv_field_size_limit()
        self.source = TextSource(fp, encoding, reject_nul=True, hint=ENCODING_HINT)
        self.reader = csv.reader(self.source.text, dialect, strict=True, **fmtparams)
        self.line = 0  # physical lines consumed by complete records
        self.rows_read = 0
        self._pending: list[str] | None = None
        self._pending_line = 1
        if columns is not None:  # a part of a file whose header was read before
            self.columns = list(columns)
            self._width = len(columns)
            return
        first = self._next_record()
        if first is None:
            raise InputError("CSV input is empty - no header row")
        if headers and header_names is not None:
            self.columns = header_names(first)
        elif headers:
            repeated = repeated_column(first)
            if repeated is not None:
                name, column, repeat = repeated
                raise InputError(
                    f'{source}: column "{name}" appears twice in the header '
                    f"(columns {column} and {repeat})",
                    line=self._pending_line,
                    column=name,
                )
            self.columns = first
        else:
            self.columns = [f"untitled_{i}" for i in range(1, len(first) + 1)]
            self._pending = first
        self._width = len(self.columns)

    def _error(self, error: Exception, start_line: int) -> InputError:
        if isinstance(error, UnicodeDecodeError):
            return self.source.decode_error(error)
        if isinstance(error, InputError):
            return error
        return InputError(f"Invalid CSV on line {start_line}: {error}", line=start_line)

    def _next_record(self) -> list[str] | None:
        start = self.line + 1
        try:
            for row in self.reader:
                if row:
                    self._pending_line = start
                    self.line = self.reader.line_num
                    return row
                start = self.reader.line_num + 1
        except (csv.Error, UnicodeDecodeError, InputError) as error:
            raise self._error(error, start) from None
        return None

    @property
    def bytes_read(self) -> int:
        return self.source.bytes_read

    @property
    def lines_read(self) -> int:
        """Physical lines read so far (blank ones included)."""
        return self.reader.line_num

    def batches(self, size: int, first_size: int | None = None) -> Iterator[Batch]:
        """Yield batches of up to ``size`` records (the first ``first_size``, if given)."""
        reader = self.reader
        limit = first_size or size
        while True:
            rows: list[list[str]] = []
            first_line = self.line + 1
            if self._pending is not None:
                rows.append(self._pending)
                first_line = self._pending_line
                self._pending = None
            try:
                # extend() keeps the rows read before an error, which locate it. It is called
                # for slices of PULL rows: one call holds the GIL throughout, and the writer
                # thread, back from SQLite (which runs without the GIL), should not wait long.
                while len(rows) < limit:
                    before = len(rows)
                    rows.extend(itertools.islice(reader, min(PULL, limit - before)))
                    if len(rows) == before:
                        break
            except (csv.Error, UnicodeDecodeError, InputError) as error:
                good = [r for r in rows if r]
                start = first_line + sum(physical_lines(r) for r in good)
                start += len(rows) - len(good)
                raise self._error(error, start) from None
            if not rows:
                return
            spanned = reader.line_num - first_line + 1
            self.line = reader.line_num
            limit = size
            yield self._make_batch(rows, first_line, spanned)

    def _make_batch(self, rows: list[list[str]], first_line: int, spanned: int) -> Batch:
        width = self._width
        simple = spanned == len(rows)
        line_of: Callable[[int], int | None]
        if len(set(map(len, rows))) != 1 or len(rows[0]) != width:
            starts = _start_lines(rows, first_line)
            kept = [(r, s) for r, s in zip(rows, starts) if r]
            if self.long_row is not None:
                kept = [(r, s) for r, s in kept if len(r) <= width or self.long_row(s, len(r))]
            rows = [_fit(r, width) for r, _ in kept]
            starts = [s for _, s in kept]
            line_of = starts.__getitem__
        elif simple:
            line_of = first_line.__add__
        else:
            starts = _start_lines(rows, first_line)
            line_of = starts.__getitem__
        batch = Batch(rows, self.rows_read + 1, line_of)
        self.rows_read += len(rows)
        return batch


def _start_lines(rows: list[list[str]], first_line: int) -> list[int]:
    starts = []
    line = first_line
    for row in rows:
        starts.append(line)
        line += physical_lines(row) if row else 1
    return starts


def _fit(row: list[str], width: int) -> list[Any]:
    if len(row) >= width:
        return row[:width]
    return row + [None] * (width - len(row))
