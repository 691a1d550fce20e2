"""The library's load engine and the ``insert``/``upsert`` commands give the same tables, rows
and errors on the same input (issue 14; C-INSERT, C-UPSERT, I-2, I-3, I-4, L-IMP-7).

Each case is loaded three ways where they apply: through ``datamill.load.Loader`` over an
``io`` reader, through the CLI, and (for dict records) through ``Table.insert_all`` or
``upsert_all``. Errors must carry the same row, column and message on every path.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from datamill import Database
from datamill.cli import cli
from datamill.io.csv_reader import CsvReader
from datamill.io.json_reader import JsonReader, NdjsonReader
from datamill.load import Loader, LoadError, LoadSettings

NOT_NULL_TABLE = "create table t (id integer primary key, name text not null, height integer)"


def double(row: dict[str, Any]) -> None:
    row["double"] = int(row["n"]) * 2


@dataclasses.dataclass
class Case:
    id: str
    text: str
    cli: list[str]
    reader: str  # csv, tsv, json, nl or code
    settings: dict[str, Any] = dataclasses.field(default_factory=dict)
    setup: str | None = None
    convert: Callable[[Any], Any] | None = None
    code_rows: list[dict[str, Any]] | None = None
    error: str | None = None  # the expected CLI error line, without "Error: "


CASES = [
    Case(
        "csv-with-types",
        "id,name,height,code,empty\n1,Fern,1.5,007,\n2,Sage,2,010,\n",
        ["--csv"],
        "csv",
    ),
    Case("tsv", "id\tname\n1\tFern\n2\tSage\n", ["--tsv"], "tsv"),
    Case(
        "json-array",
        json.dumps([{"id": 1, "tags": ["a"]}, {"id": 2, "x": 1.5, "nested": {"a": 1}}]),
        [],
        "json",
    ),
    Case("ndjson", '{"id": 1, "a": "x"}\n\n{"id": 2, "b": true}\n', ["--nl"], "nl"),
    Case(
        "upsert-not-null-column-omitted",
        json.dumps([{"id": 1, "height": 41}, {"id": 2, "name": "Sage"}, {"id": 1, "name": "F"}]),
        ["--pk", "id"],
        "json",
        settings={"upsert": True, "pk": ("id",)},
        setup=NOT_NULL_TABLE + "; insert into t values (1, 'Fern', 40)",
    ),
    Case(
        "upsert-not-null-new-key-fails",
        json.dumps([{"id": 1, "height": 43}, {"id": 3, "height": 5}]),
        ["--pk", "id"],
        "json",
        settings={"upsert": True, "pk": ("id",)},
        setup=NOT_NULL_TABLE + "; insert into t values (1, 'Fern', 40)",
        error='NOT NULL constraint failed: t.name (input row 2, line 1, column "name")',
    ),
    Case(
        "upsert-csv-omitting-not-null",
        "id,height\n1,42\n",
        ["--csv", "--pk", "id"],
        "csv",
        settings={"upsert": True, "pk": ("id",)},
        setup=NOT_NULL_TABLE + "; insert into t values (1, 'Fern', 40)",
    ),
    Case(
        "batch-size-commits-before-a-failing-row",
        "id,v\n1,a\n2,b\n3,c\n4,d\n3,e\n6,f\n",
        ["--csv", "--pk", "id", "--batch-size", "2"],
        "csv",
        settings={"pk": ("id",), "batch_size": 2},
        error='UNIQUE constraint failed: t.id (input row 5, line 6, column "id")',
    ),
    Case(
        "failing-row-mid-stream-keeps-nothing",
        "id,v\n1,a\n2,b\n3,c\n2,d\n",
        ["--csv", "--pk", "id"],
        "csv",
        settings={"pk": ("id",)},
        error='UNIQUE constraint failed: t.id (input row 4, line 5, column "id")',
    ),
    Case(
        "json-failing-row-mid-stream",
        json.dumps([{"id": 1}, {"id": 2}, {"id": 1}]),
        ["--pk", "id"],
        "json",
        settings={"pk": ("id",)},
        error='UNIQUE constraint failed: t.id (input row 3, line 1, column "id")',
    ),
    Case(
        "widening-integer-real-text",
        "n,m\n1,1\n2,2\n2.5,3\n3.0,4\nabc,5\n",
        ["--csv", "--batch-size", "2"],
        "csv",
        settings={"batch_size": 2},
    ),
    Case(
        "convert",
        "n\n1\n2\n",
        ["--csv", "--convert", 'row["double"] = int(row["n"]) * 2'],
        "csv",
        convert=double,
    ),
    Case(
        "code-records",
        "",
        ["--code", 'rows = [{"id": 1}, {"id": 2, "x": "y"}]'],
        "code",
        code_rows=[{"id": 1}, {"id": 2, "x": "y"}],
    ),
]


def dump(path: Path) -> tuple[list[Any], list[Any], list[Any]]:
    """The schema, rows and per-value storage classes of table t (empty when it is missing)."""
    conn = sqlite3.connect(path)
    try:
        schema = conn.execute("select sql from sqlite_master where name = 't'").fetchall()
        if not schema:
            return schema, [], []
        columns = [row[1] for row in conn.execute("pragma table_info(t)")]
        types = ", ".join(f'typeof("{column}")' for column in columns)
        rows = conn.execute("select * from t order by rowid").fetchall()
        storage = conn.execute(f"select {types} from t order by rowid").fetchall()
        return schema, rows, storage
    finally:
        conn.close()


def fresh(path: Path, case: Case) -> Path:
    conn = sqlite3.connect(path)
    if case.setup:
        conn.executescript(case.setup)
    conn.commit()
    conn.close()
    return path


def through_cli(case: Case, tmp_path: Path) -> tuple[Any, str | None]:
    db = fresh(tmp_path / "cli.db", case)
    command = "upsert" if case.settings.get("upsert") else "insert"
    file = [] if case.reader == "code" else [str(tmp_path / "input")]
    result = CliRunner().invoke(cli, [command, str(db), "t", *file, "--silent", *case.cli])
    error = None
    if result.exit_code:
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1
        error = result.stderr[len("Error: ") : -1]
    return dump(db), error


def through_loader(case: Case, tmp_path: Path) -> tuple[Any, str | None]:
    path = fresh(tmp_path / "library.db", case)
    db = Database(path)
    loader = Loader(db, LoadSettings(table="t", **case.settings), source="input")
    error = None
    try:
        if case.reader == "code":
            loader.load_rows(case.code_rows)
        else:
            with open(tmp_path / "input", "rb") as stream:
                reader: Any = {
                    "csv": lambda: CsvReader(stream, "excel"),
                    "tsv": lambda: CsvReader(stream, csv.excel_tab),
                    "json": lambda: JsonReader(stream),
                    "nl": lambda: NdjsonReader(stream),
                }[case.reader]()
                loader.load_reader(reader, case.convert)
    except LoadError as failure:
        error = str(failure)
        assert case.error is not None
        assert failure.message == case.error.split(" (input row")[0]
        assert failure.source == "input"
        assert f"input row {failure.row_number}, line {failure.line}" in case.error
    finally:
        db.close()
    return dump(path), error


def through_table(case: Case, tmp_path: Path) -> tuple[Any, tuple[Any, ...] | None]:
    """``Table.insert_all``/``upsert_all`` on the same records; errors as (row, column)."""
    path = fresh(tmp_path / "table.db", case)
    db = Database(path)
    records = case.code_rows
    if records is None:
        text = (tmp_path / "input").read_text()
        records = (
            json.loads(text)
            if case.reader == "json"
            else [json.loads(line) for line in text.splitlines() if line.strip()]
        )
    table = db.table("t")
    pk = case.settings.get("pk")
    method = table.upsert_all if case.settings.get("upsert") else table.insert_all
    error = None
    try:
        method(records, pk=pk[0] if pk else None)
    except sqlite3.Error as failure:
        error = (failure.row_number, failure.column, failure.base_message)
    finally:
        db.close()
    return dump(path), error


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_library_and_cli_load_the_same(case, tmp_path):
    (tmp_path / "input").write_text(case.text)
    before = dump(fresh(tmp_path / "before.db", case))
    cli_tables, cli_error = through_cli(case, tmp_path)
    library_tables, library_error = through_loader(case, tmp_path)
    assert cli_error == case.error
    assert library_error == case.error
    assert library_tables == cli_tables
    if case.error and "batch_size" not in case.settings:
        assert cli_tables == before  # I-3: one transaction, nothing kept
    if case.reader in ("json", "nl", "code") and case.convert is None:
        table_tables, table_error = through_table(case, tmp_path)
        assert table_tables == cli_tables
        if case.error:
            row = int(case.error.split("input row ")[1].split(",")[0])
            assert table_error == (
                row,
                "id" if "UNIQUE" in case.error else "name",
                case.error.split(" (")[0],
            )
        else:
            assert table_error is None


def test_widening_keeps_every_value(tmp_path):
    """I-2: INTEGER -> REAL -> TEXT across committed batches loses nothing."""
    (tmp_path / "input").write_text("n\n1\n2\n2.5\n3.0\nabc\n")
    case = Case("w", "", ["--csv", "--batch-size", "2"], "csv", settings={"batch_size": 2})
    (schema,), rows, storage = through_loader(case, tmp_path)[0]
    assert '"n" TEXT' in schema[0]
    assert storage == [("text",)] * 5
    # the REALs keep their REAL text form ("3.0", not "3") once the column turns TEXT
    assert rows == [("1.0",), ("2.0",), ("2.5",), ("3.0",), ("abc",)]


def test_upsert_all_sets_only_each_records_keys():
    """L-IMP-7: records with different key sets in one call update just their own columns."""
    db = Database(memory=True)
    db.table("t").insert({"id": 1, "a": 1, "b": 2}, pk="id")
    db.table("t").upsert_all([{"id": 1, "a": 5}, {"id": 1, "b": 7}, {"id": 2, "b": 3}], pk="id")
    assert db.execute("select * from t order by id").fetchall() == [(1, 5, 7), (2, None, 3)]
