"""The datamill demo: build a SQLite database from the sample trees data, then show it."""

from __future__ import annotations

import csv
import pathlib
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


if __name__ == "__main__":
    main()
