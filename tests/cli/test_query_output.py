"""O-OUTPUT and O-RAW: every output mode of `query`, byte for byte."""

import io

import pytest
from cli_helpers import ok_stdout, plants_db, run

from datamill.cli.output import (
    NameList,
    OutputFormat,
    json_lines,
    raw_chunks,
    table_text,
    write_csv,
)

SELECT = "select id, name, height from plants"


@pytest.fixture
def garden(tmp_path):
    return plants_db(tmp_path / "garden.db")


def test_json_default_layout(garden):
    # O-OUTPUT JSON layout
    assert ok_stdout(garden, SELECT) == (
        '[{"id": 1, "name": "Fern", "height": 40},\n'
        ' {"id": 2, "name": "Basil", "height": 25},\n'
        ' {"id": 3, "name": "Tomato", "height": 120},\n'
        ' {"id": 4, "name": "Mint", "height": 30}]\n'
    )


def test_nl_and_arrays(garden):
    assert ok_stdout(garden, SELECT, "--nl") == (
        '{"id": 1, "name": "Fern", "height": 40}\n'
        '{"id": 2, "name": "Basil", "height": 25}\n'
        '{"id": 3, "name": "Tomato", "height": 120}\n'
        '{"id": 4, "name": "Mint", "height": 30}\n'
    )
    assert ok_stdout(garden, SELECT, "--arrays") == (
        '[[1, "Fern", 40],\n [2, "Basil", 25],\n [3, "Tomato", 120],\n [4, "Mint", 30]]\n'
    )
    assert ok_stdout(garden, SELECT, "--arrays", "--nl") == (
        '[1, "Fern", 40]\n[2, "Basil", 25]\n[3, "Tomato", 120]\n[4, "Mint", 30]\n'
    )


def test_zero_rows_print_empty_list_even_with_nl(garden):
    assert ok_stdout(garden, "select id from plants where id > 9") == "[]\n"
    assert ok_stdout(garden, "select id from plants where id > 9", "--nl") == "[]\n"


def test_single_row_json(garden):
    assert ok_stdout(garden, "select 1 as a") == '[{"a": 1}]\n'


def test_json_values(garden):
    assert ok_stdout(garden, "select x'CAFE' as b") == (
        '[{"b": {"$base64": true, "encoded": "yv4="}}]\n'
    )
    assert ok_stdout(garden, "select 'Ærø' as town") == '[{"town": "Ærø"}]\n'
    assert ok_stdout(garden, "select 'Ærø' as town", "--ascii") == '[{"town": "\\u00c6r\\u00f8"}]\n'
    assert ok_stdout(garden, "select '😀' as e", "--ascii") == '[{"e": "\\ud83d\\ude00"}]\n'
    assert ok_stdout(garden, "select 1.0 as a, 1e20 as b, 0.1 + 0.2 as c, null as d") == (
        '[{"a": 1.0, "b": 1e+20, "c": 0.30000000000000004, "d": null}]\n'
    )


def test_json_cols(garden):
    assert ok_stdout(garden, "select json_array(1, 2) as j") == '[{"j": "[1,2]"}]\n'
    assert ok_stdout(garden, "select json_array(1, 2) as j", "--json-cols") == '[{"j": [1, 2]}]\n'
    assert ok_stdout(garden, "select '  {\"a\": 1} ' as j, '[oops' as k", "--json-cols") == (
        '[{"j": {"a": 1}, "k": "[oops"}]\n'
    )


def test_duplicate_column_names(garden):
    sql = "select 1 as id, 2 as id, 3 as id_2, 4 as id"
    assert ok_stdout(garden, sql) == '[{"id": 1, "id_3": 2, "id_2": 3, "id_4": 4}]\n'
    assert ok_stdout(garden, sql, "--csv") == "id,id,id_2,id\r\n1,2,3,4\r\n"


def test_csv_and_tsv(garden):
    assert ok_stdout(garden, SELECT, "--csv") == (
        "id,name,height\r\n1,Fern,40\r\n2,Basil,25\r\n3,Tomato,120\r\n4,Mint,30\r\n"
    )
    assert ok_stdout(garden, SELECT, "--tsv", "--no-headers", "--csv") == (
        "1\tFern\t40\r\n2\tBasil\t25\r\n3\tTomato\t120\r\n4\tMint\t30\r\n"
    )


