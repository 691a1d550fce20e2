"""L-CRT-9 create(transform=True) and the copy statement's column order (L-XFM-3, C-TRANSFORM)."""

import datamill


def test_create_transform_without_pk_makes_a_rowid_table():
    # L-CRT-9 passes pk= to transform, so no pk means a rowid table (issue 11 §3.5).
    db = datamill.Database(memory=True)
    db["plants"].create({"id": int, "name": str}, pk="id")
    db["plants"].insert({"id": 5, "name": "Fern"})
    db["plants"].create({"id": int, "name": str, "height": float}, transform=True)
    assert db["plants"].schema == (
        'CREATE TABLE "plants" (\n   "id" INTEGER,\n   "name" TEXT,\n   "height" REAL\n)'
    )
    assert db["plants"].pks == ["rowid"]
    assert list(db.execute("select rowid, * from plants")) == [(5, 5, "Fern", None)]


def test_create_transform_without_pk_and_no_change_keeps_the_key():
    # Nothing differs (the key is compared only when given), so nothing is rewritten.
    db = datamill.Database(memory=True)
    db["plants"].create({"id": int, "name": str}, pk="id")
    db["plants"].create({"id": int, "name": str}, transform=True)
    assert db["plants"].pks == ["id"]


def test_create_transform_with_hash_id_keeps_the_hash_key():
    # The key create() would give a new table is the hash_id column (L-CRT-7).
    db = datamill.Database(memory=True)
    db["notes"].insert({"text": "hi"}, hash_id="id")
    db["notes"].create({"id": str, "text": str, "n": int}, hash_id="id", transform=True)
    assert db["notes"].schema == (
        'CREATE TABLE "notes" (\n   "id" TEXT PRIMARY KEY,\n   "text" TEXT,\n   "n" INTEGER\n)'
    )


def test_create_transform_ignores_type_spelling():
    db = datamill.Database(memory=True)
    db.execute('CREATE TABLE "plants" ("id" INT PRIMARY KEY, "name" VARCHAR(10))')
    statements = []
    with db.tracer(lambda sql, params: statements.append(sql)):
        db["plants"].create({"id": int, "name": str}, pk="id", transform=True)
    assert not any(sql.startswith("CREATE TABLE") for sql in statements)


def test_create_transform_with_same_pk_changes_nothing():
    db = datamill.Database(memory=True)
    db["plants"].create({"id": int, "name": str}, pk="id")
    statements = []
    with db.tracer(lambda sql, params: statements.append(sql)):
        db["plants"].create({"id": int, "name": str}, pk="id", transform=True)
    assert not any(sql.startswith("CREATE TABLE") for sql in statements)


def test_copy_statement_lists_columns_in_the_old_order():
    db = datamill.Database(memory=True)
    db["plants"].create({"id": int, "name": str, "kind": str, "height": str}, pk="id")
    sql = db["plants"].transform_sql(
        rename={"kind": "category"},
        types={"height": float},
        column_order=["name"],
        tmp_suffix="abc",
    )
    assert sql[1] == (
        'INSERT INTO "plants_new_abc" ("rowid", "id", "name", "category", "height")\n'
        '   SELECT "rowid", "id", "name", "kind", NULLIF("height", \'\') FROM "plants";'
    )
