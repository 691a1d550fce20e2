"""``insert-files``: one row per file, with columns computed from each file (C-INSERT-FILES)."""

from __future__ import annotations

import datetime
import hashlib
import os
import pathlib
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

from datamill.cli.load import clean_errors, database_for
from datamill.cli.main import cli
from datamill.cli.options import load_extensions
from datamill.cli.progress import Progress, stderr_is_terminal


class FileInfo:
    """A file's bytes and metadata, read once and shared by every column that needs them."""

    def __init__(self, path: str, display: str, name: str, content: bytes, stat: Any) -> None:
        self.path = path
        self.display = display
        self.name = name
        self.content = content
        self.stat = stat

    def text(self, encoding: str) -> str:
        try:
            return self.content.decode(encoding)
        except UnicodeDecodeError as error:
            resolved = os.path.realpath(self.path) if self.stat is not None else self.path
            raise click.ClickException(
                f"Could not read file '{resolved}' as text: {error} - try --encoding=latin-1"
            ) from None


def _iso(timestamp: float) -> str:
    moment = datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc)
    return moment.replace(tzinfo=None).isoformat()


# KEY -> (SQLite type, value function taking the file and the --encoding)
KEYS: dict[str, tuple[str, Callable[[FileInfo, str], Any]]] = {
    "name": ("TEXT", lambda f, e: f.name),
    "path": ("TEXT", lambda f, e: f.display),
    "fullpath": ("TEXT", lambda f, e: os.path.realpath(f.path)),
    "sha256": ("TEXT", lambda f, e: hashlib.sha256(f.content).hexdigest()),
    "md5": ("TEXT", lambda f, e: hashlib.md5(f.content).hexdigest()),
    "mode": ("INTEGER", lambda f, e: f.stat.st_mode),
    "content": ("BLOB", lambda f, e: f.content),
    "mtime": ("REAL", lambda f, e: f.stat.st_mtime),
    "ctime": ("REAL", lambda f, e: f.stat.st_ctime),
    "mtime_int": ("INTEGER", lambda f, e: int(f.stat.st_mtime)),
    "ctime_int": ("INTEGER", lambda f, e: int(f.stat.st_ctime)),
    "mtime_iso": ("TEXT", lambda f, e: _iso(f.stat.st_mtime)),
    "ctime_iso": ("TEXT", lambda f, e: _iso(f.stat.st_ctime)),
    "size": ("INTEGER", lambda f, e: len(f.content)),
    "stem": ("TEXT", lambda f, e: pathlib.PurePath(f.name).stem),
    "suffix": ("TEXT", lambda f, e: pathlib.PurePath(f.name).suffix),
    "content_text": ("TEXT", lambda f, e: f.text(e)),
}
STDIN_KEYS = ["name", "path", "content", "content_text", "sha256", "md5", "size"]


def parse_columns(defs: tuple[str, ...], text: bool, stdin: bool) -> dict[str, str]:
    """``-c NAME:KEY`` / ``-c KEY`` definitions as ``{column name: key}``."""
    if not defs:
        defs = ("path", "content_text" if text else "content", "size")
    allowed = STDIN_KEYS if stdin else list(KEYS)
    columns = {}
    for definition in defs:
        name, _, key = definition.partition(":")
        key = key or name
        if key not in allowed:
            raise click.ClickException(
                f"'{key}' is not a valid column definition - options are {', '.join(allowed)}"
            )
        columns[name] = key
    return columns


def walk(arguments: tuple[str, ...]) -> Iterator[str]:
    """Every regular file: file arguments as given, directories walked recursively.

    Paths are spelled as ``pathlib`` spells them (D-5): ``./a.txt`` is ``a.txt`` and the
    files of ``.`` are ``a.txt``, ``sub/b.txt``; ``..`` parts are kept.
    """
    for argument in arguments:
        if argument == "-" or not os.path.isdir(argument):
            yield argument if argument == "-" else str(pathlib.PurePath(argument))
            continue
        for root, dirs, files in os.walk(argument):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                if os.path.isfile(path):
                    yield str(pathlib.PurePath(path))


def read_file(path: str, name_override: str | None) -> FileInfo:
    if path == "-":
        display = name_override or "-"
        return FileInfo("-", display, display, sys.stdin.buffer.read(), None)
    with open(path, "rb") as f:
        content = f.read()
        stat = os.fstat(f.fileno())
    return FileInfo(path, path, name_override or os.path.basename(path), content, stat)


@cli.command(name="insert-files")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=False))
@click.argument("table")
@click.argument("file_or_dir", nargs=-1, required=True)
@click.option("-c", "--column", "columns", multiple=True, help="Column definitions NAME:KEY")
@click.option("--pk", multiple=True, help="Primary key column (repeat for a compound key)")
@click.option("--alter", is_flag=True, help="Add any columns the table does not have yet")
@click.option("--replace", is_flag=True, help="Overwrite rows whose primary key is already present")
@click.option(
    "--upsert",
    is_flag=True,
    help="Update rows whose primary key is already present, insert the rest",
)
@click.option("--name", help="File name to use")
@click.option(
    "--text", is_flag=True, help="Decode file contents and store them as TEXT rather than BLOB"
)
@click.option("--encoding", default="utf-8", help="Character encoding for --text content")
@click.option("-s", "--silent", is_flag=True, help="Suppress the progress bar")
@click.option("--load-extension", multiple=True, help="Path to SQLite extension")
def insert_files(**kwargs: Any) -> None:
    """Insert one or more files (or every file in a directory) as rows in TABLE.

    All rows are written in one transaction.
    """
    arguments = kwargs["file_or_dir"]
    stdin = "-" in arguments
    columns = parse_columns(kwargs["columns"], kwargs["text"], stdin)
    pk = kwargs["pk"] or (() if kwargs["columns"] else ("path",))
    pk_value = (pk[0] if len(pk) == 1 else pk) if pk else None
    types = {name: KEYS[key][0] for name, key in columns.items()}
    paths = list(walk(arguments))
    progress = Progress(len(paths), enabled=stderr_is_terminal() and not kwargs["silent"])

    def records() -> Iterator[dict[str, Any]]:
        for done, path in enumerate(paths, 1):
            try:
                info = read_file(path, kwargs["name"])
            except OSError as error:
                message = f"Could not read file '{path}': {error.strerror}"
                raise click.ClickException(message) from None
            yield {name: KEYS[key][1](info, kwargs["encoding"]) for name, key in columns.items()}
            progress.update(done, done)

    try:
        with clean_errors(), database_for(kwargs["path"]) as db:
            load_extensions(db, kwargs["load_extension"])
            table = db.table(kwargs["table"])
            with db.atomic():
                options = dict(pk=pk_value, alter=kwargs["alter"], columns=types, batch_size=10)
                if kwargs["upsert"]:
                    table.upsert_all(records(), **options)
                else:
                    table.insert_all(records(), replace=kwargs["replace"], **options)
    except click.ClickException as error:
        progress.abandon()
        cause = error.__cause__ or error.__context__
        raise click.ClickException(_without_location(error.message, cause)) from None
    progress.abandon()


def _without_location(message: str, cause: BaseException | None) -> str:
    """The spec's insert-files errors carry no row/column suffix: keep SQLite's own text."""
    if getattr(cause, "row_number", None) is None:
        return message
    return getattr(cause, "base_message", message)
