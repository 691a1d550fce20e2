"""Rebuilding a table with a new schema: create a copy, move the rows, swap names (L-XFM).

``transform_sql`` plans the statements; ``transform`` runs them with the foreign key safety
rules of L-XFM-7 and L-XFM-8. Constraints that PRAGMAs cannot report come from the parser in
``table_parser`` so they survive the rebuild (L-XFM-5).
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from datamill.core import introspect
from datamill.core.ddl import ColumnDef, TableDef, render_check, render_create_table, render_unique
from datamill.core.errors import TransactionError, TransformError
from datamill.core.identifiers import fold_identifier_case, quote_identifier, resolve_casing
from datamill.core.models import DEFAULT, Column, ForeignKey, Index
from datamill.core.sql_rename import references_identifier, rename_identifiers
from datamill.core.sql_tokens import tokenize
from datamill.core.sqlite import sqlite3
from datamill.core.table_parser import (
    Check,
    ColumnComments,
    ParseError,
    TableConstraints,
    Unique,
    UniqueColumn,
    parse_table_constraints,
)
from datamill.core.table_sql import resolve_foreign_keys
from datamill.core.types import column_affinity, sql_type
from datamill.search.transform_fts import fts_transform

if TYPE_CHECKING:
    from datamill.core.database import Database
    from datamill.core.table import Table

_NUMERIC_TYPES = {"INTEGER", "FLOAT", "REAL"}
_STRICT_TYPES = {"INT", "INTEGER", "REAL", "TEXT", "BLOB", "ANY"}
_DESTRUCTIVE_ACTIONS = {"CASCADE", "SET NULL", "SET DEFAULT"}
_LITERAL_DEFAULT = re.compile(
    r"""^(?:'(?:[^']|'')*'|"(?:[^"]|"")*"|[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"""
    r"""|0[xX][0-9a-fA-F]+|[xX]'[0-9a-fA-F]*'|NULL|TRUE|FALSE"""
    r"""|CURRENT_TIME|CURRENT_DATE|CURRENT_TIMESTAMP)$""",
    re.IGNORECASE,
)
_TAIL = (
    "You must manually drop this index prior to running this transformation and manually "
    "recreate the new index after running this transformation."
)


@dataclasses.dataclass(frozen=True)
class TransformOptions:
    """The arguments of ``transform()`` / ``transform_sql()`` (L-XFM-2)."""

    types: Mapping[str, Any] | None = None
    rename: Mapping[str, str] | None = None
    drop: Iterable[str] | None = None
    pk: Any = DEFAULT
    not_null: Any = None
    defaults: Mapping[str, Any] | None = None
    drop_foreign_keys: Iterable[Any] | None = None
    add_foreign_keys: Iterable[Any] | None = None
    foreign_keys: Iterable[Any] | None = None
    column_order: Iterable[str] | None = None
    keep_table: str | None = None
    strict: bool | None = None


@contextlib.contextmanager
def foreign_key_safe_atomic(db: Database) -> Iterator[None]:
    """``db.atomic()`` for table rewrites (L-XFM-7).

    With ``PRAGMA foreign_keys`` on and no transaction open, keys are switched off for the
    block, so dropping and renaming tables fires no ON DELETE actions, and checked with
    ``PRAGMA foreign_key_check`` before the commit. Otherwise it is plain ``db.atomic()``.
    """
    if db.conn.in_transaction or not db.execute("PRAGMA foreign_keys").fetchone()[0]:
        with db.atomic():
            yield
        return
    db.execute("PRAGMA foreign_keys=0;")
    try:
        with db.atomic():
            yield
            if db.execute("PRAGMA foreign_key_check;").fetchall():
                raise sqlite3.IntegrityError("FOREIGN KEY constraint failed")
    finally:
        db.execute("PRAGMA foreign_keys=1;")


def transform(
    table: Table, options: TransformOptions, sources: Mapping[str, str] | None = None
) -> None:
    """Run ``transform_sql`` atomically, keeping foreign keys safe (L-XFM-1, -7, -8)."""
    db = table.db
    sql = transform_sql(table, options, sources=sources)
    if not db.conn.in_transaction:
        with foreign_key_safe_atomic(db):
            _run(table, sql)
    elif not db.execute("PRAGMA foreign_keys").fetchone()[0]:
        _run(table, sql)
    else:
        _refuse_destructive_inbound_keys(table)
        deferred = bool(db.execute("PRAGMA defer_foreign_keys").fetchone()[0])
        db.execute("PRAGMA defer_foreign_keys=ON;")
        try:
            _run(table, sql)
        finally:
            if not deferred:
                db.execute("PRAGMA defer_foreign_keys=OFF;")


