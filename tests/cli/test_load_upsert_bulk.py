"""upsert (C-UPSERT, D-11) and bulk (C-BULK, D-1)."""

import sqlite3

from cli_helpers import sha256


def rows(path, sql):
    return sqlite3.connect(path).execute(sql).fetchall()


def test_upsert_only_updates_the_columns_each_record_has(run, garden):
    result = run(
        "upsert",
        garden,
        "plants",
        "-",
        input='[{"id": 2, "height": 28}, {"id": 6, "name": "Thyme", "kind": "herb"}]',
    )
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert rows(garden, "select * from plants order by id") == [
        (1, "Fern", "shade", 40),
        (2, "Basil", "herb", 28),
        (3, "Tomato", "vegetable", 120),
        (4, "Mint", "herb", 30),
        (6, "Thyme", "herb", None),
    ]


def test_upsert_csv_fast_path(run, garden):
    result = run("upsert", garden, "plants", "-", "--csv", input="id,height\n1,41\n7,10\n")
    assert result.exit_code == 0, result.stderr
    assert rows(garden, "select id, name, height from plants where id in (1, 7)") == [
        (1, "Fern", 41),
        (7, None, 10),
    ]


def test_upsert_requires_a_pk(run, tmp_path):
    result = run("upsert", tmp_path / "u.db", "t", "-", input='{"a": 1}')
    assert (result.exit_code, result.stderr) == (1, "Error: upsert() requires a pk\n")


def test_bulk_runs_sql_per_record(run, garden):
    result = run(
        "bulk",
        garden,
        "update plants set height = height + :delta where id = :id",
        "-",
        "--csv",
        input="id,delta\n1,5\n3,-20\n",
    )
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert rows(garden, "select id, height from plants") == [(1, 45), (2, 25), (3, 100), (4, 30)]


def test_bulk_functions_and_nl(run, garden):
    result = run(
        "bulk",
        garden,
        "update plants set name = shout(:name) where id = :id",
        "-",
        "--nl",
        "--functions",
        "def shout(s):\n    return s.upper() + '!'",
        input='{"id": 2, "name": "basil"}\n',
    )
    assert result.exit_code == 0, result.stderr
    assert rows(garden, "select name from plants where id = 2") == [("BASIL!",)]


def test_bulk_errors_are_located_and_atomic(run, garden):
    before = sha256(garden)
    result = run(
        "bulk",
        garden,
        "update plants set height = :nope where id = :id",
        "-",
        "--csv",
        input="id\n1\n",
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: You did not supply a value for binding parameter :nope. (input row 1, line 2)\n"
    )
    result = run(
        "bulk",
        garden,
        "insert into plants (id, name) values (:id, :name)",
        "-",
        "--nl",
        input='{"id": 9, "name": "a"}\n{"id": 1, "name": "b"}\n',
    )
    assert result.stderr == "Error: UNIQUE constraint failed: plants.id (input row 2, line 2)\n"
    assert sha256(garden) == before
    result = run("bulk", garden, "select 1", "-", "--functions", "def (", input="[]")
    assert result.stderr.startswith("Error: Error in functions definition: invalid syntax")


def test_upsert_leaves_not_null_columns_the_record_omits(run, tmp_path):
    """C-UPSERT: an existing row is updated even when a NOT NULL column is not in the record."""
    db = tmp_path / "nn.db"
    conn = sqlite3.connect(db)
    conn.execute("create table p (id integer primary key, name text not null, height integer)")
    conn.execute("insert into p values (1, 'Fern', 40)")
    conn.commit()
    result = run(
        "upsert", db, "p", "-", input='[{"id": 1, "height": 41}, {"id": 2, "name": "Sage"}]'
    )
    assert result.exit_code == 0, result.stderr
    assert rows(db, "select * from p") == [(1, "Fern", 41), (2, "Sage", None)]
    result = run("upsert", db, "p", "-", "--csv", input="id,height\n1,42\n")
    assert result.exit_code == 0, result.stderr
    assert rows(db, "select height from p where id = 1") == [(42,)]
    result = run("upsert", db, "p", "-", input='[{"id": 1, "height": 43}, {"id": 3, "height": 5}]')
    assert result.stderr == (
        'Error: NOT NULL constraint failed: p.name (input row 2, line 1, column "name")\n'
    )
    assert rows(db, "select height from p where id = 1") == [(42,)]
