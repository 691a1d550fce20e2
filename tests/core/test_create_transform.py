"""L-CRT-9 create(transform=True) and the copy statement's column order (L-XFM-3, C-TRANSFORM)."""

import datamill


def test_create_transform_without_pk_makes_a_rowid_table():
    db = datamill.Database(memory=True)
    db["plants"].create({"id": int, "name": str}, pk="id")
    db["plants"].insert({"id": 5, "name": "fern"})
    db["plants"].create({"id": int, "name": str}, transform=True)
    assert db["plants"].schema == 'CREATE TABLE "plants" (\n   "id" INTEGER,\n   "name" TEXT\n)'
    assert list(db["plants"].rows) == [{"id": 5, "name": "fern"}]


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
