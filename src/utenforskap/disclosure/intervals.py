"""Feasible intervals of unknown counts under additive relations: propagation, LP, MILP (HiGHS)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from utenforskap.disclosure.block_search import BlockTask, run_blocks
from utenforskap.disclosure.lp import TOL

__all__ = ["CellIntervals", "feasible_intervals"]

_MAX_ROUNDS = 200


@dataclass(frozen=True)
class CellIntervals:
    """The feasible interval of every unknown count, and how it was found.

    Attributes
    ----------
    lo, hi
        Shape ``(n_cells, 2)``: smallest and largest value of the numerator
        (column 0) and denominator (column 1) of each cell consistent with
        everything known; NaN where the count is known, ``inf`` when unbounded.
        Where ``proven`` is False, values the count can take (the interval
        holds at least these), enough for the question asked.
    proven
        Shape ``(n_cells, 2)``: ``lo`` and ``hi`` are the interval's ends.
    block
        Shape ``(n_cells, 2)``: the block (connected set of unknown counts that
        share relations) each unknown count was solved in; −1 when known or
        fixed by propagation alone.
    inconsistent
        Shape ``(n_cells, 2)``: the count is in a block whose known counts
        contradict the relations (no solution at all); its interval is NaN.
    stats
        ``variables``, ``fixed_by_propagation``, ``blocks``, ``largest_block``,
        ``lp``, ``milp`` (number of solves), ``seconds``.
    """

    lo: np.ndarray
    hi: np.ndarray
    proven: np.ndarray
    block: np.ndarray
    inconsistent: np.ndarray
    stats: dict[str, float] = field(default_factory=dict)


@dataclass
class _System:
    """Equalities ``coef · v = rhs`` (COO by entry) and pairs ``v[small] ≤ v[large]``."""

    rows: np.ndarray
    cols: np.ndarray
    coef: np.ndarray
    rhs: np.ndarray
    small: np.ndarray
    large: np.ndarray
    lower: np.ndarray
    upper: np.ndarray


def _system(matrix: sp.spmatrix, values: np.ndarray) -> tuple[_System, np.ndarray, np.ndarray]:
    """Unknowns of ``values`` (n_cells × 2) as variables; known counts moved to the right side.

    Returns the system, the variable number of each (cell, quantity) (−1 when
    known), and the relation rows (per quantity) that hold no unknown but do
    not add up.
    """
    n_cells = values.shape[0]
    unknown = np.isnan(values)
    var_of = np.full((n_cells, 2), -1, dtype=np.int64)
    var_of[unknown] = np.arange(int(unknown.sum()))
    coo = sp.coo_matrix(matrix)
    n_rel = coo.shape[0]
    rows, cols, coef = [], [], []
    rhs = np.zeros(2 * n_rel)
    for q in (0, 1):
        free = unknown[coo.col, q]
        rows.append(coo.row[free] + q * n_rel)
        cols.append(var_of[coo.col[free], q])
        coef.append(coo.data[free].astype(float))
        known = ~free
        np.subtract.at(rhs, coo.row[known] + q * n_rel, coo.data[known] * values[coo.col[known], q])
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    a = np.concatenate(coef)
    used = np.zeros(2 * n_rel, dtype=bool)
    used[r] = True
    broken = ~used & (np.abs(rhs) > TOL * np.maximum(1.0, np.abs(rhs)))
    # Renumber the rows that have unknowns.
    keep = np.flatnonzero(used)
    new = np.full(2 * n_rel, -1, dtype=np.int64)
    new[keep] = np.arange(len(keep))
    both = unknown[:, 0] & unknown[:, 1]
    n_var = int(unknown.sum())
    lower = np.zeros(n_var)
    upper = np.full(n_var, np.inf)
    x_only = unknown[:, 0] & ~unknown[:, 1]
    upper[var_of[x_only, 0]] = values[x_only, 1]
    n_only = unknown[:, 1] & ~unknown[:, 0]
    lower[var_of[n_only, 1]] = values[n_only, 0]
    system = _System(
        rows=new[r],
        cols=c,
        coef=a,
        rhs=rhs[keep],
        small=var_of[both, 0],
        large=var_of[both, 1],
        lower=lower,
        upper=upper,
    )
    return system, var_of, broken


def _propagate(s: _System, integer: bool) -> tuple[np.ndarray, np.ndarray]:
    """Outer bounds of every variable by interval propagation, one relation at a time.

    Each equality bounds each of its variables by the bounds of the others;
    ``v[small] ≤ v[large]`` passes bounds across; with ``integer`` bounds are
    rounded inwards. Repeated until nothing changes (or a fixed number of
    rounds): the bounds contain every solution at any stage.
    """
    lo, hi = s.lower.copy(), s.upper.copy()
    n_rows = len(s.rhs)
    pos = s.coef > 0
    for _ in range(_MAX_ROUNDS):
        cmin = np.where(pos, s.coef * lo[s.cols], s.coef * hi[s.cols])
        cmax = np.where(pos, s.coef * hi[s.cols], s.coef * lo[s.cols])
        inf_min = ~np.isfinite(cmin)
        inf_max = ~np.isfinite(cmax)
        fmin = np.where(inf_min, 0.0, cmin)
        fmax = np.where(inf_max, 0.0, cmax)
        smin = np.bincount(s.rows, fmin, minlength=n_rows)
        smax = np.bincount(s.rows, fmax, minlength=n_rows)
        nmin = np.bincount(s.rows, inf_min, minlength=n_rows)
        nmax = np.bincount(s.rows, inf_max, minlength=n_rows)
        others_min = np.where(nmin[s.rows] - inf_min > 0, -np.inf, smin[s.rows] - fmin)
        others_max = np.where(nmax[s.rows] - inf_max > 0, np.inf, smax[s.rows] - fmax)
        t_lo = s.rhs[s.rows] - others_max
        t_hi = s.rhs[s.rows] - others_min
        v_lo = np.where(pos, t_lo, t_hi) / s.coef
        v_hi = np.where(pos, t_hi, t_lo) / s.coef
        new_lo, new_hi = lo.copy(), hi.copy()
        np.maximum.at(new_lo, s.cols, v_lo)
        np.minimum.at(new_hi, s.cols, v_hi)
        new_hi[s.small] = np.minimum(new_hi[s.small], new_hi[s.large])
        new_lo[s.large] = np.maximum(new_lo[s.large], new_lo[s.small])
        if integer:
            new_lo = np.ceil(new_lo - TOL)
            new_hi = np.floor(new_hi + TOL)
        moved = (new_lo > lo + TOL) | (new_hi < hi - TOL)
        lo, hi = new_lo, new_hi
        if not moved.any() or (lo > hi + TOL).any():
            break
    return lo, hi


def _labels(s: _System, free: np.ndarray) -> np.ndarray:
    """Block of each free variable: free variables linked through equalities and pairs."""
    n_var = len(free)
    n_rows = len(s.rhs)
    keep = free[s.cols]
    pair = free[s.small] & free[s.large]
    n_pair = int(pair.sum())
    src = np.concatenate([s.cols[keep], s.small[pair]])
    dst = np.concatenate([n_var + s.rows[keep], n_var + n_rows + np.arange(n_pair)])
    src = np.concatenate([src, s.large[pair]])
    dst = np.concatenate([dst, n_var + n_rows + np.arange(n_pair)])
    size = n_var + n_rows + n_pair
    graph = sp.coo_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(size, size))
    _, label = connected_components(graph, directed=False)
    out = np.full(n_var, -1, dtype=np.int64)
    codes = np.unique(label[:n_var][free], return_inverse=True)[1]
    out[free] = codes
    return out


def _witnesses(
    a: sp.csr_matrix,
    row_lo: np.ndarray,
    row_hi: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    x: np.ndarray,
    integer: bool,
) -> np.ndarray | None:
    """``x`` if it solves the block (rows, bounds, whole numbers), else None."""
    if not np.isfinite(x).all():
        return None
    if integer and np.any(np.abs(x - np.round(x)) > TOL):
        return None
    ax = a @ x
    tol = TOL * np.maximum(1.0, np.abs(ax))
    ok = (
        np.all(ax >= row_lo - tol)
        and np.all(ax <= row_hi + tol)
        and np.all(x >= lo - TOL)
        and np.all(x <= hi + TOL)
    )
    return x if ok else None


def feasible_intervals(
    matrix: sp.spmatrix,
    numerator: np.ndarray,
    denominator: np.ndarray,
    *,
    integer: bool = True,
    below: np.ndarray | None = None,
    above: np.ndarray | None = None,
    width: np.ndarray | None = None,
    seed: int = 0,
    solution: np.ndarray | None = None,
    jobs: int = 1,
) -> CellIntervals:
    """Smallest and largest value of every unknown numerator and denominator.

    The unknowns (NaN) satisfy, together with the known counts: every
    relation ``matrix @ numerator = 0`` and ``matrix @ denominator = 0``
    (+1 for a total, −1 for each part), ``0 ≤ numerator ≤ denominator``, and
    with ``integer`` whole numbers. This is what anyone holding the published
    table can work out about a hidden cell.

    The work is split into blocks: unknowns that share no relation (directly
    or through other unknowns) are solved apart. Interval propagation over
    single relations first gives outer bounds and fixes what is determined
    by subtraction; in each remaining block, linear programs (HiGHS, through
    :func:`scipy.optimize.milp` without integrality) find each unknown's
    largest and smallest value, skipped when an earlier solution already
    reaches the outer bound; a mixed-integer program (HiGHS branch and bound)
    tightens a bound only where the linear program's optimum is not a whole
    number.

    Parameters
    ----------
    matrix
        ``(n_relations, n_cells)`` sparse matrix of the relations.
    numerator, denominator
        Counts per cell, NaN when unknown.
    integer
        Counts are whole numbers (the integer program); False gives the
        linear relaxation's intervals.
    below, above, width
        Optional, shape ``(n_cells, 2)``: the question asked of each count.
        Its interval is only widened until it reaches ``below`` and
        ``above``, or is ``width`` wide (e.g. the true value ± a protection
        level); such a count's ``lo`` and ``hi`` are then values it can take
        (``proven`` False) rather than the interval's ends. Default: exact
        intervals for every count.
    seed
        Seed of the random objective weights (the result does not depend on
        it; the number of solves may).
    solution
        Optional, shape ``(n_cells, 2)``: a whole table believed to satisfy
        everything (e.g. the true counts, when a publisher audits its own
        table). In each block it does satisfy, its values are witnesses, and
        more witnesses are first sought in the two smaller problems with the
        denominators, then the numerators, held at it: every table found
        there is a solution of the whole problem too. Only what those leave
        open is solved in the whole problem. Witnesses only ever widen the
        ``lo``/``hi`` a question is settled with; no end is proven from them
        that a solve would not prove. A block the table does not satisfy is
        solved as without it.
    jobs
        Processes to solve blocks on (blocks are independent); used when the
        problem is large (20,000 unknown counts or more). The answer does not
        depend on it.

    Returns
    -------
    CellIntervals
        Intervals, block labels, inconsistent counts and solve statistics.

    References
    ----------
    Hundepool, A. et al. (2012). *Statistical Disclosure Control*. Wiley,
    section 4.2.2 (the attacker's problem: bounds of suppressed cells by
    linear programming). de Wolf, P.-P. (2002), HiTaS: a heuristic approach
    to cell suppression in hierarchical tables (audit by LP).

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> m = sp.csr_matrix(np.array([[1.0, -1.0, -1.0, -1.0]]))
    >>> x = np.array([10.0, 4.0, np.nan, np.nan])
    >>> n = np.array([100.0, 40.0, 30.0, np.nan])
    >>> out = feasible_intervals(m, x, n)
    >>> out.lo[2:].tolist(), out.hi[2:].tolist()
    ([[0.0, nan], [0.0, 30.0]], [[6.0, nan], [6.0, 30.0]])
    """
    return _feasible(
        matrix, numerator, denominator, integer, below, above, width, seed, solution, True, jobs
    )


def _feasible(
    matrix: sp.spmatrix,
    numerator: np.ndarray,
    denominator: np.ndarray,
    integer: bool,
    below: np.ndarray | None,
    above: np.ndarray | None,
    width: np.ndarray | None,
    seed: int,
    solution: np.ndarray | None,
    split: bool,
    jobs: int = 1,
) -> CellIntervals:
    """:func:`feasible_intervals`; ``split``: seek witnesses in the two smaller problems first."""
    start = time.perf_counter()
    matrix = sp.csr_matrix(matrix)
    values = np.column_stack(
        [np.asarray(numerator, dtype=float), np.asarray(denominator, dtype=float)]
    )
    n_cells = values.shape[0]
    if matrix.shape[1] != n_cells:
        raise ValueError(f"matrix has {matrix.shape[1]} columns for {n_cells} cells")
    s, var_of, broken = _system(matrix, values)
    n_var = len(s.lower)
    has = var_of >= 0
    ask = []
    for given, default in ((below, -np.inf), (above, np.inf), (width, np.inf)):
        per_var = np.full(n_var, default)
        if given is not None:
            per_var[var_of[has]] = np.broadcast_to(np.asarray(given, dtype=float), values.shape)[
                has
            ]
        ask.append(per_var)
    proven = np.ones(n_var, dtype=bool)
    asked = (ask[2] > 0) & ~((ask[0] == np.inf) & (ask[1] == -np.inf))
    skipped = 0
    lp = mip = 0
    sol_var = np.full(n_var, np.nan)
    seen_lo = np.full(n_var, np.inf)
    seen_hi = np.full(n_var, -np.inf)
    if solution is not None:
        sol = np.broadcast_to(np.asarray(solution, dtype=float), values.shape)
        sol_var[var_of[has]] = sol[has]
        if split and has[:, 0].any() and has[:, 1].any() and asked.any():
            for q in (0, 1):
                # The other quantity held at the solution: a smaller problem
                # whose every solution solves the whole one.
                part = values.copy()
                part[:, 1 - q] = np.where(has[:, 1 - q], sol[:, 1 - q], part[:, 1 - q])
                sub = _feasible(
                    matrix,
                    part[:, 0],
                    part[:, 1],
                    integer,
                    below,
                    above,
                    width,
                    seed,
                    sol,
                    False,
                    jobs,
                )
                v = var_of[has[:, q], q]
                seen_lo[v] = np.fmin(seen_lo[v], sub.lo[has[:, q], q])
                seen_hi[v] = np.fmax(seen_hi[v], sub.hi[has[:, q], q])
                lp += int(sub.stats["lp"])
                mip += int(sub.stats["milp"])
    lo, hi = _propagate(s, integer)
    bad = lo > hi + TOL
    free = hi > lo + TOL
    label = _labels(s, free)
    n_blocks = int(label.max()) + 1 if n_var and free.any() else 0
    largest = 0
    if n_blocks:
        # Fixed variables are constants inside a block's equations.
        fixed = ~free
        rhs = s.rhs.copy()
        f = fixed[s.cols]
        np.subtract.at(rhs, s.rows[f], s.coef[f] * lo[s.cols[f]])
        keep = ~f
        e_rows, e_cols, e_coef = s.rows[keep], s.cols[keep], s.coef[keep]
        e_block = label[e_cols]
        pair = free[s.small] & free[s.large]
        p_small, p_large = s.small[pair], s.large[pair]
        p_block = label[p_small]
        local = np.zeros(n_var, dtype=np.int64)
        var_order = np.argsort(label, kind="stable")
        var_sorted = label[var_order]
        e_order = np.argsort(e_block, kind="stable")
        e_sorted = e_block[e_order]
        p_order = np.argsort(p_block, kind="stable")
        p_sorted = p_block[p_order]
        tasks: list[BlockTask] = []
        members: list[np.ndarray] = []
        for b in range(n_blocks):
            vs = var_order[np.searchsorted(var_sorted, b) : np.searchsorted(var_sorted, b + 1)]
            if not asked[vs].any():
                # Nothing is asked of this block's counts: not solved, not known.
                lo[vs], hi[vs], proven[vs] = np.nan, np.nan, False
                skipped += 1
                continue
            local[vs] = np.arange(len(vs))
            es = e_order[np.searchsorted(e_sorted, b) : np.searchsorted(e_sorted, b + 1)]
            block_rows, row_local = np.unique(e_rows[es], return_inverse=True)
            ps = p_order[np.searchsorted(p_sorted, b) : np.searchsorted(p_sorted, b + 1)]
            k = np.arange(len(ps)) + len(block_rows)
            a = sp.csr_matrix(
                (
                    np.concatenate([e_coef[es], np.ones(len(ps)), -np.ones(len(ps))]),
                    (
                        np.concatenate([row_local, k, k]),
                        np.concatenate([local[e_cols[es]], local[p_small[ps]], local[p_large[ps]]]),
                    ),
                ),
                shape=(len(block_rows) + len(ps), len(vs)),
            )
            b_eq = rhs[block_rows]
            row_lo = np.concatenate([b_eq, np.full(len(ps), -np.inf)])
            row_hi = np.concatenate([b_eq, np.zeros(len(ps))])
            seen = _witnesses(a, row_lo, row_hi, lo[vs], hi[vs], sol_var[vs], integer)
            if seen is not None:
                seen = np.vstack([np.fmin(seen, seen_lo[vs]), np.fmax(seen, seen_hi[vs])])
            tasks.append(
                BlockTask(
                    a=a,
                    row_lo=row_lo,
                    row_hi=row_hi,
                    lo=lo[vs],
                    hi=hi[vs],
                    seen=seen,
                    ask=np.vstack([ask[0][vs], ask[1][vs], ask[2][vs]]),
                    integer=integer,
                    dual=solution is not None,
                    seed=(seed, b),
                )
            )
            members.append(vs)
        for vs, done in zip(members, run_blocks(tasks, jobs), strict=True):
            lp += done.lp
            mip += done.milp
            largest = max(largest, len(vs))
            if done.infeasible:
                bad[vs] = True
            else:
                lo[vs], hi[vs], proven[vs] = done.lo, done.hi, done.proven
    # A relation whose counts are all known but do not add up makes its cells' blocks unusable.
    lo_out = np.full((n_cells, 2), np.nan)
    hi_out = np.full((n_cells, 2), np.nan)
    block_out = np.full((n_cells, 2), -1, dtype=np.int64)
    v = var_of[has]
    lo_out[has] = np.where(bad[v], np.nan, lo[v] + 0.0)
    hi_out[has] = np.where(bad[v], np.nan, hi[v])
    block_out[has] = label[v]
    inconsistent = np.zeros((n_cells, 2), dtype=bool)
    inconsistent[has] = bad[v]
    proven_out = np.zeros((n_cells, 2), dtype=bool)
    proven_out[has] = proven[v] & ~bad[v]
    stats = {
        "variables": float(n_var),
        "fixed_by_propagation": float(int((~free).sum())),
        "blocks": float(n_blocks),
        "blocks_skipped": float(skipped),
        "largest_block": float(largest),
        "lp": float(lp),
        "milp": float(mip),
        "broken_relations": float(int(broken.sum())),
        "seconds": time.perf_counter() - start,
    }
    return CellIntervals(lo_out, hi_out, proven_out, block_out, inconsistent, stats)
