"""Output options and row writers shared by every command that prints rows (O-OUTPUT, O-RAW).

Rows arrive as a list of column names plus an iterable of value sequences. Each writer
turns them into text without holding more than one row in memory, except table output,
which has to see every row to size its columns.
"""

from __future__ import annotations

import base64
import csv
import functools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

import click

from datamill.core.values import dedupe_keys

#: Rows are buffered into chunks of this many lines before being written.
WRITE_CHUNK = 1000


@dataclass(frozen=True)
class OutputFormat:
    """The output choices made on the command line (O-OUTPUT, O-RAW)."""

    nl: bool = False
    arrays: bool = False
    csv: bool = False
    tsv: bool = False
    no_headers: bool = False
    table: bool = False
    fmt: str | None = None
    json_cols: bool = False
    ascii: bool = False
    raw: bool = False
    raw_lines: bool = False

    @property
    def mode(self) -> str:
        """The writer that wins under the O-OUTPUT precedence rules."""
        if self.raw:
            return "raw"
        if self.raw_lines:
            return "raw-lines"
        if self.table or self.fmt:
            return "table"
        if self.csv or self.tsv:
            return "csv"
        return "json"


def output_options(fn: Callable | None = None, *, table_flag: bool = True) -> Any:
    """Add the O-OUTPUT options; the command receives them as one ``output`` argument.

    Use as ``@output_options``, or as ``@output_options(table_flag=False)`` for a command whose
    ``-t``/``--table`` means something else (tables are then available through ``--fmt``).
    """
    if fn is None:
        return functools.partial(output_options, table_flag=table_flag)
    options = [
        click.option(
            "--nl", is_flag=True, help="One JSON value per line, without the enclosing array"
        ),
        click.option(
            "--arrays", is_flag=True, help="Write each row as a JSON list of values, not an object"
        ),
        click.option("--csv", "csv_", is_flag=True, help="Output CSV"),
        click.option("--tsv", is_flag=True, help="Output TSV"),
        click.option("--no-headers", is_flag=True, help="Omit CSV/TSV/table headers"),
        *(
            [click.option("-t", "--table", "table_", is_flag=True, help="Output as a table")]
            if table_flag
            else []
        ),
        click.option("--fmt", help="Table format: simple, github, grid, rst, ..."),
        click.option("--json-cols", is_flag=True, help="Detect JSON text and output it nested"),
        click.option("--ascii", "ascii_", is_flag=True, help="Escape non-ASCII in JSON output"),
    ]

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        kwargs["output"] = OutputFormat(
            nl=kwargs.pop("nl"),
            arrays=kwargs.pop("arrays"),
            csv=kwargs.pop("csv_"),
            tsv=kwargs.pop("tsv"),
            no_headers=kwargs.pop("no_headers"),
            table=kwargs.pop("table_", False),
            fmt=kwargs.pop("fmt"),
            json_cols=kwargs.pop("json_cols"),
            ascii=kwargs.pop("ascii_"),
            raw=kwargs.pop("raw_", False),
            raw_lines=kwargs.pop("raw_lines_", False),
        )
        return fn(*args, **kwargs)

    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def raw_options(fn: Callable) -> Callable:
    """Add ``-r/--raw`` and ``--raw-lines`` (O-RAW); ``output_options`` folds them into ``output``."""
    fn = click.option(
        "--raw-lines", "raw_lines_", is_flag=True, help="Output the first column of every row"
    )(fn)
    return click.option(
        "-r", "--raw", "raw_", is_flag=True, help="Output the first column of row one"
    )(fn)


