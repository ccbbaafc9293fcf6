"""Figure pack speed: 30 districts × 10 indicators, serial against parallel processes.

The pack includes one trend chart per district and indicator (``district_trends``),
so it holds 300+ figures.

Run: /work/venv/bin/python benchmarks/bench_figures.py [--workers N]

Prints, side by side, the time to write the pack (PNG 200 dpi + SVG per figure,
report.pdf, index.html) in one process — what a user gets from a plain loop
over matplotlib figures — and with the pack's process pool, plus a check that
both give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import suppress
from utenforskap.indicators import compute_indicators
from utenforskap.publish import write_figure_pack, write_index
from utenforskap.registry import INDICATORS

DISTRICTS = 30
# The registry's eight and two of a user's own (named by id in the figures).
INDICATOR_IDS = (*list(INDICATORS)[:8], "own_indicator_a", "own_indicator_b")
AGES = ("16-19", "20-25", "16-25")
PERIODS = tuple(str(y) for y in range(2019, 2025))
SEXES = ("total", "male", "female")


def synthetic_frame(seed: int = 7) -> pd.DataFrame:
    """A suppressed IndicatorFrame: DISTRICTS districts of kommune 9901 plus their sum."""
    rng = np.random.default_rng(seed)
    codes = [f"9901{i:02d}" for i in range(1, DISTRICTS + 1)]
    grid = pd.MultiIndex.from_product(
        [INDICATOR_IDS, codes, PERIODS, AGES, SEXES, [F.GROUP_TOTAL]], names=list(F.KEY_COLUMNS)
    ).to_frame(index=False)
    size = rng.integers(20, 900, size=len(codes))
    rate = rng.uniform(0.03, 0.35, size=len(codes))
    where = grid[F.REGION].map(dict(zip(codes, range(len(codes)), strict=True))).to_numpy()
    n = np.maximum(rng.poisson(size[where] * np.where(grid[F.SEX] == "total", 1.0, 0.5)), 1)
    grid[F.DENOMINATOR] = n.astype(float)
    grid[F.NUMERATOR] = rng.binomial(n, rate[where]).astype(float)
    totals = grid.groupby(
        [F.INDICATOR, F.PERIOD, F.AGE, F.SEX, F.GROUP], as_index=False, sort=True
    )[[F.NUMERATOR, F.DENOMINATOR]].sum()
    totals[F.REGION] = "9901"
    counts = pd.concat([grid, totals], ignore_index=True)
    names = {c: f"Delområde {c[-2:]}" for c in codes} | {"9901": "Kommunen"}
    counts[F.REGION_NAME] = counts[F.REGION].map(names)
    counts[F.STATUS] = ""
    counts = counts.astype({c: object for c in (*F.KEY_COLUMNS, F.REGION_NAME, F.STATUS)})
    return suppress(compute_indicators(F.sort_frame(counts[list(F.COUNT_COLUMNS)])))


def run(frame: pd.DataFrame, workers: int) -> tuple[float, int, int, str]:
    """Seconds, figures, files and a digest of every byte written."""
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        start = time.perf_counter()
        figures = write_figure_pack(
            frame,
            out / "figures",
            trend_regions=["990101", "990102"],
            synthetic=True,
            report=out / "report.pdf",
            title="Kommunen",
            district_trends=True,
            workers=workers,
        )
        write_index(figures, out / "figures", title="Kommunen", synthetic=True)
        seconds = time.perf_counter() - start
        files = sorted(p for p in out.rglob("*") if p.is_file())
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode() + path.read_bytes())
        return seconds, len(figures), len(files), digest.hexdigest()[:12]


def main() -> None:
    """Time the pack serially and in parallel; print figures side by side."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    start = time.perf_counter()
    frame = synthetic_frame()
    print(f"frame: {len(frame)} cells, built in {time.perf_counter() - start:.1f} s")
    serial = run(frame, 1)
    parallel = run(frame, args.workers)
    print(f"{'':28}{'serial (1 process)':>20}{f'pool ({args.workers} processes)':>24}")
    print(f"{'figures':28}{serial[1]:>20}{parallel[1]:>24}")
    print(f"{'files (PNG, SVG, PDF, HTML)':28}{serial[2]:>20}{parallel[2]:>24}")
    print(f"{'seconds':28}{serial[0]:>20.1f}{parallel[0]:>24.1f}")
    print(
        f"{'figures per second':28}{serial[1] / serial[0]:>20.1f}{parallel[1] / parallel[0]:>24.1f}"
    )
    print(f"{'sha256 of all bytes':28}{serial[3]:>20}{parallel[3]:>24}")
    print("same bytes:", serial[3] == parallel[3])


if __name__ == "__main__":
    main()
