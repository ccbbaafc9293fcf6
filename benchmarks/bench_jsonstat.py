"""Benchmark: read a 1,000,000-cell JSON-stat 2.0 file with read_jsonstat and with pyjstat 2.4.

Run: /work/venv/bin/python benchmarks/bench_jsonstat.py [--regions 500] [--repeat 3]

The file is SSB-shaped: Region (500) × Alder (10) × Kjonn (2) × ContentsCode (2)
× Tid (50) = 1,000,000 cells, 2 % of them null with an SSB status symbol in an
index → symbol ``status`` object. Each reader runs in its own fresh Python
process (file read + JSON parse + frame), so the peak resident memory printed
is that reader's alone. pyjstat is what a Python user would otherwise reach for
(``Dataset.read(text).write("dataframe")``); it ignores ``status``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

SYMBOLS = ["..", ".", ":", "-", "..."]

OURS = """
import resource, sys, time
from utenforskap.io import read_jsonstat
best = float("inf")
for _ in range({repeat}):
    start = time.perf_counter()
    frame = read_jsonstat(sys.argv[1])
    best = min(best, time.perf_counter() - start)
    rows, statuses = len(frame), int((frame["status"] != "").sum())
    del frame
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(best, peak, rows, statuses)
"""

PYJSTAT = """
import resource, sys, time
from pyjstat import pyjstat
best = float("inf")
for _ in range({repeat}):
    start = time.perf_counter()
    with open(sys.argv[1], encoding="utf-8") as stream:
        frame = pyjstat.Dataset.read(stream.read()).write("dataframe", naming="id")
    best = min(best, time.perf_counter() - start)
    rows, statuses = len(frame), 0
    del frame
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(best, peak, rows, statuses)
"""


def build(path: Path, regions: int, seed: int = 7) -> int:
    """Write the benchmark file and return its number of cells."""
    rng = np.random.default_rng(seed)
    dims = {
        "Region": [f"{3000 + i:04d}" for i in range(regions)],
        "Alder": [f"{a:03d}" for a in range(16, 26)],
        "Kjonn": ["1", "2"],
        "ContentsCode": ["NEETPers", "Personer"],
        "Tid": [str(y) for y in range(1975, 2025)],
    }
    sizes = [len(v) for v in dims.values()]
    n = int(np.prod(sizes))
    values = rng.integers(0, 5000, n).astype(object)
    flagged = np.sort(rng.choice(n, size=n // 50, replace=False))
    values[flagged] = None
    document = {
        "version": "2.0",
        "class": "dataset",
        "label": "Benchmark: synthetic SSB-shaped table",
        "source": "synthetic",
        "updated": "2025-01-01T00:00:00Z",
        "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
        "id": list(dims),
        "size": sizes,
        "dimension": {
            d: {
                "label": d,
                "category": {
                    "index": {c: i for i, c in enumerate(codes)},
                    "label": {c: f"{c} label" for c in codes},
                },
            }
            for d, codes in dims.items()
        },
        "value": values.tolist(),
        "status": {str(i): SYMBOLS[i % len(SYMBOLS)] for i in flagged.tolist()},
    }
    path.write_text(json.dumps(document, separators=(",", ":")), encoding="utf-8")
    return n


def run(script: str, path: Path, repeat: int) -> tuple[float, float, int, int]:
    out = subprocess.run(
        [sys.executable, "-c", script.format(repeat=repeat), str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[0]), float(out[1]), int(out[2]), int(out[3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=500, help="500 regions = 1,000,000 cells")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.json"
        cells = build(path, args.regions)
        size_mb = path.stat().st_size / 1e6
        ours = run(OURS, path, args.repeat)
        theirs = run(PYJSTAT, path, args.repeat)
    print(f"JSON-stat 2.0 file: {cells:,} cells, 5 dimensions, 2 % with status, {size_mb:.1f} MB")
    print(
        f"{'reader':<28}{'best of ' + str(args.repeat) + ' (s)':>16}{'peak RSS (MB)':>16}"
        f"{'rows':>12}{'statuses':>10}"
    )
    for name, (seconds, peak, rows, statuses) in (
        ("utenforskap.read_jsonstat", ours),
        ("pyjstat 2.4 Dataset.read", theirs),
    ):
        print(f"{name:<28}{seconds:>16.3f}{peak:>16.0f}{rows:>12,}{statuses:>10,}")
    print(
        f"speed-up: {theirs[0] / ours[0]:.1f}x (target >= 5x); "
        f"peak memory {ours[1]:.0f} MB (target < 1024 MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
