"""L-CRT-9 create(transform=True) and the copy statement's column order (L-XFM-3, C-TRANSFORM)."""

import datamill


def test_create_transform_without_pk_keeps_the_key():
    db = datamill.Database(memory=True)
    db["plants"].create({"id": int, "name": str}, pk="id")
    db["plants"].create({"id": int, "name": str, "height": float}, transform=True)
    assert db["plants"].pks == ["id"]
    assert [c.name for c in db["plants"].columns] == ["id", "name", "height"]


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
