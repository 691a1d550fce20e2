"""Optional SpatiaLite helpers (L-GIS)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datamill.core.database import Database
    from datamill.core.table import Table

SPATIALITE_PATHS = (
    "/usr/lib/x86_64-linux-gnu/mod_spatialite.so",
    "/usr/lib/aarch64-linux-gnu/mod_spatialite.so",
    "/usr/local/lib/mod_spatialite.dylib",
    "/usr/local/lib/mod_spatialite.so",
    "/opt/homebrew/lib/mod_spatialite.dylib",
)


class ExtensionLoadingUnavailable(OSError):
    """This Python's sqlite3 module was built without extension loading."""


def find_spatialite() -> str | None:
    """The first existing SpatiaLite module path, or None."""
    for path in SPATIALITE_PATHS:
        if os.path.exists(path):
            return path
    return None


def load_extension(db: Database, path: str) -> None:
    """Load a SQLite extension, with a clear error where the driver cannot load any."""
    if not hasattr(db.conn, "enable_load_extension"):
        raise ExtensionLoadingUnavailable(
            "This Python's sqlite3 module cannot load extensions (it was built without "
            "extension loading support)"
        )
    db.conn.enable_load_extension(True)
    try:
        db.conn.load_extension(path)
    finally:
        db.conn.enable_load_extension(False)


def init_spatialite(db: Database, path: str | None = None) -> bool:
    """Load SpatiaLite and initialise its metadata; False if it was already initialised."""
    path = path or find_spatialite()
    if not path:
        raise OSError("Could not find SpatiaLite extension")
    load_extension(db, path)
    return init_spatial_metadata(db)


def init_spatial_metadata(db: Database) -> bool:
    """Create SpatiaLite's metadata tables in a database where it is already loaded.

    Returns False if they already exist.
    """
    if "spatial_ref_sys" in db.table_names():
        return False
    cursor = db.execute("select InitSpatialMetadata(1)")
    result = cursor.fetchone()
    return bool(result and result[0])


def add_geometry_column(
    table: Table,
    column_name: str,
    geometry_type: str,
    srid: int = 4326,
    coord_dimension: str = "XY",
    not_null: bool = False,
) -> bool:
    """``AddGeometryColumn`` on this table; returns whether SpatiaLite reported success."""
    cursor = table.db.execute(
        "SELECT AddGeometryColumn(?, ?, ?, ?, ?, ?);",
        [table.name, column_name, srid, geometry_type, coord_dimension, int(not_null)],
    )
    result = cursor.fetchone()
    return bool(result and result[0])


def create_spatial_index(table: Table, column_name: str) -> bool:
    """``CreateSpatialIndex``; False if ``idx_{table}_{column}`` already exists."""
    if f"idx_{table.name}_{column_name}" in table.db.table_names():
        return False
    cursor = table.db.execute("select CreateSpatialIndex(?, ?)", [table.name, column_name])
    result = cursor.fetchone()
    return bool(result and result[0])
