"""datamill: turn messy public data into SQLite databases you can query, search, diff and track.

The public names are imported on first use, so ``datamill diff`` and the other commands that
need only part of the library do not pay for loading all of it at start-up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from datamill.lazy_exports import load_export

if TYPE_CHECKING:
    from datamill.core.database import Database
    from datamill.core.types import ANY, suggest_column_types
    from datamill.hookspecs import hookimpl, hookspec
    from datamill.migrations import Migrations

#: Each public name and the module that defines it.
_EXPORTS = {
    "ANY": "datamill.core.types",
    "Database": "datamill.core.database",
    "Migrations": "datamill.migrations",
    "hookimpl": "datamill.hookspecs",
    "hookspec": "datamill.hookspecs",
    "suggest_column_types": "datamill.core.types",
}

__all__ = ["ANY", "Database", "Migrations", "hookimpl", "hookspec", "suggest_column_types"]


def __getattr__(name: str) -> Any:
    return load_export(__name__, _EXPORTS, globals(), name)


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
