"""The one exception the diff functions raise for bad input (DF-LIB-7)."""

from __future__ import annotations

from collections.abc import Sequence

from datamill.io.header import repeated_column


class DiffInputError(ValueError):
    """An input violates a DF-VAL rule.

    ``str(err)`` is the message the command prints after ``Error: ``; the
    attributes locate the problem when that is known.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        offset: int | None = None,
        column: int | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.offset = offset
        self.column = column
        self.detail = message
        super().__init__(_compose(message, source, line, column))


def _compose(message: str, source: str | None, line: int | None, column: int | None) -> str:
    if source is None and line is None:
        return message
    where = source if source is not None else "<input>"
    if line is not None:
        where += f", line {line}"
        if column is not None:
            where += f", column {column}"
    return f"{where}: {message}"


def duplicate_column(names: Sequence[str]) -> str | None:
    """DF-VAL-4's text for the first name in ``names`` that repeats an earlier one."""
    repeated = repeated_column(names)
    if repeated is None:
        return None
    name, first, repeat = repeated
    return f'duplicate column name "{name}" (columns {first} and {repeat})'
