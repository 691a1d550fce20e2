"""The feature store of ``classify train`` (CL-3): pooled features by image content hash.

A SQLite database beside the model; a second training run skips every image it has seen,
under any name. Entries are keyed by the backbone identity too, so features from another
backbone or preprocessing are never reused.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from datamill import Database
from datamill.classify.backbone import BACKBONE_ID, FEATURE_WIDTH
from datamill.classify.errors import ClassifyError
from datamill.utils import sqlite3

TABLE = "features"


class FeatureCache:
    """Open (or create) the cache at ``path``; use as a context manager."""

    def __init__(self, path: str | Path) -> None:
        self.path = path
        with self._reported():
            self.db = Database(path, execute_plugins=False)
            self.db.table(TABLE).create(
                {"sha256": str, "backbone": str, "vector": bytes},
                pk=("sha256", "backbone"),
                if_not_exists=True,
            )

    @contextlib.contextmanager
    def _reported(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.DatabaseError as error:
            raise ClassifyError(
                f"{self.path} is not a usable feature cache ({error}); delete it to start over"
            ) from None

    def __enter__(self) -> FeatureCache:
        return self

    def __exit__(self, *exc_info) -> None:
        self.db.close()

    def get_many(self, hashes: set[str]) -> dict[str, np.ndarray]:
        """The cached features among ``hashes``."""
        found = {}
        with self._reported():
            rows = self.db.execute(
                f"select sha256, vector from {TABLE} where backbone = ?", [BACKBONE_ID]
            ).fetchall()
        for sha256, vector in rows:
            if sha256 in hashes and len(vector) == FEATURE_WIDTH * 4:
                found[sha256] = np.frombuffer(vector, dtype="<f4")
        return found

    def put_many(self, vectors: dict[str, np.ndarray]) -> None:
        """Store features by content hash, in one transaction."""
        if not vectors:
            return
        with self._reported():
            self._insert(vectors)

    def _insert(self, vectors: dict[str, np.ndarray]) -> None:
        self.db.table(TABLE).insert_all(
            (
                {
                    "sha256": sha256,
                    "backbone": BACKBONE_ID,
                    "vector": np.asarray(vector, dtype="<f4").tobytes(),
                }
                for sha256, vector in vectors.items()
            ),
            replace=True,
        )
