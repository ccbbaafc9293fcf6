"""Benchmark: 1,000,000 Wilson intervals and 1,000,000 reference comparisons vs statsmodels.

Run: /work/venv/bin/python benchmarks/bench_stats.py [--size 1000000] [--repeat 5]

Printed side by side with what a user would otherwise call:
``statsmodels.stats.proportion.proportion_confint(method="wilson")`` (vectorised)
for the intervals, and for the comparisons ``proportions_ztest`` (the same
pooled z-test, one call per pair: timed on a sample and scaled up) and
``test_proportions_2indep`` (statsmodels' vectorised two-sample test; its
default score test is a slightly different statistic). Times are the best of
``--repeat`` runs, wall clock. The largest relative difference from statsmodels
is printed too, so speed is never bought with accuracy.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import (
    proportion_confint,
    proportions_ztest,
    test_proportions_2indep,
)

from utenforskap.stats import compare_with_reference, holm, proportion_ci


def best_of(repeat: int, func: Callable[[], object]) -> tuple[float, object]:
    """Smallest wall-clock time of ``repeat`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def make_data(size: int, seed: int = 7) -> dict[str, np.ndarray]:
    """Districts (n 20-5,000) and their kommuner (n up to 200,000), with binomial counts."""
    rng = np.random.default_rng(seed)
    n = rng.integers(20, 5000, size).astype(float)
    x = rng.binomial(n.astype(np.int64), rng.uniform(0.02, 0.4, size)).astype(float)
    rest_n = rng.integers(5000, 200_000, size).astype(float)
    rest_x = rng.binomial(rest_n.astype(np.int64), rng.uniform(0.05, 0.3, size)).astype(float)
    return {
        "x": x,
        "n": n,
        "ref_x": x + rest_x,
        "ref_n": n + rest_n,
        "rest_x": rest_x,
        "rest_n": rest_n,
        "groups": rng.integers(0, size // 20 + 1, size),
    }


def max_rel(a: np.ndarray, b: np.ndarray) -> float:
    """Largest relative difference where a value is above 1e-12.

    At x = 0 the Wilson lower limit is exactly 0 here and ~1e-17 (rounding) in
    statsmodels; such pairs would show as a relative difference of 1.
    """
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = np.maximum(np.abs(a), np.abs(b))
    mask = scale > 1e-12
    return float(np.max(np.abs(a - b)[mask] / scale[mask])) if mask.any() else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loop-sample", type=int, default=20_000)
    args = parser.parse_args()
    d = make_data(args.size)
    size = f"{args.size:,}"
    rows: list[tuple[str, float, str, float, str]] = []

    ours_t, (lo, up) = best_of(args.repeat, lambda: proportion_ci(d["x"], d["n"]))
    sm_t, (slo, sup) = best_of(
        args.repeat, lambda: proportion_confint(d["x"], d["n"], method="wilson")
    )
    diff = max(max_rel(lo, slo), max_rel(up, sup))
    rows.append(
        (f"{size} Wilson intervals", ours_t, "proportion_confint(wilson)", sm_t, f"{diff:.1e}")
    )

    def ours_compare() -> object:
        return compare_with_reference(d["x"], d["n"], d["ref_x"], d["ref_n"], nested=True)

    ours_t, table = best_of(args.repeat, ours_compare)
    k = min(args.loop_sample, args.size)

    def loop() -> np.ndarray:
        return np.array(
            [
                proportions_ztest([d["x"][i], d["rest_x"][i]], [d["n"][i], d["rest_n"][i]])[1]
                for i in range(k)
            ]
        )

    loop_t, loop_p = best_of(1, loop)
    diff = max_rel(table["p_value"].to_numpy()[:k], loop_p)  # type: ignore[index]
    rows.append(
        (
            f"{size} comparisons (test + label)",
            ours_t,
            f"proportions_ztest loop (x{args.size / k:.0f})",
            loop_t * args.size / k,
            f"{diff:.1e}",
        )
    )
    vec_t, _ = best_of(
        args.repeat,
        lambda: test_proportions_2indep(d["x"], d["n"], d["rest_x"], d["rest_n"]),
    )
    rows.append(
        (
            f"{size} comparisons (test + label)",
            ours_t,
            "test_proportions_2indep",
            vec_t,
            "other statistic",
        )
    )

    p = table["p_value"].to_numpy()  # type: ignore[index]
    holm_t, adjusted = best_of(args.repeat, lambda: holm(p, d["groups"]))
    single_t, single = best_of(args.repeat, lambda: holm(p))
    sm_holm_t, sm_holm = best_of(args.repeat, lambda: multipletests(p, method="holm")[1])
    rows.append(
        (
            f"Holm on {size} p-values, 1 family",
            single_t,
            "multipletests(holm)",
            sm_holm_t,
            f"{max_rel(single, sm_holm):.1e}",
        )
    )
    rows.append(
        (
            f"Holm on {size} p-values, {d['groups'].max() + 1:,} families",
            holm_t,
            "(no grouped equivalent)",
            float("nan"),
            "",
        )
    )
    del adjusted

    print(f"{'task':44} {'utenforskap':>12}   {'alternative':38} {'time':>9}  max rel diff")
    for task, ours, alt, theirs, diff_text in rows:
        theirs_text = "-" if np.isnan(theirs) else f"{theirs:8.3f}s"
        print(f"{task:44} {ours:11.3f}s   {alt:38} {theirs_text:>9}  {diff_text}")


if __name__ == "__main__":
    main()
