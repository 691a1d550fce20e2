"""``datamill publish docker``: a build context for a slim image that serves databases (PUB-1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from datamill.cli.main import cli
from datamill.cli.options import serve_setting_option
from datamill.publish import DockerImage, InvalidOption, PublishError, publish_docker
from datamill.publish.image import (
    check_port,
    check_python,
    check_replicas,
    check_tag,
)


def _checked(check: Callable[[Any], Any]) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """A click callback that runs a library check and reports its failure as a usage error."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None:
            return None
        try:
            return check(value)
        except InvalidOption as error:
            raise click.BadParameter(str(error), ctx, param) from None

    return callback


@cli.group(name="publish", invoke_without_command=True)
@click.pass_context
def publish_group(ctx: click.Context) -> None:
    """Publish databases as a container image that serves them read-only"""
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@publish_group.command(name="docker")
@click.argument(
    "databases",
    metavar="DB...",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False),
)
@click.option(
    "--tag",
    metavar="NAME",
    callback=_checked(check_tag),
    help="Image name  [default: datamill-<first database's stem>]",
)
@click.option(
    "--output-dir",
    metavar="DIR",
    type=click.Path(),
    help="Write the build context here (absent or empty)  [default: a new temporary directory]",
)
@click.option(
    "--metadata",
    type=click.Path(dir_okay=False),
    help="JSON file of titles and descriptions, copied as metadata.json",
)
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=int,
    metavar="N",
    callback=_checked(check_port),
    help="Port the container listens on",
)
@click.option(
    "--python",
    default="3.12",
    show_default=True,
    metavar="X.Y",
    callback=_checked(check_python),
    help="Python of the python:X.Y-slim base image",
)
@serve_setting_option(help="A datamill serve setting (repeatable)")
@click.option(
    "--replicas",
    type=int,
    metavar="N",
    callback=_checked(check_replicas),
    help="Also write compose.yaml: N copies behind an nginx load balancer",
)
@click.option(
    "--classifier",
    metavar="MODEL",
    help="Serve /-/classify with this model from 'classify train' (copied), or imagenet",
)
@click.option("--no-build", is_flag=True, help="Write the build context only")
def docker(
    databases: tuple[str, ...],
    tag: str | None,
    output_dir: str | None,
    metadata: str | None,
    port: int,
    python: str,
    settings: tuple[tuple[str, str], ...],
    replicas: int | None,
    classifier: str | None,
    no_build: bool,
) -> None:
    """Write a Docker build context for an image that serves DB files read-only, and build it
    when a Docker engine is reachable; prints the command to run next."""
    try:
        image = DockerImage(
            databases,
            tag=tag or "",
            port=port,
            python=python,
            metadata=metadata,
            settings=settings,
            replicas=replicas,
            classifier=classifier,
        )
        hint = publish_docker(image, output_dir, build=not no_build)
    except InvalidOption as error:
        raise click.BadParameter(str(error), param_hint=f"'{error.option}'") from None
    except PublishError as error:
        raise click.ClickException(str(error)) from None
    click.echo(hint)
