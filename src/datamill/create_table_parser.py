"""Compatibility path for the CREATE TABLE constraint parser (L-GEN-1)."""

from datamill.core.table_parser import (
    Check,
    ColumnComments,
    ParseError,
    Unique,
    UniqueColumn,
    parse_autoincrement,
    parse_checks,
    parse_column_comments,
    parse_uniques,
)

__all__ = [
    "Check",
    "ColumnComments",
    "ParseError",
    "Unique",
    "UniqueColumn",
    "parse_autoincrement",
    "parse_checks",
    "parse_column_comments",
    "parse_uniques",
]
