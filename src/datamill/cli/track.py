"""``datamill track`` and ``datamill track init`` (track.md TR, TI)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

import click

from datamill.cli.errors import track_failure
from datamill.cli.main import cli
from datamill.track.errors import TrackError
from datamill.track.fetch import parse_size
from datamill.track.run import TrackOptions, check_options, default_path, resolve_path, track
from datamill.track.workflow import WorkflowSpec, check_spec, render, workflow_root, write_workflow


class TrackGroup(click.Group):
    """``track`` runs the tracker; only a first argument ``init`` selects the subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] == "init":
            return super().parse_args(ctx, args)
        ctx.meta["datamill.track.args"] = args
        ctx.invoked_subcommand = None
        return []

    def invoke(self, ctx: click.Context):
        if "datamill.track.args" not in ctx.meta:
            return super().invoke(ctx)
        args = ctx.meta.pop("datamill.track.args")
        with run_command.make_context(ctx.info_name, args, parent=ctx.parent) as sub:
            return run_command.invoke(sub)


def size_option(ctx, param, value):
    if value is None:
        return None
    try:
        parse_size(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    return value


# TR-2 options in table order (the order track init writes them in); --repo/--push/--dry-run
# are added per command.
def tr_options(func):
    options = [
        click.option("--path", help="Tracked file, relative to --repo."),
        click.option(
            "--format", "fmt", type=click.Choice(["csv", "tsv", "json", "nl"]),
            help="Declared format (default: from --path).",
        ),
        click.option("--key", multiple=True, help="Key column (repeatable)."),
        click.option("--encoding", help="Input encoding (default utf-8)."),
        click.option(
            "--on-duplicate", type=click.Choice(["error", "first", "last"]),
            help="Duplicate key policy (default error).",
        ),
        click.option("--singular", help="Noun for one row (default row)."),
        click.option("--plural", help="Noun for several rows (default rows)."),
        click.option("--message-max-lines", type=int, help="Bound on the message (default 200)."),
        click.option("--author", help='Commit author, "Name <email>".'),
        click.option("--header", "headers", multiple=True, help="'Name: value' (URL only)."),
        click.option("--timeout", type=float, help="Seconds for the whole fetch (default 60)."),
        click.option(
            "--max-bytes", callback=size_option, help="Size limit, e.g. 10M (default 256M)."
        ),
        click.option("--allow-empty-file", is_flag=True, help="Accept empty content."),
        click.option("--ignore-reformat", is_flag=True, help="Skip commits with no row changes."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def track_options(params: dict) -> TrackOptions:
    defaults = TrackOptions()
    given = {name: value for name, value in params.items() if value not in (None, (), False)}
    return TrackOptions(
        source=params.get("source"),
        command=params.get("command"),
        repo=params.get("repo") or ".",
        path=given.get("path"),
        format=given.get("fmt"),
        key=tuple(params.get("key") or ()),
        encoding=given.get("encoding", defaults.encoding),
        on_duplicate=given.get("on_duplicate", defaults.on_duplicate),
        singular=given.get("singular", defaults.singular),
        plural=given.get("plural", defaults.plural),
        message_max_lines=given.get("message_max_lines", defaults.message_max_lines),
        author=given.get("author"),
        push=params.get("push"),
        headers=list(params.get("headers") or ()),
        timeout=given.get("timeout", defaults.timeout),
        max_bytes=parse_size(given["max_bytes"]) if "max_bytes" in given else defaults.max_bytes,
        allow_empty_file=bool(params.get("allow_empty_file")),
        ignore_reformat=bool(params.get("ignore_reformat")),
        dry_run=bool(params.get("dry_run")),
    )


@cli.group(cls=TrackGroup, name="track", invoke_without_command=True)
def track_group() -> None:
    """Fetch a file and commit it to git only when it changed (see `track init`)."""


@click.command(name="track")
@click.argument("source", required=False)
@click.option("--command", help="Shell command whose stdout is the content.")
@click.option("--repo", default=".", show_default=True, help="Directory inside the work tree.")
@tr_options
@click.option(
    "--push", is_flag=False, flag_value="origin", default=None, help="Push after committing."
)
@click.option("--dry-run", is_flag=True, help="Print the message and change nothing.")
def run_command(**params) -> None:
    """Fetch SOURCE (a URL or a local file), or run --command, and commit the content to git
    when it changed, with a message listing the changed rows.

    `datamill track init ...` writes a scheduled GitHub Actions workflow instead."""
    options = track_options(params)
    try:
        result = track(options, emit=lambda line: click.echo(line, err=True))
    except TrackError as err:
        track_failure(err)
    if result.status == "unchanged":
        click.echo("No changes", err=True)
    elif result.status == "reformat":
        click.echo("No row changes", err=True)
    elif result.status == "dry-run":
        click.echo(result.message)
    elif result.commit is not None:  # committed
        title = (result.message or "").split("\n", 1)[0]
        click.echo(f"Committed {result.commit[:12]}: {title}", err=True)
        if result.pushed_branch:
            click.echo(f"Pushed {result.pushed_branch} to {options.push}", err=True)


INIT_FLAGS = [
    ("fmt", "--format"),
    ("key", "--key"),
    ("encoding", "--encoding"),
    ("on_duplicate", "--on-duplicate"),
    ("singular", "--singular"),
    ("plural", "--plural"),
    ("message_max_lines", "--message-max-lines"),
    ("author", "--author"),
    ("headers", "--header"),
    ("timeout", "--timeout"),
    ("max_bytes", "--max-bytes"),
    ("allow_empty_file", "--allow-empty-file"),
    ("ignore_reformat", "--ignore-reformat"),
]


def given_flags(params: dict) -> list[tuple[str, str | None]]:
    """The given TR-2 options as (flag, text) pairs in table order."""
    pairs: list[tuple[str, str | None]] = []
    for name, flag in INIT_FLAGS:
        value = params.get(name)
        if value in (None, (), False):
            continue
        if value is True:
            pairs.append((flag, None))
        elif isinstance(value, tuple):
            pairs += [(flag, str(item)) for item in value]
        elif isinstance(value, float):
            pairs.append((flag, f"{value:g}"))
        else:
            pairs.append((flag, str(value)))
    return pairs


def datamill_version() -> str:
    try:
        return version("datamill")
    except PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        return "0"


@track_group.command(name="init")
@click.argument("source", required=False)
@click.option("--command", help="Shell command whose stdout is the content.")
@click.option("--repo", default=".", show_default=True, help="Work tree receiving the workflow.")
@tr_options
@click.option("--schedule", default="17 * * * *", show_default=True, help="Cron expression.")
@click.option("--secret", "secrets", multiple=True, help="CI secret exposed as $NAME.")
@click.option("--workflow", default="datamill-track.yml", show_default=True, help="File name.")
@click.option("--python", "python_version", default="3.12", show_default=True)
@click.option("--force", is_flag=True, help="Overwrite an existing workflow file.")
def init_command(**params) -> None:
    """Write a GitHub Actions workflow that runs `datamill track ... --push` on a schedule."""
    options = track_options(params)
    try:
        check_options(options)
        root = workflow_root(options.repo)
        path = resolve_path(root, options.repo, default_path(options))
        spec = WorkflowSpec(
            path=path,
            version=datamill_version(),
            source=options.source,
            command=options.command,
            options=given_flags(params),
            headers=options.headers,
            schedule=params["schedule"],
            secrets=params["secrets"],
            python=params["python_version"],
        )
        check_spec(spec)
        written = write_workflow(root, params["workflow"], render(spec), params["force"])
    except TrackError as err:
        track_failure(err)
    click.echo(f"Wrote {written}", err=True)
