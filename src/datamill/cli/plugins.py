"""Plugins and the environment they live in: ``plugins``, ``install``, ``uninstall``.

Also runs the ``register_commands`` hook so installed plugins can add commands (C-PLUGINS,
C-INSTALL, C-UNINSTALL).
"""

from __future__ import annotations

import json
import runpy
import sys
from collections.abc import Sequence

import click

from datamill.cli.main import cli
from datamill.plugins import ensure_plugins_loaded, get_plugins, pm


def register_plugin_commands(group: click.Group) -> None:
    """Load plugins (once per process) and let each add its commands to ``group``."""
    ensure_plugins_loaded()
    pm.hook.register_commands(cli=group)


def run_pip(args: Sequence[str]) -> None:
    """Run pip in this process and environment; its output and exit status pass through."""
    saved = sys.argv
    sys.argv = ["pip", *args]
    try:
        runpy.run_module("pip", run_name="__main__", alter_sys=True)
    except ImportError:
        raise click.ClickException("pip is not installed in this environment") from None
    finally:
        sys.argv = saved


@cli.command(name="plugins")
def plugins_list() -> None:
    """Print the installed datamill plugins and their hooks as JSON"""
    ensure_plugins_loaded()
    click.echo(json.dumps(get_plugins(), indent=2))


@cli.command()
@click.argument("packages", nargs=-1)
@click.option("-U", "--upgrade", is_flag=True, help="Upgrade the packages if already installed")
@click.option("-e", "--editable", help="Install the project at this path in development mode")
def install(packages: Sequence[str], upgrade: bool, editable: str | None) -> None:
    """pip install packages (plugins, for example) into datamill's own Python environment"""
    args = ["install"]
    if upgrade:
        args.append("--upgrade")
    if editable:
        args += ["--editable", editable]
    run_pip([*args, *packages])


@cli.command()
@click.argument("packages", nargs=-1, required=True)
@click.option("-y", "--yes", is_flag=True, help="Remove without asking first")
def uninstall(packages: Sequence[str], yes: bool) -> None:
    """pip uninstall packages from datamill's own Python environment"""
    run_pip(["uninstall", *packages, *(["-y"] if yes else [])])
