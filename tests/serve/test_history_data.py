"""The data layer of the history views (serve.md SV-HIST-1..4, SV-ERR-2) over track.md HI-11."""

from __future__ import annotations

import base64
import json
import random
import re
import sqlite3

import pytest
from history_fixtures import HI11, build_history, git_history_08, open_read_only

from datamill.serve.authorizer import Authorizer
from datamill.serve.history import (
    HistoryViewError,
    check_history_database,
    commit_page,
    diff,
    is_history_database,
    namespaces,
    timeline,
    viewable_namespaces,
)


@pytest.fixture
def depot(tmp_path):
    """HI-11 built by ``datamill history``; yields the read-only connection and the hashes."""
    db = tmp_path / "depot.db"
    hashes = build_history(db, tmp_path / "depot", HI11, "--id", "station_id", "--csv")
    conn = open_read_only(db)
    yield conn, hashes
    conn.close()


@pytest.fixture
def legacy(tmp_path):
    """HI-11 as git-history 0.8 leaves it."""
    db = tmp_path / "gh08.db"
    git_history_08(db)
    conn = open_read_only(db)
    yield conn
    conn.close()


def error_of(call, *args, **kwargs) -> tuple[int, str]:
    with pytest.raises(HistoryViewError) as info:
        call(*args, **kwargs)
    return info.value.status, info.value.message


# SV-HIST-1: detection and the namespace listing
def test_detection_and_listing(depot, tmp_path):
    conn, hashes = depot
    assert is_history_database(conn)
    assert viewable_namespaces(conn) == ["item"]
    check_history_database(conn, "depot")
    assert namespaces(conn) == [
        {
            "name": "item",
            "items": 3,
            "versions": 6,
            "commits": 3,
            "first_commit_at": "2024-05-02T06:00:00+00:00",
            "last_commit_at": "2024-05-02T06:02:00+00:00",
        }
    ]
    plain = tmp_path / "garden.db"
    with sqlite3.connect(plain) as setup:
        setup.execute("create table plants (id integer primary key, name text)")
    setup.close()
    other = open_read_only(plain)
    assert (is_history_database(other), viewable_namespaces(other), namespaces(other)) == (
        False,
        [],
        [],
    )
    assert error_of(check_history_database, other, "garden") == (
        404,
        "Database garden has no history tables",
    )
    for call in (commit_page, timeline, diff):
        args = (1,) if call is timeline else ()
        assert error_of(call, other, "item", *args) == (404, "History namespace not found: item")
    other.close()


def test_namespace_without_version_table_is_not_viewable(tmp_path):
    db = tmp_path / "h.db"
    build_history(db, tmp_path / "repo", HI11, "--id", "station_id", "--csv")
    # Without --id the 0.8 layout has no version table (HI-5): not viewable.
    build_history(db, tmp_path / "repo", HI11[:1], "--csv", "--namespace", "plain")
    conn = open_read_only(db)
    assert [row[0] for row in conn.execute("select name from namespaces order by id")] == [
        "item",
        "plain",
    ]
    assert viewable_namespaces(conn) == ["item"]
    assert [entry["name"] for entry in namespaces(conn)] == ["item"]
    assert error_of(commit_page, conn, "plain") == (404, "History namespace not found: plain")
    assert error_of(diff, conn, "nope") == (404, "History namespace not found: nope")
    conn.close()


# SV-HIST-1/2: commits newest first with their counts, first message line
def test_commit_page(depot):
    conn, (a, b, c) = depot
    commits, token = commit_page(conn, "item")
    assert token is None
    assert commits == [
        {"id": 3, "hash": c, "commit_at": "2024-05-02T06:02:00+00:00", "message": "Version 3",
         "added": 0, "changed": 0, "removed": 0, "readded": 1},
        {"id": 2, "hash": b, "commit_at": "2024-05-02T06:01:00+00:00", "message": "Version 2",
         "added": 1, "changed": 1, "removed": 1, "readded": 0},
        {"id": 1, "hash": a, "commit_at": "2024-05-02T06:00:00+00:00", "message": "Version 1",
         "added": 2, "changed": 0, "removed": 0, "readded": 0},
    ]  # fmt: skip