def test_csv_value_rendering(garden):
    sql = "select 1.0 as r, null as n, x'CAFE' as b, 'a,\"b\"' as q"
    assert ok_stdout(garden, sql, "--csv") == 'r,n,b,q\r\n1.0,,b\'\\xca\\xfe\',"a,""b"""\r\n'
    assert ok_stdout(garden, "select null as only", "--csv") == 'only\r\n""\r\n'
    assert ok_stdout(garden, "select 1 as a where 0", "--csv") == "a\r\n"


def test_table_output(garden):
    assert ok_stdout(garden, SELECT, "-t") == (
        "  id  name      height\n"
        "----  ------  --------\n"
        "   1  Fern          40\n"
        "   2  Basil         25\n"
        "   3  Tomato       120\n"
        "   4  Mint          30\n"
    )
    assert ok_stdout(garden, SELECT, "-t", "--no-headers") == (
        "-  ------  ---\n1  Fern     40\n2  Basil    25\n3  Tomato  120\n4  Mint     30\n-  ------  ---\n"
    )


def test_fmt_implies_table_and_unknown_falls_back_to_simple(garden):
    assert ok_stdout(garden, SELECT, "--fmt", "rst") == (
        "====  ======  ========\n"
        "  id  name      height\n"
        "====  ======  ========\n"
        "   1  Fern          40\n"
        "   2  Basil         25\n"
        "   3  Tomato       120\n"
        "   4  Mint          30\n"
        "====  ======  ========\n"
    )
    assert ok_stdout(garden, SELECT, "--fmt", "no-such-format") == ok_stdout(garden, SELECT, "-t")
    assert ok_stdout(garden, "select null as n, x'CA' as b", "--fmt", "github") == (
        "| n   | b       |\n|-----|---------|\n|     | b'\\xca' |\n"
    )


def test_precedence_raw_then_table_then_csv(garden):
    sql = "select name from plants order by height"
    assert ok_stdout(garden, sql, "--raw-lines", "-t", "--csv") == "Basil\nMint\nFern\nTomato\n"
    assert ok_stdout(garden, sql, "-t", "--csv").startswith("name\n------\n")
    assert ok_stdout(garden, sql, "--csv", "--nl") == "name\r\nBasil\r\nMint\r\nFern\r\nTomato\r\n"


def test_raw(garden):
    assert ok_stdout(garden, "select name from plants order by id", "-r") == "Fern"
    assert ok_stdout(garden, "select null", "--raw") == "None"
    assert ok_stdout(garden, "select 1 where 0", "--raw") == "None"
    result = run(garden, "select x'00FF'", "--raw")
    assert result.stdout_bytes == b"\x00\xff"
    result = run(garden, "select x'41' union all select null", "--raw-lines")
    assert result.stdout_bytes == b"A\nNone\n"


# Pure writer functions


def test_json_lines_streams_without_reading_ahead_more_than_one_row():
    consumed = []

    def rows():
        for i in range(3):
            consumed.append(i)
            yield (i,)

    lines = json_lines(["n"], rows(), OutputFormat())
    assert next(lines) == '[{"n": 0},'
    assert consumed == [0, 1]
    assert list(lines) == [' {"n": 1},', ' {"n": 2}]']


def test_writers_render_name_lists_per_mode():
    rows = [("t", NameList(["a", "b"]))]
    assert list(json_lines(["table", "columns"], rows, OutputFormat())) == [
        '[{"table": "t", "columns": ["a", "b"]}]'
    ]
    stream = io.StringIO()
    write_csv(["table", "columns"], rows, OutputFormat(csv=True), stream)
    assert stream.getvalue() == 'table,columns\r\nt,"a\nb"\r\n'
    assert table_text(["table", "columns"], rows, OutputFormat(table=True)) == (
        "table    columns\n-------  ----------\nt        ['a', 'b']"
    )


def test_raw_chunks_write_bytes_and_text():
    assert b"".join(raw_chunks([(b"\x01",), (2.5,)], OutputFormat(raw_lines=True))) == (
        b"\x01\n2.5\n"
    )
    assert b"".join(raw_chunks(iter([]), OutputFormat(raw=True))) == b"None"
