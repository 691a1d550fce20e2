"""``datamill csvs``: many CSV files into one database, csvs-to-sqlite 1.3.1's options (CS).

``load_csvs`` is the whole run: it resolves inputs, checks every option against them before
writing (CS-9), then loads everything in one transaction (CS-10).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from datamill.core.database import Database
from datamill.csvs.errors import CsvsError
from datamill.csvs.inputs import resolved_inputs
from datamill.csvs.load import Run
from datamill.csvs.options import CsvsOptions, Extract, ShapeColumn, parse_extract, parse_shape
from datamill.csvs.parallel import prepared_parts
from datamill.csvs.plan import plan_tables, read_sources

__all__ = [
    "CsvsError",
    "CsvsOptions",
    "Extract",
    "ShapeColumn",
    "load_csvs",
    "parse_extract",
    "parse_shape",
]


def load_csvs(
    db: Database,
    paths: Sequence[str],
    options: CsvsOptions,
    warn: Callable[[str], None] = lambda message: None,
) -> int:
    """Load the CSVs named by ``paths`` into ``db``; returns how many files were loaded.

    ``warn`` receives each ``Warning:`` message text (without the prefix).
    """
    options.check()
    with resolved_inputs(paths) as inputs:
        sources = read_sources(inputs, options)
        plans = plan_tables(db, sources, options)
        with prepared_parts(db, plans, options) as prepared:
            Run(db, plans, options, warn).run(prepared)
        return len(inputs)
