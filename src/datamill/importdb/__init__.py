"""Copy tables, views or a query result from any SQLAlchemy database into SQLite (IDB).

``import_database(connection, db, options)`` is what ``datamill import-db`` runs. It needs
SQLAlchemy (``pip install 'datamill[db]'``) plus the source's driver (``datamill[postgres]``,
``datamill[mysql]``); importing this package does not import SQLAlchemy.
"""

from __future__ import annotations

from datamill.core.database import Database
from datamill.importdb.errors import ImportDbError
from datamill.importdb.options import ImportOptions
from datamill.importdb.report import Reporter

__all__ = ["ImportDbError", "ImportOptions", "Reporter", "import_database"]

NEEDS_SQLALCHEMY = "datamill import-db needs SQLAlchemy - pip install 'datamill[db]'"


def import_database(
    connection: str, db: Database, options: ImportOptions, reporter: Reporter | None = None
) -> None:
    """Copy from ``connection`` (a SQLAlchemy URL or a SQLite file path) into ``db``.

    Everything is written in one transaction: on any ``ImportDbError`` (or interruption)
    ``db`` is left as it was. ``reporter`` receives progress and warnings (default: warnings
    only, on stderr).
    """
    options.check(connection)
    try:
        import sqlalchemy  # noqa: F401
    except ImportError:
        raise ImportDbError(NEEDS_SQLALCHEMY) from None
    from datamill.importdb.run import run  # imports SQLAlchemy

    run(connection, db, options, reporter or Reporter())
