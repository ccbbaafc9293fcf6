"""Speed and memory of the risk index's Monte Carlo: 1,000 districts × 20 indicators × 10,000 draws.

Prints our vectorised, chunked run (numpy over draws × indicators × districts,
threads over chunks) beside the plain loop an analyst would otherwise write
(per draw, per indicator: draw with scipy, score with ``pandas.qcut``, average,
rank), timed on a few draws and scaled up. The machine is shared (2 cores,
several agents): the load average is printed with the figures; treat them as
upper bounds.

Run: ``python benchmarks/bench_risk.py [--districts 1000] [--indicators 20] [--draws 10000]``
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import numpy as np
import pandas as pd
from scipy import stats


def synthetic_frame(districts: int, indicators: int, seed: int = 7) -> pd.DataFrame:
    """A published IndicatorFrame: ``districts`` districts of kommune 9901 plus the kommune."""
    from utenforskap import frames as F
    from utenforskap.disclosure import suppress
    from utenforskap.indicators import compute_indicators

    rng = np.random.default_rng(seed)
    codes = [f"9901{i:04d}" for i in range(1, districts + 1)]
    rows = []
    for k in range(indicators):
        n = rng.integers(150, 3000, size=districts).astype(float)
        p = rng.beta(2, 12, size=districts)
        x = rng.binomial(n.astype(int), p).astype(float)
        for code, xi, ni in zip(codes, x, n, strict=True):
            rows.append((f"ind{k:02d}", code, "", "2024", "16-25", "total", xi, ni, ""))
        rows.append((f"ind{k:02d}", "9901", "", "2024", "16-25", "total", x.sum(), n.sum(), ""))
    counts = pd.DataFrame(rows, columns=list(F.COUNT_COLUMNS)).astype(
        {
            c: object
            for c in (F.INDICATOR, F.REGION, F.REGION_NAME, F.PERIOD, F.AGE, F.SEX, F.STATUS)
        }
    )
    return suppress(compute_indicators(counts))


def plain_loop(frame: pd.DataFrame, draws: int, seed: int = 1) -> np.ndarray:
    """The per-draw, per-indicator loop: scipy draws, pandas deciles, mean, rank."""
    rng = np.random.default_rng(seed)
    rows = frame[(frame["region"] != "9901") & ~frame["suppressed"]]
    groups = [g for _, g in rows.groupby("indicator", sort=True)]
    regions = sorted(set(rows["region"]))
    ranks = np.empty((draws, len(regions)))
    for d in range(draws):
        total = pd.Series(0.0, index=regions)
        count = pd.Series(0, index=regions)
        for g in groups:
            x, n = g["numerator"].to_numpy(), g["denominator"].to_numpy()
            p = stats.beta.rvs(x + 0.5, n - x + 0.5, random_state=rng)
            score = pd.qcut(pd.Series(p, index=g["region"]), 10, labels=False) + 1
            total = total.add(score, fill_value=0.0)
            count = count.add(pd.Series(1, index=g["region"]), fill_value=0)
        ranks[d] = (total / count).rank(ascending=False).to_numpy()
    return ranks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=1000)
    parser.add_argument("--indicators", type=int, default=20)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--loop-draws", type=int, default=20)
    args = parser.parse_args()

    from utenforskap.risk import risk_index

    frame = synthetic_frame(args.districts, args.indicators)
    hidden = int(frame["suppressed"].sum())
    print(
        f"{args.districts} districts × {args.indicators} indicators × {args.draws} draws "
        f"({hidden} hidden cells); load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs (shared machine)"
    )
    risk_index(frame, draws=10, seed=1)  # warm up imports
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process before the draws: peak RSS {base:.0f} MB")
    for method in ("deciles", "zscore", "rank"):
        start, cpu = time.perf_counter(), time.process_time()
        result = risk_index(frame, method=method, draws=args.draws, seed=1)
        took, used = time.perf_counter() - start, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"utenforskap risk_index(method={method!r:10}) wall {took:6.2f} s  "
            f"CPU {used:6.2f} s  peak RSS so far {peak:6.0f} MB  "
            f"(region 1: rank interval {result.composite['rank_lower'].iloc[0]:g}–"
            f"{result.composite['rank_upper'].iloc[0]:g})"
        )
    start = time.perf_counter()
    plain_loop(frame, args.loop_draws)
    took = time.perf_counter() - start
    print(
        f"plain loop (scipy + pandas.qcut per draw × indicator): {took:6.2f} s for "
        f"{args.loop_draws} draws → about {took / args.loop_draws * args.draws:,.0f} s "
        f"for {args.draws}"
    )


if __name__ == "__main__":
    main()
