"""Connection options shared by commands: --load-extension (O-EXT), --functions (O-FUNCTIONS)."""

from __future__ import annotations

import os
from collections.abc import Iterable

import click

from datamill.cli.user_code import read_code
from datamill.core.database import Database
from datamill.core.spatialite import SPATIALITE_PATHS


def load_extensions(db: Database, values: Iterable[str]) -> None:
    """Load each ``path`` or ``path:entrypoint`` in order; ``spatialite`` is looked up."""
    values = list(values)
    if not values:
        return
    conn = db.conn
    try:
        conn.enable_load_extension(True)
        for value in values:
            if value == "spatialite" and not os.path.exists(value):
                found = [path for path in SPATIALITE_PATHS if os.path.exists(path)]
                if not found:
                    raise click.ClickException("Could not find SpatiaLite extension")
                conn.load_extension(found[0])
            elif ":" in value:
                path, entrypoint = value.split(":", 1)
                conn.execute("select load_extension(?, ?)", [path, entrypoint])
            else:
                conn.load_extension(value)
    except click.ClickException:
        raise
    except Exception as error:
        raise click.ClickException(str(error)) from None


def register_functions(db: Database, values: Iterable[str]) -> None:
    """Register every public callable defined by each --functions value as a SQL function."""
    for value in values:
        if not value.strip():
            continue
        code = read_code(value)
        namespace: dict[str, object] = {}
        try:
            exec(compile(code, "<string>", "exec"), namespace)
        except SyntaxError as error:
            raise click.ClickException(f"Error in functions definition: {error}") from None
        for name, function in namespace.items():
            if callable(function) and not name.startswith("_"):
                db.register_function(function, name=name, replace=True)
