"""Rewriting column values with a Python function, ``Table.convert`` (L-CONV)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from datamill.core.errors import BadMultiValues
from datamill.core.identifiers import fold_identifier_case, quote_identifier, resolve_casing
from datamill.core.row_errors import annotate
from datamill.core.sqlite import sqlite3
from datamill.core.types import suggest_column_types
from datamill.core.values import jsonify_if_needed
from datamill.io.progress import progressbar

if TYPE_CHECKING:
    from datamill.core.table import Table


def convert(
    table: Table,
    columns: str | list[str],
    fn: Callable[[Any], Any],
    output: str | None = None,
    output_type: Any = None,
    drop: bool = False,
    multi: bool = False,
    where: str | None = None,
    where_args: Any = None,
    show_progress: bool = False,
) -> None:
    """Apply ``fn`` to each value of ``columns``, in one transaction."""
    names = [c.name for c in table.columns]
    if isinstance(columns, str):
        columns = [columns]
    columns = [resolve_casing(column, names) for column in columns]
    if multi:
        _convert_multi(table, columns[0], fn, drop, where, where_args, show_progress)
        return
    if output is not None:
        if len(columns) != 1:
            raise ValueError("output= can only be used with a single column")
        output = resolve_casing(output, names)
    tracker = _CallTracker(fn, columns)
    fn_name = fn.__name__
    if fn_name == "<lambda>":
        fn_name = f"lambda_{abs(hash(fn))}"
    db = table.db
    count = table.count_where(where, where_args) * len(columns) if show_progress else 0
    with progressbar(length=count, silent=not show_progress) as bar:
        tracker.bar = bar
        db.register_function(tracker, name=fn_name, replace=True)
        targets = [output] if output is not None else columns
        sets = ", ".join(
            f"{quote_identifier(target)} = {fn_name}({quote_identifier(source)})"
            for target, source in zip(targets, columns)
        )
        sql = f"update {quote_identifier(table.name)} set {sets}"
        if where is not None:
            sql += f" where {where}"
        with db.atomic():
            if output is not None and output not in names:
                table.add_column(output, output_type or str)
            try:
                db.execute(sql + ";", where_args or [])
            except sqlite3.OperationalError as error:
                if tracker.error is None:
                    raise
                # SQLite's own error, as the baseline raises it, naming the row and column;
                # the function's exception is its cause (L-IMP-4, L-FUNC-3).
                row, column = tracker.position()
                raise annotate(error, row, column) from tracker.error
            if drop:
                table.transform(drop=set(columns))


class _CallTracker:
    """Wraps the user's function: encodes results, counts calls and keeps the first error."""

    def __init__(self, fn: Callable[[Any], Any], columns: list[str]) -> None:
        self.fn = fn
        self.columns = columns
        self.calls = 0
        self.error: BaseException | None = None
        self.bar: Any = None

    def __call__(self, value: Any) -> Any:
        self.calls += 1
        if self.bar is not None:
            self.bar.update(1)
        try:
            return jsonify_if_needed(self.fn(value))
        except Exception as error:
            self.error = error
            raise

    def position(self) -> tuple[int, str]:
        """The row (by scan position) and column of the latest call; SQLite calls the
        function once per column, in order, for each row."""
        index = self.calls - 1
        return index // len(self.columns) + 1, self.columns[index % len(self.columns)]


def _convert_multi(
    table: Table,
    column: str,
    fn: Callable[[Any], Any],
    drop: bool,
    where: str | None,
    where_args: Any,
    show_progress: bool,
) -> None:
    """``multi=True``: each returned dict's keys become columns (L-CONV-3)."""
    pks = table.pks
    select = ", ".join(
        ["rowid" if pk == "rowid" else quote_identifier(pk) for pk in pks]
        + [quote_identifier(column)]
    )
    sql = f"select {select} from {quote_identifier(table.name)}"
    if where is not None:
        sql += f" where {where}"
    db = table.db
    with db.atomic():
        updates = []
        rows = db.execute(sql, where_args or []).fetchall()
        with progressbar(length=len(rows), label="1: Evaluating", silent=not show_progress) as bar:
            for position, row in enumerate(rows, start=1):
                bar.update(1)
                try:
                    result = fn(row[-1])
                except Exception as error:
                    raise annotate(error, position, column) from error
                if result is None:
                    continue
                if not isinstance(result, dict):
                    raise BadMultiValues(result, position, column)
                pk = row[0] if len(pks) == 1 else tuple(row[:-1])
                updates.append((pk, result))
        new_types = suggest_column_types(result for _, result in updates)
        existing = {fold_identifier_case(c.name) for c in table.columns}
        for name, kind in new_types.items():
            if fold_identifier_case(name) not in existing:
                table.add_column(name, kind)
        where_pk = " and ".join(
            f"{'rowid' if pk == 'rowid' else quote_identifier(pk)} = ?" for pk in pks
        )
        with progressbar(length=len(updates), label="2: Updating", silent=not show_progress) as bar:
            for pk, result in updates:
                if result:
                    sets = ", ".join(f"{quote_identifier(key)} = ?" for key in result)
                    key = list(pk) if isinstance(pk, tuple) else [pk]
                    db.execute(
                        f"update {quote_identifier(table.name)} set {sets} where {where_pk}",
                        [jsonify_if_needed(v) for v in result.values()] + key,
                    )
                bar.update(1)
        if drop:
            table.transform(drop={column})
