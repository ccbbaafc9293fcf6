"""Confidence intervals for proportions, counts and rates, vectorised."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy import stats as _st

from utenforskap.errors import check_choice
from utenforskap.stats._checks import (
    ArrayResult,
    check_counts,
    check_level,
    check_positive,
    wrap_like,
    z_value,
)

__all__ = [
    "COUNT_METHODS",
    "EXACT_BELOW",
    "PROPORTION_METHODS",
    "Interval",
    "count_ci",
    "proportion_ci",
    "rate_ci",
]


class Interval(NamedTuple):
    """A confidence interval: ``lower`` and ``upper`` limits, shaped like the input."""

    lower: ArrayResult
    upper: ArrayResult


PROPORTION_METHODS: tuple[str, ...] = ("wilson", "clopper-pearson", "jeffreys")
COUNT_METHODS: tuple[str, ...] = ("byar", "exact", "auto")
#: With ``method="auto"``, counts below this use the exact Poisson interval and
#: counts at or above it Byar's approximation (the cut-off PHE's Fingertips uses).
EXACT_BELOW = 10


def _wilson(x: np.ndarray, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    z = z_value(level)
    z2 = z * z
    p = x / n
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2.0 * n)) / denom
    half = z * np.sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom
    return centre - half, centre + half


def _beta_limits(
    x: np.ndarray, n: np.ndarray, level: float, shift_lower: float, shift_upper: float
) -> tuple[np.ndarray, np.ndarray]:
    tail = (1.0 - level) / 2.0
    # x = 0 or x = n make a beta parameter 0; those limits are set afterwards.
    safe_lower_a = np.where(x > 0, x + shift_lower, 1.0)
    safe_upper_b = np.where(x < n, n - x + shift_upper, 1.0)
    lower = _st.beta.ppf(tail, safe_lower_a, n - x + 1.0 - shift_lower)
    upper = _st.beta.isf(tail, x + 1.0 - shift_upper, safe_upper_b)
    return lower, upper


def proportion_ci(
    x: npt.ArrayLike, n: npt.ArrayLike, *, method: str = "wilson", level: float = 0.95
) -> Interval:
    """Two-sided confidence interval for a binomial proportion, vectorised.

    Parameters
    ----------
    x
        Counts with the trait (array-like, Series or DataFrame); need not be
        whole numbers (weighted survey counts are allowed).
    n
        Denominators, broadcastable against ``x``.
    method
        ``"wilson"`` (score interval), ``"clopper-pearson"`` (exact, from the
        beta distribution) or ``"jeffreys"`` (equal-tailed Beta(x + ½, n − x + ½)
        posterior interval, with the lower limit 0 at x = 0 and the upper limit 1
        at x = n as Brown, Cai & DasGupta recommend).
    level
        Confidence level strictly between 0 and 1 (0.95, not 95).

    Returns
    -------
    lower, upper
        Limits as proportions in [0, 1], shaped like the broadcast input (a
        Series/DataFrame keeps ``x``'s labels); NaN where ``x`` or ``n`` is NaN.
        x = 0 gives a lower limit of exactly 0, x = n an upper limit of exactly 1.

    Raises
    ------
    DataError
        Unknown method; level outside (0, 1); x < 0, n ≤ 0, x > n or an infinite
        value (the message names the position and the value).

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and
    statistical inference. JASA 22, 209-212.
    Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial
    limits illustrated in the case of the binomial. Biometrika 26, 404-413.
    Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval estimation for a
    binomial proportion. Statistical Science 16, 101-133.
    Newcombe, R. G. (1998). Two-sided confidence intervals for the single
    proportion. Statistics in Medicine 17, 857-872 (worked examples).

    Examples
    --------
    >>> lower, upper = proportion_ci([81, 0], [263, 20])
    >>> [round(float(v), 4) for v in lower], [round(float(v), 4) for v in upper]
    ([0.2553, 0.0], [0.3662, 0.1611])
    """
    check_choice("method", method, PROPORTION_METHODS)
    lvl = check_level(level)
    xa, na = check_counts(x, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "wilson":
            lower, upper = _wilson(xa, na, lvl)
        elif method == "clopper-pearson":
            lower, upper = _beta_limits(xa, na, lvl, 0.0, 0.0)
        else:
            lower, upper = _beta_limits(xa, na, lvl, 0.5, 0.5)
    missing = np.isnan(xa) | np.isnan(na)
    lower = np.where(missing, np.nan, np.where(xa == 0, 0.0, np.clip(lower, 0.0, 1.0)))
    upper = np.where(missing, np.nan, np.where(xa == na, 1.0, np.clip(upper, 0.0, 1.0)))
    return Interval(wrap_like(lower, x), wrap_like(upper, x))


def _byar(x: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    z = z_value(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = x * (1.0 - 1.0 / (9.0 * x) - z / (3.0 * np.sqrt(x))) ** 3
    x1 = x + 1.0
    upper = x1 * (1.0 - 1.0 / (9.0 * x1) + z / (3.0 * np.sqrt(x1))) ** 3
    # Below a count of 1 (weighted counts) the cube can turn negative.
    return np.where(x == 0, 0.0, np.maximum(lower, 0.0)), upper


def _exact_poisson(x: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    tail = (1.0 - level) / 2.0
    with np.errstate(invalid="ignore"):
        lower = _st.chi2.ppf(tail, np.where(x > 0, 2.0 * x, 1.0)) / 2.0
    upper = _st.chi2.isf(tail, 2.0 * x + 2.0) / 2.0
    return np.where(x == 0, 0.0, lower), upper


def _count_limits(x: np.ndarray, method: str, level: float) -> tuple[np.ndarray, np.ndarray]:
    if method == "byar":
        return _byar(x, level)
    if method == "exact":
        return _exact_poisson(x, level)
    byar_lower, byar_upper = _byar(x, level)
    exact_lower, exact_upper = _exact_poisson(x, level)
    small = x < EXACT_BELOW
    return np.where(small, exact_lower, byar_lower), np.where(small, exact_upper, byar_upper)


def _count_limits_nan(x: np.ndarray, method: str, level: float) -> tuple[np.ndarray, np.ndarray]:
    lower, upper = _count_limits(x, method, level)
    missing = np.isnan(x)
    return np.where(missing, np.nan, lower), np.where(missing, np.nan, upper)


def count_ci(x: npt.ArrayLike, *, method: str = "byar", level: float = 0.95) -> Interval:
    """Two-sided confidence interval for a Poisson count, vectorised.

    Parameters
    ----------
    x
        Observed counts (≥ 0; need not be whole numbers).
    method
        ``"byar"`` (Byar's approximation to the exact interval), ``"exact"``
        (the exact Poisson interval from the chi-square distribution:
        χ²(α/2; 2x)/2 and χ²(1 − α/2; 2x + 2)/2), or ``"auto"``: exact for
        counts below :data:`EXACT_BELOW` (10), Byar from 10 up, as PHE's
        ``byars_lower``/``byars_upper`` do.
    level
        Confidence level strictly between 0 and 1.

    Returns
    -------
    lower, upper
        Limits on the count scale, shaped like ``x``; NaN where ``x`` is NaN;
        the lower limit is exactly 0 at x = 0.

    Raises
    ------
    DataError
        Unknown method; level outside (0, 1); a negative or infinite count.

    References
    ----------
    Breslow, N. E. & Day, N. E. (1987). Statistical Methods in Cancer Research,
    Vol. II. IARC, p. 69 (Byar's approximation).
    Garwood, F. (1936). Fiducial limits for the Poisson distribution.
    Biometrika 28, 437-442 (exact interval).
    Public Health England (2018). PHEindicatormethods: ``byars_lower``,
    ``byars_upper``.

    Examples
    --------
    >>> lower, upper = count_ci([0, 25], method="exact")
    >>> [round(float(v), 4) for v in upper]
    [3.6889, 36.9049]
    """
    check_choice("method", method, COUNT_METHODS)
    lvl = check_level(level)
    xa, _ = check_counts(x)
    lower, upper = _count_limits_nan(xa, method, lvl)
    return Interval(wrap_like(lower, x), wrap_like(upper, x))


def rate_ci(
    x: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    multiplier: float = 100_000,
    method: str = "byar",
    level: float = 0.95,
) -> Interval:
    """Two-sided confidence interval for a rate (count per population), vectorised.

    The count's limits from :func:`count_ci` divided by the population and
    scaled by ``multiplier``.

    Parameters
    ----------
    x
        Event counts (≥ 0).
    n
        Population at risk or person-years (> 0), broadcastable against ``x``.
    multiplier
        Scale of the rate (100 000 gives a rate per 100 000).
    method, level
        As :func:`count_ci`.

    Returns
    -------
    lower, upper
        Limits on the rate scale; NaN where ``x`` or ``n`` is NaN.

    References
    ----------
    Public Health England (2018). PHEindicatormethods: ``phe_rate``.
    Breslow & Day (1987), see :func:`count_ci`.

    Examples
    --------
    >>> lower, upper = rate_ci(65, 100_000, method="byar")
    >>> round(float(lower), 3), round(float(upper), 3)
    (50.163, 82.849)
    """
    check_choice("method", method, COUNT_METHODS)
    lvl = check_level(level)
    scale = check_positive(multiplier, "multiplier")
    xa, na = check_counts(x, n, proportion=False)
    lower, upper = _count_limits_nan(xa, method, lvl)
    return Interval(wrap_like(lower / na * scale, x), wrap_like(upper / na * scale, x))
