"""Registering the ranking functions on a connection (S-FN-1); ``function_errors`` reports
their own messages (S-FN-8)."""

from __future__ import annotations

import sqlite3

from datamill.core.sql_functions import function_errors
from datamill.search.bm25_fts5 import Fts5StyleRanker
from datamill.search.matchinfo import annotate_matchinfo, decode_matchinfo_text
from datamill.search.ranking import rank_bm25, rank_score

__all__ = ["register_functions", "function_errors", "IMPLEMENTATIONS"]

IMPLEMENTATIONS = ("auto", "python", "native")
# Fixed argument counts are registered as well as "any number" (-1), because
# SQLite prefers an exact-count registration: a same-named function registered
# earlier (e.g. sqlite-fts4's one-argument rank_bm25) must not shadow ours.
_RANK_BM25_COUNTS = (1, 2, 3, -1)
_RANK_BM25_FTS5_COUNTS = (3, 4, 5, -1)


def register_functions(conn: sqlite3.Connection, implementation: str = "auto") -> str:
    """Register every ranking SQL function on ``conn``; return the implementation used.

    Registers ``decode_matchinfo``, ``annotate_matchinfo``, ``rank_score``,
    ``rank_bm25`` and ``rank_bm25_fts5``. ``implementation`` is ``"python"``,
    ``"native"`` or ``"auto"``; this build of datamill ships only the pure-Python
    scorer, so ``"native"`` raises ``RuntimeError`` and ``"auto"`` picks Python.
    """
    if implementation not in IMPLEMENTATIONS:
        raise ValueError("implementation must be 'auto', 'python' or 'native'")
    if implementation == "native":
        raise RuntimeError(
            "The native ranking implementation is not available in this build of datamill; "
            "use implementation='python'"
        )
    conn.create_function("decode_matchinfo", 1, decode_matchinfo_text, deterministic=True)
    conn.create_function("annotate_matchinfo", 2, annotate_matchinfo, deterministic=True)
    conn.create_function("rank_score", 1, rank_score, deterministic=True)
    for count in _RANK_BM25_COUNTS:
        conn.create_function("rank_bm25", count, rank_bm25, deterministic=True)
    ranker = Fts5StyleRanker(conn)
    for count in _RANK_BM25_FTS5_COUNTS:
        conn.create_function("rank_bm25_fts5", count, ranker)
    return "python"
