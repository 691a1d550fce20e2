"""csv-diff compatible in-memory loaders and ``compare`` (DF-LIB-1 to DF-LIB-3, DF-LIB-5)."""

from __future__ import annotations

import csv
import io
import json
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, TextIO

from datamill.diff import jsonrows
from datamill.diff.csvrecords import CsvRecords, sniff
from datamill.diff.errors import DiffInputError
from datamill.diff.render import DiffResult
from datamill.diff.values import json_default


class DuplicateKeysWarning(UserWarning):
    """Rows were dropped under ``on_duplicate="first"`` or ``"last"`` (DF-KEY-4)."""


class Rows(dict):
    """Key value → row dict, in input order, with ``.columns`` and ``.key``."""

    def __init__(self, columns: list[str] | None, key: tuple[str, ...] | None) -> None:
        super().__init__()
        self.columns = columns
        self.key = key


def _key_names(key: str | Sequence[str] | None) -> tuple[str, ...] | None:
    if key is None:
        return None
    if isinstance(key, str):
        return (key,)
    return tuple(key) or None


def content_digest(row: Mapping[str, Any]) -> str:
    """csv-diff's identity for a row without a key: SHA-1 of its sorted JSON."""
    import hashlib  # only diffs without a key hash rows: start-up (issue 11)

    text = json.dumps(row, sort_keys=True, default=json_default)
    return hashlib.sha1(text.encode("utf8")).hexdigest()


def _source_name(fp: Any) -> str | None:
    name = getattr(fp, "name", None)
    return name if isinstance(name, str) else None


def _check_key(columns: list[str] | None, key: tuple[str, ...] | None, source: str | None) -> None:
    if key and columns is not None:
        for name in key:
            if name not in columns:
                listing = ", ".join(f'"{c}"' for c in columns)
                raise DiffInputError(
                    f'key column "{name}" not found; columns are: {listing}', source=source
                )


def _check_ignore(ignore: Iterable[str], key: tuple[str, ...] | None) -> set[str]:
    ignored = set(ignore)
    for name in ignored:
        if key and name in key:
            raise DiffInputError(f"--ignore cannot name a --key column: {name}")
    return ignored


def _collect(
    rows: Iterator[tuple[int, dict[str, Any], Any]],
    columns: list[str] | None,
    key: tuple[str, ...] | None,
    on_duplicate: str,
    source: str | None,
    position_word: str,
) -> Rows:
    """Build the mapping from ``(position, row, digest source)`` triples."""
    if on_duplicate not in ("error", "first", "last"):
        raise ValueError(f"on_duplicate must be error, first or last, not {on_duplicate!r}")
    result = Rows(columns, key)
    positions: dict[Any, int] = {}
    dropped = 0
    for position, row, digest_of in rows:
        if key is None:
            digest = content_digest(digest_of)
            mapping_key, copy = digest, 1
            while mapping_key in result:
                copy += 1
                mapping_key = f"{digest}#{copy}"
            result[mapping_key] = row
            continue
        k = row[key[0]] if len(key) == 1 else tuple(row[n] for n in key)
        if k in result:
            if on_duplicate == "error":
                values = (k,) if len(key) == 1 else k
                shown = ", ".join(
                    f"{n}={json.dumps(v, default=json_default)}"
                    for n, v in zip(key, values, strict=False)
                )
                raise DiffInputError(
                    f"duplicate key {shown} on {position_word} {positions[k]} and {position}; "
                    "use --on-duplicate first or --on-duplicate last to keep one",
                    source=source,
                )
            dropped += 1
            if on_duplicate == "last":
                result[k] = row
            continue
        positions[k] = position
        result[k] = row
    if dropped:
        warnings.warn(
            f"{source or '<input>'}: {dropped} rows with duplicate keys dropped "
            f"(--on-duplicate {on_duplicate})",
            DuplicateKeysWarning,
            stacklevel=3,
        )
    return result


def load_csv(
    fp: TextIO,
    key: str | Sequence[str] | None = None,
    dialect: Any = None,
    *,
    on_duplicate: str = "error",
    ignore: Iterable[str] = (),
) -> Rows:
    """Read a CSV text file (opened with ``newline=""``) into a keyed mapping."""
    source = _source_name(fp)
    names = _key_names(key)
    ignored = _check_ignore(ignore, names)
    if dialect is None:
        dialect = sniff(fp) if fp.seekable() else csv.excel
    elif isinstance(dialect, str):
        dialect = csv.get_dialect(dialect)
    reader = CsvRecords(fp, dialect, source or "<input>", _no_decode_errors(source))
    header = reader.read_header()
    _check_key(header, names, source)
    columns = [c for c in header] if header is not None else None
    visible = [c for c in columns if c not in ignored] if columns else columns

    def rows() -> Iterator[tuple[int, dict[str, Any], Any]]:
        fields_of = reader.fields_of
        for line, raw, fields in reader.records():
            cells = fields if fields is not None else fields_of(raw)
            row = dict(zip(columns or (), cells, strict=False))
            if ignored:
                row = {c: row[c] for c in visible or ()}
            yield line, row, row

    return _collect(rows(), visible, names, on_duplicate, source, "lines")


def _no_decode_errors(source: str | None):
    def error() -> DiffInputError:
        return DiffInputError("cannot decode input", source=source)

    return error


