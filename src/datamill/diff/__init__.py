"""Keyed comparison of two versions of a table (``datamill diff``, spec diff.md).

csv-diff 1.2 compatible functions: ``load_csv``, ``load_json``, ``compare``
and ``human_text``. Additions: ``load_nl``, ``load_table``, ``diff_sources``
(the streaming engine on paths, ``db:table`` specs or binary files),
``column_counts``, ``long_rows`` and ``json_text``. Every input problem raises
``DiffInputError``.
"""

from datamill.diff.api import diff_sources
from datamill.diff.errors import DiffInputError
from datamill.diff.loaders import (
    DuplicateKeysWarning,
    compare,
    load_csv,
    load_json,
    load_nl,
    load_table,
)
from datamill.diff.render import DiffResult, column_counts, human_text, json_text, long_rows

__all__ = [
    "DiffInputError",
    "DiffResult",
    "DuplicateKeysWarning",
    "column_counts",
    "compare",
    "diff_sources",
    "human_text",
    "json_text",
    "load_csv",
    "load_json",
    "load_nl",
    "load_table",
    "long_rows",
]
