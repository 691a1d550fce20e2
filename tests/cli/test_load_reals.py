"""CSV text becomes the REAL nearest to it, as Python's float() (L-IMP-6, O-DETECT).

SQLite 3.40's own text-to-real conversion stores ``18.443384`` as ``18.443384000000002``;
a table that datamill creates from CSV must hold ``float(text)`` for every REAL cell.
"""

import random
import sqlite3

DECIMALS = ["18.443384", "187.744332", "16.382104", "-163.072656791"]  # 3.40 misrounds these


def decimals(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    made = [f"{rng.uniform(-200, 200):.{rng.choice([2, 6, 8, 9])}f}" for _ in range(count)]
    return DECIMALS + made


def stored(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_detected_reals_are_correctly_rounded(run, tmp_path):
    values = decimals(3000)
    lines = ["id,x,blank"] + [f"{i},{v}," for i, v in enumerate(values)]
    db = tmp_path / "r.db"
    assert run("insert", db, "t", "-", "--csv", input="\n".join(lines)).exit_code == 0
    got = stored(db, "select x, typeof(x), blank from t order by id")
    assert [g[0] for g in got] == [float(v) for v in values]
    assert {g[1] for g in got} == {"real"} and {g[2] for g in got} == {""}
    assert got[0][0] == 18.443384 and repr(got[0][0]) == "18.443384"


def test_a_column_widened_to_real_later_and_empty_cells(run, tmp_path):
    """The first 5000-row batch holds integers and empties; decimals come in the next."""
    values = [str(i) if i % 3 else "" for i in range(5000)] + decimals(200)
    lines = ["id,x"] + [f"{i},{v}" for i, v in enumerate(values)]
    db = tmp_path / "w.db"
    assert run("insert", db, "t", "-", "--csv", input="\n".join(lines)).exit_code == 0
    assert stored(db, "select type from pragma_table_info('t') where name = 'x'") == [("REAL",)]
    got = [x for (x,) in stored(db, "select x from t order by id")]
    assert got == [float(v) if v else None for v in values]


def test_type_override_converts_only_numeric_columns(run, tmp_path):
    lines = ["id,f,g"] + [f"{i},{v},{v}" for i, v in enumerate(DECIMALS)] + ["9,1.5,n/a"]
    db = tmp_path / "o.db"
    args = ["--type", "f", "float", "--type", "g", "real", "--empty-null"]
    assert run("insert", db, "t", "-", "--csv", *args, input="\n".join(lines)).exit_code == 0
    got = stored(db, "select f, g from t order by id")
    assert [f for f, _ in got] == [float(v) for v in DECIMALS] + [1.5]
    assert got[-1][1] == "n/a"  # a text cell stays text in a REAL column


def test_memory_loads_correctly_rounded_reals(run, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("id,x\n" + "".join(f"{i},{v}\n" for i, v in enumerate(DECIMALS)))
    result = run("memory", path, "select x from d", "--csv", "--no-headers")
    assert result.exit_code == 0, result.output
    assert [float(v) for v in result.stdout.split()] == [float(v) for v in DECIMALS]
    assert result.stdout.split()[0] == "18.443384"
