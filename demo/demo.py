"""The datamill demo: build a SQLite database from the sample trees data, then show it."""

from __future__ import annotations

import csv
import pathlib
import shlex
import subprocess
import sys
import tempfile

import datamill

HERE = pathlib.Path(__file__).parent
DATA = HERE / "data" / "trees.csv"


def main() -> None:
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="datamill-demo-"))
    db_path = workdir / "trees.db"
    print(f"== Library: building {db_path} from {DATA.relative_to(HERE.parent)}")
    db = datamill.Database(db_path)
    with DATA.open(newline="", encoding="utf-8") as f:
        db["trees"].insert_all(csv.DictReader(f), pk="TreeID")
    trees = db["trees"]
    trees.transform(types={"TreeID": int, "DBH": int, "Latitude": float, "Longitude": float})
    trees.create_index(["qSpecies"])
    print(f"{trees.count} rows; schema:\n{trees.schema}\n")
    print("Most common species:")
    for row in db.query(
        "select qSpecies, count(*) as n from trees group by qSpecies order by n desc limit 5"
    ):
        print(f"  {row['n']:>4}  {row['qSpecies']}")

    print("\n== Search: full-text index on species and address, BM25-ranked with snippets")
    trees.enable_fts(["qSpecies", "qAddress"], create_triggers=True)
    for row in trees.search(
        "cherr*", quote=True, limit=3, columns=["TreeID"], include_rank=True, snippet=True
    ):
        print(f"  {row['rank']:8.4f}  #{row['TreeID']:<6} {row['snippet']}")

    db.close()
    print("\n== CLI: convert US-style plant dates to ISO with the r.parsedate recipe")
    run_cli(
        "convert",
        db_path,
        "trees",
        "PlantDate",
        "r.parsedate",
        "--dry-run",
        "--where",
        "length(PlantDate) > 0",
        head=8,
    )
    run_cli("convert", db_path, "trees", "PlantDate", "r.parsedate", "-s")
    print("\n== CLI: column statistics with analyze-tables")
    run_cli("analyze-tables", db_path, "trees", "-c", "PlantDate", "--common-limit", "3")


def run_cli(*args: object, head: int | None = None) -> None:
    """Run ``datamill ARGS`` (showing the database as trees.db) and print its output."""
    command = ["datamill", *map(str, args)]
    print("$ " + shlex.join(command[:2] + ["trees.db"] + command[3:]))
    result = subprocess.run(
        [sys.executable, "-m", *command], capture_output=True, text=True, check=True
    )
    lines = result.stdout.splitlines()
    if head is not None and len(lines) > head:
        lines = lines[:head] + ["..."]
    if lines:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
