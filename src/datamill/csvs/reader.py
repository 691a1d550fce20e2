"""Reading one CSV input the ``csvs`` way (CS-4, CS-5): header names made unique, lines with
surplus fields refused or skipped, errors naming the input (an undecodable byte is an
``EncodingError``, so the load can read the input again as latin-1)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from datamill.csvs.errors import CsvsError, EncodingError
from datamill.csvs.inputs import Input
from datamill.io.csv_reader import CsvReader
from datamill.io.errors import InputError

MAX_SKIP_WARNINGS = 20


@dataclass(frozen=True)
class Part:
    """Bytes ``span`` of an uncompressed input; ``columns`` is None for the part that starts
    with the header row, else the header's names (read from the first part)."""

    span: tuple[int, int]
    columns: list[str] | None = None


def header_names(row: list[str]) -> list[str]:
    """Empty cells become ``untitled_<position>``; repeats get ``_2``, ``_3``, ... (CS-4)."""
    names = [cell or f"untitled_{i}" for i, cell in enumerate(row, start=1)]
    seen: dict[str, int] = {}
    taken = {name.lower() for name in names}
    result = []
    for name in names:
        count = seen.get(name.lower(), 0) + 1
        seen[name.lower()] = count
        if count == 1:
            result.append(name)
            continue
        candidate = f"{name}_{count}"
        while candidate.lower() in taken:
            count += 1
            candidate = f"{name}_{count}"
        seen[name.lower()] = count
        taken.add(candidate.lower())
        result.append(candidate)
    return result


class SkipCounter:
    """``--skip-errors`` bookkeeping for one input: the first lines skipped are reported."""

    def __init__(self, label: str, skip: bool, warn: Callable[[str], None]) -> None:
        self.label, self.skip, self.warn = label, skip, warn
        self.width = 0
        self.skipped = 0
        self.first: list[tuple[int, int]] = []  # (line, cells) of the lines reported

    def __call__(self, line: int, found: int) -> bool:
        problem = f"{self.label}, line {line}: expected {self.width} fields, found {found}"
        if not self.skip:
            raise CsvsError(f"{problem} - use --skip-errors to skip such lines")
        self.skipped += 1
        if self.skipped <= MAX_SKIP_WARNINGS:
            self.first.append((line, found))
            self.warn(f"{problem} - skipped")
        return False

    def absorb(self, first: list[tuple[int, int]], skipped: int, lines_before: int) -> None:
        """Count the lines another process skipped in a later part of the input, whose
        first line is line ``lines_before + 1``."""
        for line, found in first:
            self(line + lines_before, found)
        self.skipped += skipped - len(first)

    def finish(self) -> None:
        if self.skipped > MAX_SKIP_WARNINGS:
            self.warn(f"{self.label}: {self.skipped - MAX_SKIP_WARNINGS} more lines skipped")


@contextlib.contextmanager
def open_csv(
    item: Input,
    encoding: str,
    params: dict[str, Any],
    skip: SkipCounter | None = None,
    part: Part | None = None,
) -> Iterator[CsvReader]:
    """A ``CsvReader`` over ``item`` (or one ``part`` of it); every failure is a
    ``CsvsError`` naming the input."""
    with item.open(part.span if part else None) as fp:
        try:
            reader = CsvReader(
                fp,
                encoding=encoding,
                source=item.label,
                header_names=header_names,
                long_row=skip,
                columns=part.columns if part else None,
                **params,
            )
        except InputError as error:
            raise _located(item, error) from None
        if skip is not None:
            skip.width = len(reader.columns)
        try:
            yield reader
        except InputError as error:
            raise _located(item, error) from None


def _located(item: Input, error: InputError) -> CsvsError:
    message = str(error)
    if error.byte is not None:
        return EncodingError(f"{item.label} is not valid{message[len('Input is not valid') :]}")
    if error.line is None and "empty" in message:
        return CsvsError(f"{item.label}: no header row")
    if message.startswith("Invalid CSV on line"):
        reason = message.split(": ", 1)[1]
        return CsvsError(f"{item.label}, line {error.line}: {reason}")
    return CsvsError(f"{item.label}: {message}")
