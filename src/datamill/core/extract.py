"""Moving columns into a lookup table and pointing at it with a foreign key (L-XFM-9)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from datamill.core.errors import InvalidColumns
from datamill.core.identifiers import fold_identifier_case, quote_identifier, resolve_casing
from datamill.core.transform import TransformOptions, transform
from datamill.core.types import ANY, COLUMN_TYPE_MAPPING, column_affinity

if TYPE_CHECKING:
    from datamill.core.table import Table


def extract(
    table: Table,
    columns: str | Iterable[str],
    lookup_table: str | None = None,
    fk_column: str | None = None,
    rename: Mapping[str, str] | None = None,
) -> None:
    """Replace ``columns`` of ``table`` with a foreign key to a table of their distinct values."""
    db = table.db
    source_columns = table.columns
    names = [c.name for c in source_columns]
    requested = [columns] if isinstance(columns, str) else list(columns)
    folded = {fold_identifier_case(name) for name in names}
    unknown = [name for name in requested if fold_identifier_case(name) not in folded]
    if unknown:
        raise InvalidColumns(f"Invalid columns {unknown!r} for table with columns {names!r}")
    extracted = [resolve_casing(name, names) for name in requested]
    lookup_name = lookup_table or "_".join(extracted)
    fk_column = fk_column or f"{lookup_name}_id"
    renames = {resolve_casing(old, extracted): new for old, new in (rename or {}).items()}
    lookup_columns = [renames.get(name, name) for name in extracted]
    declared = {c.name: c.type for c in source_columns}
    lookup_types = {new: _column_type(declared[old]) for old, new in zip(extracted, lookup_columns)}
    strict = table.strict
    lookup = db.table(lookup_name)
    with db.atomic():
        if lookup.exists():
            _check_existing_lookup(lookup, lookup_types, strict)
        else:
            lookup.create({"id": int, **lookup_types}, pk="id", strict=strict)
        lookup.create_index(lookup_columns, unique=True, if_not_exists=True)
        db.execute(_fill_lookup_sql(table.name, lookup_name, extracted, lookup_columns))
        # fk_column may name an extracted column: then the FK column is added under a name no
        # column has and takes fk_column while the extracted columns are dropped.
        added = fk_column
        if fold_identifier_case(fk_column) in {fold_identifier_case(c) for c in extracted}:
            added = f"_datamill_extract_{secrets.token_hex(8)}"
        table.add_column(added, int)
        first = extracted[0]
        order = [
            fk_column if name == first else name for name in names if name not in extracted[1:]
        ]
        transform(
            table,
            TransformOptions(
                drop=extracted,
                rename={added: fk_column} if added != fk_column else None,
                column_order=order,
                add_foreign_keys=[(fk_column, lookup_name, "id")],
            ),
            sources={fk_column: _lookup_id_sql(table.name, lookup_name, extracted, lookup_columns)},
        )


def _column_type(declared: str) -> Any:
    """The create() type for a declared column type; unusual types map by affinity."""
    if declared.upper() in COLUMN_TYPE_MAPPING:
        return declared.upper()
    return column_affinity(declared)


def _check_existing_lookup(lookup: Table, expected: dict[str, Any], strict: bool) -> None:
    actual = {fold_identifier_case(name): kind for name, kind in lookup.columns_dict.items()}
    definition = {
        name: column_affinity(kind) if isinstance(kind, str) else kind
        for name, kind in expected.items()
    }
    if any(actual.get(fold_identifier_case(name)) is not kind for name, kind in definition.items()):
        raise InvalidColumns(
            f"Lookup table {lookup.name} already exists but does not have columns {definition!r}"
        )
    if strict and ANY in definition.values() and not lookup.strict:
        raise InvalidColumns(
            f"Lookup table {lookup.name} already exists but is not STRICT, so it cannot "
            "preserve ANY column values"
        )


def _matches(lookup: str, lookup_columns: list[str], source: str, columns: list[str]) -> str:
    return " AND ".join(
        f"{quote_identifier(lookup)}.{quote_identifier(lc)} IS {quote_identifier(source)}.{quote_identifier(c)}"
        for lc, c in zip(lookup_columns, columns)
    )


def _any_not_null(columns: list[str]) -> str:
    return "(" + " OR ".join(f"{quote_identifier(c)} IS NOT NULL" for c in columns) + ")"


def _fill_lookup_sql(
    source: str, lookup: str, columns: list[str], lookup_columns: list[str]
) -> str:
    """Insert each distinct, not-all-NULL combination that the lookup table lacks."""
    return (
        f"INSERT OR IGNORE INTO {quote_identifier(lookup)} "
        f"({', '.join(quote_identifier(c) for c in lookup_columns)})\n"
        f"SELECT DISTINCT {', '.join(quote_identifier(c) for c in columns)} "
        f"FROM {quote_identifier(source)}\n"
        f"WHERE {_any_not_null(columns)} AND NOT EXISTS (SELECT 1 FROM {quote_identifier(lookup)} "
        f"WHERE {_matches(lookup, lookup_columns, source, columns)})"
    )


def _lookup_id_sql(source: str, lookup: str, columns: list[str], lookup_columns: list[str]) -> str:
    """The lookup row id for the current source row, or NULL when every column is NULL."""
    return (
        f"CASE WHEN {_any_not_null(columns)} THEN "
        f'(SELECT {quote_identifier(lookup)}."id" FROM {quote_identifier(lookup)} '
        f"WHERE {_matches(lookup, lookup_columns, source, columns)}) END"
    )
