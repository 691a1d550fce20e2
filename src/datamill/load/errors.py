"""Load errors with structured locations (I-4): the message and where in the input it arose."""

from __future__ import annotations


class LoadError(Exception):
    """A load failed at a known place in the input.

    ``message`` is the reason without location; ``row_number`` (1-based record number, not
    counting a CSV header), ``line`` (physical line where the record starts), ``column`` and
    ``source`` (the input's name) are set when known. ``str()`` is the complete one-line text
    the CLI prints after ``Error:``.
    """

    def __init__(
        self,
        message: str,
        *,
        row_number: int | None = None,
        line: int | None = None,
        column: str | None = None,
        source: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.row_number = row_number
        self.line = line
        self.column = column
        self.source = source

    def __str__(self) -> str:
        parts = []
        if self.row_number is not None:
            parts.append(f"input row {self.row_number}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f'column "{self.column}"')
        return f"{self.message} ({', '.join(parts)})" if parts else self.message
