"""datamill: turn messy public data into SQLite databases you can query, search, diff and track."""

from datamill.core.database import Database
from datamill.core.types import ANY, suggest_column_types

__all__ = ["ANY", "Database", "suggest_column_types"]