def _run(table: Table, statements: list[str]) -> None:
    with table.db.atomic():
        for statement in statements:
            table.db.execute(statement)


def _refuse_destructive_inbound_keys(table: Table) -> None:
    """L-XFM-8: dropping the old table would fire ON DELETE actions in referencing tables."""
    references = []
    target = fold_identifier_case(table.name)
    for other in table.db.table_names():
        for fk in introspect.foreign_keys(table.db, other):
            action = fk.on_delete.upper()
            if fold_identifier_case(fk.other_table) == target and action in _DESTRUCTIVE_ACTIONS:
                references.append(f"{other}.{', '.join(fk.columns)} (ON DELETE {action})")
    if references:
        raise TransactionError(
            f"Cannot transform table {table.name} while a transaction is open: PRAGMA "
            "foreign_keys cannot be changed inside a transaction, and the table is referenced "
            "by foreign keys with ON DELETE actions that would fire when the old table is "
            f"dropped: {', '.join(references)}. Call transform() outside of the transaction, or "
            'execute "PRAGMA foreign_keys = off" before opening it.'
        )


def transform_sql(
    table: Table,
    options: TransformOptions,
    tmp_suffix: str | None = None,
    sources: Mapping[str, str] | None = None,
) -> list[str]:
    """The statements that rebuild ``table`` per ``options`` (L-XFM-3).

    ``sources`` maps new column names to SQL expressions over the old table that replace the
    plain copy of that column (extract uses it to fill its foreign key in the same pass).
    """
    db = table.db
    if not table.exists():
        raise ValueError("Cannot transform a table that doesn't exist yet")
    if options.foreign_keys is not None:
        if options.add_foreign_keys is not None:
            raise ValueError("Cannot specify both foreign_keys and add_foreign_keys")
        if options.drop_foreign_keys is not None:
            raise ValueError("Cannot specify both foreign_keys and drop_foreign_keys")
    if options.strict and not db.supports_strict:
        raise TransformError("SQLite does not support STRICT tables")
    schema = table.schema
    try:
        parsed = parse_table_constraints(schema)
    except ParseError as error:
        raise TransformError(
            f"Could not parse table schema for table {table.name!r}: {error}"
        ) from error
    plan = _Plan(table, options, parsed)
    fts = fts_transform(table, options.rename, options.drop)  # S-IDX-6
    import secrets  # start-up: only a transform needs it (issue 11)

    new_name = f"{table.name}_new_{tmp_suffix or secrets.token_hex(6)}"
    statements = [plan.create_sql(new_name)]
    statements.append(plan.copy_sql(new_name, sources or {}))
    indexes = plan.index_statements()
    drop_indexes = indexes.dropped_before_swap
    statements.extend(f"DROP INDEX IF EXISTS {quote_identifier(n)};" for n in drop_indexes)
    if options.keep_table:
        statements.extend(
            f"DROP TRIGGER IF EXISTS {quote_identifier(t.name)};" for t in plan.triggers
        )
    legacy = db.execute("PRAGMA legacy_alter_table").fetchone()[0]
    quoted_table, quoted_new = quote_identifier(table.name), quote_identifier(new_name)
    if options.keep_table:
        statements.append("PRAGMA legacy_alter_table=ON;")
        statements.append(
            f"ALTER TABLE {quoted_table} RENAME TO {quote_identifier(options.keep_table)};"
        )
    else:
        statements.append(f"DROP TABLE {quoted_table};")
        statements.append("PRAGMA legacy_alter_table=ON;")
    statements.append(f"ALTER TABLE {quoted_new} RENAME TO {quoted_table};")
    statements.append(f"PRAGMA legacy_alter_table={'ON' if legacy else 'OFF'};")
    statements.extend(plan.sequence_statements())
    statements.extend(indexes.create)
    skip = fts.skip_triggers if fts else set()
    statements.extend(trigger.sql + ";" for trigger in plan.triggers if trigger.name not in skip)
    statements.extend(fts.after if fts else [])
    return statements


