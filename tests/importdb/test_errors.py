"""Bad input for import-db: one ``Error:`` line, exit 1, the destination as it was (EX-GEN-2).

Each case runs against a new destination (which must not be left behind) and an existing one
(which must stay byte-identical).
"""

import sqlite3
import sys

import pytest
from importdb_fixtures import file_digest, make_sqlite_database

from datamill import Database

NO_SERVER = "postgresql://app:secret@127.0.0.1:1/prod"


@pytest.fixture(params=["new", "existing"])
def destination(request, tmp_path):
    """The output path: missing, or a database holding a table of its own."""
    path = tmp_path / "out.db"
    if request.param == "existing":
        Database(path)["mine"].insert_all([{"id": 1, "name": "keep"}], pk="id")
    return path


@pytest.fixture
def fails(run, destination):
    """``fails(message, *args)``: run import-db into ``destination`` and check the failure."""

    def check(message, source, *args):
        before = file_digest(destination)
        result = run("import-db", source, destination, *args)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", f"Error: {message}\n")
        assert file_digest(destination) == before
        return result

    return check


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--all OR --table OR --sql required"),
        (("--table", "t", "--skip", "x"), "--skip can only be used with --all"),
        (("--sql", "select 1"), "--sql must be accompanied by --output"),
        (("--table", "t", "--output", "o"), "--output can only be used with --sql"),
        (("--table", "t", "--pk", "id"), "--pk can only be used with --sql"),
        (("--all", "--table", "t"), "Use either --all or --table, not both"),
        (("--table", "t", "--views"), "--views can only be used with --all"),
    ],
)
def test_option_combinations_checked_before_connecting(fails, args, message):
    """IDB-2: checked before connecting, so an unreachable server does not matter."""
    fails(message, NO_SERVER, *args)


def test_postgres_schema_needs_postgresql(fails, tmp_path):
    source = make_sqlite_database(tmp_path / "src.db", "CREATE TABLE t (a);")
    fails("--postgres-schema can only be used with PostgreSQL", source, "--all",
          "--postgres-schema", "public")  # fmt: skip


@pytest.mark.parametrize(
    ("connection", "message"),
    [
        ("nowhere.db", '"nowhere.db" is neither a database URL nor an existing file'),
        (
            "postgresql://app:secret@db.example:port/prod",
            'Could not parse the connection URL "postgresql://app:***@db.example:port/prod"',
        ),
        ("nosuch://db.example/prod", 'Unknown database type "nosuch" in the connection URL'),
    ],
)
def test_bad_connection_strings(fails, connection, message):
    """IDB-1, IDB-7; IDB-FIX-5: no tracebacks; passwords shown as ***."""
    fails(message, connection, "--all")


def test_refused_connection_names_the_url_without_its_password(run, destination):
    before = file_digest(destination)
    result = run("import-db", NO_SERVER, destination, "--all")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "Error: Could not connect to postgresql://app:***@127.0.0.1:1/prod: "
    )
    assert result.stderr.count("\n") == 1
    assert "secret" not in result.stderr
    assert file_digest(destination) == before


@pytest.mark.parametrize(
    ("connection", "modules", "message"),
    [
        (
            NO_SERVER,
            ("psycopg", "psycopg2"),
            "The PostgreSQL driver is not installed - pip install 'datamill[postgres]'",
        ),
        (
            "mysql://app@db.example/prod",
            ("MySQLdb", "pymysql"),
            "The MySQL driver is not installed - pip install 'datamill[mysql]'",
        ),
        (
            NO_SERVER,
            ("sqlalchemy",),
            "datamill import-db needs SQLAlchemy - pip install 'datamill[db]'",
        ),
    ],
)
def test_missing_packages_name_the_extra_to_install(
    fails, monkeypatch, connection, modules, message
):
    """IDB-7, EX-GEN-4: a missing driver or SQLAlchemy says which extra provides it."""
    for module in modules:
        monkeypatch.setitem(sys.modules, module, None)
    fails(message, connection, "--all")


def test_explicit_driver_that_is_missing(fails, monkeypatch):
    monkeypatch.setitem(sys.modules, "pg8000", None)
    url = "postgresql+pg8000://app:secret@127.0.0.1:1/prod"
    fails(
        "The driver for postgresql+pg8000 is not installed: "
        "import of pg8000 halted; None in sys.modules",
        url,
        "--all",
    )


def test_same_file(run, tmp_path):
    source = make_sqlite_database(
        tmp_path / "same.db", "CREATE TABLE t (a); INSERT INTO t VALUES (1);"
    )
    before = file_digest(tmp_path / "same.db")
    result = run("import-db", source, source, "--all")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: The source and destination are the same database\n",
    )
    assert file_digest(tmp_path / "same.db") == before


def test_missing_table(fails, structure):
    """IDB-3, IDB-FIX-5."""
    fails('Table "nope" does not exist in the source database', structure, "--table", "plants",
          "--table", "nope")  # fmt: skip


def test_missing_schema(fails, make_pg_database):
    url = make_pg_database("CREATE TABLE t (a int);")
    fails('Schema "nope" does not exist', url, "--all", "--postgres-schema", "nope")


