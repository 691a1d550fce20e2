"""insert-files (C-INSERT-FILES, D-5)."""

import hashlib
import sqlite3

import pytest
from cli_helpers import sha256


@pytest.fixture
def seeds(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "seeds" / "packets").mkdir(parents=True)
    (tmp_path / "seeds" / "list.txt").write_text("tomato\n")
    (tmp_path / "seeds" / "packets" / "herbs.txt").write_text("basil, mint\n")
    return tmp_path


def query(path, sql):
    return sqlite3.connect(path).execute(sql).fetchall()


def test_directory_defaults(run, seeds):
    result = run("insert-files", "files.db", "seedfiles", "seeds")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert query("files.db", "select sql from sqlite_master where type = 'table'") == [
        (
            'CREATE TABLE "seedfiles" (\n   "path" TEXT PRIMARY KEY,\n   "content" BLOB,\n'
            '   "size" INTEGER\n)',
        )
    ]
    assert query("files.db", "select path, content, size from seedfiles order by path") == [
        ("seeds/list.txt", b"tomato\n", 7),
        ("seeds/packets/herbs.txt", b"basil, mint\n", 12),
    ]


@pytest.mark.parametrize(
    "arguments, paths",
    [
        (["."], ["seeds/list.txt", "seeds/packets/herbs.txt"]),
        (["./seeds/"], ["seeds/list.txt", "seeds/packets/herbs.txt"]),
        (
            ["./seeds/list.txt", ".//seeds/packets/./herbs.txt"],
            ["seeds/list.txt", "seeds/packets/herbs.txt"],
        ),
        (["seeds/packets/../list.txt"], ["seeds/packets/../list.txt"]),
    ],
)
def test_paths_are_stored_as_given_without_dot_segments(run, seeds, arguments, paths):
    # D-5, issue 11 §3.10: as 4.2.1 stores them, no leading "./", ".." kept.
    result = run("insert-files", "files.db", "seedfiles", *arguments)
    assert result.exit_code == 0, result.output
    assert query("files.db", "select path from seedfiles order by path") == [(p,) for p in paths]


def test_column_definitions(run, seeds):
    result = run(
        "insert-files",
        "files.db",
        "meta",
        "seeds/list.txt",
        "-c",
        "path",
        "-c",
        "name",
        "-c",
        "stem",
        "-c",
        "suffix",
        "-c",
        "bytes:size",
        "-c",
        "md5",
        "-c",
        "fullpath",
        "-c",
        "mtime_iso",
        "--pk",
        "path",
    )
    assert result.exit_code == 0, result.stderr
    row = query("files.db", "select * from meta")[0]
    assert row[:6] == (
        "seeds/list.txt",
        "list.txt",
        "list",
        ".txt",
        7,
        "544550af4f4d0ac845f49ddb2b4b09ea",
    )
    assert row[6] == str((seeds / "seeds" / "list.txt").resolve())
    assert len(row[7]) == 26 and row[7][10] == "T"


def test_text_stdin_and_name(run, seeds):
    result = run(
        "insert-files", "files.db", "notes", "-", "--name", "hi.txt", "--text", input="hi\n"
    )
    assert result.exit_code == 0, result.stderr
    assert query("files.db", "select path, content_text, size from notes") == [
        ("hi.txt", "hi\n", 3)
    ]
    digest = hashlib.sha256(b"x").hexdigest()
    run("insert-files", "files.db", "h", "-", "-c", "sha256", "-c", "name", input="x")
    assert query("files.db", "select sha256, name from h") == [(digest, "-")]


def test_errors(run, seeds):
    run("insert-files", "files.db", "seedfiles", "seeds")
    before = sha256(seeds / "files.db")
    result = run("insert-files", "files.db", "seedfiles", "seeds")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: UNIQUE constraint failed: seedfiles.path\n",
    )
    assert sha256(seeds / "files.db") == before
    result = run("insert-files", "files.db", "seedfiles", "seeds", "--replace")
    assert result.exit_code == 0
    result = run("insert-files", "files.db", "x", "seeds", "-c", "nope")
    assert result.stderr == (
        "Error: 'nope' is not a valid column definition - options are name, path, fullpath, "
        "sha256, md5, mode, content, mtime, ctime, mtime_int, ctime_int, mtime_iso, ctime_iso, "
        "size, stem, suffix, content_text\n"
    )
    result = run("insert-files", "files.db", "x", "-", "-c", "mtime", input="x")
    assert result.stderr == (
        "Error: 'mtime' is not a valid column definition - options are name, path, content, "
        "content_text, sha256, md5, size\n"
    )
    (seeds / "bad.txt").write_bytes(b"caf\xe9")
    result = run("insert-files", "files.db", "t", "bad.txt", "--text")
    assert result.stderr == (
        f"Error: Could not read file '{(seeds / 'bad.txt').resolve()}' as text: 'utf-8' codec "
        "can't decode byte 0xe9 in position 3: unexpected end of data - try --encoding=latin-1\n"
    )
    result = run("insert-files", "files.db", "t", "bad.txt", "--text", "--encoding", "latin-1")
    assert query("files.db", "select content_text from t") == [("café",)]


def test_upsert(run, seeds):
    run("insert-files", "files.db", "f", "seeds/list.txt")
    (seeds / "seeds" / "list.txt").write_text("tomatoes\n")
    assert run("insert-files", "files.db", "f", "seeds/list.txt", "--upsert").exit_code == 0
    assert query("files.db", "select size from f") == [(9,)]
