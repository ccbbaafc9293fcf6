"""Feasible intervals of unknown counts under additive relations: propagation, LP, MILP (HiGHS)."""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components

__all__ = ["CellIntervals", "feasible_intervals"]

# Counts are integers up to a few million; HiGHS's feasibility tolerance is 1e-7.
_TOL = 1e-6
_MAX_ROUNDS = 200
# An integer program stops after this many branch-and-bound nodes (its
# bound then counts, and the count is judged short): a node limit gives the
# same answer on a busy machine as on an idle one, where a time limit would
# not. The time limit only guards against a single node running away.
_MILP_NODES = 20_000
_MILP_SECONDS = 600.0
_RANDOM_ROUNDS = 12


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
    broken = ~used & (np.abs(rhs) > _TOL * np.maximum(1.0, np.abs(rhs)))
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
            new_lo = np.ceil(new_lo - _TOL)
            new_hi = np.floor(new_hi + _TOL)
        moved = (new_lo > lo + _TOL) | (new_hi < hi - _TOL)
        lo, hi = new_lo, new_hi
        if not moved.any() or (lo > hi + _TOL).any():
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


def _vendored_highs() -> type | None:
    """HiGHS's own Python class as SciPy ships it (SciPy ≥ 1.15), for warm-started re-solves."""
    try:
        from scipy.optimize._highspy import _core
    except ImportError:  # pragma: no cover - older SciPy: one milp() call per solve
        return None
    highs: type | None = getattr(_core, "_Highs", None)
    return highs


