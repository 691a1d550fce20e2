"""The SQLite authorizer that makes every served connection read-only (SV-SEC-2).

It allows reading, a fixed list of functions and PRAGMAs, and denies everything else. The
first denial of a statement is recorded so the error can name what was refused, for example
``Statement not allowed: DELETE on plants``.
"""

from __future__ import annotations

from datamill.core.sqlite import sqlite3

__all__ = ["Authorizer"]

_OK = sqlite3.SQLITE_OK
_DENY = sqlite3.SQLITE_DENY

_ALWAYS = frozenset({sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, 33})  # 33: SQLITE_RECURSIVE
_DENIED_FUNCTIONS = frozenset({"load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"})
_PRAGMAS_WITH_ARGUMENT = frozenset(
    {
        "table_info",
        "table_xinfo",
        "table_list",
        "index_list",
        "index_info",
        "index_xinfo",
        "foreign_key_list",
    }
)
_PRAGMAS_WITHOUT_ARGUMENT = frozenset(
    {
        "data_version",
        "page_count",
        "page_size",
        "freelist_count",
        "schema_version",
        "user_version",
        "application_id",
        "encoding",
        "function_list",
        "collation_list",
        "module_list",
        "pragma_list",
        "compile_options",
    }
)
#: Statement kinds named by their action code; the CREATE/DROP codes follow SQLite's numbering.
_KINDS = {
    1: "CREATE INDEX",
    2: "CREATE TABLE",
    3: "CREATE TEMP INDEX",
    4: "CREATE TEMP TABLE",
    5: "CREATE TEMP TRIGGER",
    6: "CREATE TEMP VIEW",
    7: "CREATE TRIGGER",
    8: "CREATE VIEW",
    10: "DROP INDEX",
    11: "DROP TABLE",
    12: "DROP TEMP INDEX",
    13: "DROP TEMP TABLE",
    14: "DROP TEMP TRIGGER",
    15: "DROP TEMP VIEW",
    16: "DROP TRIGGER",
    17: "DROP VIEW",
    24: "ATTACH",
    25: "DETACH",
    26: "ALTER TABLE",
    27: "REINDEX",
    28: "ANALYZE",
    29: "CREATE VIRTUAL TABLE",
    30: "DROP VIRTUAL TABLE",
}
_WRITES = {sqlite3.SQLITE_INSERT: "INSERT", sqlite3.SQLITE_UPDATE: "UPDATE", 9: "DELETE"}
_SCHEMA_TABLES = frozenset(
    {"sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"}
)


def _describe(action: int, arg1: str | None, arg2: str | None) -> str:
    """What a denied action was, as SV-ERR-2 names it."""
    if action in _WRITES:
        return f"{_WRITES[action]} on {arg1}"
    if action == sqlite3.SQLITE_PRAGMA:
        return f"PRAGMA {(arg1 or '').lower()}"
    if action == sqlite3.SQLITE_FUNCTION:
        return f"function {arg2}()"
    if action == sqlite3.SQLITE_TRANSACTION:
        return "COMMIT" if arg1 == "COMMIT" else (arg1 or "BEGIN")
    if action == 32:  # SQLITE_SAVEPOINT: BEGIN, RELEASE or ROLLBACK
        return {"BEGIN": "SAVEPOINT"}.get(arg1 or "", arg1 or "SAVEPOINT")
    return _KINDS.get(action, f"action {action}")


def is_allowed(action: int, arg1: str | None, arg2: str | None) -> bool:
    """The SV-SEC-2 allow-list."""
    if action in _ALWAYS:
        return True
    if action == sqlite3.SQLITE_FUNCTION:
        return (arg2 or "").lower() not in _DENIED_FUNCTIONS
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name in _PRAGMAS_WITH_ARGUMENT:
            return True
        return arg2 is None and name in _PRAGMAS_WITHOUT_ARGUMENT
    return False


class Authorizer:
    """The callback for ``Connection.set_authorizer``, recording the first denial."""

    def __init__(self) -> None:
        self.denied: str | None = None
        #: While naming a statement, writes to the schema table pass, so the statement's own
        #: kind (CREATE TABLE, DROP VIEW, ANALYZE...) is what gets denied and recorded.
        self.naming = False

    def reset(self) -> None:
        self.denied = None

    def __call__(
        self, action: int, arg1: str | None, arg2: str | None, db: str | None, source: str | None
    ) -> int:
        if is_allowed(action, arg1, arg2):
            return _OK
        if self.naming and (
            (action in _WRITES and arg1 in _SCHEMA_TABLES)
            or (action == sqlite3.SQLITE_CREATE_TABLE and (arg1 or "").startswith("sqlite_stat"))
        ):
            return _OK
        if self.denied is None:
            self.denied = _describe(action, arg1, arg2)
        return _DENY

    def denial_needs_naming(self) -> bool:
        """True when the recorded denial is a schema-table write standing in for DDL."""
        return self.denied is not None and self.denied.split(" on ")[-1] in _SCHEMA_TABLES
