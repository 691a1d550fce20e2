"""``datamill classify predict|train|table`` (classify.md CL-2, CL-3, CL-4).

A thin layer over ``datamill.classify``; numpy and Pillow are imported only once a
command runs, after checking that the ``classify`` extra is installed.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator

import click
import tabulate

from datamill.classify import IMAGENET, ClassifyError, load_classifier, require_extra
from datamill.cli.errors import REPORTABLE
from datamill.cli.main import cli
from datamill.cli.options import database_path, open_database
from datamill.cli.progress import ItemProgress, stderr_is_terminal
from datamill.track.fetch import display_url

#: Failed images named in full at the end of ``classify table``; the rest are counted.
FAILURES_SHOWN = 10


@contextlib.contextmanager
def reported(progress: ItemProgress | None = None) -> Iterator[None]:
    """A :class:`ClassifyError` (or a SQLite or file error) becomes ``Error: <message>``."""
    try:
        yield
    except (ClassifyError, *REPORTABLE) as error:
        if progress is not None:
            progress.abandon()
        raise click.ClickException(str(error)) from None


def model_option(func):
    return click.option(
        "--model",
        default=IMAGENET,
        show_default=True,
        help="A model made by 'classify train', or imagenet for the 1,000 ImageNet classes.",
    )(func)


def top_option(default: int, help: str):
    return click.option(
        "--top", type=click.IntRange(min=1), default=default, show_default=True, help=help
    )


def allow_private_option(func):
    return click.option(
        "--allow-private",
        is_flag=True,
        help="Fetch URLs that lead to this host or a private network (refused by default).",
    )(func)


def silent_option(func):
    return click.option("-s", "--silent", is_flag=True, help="Do not show progress.")(func)


@cli.group(name="classify")
def classify_group() -> None:
    """Classify images with an ImageNet-pretrained network, or with labels of your own"""


@classify_group.command(name="predict")
@click.argument("images", nargs=-1, required=True)
@model_option
@top_option(3, "How many labels to show per image.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="One JSON object per image and line, instead of a table.",
)
@allow_private_option
def predict(
    images: tuple[str, ...], model: str, top: int, as_json: bool, allow_private: bool
) -> None:
    """Predict the labels of IMAGES: files, - for stdin, or http(s) URLs

    \b
    Example:
        datamill classify predict cat.jpg https://example.org/dog.png --top 2
    """
    if images.count("-") > 1:
        raise click.UsageError("- (stdin) can be given only once")
    with reported():
        classifier = load_classifier(model)
        from datamill.classify.parallel import map_in_threads
        from datamill.classify.sources import MAX_SOURCE_BYTES, read_source

        def one(source: str) -> list[dict]:
            shown = "stdin" if source == "-" else display_url(source)
            data = read_source(source, allow_private=allow_private)
            return classifier.predict(data, top, source=shown, max_bytes=MAX_SOURCE_BYTES)

        results = list(map_in_threads(one, images))
    if as_json:
        for source, predictions in zip(images, results):
            click.echo(json.dumps({"image": display_url(source), "predictions": predictions}))
        return
    rows = [
        (display_url(source), p["label"], f"{p['probability']:.4f}")
        for source, predictions in zip(images, results)
        for p in predictions
    ]
    click.echo(
        tabulate.tabulate(rows, headers=["image", "label", "probability"], disable_numparse=True)
    )


def label_regex(ctx, param, value):
    if value is None:
        return None
    try:
        groups = re.compile(value).groups
    except re.error as error:
        raise click.BadParameter(f"not a valid regular expression: {error}") from None
    if groups < 1:
        raise click.BadParameter("needs a group: the first group is the label")
    return value


@classify_group.command(name="train")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The model file to write.",
)
@click.option(
    "--label-regex",
    callback=label_regex,
    help=r"Label each image by the first group of this regex on its file name, "
    r"e.g. '^(\w+)_\d+'.",
)
@click.option(
    "--label-from",
    type=click.Choice(["folder", "name"]),
    help="Label by the image's folder name (default), or by its file name with --label-regex.",
)
@click.option(
    "--valid-pct",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.2,
    show_default=True,
    help="Share of each label's images held out for validation.",
)
@click.option(
    "--seed", type=int, default=42, show_default=True, help="Seed of the validation split."
)
@click.option(
    "--l2",
    type=click.FloatRange(min=0, min_open=True),
    default=1e-3,
    show_default=True,
    help="L2 penalty on the head's weights.",
)
@silent_option
def train(directory, output, label_regex, label_from, valid_pct, seed, l2, silent) -> None:
    """Train a classifier on the labelled images in DIRECTORY (transfer learning)

    The features of each image are cached in OUTPUT.features.db, so a second run only
    reads the images that changed.

    \b
    Examples:
        datamill classify train photos/ -o cougar.model            # photos/<label>/*.jpg
        datamill classify train digits/ -o digits.model --label-regex '^(\\d)_'
    """
    if label_from == "folder" and label_regex is not None:
        raise click.UsageError(
            "--label-regex labels by file name; it cannot be used with --label-from folder"
        )
    if label_from == "name" and label_regex is None:
        raise click.UsageError("--label-from name needs --label-regex")
    progress = ItemProgress("images", enabled=stderr_is_terminal() and not silent)
    with reported(progress):
        require_extra()
        from datamill.classify.train import train as train_model

        report = train_model(
            directory,
            output,
            label_regex=label_regex,
            valid_pct=valid_pct,
            seed=seed,
            l2=l2,
            on_progress=progress,
        )
    progress.abandon()
    if report.failures:
        click.echo(
            f"Left out {len(report.failures)} unreadable image"
            f"{'s' * (len(report.failures) != 1)}: {'; '.join(report.failures)}",
            err=True,
        )
    errors = round(report.error_rate * report.valid_count)
    click.echo(
        f"Trained on {report.train_count} images, validated on {report.valid_count} "
        f"({len(report.labels)} labels; features: {report.extracted} extracted, "
        f"{report.cached} cached)"
    )
    if not report.converged:
        click.echo(
            f"Warning: the head did not converge in {report.iterations} iterations", err=True
        )
    click.echo(
        f"error rate: {report.error_rate:.4f} ({errors} of {report.valid_count} "
        f"validation images misclassified)"
    )
    click.echo("confusion (rows: actual label, columns: predicted label):")
    rows = [[label, *counts] for label, counts in zip(report.labels, report.confusion)]
    click.echo(tabulate.tabulate(rows, headers=["", *report.labels], disable_numparse=True))
    click.echo(f"Model written to {output}")


@classify_group.command(name="table")
@click.argument("path", type=database_path(exists=True))
@click.argument("table")
@click.argument("column")
@model_option
@top_option(1, "Labels per row; above 1 both columns hold JSON arrays.")
@click.option("--label-column", default="label", show_default=True)
@click.option("--probability-column", default="probability", show_default=True)
@click.option(
    "--batch-size",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Rows classified and committed together.",
)
@allow_private_option
@silent_option
def table(
    path,
    table,
    column,
    model,
    top,
    label_column,
    probability_column,
    batch_size,
    allow_private,
    silent,
) -> None:
    """Label the images that COLUMN of TABLE points at

    A value is a file path (relative to the database's folder), an http(s) URL, or the
    image itself as a BLOB. Rows that already have a label are skipped, so an interrupted
    run carries on where it stopped. Images that cannot be read are left NULL and listed.
    """
    progress = ItemProgress("rows", enabled=stderr_is_terminal() and not silent)
    db = open_database(path)
    with reported(progress):
        classifier = load_classifier(model)
        from datamill.classify.table import classify_table

        report = classify_table(
            db,
            table,
            column,
            classifier,
            top=top,
            label_column=label_column,
            probability_column=probability_column,
            batch_size=batch_size,
            allow_private=allow_private,
            on_progress=progress,
        )
    progress.abandon()
    failed = len(report.failures)
    if progress.enabled:
        elapsed = max(progress.elapsed(), 1e-9)
        click.echo(
            f"Labelled {report.labelled} rows in {elapsed:.1f}s "
            f"({report.labelled / elapsed:.1f} rows/s)",
            err=True,
        )
    if report.no_image:
        click.echo(
            f"{report.no_image} row{'s' * (report.no_image != 1)} without an image skipped",
            err=True,
        )
    if failed:
        shown = "; ".join(report.failures[:FAILURES_SHOWN])
        more = f"; and {failed - FAILURES_SHOWN} more" if failed > FAILURES_SHOWN else ""
        summary = f"{failed} image{'s' * (failed != 1)} could not be labelled: {shown}{more}"
        if report.labelled == 0:
            raise click.ClickException(f"every image failed: {summary}")
        click.echo(summary, err=True)
