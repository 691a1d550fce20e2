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
import re
from collections.abc import Iterable, Iterator

from datamill.diff import jsonrows
from datamill.diff.errors import DiffInputError, duplicate_column
from datamill.diff.textinput import decode_error
from datamill.io.dialect import SNIFF_CHARS, sniff_text
from datamill.io.field_size import maximize_csv_field_size_limit
from datamill.io.source import text_codec, text_stream
from datamill.track.errors import TrackUsageError


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
        return data.decode(text_codec(encoding))
    except UnicodeDecodeError:
        raise ContentError(str(decode_error(io.BytesIO(data), encoding, source))) from None
    except LookupError:
        raise ContentError(f"{source}: unknown encoding: {encoding}") from None


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
    return csv_rows(text_stream(io.BytesIO(data), encoding), source, dialect)


def has_rows(filename: str, fmt: str | None, encoding: str) -> bool:
    """Whether a version that passed validation holds at least one row (TR-5's empty test).

    Reads only as far as the first row; the file is assumed valid (the diff library checks).
    """
    maximize_csv_field_size_limit()
    with open(filename, encoding=text_codec(encoding), errors="replace", newline="") as handle:
        head = handle.read(SNIFF_CHARS)
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
    return {"csv": csv.excel, "tsv": csv.excel_tab}.get(fmt or "") or sniff_text(text)


def _csv_records(lines: Iterable[str], source: str, dialect) -> Iterator[tuple[int, list[str]]]:
    """Yield (start line, fields) for every non-empty record."""
    maximize_csv_field_size_limit()  # DF-IN-3.6
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
    duplicate = duplicate_column(header)
    if duplicate is not None:
        raise ContentError(f"{source}, line 1: {duplicate}")
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


def parse_json(text: str, source: str) -> tuple[list[str], list[dict]]:
    """DF-IN-4: one array of objects."""
    return _objects(jsonrows.array_text_objects, text, source)


def parse_nl(text: str, source: str) -> tuple[list[str], list[dict]]:
    """DF-IN-5: one object per non-blank line."""
    return _objects(jsonrows.nl_objects, io.StringIO(text, newline=""), source)


def _objects(parse, text, source: str) -> tuple[list[str], list[dict]]:
    """(columns in first-seen order, rows) of ``diff``'s JSON reader, DF-VAL-8 errors kept."""
    rows: list[dict] = []
    known: dict[str, None] = {}
    try:
        for _, element in parse(text, source):
            known.update(dict.fromkeys(element))
            rows.append(dict(element))
    except DiffInputError as err:
        raise ContentError(str(err)) from None
    return list(known), rows
