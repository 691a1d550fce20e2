"""One import: plan and check, then create the tables, stream the rows, run the query (IDB)."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator, Sequence

import sqlalchemy as sa

from datamill.core.database import Database
from datamill.core.foreign_keys import index_foreign_keys
from datamill.core.identifiers import fold_identifier_case, quote_identifier
from datamill.core.insert import InsertOptions, RowListWriter
from datamill.core.models import ForeignKey
from datamill.core.types import types_for_column_types
from datamill.importdb import rows, typemap, values
from datamill.importdb.errors import ImportDbError
from datamill.importdb.options import ImportOptions
from datamill.importdb.reflect import SourceTable, check_case, plan, reflect_table
from datamill.importdb.report import Reporter
from datamill.importdb.source import Source, open_source
from datamill.importdb.target import Target, carried_foreign_keys, create_table_sql, describe

#: Rows per INSERT statement on the SQLite side.
ROWS_PER_STATEMENT = 1000


def run(connection: str, db: Database, options: ImportOptions, reporter: Reporter) -> None:
    """Copy what ``options`` asks for from ``connection`` into ``db``: all of it or nothing."""
    with open_source(connection, _database_file(db), options.postgres_schema) as source:
        inspector = sa.inspect(source.connection)
        names = plan(source, inspector, options)
        skip = set(options.skip)
        copied = [name for name in names if name not in skip]
        outputs = [*copied, *([options.output] if options.output else [])]
        check_case(outputs, "Table")
        tables = [reflect_table(source, inspector, name, options) for name in copied]
        _check_redact(options, tables)
        target = Target(db)
        for name in outputs:
            target.check_not_view(name)
        if not options.replace_tables:
            for table in tables:
                if target.existing(table.name):
                    target.check_columns(table.name, [c.name for c in table.columns])
        with _load_transaction(db):
            written = {fold_identifier_case(name) for name in outputs}
            added = _create_tables(db, target, source, tables, written, options)
            by_name = {table.name: table for table in tables}
            for number, name in enumerate(names, start=1):
                reporter.table(number, len(names), name)
                if name in by_name:
                    _copy_table(source, db, by_name[name], options, reporter)
                else:
                    reporter.skipping()
            reporter.foreign_keys([describe(fk) for fk in added])
            if options.sql:
                _copy_query(source, db, target, [t.name for t in tables], options, reporter)
            if options.index_fks:
                spelled = {fold_identifier_case(name): name for name in db.table_names()}
                index_foreign_keys(db, [spelled[fold_identifier_case(n)] for n in outputs])


def _database_file(db: Database) -> str | None:
    for _, name, path in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return path or None
    return None


def _check_redact(options: ImportOptions, tables: Sequence[SourceTable]) -> None:
    """Every ``--redact`` pair must name a copied table and one of its columns (IDB-FIX-5)."""
    columns = {table.name: {c.name for c in table.columns} for table in tables}
    for table, column in options.redact:
        if table not in columns:
            raise ImportDbError(f'--redact table "{table}" is not being copied')
        if column not in columns[table]:
            raise ImportDbError(f'--redact column "{column}" does not exist in table "{table}"')


@contextlib.contextmanager
def _load_transaction(db: Database) -> Iterator[None]:
    """One transaction with foreign-key enforcement off, restored afterwards (IDB-7)."""
    enforced = db.execute("PRAGMA foreign_keys").fetchone()[0]
    db.execute("PRAGMA foreign_keys = OFF")
    try:
        with db.atomic():
            yield
    finally:
        if enforced:
            db.execute("PRAGMA foreign_keys = ON")


def _create_tables(
    db: Database,
    target: Target,
    source: Source,
    tables: Sequence[SourceTable],
    written: set[str],
    options: ImportOptions,
) -> list[ForeignKey]:
    """Create the output tables before any row arrives; returns the foreign keys declared.

    An existing table is kept as it is, or with ``--replace-tables`` dropped and recreated.
    """
    declared = []
    for table in tables:
        existing = target.existing(table.name)
        if existing and not options.replace_tables:
            continue
        if existing:
            db.execute(f"DROP TABLE {quote_identifier(existing)}")
        redacted = {column for name, column in options.redact if name == table.name}
        fks = carried_foreign_keys(table, written, target, source.schema, redacted)
        db.execute(create_table_sql(table, fks))
        declared.extend(fks)
    return declared


def _copy_table(
    source: Source, db: Database, table: SourceTable, options: ImportOptions, reporter: Reporter
) -> None:
    """Stream one table's rows, in key order, into its output table (INSERT OR REPLACE)."""
    names = [column.name for column in table.columns]
    redacted = {column for name, column in options.redact if name == table.name}
    converters: list[rows.Converter | None] = [
        values.redact
        if column.name in redacted
        else values.ValueConverter(_decimals(column.type, options))
        if column.converts
        else None
        for column in table.columns
    ]
    relation = source.qualified(table.name)
    context = f" (table {table.name})"
    select = f"SELECT {', '.join(map(source.quote, names))} FROM {relation}"
    if table.pk:
        select += f" ORDER BY {', '.join(map(source.quote, table.pk))}"
    total = None
    if reporter.bar:
        count = f"SELECT count(*) FROM {relation}"
        total = rows.read(lambda: source.connection.exec_driver_sql(count).scalar(), context)
    _, batches = rows.stream(source, select, context)
    writer = RowListWriter(db.table(table.name), names, _insert_options(replace=True))

    def locate(row: int, column: str | None) -> str:
        return f"table {table.name}, row {row}" + (f', column "{column}"' if column else "")

    with reporter.rows(total) as advance:
        rows.write(writer, rows.converted(batches, converters), locate, advance)
    _warn_rounded(reporter, table.name, names, converters)


