"""SpatiaLite commands: ``add-geometry-column`` and ``create-spatial-index``.

(C-ADD-GEOMETRY-COLUMN, C-CREATE-SPATIAL-INDEX, O-EXT)
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from datamill import Database
from datamill.cli.errors import reported_errors
from datamill.cli.main import cli
from datamill.cli.options import (
    database_path,
    load_extension_option,
    load_extensions,
    open_database,
)
from datamill.core.spatialite import init_spatial_metadata, init_spatialite

GEOMETRY_TYPES = (
    "point",
    "linestring",
    "polygon",
    "multipoint",
    "multilinestring",
    "multipolygon",
    "geometrycollection",
    "geometry",
)


def load_spatialite(db: Database, load_extension: Sequence[str]) -> None:
    """Load SpatiaLite from ``--load-extension`` or the usual paths, and add its metadata."""
    with reported_errors():
        if load_extension:
            load_extensions(db, load_extension)
            init_spatial_metadata(db)
        else:
            init_spatialite(db)


@cli.command(name="add-geometry-column")
@click.argument("db_path", type=database_path())
@click.argument("table")
@click.argument("column_name")
@click.option(
    "-t",
    "--type",
    "geometry_type",
    type=click.Choice(GEOMETRY_TYPES, case_sensitive=False),
    help="Kind of geometry the column holds  [default: GEOMETRY]",
)
@click.option(
    "--srid",
    type=int,
    default=4326,
    show_default=True,
    help="Spatial reference system ID of the coordinates (4326 is WGS 84 longitude/latitude)",
)
@click.option(
    "--dimensions",
    default="XY",
    show_default=True,
    help="Coordinate dimensions: XY, or XYZ for 3-D",
)
@click.option("--not-null", is_flag=True, help="Make the column NOT NULL")
@load_extension_option
def add_geometry_column(
    db_path: str,
    table: str,
    column_name: str,
    geometry_type: str | None,
    srid: int,
    dimensions: str,
    not_null: bool,
    load_extension: Sequence[str],
) -> None:
    """Add a SpatiaLite geometry column to a table that already exists

    SpatiaLite is loaded from the usual install locations unless --load-extension says
    where it is. Example:

    \b
        datamill add-geometry-column places.db places geom -t point
    """
    db = open_database(db_path)
    with reported_errors():
        table_exists = db[table].exists()
    if not table_exists:
        raise click.ClickException("You must create a table before adding a geometry column")
    load_spatialite(db, load_extension)
    kind = geometry_type.lower() if geometry_type else "GEOMETRY"
    with reported_errors():
        added = db.table(table).add_geometry_column(
            column_name, kind.upper(), srid, dimensions, not_null
        )
    if not added:
        raise click.ClickException(
            f"SpatiaLite could not add {kind} column {column_name} to {table}"
        )
    click.echo(f"Added {kind} column {column_name} to {table}")


@cli.command(name="create-spatial-index")
@click.argument("db_path", type=database_path())
@click.argument("table")
@click.argument("column_name")
@load_extension_option
def create_spatial_index(
    db_path: str, table: str, column_name: str, load_extension: Sequence[str]
) -> None:
    """Add a SpatiaLite spatial index to an existing geometry column

    Does nothing if the index already exists. Example:

    \b
        datamill create-spatial-index places.db places geom
    """
    db = open_database(db_path)
    with reported_errors():
        columns = db[table].columns_dict if db[table].exists() else None
    if columns is None:
        raise click.ClickException(
            "You must create a table and add a geometry column before creating a spatial index"
        )
    if column_name not in columns:
        raise click.ClickException("You must add a geometry column before creating a spatial index")
    load_spatialite(db, load_extension)
    with reported_errors():
        db.table(table).create_spatial_index(column_name)
