"""Benchmark: the attacker audit (issue #12) — demo, the 1.27-million-row table, information loss.

Run: /work/venv/bin/python benchmarks/bench_audit.py [--part demo|big|loss|all]
     [--kommuner 100] [--per-kommune 140] [--jobs 2]

* demo: the bundled demo computed without the audit (suppression only), then
  the run's audit loop (:func:`utenforskap.disclosure.audit_loop.suppress_audited`:
  audit against the true counts, hide more, audit again) and an attacker's
  audit of the result without the true counts. Goal: suppress + audit < 60 s.
* big: the grunnkrets table of ``bench_disclosure.py`` (``--kommuner`` 100 ×
  ``--per-kommune`` 140 × 10 years × 3 sexes × 3 age bands = 1,269,000 rows):
  suppress, then one audit against the true counts; time and peak memory.
  Goal: < 120 s, < 4 GB. Blocks are independent (one kommune × year each),
  so a run on fewer kommuner scales linearly.
* loss: information loss on a small table (one kommune, 6 districts, 2
  sexes): the denominator mass hidden by suppress + audit, beside the
  smallest hidden mass that leaves no count short under the same rules —
  the optimal cell-suppression integer program, solved exactly by trying
  hidden sets in increasing order of mass and auditing each.
* bound: where the optimum cannot be enumerated (the demo, issue 12's
  synthetic fylke table), a lower bound on it: the least denominator mass
  of a pattern that hides what the rules hide and leaves no relation with a
  hidden primary cell as its only unknown (virtual residual cells unknown
  exactly when a cell of their own relation is hidden). Every pattern the
  audit passes satisfies this (a primary cell alone unknown in a relation
  is determined exactly), so the integer program's bound is a lower bound on
  the optimum; ours ÷ bound − 1 bounds our excess from above. Checked first
  on the ten loss tables, where the bound must not exceed the optimum.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import Rules, suppress
from utenforskap.disclosure.audit import audit_disclosure
from utenforskap.disclosure.audit_loop import suppress_audited

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_disclosure import make_table


def _peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def demo() -> None:
    """Time suppression and the audit loop on the demo."""
    import utenforskap.job.pipeline as pipeline
    from utenforskap.job.plan import resolve_config

    cfg = resolve_config(None, generate=True)
    off = dataclasses.replace(cfg, disclosure={**cfg.disclosure, "audit": False})
    caught: dict[str, object] = {}
    plain_suppress = pipeline.suppress

    def spy(indicators, rules=None, **kw):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        out = plain_suppress(indicators, rules, **kw)
        caught.update(truth=indicators, rules=rules, kw=kw, seconds=time.perf_counter() - t0)
        caught["published"] = out
        return out

    pipeline.suppress = spy  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        pipeline.compute(off)
        compute_s = time.perf_counter() - t0
    finally:
        pipeline.suppress = plain_suppress  # type: ignore[assignment]
    published = caught["published"]
    assert isinstance(published, pd.DataFrame)
    print(f"demo: {len(published):,} cells, computed (without audit) in {compute_s:.1f} s")
    print(f"  suppress: {caught['seconds']:.1f} s, {int(published[F.SUPPRESSED].sum()):,} hidden")
    t0 = time.perf_counter()
    first = audit_disclosure(published, truth=caught["truth"], rules=caught["rules"])  # type: ignore[arg-type]
    print(f"  one audit against the true counts: {time.perf_counter() - t0:.1f} s")
    print(f"    {first.describe()}")
    t0 = time.perf_counter()
    protected, result = suppress_audited(
        published,
        caught["truth"],  # type: ignore[arg-type]
        caught["rules"],  # type: ignore[arg-type]
        coverage=caught["kw"].get("coverage"),  # type: ignore[attr-defined]
    )
    loop_s = time.perf_counter() - t0
    s = result.summary
    print(
        f"  audit loop: {loop_s:.1f} s, {s['rounds']} audits, {s['added']} more cells hidden; "
        f"short {s['short']}, exact non-zero {s['exact_hidden_nonzero']}, "
        f"narrowest hidden interval {s['min_width']}"
    )
    print(f"  suppress + audit: {caught['seconds'] + loop_s:.1f} s (goal < 60 s)")
    t0 = time.perf_counter()
    attack = audit_disclosure(protected, rules=caught["rules"])  # type: ignore[arg-type]
    print(f"  attacker without true counts: {time.perf_counter() - t0:.1f} s")
    print(f"    {attack.describe()}")


def big(kommuner: int, per_kommune: int, jobs: int = 1) -> None:
    """Suppress and audit the grunnkrets table; time and peak memory."""
    t0 = time.perf_counter()
    table = make_table(kommuner, per_kommune)
    print(
        f"big: {len(table):,} rows ({kommuner} kommuner), built in {time.perf_counter() - t0:.1f} s"
    )
    t0 = time.perf_counter()
    published = suppress(table)
    suppress_s = time.perf_counter() - t0
    print(f"  suppress: {suppress_s:.1f} s, {int(published[F.SUPPRESSED].sum()):,} hidden")
    t0 = time.perf_counter()
    result = audit_disclosure(published, truth=table, jobs=jobs)
    audit_s = time.perf_counter() - t0
    print(f"  audit against the true counts ({jobs} processes): {audit_s:.1f} s")
    print(f"    {result.describe()}")
    s = result.summary
    print(f"    blocks {s['blocks']}, LPs {s['lp']}, integer programs {s['milp']}")
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"  peak RSS {_peak_mb():.0f} MB, largest worker {child:.0f} MB (goal < 4096 MB); "
        f"total {suppress_s + audit_s:.1f} s"
    )


def _loss_table(seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    leaves = []
    for d in ("990101", "990102", "990103", "990104", "990105", "990199"):
        for sex in ("male", "female"):
            # The unknown district is small, as in the registers (a large one
            # hides every district by the coverage rule).
            n = float(rng.integers(2, 8) if d.endswith("99") else rng.integers(20, 120))
            x = float(rng.binomial(int(n), 0.06))
            leaves.append((d, sex, x, n))
    frame = pd.DataFrame(leaves, columns=["r", "s", "x", "n"])
    for r, s, x, n in leaves:
        rows.append(("neet", r, "2024", "16-25", s, x, n))
    for r, part in frame.groupby("r"):
        rows.append(("neet", r, "2024", "16-25", "total", part.x.sum(), part.n.sum()))
    for s, part in frame.groupby("s"):
        rows.append(("neet", "9901", "2024", "16-25", s, part.x.sum(), part.n.sum()))
    rows.append(("neet", "9901", "2024", "16-25", "total", frame.x.sum(), frame.n.sum()))
    tests_dir = Path(__file__).resolve().parents[1] / "tests" / "disclosure"
    sys.path.insert(0, str(tests_dir))
    from disclosure_tables import indicator_frame

    return indicator_frame(rows)


def _hide(table: pd.DataFrame, hidden: np.ndarray) -> pd.DataFrame:
    out = table.copy()
    out.loc[hidden, [F.NUMERATOR, F.DENOMINATOR]] = np.nan
    out[F.SUPPRESSED] = hidden
    return out


def _loss_one(seed: int) -> tuple[float, float | None, float, int, int, float, float]:
    """Ours, the optimum (None when none is cheaper), total mass, cells, must, times."""
    table = _loss_table(seed)
    rules = Rules()
    t0 = time.perf_counter()
    published = suppress(table, rules)
    protected, _ = suppress_audited(published, table, rules)
    ours_s = time.perf_counter() - t0
    hidden = protected[F.SUPPRESSED].to_numpy(dtype=bool)
    n = table[F.DENOMINATOR].to_numpy(dtype=float)
    ours = float(n[hidden].sum())
    # The same rules: what the primary and coverage rules hide must stay hidden.
    primary = published[F.SUPPRESSION_REASON].isin(
        ["primary", "complement", "denominator", "coverage"]
    )
    must = primary.to_numpy(dtype=bool)
    free = np.flatnonzero(~must)
    subsets = []
    for size in range(len(free) + 1):
        for extra in itertools.combinations(free, size):
            subsets.append((float(n[must].sum() + n[list(extra)].sum()), extra))
    subsets.sort(key=lambda item: item[0])
    t0 = time.perf_counter()
    best = None
    for mass, extra in subsets:
        if mass > ours:
            break
        mask = must.copy()
        mask[list(extra)] = True
        if not audit_disclosure(_hide(table, mask), truth=table, rules=rules).disclosed:
            best = mass
            break
    opt_s = time.perf_counter() - t0
    return ours, best, float(n.sum()), int(hidden.sum()), int(must.sum()), ours_s, opt_s


def loss(seeds: int = 10) -> None:
    """Hidden denominator mass: suppress + audit beside the optimum under the same rules."""
    print(
        f"loss: {seeds} small tables (one kommune, 5 districts and the unknown district "
        "x 2 sexes, 21 cells)"
    )
    total_ours = total_best = 0.0
    worst = 0.0
    for seed in range(seeds):
        ours, best, total, hidden, must, ours_s, opt_s = _loss_one(seed)
        optimum = ours if best is None else best
        gap = ours / optimum - 1 if optimum else 0.0
        worst = max(worst, gap)
        total_ours += ours
        total_best += optimum
        print(
            f"  seed {seed}: {must} hidden by the primary rules; ours hides {hidden} cells, "
            f"mass {ours:.0f} ({ours / total:.1%}) in {ours_s:.2f} s; optimum {optimum:.0f} "
            f"({optimum / total:.1%}, exact by enumeration in {opt_s:.1f} s); gap {gap:+.1%}"
        )
    print(
        f"  in all: ours {total_ours:.0f}, optimum {total_best:.0f}: "
        f"{total_ours / total_best - 1:+.1%} (goal within +10 %); worst table {worst:+.1%}"
    )


#: Reasons the rules hide a cell for: every pattern under the same rules hides these.
_MUST = ("primary", "complement", "denominator", "coverage")


def lower_bound(
    first: pd.DataFrame, truth: pd.DataFrame, seconds: float = 120.0
) -> tuple[float, bool]:
    """A lower bound on the optimal hidden mass (module notes); whether the solve was optimal."""
    import scipy.sparse as sp
    from scipy.optimize import Bounds, LinearConstraint, milp

    from utenforskap.disclosure.hierarchy import KeyIndex
    from utenforskap.disclosure.relations import build

    frame = F.with_group(truth)
    x = frame[F.NUMERATOR].to_numpy(dtype=float)
    d = frame[F.DENOMINATOR].to_numpy(dtype=float)
    built = build(KeyIndex(frame), x, d)
    m = sp.csr_matrix(built.matrix)
    n_rows, n_cells = built.n_rows, built.n_cells
    cost = np.zeros(n_cells)
    cost[:n_rows] = np.nan_to_num(d)
    reason = first[F.SUPPRESSION_REASON].to_numpy(dtype=object)
    lo = np.zeros(n_cells)
    lo[:n_rows] = np.isin(reason, _MUST)
    primary = np.zeros(n_cells, dtype=bool)
    primary[:n_rows] = reason == "primary"
    member = abs(m).astype(bool).astype(float).tocsr()
    rows: list[sp.csr_matrix] = []
    lower: list[np.ndarray] = []
    upper: list[np.ndarray] = []
    # A virtual cell is unknown exactly when a cell of its own relation is
    # (the relation where it is a part of its total).
    virtual = np.arange(n_rows, n_cells)
    if len(virtual):
        part = m[:, virtual].tocoo()
        r, k = part.row[part.data < 0], part.col[part.data < 0]
        is_own = np.asarray(m[r, built.virtual_parent[k]]).ravel() > 0
        r, k = r[is_own], k[is_own]
        k, first_at = np.unique(k, return_index=True)
        own = member[r[first_at]]
        v = virtual[k]
        at = sp.csr_matrix((np.ones(len(v)), (np.arange(len(v)), v)), shape=own.shape)
        # y_v <= sum of the others: known when all of them are known.
        rows.append(own - 2 * at)
        lower.append(np.zeros(len(v)))
        upper.append(np.full(len(v), np.inf))
        # y_v >= y_j for each other j: unknown when one of them is.
        others = (own - at).tocoo()
        keep = others.data > 0
        j, row_of = others.col[keep], others.row[keep]
        pairs = sp.csr_matrix(
            (
                np.concatenate([np.ones(len(j)), -np.ones(len(j))]),
                (np.tile(np.arange(len(j)), 2), np.concatenate([v[row_of], j])),
            ),
            shape=(len(j), n_cells),
        )
        rows.append(pairs)
        lower.append(np.zeros(len(j)))
        upper.append(np.full(len(j), np.inf))
    # Each relation holding a primary cell has another unknown besides it.
    r_idx, c_idx = sp.csr_matrix(member.multiply(primary[None, :])).nonzero()
    if len(r_idx):
        itself = sp.csr_matrix(
            (np.ones(len(c_idx)), (np.arange(len(c_idx)), c_idx)), shape=(len(c_idx), n_cells)
        )
        rows.append(sp.csr_matrix(member[r_idx] - itself))
        lower.append(np.ones(len(r_idx)))
        upper.append(np.full(len(r_idx), np.inf))
    a = sp.vstack(rows).tocsr()
    res = milp(
        cost,
        constraints=[LinearConstraint(a, np.concatenate(lower), np.concatenate(upper))],
        bounds=Bounds(lo, np.ones(n_cells)),
        integrality=np.ones(n_cells),
        options={"time_limit": seconds},
    )
    bound = getattr(res, "mip_dual_bound", None)
    value = float(res.fun) if res.status == 0 else float(bound if bound is not None else np.nan)
    return value, res.status == 0


def bound(seconds: float = 120.0) -> None:
    """The lower bound beside the optimum (loss tables), then on the demo and the fylke table."""
    print("bound: a lower bound on the optimal hidden mass (see the notes at the top)")
    for seed in range(10):
        table = _loss_table(seed)
        first = suppress(table, Rules())
        protected, _ = suppress_audited(first, table, Rules())
        lb, optimal = lower_bound(first, table, seconds)
        ours = float(
            np.nan_to_num(table[F.DENOMINATOR].to_numpy(dtype=float))[
                protected[F.SUPPRESSED].to_numpy(dtype=bool)
            ].sum()
        )
        print(
            f"  loss seed {seed}: bound {lb:.0f}{'' if optimal else ' (not optimal)'}, "
            f"ours {ours:.0f}"
        )
    cases = [("demo", *_demo_case())]
    tests_dir = Path(__file__).resolve().parents[1] / "tests" / "disclosure"
    sys.path.insert(0, str(tests_dir))
    from test_audit import _fylke_table

    fylke = _fylke_table()
    cases.append(("fylke", fylke, Rules(), None))
    for name, truth, rules, coverage in cases:
        first = suppress(truth, rules, coverage=coverage)
        t0 = time.perf_counter()
        protected, _ = suppress_audited(first, truth, rules, coverage=coverage)
        mass = np.nan_to_num(truth[F.DENOMINATOR].to_numpy(dtype=float))
        ours = float(mass[protected[F.SUPPRESSED].to_numpy(dtype=bool)].sum())
        lb, optimal = lower_bound(first, truth, seconds)
        print(
            f"  {name}: {len(truth):,} cells; ours {ours:,.0f} hidden, lower bound {lb:,.0f}"
            f"{'' if optimal else ' (the solver stopped: its bound)'} -> ours at most "
            f"{ours / lb - 1:+.1%} above the optimum ({time.perf_counter() - t0:.0f} s)"
        )


def _demo_case() -> tuple[pd.DataFrame, object, object]:
    """The demo's table before suppression, its rules and coverage."""
    import utenforskap.job.pipeline as pipeline
    from utenforskap.job.plan import resolve_config

    cfg = resolve_config(None, generate=True)
    off = dataclasses.replace(cfg, disclosure={**cfg.disclosure, "audit": False})
    caught: dict[str, object] = {}
    plain = pipeline.suppress

    def spy(indicators, rules=None, **kw):  # type: ignore[no-untyped-def]
        caught.update(truth=indicators, rules=rules, coverage=kw.get("coverage"))
        return plain(indicators, rules, **kw)

    pipeline.suppress = spy  # type: ignore[assignment]
    try:
        pipeline.compute(off)
    finally:
        pipeline.suppress = plain  # type: ignore[assignment]
    return caught["truth"], caught["rules"], caught["coverage"]  # type: ignore[return-value]


def main() -> None:
    """Run the parts asked for and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("demo", "big", "loss", "bound", "all"), default="all")
    parser.add_argument("--kommuner", type=int, default=100)
    parser.add_argument("--per-kommune", type=int, default=140)
    parser.add_argument("--jobs", type=int, default=2, help="processes for the big audit")
    args = parser.parse_args()
    if args.part in ("demo", "all"):
        demo()
    if args.part in ("loss", "all"):
        loss()
    if args.part in ("bound", "all"):
        bound()
    if args.part in ("big", "all"):
        big(args.kommuner, args.per_kommune, args.jobs)


if __name__ == "__main__":
    main()
