"""Writing batches of dict records (JSON, NDJSON, --lines, --text, --convert, --code)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from datamill.core.identifiers import fold_identifier_case
from datamill.core.insert import required_columns
from datamill.core.table import Table
from datamill.core.values import decode_base64_values, flatten
from datamill.io.batch import Batch
from datamill.load.errors import LoadError
from datamill.load.settings import DECLARED_TYPES

if TYPE_CHECKING:
    from datamill.load.engine import Loader

Prepare = Callable[[Batch], tuple[list[dict[str, Any]], list[tuple[int, int | None]]]]


class RecordTableWriter:
    """Writes batches of dict records with ``Table.insert_all``/``upsert_all``."""

    def __init__(
        self,
        loader: Loader,
        prepare: Prepare,
    ) -> None:
        self.loader = loader
        self.prepare = prepare

    def write(self, batch: Batch) -> int:
        records, origins = self.prepare(batch)
        if not records:
            return 0
        with self.loader.located_errors(lambda i: origins[i]):
            self._insert(records)
        return len(records)

    def _insert(self, records: list[dict[str, Any]]) -> None:
        settings = self.loader.settings
        columns = {c: DECLARED_TYPES[t.lower()] for c, t in settings.types.items()}
        # upsert: each record sets only its own keys, NOT NULL columns it omits included
        # (L-IMP-7, C-UPSERT)
        self.loader.table.insert_all(
            records,
            pk=settings.pk_value,
            alter=settings.alter,
            ignore=settings.ignore,
            replace=settings.replace,
            not_null=list(settings.not_null) or None,
            defaults=settings.defaults or None,
            columns=columns or None,
            strict=settings.strict,
            batch_size=max(1, len(records)),
            upsert=settings.upsert,
        )


def required_missing(table: Table, keys: Iterable[str]) -> bool:
    """Whether ``table`` has a NOT NULL column without default that ``keys`` leave out."""
    return bool(required_columns(table).difference(map(fold_identifier_case, keys)))


def prepare_records(
    convert: Callable[[Any], Any] | None,
    mode: str,
    do_flatten: bool,
    columns: list[str] | None = None,
) -> Prepare:
    """Build the per-batch step that validates, converts and flattens records.

    ``mode`` is ``json`` (records are parsed values), ``csv`` (lists of cells named by
    ``columns``), ``lines`` or ``text``.
    """

    def prepare(batch: Batch) -> tuple[list[dict[str, Any]], list[tuple[int, int | None]]]:
        records: list[dict[str, Any]] = []
        origins: list[tuple[int, int | None]] = []
        for index, value in enumerate(batch.rows):
            row = batch.row_number(index)
            line = batch.line_of(index)
            if mode == "csv":
                value = dict(zip(columns or [], value))
            produced = _apply_convert(convert, mode, value, row, line) if convert else [value]
            for record in produced:
                if not isinstance(record, dict):
                    raise LoadError(
                        f"Rows must all be dictionaries, got: {repr(record)[:1000]}",
                        row_number=row,
                        line=line,
                    )
                if do_flatten:
                    record = flatten(record)
                records.append(decode_base64_values(record))
                origins.append((row, line))
        return records, origins

    return prepare


def _apply_convert(
    convert: Callable[[Any], Any], mode: str, value: Any, row: int, line: int | None
) -> list[Any]:
    argument = value
    if mode == "lines":
        argument = value["line"]
    elif mode == "text":
        argument = value["text"]
    try:
        result = convert(argument)
    except Exception as error:
        raise LoadError(
            f"--convert raised {type(error).__name__}: {error}", row_number=row, line=line
        ) from None
    if mode == "text":
        if isinstance(result, dict):
            return [result]
        if isinstance(result, (str, bytes)) or not hasattr(result, "__iter__"):
            raise LoadError("--convert must return dict or iterator")
        return list(result)
    if mode == "lines":
        return [result]
    if isinstance(result, dict):
        return [result]
    if not result:
        return [value]
    return [result]
