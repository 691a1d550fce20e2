"""Exact text layouts (DF-TXT-1 to DF-TXT-7, DF-KEY-2, DF-GEN-3)."""

from __future__ import annotations

WORKED = """1 column added, 1 column removed, 2 rows changed, 1 row added, 1 row removed

1 column added

  operator

1 column removed

  zone

2 rows changed

  station_id: S01
    docks: "12" => "16"
    district: "North" => "Harbour"

  station_id: S04
    docks: "10" => "14"

1 row added

  station_id: S05
  name: Ropewalk, Upper
  docks: 6
  district:<SP>
  operator: CityBikes

1 row removed

  station_id: S02
  name: Mill Lane
  docks: 8
  district: North
  zone: A
""".replace("<SP>", " ")  # the empty district value keeps its trailing space


def test_worked_example_df_txt_2(workdir, dm):
    r = dm("stations_v1.csv", "stations_v2.csv", "--key", "station_id")
    assert r.exit_code == 0
    assert r.stdout == WORKED
    assert r.stderr == ""


def test_only_one_category_has_no_section_header_df_txt_3(workdir, dm):
    (workdir / "a.csv").write_text("station_id,docks\nS01,12\nS02,8\n")
    (workdir / "b.csv").write_text("station_id,docks\nS01,16\nS02,8\n")
    r = dm("a.csv", "b.csv", "--key", "station_id")
    assert r.stdout == '1 row changed\n\n  station_id: S01\n    docks: "12" => "16"\n'


def test_lone_added_column_is_headed_twice_df_txt_3(workdir, dm):
    (workdir / "a.csv").write_text("id,name\n1,x\n")
    (workdir / "b.csv").write_text("id,name,operator\n1,x,CityBikes\n")
    r = dm("a.csv", "b.csv", "--key", "id")
    assert r.stdout == "1 column added\n\n1 column added\n\n  operator\n"


def test_composite_key_and_custom_nouns_df_key_2(workdir, dm):
    r = dm(
        "bays_v1.csv", "bays_v2.csv", "--key", "station_id", "--key", "bay",
        "--singular", "bay", "--plural", "bays",
    )  # fmt: skip
    assert r.stdout == (
        "1 bay changed, 1 bay added\n\n1 bay changed\n\n"
        '  station_id: S01, bay: 2\n    status: "ok" => "broken"\n\n'
        "1 bay added\n\n  station_id: S02\n  bay: 2\n  status: ok\n"
    )


def test_identical_inputs_print_one_newline(workdir, dm):
    r = dm("stations_v1.csv", "stations_v1.csv", "--key", "station_id")
    assert (r.exit_code, r.stdout) == (0, "\n")


def test_show_unchanged_leaves_out_key_lists_removed_columns_df_txt_4(workdir, dm):
    r = dm("stations_v1.csv", "stations_v2.csv", "--key", "station_id", "--show-unchanged")
    assert (
        "2 rows changed\n\n"
        "  station_id: S01\n"
        '    docks: "12" => "16"\n'
        '    district: "North" => "Harbour"\n\n'
        "    Unchanged:\n"
        '      name: "Harbour Gate"\n'
        '      zone: "A"\n\n'
        "  station_id: S04\n"
        '    docks: "10" => "14"\n\n'
        "    Unchanged:\n"
        '      name: "Tannery Yard"\n'
        '      district: "West"\n'
        '      zone: "B"\n\n'
        "1 row added\n"
    ) in r.stdout


def test_show_unchanged_lists_a_non_key_column_named_id_df_fix_2(workdir, dm):
    (workdir / "a.csv").write_text("code,id,v\nA,1,x\n")
    (workdir / "b.csv").write_text("code,id,v\nA,1,y\n")
    r = dm("a.csv", "b.csv", "--key", "code", "--show-unchanged")
    assert r.stdout == (
        '1 row changed\n\n  code: A\n    v: "x" => "y"\n\n    Unchanged:\n      id: "1"\n'
    )


def test_extras_in_every_block_df_txt_5(workdir, dm):
    r = dm(
        "stations_v1.csv", "stations_v2.csv", "--key", "station_id",
        "--extra", "label", "{name} ({district})", "--extra", "op", "[{operator}]",
    )  # fmt: skip
    assert r.exit_code == 0
    assert (
        '  station_id: S04\n    docks: "10" => "14"\n'
        "  extras:\n    label: Tannery Yard (West)\n    op: [Pedal Co]\n\n"
    ) in r.stdout
    assert "  operator: CityBikes\n  extras:\n    label: Ropewalk, Upper ()\n" in r.stdout
    # A column missing from this row (operator in a removed row) formats as "".
    assert r.stdout.endswith("  zone: A\n  extras:\n    label: Mill Lane (North)\n    op: []\n")


