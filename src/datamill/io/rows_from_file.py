"""``rows_from_file``: the library's one-call file reader (L-UTIL-2, L-IMP-4)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from datamill.io.errors import CSVInputError, RowError, RowsFromFileBadJSON, RowsFromFileError
from datamill.io.formats import SNIFF_BYTES, Format, sniff_head
from datamill.io.json_reader import JsonReader, NdjsonReader
from datamill.io.source import TextSource


def rows_from_file(
    fp: BinaryIO,
    format: Format | None = None,
    dialect: Any = None,
    encoding: str | None = None,
    ignore_extras: bool = False,
    extras_key: str | None = None,
) -> tuple[Iterable[dict[str, Any]], Format]:
    """Read rows from the binary file ``fp`` and say which format they were in.

    With ``format=None`` the format is detected from the first bytes (a binary file is needed).
    CSV rows with more cells than the header raise ``RowError`` naming the data row, unless
    ``ignore_extras`` drops them or ``extras_key`` keeps them as a list under that key.
    """
    if ignore_extras and extras_key:
        raise ValueError("Cannot use ignore_extras= and extras_key= together")
    if format is None:
        fp = io.BufferedReader(fp)  # type: ignore[type-var]  # any binary file object works
        try:
            head = fp.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        except (AttributeError, io.UnsupportedOperation):
            raise TypeError(
                "rows_from_file() requires a file-like object that supports peek(), "
                "such as io.BytesIO"
            ) from None
        stripped = head.strip()
        if not stripped:
            return (), Format.CSV
        if stripped[:1] in (b"[", b"{"):
            format = Format.JSON
        else:
            dialect = sniff_head(head, encoding or "utf-8")
            format = Format.TSV if dialect.delimiter == "\t" else Format.CSV
    if format == Format.JSON:
        return _json_rows(fp), Format.JSON
    if format == Format.NL:
        return (value for value, _ in NdjsonReader(fp).records()), Format.NL
    if format == Format.CSV:
        rows = _csv_rows(fp, dialect or "excel", encoding, ignore_extras, extras_key)
        return rows, Format.CSV
    if format == Format.TSV:
        rows = _csv_rows(fp, csv.excel_tab, encoding, ignore_extras, extras_key)
        return rows, Format.TSV
    raise RowsFromFileError("Bad format")


def _json_rows(fp: BinaryIO) -> Iterator[Any]:
    reader = JsonReader(fp, hint="")
    first = reader._skip_space(0)
    text = reader._buffer.text
    if first < len(text) and text[first] not in "[{":
        raise RowsFromFileBadJSON("JSON must be a list or a dictionary")
    return (value for value, _ in reader.records())


def _csv_rows(
    fp: BinaryIO,
    dialect: Any,
    encoding: str | None,
    ignore_extras: bool,
    extras_key: str | None,
) -> Iterator[dict[str, Any]]:
    source = TextSource(fp, encoding or "utf-8")
    try:
        reader = csv.reader(source.text, dialect)
        header = next(reader, None)
        if header is None:
            return
        width = len(header)
        row_number = 0
        for row in reader:
            if not row:
                continue
            row_number += 1
            record: dict[str, Any] = dict(zip(header, row))
            if len(row) < width:
                record.update(dict.fromkeys(header[len(row) :]))
            elif len(row) > width:
                extras = row[width:]
                if extras_key:
                    record[extras_key] = extras
                elif not ignore_extras:
                    raise RowError(f"Row {row_number} contained these extra values: {extras}")
            yield record
    except UnicodeDecodeError as error:
        raise source.decode_error(error) from None
    except csv.Error as error:
        line = reader.line_num
        raise CSVInputError(f"Invalid CSV on line {line}: {error}", line=line) from None
    finally:
        fp.close()
