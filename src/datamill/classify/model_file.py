"""A trained classifier on disk (CL-3): one small SQLite database.

Tables: ``meta`` (key, value) with the format and its version, the backbone identity and
preprocessing, the model's name and the training summary (JSON); ``labels`` (idx, label);
``head`` (one row: the weight matrix and bias as little-endian float32 blobs). No backbone
weights: a model for 10 labels is about 60 KB. The file holds no timestamp, so the same
training run writes the same bytes.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from datamill import Database
from datamill.classify.backbone import BACKBONE_ID, FEATURE_WIDTH
from datamill.classify.errors import ModelError
from datamill.classify.preprocess import CROP_PADDING, MEAN, STD
from datamill.utils import sqlite3

FORMAT = "datamill-classifier"
FORMAT_VERSION = "1"
PREPROCESSING = (
    f"RGB; centre crop of side 224/(224+{CROP_PADDING}) of the short side; bicubic resize to "
    f"224x224; (value - {MEAN:g}) / {STD:g}"
)


@dataclass(frozen=True)
class TrainedHead:
    """A classifier head over the backbone's pooled features: ``features @ weight + bias``."""

    name: str
    labels: tuple[str, ...]
    weight: np.ndarray  # (1280, labels)
    bias: np.ndarray  # (labels,)
    summary: dict


def save_model(path: str | Path, head: TrainedHead) -> None:
    """Write ``head`` to ``path``, replacing it only once the new file is complete."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(handle)
    try:
        db = Database(temporary, recreate=True, execute_plugins=False)
        with db.atomic():
            meta = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "name": head.name,
                "backbone": BACKBONE_ID,
                "preprocessing": PREPROCESSING,
                "summary": json.dumps(head.summary, sort_keys=True),
            }
            db.table("meta").insert_all(
                [{"key": key, "value": value} for key, value in meta.items()], pk="key"
            )
            db.table("labels").insert_all(
                [{"idx": i, "label": label} for i, label in enumerate(head.labels)], pk="idx"
            )
            db.table("head").insert(
                {
                    "rows": FEATURE_WIDTH,
                    "cols": len(head.labels),
                    "weight": np.asarray(head.weight, dtype="<f4").tobytes(),
                    "bias": np.asarray(head.bias, dtype="<f4").tobytes(),
                }
            )
        db.close()
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def load_model(path: str | Path) -> TrainedHead:
    """Read a model written by :func:`save_model`; anything else raises :class:`ModelError`."""
    if not os.path.isfile(path):
        raise ModelError(f"Model file not found: {path}")
    incompatible = ModelError(
        f"{path} is not a datamill classifier (or was made by an incompatible version)"
    )
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            meta = dict(conn.execute("select key, value from meta").fetchall())
            if (meta.get("format"), meta.get("format_version"), meta.get("backbone")) != (
                FORMAT,
                FORMAT_VERSION,
                BACKBONE_ID,
            ):
                raise incompatible
            labels = tuple(
                label for (label,) in conn.execute("select label from labels order by idx")
            )
            rows, cols, weight, bias = conn.execute(
                "select rows, cols, weight, bias from head"
            ).fetchone()
        finally:
            conn.close()
        summary = json.loads(meta["summary"])
        weight = np.frombuffer(weight, dtype="<f4").reshape(rows, cols)
        bias = np.frombuffer(bias, dtype="<f4").reshape(cols)
    except (sqlite3.Error, TypeError, ValueError, KeyError):
        raise incompatible from None
    if rows != FEATURE_WIDTH or cols != len(labels) or cols < 2:
        raise incompatible
    return TrainedHead(meta["name"], labels, weight, bias, summary)
