"""Monte Carlo draws of every published cell from its counts, in chunks, reproducibly."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import stats as _st

from utenforskap.errors import ParameterError

__all__ = ["CHUNK_CELLS", "DrawPlan", "draw_values", "plan_draws", "run_chunks"]

#: Cells (draws × components × regions) per chunk: about 16 MB per float array,
#: so memory stays flat however many draws are asked for.
CHUNK_CELLS = 1 << 21


@dataclass(frozen=True)
class DrawPlan:
    """How the draws are split: chunk sizes and one independent seed per chunk.

    The split depends only on the number of draws and the array shape, never on
    the number of threads, so a seed gives the same numbers on any machine.
    """

    sizes: tuple[int, ...]
    seeds: tuple[np.random.SeedSequence, ...]


def plan_draws(draws: int, cells: int, seed: int | np.random.SeedSequence | None) -> DrawPlan:
    """Split ``draws`` into chunks of about :data:`CHUNK_CELLS` cells and seed each chunk.

    Parameters
    ----------
    draws
        Number of Monte Carlo draws (> 0).
    cells
        Components × regions.
    seed
        Seed for :class:`numpy.random.SeedSequence`; None draws fresh entropy.

    Returns
    -------
    DrawPlan
        Chunk sizes summing to ``draws`` and one spawned seed per chunk.

    Examples
    --------
    >>> plan_draws(10, 1 << 20, seed=1).sizes
    (2, 2, 2, 2, 2)
    """
    per = max(1, CHUNK_CELLS // max(cells, 1))
    sizes = [per] * (draws // per) + ([draws % per] if draws % per else [])
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    return DrawPlan(tuple(sizes), tuple(root.spawn(len(sizes))))


def draw_values(
    rng: np.random.Generator,
    size: int,
    *,
    kind: np.ndarray,
    value: np.ndarray,
    numerator: np.ndarray,
    denominator: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    level: np.ndarray,
    multiplier: np.ndarray,
) -> np.ndarray:
    """Draw every cell ``size`` times from what its publisher tells about it.

    Proportions: Beta(x + ½, n − x + ½), the posterior under Jeffreys' prior,
    × multiplier. Rates: Gamma(x + ½, 1) / n × multiplier (Jeffreys' prior for
    a Poisson count). Published rates (no counts) and cells whose counts are
    not given: Normal(value, (upper − lower) / (2 z)) with z the normal
    quantile of the cell's interval level. Unpublished cells are NaN.

    Parameters
    ----------
    rng
        The generator of this chunk.
    size
        Draws.
    kind
        Per component: ``proportion``, ``rate`` or ``published``; shape (K,).
    value, numerator, denominator, lower, upper, level
        Per cell, shape (K, R); NaN where unpublished.
    multiplier
        Per component, shape (K,).

    Returns
    -------
    numpy.ndarray
        Shape (size, K, R).
    """
    shape = (size, *value.shape)
    kind_k = np.asarray(kind, dtype=object)[:, None]
    has_counts = np.isfinite(numerator) & np.isfinite(denominator) & (denominator > 0)
    prop = (kind_k == "proportion") & has_counts
    rate = (kind_k == "rate") & has_counts
    normal = ~(prop | rate) & np.isfinite(value)
    scale = np.broadcast_to(np.asarray(multiplier, dtype=float)[:, None], value.shape)
    with np.errstate(invalid="ignore"):
        z = _st.norm.ppf(0.5 + np.where(np.isfinite(level), level, 0.95) / 2.0)
        se = (upper - lower) / (2.0 * z)
    se = np.where(np.isfinite(se) & (se >= 0), se, 0.0)
    x = np.where(prop | rate, numerator, 0.0)
    n = np.where(prop | rate, denominator, 1.0)

    def beta(mask: np.ndarray | None) -> np.ndarray:
        if mask is None:
            full = rng.beta(x + 0.5, n - x + 0.5, size=shape)
            full *= scale
            return full
        return (
            rng.beta(x[mask] + 0.5, n[mask] - x[mask] + 0.5, size=(size, int(mask.sum())))
            * scale[mask]
        )

    def gamma(mask: np.ndarray | None) -> np.ndarray:
        if mask is None:
            return rng.standard_gamma(x + 0.5, size=shape) / n * scale
        return (
            rng.standard_gamma(x[mask] + 0.5, size=(size, int(mask.sum()))) / n[mask] * scale[mask]
        )

    def gauss(mask: np.ndarray | None) -> np.ndarray:
        if mask is None:
            return value + rng.standard_normal(size=shape) * se
        return value[mask] + rng.standard_normal(size=(size, int(mask.sum()))) * se[mask]

    samplers = sorted(
        [(prop, beta), (rate, gamma), (normal, gauss)], key=lambda item: -int(item[0].sum())
    )
    out: np.ndarray | None = None
    for mask, sampler in samplers:
        if not mask.any():
            continue
        if out is None:
            # The most common kind is drawn for the whole array, without masked copies
            # (the usual case: all proportions); the others overwrite their cells.
            out = sampler(None)
        else:
            out[:, mask] = sampler(mask)
    if out is None:
        return np.full(shape, np.nan)
    unpublished = ~(prop | rate | normal)
    if unpublished.any():
        out[:, unpublished] = np.nan
    return out


def _workers(workers: int | None) -> int:
    if workers is None:
        try:
            return max(1, min(len(os.sched_getaffinity(0)), 8))
        except AttributeError:  # pragma: no cover - not on Linux
            return max(1, min(os.cpu_count() or 1, 8))
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ParameterError(
            f"workers must be a whole number ≥ 1; not {workers!r}",
            parameter="workers",
            value=workers,
        )
    return workers


def run_chunks(
    plan: DrawPlan,
    chunk: Callable[[np.random.Generator, int], np.ndarray],
    *,
    workers: int | None = None,
) -> np.ndarray:
    """Run ``chunk(rng, size)`` for every chunk of the plan and stack the results.

    NumPy releases the GIL while it samples and sorts large arrays, so the
    chunks run in threads; the result is the same for any number of workers.

    Parameters
    ----------
    plan
        From :func:`plan_draws`.
    chunk
        Returns an array whose first axis has ``size`` entries.
    workers
        Threads; default the CPUs this process may use (at most 8).

    Returns
    -------
    numpy.ndarray
        The chunks' results concatenated along the first axis, in plan order.
    """
    jobs = list(zip(plan.seeds, plan.sizes, strict=True))

    def one(job: tuple[np.random.SeedSequence, int]) -> np.ndarray:
        return chunk(np.random.default_rng(job[0]), job[1])

    count = _workers(workers)
    if count == 1 or len(jobs) == 1:
        parts = [one(job) for job in jobs]
    else:
        with ThreadPoolExecutor(max_workers=count) as pool:
            parts = list(pool.map(one, jobs))
    return np.concatenate(parts, axis=0)
