"""``memory``: load CSV/TSV/JSON files into an in-memory database and query them (C-MEMORY)."""

from __future__ import annotations

import csv
import io
import pathlib
import sqlite3 as stdlib_sqlite3
from collections.abc import Sequence
from typing import Any, BinaryIO

import click

from datamill import Database
from datamill.cli.analyze import analyze_columns, format_details, selected_columns
from datamill.cli.input_options import stdin_bytes
from datamill.cli.load import clean_errors
from datamill.cli.main import cli
from datamill.cli.options import (
    attach_databases,
    bind_params,
    load_extensions,
    register_functions,
)
from datamill.cli.output import OutputFormat
from datamill.cli.query import query_options, run_query
from datamill.core.identifiers import quote_identifier
from datamill.io.csv_reader import CsvReader, maximize_csv_field_size_limit
from datamill.io.errors import InputError
from datamill.io.formats import SNIFF_BYTES, Format, detect_format
from datamill.io.json_reader import JSON_HINT, JsonReader, NdjsonReader
from datamill.load.engine import Loader
from datamill.load.settings import LoadSettings

SUFFIXES = {"csv": Format.CSV, "tsv": Format.TSV, "json": Format.JSON, "nl": Format.NL}


def split_format(path: str) -> tuple[str, Format | None]:
    """``data.txt:csv`` -> (``data.txt``, CSV); the suffix is case-insensitive."""
    base, sep, suffix = path.rpartition(":")
    if sep and suffix.lower() in SUFFIXES:
        return base, SUFFIXES[suffix.lower()]
    return path, None


def table_name_for(path: str, taken: set[str]) -> str:
    """``stdin`` for standard input, else the file stem; a repeated stem gets ``_2``, ``_3``..."""
    stem = "stdin" if path in ("-", "stdin") else pathlib.Path(path).stem
    name, suffix = stem, 1
    while name in taken:
        suffix += 1
        name = f"{stem}_{suffix}"
    taken.add(name)
    return name


def load_path(
    db: Database,
    stream: BinaryIO,
    table: str,
    fmt: Format | None,
    encoding: str,
    detect_types: bool,
    flatten: bool,
    source: str = "stdin",
) -> bool:
    """Load one input into ``table``; returns False when the input was empty (no table).

    ``source`` names the input in errors.
    """
    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream)  # type: ignore
    dialect: Any = None
    if fmt is None:
        head = buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        try:
            fmt, dialect = detect_format(head)
        except csv.Error:
            raise InputError("Could not determine delimiter") from None
        if fmt is None:
            return False
    settings = LoadSettings(table=table, alter=True, detect_types=detect_types, flatten=flatten)
    loader = Loader(db, settings)
    if fmt in (Format.CSV, Format.TSV):
        maximize_csv_field_size_limit()
        if dialect is None:
            dialect = "excel-tab" if fmt == Format.TSV else "excel"
        loader.load_csv(CsvReader(buffered, dialect, encoding=encoding, source=source))
        return True
    reader: Any = NdjsonReader(buffered) if fmt == Format.NL else JsonReader(buffered, JSON_HINT)
    loader.load_reader(reader)
    return db.table(table).exists()


@cli.command()
@click.argument("paths", nargs=-1)
@click.argument("sql")
@query_options
@click.option("--flatten", is_flag=True, help="Flatten nested JSON objects into a_b keys")
@click.option("--encoding", default="utf-8", help="Character encoding for CSV/TSV input")
@click.option(
    "-n",
    "--no-detect-types",
    is_flag=True,
    help="Keep every CSV/TSV column as TEXT (no type detection)",
)
@click.option("--schema", "show_schema", is_flag=True, help="Show the schema of the database")
@click.option("--dump", "show_dump", is_flag=True, help="Output a SQL dump of the database")
@click.option(
    "--save",
    type=click.Path(file_okay=True, dir_okay=False, writable=True),
    help="Save the in-memory database to this file",
)
@click.option("--analyze", is_flag=True, help="Analyze every column of every table")
def memory(
    paths: Sequence[str],
    sql: str,
    attach: Sequence[tuple[str, str]],
    output: OutputFormat,
    param: Sequence[tuple[str, str]],
    functions: Sequence[str],
    load_extension: Sequence[str],
    flatten: bool,
    encoding: str,
    no_detect_types: bool,
    show_schema: bool,
    show_dump: bool,
    save: str | None,
    analyze: bool,
    return_db: bool = False,
) -> Database | None:
    """Load CSV, TSV or JSON files into an in-memory database and run SQL against them

    Each file becomes a table named after the file stem, plus views t1, t2, ... (and t for
    the first file). Force a format with a :csv, :tsv, :json or :nl suffix.

    \b
        datamill memory animals.csv "select * from t"
    """
    paths = list(paths)
    if not paths and (show_schema or show_dump or save or analyze):
        paths = [sql]
    db = Database(memory=True)
    taken: set[str] = set()
    with clean_errors():
        for number, original in enumerate(paths, 1):
            path, fmt = split_format(original)
            table = table_name_for(path, taken)
            if path in ("-", "stdin"):
                loaded = load_path(
                    db, stdin_bytes(), table, fmt, encoding, not no_detect_types, flatten
                )
            else:
                try:
                    stream = open(path, "rb")
                except OSError as error:
                    raise click.ClickException(
                        f"Could not open input file '{path}': {error.strerror}"
                    ) from None
                with stream:
                    loaded = load_path(
                        db, stream, table, fmt, encoding, not no_detect_types, flatten, path
                    )
            if loaded:
                _add_views(db, table, number)
    if return_db:
        return db
    if analyze:
        pairs = selected_columns(db, (), ())
        for position, details in enumerate(analyze_columns(db, pairs), start=1):
            click.echo(format_details(details, position, len(pairs)))
        return None
    if show_dump:
        for line in db.iterdump():
            click.echo(line)
        return None
    if show_schema:
        click.echo(db.schema)
        return None
    if save:
        _save(db, save)
        return None
    load_extensions(db, load_extension)
    attach_databases(db, attach)
    register_functions(db, functions)
    run_query(db, sql, bind_params(param), output)
    return None


def _add_views(db: Database, table: str, number: int) -> None:
    existing = set(db.table_names()) | set(db.view_names())
    select = f"select * from {quote_identifier(table)}"
    for view in [f"t{number}"] + (["t"] if number == 1 else []):
        if view not in existing:
            db.execute(f"CREATE VIEW {quote_identifier(view)} AS {select}")


def _save(db: Database, path: str) -> None:
    target = stdlib_sqlite3.connect(path)
    try:
        target.executescript("\n".join(db.iterdump()))
    finally:
        target.close()
