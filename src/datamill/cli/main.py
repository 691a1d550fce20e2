"""The root click group.

``datamill data.db "select ..."`` runs the default ``query`` command: when the
first argument is not a known command name, ``query`` is inserted before it.
"""

from __future__ import annotations

import click

DEFAULT_COMMAND = "query"


class DefaultCommandGroup(click.Group):
    """A group that falls back to ``query`` when the first word is not a command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and not args[0].startswith("-") and args[0] not in self.commands:
            if DEFAULT_COMMAND in self.commands:
                args = [DEFAULT_COMMAND, *args]
        return super().parse_args(ctx, args)


@click.group(cls=DefaultCommandGroup)
@click.version_option(package_name="datamill")
def cli() -> None:
    """Build, query, search, diff and track SQLite databases."""
