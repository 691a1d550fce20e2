"""Plugin hook specifications (L-PLUG-1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from datamill.core.sqlite import sqlite3

hookspec = pluggy.HookspecMarker("datamill")
hookimpl = pluggy.HookimplMarker("datamill")


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``datamill`` click group."""


@hookspec
def prepare_connection(conn: sqlite3.Connection) -> None:
    """Prepare every sqlite3 connection a Database opens: functions, aggregates, collations."""
