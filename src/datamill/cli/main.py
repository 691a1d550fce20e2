"""The root click group (G-1 .. G-3).

``datamill data.db "select ..."`` runs the default ``query`` command: when the
first argument is not a command name (or there are no arguments at all),
``query`` is inserted before it.
"""

from __future__ import annotations

import click

DEFAULT_COMMAND = "query"
GROUP_OPTIONS = frozenset({"-h", "--help", "--version"})
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class DefaultCommandGroup(click.Group):
    """A group that falls back to ``query`` when the first word is not a command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if DEFAULT_COMMAND in self.commands and (
            not args or (args[0] not in self.commands and args[0] not in GROUP_OPTIONS)
        ):
            args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)

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


@click.group(name="datamill", cls=DefaultCommandGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="datamill")
def cli() -> None:
    """Commands for interacting with a SQLite database"""
