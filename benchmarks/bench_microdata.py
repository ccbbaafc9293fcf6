"""Person-level files → CountFrame: ``ut.aggregate`` beside a hand-written DuckDB query.

The issue's setting (issue 16): 3,600 districts, 10 years, ages 0–29, five
age bands × total/male/female → 540,000 cells. Files are generated on the fly
into a temporary folder (never committed) and removed afterwards.

Each measurement runs in its own process, so peak memory (``ru_maxrss``) is
that path's alone.

Usage::

    python benchmarks/bench_microdata.py            # 10 M rows, CSV (the 1.5x / 1 GB goals)
    python benchmarks/bench_microdata.py --big      # also 100 M rows, Parquet (< 4 GB goal)
    python benchmarks/bench_microdata.py --frame    # also read_microdata + aggregate
    python benchmarks/bench_microdata.py --rows 1000000   # a quick look

The machine is shared: the script prints the load average beside the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BANDS = ["0-17", "15-29", "16-19", "20-25", "16-25"]
BAND_VALUES = ", ".join(f"('{b}', {b.split('-')[0]}, {b.split('-')[1]})" for b in BANDS)


def generate(path: Path, rows: int) -> float:
    """Write ``rows`` synthetic person-years (deterministic: hashes of the row number)."""
    import duckdb

    start = time.perf_counter()
    fmt = "(FORMAT csv, HEADER)" if path.suffix == ".csv" else "(FORMAT parquet)"
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET temp_directory = '{path.parent / 'spill'}'")
    con.execute(
        f"""COPY (SELECT
          CAST(2015 + hash(i * 3 + 1) % 10 AS VARCHAR) AS year,
          i AS person_id,
          CAST(100000 + (hash(i * 3 + 2) % 3600) * 7 AS VARCHAR) AS district,
          CAST(hash(i * 5 + 3) % 30 AS VARCHAR) AS age,
          CASE WHEN hash(i * 7 + 4) % 2 = 0 THEN 'male' ELSE 'female' END AS sex,
          CASE WHEN hash(i * 11 + 5) % 10 = 0 THEN NULL
               WHEN hash(i * 13 + 6) % 9 = 0 THEN '1' ELSE '0' END AS neet
        FROM range({rows}) t(i)) TO '{path}' {fmt}"""
    )
    con.close()
    return time.perf_counter() - start


def hand_written(path: Path) -> int:
    """What a user writes by hand in DuckDB: read, join the bands, GROUPING SETS."""
    import duckdb

    if path.suffix == ".csv":
        types = "{'district': 'VARCHAR', 'year': 'VARCHAR'}"
        scan = f"read_csv('{path}', header = true, types = {types})"
    else:
        scan = f"read_parquet('{path}')"
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET temp_directory = '{path.parent / 'spill'}'")
    cells = con.sql(
        f"""WITH bands(band, lo, hi) AS (VALUES {BAND_VALUES})
        SELECT district, year, band, coalesce(sex, 'total') AS sex,
               sum(CAST(neet AS INTEGER)) AS numerator, count(neet) AS denominator
        FROM {scan} m JOIN bands b ON CAST(m.age AS INTEGER) BETWEEN b.lo AND b.hi
        GROUP BY GROUPING SETS ((district, year, band, sex), (district, year, band))
        HAVING count(neet) > 0"""
    ).df()
    return len(cells)


def ours(path: Path) -> int:
    """``ut.aggregate`` on the file (engine "auto": DuckDB), every value checked, ids too."""
    import utenforskap as ut

    return len(ut.aggregate(path, indicator="neet", bands=BANDS, id="person_id"))


def ours_no_id(path: Path) -> int:
    """``ut.aggregate`` without the duplicate-person check."""
    import utenforskap as ut

    return len(ut.aggregate(path, indicator="neet", bands=BANDS))


def old_calls(path: Path) -> int:
    """The calls of issue 16's table: read every column as Python text, then aggregate."""
    import utenforskap as ut

    micro = ut.read_microdata(path)
    return len(ut.aggregate(micro, indicator="neet", bands=BANDS, id="person_id"))


PATHS = {"hand": hand_written, "ours": ours, "ours_no_id": ours_no_id, "frame": old_calls}


def _child(name: str, path: str) -> None:
    start = time.perf_counter()
    cells = PATHS[name](Path(path))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"cells": cells, "seconds": seconds, "peak_mb": peak}))


def measure(name: str, path: Path, repeat: int) -> dict[str, float]:
    """Run one path ``repeat`` times, each in a fresh process: best time, highest peak memory."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--child", name, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {
        "cells": runs[0]["cells"],
        "seconds": min(r["seconds"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
    }


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--big", action="store_true", help="also 100 M rows as Parquet")
    parser.add_argument(
        "--frame", action="store_true", help="also read_microdata + aggregate (the old calls)"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per path (best time)")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    folder = Path(tempfile.mkdtemp(prefix="utenforskap-bench-"))
    try:
        names = ["hand", "ours", "ours_no_id"]
        runs = [(args.rows, ".csv", names + (["frame"] if args.frame else []), args.repeat)]
        if args.big:
            runs.append((100_000_000, ".parquet", names, 1))
        print(f"# microdata → CountFrame ({_load()})")
        print(
            f"<!-- time: best of {args.repeat} runs for {args.rows:,} rows, one run for 100 M -->"
        )
        print("| rows | file | path | cells | time | peak memory | time vs hand-written |")
        print("|---|---|---|---|---|---|---|")
        for rows, suffix, paths, repeat in runs:
            path = folder / f"micro_{rows}{suffix}"
            made = generate(path, rows)
            size = path.stat().st_size / 1e9
            print(f"<!-- generated {rows:,} rows ({size:.2f} GB) in {made:.1f} s -->")
            results = {name: measure(name, path, repeat) for name in paths}
            hand = results["hand"]["seconds"]
            for name, r in results.items():
                print(
                    f"| {rows:,} | {suffix[1:]} | {name} | {r['cells']:,} | {r['seconds']:.1f} s "
                    f"| {r['peak_mb'] / 1024:.2f} GB | {r['seconds'] / hand:.2f}× |"
                )
            path.unlink()
        print(f"# done ({_load()})")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
