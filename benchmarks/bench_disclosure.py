"""Benchmark: disclosure control of a 1.27-million-row grunnkrets table (time and peak memory).

Run: /work/venv/bin/python benchmarks/bench_disclosure.py [--kommuner 100] [--per-kommune 140]

The table is 14,000 grunnkretser (140 in each of 100 kommuner, the last one the
unknown grunnkrets xxxx9999) plus their kommuner × 10 years × 3 sexes ×
3 age bands (16-19, 20-25 and their total 16-25): 1,269,000 rows. Printed
side by side with what a user would otherwise write: a vectorised primary
mask only (fast, but leaves cells derivable by subtraction), and the secondary
step written as a Python loop over groups, timed on 2 % of the kommuner and
scaled up to the full table.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import require_disclosed, suppress

YEARS = [str(y) for y in range(2014, 2024)]


def _peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def make_table(kommuner: int, per_kommune: int, seed: int = 1) -> pd.DataFrame:
    """Synthetic IndicatorFrame with grunnkretser, kommune totals, sex and age totals."""
    rng = np.random.default_rng(seed)
    k_codes = np.array([f"{3000 + k:04d}" for k in range(kommuner)], dtype=object)
    g_suffix = [f"{g:04d}" for g in range(1, per_kommune)] + ["9999"]
    g_codes = np.array([k + s for k in k_codes for s in g_suffix], dtype=object)
    n_g = len(g_codes)
    # leaves: grunnkrets × year × (male, female) × (16-19, 20-25)
    size = rng.gamma(2.0, 12.0, size=n_g)[:, None, None, None]
    n_leaf = rng.poisson(np.broadcast_to(size, (n_g, len(YEARS), 2, 2))).astype(float)
    x_leaf = rng.binomial(n_leaf.astype(np.int64), 0.08).astype(float)

    def add_totals(a: np.ndarray) -> np.ndarray:
        a = np.concatenate([a.sum(axis=2, keepdims=True), a], axis=2)  # sex: total, m, f
        return np.concatenate([a.sum(axis=3, keepdims=True), a], axis=3)  # age: total, parts

    n_all = add_totals(n_leaf)
    x_all = add_totals(x_leaf)
    n_k = n_all.reshape(kommuner, per_kommune, *n_all.shape[1:]).sum(axis=1)
    x_k = x_all.reshape(kommuner, per_kommune, *x_all.shape[1:]).sum(axis=1)
    regions = np.concatenate([k_codes, g_codes])
    n = np.concatenate([n_k, n_all]).ravel()
    x = np.concatenate([x_k, x_all]).ravel()
    shape = (len(regions), len(YEARS), 3, 3)
    idx = np.indices(shape).reshape(4, -1)
    sexes = np.array(["total", "male", "female"], dtype=object)
    ages = np.array(["16-25", "16-19", "20-25"], dtype=object)
    rows = len(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = x / n * 100
    text = {
        F.INDICATOR: np.full(rows, "neet", dtype=object),
        F.REGION: regions[idx[0]],
        F.REGION_NAME: np.full(rows, "", dtype=object),
        F.PERIOD: np.array(YEARS, dtype=object)[idx[1]],
        F.AGE: ages[idx[3]],
        F.SEX: sexes[idx[2]],
        F.GROUP: np.full(rows, F.GROUP_TOTAL, dtype=object),
    }
    frame = pd.DataFrame({c: pd.Series(v, dtype=object) for c, v in text.items()})
    frame[F.NUMERATOR] = x
    frame[F.DENOMINATOR] = n
    frame[F.STATUS] = pd.Series(np.full(rows, "", dtype=object), dtype=object)
    frame[F.VALUE] = value
    frame[F.CI_LOWER] = value
    frame[F.CI_UPPER] = value
    frame[F.CI_LEVEL] = 0.95
    frame[F.CI_METHOD] = pd.Series(np.full(rows, "wilson", dtype=object), dtype=object)
    frame[F.REFERENCE] = pd.Series(np.full(rows, "", dtype=object), dtype=object)
    frame[F.REFERENCE_VALUE] = np.nan
    frame[F.COMPARISON] = pd.Series(np.full(rows, "not_tested", dtype=object), dtype=object)
    frame[F.P_VALUE] = np.nan
    frame[F.SUPPRESSED] = False
    frame[F.SUPPRESSION_REASON] = pd.Series(np.full(rows, "", dtype=object), dtype=object)
    return frame[list(F.INDICATOR_COLUMNS)]


def primary_only(frame: pd.DataFrame) -> np.ndarray:
    """What a user would write by hand: hide small cells, nothing else."""
    x, n = frame[F.NUMERATOR], frame[F.DENOMINATOR]
    return ((x > 0) & (x < 5) | (n - x < 5) | (n < 20)).to_numpy()


def naive_secondary(frame: pd.DataFrame, hidden: np.ndarray) -> np.ndarray:
    """Secondary suppression as a user would write it: dicts of groups and a Python loop."""
    keys = frame[list(F.KEY_COLUMNS)].itertuples(index=False, name=None)
    position = {key: i for i, key in enumerate(keys)}
    groups: dict[tuple[object, ...], list[int]] = {}
    for (ind, region, period, age, sex, group), i in position.items():
        parents = []
        if len(region) > 4:
            parents.append(("r", len(region), (ind, region[:4], period, age, sex, group)))
        if sex != "total":
            parents.append(("s", 0, (ind, region, period, age, "total", group)))
        if age != "16-25":
            parents.append(("a", 0, (ind, region, period, "16-25", sex, group)))
        for kind, level, key in parents:
            parent = position.get(key)
            if parent is not None:
                groups.setdefault((kind, level, parent), [parent]).append(i)
    hidden = hidden.copy()
    n = frame[F.DENOMINATOR].to_numpy()
    changed = True
    while changed:
        changed = False
        for members in groups.values():
            if sum(hidden[m] for m in members) == 1:
                pick = min((m for m in members if not hidden[m]), key=lambda m: n[m])
                hidden[pick] = True
                changed = True
    return hidden


def main() -> None:
    """Build the table, time suppress() and the alternatives, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kommuner", type=int, default=100)
    parser.add_argument("--per-kommune", type=int, default=140)
    args = parser.parse_args()

    t0 = time.perf_counter()
    table = make_table(args.kommuner, args.per_kommune)
    build_s = time.perf_counter() - t0
    base_mb = _peak_mb()
    print(f"table: {len(table):,} rows, built in {build_s:.1f} s, peak RSS so far {base_mb:.0f} MB")

    t0 = time.perf_counter()
    out = suppress(table)
    suppress_s = time.perf_counter() - t0
    peak_mb = _peak_mb()

    t0 = time.perf_counter()
    require_disclosed(out)
    gate_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    hidden = primary_only(table)
    primary_s = time.perf_counter() - t0

    sample_kommuner = max(1, args.kommuner // 50)
    sample = table[
        table[F.REGION].str[:4].isin(sorted(table[F.REGION].str[:4].unique())[:sample_kommuner])
    ]
    t0 = time.perf_counter()
    naive_secondary(sample.reset_index(drop=True), primary_only(sample))
    naive_s = (time.perf_counter() - t0) * len(table) / len(sample)

    counts = out[F.SUPPRESSION_REASON].value_counts().sort_index()
    print()
    print(f"{'method':<58}{'seconds':>10}")
    print(f"{'utenforskap.disclosure.suppress (all rules, fixed point)':<58}{suppress_s:>10.2f}")
    print(f"{'utenforskap.disclosure.require_disclosed (the gate)':<58}{gate_s:>10.2f}")
    print(f"{'primary mask only, pandas (no secondary: unsafe)':<58}{primary_s:>10.2f}")
    label = f"secondary only, Python loop over groups (x{len(table) / len(sample):.0f} sample)"
    print(f"{label:<58}{naive_s:>10.2f}")
    print()
    print(f"peak RSS of the process: {peak_mb:.0f} MB (table alone: {base_mb:.0f} MB)")
    print("cells by reason:", ", ".join(f"{k or 'published'} {v:,}" for k, v in counts.items()))
    print(
        f"primary-only would hide {int(hidden.sum()):,} cells; suppress hides "
        f"{int(out[F.SUPPRESSED].sum()):,}"
    )


if __name__ == "__main__":
    main()
