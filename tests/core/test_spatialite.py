"""L-GIS: SpatiaLite helpers, and a clear error where extensions cannot be loaded."""

import pytest

import datamill
from datamill.core import spatialite
from datamill.utils import SPATIALITE_PATHS, find_spatialite


def test_find_spatialite_uses_known_paths(monkeypatch):
    assert "/usr/lib/x86_64-linux-gnu/mod_spatialite.so" in SPATIALITE_PATHS
    monkeypatch.setattr(spatialite, "SPATIALITE_PATHS", ("/nope/a.so",))
    assert find_spatialite() is None


def test_init_spatialite_without_extension_raises(monkeypatch):
    monkeypatch.setattr(spatialite, "SPATIALITE_PATHS", ("/nope/a.so",))
    db = datamill.Database(memory=True)
    with pytest.raises(OSError, match="^Could not find SpatiaLite extension$"):
        db.init_spatialite()


def test_driver_without_extension_loading_gives_clear_error():
    class NoLoadingConnection:
        pass

    class FakeDb:
        conn = NoLoadingConnection()

    with pytest.raises(spatialite.ExtensionLoadingUnavailable, match="cannot load extensions"):
        spatialite.load_extension(FakeDb(), "/x.so")


@pytest.mark.skipif(find_spatialite() is None, reason="SpatiaLite is not installed")
def test_geometry_column_and_spatial_index():
    db = datamill.Database(memory=True)
    assert db.init_spatialite() is True
    assert db.init_spatialite() is False
    db["places"].create({"id": int, "name": str}, pk="id")
    assert db["places"].add_geometry_column("geom", "POINT") is True
    assert db["places"].create_spatial_index("geom") is True
    assert db["places"].create_spatial_index("geom") is False
