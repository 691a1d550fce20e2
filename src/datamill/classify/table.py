"""Labelling the images a table points at (CL-4).

Rows are visited in rowid order, a batch at a time; each batch's images are classified on
every CPU and written in one transaction, so an interrupted run keeps what it committed and
the next run carries on from there (rows that already have a label are skipped). An image
that cannot be read or fetched leaves both columns NULL and is reported, not fatal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from datamill import Database
from datamill.classify.classifier import Classifier
from datamill.classify.errors import ClassifyError
from datamill.classify.limits import MAX_SOURCE_BYTES
from datamill.classify.parallel import map_in_threads
from datamill.classify.sources import read_source
from datamill.core.identifiers import quote_identifier
from datamill.utils import sqlite3


@dataclass
class TableReport:
    """Rows labelled, rows without an image, and why each failed image failed."""

    labelled: int = 0
    no_image: int = 0
    failures: list[str] = field(default_factory=list)


def classify_table(
    db: Database,
    table: str,
    column: str,
    classifier: Classifier,
    *,
    top: int = 1,
    label_column: str = "label",
    probability_column: str = "probability",
    batch_size: int = 64,
    base: Path | None = None,
    allow_private: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> TableReport:
    """Fill ``label_column`` and ``probability_column`` for the images ``column`` names.

    A value is a file path (relative to ``base``, by default the database's folder), an
    http(s) URL (refused when it leads to a private address, unless ``allow_private``), or
    the image itself as a BLOB. With ``top`` above 1 both columns hold JSON arrays of the
    ``top`` best labels and their probabilities.
    """
    if table not in db.table_names():
        raise ClassifyError(f"Table {table} does not exist")
    target = db.table(table)
    columns = target.columns_dict
    if column not in columns:
        raise ClassifyError(f"Table {table} has no column {column}")
    if label_column == probability_column or column in (label_column, probability_column):
        raise ClassifyError("the image, label and probability columns must be different")
    try:
        db.execute(f"select rowid from {quote_identifier(table)} limit 0")
    except sqlite3.OperationalError:
        raise ClassifyError(
            f"Table {table} has no rowid (WITHOUT ROWID tables are not supported)"
        ) from None
    if base is None:
        base = _database_folder(db)
    # Missing columns are added with the first labels, so a run that labels nothing (every
    # image failed) leaves the table as it was.
    missing = {
        name: kind
        for name, kind in ((label_column, str), (probability_column, float if top == 1 else str))
        if name not in columns
    }

    quoted = quote_identifier(table)
    image, label, probability = (
        quote_identifier(name) for name in (column, label_column, probability_column)
    )
    unlabelled = "" if label_column in missing else f"{label} is null and "
    has_image = f"{image} is not null and {image} != ''"
    report = TableReport()
    report.no_image = db.execute(
        f"select count(*) from {quoted} where {unlabelled}not ({has_image})"
    ).fetchone()[0]
    total = db.execute(f"select count(*) from {quoted} where {unlabelled}{has_image}").fetchone()[0]
    select = (
        f"select rowid, {image} from {quoted} where rowid > ? and {unlabelled}{has_image} "
        "order by rowid limit ?"
    )
    update = f"update {quoted} set {label} = ?, {probability} = ? where rowid = ?"

    def classify(row: tuple) -> tuple | str:
        rowid, value = row
        try:
            if isinstance(value, bytes):
                name, data = f"row {rowid} (a BLOB)", value
            else:
                name, data = (
                    str(value),
                    read_source(str(value), base=base, allow_private=allow_private),
                )
            predictions = classifier.predict(data, top, source=name, max_bytes=MAX_SOURCE_BYTES)
        except ClassifyError as error:
            return f"row {rowid}: {error}"
        if top == 1:
            return predictions[0]["label"], predictions[0]["probability"], rowid
        return (
            json.dumps([p["label"] for p in predictions]),
            json.dumps([p["probability"] for p in predictions]),
            rowid,
        )

    done, last = 0, 0
    if on_progress:
        on_progress(done, total)
    while True:
        rows = db.execute(select, [last, batch_size]).fetchall()
        if not rows:
            break
        last = rows[-1][0]
        updates = []
        for result in map_in_threads(classify, rows):
            if isinstance(result, str):
                report.failures.append(result)
            else:
                updates.append(result)
        if updates:
            with db.atomic():
                for name, kind in missing.items():
                    target.add_column(name, kind)
                missing = {}
                db.conn.executemany(update, updates)
        report.labelled += len(updates)
        done += len(rows)
        if on_progress:
            on_progress(done, total)
    return report


def _database_folder(db: Database) -> Path:
    """The folder of the database's main file (relative image paths start there)."""
    for _seq, name, file in db.execute("pragma database_list").fetchall():
        if name == "main" and file:
            return Path(file).parent
    return Path.cwd()
