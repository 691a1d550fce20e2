"""Exceptions raised while reading input files (L-ERR-12, I-4)."""

from __future__ import annotations

import csv


class RowsFromFileError(Exception):
    """The input could not be turned into rows."""


class RowsFromFileBadJSON(RowsFromFileError):
    """The input is JSON of the wrong shape."""


class RowError(Exception):
    """A CSV row had more fields than the header (L-UTIL-2)."""


class InputError(ValueError):
    """Bad input, with a one-line message that names the line, row and column (I-4).

    A ``ValueError``, like the ``json``/``csv`` errors it replaces.

    ``line``, ``row`` and ``column`` are 1-based and None when unknown; ``column`` is a
    column name or a character position, as the message says. A decoding error also has
    ``offset``, the undecodable byte's 0-based offset in the input, and ``byte``, its value.
    """

    offset: int | None = None
    byte: int | None = None

    def __init__(
        self,
        message: str,
        line: int | None = None,
        row: int | None = None,
        column: str | int | None = None,
    ) -> None:
        super().__init__(message)
        self.line = line
        self.row = row
        self.column = column


class CSVInputError(InputError, csv.Error):
    """Invalid CSV found by ``rows_from_file``: an ``InputError`` that is also a ``csv.Error``,
    so ``except csv.Error`` still catches it (L-UTIL-2, L-IMP-4)."""
