"""Reading one CSV input the ``csvs`` way (CS-4, CS-5): header names made unique, an
encoding chosen, lines with surplus fields refused or skipped, errors naming the input."""

from __future__ import annotations

import codecs
import contextlib
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from datamill.csvs.errors import CsvsError
from datamill.csvs.inputs import Input
from datamill.io.csv_reader import CsvReader
from datamill.io.errors import InputError

MAX_SKIP_WARNINGS = 20
CHUNK = 1 << 20


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


def is_utf8(fp: BinaryIO) -> bool:
    """True when the whole stream decodes as UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := fp.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


class SkipCounter:
    """``--skip-errors`` bookkeeping for one input: the first lines skipped are reported."""

    def __init__(self, label: str, skip: bool, warn: Callable[[str], None]) -> None:
        self.label, self.skip, self.warn = label, skip, warn
        self.width = 0
        self.skipped = 0

    def __call__(self, line: int, found: int) -> bool:
        problem = f"{self.label}, line {line}: expected {self.width} fields, found {found}"
        if not self.skip:
            raise CsvsError(f"{problem} - use --skip-errors to skip such lines")
        self.skipped += 1
        if self.skipped <= MAX_SKIP_WARNINGS:
            self.warn(f"{problem} - skipped")
        return False

    def finish(self) -> None:
        if self.skipped > MAX_SKIP_WARNINGS:
            self.warn(f"{self.label}: {self.skipped - MAX_SKIP_WARNINGS} more lines skipped")


def choose_encoding(item: Input, encoding: str | None, warn: Callable[[str], None]) -> str:
    """``encoding`` if given; else UTF-8, or latin-1 (with a warning) for invalid UTF-8."""
    if encoding:
        return encoding
    with item.open() as fp:
        if is_utf8(fp):
            return "utf-8"
    warn(f"{item.label} is not valid UTF-8; it was read as latin-1")
    return "latin-1"


@contextlib.contextmanager
def open_csv(
    item: Input,
    encoding: str,
    params: dict[str, Any],
    skip: SkipCounter | None = None,
) -> Iterator[CsvReader]:
    """A ``CsvReader`` over ``item``; every failure is a ``CsvsError`` naming the input."""
    with item.open() as fp:
        try:
            reader = CsvReader(
                fp,
                encoding=encoding,
                source=item.label,
                header_names=header_names,
                long_row=skip,
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
    if error.line is None and "empty" in message:
        return CsvsError(f"{item.label}: no header row")
    if message.startswith("Input is not valid"):
        return CsvsError(f"{item.label} is not valid{message[len('Input is not valid') :]}")
    if message.startswith("Invalid CSV on line"):
        reason = message.split(": ", 1)[1]
        return CsvsError(f"{item.label}, line {error.line}: {reason}")
    return CsvsError(f"{item.label}: {message}")
