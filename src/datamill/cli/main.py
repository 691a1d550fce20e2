"""The root click group (G-1 .. G-3).

``datamill data.db "select ..."`` runs the default ``query`` command: when the
first argument is not a command name (or there are no arguments at all),
``query`` is inserted before it.
"""

from __future__ import annotations

import importlib

import click

DEFAULT_COMMAND = "query"
GROUP_OPTIONS = frozenset({"-h", "--help", "--version"})
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}

#: Every built-in command and the ``datamill.cli`` module that defines it. A module is imported
#: only when one of its commands runs (or ``--help`` lists them all), so ``datamill diff`` does
#: not pay for loading the search, track and loading machinery.
COMMAND_MODULES = {
    "add-column": "schema",
    "add-foreign-key": "transform",
    "add-foreign-keys": "transform",
    "add-geometry-column": "spatialite",
    "analyze": "maintenance",
    "analyze-tables": "analyze",
    "bulk": "load",
    "classify": "classify",
    "convert": "convert",
    "create-database": "schema",
    "create-index": "schema",
    "create-spatial-index": "spatialite",
    "create-table": "schema",
    "create-view": "schema",
    "csvs": "csvs",
    "diff": "diff",
    "disable-fts": "search",
    "disable-wal": "maintenance",
    "drop-index": "schema",
    "drop-table": "schema",
    "drop-view": "schema",
    "dump": "inspect",
    "duplicate": "schema",
    "enable-counts": "counts",
    "enable-fts": "search",
    "enable-wal": "maintenance",
    "extract": "transform",
    "history": "history",
    "import-db": "import_db",
    "index-foreign-keys": "transform",
    "indexes": "inspect",
    "insert": "load",
    "insert-files": "insert_files",
    "install": "plugins",
    "memory": "memory",
    "migrate": "migrate",
    "optimize": "search",
    "plugins": "plugins",
    "publish": "publish",
    "populate-fts": "search",
    "query": "query",
    "rebuild-fts": "search",
    "rename-table": "schema",
    "reset-counts": "counts",
    "rows": "query",
    "schema": "inspect",
    "search": "search",
    "search-all": "search",
    "serve": "serve",
    "tables": "inspect",
    "track": "track",
    "transform": "transform",
    "triggers": "inspect",
    "uninstall": "plugins",
    "upsert": "load",
    "vacuum": "maintenance",
    "views": "inspect",
}


class DefaultCommandGroup(click.Group):
    """The root group: loads command modules on demand and falls back to ``query``."""

    _plugins_loaded = False

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in COMMAND_MODULES and args[0] not in GROUP_OPTIONS:
            self._load_plugins()
        if not args or (not self._is_command(args[0]) and args[0] not in GROUP_OPTIONS):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)

    def _is_command(self, name: str) -> bool:
        return name in COMMAND_MODULES or name in self.commands

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMAND_MODULES.get(name)
        if module is not None and name not in self.commands:
            if name == "serve":  # for a server's threads; only possible before sqlite3 loads
                from datamill.serve.sqlite_setup import disable_allocation_statistics

                disable_allocation_statistics()
            importlib.import_module(f"datamill.cli.{module}")
        command = super().get_command(ctx, name)
        if command is None and not self._plugins_loaded:
            self._load_plugins()
            command = super().get_command(ctx, name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module in sorted(set(COMMAND_MODULES.values())):
            importlib.import_module(f"datamill.cli.{module}")
        self._load_plugins()
        return super().list_commands(ctx)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands, marking the default one as ``query*``."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            label = f"{name}*" if name == DEFAULT_COMMAND else name
            rows.append((label, command.get_short_help_str(limit=formatter.width - 6 - 20)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def _load_plugins(self) -> None:
        """Let installed plugins add their commands (C-PLUGINS), once."""
        if self._plugins_loaded:
            return
        self._plugins_loaded = True
        from datamill.cli.plugins import register_plugin_commands

        register_plugin_commands(self)


@click.group(name="datamill", cls=DefaultCommandGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="datamill")
def cli() -> None:
    """Commands for interacting with a SQLite database"""
