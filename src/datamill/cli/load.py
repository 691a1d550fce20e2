"""Loading commands: ``insert``, ``upsert`` and ``bulk`` (C-INSERT, C-UPSERT, C-BULK)."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable, Iterator
from typing import Any

import click

from datamill.cli.input_options import (
    InputOptions,
    input_options,
    make_reader,
    open_input,
    pop_input_options,
)
from datamill.cli.main import cli
from datamill.cli.options import load_extensions, register_functions
from datamill.cli.progress import Progress, stderr_is_terminal
from datamill.cli.user_code import code_globals, compile_function, read_code
from datamill.core import errors as core_errors
from datamill.core.database import Database
from datamill.core.sqlite import sqlite3
from datamill.io.errors import InputError
from datamill.io.json_reader import JsonReader
from datamill.load.batches import record_batches
from datamill.load.bulk import bulk_load
from datamill.load.engine import Loader
from datamill.load.errors import LoadError
from datamill.load.settings import DICT_BATCH, LoadSettings

LIBRARY_ERRORS = tuple(
    value
    for value in vars(core_errors).values()
    if isinstance(value, type) and issubclass(value, Exception)
)
TYPE_CHOICE = click.Choice(
    ["integer", "text", "float", "real", "blob", "any"], case_sensitive=False
)


@contextlib.contextmanager
def database_for(path: str, atomic: bool = True) -> Iterator[Database]:
    """Open PATH (creating it, G-5).

    When the command is ``atomic`` (nothing is committed before it succeeds), a file it
    created is removed again if it fails, so the path is left as it was.
    """
    existed = os.path.exists(path)
    db = Database(path)
    try:
        yield db
    except BaseException:
        db.close()
        if atomic and not existed and os.path.exists(path):
            os.remove(path)
        raise
    db.close()


@contextlib.contextmanager
def clean_errors() -> Iterator[None]:
    """One-line ``Error: ...`` for bad input and SQLite errors; SIGTERM counts as an error."""
    previous = signal.getsignal(signal.SIGTERM)

    def terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    with contextlib.suppress(ValueError):  # not the main thread: leave signals alone
        signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    except LoadError as error:
        raise click.ClickException(load_error_line(error)) from None
    except InputError as error:
        raise click.ClickException(str(error)) from None
    except (*LIBRARY_ERRORS, sqlite3.Error, ValueError, OverflowError) as error:
        raise click.ClickException(str(error)) from None
    finally:
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGTERM, previous)


def load_error_line(error: LoadError) -> str:
    """The ``Error:`` text for a failed load, from the error's fields (I-4)."""
    text = str(error)
    if "has no column named" in error.message:
        text += " - try using --alter to add additional columns"
    return text


def _insert_upsert_options(command: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("path", type=click.Path(dir_okay=False, allow_dash=False)),
        click.argument("table"),
        click.argument("file", required=False),
        click.option("--pk", multiple=True, help="Columns to use as the primary key"),
        click.option("--code", help="Python code (or a .py file) defining rows() or rows"),
        click.option(
            "--batch-size",
            type=click.IntRange(min=1),
            help="Commit every N rows (default: one transaction)",
        ),
        click.option("--stop-after", type=int, help="Stop after this many records"),
        click.option("--alter", is_flag=True, help="Alter the table to add missing columns"),
        click.option("--not-null", multiple=True, help="Columns that should be NOT NULL"),
        click.option(
            "--default", "defaults", multiple=True, type=(str, str), help="Default column values"
        ),
        click.option(
            "--type", "types", multiple=True, type=(str, TYPE_CHOICE), help="Column types"
        ),
        click.option(
            "--no-detect-types",
            is_flag=True,
            help="Keep every CSV/TSV column as TEXT (no type detection)",
        ),
        click.option("--analyze", is_flag=True, help="Run ANALYZE after loading"),
        click.option("--load-extension", multiple=True, help="Path to SQLite extension"),
        click.option("-s", "--silent", is_flag=True, help="No progress bar or summary"),
        click.option("--strict", is_flag=True, help="Create the table STRICT"),
    ]
    command = input_options(command)
    for option in reversed(options):
        command = option(command)
    return command


@cli.command()
@_insert_upsert_options
@click.option("--ignore", is_flag=True, help="Ignore records whose primary key already exists")
@click.option("--replace", is_flag=True, help="Replace records whose primary key already exists")
@click.option("--truncate", is_flag=True, help="Delete existing rows first")
def insert(**kwargs: Any) -> None:
    """Insert records from FILE (JSON, NDJSON, CSV or TSV; - for stdin) into TABLE.

    Without --batch-size the load is one transaction: on any error nothing is kept.
    """
    if kwargs["ignore"] and kwargs["replace"]:
        raise click.ClickException("Use either --ignore or --replace, not both")
    _load(kwargs, upsert=False)


@cli.command()
@_insert_upsert_options
def upsert(**kwargs: Any) -> None:
    """Upsert records from FILE into TABLE: insert new keys, update only the given columns.

    Without --batch-size the load is one transaction: on any error nothing is kept.
    """
    _load(kwargs, upsert=True)


