"""Read one version of a tracked file (CSV, TSV, JSON array, NDJSON) as rows, for `history`.

``datamill.diff`` keys and fingerprints rows but does not hand them out in file order, which
the history importer needs; this reader applies the same rules (diff.md DF-IN) and error texts
(DF-VAL) so an unparseable version is reported as `datamill diff` would. ``has_rows`` is
`track`'s cheap empty-content test (TR-5).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator

from datamill.track.errors import TrackUsageError

SNIFF_CHARS = 1024 * 1024
UTF8_NAMES = {"utf-8", "utf8", "utf-8-sig", "utf_8", "u8"}

csv.field_size_limit(sys.maxsize)  # DF-IN-3.6: no 128 KiB field limit


class ContentError(ValueError):
    """Content that does not parse in its format; ``str()`` is the text after ``Error: ``."""


def infer_format(path: str) -> str | None:
    """DF-IN-2: ``.json`` is json, ``.jsonl``/``.ndjson`` is nl, anything else sniffed CSV."""
    lower = path.lower()
    if lower.endswith(".json"):
        return "json"
    if lower.endswith((".jsonl", ".ndjson")):
        return "nl"
    return None


def looks_like_csv(data: bytes, path: str) -> bool:
    """Whether content that failed to parse as JSON is probably CSV/TSV, to say so.

    True for a ``.csv``/``.tsv`` path, or when the first non-blank line does not open a JSON
    array or object and holds a comma, tab or semicolon.
    """
    if path.lower().endswith((".csv", ".tsv")):
        return True
    head = data[:SNIFF_CHARS].decode("utf-8", "replace").removeprefix("\ufeff")
    first = next((line.strip() for line in head.splitlines() if line.strip()), "")
    return bool(first) and first[0] not in "[{" and any(sep in first for sep in ",\t;")


def check_encoding(encoding: str) -> None:
    """``--encoding`` must name a text codec: a usage error before any work (TR-2, HI-2)."""
    try:
        info = codecs.lookup(encoding)
    except LookupError:
        problem = f"unknown encoding {encoding!r}"
    else:
        if getattr(info, "_is_text_encoding", True):  # False for base64, rot13, zlib...
            return
        problem = f"{encoding!r} is not a text encoding"
    raise TrackUsageError(f"Invalid value for '--encoding': {problem}")


def decode(data: bytes, encoding: str, source: str) -> str:
    """Decode ``data``, dropping a UTF-8 BOM; DF-VAL-7 on undecodable bytes."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ContentError(
            f"{source}, line {line}: cannot decode byte 0x{data[err.start]:02x} at offset "
            f"{err.start} as {encoding}; use --encoding, e.g. --encoding latin-1"
        ) from None
    except LookupError:
        raise ContentError(f"{source}: unknown encoding: {encoding}") from None
    if encoding.lower().replace("_", "-") in UTF8_NAMES and text.startswith("\ufeff"):
        text = text[1:]
    return text


def sniff_dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """DF-IN-3.2: sniff the first MiB among ``,``, tab and ``;``; Excel when sniffing fails."""
    try:
        return csv.Sniffer().sniff(text[:SNIFF_CHARS], delimiters=",\t;")
    except csv.Error:
        return csv.excel


def iter_rows(
    data: bytes,
    fmt: str | None,
    source: str,
    encoding: str = "utf-8",
    dialect: type[csv.Dialect] | csv.Dialect | str | None = None,
) -> tuple[list[str], Iterable[dict]]:
    """(columns, rows) of one version; CSV/TSV rows come lazily (errors raise while iterating).

    ``fmt`` None means CSV with a sniffed (or the given) dialect.
    """
    text = decode(data, encoding, source)
    if not text.strip():
        return [], []
    if fmt == "json":
        return parse_json(text, source)
    if fmt == "nl":
        return parse_nl(text, source)
    dialect = _dialect(text, fmt, dialect)
    _check_csv_text(text, source, dialect)
    del text  # rows are decoded again, incrementally, instead of from one in-memory copy
    return csv_rows(_text_stream(data, encoding), source, dialect)


def _text_stream(data: bytes, encoding: str) -> io.TextIOWrapper:
    """Incrementally decoded lines of ``data`` (line endings kept), without a BOM."""
    utf8 = encoding.lower().replace("_", "-") in UTF8_NAMES
    return io.TextIOWrapper(
        io.BytesIO(data), encoding="utf-8-sig" if utf8 else encoding, newline=""
    )


def has_rows(filename: str, fmt: str | None, encoding: str) -> bool:
    """Whether a version that passed validation holds at least one row (TR-5's empty test).

    Reads only as far as the first row; the file is assumed valid (the diff library checks).
    """
    with open(filename, encoding=encoding, errors="replace", newline="") as handle:
        head = handle.read(SNIFF_CHARS).removeprefix("\ufeff")
        if fmt in ("json", "nl"):
            pattern = r"\s*(\[\s*\])?\s*" if fmt == "json" else r"\s*"
            if not re.fullmatch(pattern, head):
                return True
            rest = handle.read(SNIFF_CHARS)
            while rest:
                if rest.strip():
                    return True
                rest = handle.read(SNIFF_CHARS)
            return False
        if not head.strip():
            return False
        dialect = _dialect(head, fmt, None)
        handle.seek(0)
        records = (record for record in csv.reader(handle, dialect) if record)
        return next(records, None) is not None and next(records, None) is not None


