"""CSV and newline-delimited JSON text for rows (SV-CSV-1, SV-JSON-2 ``_nl=on``).

CSV follows cli.md O-OUTPUT: the excel dialect, minimal quoting, CRLF after every record;
NULL is empty, REAL is ``repr()`` and a BLOB is base64.
"""

from __future__ import annotations

import base64
import csv
import io
import itertools
import re
import urllib.parse
from collections.abc import Sequence
from typing import Any

from datamill.core.values import dedupe_keys
from datamill.serve.json_output import dumps

__all__ = ["CsvEncoder", "NdjsonEncoder", "attachment_header"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def attachment_header(name: str, extension: str) -> str:
    """``Content-Disposition`` for a download named after a table or database (SV-CSV-2)."""
    safe = _UNSAFE.sub("_", name)
    header = f'attachment; filename="{safe}.{extension}"'
    if safe != name:
        header += f"; filename*=UTF-8''{urllib.parse.quote(name + '.' + extension, safe='')}"
    return header


def _blobs_as_base64(rows: Sequence[Sequence[Any]]) -> Sequence[Sequence[Any]]:
    # One C-speed pass over the cells finds out whether any conversion is needed at all.
    if bytes not in set(map(type, itertools.chain.from_iterable(rows))):
        return rows
    return [
        [base64.b64encode(v).decode("ascii") if isinstance(v, bytes) else v for v in row]
        for row in rows
    ]


class CsvEncoder:
    """Turns batches of rows into CSV text."""

    def __init__(self, columns: Sequence[str], header: bool = True) -> None:
        self.columns = list(columns)
        self.header = header

    def start(self) -> str:
        return self.encode([self.columns]) if self.header else ""

    def encode(self, rows: Sequence[Sequence[Any]]) -> str:
        # A fresh buffer per batch measured faster than truncating and reusing one.
        buffer = io.StringIO()
        csv.writer(buffer, dialect="excel").writerows(_blobs_as_base64(rows))
        return buffer.getvalue()


class NdjsonEncoder:
    """Turns batches of rows into one JSON object per line."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.keys = dedupe_keys(list(columns))

    def start(self) -> str:
        return ""

    def encode(self, rows: Sequence[Sequence[Any]]) -> str:
        keys = self.keys
        return "".join(dumps(dict(zip(keys, row))) + "\n" for row in rows)