def test_extras_errors_df_txt_5(workdir, dm):
    r = dm("stations_v1.csv", "stations_v2.csv", "--key", "station_id", "--extra", "x", "{stn}")
    assert (r.exit_code, r.stdout) == (2, "")
    assert r.stderr == 'Error: --extra "x": no column named "stn"\n'
    r = dm("stations_v1.csv", "stations_v2.csv", "--key", "station_id", "--extra", "x", "{name")
    assert r.exit_code == 2
    assert r.stderr == (
        "Error: --extra \"x\": invalid format string: expected '}' before end of string\n"
    )


def test_max_rows_truncates_each_row_section_df_txt_6(workdir, dm):
    (workdir / "a.csv").write_text("id,v\n1,a\n2,b\n3,c\n")
    (workdir / "b.csv").write_text("id,v\n1,A\n2,B\n4,d\n5,e\n6,f\n")
    r = dm("a.csv", "b.csv", "--key", "id", "--max-rows", "1")
    assert r.stdout == (
        "2 rows changed, 3 rows added, 1 row removed\n\n"
        "2 rows changed\n\n"
        '  id: 1\n    v: "a" => "A"\n\n'
        "  ... and 1 more\n\n"
        "3 rows added\n\n"
        "  id: 4\n  v: d\n\n"
        "  ... and 2 more\n\n"
        "1 row removed\n\n"
        "  id: 3\n  v: c\n"
    )
    r = dm("a.csv", "b.csv", "--key", "id", "--max-rows", "0")
    assert r.stdout == (
        "2 rows changed, 3 rows added, 1 row removed\n\n"
        "2 rows changed\n\n  ... and 2 more\n\n"
        "3 rows added\n\n  ... and 3 more\n\n"
        "1 row removed\n\n  ... and 1 more\n"
    )


def test_column_counts_block_df_txt_7(workdir, dm):
    r = dm(
        "stations_v1.csv", "stations_v2.csv", "--key", "station_id",
        "--column-counts", "--max-rows", "1",
    )  # fmt: skip
    assert r.stdout.startswith(
        "1 column added, 1 column removed, 2 rows changed, 1 row added, 1 row removed\n\n"
        "Changes by column\n\n  docks: 2 rows\n  district: 1 row\n\n1 column added\n"
    )
    assert '    district: "North" => "Harbour"\n\n  ... and 1 more\n\n1 row added\n' in r.stdout


def test_values_keep_quotes_and_line_breaks_raw(workdir, dm):
    (workdir / "a.csv").write_text('id,v\n1,"say ""hi""\nthere"\n')
    (workdir / "b.csv").write_text("id,v\n1,plain\n")
    r = dm("a.csv", "b.csv", "--key", "id")
    assert r.stdout == '1 row changed\n\n  id: 1\n    v: "say "hi"\nthere" => "plain"\n'


def test_exit_code_option_df_gen_3(workdir, dm):
    assert dm("stations_v1.csv", "stations_v2.csv", "--key", "station_id").exit_code == 0
    r = dm("stations_v1.csv", "stations_v2.csv", "--key", "station_id", "--exit-code")
    assert r.exit_code == 1 and r.stdout == WORKED
    same = dm("stations_v1.csv", "stations_v1.csv", "--key", "station_id", "--exit-code")
    assert same.exit_code == 0


def test_exit_code_counts_differences_after_ignore(workdir, dm):
    (workdir / "a.csv").write_text("id,v,w\n1,a,x\n")
    (workdir / "b.csv").write_text("id,v,w\n1,a,y\n")
    r = dm("a.csv", "b.csv", "--key", "id", "--ignore", "w", "--exit-code")
    assert (r.exit_code, r.stdout) == (0, "\n")
    assert dm("a.csv", "b.csv", "--key", "id", "--exit-code").exit_code == 1


def test_without_key_an_edit_is_removal_plus_addition_df_key_3(workdir, dm):
    (workdir / "a.csv").write_text("a,b\n1,x\n2,y\n2,y\n2,y\n")
    (workdir / "b.csv").write_text("b,a\nx,1\ny,2\nz,3\n")
    r = dm("a.csv", "b.csv")
    assert r.stdout == (
        "1 row added, 2 rows removed\n\n1 row added\n\n  b: z\n  a: 3\n\n"
        "2 rows removed\n\n  a: 2\n  b: y\n\n  a: 2\n  b: y\n"
    )
