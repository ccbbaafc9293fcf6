"""Normalised scores and the composite, vectorised over (draws, components, regions) arrays.

Every function here takes *oriented* values: multiplied by +1 where a high value
is bad and −1 where it is good, so that a higher oriented value always means
more risk, and NaN where a cell is not published. The last axis is the regions.
"""

from __future__ import annotations

import numpy as np
from scipy import stats as _st

__all__ = [
    "DECILE_STEPS",
    "METHODS",
    "composite",
    "count_worse_scores",
    "decile_cuts",
    "decile_scores",
    "deciles_from_ranks",
    "rank_composite",
    "rank_draws",
    "rank_scores",
    "weighted_sum",
    "worse_flags",
    "zscore_scores",
]

#: Normalisation methods of :func:`utenforskap.risk.risk_index`.
METHODS: tuple[str, ...] = ("deciles", "zscore", "rank", "count_worse")
#: The nine inner decile cut points, as numerators over 10.
DECILE_STEPS = np.arange(1, 10)


def _valid_count(values: np.ndarray) -> np.ndarray:
    return (~np.isnan(values)).sum(axis=-1)


def decile_cuts(values: np.ndarray) -> np.ndarray:
    """Thresholds ``t`` such that a value's decile score is ``1 + #(value > t)``.

    The m-th decile of the ``n`` published values (``m = 1 … 9``) is the
    linearly interpolated order statistic at 0-based position ``h = (n − 1)
    m / 10`` (Hyndman & Fan type 7, numpy's default). ``value > q`` is decided
    exactly, without interpolating in floating point: it holds when the value
    exceeds the order statistic below ``h`` and is at least the one above it.
    That is ``value > t`` with ``t`` the lower order statistic when the two are
    equal (or ``h`` is whole) and the largest float below the upper one otherwise.

    Parameters
    ----------
    values
        Oriented values, NaN where unpublished; shape (..., regions).

    Returns
    -------
    numpy.ndarray
        Shape (..., 9); NaN where fewer than one value is published.

    Examples
    --------
    >>> t = decile_cuts(np.array([10.0, 20.0, 30.0, 40.0, 50.0]))
    >>> (1 + (np.array([10.0, 20.0, 30.0, 40.0, 50.0])[:, None] > t).sum(-1)).tolist()
    [1, 3, 5, 8, 10]
    """
    ordered = np.sort(values, axis=-1)  # NaN sort last
    n = _valid_count(values)
    scaled = (np.maximum(n, 1) - 1)[..., None] * DECILE_STEPS
    lo = scaled // 10
    hi = lo + (scaled % 10 != 0)
    s_lo = np.take_along_axis(ordered, lo, axis=-1)
    s_hi = np.take_along_axis(ordered, hi, axis=-1)
    cuts = np.where(s_hi == s_lo, s_lo, np.nextafter(s_hi, -np.inf))
    return np.where((n > 0)[..., None], cuts, np.nan)


def decile_scores(
    values: np.ndarray, cuts: np.ndarray | None = None, *, raw: bool = False
) -> np.ndarray:
    """Decile score 1–10 of each value against cut points (its own deciles by default).

    Parameters
    ----------
    values
        Oriented values, shape (..., regions).
    cuts
        Cut points from :func:`decile_cuts`, shape (..., 9), broadcastable;
        None: the values' own. Ties fall in the lower decile here (see
        :func:`deciles_from_ranks` for the tie rule of the point estimate).
    raw
        Return the int8 scores as computed, with 1 where the value is NaN
        (for the Monte Carlo, which masks unpublished cells itself).

    Returns
    -------
    numpy.ndarray
        Float scores (1 = least risk, 10 = most), NaN where the value is NaN.
    """
    if cuts is None:
        cuts = decile_cuts(values)
    score = np.ones(values.shape, dtype=np.int8)
    for m in range(cuts.shape[-1]):
        score += values > cuts[..., m : m + 1]
    if raw:
        return score
    out = score.astype(float)
    out[np.isnan(values)] = np.nan
    return out