def _copy_query(
    source: Source,
    db: Database,
    target: Target,
    copied: Sequence[str],
    options: ImportOptions,
    reporter: Reporter,
) -> None:
    """Run ``--sql`` once into ``--output``, typed from the first batch (IDB-6)."""
    output = options.output or ""
    header, batches = rows.stream(source, options.sql or "")
    check_case(header, "Column", " in the --sql result")
    for name in header:
        if header.count(name) > 1:
            raise ImportDbError(f'Column "{name}" appears more than once in the --sql result')
    for column in options.pk:
        if column not in header:
            raise ImportDbError(f'--pk column "{column}" is not in the --sql result')
    converters = [values.ValueConverter(_decimals("", options)) for _ in header]
    batches = rows.converted(batches, converters)
    first = next(batches, [])
    existing = target.existing(output)
    just_copied = fold_identifier_case(output) in {fold_identifier_case(n) for n in copied}
    if existing and options.replace_tables and not just_copied:
        db.execute(f"DROP TABLE {quote_identifier(existing)}")
    if db.table(output).exists():
        target.check_columns(output, header)
    else:
        seen: dict[str, set[type]] = {name: set() for name in header}
        for row in first:
            for name, value in zip(header, row):
                seen[name].add(type(value))
        pk = options.pk[0] if len(options.pk) == 1 else tuple(options.pk) or None
        db.table(output).create(types_for_column_types(seen), pk=pk)
    writer = RowListWriter(db.table(output), header, _insert_options(replace=False))

    def locate(row: int, column: str | None) -> str:
        return f"query row {row}"

    rows.write(writer, itertools.chain([first], batches), locate, lambda n: None)
    _warn_rounded(reporter, output, header, converters)


def _decimals(declared: str, options: ImportOptions) -> str:
    """What a Decimal becomes in a column declared ``declared`` (IDB-4)."""
    if declared == typemap.INTEGER:
        return "int"
    return "text" if options.numeric_text else "float"


def _insert_options(replace: bool) -> InsertOptions:
    return InsertOptions(replace=replace, batch_size=ROWS_PER_STATEMENT, batch_size_explicit=True)


def _warn_rounded(
    reporter: Reporter, table: str, names: Sequence[str], converters: Sequence[object]
) -> None:
    for name, converter in zip(names, converters):
        if isinstance(converter, values.ValueConverter) and converter.rounded:
            reporter.warning(values.rounding_warning(f"{table}.{name}", converter.rounded))
