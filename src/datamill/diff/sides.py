"""The two inputs of a diff: CSV/TSV, JSON, NDJSON or SQLite (DF-IN).

A *side* can be scanned more than once (stdin is spooled to a temporary file
first). Each scan yields ``(position, raw, fields)`` records: ``fields`` are
the values in the side's column order (``None`` for a CSV line that
``fields_of(raw)`` parses on demand) and ``raw`` is what ``row_of`` turns into
the row shown in reports.
"""

from __future__ import annotations

import abc
import csv
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from datamill.diff import jsonrows
from datamill.diff.csvrecords import CsvRecords
from datamill.diff.errors import DiffInputError, duplicate_column
from datamill.diff.textinput import decode_error, text_stream
from datamill.diff.values import as_text
from datamill.io.dialect import SNIFF_CHARS, sniff_text

FORMATS = ("csv", "tsv", "json", "nl")
_SQLITE_MAGIC = b"SQLite format 3\x00"


class Side(abc.ABC):
    """One input. Subclasses provide ``_load_columns`` and ``scan``."""

    typed = False
    position_word = "lines"
    primary_key: list[str] | None = None

    def __init__(self, label: str) -> None:
        self.label = label
        self._columns: list[str] | None = None
        self._columns_loaded = False

    @property
    def columns(self) -> list[str] | None:
        """The side's columns, or ``None`` when it has no known columns (DF-IN-7)."""
        if not self._columns_loaded:
            self._columns = self._load_columns()
            self._columns_loaded = True
        return self._columns

    @abc.abstractmethod
    def _load_columns(self) -> list[str] | None:
        """Find the columns (a full pass for JSON, whose columns are a union)."""

    @abc.abstractmethod
    def scan(self, key: tuple[str, ...] = (), as_text: bool = False) -> Scan:
        """Start a sequential pass over the records.

        ``key`` names members every JSON object must have; ``as_text`` turns
        typed values into text (DF-IN-8, when the other side is CSV).
        """

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files (and remove a spooled copy of stdin)."""


class Scan(abc.ABC):
    """One pass over a side's records."""

    columns: list[str]

    @abc.abstractmethod
    def records(self) -> Iterator[tuple[int, Any, list | None]]:
        """Yield ``(position, raw, fields)`` for every record."""

    def keyed(
        self,
        key_idx: list[int],
        fp_get: Callable[[list], Any] | None,
        raw_fp: bool,
        compact: bool = False,
    ) -> Iterator[tuple[int, Any, int, Any, list | None]]:
        """Yield ``(position, key, fingerprint, raw, fields)`` (see ``CsvRecords.keyed``)."""
        single = len(key_idx) == 1
        for pos, raw, fields in self.records():
            if fields is None:
                fields = self.fields_of(raw)
            if not key_idx:
                key = None
            elif single:
                key = fields[key_idx[0]]
            else:
                key = tuple(fields[i] for i in key_idx)
            fp = hash(fp_get(fields)) if fp_get is not None else 0
            yield pos, key, fp, raw, fields

    def pick(
        self, key_idx: list[int], wanted: set, compact: bool = False
    ) -> Iterator[tuple[Any, Any, list | None]]:
        """Yield ``(key, raw, fields)`` for the records whose key is in ``wanted``."""
        for _pos, key, _fp, raw, fields in self.keyed(key_idx, None, False, compact):
            if key in wanted:
                yield key, raw, fields

    @abc.abstractmethod
    def fields_of(self, raw: Any) -> list:
        """The values of a record yielded with ``fields=None``, in column order."""

    @abc.abstractmethod
    def row_of(self, raw: Any, fields: list | None) -> dict[str, Any]:
        """The record as a row dict in its own column order."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Finish the pass early."""


# -- files ------------------------------------------------------------------


class _FileSide(Side):
    def __init__(self, label: str, binary: BinaryIO, encoding: str, owned_path: str | None) -> None:
        super().__init__(label)
        self._binary = binary
        self.encoding = encoding
        self._owned_path = owned_path
        self.borrowed = False  # a caller's file object is left open

    @property
    def size(self) -> int:
        """Size of the input in bytes."""
        return os.fstat(self._binary.fileno()).st_size if hasattr(self._binary, "fileno") else 0

    def _rewound(self) -> BinaryIO:
        self._binary.seek(0)
        return self._binary

    def close(self) -> None:
        if not self.borrowed:
            self._binary.close()
        if self._owned_path is not None:
            try:
                os.unlink(self._owned_path)
            except OSError:
                pass