def _json_default(value: Any) -> Any:
    if isinstance(value, (bytes, memoryview)):
        return {"$base64": True, "encoded": base64.b64encode(bytes(value)).decode("ascii")}
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _nested_json(value: Any) -> Any:
    """Parse TEXT that looks like a JSON object or array (``--json-cols``)."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith(("{", "[")):
            try:
                return json.loads(stripped)
            except ValueError:
                return value
    return value


def json_lines(
    columns: Sequence[str], rows: Iterable[Sequence], fmt: OutputFormat
) -> Iterator[str]:
    """Yield the JSON output line by line (without newlines), per the O-OUTPUT layout."""
    dumps = functools.partial(json.dumps, default=_json_default, ensure_ascii=fmt.ascii)
    keys = dedupe_keys(columns)

    def encode(row: Sequence) -> str:
        values = [_nested_json(v) for v in row] if fmt.json_cols else row
        if fmt.arrays:
            return dumps(list(values))
        return dumps(dict(zip(keys, values)))

    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        yield "[]"
        return
    if fmt.nl:
        yield encode(first)
        for row in iterator:
            yield encode(row)
        return
    previous = "[" + encode(first)
    for row in iterator:
        yield previous + ","
        previous = " " + encode(row)
    yield previous + "]"


class NameList(list):
    """A list cell (``tables --columns``): a JSON array, one name per line in CSV/TSV."""

    def __str__(self) -> str:
        return "\n".join(self)


def write_csv(
    columns: Sequence[str], rows: Iterable[Sequence], fmt: OutputFormat, stream: IO[str]
) -> None:
    """Write CSV/TSV (CRLF line endings) with an optional header row."""
    writer = csv.writer(stream, dialect="excel-tab" if fmt.tsv else "excel")
    if not fmt.no_headers:
        writer.writerow(columns)
    writer.writerows(rows)


def _table_cell(value: Any) -> Any:
    return repr(value) if isinstance(value, list) else value


def table_text(columns: Sequence[str], rows: Iterable[Sequence], fmt: OutputFormat) -> str:
    """Render rows with ``tabulate`` (``-t``/``--fmt``); unknown formats fall back to simple."""
    import tabulate  # imported here: it is slow to import and only table mode needs it

    cells = [[_table_cell(v) for v in row] for row in rows]
    tablefmt = fmt.fmt or "simple"
    if fmt.no_headers:
        return tabulate.tabulate(cells, tablefmt=tablefmt)
    return tabulate.tabulate(cells, headers=list(columns), tablefmt=tablefmt)


def _raw_bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, memoryview)):
        return bytes(value)
    return str(value).encode("utf-8")


def raw_chunks(rows: Iterable[Sequence], fmt: OutputFormat) -> Iterator[bytes]:
    """Yield ``--raw`` (first value, no newline) or ``--raw-lines`` output as bytes."""
    if fmt.raw:
        first = next(iter(rows), None)
        yield _raw_bytes(None if first is None else first[0])
        return
    lines: list[bytes] = []
    for row in rows:
        lines.append(_raw_bytes(row[0]) + b"\n")
        if len(lines) >= WRITE_CHUNK:
            yield b"".join(lines)
            lines.clear()
    yield b"".join(lines)


def _write_lines(lines: Iterable[str], stream: IO[str]) -> None:
    chunk: list[str] = []
    for line in lines:
        chunk.append(line)
        if len(chunk) >= WRITE_CHUNK:
            chunk.append("")
            stream.write("\n".join(chunk))
            chunk.clear()
    if chunk:
        chunk.append("")
        stream.write("\n".join(chunk))


def write_rows(columns: Sequence[str], rows: Iterable[Sequence], fmt: OutputFormat) -> None:
    """Write rows to stdout in the format chosen by ``fmt``.

    A reader that goes away early (``| head``) ends the command quietly with status 1.
    """
    try:
        _write(columns, rows, fmt)
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's final flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise click.exceptions.Exit(1) from None


def _write(columns: Sequence[str], rows: Iterable[Sequence], fmt: OutputFormat) -> None:
    mode = fmt.mode
    if mode in ("raw", "raw-lines"):
        binary = sys.stdout.buffer
        for chunk in raw_chunks(rows, fmt):
            binary.write(chunk)
        binary.flush()
        return
    stream = sys.stdout
    if mode == "table":
        stream.write(table_text(columns, rows, fmt) + "\n")
    elif mode == "csv":
        write_csv(columns, rows, fmt, stream)
    else:
        _write_lines(json_lines(columns, rows, fmt), stream)
    stream.flush()
