"""The SV-E2E-2 fixture databases: trees.db, history.db and xss.db."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from click.testing import CliRunner

from datamill.cli import cli
from generated_trees import derived_csv, trees_csv
from serve.history_fixtures import build_history

XSS = "<img src=x onerror=alert(1)>"
XSS_VALUES = [
    "</td><script>alert(2)</script>",
    "javascript:alert(3)",
    '"><svg onload=alert(4)>',
]


def run_cli(*args: str) -> None:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, (args, result.output, result.exception)


def build_trees(folder: Path) -> Path:
    """2,000 generated trees, caretakers extracted, searchable, indexed, plus ``big``."""
    source = folder / "trees.csv"
    source.write_text(trees_csv(2000, 1), encoding="utf-8")
    db = folder / "trees.db"
    run_cli("insert", str(db), "trees", str(source), "--csv", "--pk", "TreeID")
    run_cli("extract", str(db), "trees", "qCaretaker", "--table", "caretakers")
    run_cli("enable-fts", str(db), "trees", "qSpecies", "qAddress", "--create-triggers")
    run_cli("create-index", str(db), "trees", "qSpecies")
    with sqlite3.connect(db) as conn:
        conn.execute("create table big (id integer primary key, grp text)")
        conn.execute(
            "insert into big (id, grp) with recursive n(i) as "
            "(select 1 union all select i + 1 from n where i < 200000) "
            "select i, 'group ' || (i % 997) from n"
        )
    conn.close()
    return db


def build_history_db(folder: Path) -> Path:
    """``datamill history`` over 4 commits: 300 trees, then 3 derived versions."""
    repo = folder / "repo"
    repo.mkdir()
    versions = [trees_csv(300, 1)]
    for seed in (2, 3, 4):
        base = folder / "base.csv"
        base.write_text(versions[-1], encoding="utf-8")
        versions.append(derived_csv(base, seed, added=5, removed=3, changed=7))
    db = folder / "history.db"
    build_history(db, repo, versions, "--id", "TreeID", "--csv", path="trees.csv")
    return db


def build_xss(folder: Path) -> Path:
    """A table and a column named like an HTML attack, holding script and URL attacks."""
    db = folder / "xss.db"
    with sqlite3.connect(db) as conn:
        conn.execute(f'create table "{XSS}" (id integer primary key, "{XSS}" text)')
        conn.executemany(
            f'insert into "{XSS}" (id, "{XSS}") values (?, ?)', list(enumerate(XSS_VALUES, 1))
        )
    conn.close()
    return db
