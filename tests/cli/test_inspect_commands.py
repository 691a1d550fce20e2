"""C-TABLES, C-VIEWS, C-TRIGGERS, C-INDEXES, C-SCHEMA and C-DUMP."""

import pytest
from cli_helpers import PLANTS_SCHEMA, ok_stdout, plants_db, run

from datamill import Database


@pytest.fixture
def garden(tmp_path):
    return plants_db(tmp_path / "garden.db")


def test_tables(garden):
    assert ok_stdout("tables", garden) == '[{"table": "plants"}]\n'
    assert ok_stdout("tables", garden, "--counts", "-t") == (
        "table      count\n-------  -------\nplants         4\n"
    )
    assert ok_stdout("tables", garden, "--counts", "--columns") == (
        '[{"table": "plants", "count": 4, "columns": ["id", "name", "kind", "height"]}]\n'
    )
    assert ok_stdout("tables", garden, "--columns", "--csv") == (
        'table,columns\r\nplants,"id\nname\nkind\nheight"\r\n'
    )
    assert ok_stdout("tables", garden, "--schema", "--nl", "--arrays") == (
        '["plants", "CREATE TABLE \\"plants\\" (\\n   \\"id\\" INTEGER PRIMARY KEY,\\n   '
        '\\"name\\" TEXT,\\n   \\"kind\\" TEXT,\\n   \\"height\\" INTEGER\\n)"]\n'
    )


def test_tables_fts_filters(garden):
    db = Database(garden)
    db.execute("create virtual table docs4 using fts4(body)")
    db.execute("create virtual table docs5 using fts5(body)")
    assert ok_stdout("tables", garden, "--fts4", "--nl") == '{"table": "docs4"}\n'
    assert ok_stdout("tables", garden, "--fts5", "--nl") == '{"table": "docs5"}\n'
    assert ok_stdout("tables", garden, "--fts4", "--fts5") == "[]\n"
    assert '"docs5_data"' in ok_stdout("tables", garden)


def test_views(garden):
    Database(garden).create_view("tall", "select name, height from plants where height > 30")
    assert ok_stdout("views", garden, "--counts", "--columns", "-t") == (
        "view      count  columns\n"
        "------  -------  ------------------\n"
        "tall          2  ['name', 'height']\n"
    )
    assert ok_stdout("views", garden, "--schema", "--csv") == (
        "view,schema\r\n"
        'tall,"CREATE VIEW ""tall"" AS select name, height from plants where height > 30"\r\n'
    )


def test_tables_and_views_need_an_existing_file(tmp_path):
    for command in ("tables", "views"):
        result = run(command, tmp_path / "missing.db")
        assert result.exit_code == 2
        assert "does not exist" in result.output
    assert not (tmp_path / "missing.db").exists()


def test_triggers(garden):
    trigger = (
        "CREATE TRIGGER keep_plants before delete on plants "
        "begin select raise(abort, 'plants are forever'); end"
    )
    Database(garden).execute(trigger)
    assert ok_stdout("triggers", garden, "-t") == (
        "name         table    sql\n"
        "-----------  -------  " + "-" * len(trigger) + "\n"
        "keep_plants  plants   " + trigger + "\n"
    )
    assert ok_stdout("triggers", garden, "other") == "[]\n"
    assert ok_stdout("triggers", garden, "plants", "--nl", "--arrays") == (
        f'["keep_plants", "plants", "{trigger}"]\n'
    )


def test_indexes(garden):
    Database(garden)["plants"].create_index(["kind"])
    assert ok_stdout("indexes", garden, "-t") == (
        "table    index_name         seqno    cid  name      desc  coll      key\n"
        "-------  ---------------  -------  -----  ------  ------  ------  -----\n"
        "plants   idx_plants_kind        0      2  kind         0  BINARY      1\n"
    )
    assert ok_stdout("indexes", garden, "--aux", "--nl", "plants") == (
        '{"table": "plants", "index_name": "idx_plants_kind", "seqno": 0, "cid": 2, '
        '"name": "kind", "desc": 0, "coll": "BINARY", "key": 1}\n'
        '{"table": "plants", "index_name": "idx_plants_kind", "seqno": 1, "cid": -1, '
        '"name": null, "desc": 0, "coll": "BINARY", "key": 0}\n'
    )
    assert ok_stdout("indexes", garden, "other") == "[]\n"


def test_schema(garden, tmp_path):
    assert ok_stdout("schema", garden) == PLANTS_SCHEMA + ";\n"
    Database(garden).create_view("tall", "select 1")
    assert ok_stdout("schema", garden, "plants", "tall") == (
        PLANTS_SCHEMA + '\nCREATE VIEW "tall" AS select 1\n'
    )
    assert ok_stdout("schema", str(tmp_path / "empty.db")) == "\n"


def test_schema_unknown_table(garden):
    result = run("schema", garden, "plants", "nope")
    assert result.exit_code == 1
    assert result.output == 'Error: Table "nope" does not exist\n'


def test_dump(garden, tmp_path):
    assert ok_stdout("dump", garden) == (
        "BEGIN TRANSACTION;\n"
        + PLANTS_SCHEMA
        + ";\n"
        + "INSERT INTO \"plants\" VALUES(1,'Fern','shade',40);\n"
        "INSERT INTO \"plants\" VALUES(2,'Basil','herb',25);\n"
        "INSERT INTO \"plants\" VALUES(3,'Tomato','vegetable',120);\n"
        "INSERT INTO \"plants\" VALUES(4,'Mint','herb',30);\n"
        "COMMIT;\n"
    )
    empty = tmp_path / "empty.db"
    Database(str(empty)).vacuum()
    assert ok_stdout("dump", str(empty)) == "BEGIN TRANSACTION;\nCOMMIT;\n"
