"""L-PLUG: hooks, the plugin manager and prepare_connection on every Database."""

import sqlite3

import datamill
from datamill import plugins


class ShoutPlugin:
    __name__ = "ShoutPlugin"

    @datamill.hookimpl
    def prepare_connection(self, conn):
        conn.create_function("shout", 1, lambda s: s.upper() + "!")


def test_prepare_connection_runs_for_each_database():
    plugin = ShoutPlugin()
    plugins.pm.register(plugin, name="shout")
    try:
        db = datamill.Database(memory=True)
        assert db.execute("select shout('hi')").fetchone()[0] == "HI!"
        assert {"name": "ShoutPlugin", "hooks": ["prepare_connection"]} in plugins.get_plugins()
        db2 = datamill.Database(memory=True, execute_plugins=False)
        try:
            db2.execute("select shout('hi')")
            raise AssertionError("shout() should not exist without plugins")
        except sqlite3.OperationalError as error:
            assert "no such function: shout" in str(error)
    finally:
        plugins.pm.unregister(name="shout")
    assert plugins.get_plugins() == []


def test_plugin_manager_project_name():
    assert plugins.pm.project_name == "datamill"
    assert datamill.hookspec.project_name == "datamill"
