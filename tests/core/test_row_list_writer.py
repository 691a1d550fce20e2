"""RowListWriter's column conversions (L-IMP-6; used by the CSV ingest and ``csvs``, CS-4)."""

from __future__ import annotations

from datamill.core.database import Database
from datamill.core.insert import InsertOptions, RowListWriter


def test_numbers_empty_cells_and_mapped_columns_convert_per_statement(tmp_path):
    db = Database(tmp_path / "w.db")
    db.execute('create table t ("r" REAL, "i" INTEGER, "s" TEXT, "k" INTEGER, "raw" TEXT)')
    calls = []

    def ids(cells):
        calls.append(list(cells))
        return [None if cell is None else len(cell) for cell in cells]

    options = InsertOptions(batch_size=2, batch_size_explicit=True)
    writer = RowListWriter(db.table("t"), ["r", "i", "s", "k", "raw"], options)
    rows = [
        ["0.1", "7", "", "ab", ""],
        ["", "", "x", None, ""],
        ["1e3", "-2", "", "abc", "y"],
    ]
    writer.write(rows, 1, reals=[0], integers=[1], empty_null=[2], mapped=[(3, ids)])
    assert db.execute("select r, i, s, k, raw, typeof(r), typeof(i) from t").fetchall() == [
        (0.1, 7, None, 2, "", "real", "integer"),
        (None, None, "x", None, "", "null", "null"),
        (1000.0, -2, None, 3, "y", "real", "integer"),
    ]
    assert calls == [["ab", None], ["abc"]]  # one call per statement of 2 rows
