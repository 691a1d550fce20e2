#!/usr/bin/env python3
"""Benchmark ``datamill diff`` against csv-diff 1.2 and the pure-Python floor (DF-PERF).

One run generates the gen_trees.py pairs (cached in bench/_data/), times every
command alone under ``/usr/bin/time -v`` (median of --runs), checks that
datamill's text and JSON are byte-identical to csv-diff's and that the counts
match the generator's manifest, and prints one table of wall time, peak RSS
and the ratios to csv-diff and to ``baseline_keyed_hash.py`` measured in the
same run. ``--report FILE`` also writes the table as Markdown.

    python bench/diff.py                 # 190k, 190k schema, 190k pad, 1M
    python bench/diff.py --with-10m      # plus the 10M pair (about 9 GB RAM to generate)
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = next(
    (p for p in (HERE.parent.parent.parent / "shared" / "bench", Path("/work/shared/bench"))
     if (p / "gen_trees.py").exists()),
    None,
)  # fmt: skip
BIN = Path(sys.executable).parent
PAIRS = {
    "190k": (190_000, 1280, 300, 2151),
    "1M": (1_000_000, 6737, 1579, 11321),
    "10M": (10_000_000, 67368, 15789, 113211),
}


def run(cmd: list[str], out: Path, data: Path) -> tuple[float, float, float]:
    """Run ``cmd`` alone; return (wall seconds, peak RSS MB, CPU seconds)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        with open(out, "wb") as stdout:
            proc = subprocess.run(
                ["/usr/bin/time", "-v", "-o", tf.name, *cmd],
                stdout=stdout, stderr=subprocess.PIPE, cwd=data,
            )  # fmt: skip
        if proc.returncode != 0:
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode()}")
        wall = rss = cpu = 0.0
        for line in tf.read().splitlines():
            if "User time (seconds)" in line or "System time (seconds)" in line:
                cpu += float(line.rsplit(" ", 1)[1])
            if "Elapsed (wall clock)" in line:
                for part in line.rsplit(" ", 1)[1].split(":"):
                    wall = wall * 60 + float(part)
            if "Maximum resident set size" in line:
                rss = int(line.split()[-1]) / 1024
    return wall, rss, cpu


def interleaved(jobs: dict, data: Path, runs: int) -> dict:
    """Run every job once per round, ``runs`` rounds, so load drifts hit all tools alike.

    ``jobs`` maps a label to ``(cmd, out)``; returns label -> medians (wall, RSS, CPU).
    """
    samples: dict = {label: [] for label in jobs}
    for _ in range(runs):
        for label, (cmd, out) in jobs.items():
            samples[label].append(run(cmd, out, data))
    return {
        label: tuple(statistics.median(s[i] for s in got) for i in range(3))
        for label, got in samples.items()
    }


def gen(data: Path, tag: str) -> None:
    rows, added, removed, changed = PAIRS[tag]
    gen_py = [sys.executable, str(SHARED / "gen_trees.py"), "--quiet"]
    a, b, m = data / f"{tag}_a.csv", data / f"{tag}_b.csv", data / f"{tag}_manifest.json"
    if not a.exists():
        subprocess.run([*gen_py, "--rows", str(rows), "--seed", "1", "--out", str(a)], check=True)
    recipe = ["--derive", str(a), "--added", str(added), "--removed", str(removed),
              "--changed", str(changed), "--seed", "2"]  # fmt: skip
    if not b.exists():
        subprocess.run([*gen_py, *recipe, "--out", str(b), "--manifest", str(m)], check=True)
    if tag == "190k":
        s = data / "190k_schema.csv"
        if not s.exists():
            subprocess.run([*gen_py, *recipe, "--out", str(s), "--drop-column", "PermitNotes",
                            "--add-column", "Steward=DPW"], check=True)  # fmt: skip
        for src in (a, b):
            padded = data / src.name.replace(".csv", "_pad.csv")
            if not padded.exists():
                pad(src, padded)


def pad(src: Path, dst: Path) -> None:
    """Copy a CSV adding a column that holds the same 1 KiB value in every row."""
    value = "p" * 1024
    with open(src, newline="") as fin, open(dst, "w", newline="") as fout:
        reader, writer = csv.reader(fin), csv.writer(fout, lineterminator="\n")
        writer.writerow([*next(reader), "Pad"])
        for row in reader:
            writer.writerow([*row, value])


