"""``datamill history``: git-history 0.8's ``file`` command with datamill's fixes (track.md HI)."""

from __future__ import annotations

import sys

import click

from datamill.cli.errors import track_failure
from datamill.cli.main import cli
from datamill.track import content
from datamill.track.errors import TrackError
from datamill.track.history.importer import HistoryOptions
from datamill.track.history.run import history
from datamill.track.history.versions import Reader, compile_convert

FORMAT_TO_READER = {
    "csv": ("csv", "excel"),
    "tsv": ("tsv", "excel-tab"),
    "json": ("json", None),
    "nl": ("nl", None),
}


def build_reader(filepath: str, params: dict) -> Reader:
    """HI-2's format options and their conflict errors."""
    csv_, dialect, encoding = params["csv_"], params["dialect"], params["encoding"]
    convert, fmt = params["convert"], params["fmt"]
    if encoding:
        content.check_encoding(encoding)  # a bad name is the first thing to report
    if fmt and (csv_ or dialect or convert):
        raise click.ClickException("Cannot combine --format with --csv, --dialect or --convert")
    if csv_ and convert:
        raise click.ClickException("Cannot use both --csv and --convert")
    if encoding and not (csv_ or dialect or fmt in ("csv", "tsv")):
        raise click.ClickException("--encoding requires --csv or --dialect")
    ignore = frozenset(params["ignore"])
    encoding = encoding or "utf-8"
    if convert:
        return Reader(filepath, convert=compile_convert(convert, params["imports"]), ignore=ignore)
    if fmt:
        kind, dialect_name = FORMAT_TO_READER[fmt]
        return Reader(
            filepath, fmt=kind, dialect=dialect_name, encoding=encoding, ignore=ignore,
            csv_option="--format csv",
        )  # fmt: skip
    if dialect:
        return Reader(filepath, fmt="csv", dialect=dialect, encoding=encoding, ignore=ignore)
    if csv_:
        return Reader(filepath, fmt=None, encoding=encoding, ignore=ignore)
    return Reader(filepath, fmt="json", ignore=ignore)


@cli.command(name="history")
@click.argument("database", type=click.Path(dir_okay=False))
@click.argument("filepath")
@click.option("--repo", default=".", show_default=True, help="Repository path or URL to clone.")
@click.option("--branch", help="Branch to walk (default main, else the checked-out branch).")
@click.option("ids", "--id", multiple=True, help="Identity column (repeatable).")
@click.option("-n", "--namespace", default="item", show_default=True, help="Table-name prefix.")
@click.option("--full-versions", is_flag=True, help="Store complete rows in the version table.")
@click.option("--ignore", multiple=True, help="Column never stored (repeatable).")
@click.option("csv_", "--csv", is_flag=True, help="CSV/TSV with a sniffed dialect.")
@click.option("--dialect", type=click.Choice(["excel", "excel-tab", "unix"]), help="CSV dialect.")
@click.option("--encoding", help="CSV encoding (default utf-8).")
@click.option("--convert", help="Python code over `content` (bytes) returning dicts.")
@click.option("imports", "--import", multiple=True, help="Module for --convert (repeatable).")
@click.option("--skip", "skip_hashes", multiple=True, help="Commit to skip (repeatable).")
@click.option("--start-at", help="Begin at this commit.")
@click.option("--start-after", help="Begin just after this commit.")
@click.option("--ignore-duplicate-ids", is_flag=True, help="Keep the first of duplicate ids.")
@click.option("--ignore-missing-ids", is_flag=True, help="Skip rows lacking --id columns.")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "tsv", "json", "nl"]), help="Declared format."
)
@click.option("--detect-types", is_flag=True, help="INTEGER/REAL columns for numeric CSV data.")
@click.option("--wal", is_flag=True, help="Enable WAL mode.")
@click.option("--silent", is_flag=True, help="No progress bar.")
@click.option("--debug", is_flag=True, help="Extra diagnostics on stderr.")
def history_command(database: str, filepath: str, **params) -> None:
    """Build DATABASE from the git history of FILEPATH: every row's versions over time."""
    if params["start_at"] and params["start_after"]:
        raise click.ClickException("Cannot use --start-at and --start-after at the same time")
    try:
        reader = build_reader(filepath, params)
    except TrackError as err:
        track_failure(err)
    show = not params["silent"] and sys.stderr.isatty()
    bar = None

    def progress(index: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = click.progressbar(length=total, label="Importing commits", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    options = HistoryOptions(
        database=database,
        filepath=filepath,
        repo=params["repo"],
        branch=params["branch"],
        ids=params["ids"],
        namespace=params["namespace"],
        full_versions=params["full_versions"],
        ignore=params["ignore"],
        reader=reader,
        detect_types=params["detect_types"],
        skip=params["skip_hashes"],
        start_at=params["start_at"],
        start_after=params["start_after"],
        ignore_duplicate_ids=params["ignore_duplicate_ids"],
        ignore_missing_ids=params["ignore_missing_ids"],
        wal=params["wal"],
        debug=params["debug"],
        progress=progress if show else None,
        warn=lambda line: click.echo(line, err=True),
    )
    try:
        history(options)
    except TrackError as err:
        if bar is not None:
            bar.__exit__(None, None, None)
            click.echo("", err=True)
        track_failure(err)
    if bar is not None:
        bar.__exit__(None, None, None)
