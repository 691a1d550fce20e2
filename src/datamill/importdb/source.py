"""Opening the source database: URL or SQLite file, driver, session and snapshot (IDB-1, IDB-7)."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib.util
import os
import pathlib
import re
import sqlite3
from collections.abc import Iterator

import sqlalchemy as sa

from datamill.importdb import postgres
from datamill.importdb.errors import ImportDbError

#: For a URL without ``+driver``: the drivers to try, first found wins, as (name, module).
PREFERRED_DRIVERS = {
    "postgresql": (("psycopg", "psycopg"), ("psycopg2", "psycopg2")),
    "mysql": (("mysqldb", "MySQLdb"), ("pymysql", "pymysql")),
    "mariadb": (("mysqldb", "MySQLdb"), ("pymysql", "pymysql")),
}
#: The pip extra that installs a backend's driver, and the backend's name in messages.
EXTRAS = {
    "postgresql": ("postgres", "PostgreSQL"),
    "mysql": ("mysql", "MySQL"),
    "mariadb": ("mysql", "MySQL"),
}
_PASSWORD = re.compile(r"(://[^:/@]*:)[^@]*@")


@dataclasses.dataclass
class Source:
    """An open source connection inside its one read transaction."""

    connection: sa.Connection
    display: str
    """The connection as messages show it (password as ``***``)."""
    schema: str | None
    """The schema to read, or None for the default one."""

    @property
    def dialect(self) -> str:
        return self.connection.dialect.name

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def quote(self, name: str) -> str:
        return self.connection.dialect.identifier_preparer.quote(name)

    def qualified(self, name: str) -> str:
        """``name`` quoted, prefixed by the schema being read when one was given."""
        if self.schema is None:
            return self.quote(name)
        preparer = self.connection.dialect.identifier_preparer
        return f"{preparer.quote_schema(self.schema)}.{self.quote(name)}"


@contextlib.contextmanager
def open_source(connection: str, target: str | None, schema: str | None) -> Iterator[Source]:
    """Connect to ``connection`` and start the read transaction; always disconnect.

    ``target`` is the destination file, refused when it is the source itself.
    """
    if "://" in connection:
        url = _parse(connection)
        display = url.render_as_string(hide_password=True)
        _check_not_target(url.database if url.get_backend_name() == "sqlite" else None, target)
        engine = _engine(url)
    else:
        if not os.path.isfile(connection):
            raise ImportDbError(f'"{connection}" is neither a database URL nor an existing file')
        display = connection
        _check_not_target(connection, target)
        uri = pathlib.Path(connection).resolve().as_uri() + "?mode=ro"
        engine = sa.create_engine(
            "sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=sa.NullPool
        )
    try:
        try:
            conn = engine.connect()
        except sa.exc.DBAPIError as error:
            raise ImportDbError(f"Could not connect to {display}: {first_line(error)}") from None
        with conn:
            source = Source(conn, display, schema)
            try:
                _begin(source)
            except sa.exc.DBAPIError as error:
                raise ImportDbError(
                    f"Could not connect to {display}: {first_line(error)}"
                ) from None
            yield source
    finally:
        engine.dispose()


def _parse(connection: str) -> sa.URL:
    try:
        url = sa.make_url(connection)
    except (sa.exc.ArgumentError, ValueError):
        shown = _PASSWORD.sub(r"\1***@", connection)
        raise ImportDbError(f'Could not parse the connection URL "{shown}"') from None
    if url.drivername.split("+")[0] == "postgres":
        url = url.set(drivername="postgresql" + url.drivername[len("postgres") :])
    return url


def _engine(url: sa.URL) -> sa.Engine:
    """The engine, with the first installed driver when the URL names none."""
    backend = url.get_backend_name()
    explicit = "+" in url.drivername
    if not explicit and backend in PREFERRED_DRIVERS:
        found = next(
            (
                name
                for name, module in PREFERRED_DRIVERS[backend]
                if importlib.util.find_spec(module)
            ),
            None,
        )
        if found is None:
            raise ImportDbError(_missing_driver(backend))
        url = url.set(drivername=f"{backend}+{found}")
    try:
        return sa.create_engine(url, poolclass=sa.NullPool)
    except sa.exc.NoSuchModuleError:
        raise ImportDbError(
            f'Unknown database type "{url.drivername}" in the connection URL'
        ) from None
    except ImportError as error:
        if explicit or backend not in EXTRAS:
            raise ImportDbError(
                f"The driver for {url.drivername} is not installed: {error}"
            ) from None
        raise ImportDbError(_missing_driver(backend)) from None


def _missing_driver(backend: str) -> str:
    extra, label = EXTRAS[backend]
    return f"The {label} driver is not installed - pip install 'datamill[{extra}]'"


def _check_not_target(source_file: str | None, target: str | None) -> None:
    if not source_file or not target or source_file == ":memory:":
        return
    if os.path.exists(source_file) and os.path.exists(target):
        if os.path.samefile(source_file, target):
            raise ImportDbError("The source and destination are the same database")


def _begin(source: Source) -> None:
    """Start the one transaction every read shares (IDB-7)."""
    if source.dialect == "postgresql":
        postgres.begin_snapshot(source.connection, source.schema)
    elif source.is_sqlite:
        source.connection.exec_driver_sql("BEGIN")
        # A file that is not a database fails here, at connection time.
        source.connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").all()


def first_line(error: sa.exc.DBAPIError) -> str:
    """The first line of the driver's own message."""
    message = str(error.orig) if error.orig is not None else str(error)
    return message.strip().splitlines()[0] if message.strip() else type(error.orig).__name__