def deciles_from_ranks(values: np.ndarray) -> np.ndarray:
    """Decile score 1–10 from each value's mid-rank among the published values.

    With distinct values this equals :func:`decile_scores`; tied values share
    the decile of their mid-rank (the average of the positions they occupy),
    so a tie is not pushed to the lower decile.

    Parameters
    ----------
    values
        Oriented values, shape (..., regions).

    Returns
    -------
    numpy.ndarray
        Float scores, NaN where the value is NaN.

    Examples
    --------
    >>> deciles_from_ranks(np.array([1.0, 1.0, 2.0, 3.0, 4.0])).tolist()
    [2.0, 2.0, 5.0, 8.0, 10.0]
    """
    c = rank_scores(values) - 1.0  # 0-based mid-rank
    n = _valid_count(values)[..., None]
    steps = DECILE_STEPS.reshape((1,) * values.ndim + (9,))
    # c > (n − 1) m / 10, in exact arithmetic: 2c is a whole number.
    above = (np.rint(20.0 * c)[..., None] > 2 * (n - 1)[..., None] * steps).sum(axis=-1)
    out = 1.0 + above
    out[np.isnan(values)] = np.nan
    return out


def rank_scores(values: np.ndarray) -> np.ndarray:
    """Rank of each value among the published ones: 1 = least risk, n = most; ties averaged.

    Examples
    --------
    >>> rank_scores(np.array([3.0, np.nan, 1.0, 3.0])).tolist()
    [2.5, nan, 1.0, 2.5]
    """
    ranks = _st.rankdata(values, method="average", axis=-1, nan_policy="omit")
    return np.asarray(ranks, dtype=float)


def rank_draws(values: np.ndarray) -> np.ndarray:
    """Ranks 1 … n of drawn values along the last axis (no ties: continuous draws).

    Unpublished (NaN) values sort last and get ranks above n; the caller masks them.

    Examples
    --------
    >>> rank_draws(np.array([[0.3, 0.1, 0.2]])).tolist()
    [[3, 1, 2]]
    """
    order = np.argsort(values, axis=-1)
    ranks = np.empty(values.shape, dtype=np.int32)
    positions = np.broadcast_to(np.arange(1, values.shape[-1] + 1, dtype=np.int32), values.shape)
    np.put_along_axis(ranks, order, positions, axis=-1)
    return ranks


def zscore_scores(
    values: np.ndarray,
    centre: np.ndarray,
    spread: np.ndarray | None = None,
    *,
    raw: bool = False,
) -> np.ndarray:
    """Distance from the centre in units of the regions' spread around it.

    Parameters
    ----------
    values
        Oriented values, shape (..., regions).
    centre
        Oriented centre (the reference region's value), broadcastable to
        (..., 1).
    spread
        None: the root-mean-square distance of the published values from the
        centre, ``sqrt(mean((v − c)²))`` — the standard deviation when the
        centre is the regions' mean. Unlike the standard deviation about the
        mean, it makes a region's score rise with its own value whatever the
        centre. Given: a fixed spread (e.g. of a reference distribution).
    raw
        Leave 0 (not NaN) where the value is NaN (for the Monte Carlo).

    Returns
    -------
    numpy.ndarray
        Scores; 0 where every published value equals the centre.

    Examples
    --------
    >>> zscore_scores(np.array([10.0, 20.0, 30.0]), np.array([20.0])).round(4).tolist()
    [-1.2247, 0.0, 1.2247]
    """
    missing = np.isnan(values)
    diff = values - centre
    diff[missing] = 0.0
    if spread is None:
        count = np.maximum((~missing).sum(axis=-1, keepdims=True), 1)
        spread = np.sqrt(np.einsum("...r,...r->...", diff, diff)[..., None] / count)
    spread = np.asarray(spread, dtype=float)
    diff /= np.where(spread > 0, spread, np.inf)
    if not raw:
        diff[missing] = np.nan
    return diff


