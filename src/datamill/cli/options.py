"""Shared options and the connection setup they drive (O-PARAM, O-ATTACH, O-EXT, O-FUNCTIONS).

Each option decorator has a matching function that applies the parsed values to an open
``Database``; commands call ``open_database`` and then whichever of those they accept.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import click

from datamill import Database
from datamill.cli.errors import reported_errors
from datamill.core.spatialite import find_spatialite, load_extension
from datamill.serve.settings import SettingError, Settings
from datamill.user_code import UserCodeError, code_source


def database_path(exists: bool = False) -> click.Path:
    """The PATH argument type: a file (never ``-``), which must exist when ``exists`` (G-5)."""
    return click.Path(exists=exists, file_okay=True, dir_okay=False, allow_dash=False)


def serve_setting_option(help: str) -> Callable[[Callable], Callable]:
    """``--setting NAME VALUE`` (repeatable), checked as ``datamill serve`` does (SV-CLI-4)."""

    def check(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        try:
            Settings.from_pairs(value)
        except SettingError as error:
            raise click.BadParameter(str(error), ctx, param) from None
        return value

    return click.option(
        "settings",
        "--setting",
        nargs=2,
        multiple=True,
        metavar="NAME VALUE",
        callback=check,
        help=help,
    )


def load_extension_option(fn: Callable) -> Callable:
    """``--load-extension EXT`` (repeatable), passed as ``load_extension``."""
    return click.option(
        "--load-extension",
        multiple=True,
        help="Load a SQLite extension first: PATH or PATH:ENTRYPOINT (repeatable)",
    )(fn)


def param_option(fn: Callable) -> Callable:
    """``-p/--param NAME VALUE`` (repeatable), passed as ``param``."""
    return click.option(
        "-p",
        "--param",
        multiple=True,
        type=(str, str),
        help="Bind NAME to VALUE for :NAME in the SQL (repeatable)",
    )(fn)


def attach_option(fn: Callable) -> Callable:
    """``--attach ALIAS FILE`` (repeatable), passed as ``attach``."""
    return click.option(
        "--attach",
        multiple=True,
        type=(str, click.Path(file_okay=True, dir_okay=False, allow_dash=False)),
        help="Attach another database file under ALIAS (repeatable)",
    )(fn)


def functions_option(fn: Callable) -> Callable:
    """``--functions CODE|FILE.py`` (repeatable), passed as ``functions``."""
    return click.option(
        "--functions",
        multiple=True,
        help="Python source, or a .py file, whose functions become SQL functions",
    )(fn)


def _resolve_extension(spec: str) -> tuple[str, str | None]:
    if spec == "spatialite" and not os.path.exists(spec):
        found = find_spatialite()
        if found is None:
            raise click.ClickException("Could not find SpatiaLite extension")
        return found, None
    path, _, entrypoint = spec.partition(":")
    return path, entrypoint or None


def load_extensions(db: Database, specs: Iterable[str]) -> list[str]:
    """Load each ``path`` or ``path:entrypoint`` extension in order; return the paths (O-EXT)."""
    loaded = []
    for spec in specs:
        path, entrypoint = _resolve_extension(spec)
        with reported_errors():
            if entrypoint is None:
                load_extension(db, path)
            else:
                load_extension_entrypoint(db, path, entrypoint)
        loaded.append(path)
    return loaded


def load_extension_entrypoint(db: Database, path: str, entrypoint: str) -> None:
    """Load an extension through a named entry point (``sqlite3`` only takes one on 3.12+)."""
    if not hasattr(db.conn, "enable_load_extension"):
        load_extension(db, path)  # raises the library's "cannot load extensions" error
    db.conn.enable_load_extension(True)
    try:
        db.conn.execute("select load_extension(?, ?)", [path, entrypoint]).fetchall()
    finally:
        db.conn.enable_load_extension(False)


def open_database(path: str, load_extension: Sequence[str] = ()) -> Database:
    """Open (creating if needed) the database at ``path``, closed when the command ends."""
    with reported_errors():
        db = Database(path)
    click.get_current_context().call_on_close(db.close)
    load_extensions(db, load_extension)
    return db


def attach_databases(db: Database, attach: Iterable[tuple[str, str]]) -> None:
    """``ATTACH DATABASE FILE AS ALIAS`` for each pair (O-ATTACH)."""
    for alias, path in attach:
        with reported_errors():
            db.attach(alias, path)


def register_functions(db: Database, sources: Iterable[str]) -> None:
    """Register every public callable defined by each ``--functions`` value (O-FUNCTIONS)."""
    for value in sources:
        if not value.strip():
            continue
        try:
            code, filename = code_source(value)
        except UserCodeError as error:
            raise click.ClickException(str(error)) from None
        namespace: dict[str, Any] = {}
        try:
            exec(compile(code, filename, "exec"), namespace)
        except Exception as error:
            raise click.ClickException(f"Error in functions definition: {error}") from error
        for name, value_ in namespace.items():
            if name.startswith("_") or not callable(value_):
                continue
            try:
                db.register_function(value_, name=name, replace=True)
            except (TypeError, ValueError):
                # Callables without an inspectable signature (some builtins) have no arity.
                continue


def bind_params(param: Sequence[tuple[str, str]]) -> dict[str, str]:
    """``-p NAME VALUE`` pairs as a parameter dict; values stay TEXT (O-PARAM)."""
    return dict(param)
