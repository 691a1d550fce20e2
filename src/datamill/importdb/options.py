"""The options of an import (IDB-2) and the checks made before connecting."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from datamill.importdb.errors import ImportDbError


@dataclasses.dataclass
class ImportOptions:
    """What to copy and how; the fields mirror the ``import-db`` options."""

    all: bool = False
    tables: Sequence[str] = ()
    skip: Sequence[str] = ()
    redact: Sequence[tuple[str, str]] = ()
    sql: str | None = None
    output: str | None = None
    pk: Sequence[str] = ()
    index_fks: bool = True
    postgres_schema: str | None = None
    views: bool = False
    replace_tables: bool = False
    numeric_text: bool = False

    def check(self, connection: str) -> None:
        """Raise ``ImportDbError`` for combinations IDB-2 rejects before connecting."""
        if not (self.all or self.tables or self.sql):
            raise ImportDbError("--all OR --table OR --sql required")
        if self.skip and not self.all:
            raise ImportDbError("--skip can only be used with --all")
        if self.sql and not self.output:
            raise ImportDbError("--sql must be accompanied by --output")
        if self.output and not self.sql:
            raise ImportDbError("--output can only be used with --sql")
        if self.pk and not self.sql:
            raise ImportDbError("--pk can only be used with --sql")
        if self.all and self.tables:
            raise ImportDbError("Use either --all or --table, not both")
        if self.postgres_schema and not is_postgresql(connection):
            raise ImportDbError("--postgres-schema can only be used with PostgreSQL")
        if self.views and not self.all:
            raise ImportDbError("--views can only be used with --all")


def is_postgresql(connection: str) -> bool:
    """Whether a connection string is a PostgreSQL URL (``postgres://`` included)."""
    scheme, found, _ = connection.partition("://")
    return bool(found) and scheme.split("+")[0].lower() in ("postgresql", "postgres")
