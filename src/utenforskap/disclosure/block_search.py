"""The search for one block's intervals, in this process or on worker processes."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from utenforskap.disclosure.lp import LP, TOL

__all__ = ["BlockDone", "BlockSearch", "BlockTask", "run_blocks"]

_RANDOM_ROUNDS = 12


class BlockSearch:
    """One block's problem: find the smallest and largest value of each of its variables.

    ``make_lp`` builds the block's linear program; it is called at the first
    solve, so a block whose questions the given witnesses already settle
    builds none.
    """

    def __init__(
        self,
        make_lp: Callable[[], LP],
        lo: np.ndarray,
        hi: np.ndarray,
        integer: bool,
        seen: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self._make_lp = make_lp
        self._model: LP | None = None
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
    def model(self) -> LP:
        if self._model is None:
            self._model = self._make_lp()
        return self._model

    def _witness(self, x: np.ndarray) -> None:
        if self.integer:
            rounded = np.round(x)
            if np.any(np.abs(x - rounded) > TOL * np.maximum(1.0, np.abs(x))):
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
            return bool(self.seen_max[j] >= self.hi[j] - TOL)
        return bool(self.seen_min[j] <= self.lo[j] + TOL)

    def _bound(self, j: int, side: int, fun: float) -> None:
        bound = -side * fun
        if side > 0:
            self.hi[j] = min(self.hi[j], np.floor(bound + TOL) if self.integer else bound)
        else:
            self.lo[j] = max(self.lo[j], np.ceil(bound - TOL) if self.integer else bound)

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
            return bool(self.seen_max[j] >= target - TOL)
        return bool(self.seen_min[j] <= target + TOL)

    def _target(self, j: int, side: int) -> float:
        """The value side ``side`` of variable j must reach for its question (±inf: exact)."""
        if side > 0:
            if np.isfinite(self.above[j]):
                return float(np.ceil(self.above[j] - TOL))
            if np.isfinite(self.width[j]) and np.isfinite(self.seen_min[j]):
                return float(self.seen_min[j] + self.width[j])
            return np.inf
        if np.isfinite(self.below[j]):
            return float(np.floor(self.below[j] + TOL))
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
                return np.where(np.isfinite(self.above), np.ceil(self.above - TOL), step)
            step = np.where(
                np.isfinite(self.width) & np.isfinite(self.seen_max),
                self.seen_max - self.width,
                -np.inf,
            )
            return np.where(np.isfinite(self.below), np.floor(self.below + TOL), step)

    def _reached_all(self, side: int) -> np.ndarray:
        """Variables whose side ``side`` is settled: at its bound or its target."""
        target = self._targets(side)
        if side > 0:
            return np.asarray(
                (self.seen_max >= self.hi - TOL) | (self.seen_max >= target - TOL), dtype=bool
            )
        return np.asarray(
            (self.seen_min <= self.lo + TOL) | (self.seen_min <= target + TOL), dtype=bool
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
        lo = np.where(self.seen_min <= self.lo + TOL, self.lo, self.seen_min)
        hi = np.where(self.seen_max >= self.hi - TOL, self.hi, self.seen_max)
        with np.errstate(invalid="ignore"):
            wide = ((lo <= self.below) & (hi >= self.above)) | (hi - lo >= self.width)
        proven = (self.seen_min <= self.lo + TOL) & (self.seen_max >= self.hi - TOL)
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
        proven_lo = self.seen_min <= self.lo + TOL
        proven_hi = self.seen_max >= self.hi - TOL
        # A side neither proven nor witnessed (no whole-number solution seen) is unknown.
        lo = np.where(
            proven_lo, self.lo, np.where(np.isfinite(self.seen_min), self.seen_min, np.nan)
        )
        hi = np.where(proven_hi, self.hi, np.where(self.seen_max > -np.inf, self.seen_max, np.nan))
        return lo, hi, proven_lo & proven_hi


@dataclass(frozen=True)
class BlockTask:
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
class BlockDone:
    lo: np.ndarray
    hi: np.ndarray
    proven: np.ndarray
    infeasible: bool
    lp: int
    milp: int


def _solve_block(task: BlockTask) -> BlockDone:
    """Settle one block's questions (in this process or a worker)."""
    block = BlockSearch(
        lambda: LP(task.a, task.row_lo, task.row_hi, task.lo, task.hi, dual=task.dual),
        task.lo,
        task.hi,
        task.integer,
        None if task.seen is None else (task.seen[0], task.seen[1]),
    )
    block.solve(np.random.default_rng(list(task.seed)), task.ask[0], task.ask[1], task.ask[2])
    lo, hi, proven = block.result()
    return BlockDone(lo, hi, proven, block.infeasible, block.lp, block.milp)


# Below this many variables in all, worker processes cost more than they save.
_PARALLEL_VARIABLES = 20_000


def run_blocks(tasks: list[BlockTask], jobs: int) -> list[BlockDone]:
    """Solve the blocks in order, on ``jobs`` processes when there are enough of them.

    Each block has its own random seed, so the answer and the solve counts
    do not depend on the number of processes.

    Parameters
    ----------
    tasks
        The blocks' programs and questions.
    jobs
        Processes at most (forked; 1: this process only).

    Returns
    -------
    list of BlockDone
        One answer per task, in the tasks' order.
    """
    size = sum(len(t.lo) for t in tasks)
    if jobs <= 1 or len(tasks) < 2 or size < _PARALLEL_VARIABLES:
        return [_solve_block(t) for t in tasks]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    workers = min(jobs, len(tasks))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return list(pool.map(_solve_block, tasks, chunksize=max(1, len(tasks) // (4 * workers))))
