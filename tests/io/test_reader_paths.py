"""The same file read by every path: insert --csv, diff and history (issue 14, O-INPUT, DF-IN-3,
HI-4, HI-9, O-DETECT).

Each case is one file. ``insert`` loads it into a table, ``diff`` compares a header-only file
with it (every row comes out as added, with the values diff read), and ``history`` imports one
commit of it. The rows, the detected types and the error lines must agree.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess

import pytest
from click.testing import CliRunner

from datamill.cli import cli

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Ada",
    "GIT_AUTHOR_EMAIL": "ada@example.org",
    "GIT_COMMITTER_NAME": "Ada",
    "GIT_COMMITTER_EMAIL": "ada@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _table(db, table):
    with sqlite3.connect(db) as conn:
        columns = conn.execute(f"select name, type from pragma_table_info('{table}')").fetchall()
        values = conn.execute(f'select * from "{table}" order by rowid').fetchall()
    return columns, values


class Paths:
    """Reads one file's bytes through each path; returns rows, types or the error text."""

    def __init__(self, tmp_path, data: bytes, name: str = "case.csv") -> None:
        self.tmp = tmp_path
        self.name = name
        self.runs = 0
        (tmp_path / name).write_bytes(data)

    def _database(self):
        self.runs += 1
        return self.tmp / f"run{self.runs}.db"

    def insert(self, *options):
        db = self._database()
        code, _, err = _run("insert", db, "t", self.tmp / self.name, "--csv", *options)
        if code:
            return err
        columns, values = _table(db, "t")
        names = [name for name, _ in columns]
        return [dict(zip(names, row)) for row in values], dict(columns)

    def diff(self, *options):
        empty = self.tmp / "empty.csv"
        empty.write_text("id\n")
        code, out, err = _run(
            "diff", empty, self.tmp / self.name, "--key", "id", "--json", *options
        )
        if code:
            return err
        return json.loads(out)["added"]

    def history(self, *options):
        repo = self.tmp / "repo"
        if not repo.exists():
            repo.mkdir()
            env = {**os.environ, **GIT_ENV}
            for args in (
                ["init", "-q", "-b", "main"],
                ["add", self.name],
                ["commit", "-q", "-m", "v1"],
            ):
                (repo / self.name).write_bytes((self.tmp / self.name).read_bytes())
                subprocess.run(["git", *args], cwd=repo, env=env, check=True)
        db = self._database()
        code, _, err = _run(
            "history", db, self.name, "--repo", repo, "--id", "id", "--csv", "--detect-types",
            "--silent", *options,
        )  # fmt: skip
        if code:
            return err
        columns, values = _table(db, "item")
        data = [(name, kind) for name, kind in columns if not name.startswith("_")]
        names = [name for name, _ in columns]
        rows = [
            {name: value for name, value in zip(names, row) if not name.startswith("_")}
            for row in values
        ]
        return rows, dict(data)


def test_a_utf8_bom_is_not_part_of_the_first_column_name(tmp_path):
    paths = Paths(tmp_path, b"\xef\xbb\xbfid,v\n1,a\n")
    assert paths.insert() == ([{"id": 1, "v": "a"}], {"id": "INTEGER", "v": "TEXT"})
    assert paths.diff() == [{"id": "1", "v": "a"}]
    assert paths.history() == ([{"id": 1, "v": "a"}], {"id": "INTEGER", "v": "TEXT"})


def test_a_no_break_space_before_digits_is_text_everywhere(tmp_path):
    """O-DETECT strips ASCII whitespace only: ``\\xa012`` is not a number."""
    paths = Paths(tmp_path, "id,v\n1,\xa012\n2,5\n".encode())
    rows = [{"id": 1, "v": "\xa012"}, {"id": 2, "v": "5"}]
    assert paths.insert() == (rows, {"id": "INTEGER", "v": "TEXT"})
    assert paths.history() == (rows, {"id": "INTEGER", "v": "TEXT"})
    assert paths.diff() == [{"id": "1", "v": "\xa012"}, {"id": "2", "v": "5"}]


