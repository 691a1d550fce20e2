"""Compatibility import path ``datamill.db`` (sqlite_utils.db): the database classes and types."""

from datamill.core.database import Database
from datamill.core.errors import (
    AlterError,
    BadMultiValues,
    BadPrimaryKey,
    InvalidColumns,
    NoObviousTable,
    NoTable,
    NotFoundError,
    NoView,
    PrimaryKeyRequired,
    TransactionError,
    TransformError,
)
from datamill.core.identifiers import fold_identifier_case, quote_identifier, resolve_casing
from datamill.core.models import (
    DEFAULT,
    ROWID_ALIASES,
    SQLITE_MAX_VARS,
    Column,
    ColumnDetails,
    Default,
    DescIndex,
    ForeignKey,
    Index,
    Trigger,
    XIndex,
    XIndexColumn,
)
from datamill.core.sqlite import OperationalError
from datamill.core.table import Queryable, Table, View
from datamill.core.table_parser import Check, ColumnComments, Unique, UniqueColumn
from datamill.core.table_sql import extract_tables as resolve_extracts
from datamill.core.types import ANY, COLUMN_TYPE_MAPPING
from datamill.core.values import jsonify_if_needed
from datamill.search.errors import SearchQueryError

__all__ = [
    "ANY",
    "COLUMN_TYPE_MAPPING",
    "DEFAULT",
    "ROWID_ALIASES",
    "SQLITE_MAX_VARS",
    "SearchQueryError",
    "AlterError",
    "BadMultiValues",
    "BadPrimaryKey",
    "Check",
    "Column",
    "ColumnComments",
    "ColumnDetails",
    "Database",
    "Default",
    "DescIndex",
    "ForeignKey",
    "Index",
    "InvalidColumns",
    "NoObviousTable",
    "NoTable",
    "NoView",
    "NotFoundError",
    "OperationalError",
    "PrimaryKeyRequired",
    "Queryable",
    "Table",
    "TransactionError",
    "TransformError",
    "Trigger",
    "Unique",
    "UniqueColumn",
    "View",
    "XIndex",
    "XIndexColumn",
    "fold_identifier_case",
    "jsonify_if_needed",
    "quote_identifier",
    "resolve_casing",
    "resolve_extracts",
]
