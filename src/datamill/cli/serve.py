"""``datamill serve``: a read-only web interface and JSON API for SQLite files (serve.md SV-CLI)."""

from __future__ import annotations

import sys
import webbrowser

import click

from datamill.classify import ClassifyError
from datamill.cli.main import cli
from datamill.cli.options import serve_setting_option
from datamill.serve import INSTALL_HINT
from datamill.serve.metadata import MetadataError, load_metadata
from datamill.serve.settings import Settings


@cli.command(name="serve")
@click.argument(
    "databases", metavar="[DB]...", nargs=-1, type=click.Path(exists=True, dir_okay=False)
)
@click.option(
    "-i",
    "--immutable",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="Database file to serve as immutable: no locks, no change detection (repeatable)",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on")
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port; 0 picks a free one",
)
@serve_setting_option(help="A setting (repeatable)")
@click.option(
    "--metadata",
    type=click.Path(dir_okay=False),
    help="JSON file with titles, descriptions and table options",
)
@click.option(
    "--classifier",
    metavar="MODEL",
    help="Answer /-/classify with a model made by 'classify train', or imagenet",
)
@click.option("--cors", is_flag=True, help="Allow cross-origin requests from any site")
@click.option("--open", "open_browser", is_flag=True, help="Open the index page in a browser")
def serve(
    databases: tuple[str, ...],
    immutable: tuple[str, ...],
    host: str,
    port: int,
    settings: tuple[tuple[str, str], ...],
    metadata: str | None,
    classifier: str | None,
    cors: bool,
    open_browser: bool,
) -> None:
    """Serve SQLite databases read-only: web pages, JSON API and CSV export"""
    if not databases and not immutable:
        raise click.UsageError("Give at least one database file (DB or -i DB)")
    chosen = Settings.from_pairs(settings)
    try:
        from datamill.serve import create_app
        from datamill.serve.databases import DuplicateDatabase, StartupError
        from datamill.serve.server import ListenError, bind, run, url_for
    except ImportError:
        raise click.ClickException(INSTALL_HINT) from None
    try:
        loaded, warnings = load_metadata(metadata)
    except MetadataError as error:
        raise click.ClickException(str(error)) from None
    for warning in warnings:
        click.echo(warning, err=True)
    try:
        app = create_app(
            databases, immutable, chosen, loaded, cors=cors, host=host, classifier=classifier
        )
    except DuplicateDatabase as error:
        raise click.UsageError(str(error)) from None
    except (StartupError, ClassifyError) as error:
        raise click.ClickException(str(error)) from None
    try:
        sock = bind(host, port)
    except ListenError as error:
        raise click.ClickException(str(error)) from None
    if open_browser:
        webbrowser.open(url_for(host, sock))
    run(app, sock, host)
    sys.exit(0)
