"""``_extra=`` names: which resources accept each one and in what order they appear (SV-JSON-3, A3).

The names are Datasette 1.0a41's public extras plus datamill's ``snippets``, ``timing`` and the
row page's ``primary_key_values``; their values are computed by the views.
"""

from __future__ import annotations

from collections.abc import Sequence

from datamill.serve.errors import bad_request

__all__ = ["EXTRAS", "requested_extras", "ordered", "BARE_SHAPES"]

T, R, Q = "table", "row", "query"

#: Name -> (scopes, description), in output order: SV-JSON-3's table first, then 1.0a41's.
EXTRAS: dict[str, tuple[frozenset[str], str]] = {
    "count": (frozenset({T}), "Number of rows matching the filters, with count_truncated"),
    "count_truncated": (frozenset({T}), "Whether count is a lower bound rather than exact"),
    "facet_results": (frozenset({T}), "Facet counts for the requested and configured facets"),
    "facets_timed_out": (frozenset({T}), "Names of facets that ran out of time"),
    "suggested_facets": (
        frozenset({T}),
        "Columns worth faceting on, and columns not checked in time",
    ),
    "columns": (frozenset({T, R, Q}), "Column names of the rows"),
    "primary_keys": (frozenset({T, R}), "Primary key columns ([] for views)"),
    "primary_key_values": (frozenset({R}), "The row's key values as they appear in its URL"),
    "query": (frozenset({T, R, Q}), "The SQL and parameters that produced the rows"),
    "database": (frozenset({T, R, Q}), "Database name"),
    "table": (frozenset({T, R}), "Table or view name"),
    "snippets": (frozenset({T}), "Rank and best-column snippet of each searched row"),
    "foreign_key_tables": (frozenset({R}), "Tables whose rows reference this row, with counts"),
    "count_sql": (frozenset({T}), "SQL counting the matching rows"),
    "human_description_en": (frozenset({T}), "The filters, search and sort in words"),
    "all_columns": (frozenset({T}), "Every column, whatever _col and _nocol select"),
    "column_details": (
        frozenset({T, R}),
        "Declared type, affinity, NOT NULL, default and key position per column",
    ),
    "display_columns": (frozenset({T}), "Columns as the HTML table shows them"),
    "render_cell": (
        frozenset({T, R, Q}),
        "Cells rendered differently from their value (none here)",
    ),
    "debug": (frozenset({T, R, Q}), "Request routing details for debugging"),
    "request": (frozenset({T, R, Q}), "The request URL, path, host and arguments"),
    "column_types": (frozenset({T, R}), "Column types assigned to columns (none here)"),
    "set_column_type_ui": (frozenset({T}), "Column-type editing form (not available: null)"),
    "metadata": (frozenset({T, R, Q}), "Metadata of the table or query"),
    "extras": (frozenset({T, R, Q}), "The extras this page offers"),
    "database_color": (frozenset({T, R, Q}), "A colour derived from the database name"),
    "renderers": (frozenset({T}), "Output formats and their URLs"),
    "custom_table_templates": (frozenset({T}), "Template names a custom table template could use"),
    "sorted_facet_results": (frozenset({T}), "Facet results as a list in display order"),
    "table_definition": (frozenset({T}), "CREATE statements of the table and its indexes"),
    "view_definition": (frozenset({T}), "CREATE statement of the view"),
    "is_view": (frozenset({T}), "Whether this is a view"),
    "private": (frozenset({T, R, Q}), "Whether the resource is private (never here)"),
    "expandable_columns": (
        frozenset({T}),
        "Foreign keys and the label column of the table they reference",
    ),
    "form_hidden_args": (frozenset({T}), "Query-string options the HTML forms keep"),
    "timing": (frozenset({T, R, Q}), "Time spent: total, in SQL, and statements run"),
}
BARE_SHAPES = ("array", "arrayfirst", "object")
_ORDER = {name: index for index, name in enumerate(EXTRAS)}


def requested_extras(
    pairs: Sequence[tuple[str, str]], scope: str, searched: bool = False
) -> list[str]:
    """The extras asked for with ``_extra`` (or ``_extras``), validated for ``scope``.

    ``snippets`` also needs a ``_search``. Raises ``Unknown _extra: <names>`` or
    ``_extra=<name> is not available here``.
    """
    names: list[str] = []
    for key, value in pairs:
        if key in ("_extra", "_extras"):
            for name in value.split(","):
                if name and name not in names:
                    names.append(name)
    unknown = sorted(name for name in names if name not in EXTRAS)
    if unknown:
        raise bad_request(f"Unknown _extra: {', '.join(unknown)}")
    for name in names:
        if scope not in EXTRAS[name][0] or (name == "snippets" and not searched):
            raise bad_request(f"_extra={name} is not available here")
    return names


def ordered(names: Sequence[str]) -> list[str]:
    return sorted(set(names), key=_ORDER.__getitem__)