class CsvSide(_FileSide):
    """CSV or TSV text; the dialect is given or sniffed (DF-IN-3)."""

    single_line = False  # set once a full pass found no quoted line breaks

    def __init__(self, label, binary, encoding, owned_path, dialect=None) -> None:
        super().__init__(label, binary, encoding, owned_path)
        self._dialect = dialect
        self._blank: bool | None = None

    def _decode_error(self) -> DiffInputError:
        return decode_error(self._binary, self.encoding, self.label)

    def _open(self) -> CsvRecords:
        stream = text_stream(self._rewound(), self.encoding)
        if self._blank is None:
            try:
                sample = stream.read(SNIFF_CHARS)
                stream.seek(0)
            except UnicodeDecodeError:
                stream.detach()
                raise self._decode_error() from None
            self._blank = len(sample) < SNIFF_CHARS and not sample.strip()
            if self._dialect is None:
                self._dialect = sniff_text(sample)
        return CsvRecords(stream, self._dialect, self.label, self._decode_error)

    @property
    def dialect(self) -> type[csv.Dialect]:
        if self._dialect is None:
            self._open().release()
        return self._dialect

    def _load_columns(self) -> list[str] | None:
        reader = self._open()
        try:
            return None if self._blank else reader.read_header()
        finally:
            reader.release()

    def scan(self, key=(), as_text=False) -> Scan:
        reader = self._open()
        if not self._blank:
            reader.read_header()
        return _CsvScan(reader, self)


class _CsvScan(Scan):
    def __init__(self, reader: CsvRecords, side: CsvSide) -> None:
        self._side = side
        self._reader = reader
        self.columns = reader.columns or []

    def fields_of(self, raw):
        return self._reader.fields_of(raw)

    def records(self):
        return self._reader.records()

    def keyed(self, key_idx, fp_get, raw_fp, compact=False):
        return self._reader.keyed(key_idx, fp_get, raw_fp, compact)

    def pick(self, key_idx, wanted, compact=False):
        if self._side.single_line:
            return self._reader.pick(key_idx, wanted, compact)
        return super().pick(key_idx, wanted, compact)

    def row_of(self, raw, fields):
        return dict(
            zip(self.columns, fields if fields is not None else self.fields_of(raw), strict=False)
        )

    def close(self) -> None:
        if self._reader.complete:
            self._side.single_line = not self._reader.multiline
        self._reader.release()


class JsonSide(_FileSide):
    """A JSON array of objects (``json``) or one object per line (``nl``)."""

    typed = True

    def __init__(self, label, binary, encoding, owned_path, lines: bool) -> None:
        super().__init__(label, binary, encoding, owned_path)
        self._lines = lines
        self.position_word = "lines" if lines else "elements"

    def _objects(self) -> Iterator[tuple[int, dict]]:
        binary = self._rewound()
        if not self._lines:
            try:
                yield from jsonrows.array_objects(binary, self.encoding, self.label)
            except UnicodeDecodeError:
                raise decode_error(binary, self.encoding, self.label) from None
            return
        stream = text_stream(binary, self.encoding)
        try:
            yield from jsonrows.nl_objects(stream, self.label)
        except UnicodeDecodeError:
            raise decode_error(binary, self.encoding, self.label) from None
        finally:
            stream.detach()

    def _load_columns(self) -> list[str] | None:
        seen: dict[str, None] = {}
        for _, obj in self._objects():
            for name in obj:
                if name not in seen:
                    seen[name] = None
        return list(seen) if seen else None

    def scan(self, key=(), as_text=False) -> Scan:
        return _JsonScan(self, tuple(key), as_text)


class _JsonScan(Scan):
    def __init__(self, side: JsonSide, key: tuple[str, ...], convert: bool) -> None:
        self._side = side
        self._key = key
        self._convert = convert
        self.columns = side.columns or []

    def records(self):
        columns, key, convert, side = self.columns, self._key, self._convert, self._side
        for number, obj in side._objects():
            for name in key:
                if name not in obj:
                    if side._lines:
                        raise DiffInputError(
                            f'no key member "{name}"', source=side.label, line=number
                        )
                    raise DiffInputError(
                        f'element {number} has no key member "{name}"', source=side.label
                    )
            obj = jsonrows.flatten(obj)
            if len(obj) != len(columns):
                for name in columns:
                    if name not in obj:
                        obj[name] = None
            if convert:
                obj = {name: as_text(value) for name, value in obj.items()}
            yield number, obj, [obj[name] for name in columns]

    def fields_of(self, raw):
        return [raw[name] for name in self.columns]

    def row_of(self, raw, fields):
        return raw


# -- SQLite -----------------------------------------------------------------


