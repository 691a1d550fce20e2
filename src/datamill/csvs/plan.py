"""What a run will write, worked out and checked before anything is written (CS-3, CS-4, CS-9).

Each input becomes a ``Source`` (its header, the cells kept and their database names); inputs
sharing a table form a ``TablePlan`` whose columns are the union of theirs (``-t``), followed
by the added columns (``--filename-column``, ``--fixed-column*``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from datamill.core.database import Database
from datamill.csvs.errors import CsvsError, EncodingError
from datamill.csvs.inputs import Input, unique_names
from datamill.csvs.options import CsvsOptions, dialect_params
from datamill.csvs.reader import open_csv


@dataclass
class Source:
    """One input: ``keep`` are the indexes of the CSV cells written, named ``columns``."""

    item: Input
    table: str
    derived_name: str
    encoding: str
    keep: list[int]
    columns: list[str]
    added: list[tuple[str, Any]] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # every name of the header row
    fallback: bool = False  # not valid UTF-8: read as latin-1 (CS-5)

    def fall_back(self) -> None:
        """Read the input as latin-1 from now on (it is not valid UTF-8)."""
        self.encoding, self.fallback = "latin-1", True


@dataclass
class TablePlan:
    """One output table, the inputs written to it, and whether this run creates it."""

    name: str
    sources: list[Source] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    creates: bool = True

    def has(self, column: str) -> bool:
        return column.lower() in {c.lower() for c in self.columns}


def _fold(names: list[str]) -> set[str]:
    return {name.lower() for name in names}


def _added_columns(options: CsvsOptions, derived_name: str) -> list[tuple[str, Any]]:
    added: list[tuple[str, Any]] = []
    if options.filename_column:
        added.append((options.filename_column, derived_name))
    added.extend(options.fixed_columns)
    return added


def _header(item: Input, encoding: str, params: dict[str, Any]) -> list[str]:
    with open_csv(item, encoding, params) as reader:
        return reader.columns


def read_sources(inputs: list[Input], options: CsvsOptions) -> list[Source]:
    """Each input's header, with ``--shape`` applied (CS-4).

    Without ``--encoding`` an input is read as UTF-8; one whose header (or first chunk) does
    not decode falls back to latin-1 here, any other while it loads (CS-5).
    """
    names = unique_names([item.name for item in inputs])
    params = dialect_params(options.separator, options.quoting)
    sources = []
    for item, name in zip(inputs, names):
        encoding = options.encoding or "utf-8"
        try:
            header = _header(item, encoding, params)
        except EncodingError:
            if options.encoding:
                raise
            encoding = "latin-1"
            header = _header(item, encoding, params)
        keep, columns = list(range(len(header))), list(header)
        if options.shape is not None:
            positions = []
            for entry in options.shape:
                if entry.source not in header:
                    raise CsvsError(
                        f'--shape column "{entry.source}" does not exist in {item.label}'
                    )
                positions.append((header.index(entry.source), entry.name))
            positions.sort()
            keep = [index for index, _ in positions]
            columns = [column for _, column in positions]
        sources.append(
            Source(
                item,
                options.table or name,
                name,
                encoding,
                keep,
                columns,
                _added_columns(options, name),
                header=header,
                fallback=encoding != (options.encoding or "utf-8"),
            )
        )
    return sources


def plan_tables(db: Database, sources: list[Source], options: CsvsOptions) -> list[TablePlan]:
    """Group the sources by table and check every option against them (CS-9)."""
    plans: dict[str, TablePlan] = {}
    views = _fold(db.view_names())
    for source in sources:
        plan = plans.setdefault(source.table.lower(), TablePlan(source.table))
        plan.sources.append(source)
        have = _fold(plan.columns)
        for column in [*source.columns, *(name for name, _ in source.added)]:
            if column.lower() not in have:
                plan.columns.append(column)
                have.add(column.lower())
    for plan in plans.values():
        if plan.name.lower() in views:
            raise CsvsError(f"Table {plan.name} is actually a view")
        plan.creates = options.replace_tables or not db.table(plan.name).exists()
    _check_columns(db, list(plans.values()), options)
    return list(plans.values())


def _check_columns(db: Database, plans: list[TablePlan], options: CsvsOptions) -> None:
    everywhere = set().union(*(_fold(plan.columns) for plan in plans)) if plans else set()
    for plan in plans:
        if plan.creates:
            for column in options.fts:
                if not plan.has(column):
                    raise CsvsError(f'FTS column "{column}" does not exist')
            missing = [column for column in options.primary_key if not plan.has(column)]
            if missing:
                raise CsvsError(
                    f"Invalid primary key column {missing} for table {plan.name} "
                    f"with columns {plan.columns}"
                )
        else:
            have = _fold([column.name for column in db.table(plan.name).columns])
            for source in plan.sources:
                for column in [*source.columns, *(name for name, _ in source.added)]:
                    if column.lower() not in have:
                        raise CsvsError(
                            f"table {plan.name} has no column named {column} "
                            f"({source.item.label}) - use --replace-tables to recreate it"
                        )
    checks = [
        ("Extract", [extract.column for extract in options.extract]),
        ("Index", [column for spec in options.index for column in spec]),
        ("Date", [*options.date, *options.datetime]),
    ]
    for kind, columns in checks:
        for column in columns:
            if column.lower() not in everywhere:
                raise CsvsError(f'{kind} column "{column}" does not exist')
    for extract in options.extract:
        lookup = db.table(extract.table)
        if lookup.exists():
            have = _fold([column.name for column in lookup.columns])
            for column in ("id", extract.value_column):
                if column.lower() not in have:
                    raise CsvsError(f'Lookup table "{extract.table}" has no column "{column}"')
