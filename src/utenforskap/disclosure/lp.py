"""One block's linear program on HiGHS, re-solved from the last basis with new objectives."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

__all__ = ["LP", "TOL"]

# Counts are integers up to a few million; HiGHS's feasibility tolerance is 1e-7.
TOL = 1e-6
# An integer program stops after this many branch-and-bound nodes (its
# bound then counts, and the count is judged short): a node limit gives the
# same answer on a busy machine as on an idle one, where a time limit would
# not. The time limit only guards against a single node running away.
_MILP_NODES = 20_000
_MILP_SECONDS = 600.0


def _vendored_highs() -> type | None:
    """HiGHS's own Python class as SciPy ships it (SciPy ≥ 1.15), for warm-started re-solves."""
    try:
        from scipy.optimize._highspy import _core
    except ImportError:  # pragma: no cover - older SciPy: one milp() call per solve
        return None
    highs: type | None = getattr(_core, "_Highs", None)
    return highs


class LP:
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