def _json_rows(
    objects: Iterator[tuple[int, dict]],
    key: tuple[str, ...] | None,
    ignored: set[str],
    source: str | None,
    element_numbers: bool,
) -> tuple[list[tuple[int, dict, dict]], list[str] | None]:
    parsed: list[tuple[int, dict, dict]] = []
    seen: dict[str, None] = {}
    for number, obj in objects:
        for name in key or ():
            if name not in obj:
                if element_numbers:
                    raise DiffInputError(
                        f'element {number} has no key member "{name}"', source=source
                    )
                raise DiffInputError(f'no key member "{name}"', source=source, line=number)
        original = dict(obj)
        row = {n: v for n, v in jsonrows.flatten(obj).items() if n not in ignored}
        for name in row:
            if name not in seen:
                seen[name] = None
        parsed.append((number, row, original))
    columns = list(seen) if seen else None
    for _, row, _ in parsed:
        if len(row) != len(seen):
            for name in seen:
                if name not in row:
                    row[name] = None
    return parsed, columns


def _binary(fp: Any) -> Any:
    if isinstance(fp.read(0), str):
        return io.BytesIO(fp.read().encode("utf-8"))
    return fp


def load_json(
    fp: Any,
    key: str | Sequence[str] | None = None,
    *,
    on_duplicate: str = "error",
    ignore: Iterable[str] = (),
) -> Rows:
    """Read a JSON array of objects (text or binary file) into a keyed mapping."""
    source = _source_name(fp) or "<input>"
    names = _key_names(key)
    ignored = _check_ignore(ignore, names)
    objects = jsonrows.array_objects(_binary(fp), "utf-8", source)
    parsed, columns = _json_rows(objects, names, ignored, source, element_numbers=True)
    return _collect(iter(parsed), columns, names, on_duplicate, source, "elements")


def load_nl(
    fp: Any,
    key: str | Sequence[str] | None = None,
    *,
    on_duplicate: str = "error",
    ignore: Iterable[str] = (),
) -> Rows:
    """Read newline-delimited JSON objects (text or binary file) into a keyed mapping."""
    source = _source_name(fp) or "<input>"
    names = _key_names(key)
    ignored = _check_ignore(ignore, names)
    text = fp.read()
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    lines = io.StringIO(text, newline="")
    objects = jsonrows.nl_objects(iter(lines), source)
    parsed, columns = _json_rows(objects, names, ignored, source, element_numbers=False)
    return _collect(iter(parsed), columns, names, on_duplicate, source, "lines")


def load_table(
    db: Any,
    table: str,
    key: str | Sequence[str] | None = None,
    *,
    on_duplicate: str = "error",
    ignore: Iterable[str] = (),
) -> Rows:
    """Read a SQLite table or view (``db``: a path or ``datamill.Database``)."""
    from datamill.diff.sides import SqliteSide

    path = db if isinstance(db, str) else _database_path(db)
    side = SqliteSide(f"{path}:{table}", path, table)
    names = _key_names(key)
    ignored = _check_ignore(ignore, names)
    try:
        columns = side.columns or []  # a table always has a header
        _check_key(columns, names, side.label)
        visible = [c for c in columns if c not in ignored]
        scan = side.scan()

        def rows() -> Iterator[tuple[int, dict[str, Any], Any]]:
            for number, raw, fields in scan.records():
                row = {c: v for c, v in scan.row_of(raw, fields).items() if c not in ignored}
                yield number, row, row

        return _collect(rows(), visible, names, on_duplicate, side.label, "rows")
    finally:
        side.close()


def _database_path(db: Any) -> str:
    conn = getattr(db, "conn", db)
    for _, name, filename in conn.execute("pragma database_list"):
        if name == "main" and filename:
            return filename
    raise ValueError("load_table needs a file-backed database")


def compare(
    previous: Mapping[Any, Mapping[str, Any]],
    current: Mapping[Any, Mapping[str, Any]],
    show_unchanged: bool = False,
    *,
    key: str | Sequence[str] | None = None,
) -> DiffResult:
    """Compare two loaded mappings; returns the five-key DF-JSON-1 dict."""
    prev_cols = _columns_of(previous)
    cur_cols = _columns_of(current)
    key_names = _key_names(key) or getattr(previous, "key", None) or ()
    result = DiffResult()
    if prev_cols is None or cur_cols is None:
        added_cols: list[str] = []
        removed_cols: list[str] = []
    else:
        added_cols = [c for c in cur_cols if c not in prev_cols]
        removed_cols = [c for c in prev_cols if c not in cur_cols]
    common = [c for c in prev_cols or () if cur_cols is not None and c in cur_cols]
    changed = []
    for k, new in current.items():
        old = previous.get(k)
        if old is None:
            continue
        changes = {c: [old.get(c), new.get(c)] for c in common if old.get(c) != new.get(c)}
        if not changes:
            continue
        entry: dict[str, Any] = {"key": list(k) if isinstance(k, tuple) else k, "changes": changes}
        if show_unchanged:
            entry["unchanged"] = {
                c: v for c, v in old.items() if c not in changes and c not in key_names
            }
        changed.append(entry)
    result["added"] = [row for k, row in current.items() if k not in previous]
    result["removed"] = [row for k, row in previous.items() if k not in current]
    result["changed"] = changed
    result["columns_added"] = added_cols
    result["columns_removed"] = removed_cols
    result.key = tuple(key_names) or None
    result.previous_columns = prev_cols
    return result


def _columns_of(rows: Mapping[Any, Mapping[str, Any]]) -> list[str] | None:
    columns = getattr(rows, "columns", None)
    if columns is not None:
        return list(columns)
    for row in rows.values():
        return list(row)
    return None