def worse_flags(comparison: np.ndarray, high_is_bad: np.ndarray) -> np.ndarray:
    """1 where a cell is significantly worse than its reference, 0 where not, NaN unknown.

    Parameters
    ----------
    comparison
        ``higher`` / ``lower`` / ``similar`` / ``not_tested`` per cell.
    high_is_bad
        Direction per cell (broadcastable).

    Returns
    -------
    numpy.ndarray
        Float flags; ``not_tested`` (hidden, missing, or no reference) is NaN.

    Examples
    --------
    >>> worse_flags(np.array(["higher", "lower", "similar", "not_tested"]), np.array(True)).tolist()
    [1.0, 0.0, 0.0, nan]
    """
    comparison = np.asarray(comparison, dtype=object)
    bad = np.asarray(high_is_bad, dtype=bool)
    worse = np.where(bad, comparison == "higher", comparison == "lower")
    known = np.isin(comparison, ["higher", "lower", "similar"])
    return np.where(known, worse.astype(float), np.nan)


def count_worse_scores(comparison: np.ndarray, high_is_bad: np.ndarray) -> np.ndarray:
    """Alias of :func:`worse_flags`: the per-indicator part of ``count_worse``."""
    return worse_flags(comparison, high_is_bad)


def composite(
    scores: np.ndarray,
    weights: np.ndarray,
    *,
    method: str,
    min_components: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted composite over components, from the published components only.

    Parameters
    ----------
    scores
        Normalised scores, shape (..., components, regions), NaN where the
        component is not published.
    weights
        One non-negative weight per component.
    method
        For ``count_worse`` the composite is the weighted count of components
        known to be worse (weights scaled to average 1, so equal weights give
        the plain count) and the second array is the largest count the
        unknown components could make; otherwise the weighted mean of the
        published components (weights renormalised over them) and the second
        array equals the first.
    min_components
        Regions with fewer published components get NaN.

    Returns
    -------
    score, score_max
        Shape (..., regions).

    Examples
    --------
    >>> s = np.array([[1.0, 4.0], [3.0, np.nan]])  # components × regions
    >>> composite(s, np.array([1.0, 1.0]), method="deciles", min_components=1)[0].tolist()
    [2.0, 4.0]
    """
    avail = ~np.isnan(scores)
    w = np.asarray(weights, dtype=float).reshape((-1, 1))
    filled = np.where(avail, scores, 0.0)
    used = avail.sum(axis=-2)
    if method == "count_worse":
        scaled = w * w.size / w.sum()
        score = (filled * scaled).sum(axis=-2)
        score_max = score + (~avail * scaled).sum(axis=-2)
    else:
        total = (avail * w).sum(axis=-2)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = (filled * w).sum(axis=-2) / total
        score = np.where(total > 0, score, np.nan)
        score_max = score
    few = used < min_components
    return np.where(few, np.nan, score), np.where(few, np.nan, score_max)


def weighted_sum(scores: np.ndarray, weights: np.ndarray, available: np.ndarray) -> np.ndarray:
    """Σ over components of weight × score where the cell is published (Monte Carlo path).

    Parameters
    ----------
    scores
        Shape (draws, components, regions); unpublished cells must hold a
        finite value (it is multiplied by 0).
    weights
        Shape (components,).
    available
        Shape (components, regions).

    Returns
    -------
    numpy.ndarray
        Shape (draws, regions).

    Examples
    --------
    >>> s = np.array([[[1, 9], [3, 5]]], dtype=np.int8)
    >>> weighted_sum(s, np.array([1.0, 2.0]), np.array([[True, False], [True, True]])).tolist()
    [[7.0, 10.0]]
    """
    total = np.zeros((scores.shape[0], scores.shape[-1]))
    for k in range(scores.shape[1]):  # a loop over components, not over data rows
        total += scores[:, k, :] * np.where(available[k], float(weights[k]), 0.0)
    return total


def rank_composite(score: np.ndarray) -> np.ndarray:
    """Rank of each region's composite: 1 = most risk; ties averaged; NaN stays NaN.

    Examples
    --------
    >>> rank_composite(np.array([2.0, np.nan, 5.0, 2.0])).tolist()
    [2.5, nan, 1.0, 2.5]
    """
    return rank_scores(-np.asarray(score, dtype=float))