@dataclasses.dataclass(frozen=True)
class _GeneratedColumn:
    type: str
    not_null: bool
    clause: str


@dataclasses.dataclass
class _IndexStatements:
    dropped_before_swap: list[str]
    create: list[str]


class _Plan:
    """The new table's shape, worked out from the old schema and the transform options."""

    def __init__(self, table: Table, options: TransformOptions, parsed: TableConstraints):
        self.table = table
        self.db = table.db
        self.options = options
        self.parsed = parsed
        self.old_columns: list[Column] = introspect.table_columns(self.db, table.name)
        all_columns = self.db.execute(
            f"PRAGMA table_xinfo({quote_identifier(table.name)})"
        ).fetchall()
        self.all_old_names = [row[1] for row in all_columns]
        old_names = self.all_old_names
        self.renames = {
            resolve_casing(old, old_names): new for old, new in (options.rename or {}).items()
        }
        self.dropped = {resolve_casing(name, old_names) for name in _names(options.drop)}
        self.kept = [c for c in self.old_columns if c.name not in self.dropped]
        self.new_names = [self.renamed(c.name) for c in self.kept]
        self.new_name_of = {c.name: self.renamed(c.name) for c in self.kept}
        self.strict = table.strict if options.strict is None else bool(options.strict)
        self.types = self._new_types()
        self.generated = self._generated(
            [row for row in all_columns if row[6] in (2, 3) and row[1] not in self.dropped]
        )
        self.order = self._column_order(
            [self.renamed(name) for name in old_names if name not in self.dropped]
        )
        self.pk = self._primary_key()
        self.foreign_keys = self._foreign_keys()
        self.checks = self._checks()
        self.uniques = self._uniques()
        self.triggers = introspect.triggers(self.db, table.name)

    def renamed(self, name: str) -> str:
        return self.renames.get(name, name)

    def new_name(self, name: str) -> str:
        """The new column a ``types``/``not_null``/``defaults``/``column_order`` key means.

        As in the baseline, a key names a column of the old table, so a renamed column may be
        given by its old name; a key that is no old column is read as a new name (L-GEN-3).
        """
        old = resolve_casing(name, self.all_old_names)
        if old in self.all_old_names and old not in self.dropped:
            return self.renamed(old)
        return resolve_casing(name, self.new_names)

    # -- columns --------------------------------------------------------------------

    def _new_types(self) -> dict[str, str]:
        types = {self.renamed(c.name): self._declared_type(c.type) for c in self.kept}
        for name, kind in (self.options.types or {}).items():
            new = self.new_name(name)
            if new in types:
                types[new] = sql_type(kind, strict=self.strict)
        return types

    def _declared_type(self, declared: str) -> str:
        """A kept column's type; STRICT tables only accept their six type names."""
        declared = declared.upper()
        if not self.strict or declared in _STRICT_TYPES:
            return declared
        if not declared:
            return "ANY"
        return sql_type(column_affinity(declared), strict=True)

    def _generated(self, rows: list[Any]) -> dict[str, _GeneratedColumn]:
        """Generated columns (hidden from table_info) with their renamed expressions."""
        parsed = self._per_column(self.parsed.generated)
        result = {}
        for row in rows:
            name = self.renamed(row[1])
            generated = parsed.get(name)
            if generated is None:
                raise TransformError(
                    f"Could not find the expression of generated column {row[1]!r} in table "
                    f"{self.table.name!r}"
                )
            for dropped in self.dropped:
                if references_identifier(generated.expression, dropped):
                    raise TransformError(
                        f"Cannot drop column '{dropped}': it is used by generated column '{row[1]}'"
                    )
            expression = rename_identifiers(generated.expression, self.renames)
            clause = f"GENERATED ALWAYS AS ({expression})"
            if generated.storage:
                clause += f" {generated.storage}"
            result[name] = _GeneratedColumn(self._declared_type(row[2]), bool(row[3]), clause)
        return result

    def _column_order(self, names: list[str]) -> list[str]:
        """Every new column name, generated ones included, with ``column_order`` first."""
        if not self.options.column_order:
            return names
        first = []
        for name in _names(self.options.column_order):
            resolved = self.new_name(name)
            if resolved in names and resolved not in first:
                first.append(resolved)
        return first + [name for name in names if name not in first]

    def _primary_key(self) -> list[str]:
        pk = self.options.pk
        if pk is DEFAULT:
            current = introspect.primary_key_columns(self.old_columns)
            return [self.renamed(c.name) for c in current if c.name not in self.dropped]
        if pk is None:
            return []
        names = [pk] if isinstance(pk, str) else list(pk)
        # A pk is spelled with new names; an old name of a renamed column also works.
        resolved = [resolve_casing(name, self.new_names) for name in names]
        return [n if n in self.new_names else self.new_name(n) for n in resolved]

    def _not_null(self) -> dict[str, bool]:
        flags = {self.renamed(c.name): bool(c.notnull) for c in self.kept}
        option = self.options.not_null
        if option is None:
            return flags
        if isinstance(option, dict):
            updates = option
        elif isinstance(option, (set, frozenset, list, tuple)):
            updates = dict.fromkeys(option, True)
        else:
            raise ValueError(f"not_null must be a dict or a set or None, it was {option!r}")
        for name, flag in updates.items():
            flags[self.new_name(name)] = bool(flag)
        return flags

    def _defaults(self) -> dict[str, str]:
        defaults = {
            self.renamed(c.name): _default_literal(c.default_value)
            for c in self.kept
            if c.default_value is not None
        }
        for name, value in (self.options.defaults or {}).items():
            name = self.new_name(name)
            if value is None:
                defaults.pop(name, None)
            else:
                defaults[name] = self.db.quote_default_value(value)
        return defaults

    # -- constraints --------------------------------------------------------------------

    def _foreign_keys(self) -> list[ForeignKey]:
        options = self.options
        if options.foreign_keys is not None:
            return resolve_foreign_keys(
                self.db, self.table.name, self.new_names, options.foreign_keys
            )
        kept = []
        drops = _names(options.drop_foreign_keys)
        for fk in introspect.foreign_keys(self.db, self.table.name):
            if any(column in self.dropped for column in fk.columns):
                continue
            if any(_drops_foreign_key(drop, fk) for drop in drops):
                continue
            kept.append(self._renamed_foreign_key(fk))
        added = resolve_foreign_keys(
            self.db, self.table.name, self.new_names, options.add_foreign_keys or ()
        )
        for fk in added:
            fk = dataclasses.replace(
                fk,
                columns=tuple(resolve_casing(c, self.new_names) for c in fk.columns),
                column=None if fk.is_compound else resolve_casing(fk.columns[0], self.new_names),
            )
            if fk not in kept:
                kept.append(fk)
        return kept

    def _renamed_foreign_key(self, fk: ForeignKey) -> ForeignKey:
        columns = tuple(self.renamed(c) for c in fk.columns)
        other_columns = fk.other_columns
        if fold_identifier_case(fk.other_table) == fold_identifier_case(self.table.name):
            other_columns = tuple(self.renamed(c) for c in other_columns)
        return dataclasses.replace(
            fk,
            columns=columns,
            other_columns=other_columns,
            column=None if fk.is_compound else columns[0],
            other_column=None if fk.is_compound else other_columns[0],
        )

    def _checks(self) -> list[Check]:
        old_names = self.all_old_names
        result = []
        for check in self.parsed.checks:
            owner = resolve_casing(check.column, old_names) if check.column else ""
            if owner in self.dropped:
                continue
            for dropped in self.dropped:
                if references_identifier(check.check, dropped):
                    raise TransformError(
                        f"Cannot drop column '{dropped}': it is used by CHECK constraint "
                        f"'{check.name or check.check}'"
                    )
            result.append(
                Check(
                    rename_identifiers(check.check, self.renames),
                    check.name,
                    self.renamed(owner) if owner else "",
                )
            )
        return result

    def _uniques(self) -> list[Unique]:
        result = []
        for unique in self.parsed.uniques:
            names = [resolve_casing(c.name, self.all_old_names) for c in unique.columns]
            if any(name in self.dropped for name in names):
                continue
            columns = tuple(
                UniqueColumn(self.renamed(name), c.collation, c.order)
                for name, c in zip(names, unique.columns)
            )
            column = self.renamed(names[0]) if unique.column else ""
            result.append(Unique(columns, unique.name, column, unique.conflict))
        return result

    def _per_column(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Re-key parsed per-column facts (comments, collations) by new column name."""
        result = {}
        for name, value in values.items():
            name = resolve_casing(name, self.all_old_names)
            if name not in self.dropped:
                result[self.renamed(name)] = value
        return result

    def _autoincrement(self) -> str | None:
        column = self.parsed.autoincrement
        if column is None:
            return None
        column = resolve_casing(column, [c.name for c in self.old_columns])
        if column in self.dropped:
            return None
        new = self.renamed(column)
        if self.pk != [new] or self.types[new].upper() != "INTEGER":
            return None
        return new

    # -- statements ------------------------------------------------------------------------

    def create_sql(self, new_name: str) -> str:
        not_null = self._not_null()
        defaults = self._defaults()
        comments = self._per_column(self.parsed.comments)
        collations = self._per_column(self.parsed.collations)
        autoincrement = self._autoincrement()
        single_pk = self.pk[0] if len(self.pk) == 1 else None
        inline_fks: dict[str, ForeignKey] = {}
        compound_fks = []
        for fk in self.foreign_keys:
            if fk.is_compound or len(fk.columns) > 1 or fk.columns[0] in inline_fks:
                compound_fks.append(fk)
            else:
                inline_fks[fk.columns[0]] = fk
        column_uniques = {u.column: u for u in self.uniques if u.column}
        column_checks: dict[str, list[str]] = {}
        for check in self.checks:
            if check.column:
                column_checks.setdefault(check.column, []).append(render_check(check))
        columns = []
        for name in self.order:
            comment = comments.get(name, ColumnComments())
            unique = column_uniques.get(name)
            generated = self.generated.get(name)
            columns.append(
                ColumnDef(
                    name=name,
                    type=generated.type if generated else self.types[name],
                    primary_key=name == single_pk,
                    autoincrement=name == autoincrement,
                    not_null=generated.not_null if generated else not_null.get(name, False),
                    default=defaults.get(name),
                    references=inline_fks.get(name),
                    unique=render_unique(unique) if unique else None,
                    checks=column_checks.get(name, []),
                    comment_before=comment.before,
                    comment_after=comment.after,
                    collation=collations.get(name, ""),
                    generated=generated.clause if generated else "",
                )
            )
        return render_create_table(
            TableDef(
                name=new_name,
                columns=columns,
                compound_foreign_keys=compound_fks,
                uniques=[render_unique(u) for u in self.uniques if not u.column],
                checks=[render_check(c) for c in self.checks if not c.column],
                compound_pk=self.pk if len(self.pk) > 1 else (),
                strict=self.strict and self.db.supports_strict,
                without_rowid=self.parsed.without_rowid,
            )
        ).rstrip(" \n")

    def copy_sql(self, new_name: str, overrides: Mapping[str, str]) -> str:
        """Copy every row, with its rowid unless the table is WITHOUT ROWID."""
        targets = [] if self.parsed.without_rowid else ["rowid"]
        sources = list(targets)
        old_types = {self.renamed(c.name): c.type for c in self.kept}
        old_of = {new: old for old, new in self.new_name_of.items()}
        # Copy in the old table's column order, as the reference does (C-TRANSFORM example).
        for name in (self.renamed(c.name) for c in self.kept):
            if name in self.generated:
                continue
            source = quote_identifier(old_of[name])
            if name in overrides:
                source = overrides[name]
            elif (
                self.types[name].upper() in _NUMERIC_TYPES
                and old_types[name].upper() not in _NUMERIC_TYPES
                and column_affinity(old_types[name]) is str
            ):
                source = f"NULLIF({source}, '')"
            targets.append(name)
            sources.append(source)
        return "INSERT INTO {new} ({targets})\n   SELECT {sources} FROM {old};".format(
            new=quote_identifier(new_name),
            targets=", ".join(quote_identifier(t) for t in targets),
            sources=", ".join(quote_identifier(s) if s == "rowid" else s for s in sources),
            old=quote_identifier(self.table.name),
        )

    def sequence_statements(self) -> list[str]:
        """Carry the AUTOINCREMENT high-water mark over to the new table (L-XFM-5)."""
        if self._autoincrement() is None:
            return []
        if "sqlite_sequence" not in self.db.table_names():
            return []
        row = self.db.execute(
            "SELECT seq FROM sqlite_sequence WHERE name = ?", [self.table.name]
        ).fetchone()
        if row is None:
            return []
        name = self.table.name.replace("'", "''")
        return [
            f"UPDATE sqlite_sequence SET seq = MAX(seq, {row[0]}) WHERE name = '{name}';",
            f"INSERT INTO sqlite_sequence (name, seq) SELECT '{name}', {row[0]} WHERE NOT EXISTS "
            f"(SELECT 1 FROM sqlite_sequence WHERE name = '{name}');",
        ]

    def index_statements(self) -> _IndexStatements:
        """Which indexes to drop before the swap and how to recreate each one (L-XFM-6)."""
        dropped_before_swap, create = [], []
        sql_by_name = dict(
            self.db.execute(
                "select name, sql from sqlite_master where type = 'index' and tbl_name = ?",
                [self.table.name],
            ).fetchall()
        )
        creation_order = {name: position for position, name in enumerate(sql_by_name)}
        changed = set(self.renames) | self.dropped
        indexes = self.table.indexes
        for index in sorted(indexes, key=lambda i: creation_order.get(i.name, len(indexes))):
            sql = sql_by_name.get(index.name)
            if sql is None:
                if index.origin in ("u", "pk"):
                    continue
                raise TransformError(
                    f"Index '{index.name}' on table '{self.table.name}' does not have a CREATE "
                    f"INDEX statement. {_TAIL}"
                )
            affected = self._index_is_affected(index, sql, changed)
            if affected or self.options.keep_table:
                dropped_before_swap.append(index.name)
            create.append(self._rebuilt_index(index) if affected else sql)
        return _IndexStatements(dropped_before_swap, create)

    def _index_is_affected(self, index: Index, sql: str, changed: set[str]) -> bool:
        if not changed:
            return False
        columns_sql = _after_first_paren(sql)
        uses_changed = any(references_identifier(columns_sql, name) for name in changed)
        if (index.partial or _is_expression_index(self.db, index.name)) and uses_changed:
            raise TransformError(
                f"Index '{index.name}' is a partial or expression index, so it cannot be safely "
                f"recreated while columns are renamed or dropped. {_TAIL} The original index sql "
                f"statement is: `{sql}`. No changes have been applied to this table."
            )
        for column in index.columns:
            if column in self.dropped:
                raise TransformError(
                    f"Index '{index.name}' column '{column}' is not in updated table "
                    f"'{self.table.name}'. {_TAIL} The original index sql statement is: "
                    f"`{sql}`. No changes have been applied to this table."
                )
        return any(column in self.renames for column in index.columns)

    def _rebuilt_index(self, index: Index) -> str:
        """``CREATE [UNIQUE ]INDEX "n" ON "t" ("c"[ COLLATE "x"][ DESC], …)`` from PRAGMA data."""
        parts = []
        for column in self.db.execute(
            f"PRAGMA index_xinfo({quote_identifier(index.name)})"
        ).fetchall():
            _seqno, _cid, name, desc, collation, key = column
            if not key:
                continue
            text = quote_identifier(self.renamed(name))
            if collation and collation.upper() != "BINARY":
                text += f" COLLATE {quote_identifier(collation)}"
            if desc:
                text += " DESC"
            parts.append(text)
        return "CREATE {unique}INDEX {name} ON {table} ({columns})".format(
            unique="UNIQUE " if index.unique else "",
            name=quote_identifier(index.name),
            table=quote_identifier(self.table.name),
            columns=", ".join(parts),
        )


def _names(value: Any) -> list[Any]:
    """A collection argument as a list; a lone string counts as one name, not characters."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _drops_foreign_key(drop: Any, fk: ForeignKey) -> bool:
    """``"c"`` drops every key containing c; a tuple drops the key with exactly those columns."""
    folded = [fold_identifier_case(c) for c in fk.columns]
    if isinstance(drop, (tuple, list)):
        return [fold_identifier_case(c) for c in drop] == folded
    return fold_identifier_case(drop) in folded


def _default_literal(text: str) -> str:
    """An existing ``dflt_value`` as a DEFAULT clause: literals verbatim, expressions wrapped."""
    return text if _LITERAL_DEFAULT.match(text.strip()) else f"({text})"


def _is_expression_index(db: Any, name: str) -> bool:
    rows = db.execute(f"PRAGMA index_xinfo({quote_identifier(name)})").fetchall()
    return any(row[1] == -2 for row in rows)


def _after_first_paren(sql: str) -> str:
    """The part of a CREATE INDEX statement after ``ON t (``: its columns and WHERE clause."""
    for token in tokenize(sql):
        if token.is_punct("("):
            return sql[token.end :]
    return sql
