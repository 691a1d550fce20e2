#!/usr/bin/env python3
"""Probe: how fast a native columnar engine (polars) finds changed keys (DF-PERF-4).

Not part of datamill: run it from a separate virtualenv that has polars, e.g.
``python -m venv /tmp/nat && /tmp/nat/bin/pip install polars`` then
``/tmp/nat/bin/python bench/diff_native_probe.py OLD.csv NEW.csv``. It reads
both files as text columns, hashes each row and joins on the key: the same
work as datamill's passes 1 and 2, without validation, sniffing or output.
"""

import sys
import time

import polars as pl


def main() -> None:
    old_path, new_path = sys.argv[1], sys.argv[2]
    key = sys.argv[3] if len(sys.argv) > 3 else "TreeID"
    t0 = time.perf_counter()
    old = pl.read_csv(old_path, infer_schema=False)
    new = pl.read_csv(new_path, infer_schema=False)
    common = [c for c in old.columns if c in new.columns]
    a = old.select(pl.col(key), pl.struct(common).hash().alias("h"))
    b = new.select(pl.col(key), pl.struct(common).hash().alias("h"))
    joined = a.join(b, on=key, how="full", coalesce=True, suffix="_new")
    added = joined.filter(pl.col("h").is_null()).height
    removed = joined.filter(pl.col("h_new").is_null()).height
    changed = joined.filter(pl.col("h").is_not_null() & pl.col("h_new").is_not_null()
                            & (pl.col("h") != pl.col("h_new"))).height  # fmt: skip
    print(f"added={added} removed={removed} changed={changed} {time.perf_counter() - t0:.2f}s")


if __name__ == "__main__":
    main()