def test_no_default_schema(fails, make_pg_database):
    """IDB-2: with no schema on the search_path, the user is told to name one."""
    url = make_pg_database(
        "CREATE TABLE t (a int);"
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET search_path = ''''', "
        "current_database()); END $$;"
    )
    fails("The database has no default schema: name one with --postgres-schema", url, "--all")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--table", "plants", "--redact", "users", "pw"),
            '--redact table "users" is not being copied',
        ),
        (
            ("--table", "users", "--redact", "users", "password"),
            '--redact column "password" does not exist in table "users"',
        ),
        (
            ("--all", "--skip", "users", "--redact", "users", "pw"),
            '--redact table "users" is not being copied',
        ),
    ],
)
def test_unmatched_redact_fails(fails, structure, args, message):
    """IDB-FIX-5: a mistyped --redact must not copy the column in clear."""
    fails(message, structure, *args)


def test_output_name_is_a_view_in_the_destination(run, structure, tmp_path):
    out = tmp_path / "out.db"
    db = Database(out)
    db.create_view("plants", "select 1 as id")
    db.close()
    before = file_digest(out)
    result = run("import-db", structure, out, "--table", "plants")
    assert (result.exit_code, result.stderr) == (
        1,
        'Error: "plants" is a view in the destination database\n',
    )
    assert file_digest(out) == before


def test_existing_table_missing_a_source_column(run, structure, tmp_path):
    """IDB-5: the existing schema is kept, so a column it lacks is an error."""
    out = tmp_path / "out.db"
    Database(out)["kinds"].insert({"id": 1, "name": "x"}, pk="id")
    before = file_digest(out)
    result = run("import-db", structure, out, "--table", "kinds")
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: table kinds has no column named label - use --replace-tables to recreate it\n",
    )
    assert file_digest(out) == before
    sql = ("--sql", "select 1 as id, 2 as colour", "--output", "kinds")
    result = run("import-db", structure, out, *sql)
    assert result.stderr == (
        "Error: table kinds has no column named colour - use --replace-tables to recreate it\n"
    )
    assert file_digest(out) == before


def test_a_value_the_destination_cannot_take(run, structure, tmp_path):
    """A value that cannot be stored names its table, row and column; nothing is kept."""
    out = tmp_path / "out.db"
    db = Database(out)
    db.execute('CREATE TABLE "log" ("at" INTEGER, "message" TEXT) STRICT')
    db.close()
    before = file_digest(out)
    result = run("import-db", structure, out, "--table", "kinds", "--table", "log")
    assert (result.exit_code, result.stderr) == (
        1,
        'Error: cannot store TEXT value in INTEGER column log.at (table log, row 1, column "at")\n',
    )
    assert file_digest(out) == before


def test_a_source_value_that_cannot_be_read(fails, tmp_path):
    """Text that is not UTF-8 in a SQLite source: the driver's message, then the table."""
    source = tmp_path / "bad.db"
    make_sqlite_database(source, "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT);")
    conn = sqlite3.connect(source)
    conn.execute("INSERT INTO t VALUES (1, 'fine'), (2, CAST(x'ff' AS TEXT))")
    conn.commit()
    conn.close()
    result_message = "Could not decode to UTF-8 column 'note' with text '\ufffd' (table t)"
    fails(result_message, str(source), "--all")


def test_source_file_that_is_not_a_database(fails, tmp_path):
    source = tmp_path / "notes.txt"
    source.write_text("not a database\n" * 100)
    fails(f"Could not connect to {source}: file is not a database", str(source), "--all")


def test_sql_with_a_repeated_column_name(fails, structure):
    sql = "select id, name as id from plants"
    fails('Column "id" appears more than once in the --sql result', structure, "--sql", sql,
          "--output", "q")  # fmt: skip


def test_sql_errors_show_the_drivers_first_line(fails, structure):
    """IDB-6."""
    message = (
        "no such table: nope" if structure.endswith(".db") else 'relation "nope" does not exist'
    )
    fails(message, structure, "--sql", "select * from nope", "--output", "q")


def test_destination_that_is_not_a_database(run, structure, tmp_path):
    out = tmp_path / "notes.txt"
    out.write_text("not a database\n" * 100)
    result = run("import-db", structure, out, "--all")
    assert (result.exit_code, result.stderr) == (1, "Error: file is not a database\n")
    assert out.read_text() == "not a database\n" * 100


def test_interrupted_run_leaves_the_destination_as_it_was(run, structure, destination, monkeypatch):
    """EX-GEN-2: Ctrl-C prints ``Aborted!``, exits 1 and rolls everything back."""
    from datamill.importdb import rows

    written = []

    def interrupted(*args):
        written.append(args)
        if len(written) == 3:
            raise KeyboardInterrupt
        return original(*args)

    original = rows.write
    monkeypatch.setattr(rows, "write", interrupted)
    before = file_digest(destination)
    result = run("import-db", structure, destination, "--all")
    assert (result.exit_code, result.stderr.strip()) == (1, "Aborted!")
    assert file_digest(destination) == before
