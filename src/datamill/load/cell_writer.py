"""Writing CSV/TSV batches as lists of cells, with single-pass type detection (I-2).

The table is created from the first batch's detected types; a column that a later batch
shows needs a wider type is widened in place (schema only) and just that column's written
values are converted, so the input is read once and the table written once.

In a table this load creates, the cells of REAL columns that detection found numeric bind as
``float(text)``, correctly rounded (L-IMP-6), not through SQLite's text-to-real conversion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from datamill.core.insert import InsertOptions, RowListWriter
from datamill.io.batch import Batch
from datamill.io.detect import INTEGER, REAL, TEXT
from datamill.load.schema import REAL_TYPES, widen_column
from datamill.load.settings import DECLARED_TYPES, NUMERIC_TYPES, ROWS_PER_STATEMENT

if TYPE_CHECKING:
    from datamill.load.engine import Loader

OVERRIDDEN = "OVERRIDDEN"  # a column typed with --type: detection never changes it


class CsvTableWriter:
    """Writes CSV batches through ``RowListWriter``, creating and widening the table."""

    def __init__(self, loader: Loader, columns: list[str], detect: bool) -> None:
        self.loader = loader
        self.columns = columns
        self.detect = detect
        self.declared: list[str] = []
        self.real_declared: list[bool] = []  # per column, when this load created the table
        self.writer: RowListWriter | None = None

    def write(self, item: tuple[Batch, list[str]]) -> int:
        batch, detected = item
        if not batch.rows:
            return 0
        if self.writer is None:
            self.writer = self._open(detected)
        elif self.detect and detected != self.declared:
            self._widen(detected)
        # numeric text, empty or None in every row so far: safe for float()
        reals = [
            i
            for i, (real, seen) in enumerate(zip(self.real_declared, detected))
            if real and seen != TEXT
        ]
        with self.loader.located_errors(lambda i: (batch.row_number(i), batch.line_of(i))):
            self.writer.write(batch.rows, 1, reals)
        return len(batch.rows)

    def _open(self, detected: list[str]) -> RowListWriter:
        """Create the table if it is missing (types from the first batch); the row writer."""
        loader = self.loader
        settings = loader.settings
        table = loader.table
        overrides = {c: DECLARED_TYPES[t.lower()] for c, t in settings.types.items()}
        created = not table.exists()
        if created:
            self.declared = detected if self.detect else [TEXT] * len(self.columns)
            types = [overrides.get(c, t) for c, t in zip(self.columns, self.declared)]
            table.create(
                dict(zip(self.columns, types)),
                pk=settings.pk_value,
                not_null=list(settings.not_null) or None,
                defaults=settings.defaults or None,
                strict=settings.strict,
            )
            self.declared = [
                t if c not in overrides else OVERRIDDEN for c, t in zip(self.columns, types)
            ]
        return self._writer(created, overrides)

    def _writer(self, created: bool, overrides: dict[str, str]) -> RowListWriter:
        settings = self.loader.settings
        conversions = {}
        self.real_declared = []
        if created:
            for column, declared in zip(self.columns, self.declared):
                kind = overrides.get(column, declared)
                if kind in NUMERIC_TYPES:
                    conversions[column] = "nullif(?, '')"
                self.real_declared.append(kind in REAL_TYPES)
        options = InsertOptions(
            pk=settings.pk_value,
            alter=settings.alter,
            ignore=settings.ignore,
            replace=settings.replace,
            upsert=settings.upsert,
            conversions=conversions,
            batch_size=ROWS_PER_STATEMENT,
            batch_size_explicit=True,
        )
        return RowListWriter(self.loader.table, self.columns, options)

    def _widen(self, detected: list[str]) -> None:
        """Widen declared types in place and convert just those columns' values (I-2)."""
        db = self.loader.db
        table = self.loader.table
        pks = set(table.pks)
        changed = False
        for index, (old, new) in enumerate(zip(self.declared, detected)):
            if old == new or old == OVERRIDDEN or (old, new) == (TEXT, TEXT):
                continue
            column = self.columns[index]
            # TEXT only ever turns numeric when every earlier value was empty
            if column in pks or (old != TEXT and _rank(new) <= _rank(old)):
                continue
            widen_column(db, table.name, column, old, new)
            self.declared[index] = new
            changed = True
        if changed:
            overrides = {
                c: DECLARED_TYPES[t.lower()] for c, t in self.loader.settings.types.items()
            }
            self.writer = self._writer(True, overrides)


def _rank(kind: str) -> int:
    return {INTEGER: 0, REAL: 1, TEXT: 2}.get(kind, 3)