class _LP:
    """The linear relaxation of one block, re-solved with a new objective from the last basis.

    Re-solving from the previous optimal basis takes a few simplex pivots,
    where a fresh :func:`scipy.optimize.linprog` call per objective would
    build and presolve the model every time. Without SciPy's HiGHS class,
    each solve is one :func:`scipy.optimize.milp` call without integrality.
    """

    def __init__(
        self,
        a: sp.csr_matrix,
        row_lo: np.ndarray,
        row_hi: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
        dual: bool = False,
    ) -> None:
        self.k = a.shape[1]
        # Dual simplex where most solves hold variables at new bounds (the
        # searches from a known table: the last basis is cut off), else primal
        # simplex (only the objective changes between most solves). Measured
        # with benchmarks/bench_audit.py: each is the faster one for its case.
        self.dual = dual
        self.a, self.row_lo, self.row_hi, self.lo, self.hi = a, row_lo, row_hi, lo, hi
        highs = _vendored_highs()
        self.model: Any = None
        if highs is not None:
            h = highs()
            h.setOptionValue("output_flag", False)
            h.setOptionValue("presolve", "off")
            h.setOptionValue("simplex_strategy", 4)
            inf = float(h.getInfinity())
            h.addVars(self.k, lo, np.where(np.isfinite(hi), hi, inf))
            h.addRows(
                a.shape[0],
                np.where(np.isfinite(row_lo), row_lo, -inf),
                np.where(np.isfinite(row_hi), row_hi, inf),
                a.nnz,
                a.indptr[:-1].astype(np.int32),
                a.indices.astype(np.int32),
                a.data.astype(float),
            )
            self.model = h
            self.columns = np.arange(self.k, dtype=np.int32)

    def solve(
        self,
        c: np.ndarray,
        integral: bool = False,
        bounds: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> tuple[int, float, np.ndarray | None]:
        """Minimise ``c · v``: status (0 optimal, 1 limit, 2 infeasible, 3 unbounded), value, v.

        ``bounds`` replaces the variables' bounds (for one integer program).
        """
        h = self.model
        if h is None or integral:
            lo, hi = (self.lo, self.hi) if bounds is None else bounds
            res = milp(
                c,
                constraints=[LinearConstraint(self.a, self.row_lo, self.row_hi)],
                bounds=Bounds(lo, hi),
                integrality=np.ones(self.k) if integral else None,
                options=(
                    {"node_limit": _MILP_NODES, "time_limit": _MILP_SECONDS} if integral else {}
                ),
            )
            status = int(res.status)
            if status in (2, 3) or res.x is None:
                bound = getattr(res, "mip_dual_bound", None)
                value = np.nan if bound is None or status in (2, 3) else float(bound)
                return status if status in (2, 3) else 1, value, None
            fun = float(res.fun)
            if integral and status == 1:
                bound = getattr(res, "mip_dual_bound", None)
                fun = fun if bound is None else float(bound)
            return status, fun, np.asarray(res.x, dtype=float)
        changed = np.zeros(0, dtype=np.int32)
        if bounds is not None:
            changed = np.flatnonzero((bounds[0] != self.lo) | (bounds[1] != self.hi)).astype(
                np.int32
            )
            h.changeColsBounds(len(changed), changed, bounds[0][changed], bounds[1][changed])
        h.changeColsCost(self.k, self.columns, c)
        # The last basis stays primal feasible when only the objective
        # changes (primal simplex); new bounds may cut it off (dual simplex).
        h.setOptionValue("simplex_strategy", 1 if self.dual else 4)
        h.run()
        # The status and solution are read before the bounds are put back:
        # changing a bound resets them.
        name = h.modelStatusToString(h.getModelStatus())
        x = np.asarray(h.getSolution().col_value, dtype=float) if name == "Optimal" else None
        if len(changed):
            h.changeColsBounds(len(changed), changed, self.lo[changed], self.hi[changed])
        if x is not None:
            return 0, float(c @ x), x
        if name == "Infeasible":
            return 2, np.nan, None
        if name in ("Unbounded", "Primal unbounded"):
            return 3, -np.inf, None
        # Anything else (a limit, "unbounded or infeasible"): ask the MIP solver.
        return self._fallback(c, bounds)

    def _fallback(
        self, c: np.ndarray, bounds: tuple[np.ndarray, np.ndarray] | None
    ) -> tuple[int, float, np.ndarray | None]:
        model, self.model = self.model, None
        try:
            return self.solve(c, bounds=bounds)
        finally:
            self.model = model


class _Block:
    """One block's problem: find the smallest and largest value of each of its variables.

    ``make_lp`` builds the block's linear program; it is called at the first
    solve, so a block whose questions the given witnesses already settle
    builds none.
    """

    def __init__(
        self,
        make_lp: Callable[[], _LP],
        lo: np.ndarray,
        hi: np.ndarray,
        integer: bool,
        seen: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self._make_lp = make_lp
        self._model: _LP | None = None
        self.k = len(lo)
        self.lo, self.hi = lo.copy(), hi.copy()
        self.integer = integer
        self.lp = 0
        self.milp = 0
        self.infeasible = False
        # Largest / smallest value of each variable seen in an integral (or,
        # without ``integer``, any) solution: given ones first.
        self.seen_min = np.full(self.k, np.inf) if seen is None else seen[0].copy()
        self.seen_max = np.full(self.k, -np.inf) if seen is None else seen[1].copy()

    @property
    def model(self) -> _LP:
        if self._model is None:
            self._model = self._make_lp()
        return self._model

    def _witness(self, x: np.ndarray) -> None:
        if self.integer:
            rounded = np.round(x)
            if np.any(np.abs(x - rounded) > _TOL * np.maximum(1.0, np.abs(x))):
                return
            x = rounded
        np.maximum(self.seen_max, x, out=self.seen_max)
        np.minimum(self.seen_min, x, out=self.seen_min)

    def _solve(self, c: np.ndarray, integral: bool) -> tuple[int, float, np.ndarray | None]:
        if integral:
            self.milp += 1
        else:
            self.lp += 1
        status, fun, x = self.model.solve(c, integral)
        if status == 2:
            self.infeasible = True
        return status, fun, x

    def _done(self, j: int, side: int) -> bool:
        if side > 0:
            return bool(self.seen_max[j] >= self.hi[j] - _TOL)
        return bool(self.seen_min[j] <= self.lo[j] + _TOL)

    def _bound(self, j: int, side: int, fun: float) -> None:
        bound = -side * fun
        if side > 0:
            self.hi[j] = min(self.hi[j], np.floor(bound + _TOL) if self.integer else bound)
        else:
            self.lo[j] = max(self.lo[j], np.ceil(bound - _TOL) if self.integer else bound)

    def _settle(self, j: int, side: int) -> None:
        """Solve for the largest (side +1) or smallest (−1) value of variable j."""
        c = np.zeros(self.k)
        c[j] = -side
        status, fun, x = self._solve(c, integral=False)
        if self.infeasible:
            return
        if status == 3:
            self.hi[j] = np.inf
            self.seen_max[j] = np.inf
            return
        if x is not None:
            self._witness(x)
        if np.isfinite(fun):
            self._bound(j, side, fun)
        if self._done(j, side) or not self.integer:
            return
        target = self._target(j, side)
        if np.isfinite(target):
            # Only whether a whole-number table reaches the target matters:
            # the linear bound already rules it out, or a feasibility program
            # (zero objective, stops at the first solution) finds one.
            if side * (self.hi[j] if side > 0 else self.lo[j]) < side * target:
                return
            lo, hi = self.lo.copy(), self.hi.copy()
            if side > 0:
                lo[j] = max(lo[j], target)
            else:
                hi[j] = min(hi[j], target)
            # A vertex of the linear program with the target as a bound is
            # often a whole-number table already; else the integer program.
            self.lp += 1
            weights = self.rng.uniform(0.5, 1.5, self.k)
            status, _, x = self.model.solve(weights, False, bounds=(lo, hi))
            if x is not None:
                self._witness(x)
                if self._reached(j, side, target):
                    return
            if status != 2:
                self.milp += 1
                status, _, x = self.model.solve(np.zeros(self.k), True, bounds=(lo, hi))
            if x is not None:
                self._witness(x)
            elif status == 2:
                if side > 0:
                    self.hi[j] = min(self.hi[j], target - 1)
                else:
                    self.lo[j] = max(self.lo[j], target + 1)
            return
        status, fun, x = self._solve(c, integral=True)
        if x is not None:
            self._witness(x)
        if np.isfinite(fun):
            self._bound(j, side, fun)

    def _reached(self, j: int, side: int, target: float) -> bool:
        if side > 0:
            return bool(self.seen_max[j] >= target - _TOL)
        return bool(self.seen_min[j] <= target + _TOL)

    def _target(self, j: int, side: int) -> float:
        """The value side ``side`` of variable j must reach for its question (±inf: exact)."""
        if side > 0:
            if np.isfinite(self.above[j]):
                return float(np.ceil(self.above[j] - _TOL))
            if np.isfinite(self.width[j]) and np.isfinite(self.seen_min[j]):
                return float(self.seen_min[j] + self.width[j])
            return np.inf
        if np.isfinite(self.below[j]):
            return float(np.floor(self.below[j] + _TOL))
        if np.isfinite(self.width[j]) and np.isfinite(self.seen_max[j]):
            return float(self.seen_max[j] - self.width[j])
        return -np.inf

    def _targets(self, side: int) -> np.ndarray:
        """:meth:`_target` of every variable."""
        with np.errstate(invalid="ignore"):
            if side > 0:
                step = np.where(
                    np.isfinite(self.width) & np.isfinite(self.seen_min),
                    self.seen_min + self.width,
                    np.inf,
                )
                return np.where(np.isfinite(self.above), np.ceil(self.above - _TOL), step)
            step = np.where(
                np.isfinite(self.width) & np.isfinite(self.seen_max),
                self.seen_max - self.width,
                -np.inf,
            )
            return np.where(np.isfinite(self.below), np.floor(self.below + _TOL), step)

    def _reached_all(self, side: int) -> np.ndarray:
        """Variables whose side ``side`` is settled: at its bound or its target."""
        target = self._targets(side)
        if side > 0:
            return np.asarray(
                (self.seen_max >= self.hi - _TOL) | (self.seen_max >= target - _TOL), dtype=bool
            )
        return np.asarray(
            (self.seen_min <= self.lo + _TOL) | (self.seen_min <= target + _TOL), dtype=bool
        )

    def _held_solve(self, c: np.ndarray, open_: np.ndarray, side: np.ndarray) -> np.ndarray | None:
        """Optimise ``c`` with each open variable held at its target on its side.

        The held problem is the whole one with tighter bounds, so its
        solutions are the whole problem's; it can be infeasible where the
        whole one is not (the targets may not be reachable together): then
        the problem is solved as it is.
        """
        lo, hi = self.lo.copy(), self.hi.copy()
        up, down = open_[side > 0], open_[side < 0]
        hi[up] = np.minimum(hi[up], np.maximum(self._targets(1)[up], lo[up]))
        lo[down] = np.maximum(lo[down], np.minimum(self._targets(-1)[down], hi[down]))
        if np.array_equal(lo, self.lo) and np.array_equal(hi, self.hi):
            return self._solve(c, integral=False)[2]
        self.lp += 1
        status, _, x = self.model.solve(c, False, bounds=(lo, hi))
        if status == 0:
            return x
        return self._solve(c, integral=False)[2]

    def enough(self) -> np.ndarray:
        """Variables whose witnessed values already settle the question asked of them."""
        lo = np.where(self.seen_min <= self.lo + _TOL, self.lo, self.seen_min)
        hi = np.where(self.seen_max >= self.hi - _TOL, self.hi, self.seen_max)
        with np.errstate(invalid="ignore"):
            wide = ((lo <= self.below) & (hi >= self.above)) | (hi - lo >= self.width)
        proven = (self.seen_min <= self.lo + _TOL) & (self.seen_max >= self.hi - _TOL)
        return np.asarray(wide | proven | ~self.asked, dtype=bool)

    def solve(
        self, rng: np.random.Generator, below: np.ndarray, above: np.ndarray, width: np.ndarray
    ) -> None:
        """Tighten each variable's bounds until its question is settled (or it is exact)."""
        self.below, self.above, self.width = below, above, width
        self.rng = rng
        # Counts nothing is asked of (not sensitive) need no solve at all.
        self.asked = (width > 0) & ~((below == np.inf) & (above == -np.inf))
        if self.enough().all():
            return
        # Solves with random weights on the open variables give witnesses that
        # settle many of them (or reach their propagated bounds) at once: each
        # open variable pushed towards a side it still needs (a random one
        # when it needs both) and held at the value its question needs there,
        # no further, so that it leaves the relations' slack to the others.
        # Rounds go on while they settle at least a tenth of what is open.
        open_ = np.flatnonzero(~self.enough())
        for _ in range(_RANDOM_ROUNDS):
            up = ~self._reached_all(1)[open_]
            down = ~self._reached_all(-1)[open_]
            sides = np.where(up & down, rng.choice([-1, 1], len(open_)), np.where(up, 1, -1))
            c = np.zeros(self.k)
            c[open_] = -sides * rng.uniform(1.0, 2.0, len(open_))
            x = self._held_solve(c, open_, sides)
            if self.infeasible:
                return
            if x is not None:
                self._witness(x)
            still = np.flatnonzero(~self.enough())
            if len(still) > 0.9 * len(open_) or not len(still):
                break
            open_ = still
        for j in np.flatnonzero(~self.enough()).tolist():
            for side in (1, -1):
                if self.enough()[j]:
                    break
                if not self._done(j, side):
                    self._settle(j, side)
                    if self.infeasible:
                        return

    def result(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Lower and upper ends, and whether both are proven (else witnessed values only)."""
        proven_lo = self.seen_min <= self.lo + _TOL
        proven_hi = self.seen_max >= self.hi - _TOL
        # A side neither proven nor witnessed (no whole-number solution seen) is unknown.
        lo = np.where(
            proven_lo, self.lo, np.where(np.isfinite(self.seen_min), self.seen_min, np.nan)
        )
        hi = np.where(proven_hi, self.hi, np.where(self.seen_max > -np.inf, self.seen_max, np.nan))
        return lo, hi, proven_lo & proven_hi


@dataclass(frozen=True)
class _BlockTask:
    """One block's program and questions, as sent to a worker process."""

    a: sp.csr_matrix
    row_lo: np.ndarray
    row_hi: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    seen: np.ndarray | None  # (2, k): smallest and largest values seen, or None
    ask: np.ndarray  # (3, k): below, above, width
    integer: bool
    dual: bool
    seed: tuple[int, int]


@dataclass(frozen=True)
class _BlockDone:
    lo: np.ndarray
    hi: np.ndarray
    proven: np.ndarray
    infeasible: bool
    lp: int
    milp: int


def _solve_block(task: _BlockTask) -> _BlockDone:
    """Settle one block's questions (in this process or a worker)."""
    block = _Block(
        lambda: _LP(task.a, task.row_lo, task.row_hi, task.lo, task.hi, dual=task.dual),
        task.lo,
        task.hi,
        task.integer,
        None if task.seen is None else (task.seen[0], task.seen[1]),
    )
    block.solve(np.random.default_rng(list(task.seed)), task.ask[0], task.ask[1], task.ask[2])
    lo, hi, proven = block.result()
    return _BlockDone(lo, hi, proven, block.infeasible, block.lp, block.milp)


# Below this many variables in all, worker processes cost more than they save.
_PARALLEL_VARIABLES = 20_000


def _run_blocks(tasks: list[_BlockTask], jobs: int) -> list[_BlockDone]:
    """Solve the blocks in order, on ``jobs`` processes when there are enough of them.

    Each block has its own random seed, so the answer and the solve counts
    do not depend on the number of processes.
    """
    size = sum(len(t.lo) for t in tasks)
    if jobs <= 1 or len(tasks) < 2 or size < _PARALLEL_VARIABLES:
        return [_solve_block(t) for t in tasks]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    workers = min(jobs, len(tasks))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_solve_block, tasks, chunksize=max(1, len(tasks) // (4 * workers))))


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
    if integer and np.any(np.abs(x - np.round(x)) > _TOL):
        return None
    ax = a @ x
    tol = _TOL * np.maximum(1.0, np.abs(ax))
    ok = (
        np.all(ax >= row_lo - tol)
        and np.all(ax <= row_hi + tol)
        and np.all(x >= lo - _TOL)
        and np.all(x <= hi + _TOL)
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
    bad = lo > hi + _TOL
    free = hi > lo + _TOL
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
        tasks: list[_BlockTask] = []
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
                _BlockTask(
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
        for vs, done in zip(members, _run_blocks(tasks, jobs), strict=True):
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