class SqliteSide(Side):
    """A table or view of a SQLite database, opened read-only (DF-IN-6)."""

    typed = True
    position_word = "rows"

    def __init__(self, label: str, path: str, table: str) -> None:
        super().__init__(label)
        self._path = path
        self._table = table
        try:
            with open(path, "rb") as f:
                magic = f.read(len(_SQLITE_MAGIC))
        except OSError as err:
            raise DiffInputError(err.strerror or str(err), source=path) from None
        if magic != _SQLITE_MAGIC:
            raise DiffInputError("not a SQLite database", source=path)
        import sqlite3  # only for DBPATH:TABLE sides: start-up (issue 11)

        self._conn = sqlite3.connect(f"file:{_uri_path(path)}?mode=ro", uri=True)
        self._conn.text_factory = str
        row = self._conn.execute(
            "select type from sqlite_master where name = ? and type in ('table', 'view')",
            (table,),
        ).fetchone()
        if row is None:
            raise DiffInputError(f"no such table or view: {table}", source=path)
        self._is_view = row[0] == "view"
        info = self._conn.execute(f"pragma table_info({_quote(table)})").fetchall()
        self._names = [r[1] for r in info]
        pk = sorted((r[5], r[1]) for r in info if r[5])
        self.primary_key = [name for _, name in pk] or None
        self._without_rowid = False
        if not self._is_view:
            sql = self._conn.execute(
                "select sql from sqlite_master where name = ?", (table,)
            ).fetchone()[0]
            self._without_rowid = "without rowid" in " ".join((sql or "").lower().split())

    def _load_columns(self) -> list[str] | None:
        duplicate = duplicate_column(self._names)
        if duplicate is not None:
            raise DiffInputError(duplicate, source=self.label)
        return list(self._names)

    def _select(self) -> str:
        columns = ", ".join(_quote(name) for name in self._names)
        sql = f"select {columns} from {_quote(self._table)}"
        if self._is_view:
            return sql
        if self._without_rowid and self.primary_key:
            return sql + " order by " + ", ".join(_quote(n) for n in self.primary_key)
        return sql + " order by rowid"

    def scan(self, key=(), as_text=False) -> Scan:
        return _SqliteScan(self, as_text)

    def close(self) -> None:
        self._conn.close()


class _SqliteScan(Scan):
    def __init__(self, side: SqliteSide, convert: bool) -> None:
        self._side = side
        self._convert = convert
        self.columns = side.columns or []
        self._cursor = side._conn.execute(side._select())

    def records(self):
        convert = self._convert
        for number, values in enumerate(self._cursor, 1):
            fields = [as_text(v) for v in values] if convert else list(values)
            yield number, fields, fields

    def fields_of(self, raw):
        return raw

    def row_of(self, raw, fields):
        return dict(zip(self.columns, raw, strict=False))

    def close(self) -> None:
        self._cursor.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _uri_path(path: str) -> str:
    from urllib.parse import quote

    return quote(os.path.abspath(path))


# -- resolving input specs (DF-IN-1, DF-IN-2) -------------------------------


class SpecError(ValueError):
    """An input spec names nothing that exists (a usage error)."""


def _inferred_format(name: str) -> str | None:
    lowered = name.lower()
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith((".jsonl", ".ndjson")):
        return "nl"
    return None


def open_side(spec: Any, fmt: str | None, encoding: str) -> Side:
    """Open one input spec: a path, ``-``, ``DBPATH:TABLE`` or a binary file object."""
    if not isinstance(spec, (str, os.PathLike)):
        label = getattr(spec, "name", None)
        label = label if isinstance(label, str) else "<input>"
        binary, owned = spec, None
        if not (hasattr(spec, "seekable") and spec.seekable()):
            binary, owned = _spool(spec)
        side = _file_side(label, binary, owned, fmt or _inferred_format(label), encoding)
        side.borrowed = owned is None
        return side
    spec = os.fspath(spec)
    if spec == "-":
        binary, owned = _spool(sys.stdin.buffer)
        return _file_side("stdin", binary, owned, fmt, encoding)
    if os.path.exists(spec):
        try:
            binary = open(spec, "rb")
        except OSError as err:
            raise DiffInputError(err.strerror or str(err), source=spec) from None
        return _file_side(spec, binary, None, fmt or _inferred_format(spec), encoding)
    db, sep, table = spec.rpartition(":")
    if sep and db and os.path.isfile(db):
        return SqliteSide(spec, db, table)
    raise SpecError(f"File '{spec}' does not exist.")


def _file_side(label, binary, owned, fmt, encoding) -> _FileSide:
    if fmt in ("json", "nl"):
        return JsonSide(label, binary, encoding, owned, lines=fmt == "nl")
    dialect = {"csv": csv.excel, "tsv": csv.excel_tab}.get(fmt)
    return CsvSide(label, binary, encoding, owned, dialect)


def _spool(stream: BinaryIO) -> tuple[BinaryIO, str]:
    import shutil
    import tempfile

    handle = tempfile.NamedTemporaryFile(prefix="datamill-diff-", delete=False)
    with handle:
        shutil.copyfileobj(stream, handle, 1 << 20)
    return open(handle.name, "rb"), handle.name
