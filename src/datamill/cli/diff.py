"""``datamill diff PREVIOUS CURRENT``: keyed comparison of two tables (spec diff.md)."""

from __future__ import annotations

import io
import os
import sys

import click

from datamill.cli.main import cli
from datamill.diff.api import diff_sources
from datamill.diff.errors import DiffInputError
from datamill.diff.render import check_extras, iter_human_text, write_json, write_long_csv
from datamill.diff.sides import FORMATS, SpecError

ERROR_STATUS = 2


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(ERROR_STATUS)


def _check_options(output, json_flag, show_unchanged, extras, max_rows, column_counts):
    if json_flag:
        if output in ("text", "csv"):
            raise click.UsageError(f"--json cannot be combined with --output {output}")
        output = "json"
    output = output or "text"
    if output == "json":
        if extras:
            raise click.UsageError("Extra fields are not supported in JSON output mode")
        if max_rows is not None:
            raise click.UsageError("--max-rows is not supported in JSON output mode")
    if output == "csv":
        for flag, used in (
            ("--show-unchanged", show_unchanged),
            ("--extra", bool(extras)),
            ("--max-rows", max_rows is not None),
            ("--column-counts", column_counts),
        ):
            if used:
                raise click.UsageError(f"{flag} is not supported in CSV output mode")
    return output


def _check_spec(spec: str, param: str) -> None:
    if spec == "-" or os.path.exists(spec):
        return
    db, sep, _ = spec.rpartition(":")
    if sep and db and os.path.isfile(db):
        return
    raise click.BadParameter(f"File '{spec}' does not exist.", param_hint=f"'{param}'")


@cli.command(name="diff")
@click.argument("previous")
@click.argument("current")
@click.option(
    "keys", "--key", multiple=True, help="Column identifying a row; repeat for a composite key"
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Input format of both sides")
@click.option("--previous-format", type=click.Choice(FORMATS), help="Input format of PREVIOUS")
@click.option("--current-format", type=click.Choice(FORMATS), help="Input format of CURRENT")
@click.option("--encoding", default="utf-8", show_default=True, help="Input encoding")
@click.option("json_flag", "--json", is_flag=True, help="Output changes as JSON")
@click.option(
    "--output", type=click.Choice(["text", "json", "csv"]), help="Report form (default: text)"
)
@click.option("--singular", help="Singular noun for row counts, e.g. 'tree'")
@click.option("--plural", help="Plural noun for row counts, e.g. 'trees'")
@click.option("--show-unchanged", is_flag=True, help="Show unchanged fields of changed rows")
@click.option(
    "extras",
    "--extra",
    type=(str, str),
    multiple=True,
    metavar="NAME FORMAT",
    help="Extra field to show, as a Python format string over column names",
)
@click.option("ignore", "--ignore", multiple=True, help="Column to leave out of the comparison")
@click.option("--max-rows", type=click.IntRange(min=0), help="Show at most N rows per section")
@click.option("--column-counts", is_flag=True, help="Count changed rows per column")
@click.option(
    "--on-duplicate",
    type=click.Choice(["error", "first", "last"]),
    default="error",
    show_default=True,
    help="What to do with rows that share a key",
)
@click.option("--exit-code", is_flag=True, help="Exit with status 1 when there are differences")
def diff_command(
    previous,
    current,
    keys,
    fmt,
    previous_format,
    current_format,
    encoding,
    json_flag,
    output,
    singular,
    plural,
    show_unchanged,
    extras,
    ignore,
    max_rows,
    column_counts,
    on_duplicate,
    exit_code,
):
    """Show what changed between two versions of a table.

    PREVIOUS and CURRENT are CSV, TSV, JSON or newline-delimited JSON files,
    - for standard input, or DBPATH:TABLE for a SQLite table or view.
    """
    output = _check_options(output, json_flag, show_unchanged, extras, max_rows, column_counts)
    if previous == "-" and current == "-":
        raise click.UsageError("Only one of PREVIOUS and CURRENT can be -")
    _check_spec(previous, "PREVIOUS")
    _check_spec(current, "CURRENT")
    for index, name in enumerate(keys):
        if name in keys[:index]:
            raise click.UsageError(f"--key cannot name a column twice: {name}")
    for name in ignore:
        if name in keys:
            raise click.UsageError(f"--ignore cannot name a --key column: {name}")
    try:
        result = diff_sources(
            previous,
            current,
            key=keys,
            format=fmt,
            previous_format=previous_format,
            current_format=current_format,
            encoding=encoding,
            ignore=ignore,
            on_duplicate=on_duplicate,
            show_unchanged=show_unchanged,
            on_warning=_warn,
        )
        if output == "text" and extras:
            check_extras(extras, {*result.previous_columns, *result.current_columns})
        report = {"singular": singular, "plural": plural, "extras": extras or None}
        report.update(max_rows=max_rows, column_counts=column_counts)
        _write(result, output, report)
    except (DiffInputError, SpecError) as err:
        _fail(str(err))
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(0 if not exit_code else 1)
    except (OSError, ValueError) as err:
        _fail(_os_message(err))
    except KeyboardInterrupt:
        click.echo("Aborted!", err=True)
        sys.exit(ERROR_STATUS)
    if exit_code and any(
        result[c] for c in ("added", "removed", "changed", "columns_added", "columns_removed")
    ):
        sys.exit(1)


def _write(result, output: str, report: dict) -> None:
    """Stream the report to stdout as UTF-8, whatever the locale (DF-TXT-1 rule 8)."""
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
    try:
        if output == "json":
            write_json(result, out, with_column_counts=report["column_counts"])
        elif output == "csv":
            write_long_csv(result, out)
        else:
            key = result.key
            shown_key = None if not key else key[0] if len(key) == 1 else list(key)
            for piece in iter_human_text(result, shown_key, current=result.current_rows, **report):
                out.write(piece)
            out.write("\n")
        out.flush()
    finally:
        out.detach()


def _silence_stdout() -> None:
    """After a closed pipe, point stdout at /dev/null so the exit flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


def _warn(message: str) -> None:
    click.echo(f"Warning: {message}", err=True)


def _os_message(err: Exception) -> str:
    if isinstance(err, OSError) and err.filename is not None:
        return f"{err.filename}: {err.strerror}"
    return str(err)