def test_a_latin1_file_reads_with_encoding_and_fails_on_line_2_without(tmp_path):
    paths = Paths(tmp_path, "id,v\n1,café\n".encode("latin-1"))
    assert paths.insert("--encoding", "latin-1")[0] == [{"id": 1, "v": "café"}]
    assert paths.diff("--encoding", "latin-1") == [{"id": "1", "v": "café"}]
    assert paths.history("--encoding", "latin-1")[0] == [{"id": 1, "v": "café"}]
    assert "line 2, column 6 (byte 0xe9)" in paths.insert()
    assert "case.csv, line 2: cannot decode byte 0xe9 at offset 10 as utf-8" in paths.diff()
    assert "case.csv, line 2: cannot decode byte 0xe9 at offset 10 as utf-8" in paths.history()


def test_a_field_larger_than_the_csv_module_default_limit(tmp_path):
    big = "x" * 300_000  # csv's default limit is 131072 characters
    paths = Paths(tmp_path, f'id,v\n1,"{big}"\n2,b\n'.encode())
    assert paths.insert()[0] == [{"id": 1, "v": big}, {"id": 2, "v": "b"}]
    assert paths.diff() == [{"id": "1", "v": big}, {"id": "2", "v": "b"}]
    assert paths.history()[0] == [{"id": 1, "v": big}, {"id": 2, "v": "b"}]


def test_a_ragged_row_is_reported_on_the_same_line(tmp_path):
    """diff and history reject it (DF-VAL-6); insert drops surplus cells (O-INPUT row rules)."""
    paths = Paths(tmp_path, b"id,v\n1,a\n\n2,b,c\n")
    message = "case.csv, line 4: expected 2 fields, found 3"
    assert message in paths.diff()
    assert message in paths.history()
    assert paths.insert()[0] == [{"id": 1, "v": "a"}, {"id": 2, "v": "b"}]


def test_an_unterminated_quote_is_reported_on_the_line_it_opens(tmp_path):
    paths = Paths(tmp_path, b'id,v\n1,a\n2,"b\n3,c\n')
    assert "Invalid CSV on line 3: unexpected end of data" in paths.insert()
    assert "case.csv, line 3: unterminated quoted field" in paths.diff()
    assert "case.csv, line 3: unterminated quoted field" in paths.history()


@pytest.mark.parametrize(
    "data",
    [b"id\tv\n1\ta,b\n2\tc\n", b'id;v\n1;a,b\n2;"c;d"\n'],
    ids=["tsv", "semicolon"],
)
def test_sniffed_tsv_and_semicolon_files(tmp_path, data):
    paths = Paths(tmp_path, data)
    second = "c" if b"\t" in data else "c;d"
    typed = [{"id": 1, "v": "a,b"}, {"id": 2, "v": second}]
    assert paths.insert("--sniff")[0] == typed
    assert paths.diff() == [{"id": "1", "v": "a,b"}, {"id": "2", "v": second}]
    assert paths.history()[0] == typed


def test_an_undecodable_byte_after_a_bom_is_located_alike(tmp_path):
    """Offsets count the BOM's bytes; columns do not count the BOM (I-4, DF-VAL-7)."""
    paths = Paths(tmp_path, b"\xef\xbb\xbfid,v\n1,\xe9\n")
    assert "on line 2, column 3 (byte 0xe9)" in paths.insert()
    assert "case.csv, line 2: cannot decode byte 0xe9 at offset 10 as utf-8" in paths.diff()
    assert "case.csv, line 2: cannot decode byte 0xe9 at offset 10 as utf-8" in paths.history()
    (tmp_path / "header").mkdir()
    paths = Paths(tmp_path / "header", b"\xef\xbb\xbfid,\xe9\n")
    assert "on line 1, column 4 (byte 0xe9)" in paths.insert()