def counts_match_manifest(json_out: Path, manifest: Path) -> bool:
    result = json.loads(json_out.read_text())
    truth = json.loads(manifest.read_text())
    want = {k: truth.get(k) for k in ("added", "removed", "changed")}
    got = {"added": result["added"], "removed": result["removed"], "changed": result["changed"]}
    return all(
        len(got[k]) == (len(v) if isinstance(v, (list, dict)) else v) for k, v in want.items()
    )


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=HERE / "_data")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument(
        "--with-10m", action="store_true", help="also run the 10M pair (datamill and floor)"
    )
    p.add_argument("--skip-1m", action="store_true")
    p.add_argument("--report", type=Path, help="also write the table as Markdown here")
    args = p.parse_args()
    if SHARED is None:
        raise SystemExit("shared/bench/gen_trees.py not found")
    data = args.data
    data.mkdir(parents=True, exist_ok=True)
    out = data / "out"
    out.mkdir(exist_ok=True)
    dm = [sys.executable, "-m", "datamill", "diff"]
    cd = [str(BIN / "csv-diff")]
    floor = [sys.executable, str(SHARED / "baseline_keyed_hash.py")]
    rows: list[list[str]] = []
    problems: list[str] = []
    own: dict[str, tuple[float, float]] = {}

    def bench(label, a, b, *, peers=True, modes=("text", "json"), gate=True, manifest=None):
        jobs = {}
        for mode in modes:
            flag = ["--json"] if mode == "json" else []
            jobs[("datamill", mode)] = ([*dm, a, b, "--key", "TreeID", *flag],
                                        out / f"{label}.dm.{mode}")  # fmt: skip
            if peers:
                jobs[("csv-diff", mode)] = ([*cd, a, b, "--key=TreeID", *flag],
                                            out / f"{label}.cd.{mode}")  # fmt: skip
        jobs[("floor", "-")] = ([*floor, a, b], out / f"{label}.floor")
        results = interleaved(jobs, data, args.runs)
        for mode in modes:
            o_dm = out / f"{label}.dm.{mode}"
            if peers and gate and o_dm.read_bytes() != (out / f"{label}.cd.{mode}").read_bytes():
                problems.append(f"{label} {mode}: output differs from csv-diff")
            if (
                mode == "json"
                and manifest is not None
                and not counts_match_manifest(o_dm, manifest)
            ):
                problems.append(f"{label}: counts differ from the manifest")
        fl = results[("floor", "-")]
        for (tool, mode), (wall, rss, cpu) in results.items():
            peer = results.get(("csv-diff", mode))
            mine = tool != "csv-diff" and peer
            rows.append([
                label, tool, mode, f"{wall:.2f}", f"{cpu:.2f}", f"{rss:.0f}",
                f"{wall / peer[0]:.2f}" if mine else "",
                f"{cpu / peer[2]:.2f}" if mine else "",
                f"{wall / fl[0]:.2f}",
            ])  # fmt: skip
        return results

    gen(data, "190k")
    r190 = bench("190k", "190k_a.csv", "190k_b.csv", manifest=data / "190k_manifest.json")
    own["190k"] = r190[("datamill", "text")]
    rs = bench("190k schema", "190k_a.csv", "190k_schema.csv")
    rp = bench("190k + 1 KiB pad", "190k_a_pad.csv", "190k_b_pad.csv", peers=False,
               modes=("text",), gate=False)  # fmt: skip
    checks = []
    for mode in ("text", "json"):
        ratio = r190[("datamill", mode)][0] / r190[("csv-diff", mode)][0]
        checks.append((f"190k {mode}: <= 0.5x csv-diff", ratio <= 0.5, f"{ratio:.2f}x"))
        checks.append((f"190k {mode}: <= 120 MB", r190[("datamill", mode)][1] <= 120,
                       f"{r190[('datamill', mode)][1]:.0f} MB"))  # fmt: skip
    ratio = rs[("datamill", "text")][0] / own["190k"][0]
    checks.append(("190k schema: <= 1.5x own 190k text", ratio <= 1.5, f"{ratio:.2f}x"))
    checks.append(("190k schema: <= 120 MB", rs[("datamill", "text")][1] <= 120,
                   f"{rs[('datamill', 'text')][1]:.0f} MB"))  # fmt: skip
    grow = rp[("datamill", "text")][1] - own["190k"][1]
    checks.append(("190k pad: RSS <= 190k RSS + 16 MB", grow <= 16, f"{grow:+.0f} MB"))
    if not args.skip_1m:
        gen(data, "1M")
        r1m = bench("1M", "1M_a.csv", "1M_b.csv", manifest=data / "1M_manifest.json")
        for mode in ("text", "json"):
            ratio = r1m[("datamill", mode)][0] / r1m[("csv-diff", mode)][0]
            checks.append((f"1M {mode}: <= 0.5x csv-diff", ratio <= 0.5, f"{ratio:.2f}x"))
            checks.append((f"1M {mode}: <= 400 MB", r1m[("datamill", mode)][1] <= 400,
                           f"{r1m[('datamill', mode)][1]:.0f} MB"))  # fmt: skip
    if args.with_10m:
        gen(data, "10M")
        r10 = bench("10M", "10M_a.csv", "10M_b.csv", peers=False, modes=("text",), gate=False)
        checks.append(("10M text: RSS < 1.5 GB", r10[("datamill", "text")][1] < 1536,
                       f"{r10[('datamill', 'text')][1]:.0f} MB"))  # fmt: skip

    header = ["pair", "tool", "output", "wall s", "CPU s", "peak RSS MB", "wall x csv-diff",
              "CPU x csv-diff", "wall x floor"]  # fmt: skip
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [" | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    lines.append("")
    lines += [f"{'PASS' if ok else 'FAIL'}  {name} ({value})" for name, ok, value in checks]
    lines += [f"FAIL  {problem}" for problem in problems] or [
        "PASS  outputs byte-identical to csv-diff; counts match manifests"
    ]
    engine = (
        f"engine: datamill pure-Python streaming raw-record hash (no native dependency); "
        f"Python {platform.python_version()}, {platform.machine()}, median of {args.runs} runs"
    )
    print(engine)
    print("\n".join(lines))
    if args.report:
        md = [f"# datamill diff benchmark\n\n{engine}\n", "| " + " | ".join(header) + " |",
              "|" + "---|" * len(header)]  # fmt: skip
        md += ["| " + " | ".join(r) + " |" for r in rows]
        md += ["", *[f"- {'PASS' if ok else 'FAIL'} {n} ({v})" for n, ok, v in checks]]
        md += [f"- FAIL {x}" for x in problems] or [
            "- PASS outputs byte-identical to csv-diff; counts match manifests"
        ]
        args.report.write_text("\n".join(md) + "\n")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
