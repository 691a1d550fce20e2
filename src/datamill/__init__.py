"""datamill: turn messy public data into SQLite databases you can query, search, diff and track."""

from datamill.core.database import Database
from datamill.core.types import ANY, suggest_column_types
from datamill.hookspecs import hookimpl, hookspec
from datamill.migrations import Migrations

__all__ = ["ANY", "Database", "Migrations", "hookimpl", "hookspec", "suggest_column_types"]