def _dialect(text: str, fmt: str | None, dialect):
    if dialect is not None:
        return dialect
    return {"csv": csv.excel, "tsv": csv.excel_tab}.get(fmt or "") or sniff_dialect(text)


def _csv_records(lines: Iterable[str], source: str, dialect) -> Iterator[tuple[int, list[str]]]:
    """Yield (start line, fields) for every non-empty record."""
    reader = csv.reader(lines, dialect, strict=False)
    previous_end = 0
    while True:
        start = previous_end + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise ContentError(f"{source}, line {start}: {err}") from None
        previous_end = reader.line_num
        if record:
            yield start, record


def _check_csv_text(text: str, source: str, dialect) -> None:
    """DF-VAL-8's whole-input checks: NUL bytes, an unterminated quote, JSON given as CSV."""
    nul = text.find("\0")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise ContentError(f"{source}, line {line}: NUL byte in input; is this really a CSV file?")
    _check_terminated_quotes(text, source, dialect)
    if text.lstrip().startswith(("[{", '{"')):
        raise ContentError(f"{source}: looks like JSON; use --format json or --format nl")


def csv_rows(lines: Iterable[str], source: str, dialect) -> tuple[list[str], Iterator[dict]]:
    """DF-IN-3 with the DF-VAL-4/6 checks: the header now, then the rows lazily."""
    records = _csv_records(lines, source, dialect)
    try:
        _, header = next(records)
    except StopIteration:
        return [], iter(())
    if header and header[0].lstrip().startswith(("[{", '{"')):
        raise ContentError(f"{source}: looks like JSON; use --format json or --format nl")
    seen: dict[str, int] = {}
    for number, name in enumerate(header, 1):
        if name in seen:
            raise ContentError(
                f'{source}, line 1: duplicate column name "{name}" '
                f"(columns {seen[name]} and {number})"
            )
        seen[name] = number
    return list(header), _csv_dicts(header, records, source)


def _csv_dicts(header: list[str], records, source: str) -> Iterator[dict]:
    width = len(header)
    for line, record in records:
        if len(record) != width:
            if len(record) > width and not any(record[width:]):
                record = record[:width]
            else:
                raise ContentError(
                    f"{source}, line {line}: expected {width} fields, found {len(record)}"
                )
        yield dict(zip(header, record, strict=True))


def _check_terminated_quotes(text: str, source: str, dialect) -> None:
    """DF-VAL-8: an unterminated quoted field at end of input is an error, not silent data."""
    quote = getattr(dialect, "quotechar", '"') or '"'
    if text.count(quote) % 2 == 0:
        return
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        raise ContentError(f"{source}, line {start}: unterminated quoted field") from None


class _Object(dict):
    """A parsed JSON object that remembers its first duplicate member name, if any."""

    duplicate: str | None = None


def _collect_pairs(pairs: list[tuple[str, object]]) -> dict:
    obj = _Object()
    for key, value in pairs:
        if key in obj and obj.duplicate is None:
            obj.duplicate = key
        obj[key] = value
    return obj


def json_type_name(value: object) -> str:
    """The JSON name of a parsed value's type, for DF-VAL-8 messages."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number"


def parse_json(text: str, source: str) -> tuple[list[str], list[dict]]:
    """DF-IN-4: one array of objects."""
    try:
        data = json.loads(text, object_pairs_hook=_collect_pairs)
    except json.JSONDecodeError as err:
        raise ContentError(
            f"{source}, line {err.lineno}, column {err.colno}: invalid JSON: {err.msg}"
        ) from None
    if not isinstance(data, list):
        raise ContentError(
            f"{source}: expected a JSON array of objects, found {json_type_name(data)}"
        )
    rows: list[dict] = []
    known: dict[str, None] = {}
    for number, element in enumerate(data, 1):
        if not isinstance(element, dict):
            raise ContentError(
                f"{source}: element {number} is not an object (found {json_type_name(element)})"
            )
        if element.duplicate is not None:
            raise ContentError(
                f'{source}: element {number} has duplicate key "{element.duplicate}"'
            )
        known.update(dict.fromkeys(element))
        rows.append(dict(element))
    return list(known), rows


def parse_nl(text: str, source: str) -> tuple[list[str], list[dict]]:
    """DF-IN-5: one object per non-blank line."""
    rows: list[dict] = []
    known: dict[str, None] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            element = json.loads(line, object_pairs_hook=_collect_pairs)
        except json.JSONDecodeError as err:
            raise ContentError(
                f"{source}, line {number}, column {err.colno}: invalid JSON: {err.msg}"
            ) from None
        if not isinstance(element, dict):
            raise ContentError(
                f"{source}, line {number}: expected a JSON object, found {json_type_name(element)}"
            )
        if element.duplicate is not None:
            raise ContentError(f'{source}, line {number}: duplicate key "{element.duplicate}"')
        known.update(dict.fromkeys(element))
        rows.append(dict(element))
    return list(known), rows
