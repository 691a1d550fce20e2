"""The O-INPUT option group shared by insert, upsert and bulk, and turning it into a reader."""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

import click

from datamill.io.csv_reader import CsvReader
from datamill.io.errors import InputError
from datamill.io.formats import SNIFF_BYTES, sniff_head
from datamill.io.json_reader import JSON_HINT, JsonReader, LinesReader, NdjsonReader, TextReader


@dataclasses.dataclass
class InputOptions:
    """The parsed O-INPUT options of one command."""

    nl: bool = False
    csv: bool = False
    tsv: bool = False
    lines: bool = False
    text: bool = False
    flatten: bool = False
    empty_null: bool = False
    convert: str | None = None
    imports: tuple[str, ...] = ()
    delimiter: str | None = None
    quotechar: str | None = None
    sniff: bool = False
    no_headers: bool = False
    encoding: str | None = None

    @property
    def tabular(self) -> bool:
        return self.csv or self.tsv

    @property
    def any_format_option(self) -> bool:
        return any(
            [
                self.nl,
                self.csv,
                self.tsv,
                self.lines,
                self.text,
                self.flatten,
                self.empty_null,
                self.convert,
                self.imports,
                self.delimiter,
                self.quotechar,
                self.sniff,
                self.no_headers,
                self.encoding,
            ]
        )


INPUT_OPTION_NAMES = [f.name for f in dataclasses.fields(InputOptions)]


def input_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a click command with every O-INPUT option."""
    options = [
        click.option("--flatten", is_flag=True, help="Flatten nested JSON objects into a_b keys"),
        click.option("--nl", is_flag=True, help="Input is one JSON object per line"),
        click.option("-c", "--csv", is_flag=True, help="Expect CSV input"),
        click.option("--tsv", is_flag=True, help="Expect TSV input"),
        click.option("--empty-null", is_flag=True, help="Treat empty CSV/TSV cells as NULL"),
        click.option("--lines", is_flag=True, help="Treat each line as a single value"),
        click.option("--text", is_flag=True, help="Treat the whole input as a single value"),
        click.option("--convert", help="Python code that rewrites each record before it is stored"),
        click.option(
            "--import", "imports", multiple=True, help="Python modules to import for --convert"
        ),
        click.option("--delimiter", help="Field separator for CSV input"),
        click.option("--quotechar", help="Character that quotes CSV/TSV fields"),
        click.option("--sniff", is_flag=True, help="Detect the CSV delimiter and quote character"),
        click.option(
            "--no-headers", is_flag=True, help="The first CSV row is data, not column names"
        ),
        click.option("--encoding", help="Character encoding for CSV/TSV input, default utf-8"),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def pop_input_options(kwargs: dict[str, Any]) -> InputOptions:
    """Take the O-INPUT values out of a command's kwargs and validate them (exit 1)."""
    values = {name: kwargs.pop(name) for name in INPUT_OPTION_NAMES}
    values["imports"] = tuple(values["imports"] or ())
    options = InputOptions(**values)
    if (options.delimiter or options.quotechar or options.sniff or options.no_headers) and not (
        options.tsv
    ):
        options.csv = True
    if sum([options.nl, options.csv, options.tsv]) > 1:
        raise click.ClickException("Use just one of --nl, --csv or --tsv")
    if options.flatten and options.tabular:
        raise click.ClickException("--flatten cannot be used with --csv or --tsv")
    if options.empty_null and not options.tabular:
        raise click.ClickException("--empty-null can only be used with --csv or --tsv")
    if options.encoding and not options.tabular:
        raise click.ClickException("--encoding must be used with --csv or --tsv")
    return options


def stdin_bytes() -> BinaryIO:
    """Standard input as an unbuffered binary file.

    The reader thread may still be blocked on a pipe when a failed or interrupted command
    exits; reading the file descriptor directly (not through ``sys.stdin.buffer``, whose lock
    the interpreter needs at shutdown) lets the process end cleanly.
    """
    try:
        descriptor = sys.stdin.fileno()
    except (AttributeError, OSError, ValueError):  # replaced stdin, e.g. in tests
        return sys.stdin.buffer
    return io.FileIO(descriptor, "rb", closefd=False)


def open_input(file: str) -> tuple[BinaryIO, int | None]:
    """Open FILE (``-`` is stdin) for binary reading; returns the stream and its size."""
    if file == "-":
        return stdin_bytes(), None
    try:
        stream = open(file, "rb")
    except OSError as error:
        reason = error.strerror or str(error)
        raise click.ClickException(f"Could not open input file '{file}': {reason}") from None
    try:
        size = os.fstat(stream.fileno()).st_size
    except OSError:
        size = None
    return stream, size


def make_reader(stream: BinaryIO, options: InputOptions, source: str = "stdin") -> Any:
    """The reader for the chosen format; CSV/TSV readers parse the header immediately.

    ``source`` names the input in errors.
    """
    if options.lines:
        return LinesReader(stream)
    if options.text:
        return TextReader(stream)
    if options.nl:
        return NdjsonReader(stream)
    if not options.tabular:
        return JsonReader(stream, hint=JSON_HINT)
    encoding = options.encoding or "utf-8"
    dialect: Any = csv.excel_tab if options.tsv else "excel"
    fmtparams: dict[str, Any] = {}  # csv.reader parameters
    if options.sniff:
        buffered = io.BufferedReader(stream)  # type: ignore[type-var]  # any binary file object works
        try:
            dialect = sniff_head(buffered.peek(SNIFF_BYTES), encoding)
        except csv.Error:
            raise InputError("Could not determine delimiter") from None
        stream = buffered
    if options.delimiter:
        fmtparams["delimiter"] = options.delimiter
    if options.quotechar:
        fmtparams["quotechar"] = options.quotechar
    try:
        return CsvReader(
            stream,
            dialect,
            encoding=encoding,
            headers=not options.no_headers,
            source=source,
            **fmtparams,
        )
    except TypeError as error:
        raise InputError(str(error)) from None
