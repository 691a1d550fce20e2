"""Full-text search: ranking SQL functions, query escaping and search helpers.

``datamill.search`` is the ranking module of fts.md S-FN-1: its names are public.
All scores are ranks (negated scores): lower is better, so order ascending.
"""

from datamill.search.escape import escape_query
from datamill.search.functions import function_errors, register_functions
from datamill.search.matchinfo import MatchinfoError, annotate_matchinfo, decode_matchinfo
from datamill.search.ranking import rank_bm25, rank_score

__all__ = [
    "MatchinfoError",
    "annotate_matchinfo",
    "decode_matchinfo",
    "escape_query",
    "function_errors",
    "rank_bm25",
    "rank_score",
    "register_functions",
]
