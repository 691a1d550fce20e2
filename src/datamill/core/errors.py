"""Exceptions raised by the database core (L-ERR)."""

from __future__ import annotations


class AlterError(Exception):
    """A foreign key, column or constraint refers to something that does not exist."""


class NoObviousTable(Exception):
    """No single table could be guessed (foreign keys, many-to-many)."""


class NoTable(Exception):
    """The table does not exist, or the name is a view."""


class NoView(Exception):
    """The view does not exist, or the name is a table."""


class BadPrimaryKey(Exception):
    """A table has no single primary key where one is needed."""


class NotFoundError(Exception):
    """No row matched the primary key, or the wrong number of key values was given."""


class PrimaryKeyRequired(Exception):
    """An upsert has no primary key, or a record lacks a value for it."""


class InvalidColumns(Exception):
    """Columns named in an argument do not exist in the table."""


class TransactionError(Exception):
    """The operation cannot run in the current transaction state."""


class TransformError(Exception):
    """A table cannot be transformed safely."""


class BadMultiValues(Exception):
    """A ``convert(multi=True)`` function returned something other than a dict or None.

    ``row_number`` and ``column`` say where, when known.
    """

    def __init__(
        self, values: object, row_number: int | None = None, column: str | None = None
    ) -> None:
        super().__init__(values)
        self.values = values
        self.row_number = row_number
        self.column = column
