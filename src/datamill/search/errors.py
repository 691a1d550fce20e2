"""Errors of full-text search (S-BAD-1)."""

from __future__ import annotations

from datamill.core.sqlite import sqlite3

__all__ = ["SearchQueryError"]


class SearchQueryError(sqlite3.OperationalError):
    """SQLite rejected a raw full-text query; ``str()`` is one line naming query and table."""

    def __init__(self, query: str, table: str, fts_table: str, sqlite_message: str) -> None:
        super().__init__(
            f"Invalid full-text search query {query!r} for table '{table}': {sqlite_message}"
        )
        self.query = query
        self.table = table
        self.fts_table = fts_table
        self.sqlite_message = sqlite_message
