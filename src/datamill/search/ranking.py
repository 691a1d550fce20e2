"""Per-column ranking functions over FTS4 ``matchinfo()`` blobs (S-FN-5, S-FN-6).

``rank_bm25`` runs once per matched row, so it does almost nothing per row:
everything that is constant within a query (IDF per phrase and column, the
positions to read) is computed once and cached, keyed on the integers of the
blob that are the same for every row of that query (n, a and the per
phrase/column document counts).
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from typing import TypeGuard

from datamill.search.matchinfo import MatchinfoError, unpacker

__all__ = ["rank_bm25", "rank_score", "bm25_scorer", "check_tunables"]

_PCX_ERROR = "rank_score() needs matchinfo(table, 'pcx')"
_MAX_CACHED_QUERIES = 256


def pcnalx_layout(blob: object, function: str) -> tuple[Callable, int, int]:
    """Validate a ``'pcnalx'`` blob; return its unpacker and its p and c.

    Raises ``MatchinfoError`` naming ``function`` unless ``blob`` is a BLOB of
    exactly 4·(3 + 2c + 3pc) bytes.
    """
    if isinstance(blob, bytes) and len(blob) >= 8 and not len(blob) % 4:
        phrases, columns = unpacker(8)(blob[:8])
        if len(blob) == 4 * (3 + 2 * columns + 3 * phrases * columns):
            return unpacker(len(blob)), phrases, columns
    raise MatchinfoError(f"{function}() needs matchinfo(table, 'pcnalx')")


def rank_score(blob: bytes | None) -> float | None:
    """SQLite's appendix-A score over ``matchinfo(t, 'pcx')``, negated (lower is better)."""
    if not blob:
        return None
    if not isinstance(blob, bytes) or len(blob) < 8 or len(blob) % 4:
        raise MatchinfoError(_PCX_ERROR)
    phrases, columns = unpacker(8)(blob[:8])
    if len(blob) != 4 * (2 + 3 * phrases * columns):
        raise MatchinfoError(_PCX_ERROR)
    values = unpacker(len(blob))(blob)
    score = 0.0
    for position in range(2, len(values), 3):
        hits = values[position]
        if hits > 0:
            score += float(hits) / values[position + 1]
    return -score


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_tunables(function: str, k1: object, b: object, weights: tuple) -> tuple:
    """Validate BM25 tunables (NULL means the default); return ``(k1, b, weights)``.

    ``weights`` entries that are NULL stay 1.0.
    """
    k1 = 1.2 if k1 is None else k1
    b = 0.75 if b is None else b
    if not (_is_number(k1) and _is_number(b) and math.isfinite(k1) and k1 >= 0 and 0 <= b <= 1):
        raise MatchinfoError(
            f"{function}(): k1 must be a number >= 0 and b a number between 0 and 1"
        )
    for weight in weights:
        if weight is not None and not (_is_number(weight) and math.isfinite(weight)):
            raise MatchinfoError(f"{function}(): column weights must be numbers")
    return float(k1), float(b), tuple(1.0 if w is None else float(w) for w in weights)


def _idf(rows: int, docs: int) -> float:
    """sqlite-fts4's IDF: ln((N - d + 0.5) / (d + 0.5)), floored at 0."""
    ratio = (rows - docs + 0.5) / (docs + 0.5)
    if ratio <= 0:
        return 0.0
    return max(math.log(ratio), 0.0)


def bm25_scorer(k1: float = 1.2, b: float = 0.75, weights: tuple = ()) -> Callable:
    """Return a one-argument per-column BM25 scorer with fixed, validated tunables.

    The arithmetic follows sqlite-fts4 1.0.3 step for step, so with the default
    tunables the scores are bit-identical to it.
    """
    k1_plus_1 = k1 + 1
    one_minus_b = 1 - b
    plans: dict[tuple, tuple] = {}

    def plan_for(values: tuple, phrases: int, columns: int) -> tuple:
        if len(weights) > columns:
            raise MatchinfoError(
                f"rank_bm25(): got {len(weights)} column weights for {columns} columns"
            )
        rows, averages = values[2], values[3 : 3 + columns]
        x_start = 3 + 2 * columns
        terms = []
        for phrase in range(phrases):
            for column in range(columns):
                hits_at = x_start + 3 * (column + phrase * columns)
                idf = _idf(rows, values[hits_at + 2])
                if idf:
                    weight = weights[column] if column < len(weights) else 1.0
                    terms.append((hits_at, 3 + columns + column, averages[column], idf, weight))
        return tuple(terms)

    def score(blob: bytes | None) -> float | None:
        if not blob:
            return None
        try:
            unpack = unpacker(len(blob))
            values = unpack(blob)
            columns = values[1]
            key = values[: 3 + columns] + values[5 + 2 * columns :: 3]
        except (TypeError, IndexError, struct.error):
            key = None
        plan = plans.get(key)
        if plan is None or plan[0] != len(blob):
            unpack, phrases, columns = pcnalx_layout(blob, "rank_bm25")
            values = unpack(blob)
            key = values[: 3 + columns] + values[5 + 2 * columns :: 3]
            if len(plans) >= _MAX_CACHED_QUERIES:
                plans.clear()
            plan = plans[key] = (len(blob), plan_for(values, phrases, columns))
        total = 0.0
        for hits_at, length_at, average, idf, weight in plan[1]:
            hits = values[hits_at]
            if hits:
                if average:
                    denominator = hits + k1 * (one_minus_b + b * (values[length_at] / average))
                else:
                    denominator = hits
                total += weight * (idf * (hits * k1_plus_1 / denominator))
        return -total

    return score


_default_scorer = bm25_scorer()
_scorers: dict[tuple, Callable] = {}


def rank_bm25(blob: bytes | None, *tunables: object) -> float | None:
    """Per-column BM25 over ``matchinfo(t, 'pcnalx')``, negated (lower is better).

    ``rank_bm25(blob[, k1[, b[, w0, w1, ...]]])``: k1 defaults to 1.2, b to 0.75
    and every column weight to 1.0; NULL (``None``) means the default.
    """
    if not tunables:
        return _default_scorer(blob)
    scorer = _scorers.get(tunables)
    if scorer is None:
        b = tunables[1] if len(tunables) > 1 else None
        k1, b, weights = check_tunables("rank_bm25", tunables[0], b, tunables[2:])
        if len(_scorers) >= _MAX_CACHED_QUERIES:
            _scorers.clear()
        scorer = _scorers[tunables] = bm25_scorer(k1, b, weights)
    return scorer(blob)