def _load(kwargs: dict[str, Any], upsert: bool) -> None:
    path, table, file, code = kwargs["path"], kwargs["table"], kwargs["file"], kwargs["code"]
    inputs = pop_input_options(kwargs)
    if file is not None and code is not None:
        raise click.ClickException("--code cannot be used with a FILE argument")
    if file is None and code is None:
        raise click.ClickException(
            "Provide either a FILE argument or --code to specify rows to insert"
        )
    if code is not None and inputs.any_format_option:
        raise click.ClickException("--code cannot be used with input format options")
    settings = LoadSettings(
        table=table,
        pk=tuple(kwargs["pk"]),
        alter=kwargs["alter"],
        ignore=kwargs.get("ignore", False),
        replace=kwargs.get("replace", False),
        truncate=kwargs.get("truncate", False),
        upsert=upsert,
        analyze=kwargs["analyze"],
        strict=kwargs["strict"],
        detect_types=not kwargs["no_detect_types"],
        empty_null=inputs.empty_null,
        flatten=inputs.flatten,
        not_null=tuple(kwargs["not_null"]),
        defaults=dict(kwargs["defaults"]),
        types={column: kind.lower() for column, kind in kwargs["types"]},
        batch_size=kwargs["batch_size"],
        stop_after=kwargs["stop_after"],
    )
    convert = (
        compile_function(inputs.convert, _convert_var(inputs), inputs.imports)
        if (inputs.convert)
        else None
    )
    rows_from_code = _rows_from_code(code) if code is not None else None
    stream, size = open_input(file) if file is not None else (None, None)
    progress = Progress(size, enabled=stderr_is_terminal() and not kwargs["silent"])
    try:
        with clean_errors():
            reader = _reader(stream, inputs, file) if stream is not None else None
            with database_for(path, atomic=not settings.batch_size) as db:
                load_extensions(db, kwargs["load_extension"])
                loader = Loader(
                    db,
                    settings,
                    progress.update if progress.enabled else None,
                    count_outcome=progress.enabled,
                    source="stdin" if file == "-" else file,
                )
                if rows_from_code is not None:
                    loader.load_rows(rows_from_code)
                else:
                    loader.load_reader(reader, convert, _record_mode(inputs))
                result = loader.result
                if progress.enabled:
                    progress.finish(result.inserted, result.ignored, result.replaced)
    except click.ClickException:
        progress.abandon()
        raise
    finally:
        if stream is not None and file != "-":
            stream.close()


def _record_mode(inputs: InputOptions) -> str:
    """What the record reader yields, for ``prepare_records``."""
    return "lines" if inputs.lines else "text" if inputs.text else "json"


def _convert_var(inputs: InputOptions) -> str:
    if inputs.lines:
        return "line"
    if inputs.text:
        return "text"
    return "row"


def _reader(stream: Any, inputs: InputOptions, file: str) -> Any:
    """FILE's reader, made before the database is opened: a CSV header is read now, and
    an empty JSON document is an error (a JSON array with no items, ``[]``, is not)."""
    source = "stdin" if file == "-" else file
    reader = make_reader(stream, inputs, source)
    if isinstance(reader, JsonReader) and reader.is_empty():
        raise InputError(f"{source} is empty")
    return reader


def _rows_from_code(code: str) -> Any:
    source = read_code(code)
    namespace = code_globals()
    try:
        compiled = compile(source, "<string>", "exec")
    except SyntaxError as error:
        raise click.ClickException(f"Error in --code: {error}") from None
    exec(compiled, namespace)
    rows = namespace.get("rows")
    if callable(rows):
        rows = rows()
    if isinstance(rows, dict):
        rows = [rows]
    if rows is None or isinstance(rows, (str, bytes)) or not hasattr(rows, "__iter__"):
        raise click.ClickException(
            "--code must define a 'rows' function or iterable of rows to insert"
        )
    return rows


@cli.command()
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=False))
@click.argument("sql")
@click.argument("file")
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    help="Commit every N records (default: one transaction)",
)
@click.option("--functions", multiple=True, help="Python code or .py file defining SQL functions")
@input_options
@click.option("--load-extension", multiple=True, help="Path to SQLite extension")
def bulk(**kwargs: Any) -> None:
    """Run SQL once for every record in FILE, with the record's keys as :named parameters.

    Without --batch-size every statement runs in one transaction.
    """
    path, sql, file = kwargs["path"], kwargs["sql"], kwargs["file"]
    inputs = pop_input_options(kwargs)
    convert = (
        compile_function(inputs.convert, _convert_var(inputs), inputs.imports)
        if (inputs.convert)
        else None
    )
    stream, _ = open_input(file)
    try:
        with clean_errors():
            reader = _reader(stream, inputs, file)
            with database_for(path, atomic=not kwargs["batch_size"]) as db:
                load_extensions(db, kwargs["load_extension"])
                register_functions(db, kwargs["functions"])
                _bulk(db, sql, reader, inputs, convert, kwargs["batch_size"])
    finally:
        if file != "-":
            stream.close()


def _bulk(
    db: Database,
    sql: str,
    reader: Any,
    inputs: InputOptions,
    convert: Callable[[Any], Any] | None,
    batch_size: int | None,
) -> None:
    size = batch_size or DICT_BATCH
    mode = _record_mode(inputs)
    batches, prepare = record_batches(
        reader, size, None, convert, mode, inputs.flatten, inputs.empty_null
    )
    bulk_load(db, sql, batches, prepare, batch_size)
