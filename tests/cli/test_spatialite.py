"""C-ADD-GEOMETRY-COLUMN and C-CREATE-SPATIAL-INDEX (O-EXT, L-GIS).

Where SpatiaLite or extension loading is missing, both commands must fail with one clear
``Error:`` line and leave the database alone. The success paths run against stand-in SQL
functions that record their arguments, since SpatiaLite is not installed here.
"""

import pytest
from cli_helpers import fails, run

from datamill import Database
from datamill.cli import spatialite as spatialite_cli
from datamill.core import spatialite

CANNOT_LOAD = (
    "Error: This Python's sqlite3 module cannot load extensions (it was built without "
    "extension loading support)\n"
)


@pytest.fixture
def places(tmp_path):
    path = str(tmp_path / "places.db")
    Database(path)["places"].insert({"id": 1, "name": "Kew"}, pk="id")
    return path


@pytest.fixture
def no_spatialite(monkeypatch):
    monkeypatch.setattr(spatialite, "SPATIALITE_PATHS", ("/nonexistent/mod_spatialite.so",))


@pytest.fixture
def fake_spatialite(monkeypatch):
    """Stand-ins for the SpatiaLite SQL functions the commands call."""
    calls = []

    def init(db, path=None):
        def add_geometry_column(*args):
            calls.append(("AddGeometryColumn", *args))
            db.execute(f'alter table "{args[0]}" add column "{args[1]}" BLOB')
            return 1

        def create_spatial_index(table, column):
            calls.append(("CreateSpatialIndex", table, column))
            db.execute(f'create table "idx_{table}_{column}" (pkid integer primary key)')
            return 1

        db.conn.create_function("AddGeometryColumn", 6, add_geometry_column)
        db.conn.create_function("CreateSpatialIndex", 2, create_spatial_index)
        return True

    monkeypatch.setattr(spatialite_cli, "init_spatialite", init)
    return calls


@pytest.mark.parametrize("command", ["add-geometry-column", "create-spatial-index"])
def test_missing_spatialite(places, no_spatialite, command):
    before = Database(places).schema
    args = [command, places, "places", "name"]
    assert fails(*args) == "Error: Could not find SpatiaLite extension\n"
    assert fails(*args, "--load-extension", "spatialite") == (
        "Error: Could not find SpatiaLite extension\n"
    )
    assert Database(places).schema == before


@pytest.mark.skipif(
    hasattr(Database(memory=True).conn, "enable_load_extension"),
    reason="this sqlite3 module can load extensions",
)
@pytest.mark.parametrize("command", ["add-geometry-column", "create-spatial-index"])
def test_sqlite3_without_extension_loading(places, tmp_path, command):
    extension = tmp_path / "mod_spatialite.so"
    extension.write_bytes(b"")
    err = fails(command, places, "places", "name", "--load-extension", str(extension))
    assert err == CANNOT_LOAD


def test_add_geometry_column_needs_table(places, no_spatialite):
    assert fails("add-geometry-column", places, "nope", "geom") == (
        "Error: You must create a table before adding a geometry column\n"
    )


def test_create_spatial_index_needs_table_and_column(places, no_spatialite):
    assert fails("create-spatial-index", places, "nope", "geom") == (
        "Error: You must create a table and add a geometry column before creating a spatial index\n"
    )
    assert fails("create-spatial-index", places, "places", "geom") == (
        "Error: You must add a geometry column before creating a spatial index\n"
    )


def test_add_geometry_column_defaults(places, fake_spatialite):
    result = run("add-geometry-column", places, "places", "geom")
    assert (result.exit_code, result.stdout) == (0, "Added GEOMETRY column geom to places\n")
    assert fake_spatialite == [("AddGeometryColumn", "places", "geom", 4326, "GEOMETRY", "XY", 0)]


def test_add_geometry_column_options(places, fake_spatialite):
    result = run(
        "add-geometry-column",
        places,
        "places",
        "geom",
        "-t",
        "POLYGON",
        "--srid",
        "27700",
        "--dimensions",
        "XYZ",
        "--not-null",
    )
    assert (result.exit_code, result.stdout) == (0, "Added polygon column geom to places\n")
    assert fake_spatialite == [("AddGeometryColumn", "places", "geom", 27700, "POLYGON", "XYZ", 1)]


def test_add_geometry_column_bad_type(places):
    result = run("add-geometry-column", places, "places", "geom", "-t", "circle")
    assert result.exit_code == 2
    assert "'circle' is not one of 'point', 'linestring'" in result.stderr


def test_create_spatial_index_once(places, fake_spatialite):
    run("add-geometry-column", places, "places", "geom")
    for _ in range(2):
        result = run("create-spatial-index", places, "places", "geom")
        assert (result.exit_code, result.stdout) == (0, "")
    assert fake_spatialite[1:] == [("CreateSpatialIndex", "places", "geom")]


@pytest.mark.parametrize("command", ["add-geometry-column", "create-spatial-index"])
def test_file_that_is_not_a_database(tmp_path, command):
    path = tmp_path / "bad.db"
    path.write_bytes(b"not a database, " * 20)
    assert fails(command, str(path), "places", "geom") == "Error: file is not a database\n"
