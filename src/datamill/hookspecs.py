"""Plugin hook specifications (L-PLUG-1)."""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("datamill")
hookimpl = pluggy.HookimplMarker("datamill")


@hookspec
def register_commands(cli):  # type: ignore[no-untyped-def]
    """Add commands to the ``datamill`` click group."""


@hookspec
def prepare_connection(conn):  # type: ignore[no-untyped-def]
    """Prepare every sqlite3 connection a Database opens: functions, aggregates, collations."""
