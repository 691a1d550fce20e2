"""SQLite files as sources (IDB-1, IDB-3, IDB-4): read-only, internal tables left out."""

from importdb_fixtures import file_digest, make_sqlite_database, query

from datamill import Database

SQL = """
CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT, anything);
INSERT INTO notes (body, anything) VALUES ('a', 1), ('b', 'two'), ('c', x'03'), ('d', 4.5);
CREATE VIRTUAL TABLE notes_fts USING fts5(body);
INSERT INTO notes_fts (body) VALUES ('a'), ('b');
CREATE TABLE notes_fts_extra (id INTEGER PRIMARY KEY);
"""


def test_all_leaves_out_internal_virtual_and_shadow_tables(tmp_path, run):
    source = make_sqlite_database(tmp_path / "src.db", SQL)
    out = tmp_path / "out.db"
    result = run("import-db", source, out, "--all", "-p")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "1/2: notes\n2/2: notes_fts_extra\n"
    assert Database(out).table_names() == ["notes", "notes_fts_extra"]


def test_untyped_columns_keep_each_values_storage_class(tmp_path, run):
    source = make_sqlite_database(tmp_path / "src.db", SQL)
    out = tmp_path / "out.db"
    assert run("import-db", source, out, "--table", "notes").exit_code == 0
    assert Database(out)["notes"].schema == (
        'CREATE TABLE "notes" (\n   "id" INTEGER PRIMARY KEY,\n   "body" TEXT,\n   "anything"\n)'
    )
    assert query(out, "select anything, typeof(anything) from notes order by id") == [
        (1, "integer"),
        ("two", "text"),
        (b"\x03", "blob"),
        (4.5, "real"),
    ]


def test_the_source_file_is_not_changed(tmp_path, run):
    source = make_sqlite_database(tmp_path / "src.db", SQL)
    before = file_digest(tmp_path / "src.db")
    assert run("import-db", source, tmp_path / "out.db", "--all", "--views").exit_code == 0
    assert file_digest(tmp_path / "src.db") == before


def test_sqlite_url_source(tmp_path, run):
    source = make_sqlite_database(tmp_path / "src.db", SQL)
    out = tmp_path / "out.db"
    assert run("import-db", f"sqlite:///{source}", out, "--table", "notes").exit_code == 0
    assert query(out, "select count(*) from notes") == [(4,)]
    result = run("import-db", f"sqlite:///{source}", source, "--table", "notes")
    assert result.stderr == "Error: The source and destination are the same database\n"