def test_paging_returns_each_commit_once(tmp_path):
    db = tmp_path / "p.db"
    versions = [f"station_id,docks\nS01,{n}\n" + ("S02,1\n" if n % 3 else "") for n in range(7)]
    build_history(db, tmp_path / "repo", versions, "--id", "station_id", "--csv")
    conn = open_read_only(db)
    for size in (1, 2, 3, 7, 8):
        seen, token, pages = [], None, 0
        while True:
            page, token = commit_page(conn, "item", size=size, after=token)
            seen += [commit["id"] for commit in page]
            pages += 1
            if token is None:
                break
            assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
        assert seen == [7, 6, 5, 4, 3, 2, 1]
        assert pages == -(-7 // size)
    first, token = commit_page(conn, "item", size=2)
    second, _ = commit_page(conn, "item", size=2, after=token)
    counts = [tuple(x[k] for k in ("id", "added", "changed", "removed", "readded")) for x in first + second]  # fmt: skip
    assert counts == [(7, 0, 1, 1, 0), (6, 0, 1, 0, 0), (5, 0, 1, 0, 1), (4, 0, 1, 1, 0)]
    assert commit_page(conn, "item", size=0) == ([], None)
    huge = base64.urlsafe_b64encode(b"before:" + b"9" * 20).decode().rstrip("=")
    for bad in ("", "x", "!!", token + "A", token.lower(), token + "=", "YmVmb3JlOjA", huge):
        assert error_of(commit_page, conn, "item", after=bad) == (400, "Invalid _next token")
    conn.close()


# SV-HIST-3: the item's story; readded shows the change across the gap
def test_timeline(depot):
    conn, (a, b, c) = depot
    story = timeline(conn, "item", "2")
    assert story["item"] == {
        "_id": 2,
        "_item_id": story["item"]["_item_id"],
        "station_id": "S02",
        "name": "Mill Lane",
        "docks": "9",
        "_commit": 3,
        "_removed": 0,
    }
    all_columns = ["station_id", "name", "docks"]
    first = {"id": 1, "hash": a, "commit_at": "2024-05-02T06:00:00+00:00", "message": "Version 1"}
    assert story["versions"] == [
        {"version": 1, "change": "added", "commit": first, "changed_columns": all_columns,
         "values": {"station_id": "S02", "name": "Mill Lane", "docks": "8"}, "previous": None},
        {"version": 2, "change": "removed",
         "commit": {"id": 2, "hash": b, "commit_at": "2024-05-02T06:01:00+00:00",
                    "message": "Version 2"},
         "changed_columns": [], "values": {"station_id": None, "name": None, "docks": None},
         "previous": {"station_id": "S02", "name": "Mill Lane", "docks": "8"}},
        {"version": 3, "change": "readded",
         "commit": {"id": 3, "hash": c, "commit_at": "2024-05-02T06:02:00+00:00",
                    "message": "Version 3"},
         "changed_columns": all_columns,
         "values": {"station_id": "S02", "name": "Mill Lane", "docks": "9"},
         "previous": {"station_id": "S02", "name": "Mill Lane", "docks": "8"}},
    ]  # fmt: skip
    s01 = timeline(conn, "item", 1)["versions"]
    assert [(v["change"], v["changed_columns"], v["values"], v["previous"]) for v in s01[1:]] == [
        ("changed", ["docks"], {"docks": "16"}, {"docks": "12"})
    ]
    json.dumps(story)  # JSON-ready as returned
    for missing in ("99", "abc", "1.5", 0, "99999999999999999999"):
        assert error_of(timeline, conn, "item", missing) == (404, f"Item not found: {missing}")


# SV-HIST-4: the spec's example, defaults and refs
def test_diff_worked_example(depot):
    conn, (a, b, c) = depot
    result = diff(conn, "item", "1", "3")
    assert list(result) == ["from", "to", "counts", "added", "removed", "changed", "truncated"]
    assert result["from"]["id"] == 1 and result["to"]["id"] == 3
    assert result["counts"] == {"added": 1, "removed": 0, "changed": 2}
    assert result["added"] == [
        {"_item": 3, "station_id": "S03", "name": "Quarry Road", "docks": "15"}
    ]
    assert list(result["added"][0])[0] == "_item"
    assert result["removed"] == []
    assert result["changed"] == [
        {"_item": 1, "changes": {"docks": ["12", "16"]}},
        {"_item": 2, "changes": {"docks": ["8", "9"]}},
    ]
    assert result["truncated"] is False


def test_diff_defaults_reverse_and_readded(depot):
    conn, (a, b, c) = depot
    latest = diff(conn, "item")  # from 2 to 3: S02 comes back
    assert (latest["from"]["id"], latest["to"]["id"]) == (2, 3)
    assert latest["counts"] == {"added": 1, "removed": 0, "changed": 0}
    assert latest["added"] == [{"_item": 2, "station_id": "S02", "name": "Mill Lane", "docks": "9"}]
    second = diff(conn, "item", to_ref="2")  # from defaults to the commit before
    assert second["from"]["hash"] == a
    assert second["counts"] == {"added": 1, "removed": 1, "changed": 1}
    assert second["removed"] == [
        {"_item": 2, "station_id": "S02", "name": "Mill Lane", "docks": "8"}
    ]
    first = diff(conn, "item", to_ref="1")
    assert first["from"] is None
    assert [row["station_id"] for row in first["added"]] == ["S01", "S02"]
    backwards = diff(conn, "item", "3", "1")
    assert backwards["counts"] == {"added": 0, "removed": 1, "changed": 2}
    assert backwards["changed"][1] == {"_item": 2, "changes": {"docks": ["9", "8"]}}
    same = diff(conn, "item", "2", "2")
    assert same["counts"] == {"added": 0, "removed": 0, "changed": 0}


def test_diff_refs(depot):
    conn, (a, b, c) = depot
    by_prefix = diff(conn, "item", a[:7], c[:7].upper())
    assert by_prefix["counts"] == {"added": 1, "removed": 0, "changed": 2}
    assert diff(conn, "item", a, c)["to"]["hash"] == c
    assert error_of(diff, conn, "item", "9") == (400, "Unknown commit: 9")
    huge = "9" * 20
    assert error_of(diff, conn, "item", huge) == (400, f"Unknown commit: {huge}")
    assert error_of(diff, conn, "item", "1", a[:6]) == (400, f"Unknown commit: {a[:6]}")
    assert error_of(diff, conn, "item", "zzzzzzzz") == (400, "Unknown commit: zzzzzzzz")
    unknown = "0000000" if not a.startswith("0000000") else "fffffff"
    assert error_of(diff, conn, "item", unknown) == (400, f"Unknown commit: {unknown}")


def test_diff_caps_each_list(tmp_path):
    db = tmp_path / "cap.db"
    many = "id,v\n" + "".join(f"{n},x\n" for n in range(5))
    changed = "id,v\n" + "".join(f"{n},y\n" for n in range(5))
    build_history(db, tmp_path / "repo", ["id,v\n", many, changed], "--id", "id", "--csv")
    conn = open_read_only(db)
    result = diff(conn, "item", max_rows=2)
    assert result["counts"] == {"added": 0, "removed": 0, "changed": 5}
    assert [row["_item"] for row in result["changed"]] == [1, 2]
    assert result["truncated"] is True
    assert diff(conn, "item", max_rows=5)["truncated"] is False
    nothing = diff(conn, "item", max_rows=0)
    assert (nothing["counts"]["changed"], nothing["changed"], nothing["truncated"]) == (5, [], True)
    conn.close()


# git-history 0.8 databases: no _change, no removals, commits without message
def test_git_history_08_database(legacy):
    assert viewable_namespaces(legacy) == ["item"]
    assert namespaces(legacy)[0]["versions"] == 5
    commits, _ = commit_page(legacy, "item")
    assert [(x["id"], x["message"], x["added"], x["changed"], x["removed"], x["readded"])
            for x in commits] == [(3, None, 0, 1, 0, 0), (2, None, 1, 1, 0, 0),
                                  (1, None, 2, 0, 0, 0)]  # fmt: skip
    story = timeline(legacy, "item", 2)
    assert "_removed" not in story["item"]
    assert [(v["change"], v["changed_columns"], v["values"], v["previous"])
            for v in story["versions"]] == [
        ("added", ["station_id", "name", "docks"],
         {"station_id": "S02", "name": "Mill Lane", "docks": "8"}, None),
        ("changed", ["docks"], {"docks": "9"}, {"docks": "8"}),
    ]  # fmt: skip
    result = diff(legacy, "item", "1", "3")
    assert result["counts"] == {"added": 1, "removed": 0, "changed": 2}
    assert result["changed"][1] == {"_item": 2, "changes": {"docks": ["8", "9"]}}
    assert diff(legacy, "item", "abcdef01")["from"]["id"] == 1
    assert diff(legacy, "item", to_ref="C0FFEE3")["to"]["id"] == 3
    assert error_of(diff, legacy, "item", "abcdef0") == (
        400,
        "Commit prefix abcdef0 matches more than one commit",
    )
    assert error_of(diff, legacy, "item", "abcdef03") == (400, "Unknown commit: abcdef03")


def test_git_history_08_without_changed_table(tmp_path):
    db = tmp_path / "gh08.db"
    git_history_08(db, changed_table=False)
    conn = open_read_only(db)
    story = timeline(conn, "item", "1")
    assert [(v["changed_columns"], v["values"], v["previous"]) for v in story["versions"]] == [
        (["station_id", "name", "docks"],
         {"station_id": "S01", "name": "Harbour Gate", "docks": "12"}, None),
        (["docks"], {"docks": "16"}, {"docks": "12"}),
    ]  # fmt: skip
    assert diff(conn, "item", "1", "3")["counts"] == {"added": 1, "removed": 0, "changed": 2}
    conn.close()


# Compound ids, odd names and values: NULLs, vanishing and new columns, exact types
ODD = [
    [
        {"k 1": "a,b", 'k"2': 1, "c0": 1, "kind": "x", "_id": 5, "v": 1},
        {"k 1": "é ~/", 'k"2': 2, "c0": 2, "kind": "y", "_id": 6, "v": None},
    ],
    [
        {"k 1": "a,b", 'k"2': 1, "c0": 1.5, "kind": None, "_id": 5},
        {"k 1": "é ~/", 'k"2': 2, "c0": 2, "kind": "y", "_id": 6, "v": [1, "two"], "new": "n"},
    ],
]


def test_compound_ids_odd_columns_and_types(tmp_path):
    db = tmp_path / "odd.db"
    versions = [json.dumps(rows) for rows in ODD]
    build_history(db, tmp_path / "repo", versions, "--id", "k 1", "--id", 'k"2',
                  "--namespace", 'odd', path="odd.json")  # fmt: skip
    conn = open_read_only(db)
    assert viewable_namespaces(conn) == ["odd"]
    result = diff(conn, "odd", "1", "2")
    assert result["counts"] == {"added": 0, "removed": 0, "changed": 2}
    assert result["changed"] == [
        {"_item": 1, "changes": {"c0": [1, 1.5], "kind": ["x", None], "v": [1, None]}},
        {"_item": 2, "changes": {"v": [None, '[1, "two"]'], "new": [None, "n"]}},
    ]
    first = diff(conn, "odd", to_ref="1")
    assert first["added"][0] == {
        "_item": 1, "k 1": "a,b", 'k"2': 1, "c0": 1, "kind": "x", "_id_": 5, "v": 1, "new": None,
    }  # fmt: skip
    story = timeline(conn, "odd", 1)["versions"][1]
    assert story["changed_columns"] == ["c0", "kind", "v"]
    assert story["values"] == {"c0": 1.5, "kind": None, "v": None}
    assert story["previous"] == {"c0": 1, "kind": "x", "v": 1}
    conn.close()


def test_removed_and_readded_unchanged_item_is_no_difference(tmp_path):
    db = tmp_path / "gap.db"
    both = "id,v\n1,a\n2,b\n"
    build_history(db, tmp_path / "repo", [both, "id,v\n1,a\n", both], "--id", "id", "--csv")
    conn = open_read_only(db)
    assert diff(conn, "item", "1", "3")["counts"] == {"added": 0, "removed": 0, "changed": 0}
    assert diff(conn, "item", "1", "2")["removed"] == [{"_item": 2, "id": "2", "v": "b"}]
    assert diff(conn, "item", "2", "3")["added"] == [{"_item": 2, "id": "2", "v": "b"}]
    conn.close()


def test_namespaces_keep_their_own_commits(tmp_path):
    db = tmp_path / "two.db"
    build_history(db, tmp_path / "one", HI11, "--id", "station_id", "--csv")
    build_history(db, tmp_path / "two", HI11[:2], "--id", "station_id", "--csv", "-n", "b")
    conn = open_read_only(db)
    assert [(n["name"], n["commits"], n["versions"]) for n in namespaces(conn)] == [
        ("b", 2, 5),
        ("item", 3, 6),
    ]
    commits, _ = commit_page(conn, "b")
    assert [commit["id"] for commit in commits] == [5, 4]
    assert error_of(diff, conn, "b", "1") == (400, "Unknown commit: 1")
    assert diff(conn, "b")["counts"] == {"added": 1, "removed": 1, "changed": 1}
    conn.close()


def random_versions(seed: int, count: int = 6) -> list[list[dict]]:
    """JSON file versions with removals, returns, NULLs, vanishing keys and a late column."""
    rng = random.Random(seed)
    rows = {key: {"key": key, "n": rng.randint(0, 9), "s": rng.choice("xyz")} for key in "abcdef"}
    versions = []
    for number in range(count):
        for row in rows.values():
            if rng.random() < 0.3:
                row["n"] = rng.randint(0, 9)
            if rng.random() < 0.2:
                row["s"] = rng.choice(["x", "y", None])
            if rng.random() < 0.2:
                row.pop("s", None)
            if number >= 2 and rng.random() < 0.4:
                row["f"] = rng.choice([0.5, 1.25, -3.75])
        present = [dict(row) for key, row in rows.items() if rng.random() < 0.75]
        versions.append(present)
    return versions


@pytest.mark.parametrize("seed, full", [(1, False), (2, False), (3, True)])
def test_diff_and_timeline_match_the_files(tmp_path, seed, full):
    """The state folded from the versions equals the file at every commit (SV-HIST-3/4)."""
    versions = random_versions(seed)
    db = tmp_path / "r.db"
    options = ["--id", "key"] + (["--full-versions"] if full else [])
    build_history(db, tmp_path / "repo", [json.dumps(v) for v in versions], *options,
                  path="r.json")  # fmt: skip
    conn = open_read_only(db)
    conn.set_authorizer(Authorizer())  # the served connection's SV-SEC-2 authorizer
    columns = [r[1] for r in conn.execute("pragma table_info(item_version)") if r[1][0] != "_"]
    items = dict(conn.execute("select key, _id from item"))
    ids = [row[0] for row in conn.execute("select id from commits order by id")]
    files = {}
    for commit_id, rows in zip(ids, versions):
        if rows:  # an empty version changes nothing (HI-3)
            files[commit_id] = {row["key"]: {c: row.get(c) for c in columns} for row in rows}
        else:
            files[commit_id] = files[commit_id - 1]
    for a in [0, *ids]:
        for b in ids:
            if not a and b != ids[0]:
                continue  # from defaults to the previous commit; covered by a = b - 1
            before, after = files.get(a, {}), files[b]
            got = diff(conn, "item", str(a) if a else None, str(b))
            expected_changed = [
                {"_item": items[k], "changes": {c: [before[k][c], after[k][c]]
                                                for c in columns if before[k][c] != after[k][c]}}
                for k in sorted(set(before) & set(after), key=items.get)
                if before[k] != after[k]
            ]  # fmt: skip
            assert got["added"] == [
                {"_item": items[k], **after[k]}
                for k in sorted(set(after) - set(before), key=items.get)
            ]
            assert got["removed"] == [
                {"_item": items[k], **before[k]}
                for k in sorted(set(before) - set(after), key=items.get)
            ]
            assert got["changed"] == expected_changed
    for key, pk in items.items():
        state: dict = {}
        for version in timeline(conn, "item", pk)["versions"]:
            assert version["previous"] == (
                None if version["version"] == 1 else {c: state.get(c) for c in version["values"]}
            )
            if version["change"] == "removed":
                assert key not in files[version["commit"]["id"]]
                continue
            state.update(version["values"])
            assert {c: state.get(c) for c in columns} == files[version["commit"]["id"]][key]
    conn.close()
