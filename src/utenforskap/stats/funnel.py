"""Funnel-plot control limits for proportions and rates, and points classified against them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats as _st

from utenforskap.errors import DataError, check_choice
from utenforskap.stats._checks import (
    check_counts,
    check_level,
    check_positive,
    first_position,
    z_value,
)

__all__ = [
    "FUNNEL_KINDS",
    "FUNNEL_LEVELS",
    "FUNNEL_METHODS",
    "dersimonian_laird_tau2",
    "funnel_classify",
    "funnel_limits",
]

FUNNEL_LEVELS: tuple[float, ...] = (0.95, 0.998)
FUNNEL_KINDS: tuple[str, ...] = ("proportion", "rate")
#: ``exact``: interpolated quantiles of the binomial / Poisson distribution
#: (Spiegelhalter 2005); ``wilson``: PHE Fingertips' closed form for proportions.
FUNNEL_METHODS: tuple[str, ...] = ("exact", "wilson")


def _check_baseline(baseline: object, kind: str) -> float:
    value = check_positive(baseline, "baseline")
    if kind == "proportion" and not value < 1.0:
        raise DataError(f"baseline must be a proportion strictly between 0 and 1; not {baseline!r}")
    return value


def _check_levels(levels: Sequence[float]) -> tuple[float, ...]:
    if isinstance(levels, str) or not isinstance(levels, Sequence) or len(levels) == 0:
        raise DataError(
            f"levels must be a non-empty sequence such as (0.95, 0.998); not {levels!r}"
        )
    return tuple(check_level(level, "levels") for level in levels)


def _check_denominators(n: npt.ArrayLike, kind: str, method: str) -> np.ndarray:
    _, na = check_counts(0.0, n, n_name="denominator", proportion=False)
    if kind == "proportion" and method == "exact":
        fractional = np.isfinite(na) & (na != np.round(na))
        if fractional.any():
            position = first_position(fractional)
            raise DataError(
                "exact binomial funnel limits need whole-number denominators "
                "(use method='wilson' for weighted counts)",
                column="denominator",
                row=position,
                value=float(na[position]),
            )
    return na


def _variance(baseline: float, n: np.ndarray, kind: str) -> np.ndarray:
    if kind == "proportion":
        return baseline * (1.0 - baseline) / n
    return baseline / n


def _exact_limit(n: np.ndarray, baseline: float, prob: float, kind: str) -> np.ndarray:
    # Spiegelhalter (2005), appendix A.1: interpolate between the discrete
    # quantile and the one below so the limit is a smooth function of n.
    dist = _st.binom(n, baseline) if kind == "proportion" else _st.poisson(baseline * n)
    r = dist.ppf(prob)
    upper_cdf = dist.cdf(r)
    step = upper_cdf - dist.cdf(r - 1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(step > 0, (upper_cdf - prob) / step, 0.0)
    return (r - alpha) / n


def _wilson_limit(n: np.ndarray, baseline: float, prob: float, side: str) -> np.ndarray:
    # PHEindicatormethods' sigma_adjustment: the observed proportion whose Wilson
    # limit equals the baseline, solved in closed form.
    z2 = _st.norm.ppf(prob) ** 2
    first = baseline * (n / z2 + 1.0)
    root = np.sqrt(
        (-8.0 * baseline * (n / z2 + 1.0)) ** 2
        - 64.0
        * (1.0 / z2 + 1.0 / n)
        * baseline
        * (n * (baseline * (n / z2 + 2.0) - 1.0) + z2 * (baseline - 1.0))
    )
    last = 1.0 / z2 + 1.0 / n
    sign = -1.0 if side == "low" else 1.0
    return (first + sign * root / 8.0) / last / n


def _limits(
    n: np.ndarray, baseline: float, level: float, kind: str, method: str, tau2: float
) -> tuple[np.ndarray, np.ndarray]:
    tail = (1.0 - level) / 2.0
    if tau2 > 0:
        half = z_value(level) * np.sqrt(_variance(baseline, n, kind) + tau2)
        lower, upper = baseline - half, baseline + half
    elif method == "wilson":
        lower = _wilson_limit(n, baseline, 1.0 - tail, "low")
        upper = _wilson_limit(n, baseline, 1.0 - tail, "high")
    else:
        lower = _exact_limit(n, baseline, tail, kind)
        upper = _exact_limit(n, baseline, 1.0 - tail, kind)
    lower = np.maximum(lower, 0.0)
    if kind == "proportion":
        upper = np.minimum(upper, 1.0)
    return lower, upper


def funnel_limits(
    denominator: npt.ArrayLike,
    baseline: float,
    *,
    kind: str = "proportion",
    levels: Sequence[float] = FUNNEL_LEVELS,
    method: str = "exact",
    tau2: float = 0.0,
    multiplier: float = 1.0,
) -> pd.DataFrame:
    """Funnel-plot control limits around a baseline as a function of the denominator.

    Parameters
    ----------
    denominator
        Denominators at which to compute the limits (1-D, > 0).
    baseline
        The target: a proportion in (0, 1) or a rate per unit of denominator
        (e.g. events per person), before ``multiplier``.
    kind
        ``"proportion"`` (binomial) or ``"rate"`` (Poisson count over the
        denominator).
    levels
        Control levels; default 95 % and 99.8 % (about 2 and 3 standard errors).
    method
        ``"exact"``: interpolated quantiles of the exact binomial / Poisson
        distribution (Spiegelhalter 2005); ``"wilson"``: PHE Fingertips' closed
        form from the Wilson score interval (proportions only).
    tau2
        Additive between-region variance (on the proportion / unit-rate scale)
        from :func:`dersimonian_laird_tau2`. When > 0 the limits are
        ``baseline ± z·sqrt(V(n) + tau2)`` on the normal approximation
        (Spiegelhalter 2005, section 5) instead of the exact distribution.
    multiplier
        Scale of ``baseline``, ``lower`` and ``upper`` in the result (100 gives
        percent).

    Returns
    -------
    pandas.DataFrame
        Long format, one row per level × denominator (levels in the order
        given): ``denominator``, ``level``, ``baseline``, ``lower``, ``upper``.
        Proportion limits are clipped to [0, 1] and rate limits at 0.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional
    performance. Statistics in Medicine 24, 1185-1202.
    Public Health England (2019). PHEindicatormethods: ``phe_funnels``
    (``method="wilson"`` reproduces its limits).

    Examples
    --------
    >>> limits = funnel_limits([100, 1000], 0.2, levels=(0.95,))
    >>> limits.round(4)[["lower", "upper"]].to_numpy().tolist()
    [[0.1197, 0.2765], [0.175, 0.2246]]
    """
    check_choice("kind", kind, FUNNEL_KINDS)
    check_choice("method", method, FUNNEL_METHODS)
    if method == "wilson" and kind != "proportion":
        raise DataError("method 'wilson' is for proportions; use method='exact' for rates")
    level_list = _check_levels(levels)
    base = _check_baseline(baseline, kind)
    scale = check_positive(multiplier, "multiplier")
    if isinstance(tau2, bool) or not isinstance(tau2, int | float) or not tau2 >= 0:
        raise DataError(f"tau2 must be a number ≥ 0; not {tau2!r}")
    n = _check_denominators(denominator, kind, method if tau2 == 0 else "wilson").ravel()
    parts = []
    for level in level_list:
        lower, upper = _limits(n, base, level, kind, method, float(tau2))
        parts.append(
            pd.DataFrame(
                {
                    "denominator": n,
                    "level": level,
                    "baseline": base * scale,
                    "lower": lower * scale,
                    "upper": upper * scale,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _values_and_baseline(
    x: npt.ArrayLike, n: npt.ArrayLike, kind: str, baseline: float | None
) -> tuple[np.ndarray, np.ndarray, float]:
    xa, na = check_counts(x, n, proportion=kind == "proportion")
    xa, na = xa.ravel(), na.ravel()
    if baseline is None:
        ok = ~(np.isnan(xa) | np.isnan(na))
        if not ok.any():
            raise DataError("no complete counts to compute a baseline from")
        base = float(xa[ok].sum() / na[ok].sum())
        if not (base > 0.0 and (kind == "rate" or base < 1.0)):
            raise DataError(
                f"the pooled baseline is {base!r}; funnel limits need one inside (0, 1)"
            )
    else:
        base = _check_baseline(baseline, kind)
    return xa, na, base


def dersimonian_laird_tau2(
    x: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    kind: str = "proportion",
    baseline: float | None = None,
    winsorise: float = 0.1,
) -> float:
    """Additive between-region variance τ² for over-dispersed funnel plots.

    Parameters
    ----------
    x, n
        Counts and denominators of the regions (NaN rows are left out).
    kind
        ``"proportion"`` or ``"rate"``.
    baseline
        Target on the unit scale; default the pooled value Σx / Σn.
    winsorise
        Share of z-scores pulled in at each end before estimating (Spiegelhalter
        uses 0.1); 0 turns it off.

    Returns
    -------
    float
        ``τ² = max(0, (Σz² − (I − 1)) / (Σw − Σw² / Σw))`` with ``z`` the
        (winsorised) z-scores against the baseline and ``w = 1 / V(n)``. With
        the pooled baseline and no winsorising this is the DerSimonian–Laird
        estimator.

    References
    ----------
    DerSimonian, R. & Laird, N. (1986). Meta-analysis in clinical trials.
    Controlled Clinical Trials 7, 177-188.
    Spiegelhalter, D. J. (2005). Handling over-dispersion of performance
    indicators. Quality and Safety in Health Care 14, 347-351.

    Examples
    --------
    >>> round(dersimonian_laird_tau2([10, 40, 25], [100, 200, 100], winsorise=0), 6)
    0.003531
    """
    check_choice("kind", kind, FUNNEL_KINDS)
    if (
        isinstance(winsorise, bool)
        or not isinstance(winsorise, int | float)
        or not (0.0 <= winsorise < 0.5)
    ):
        raise DataError(f"winsorise must lie in [0, 0.5); not {winsorise!r}")
    xa, na, base = _values_and_baseline(x, n, kind, baseline)
    ok = ~(np.isnan(xa) | np.isnan(na))
    xa, na = xa[ok], na[ok]
    if len(xa) < 2:
        return 0.0
    variance = _variance(base, na, kind)
    z = (xa / na - base) / np.sqrt(variance)
    if winsorise > 0:
        low, high = np.quantile(z, [winsorise, 1.0 - winsorise])
        z = np.clip(z, low, high)
    w = 1.0 / variance
    denominator = w.sum() - (w * w).sum() / w.sum()
    return float(max(0.0, (np.sum(z * z) - (len(z) - 1)) / denominator))


def funnel_classify(
    x: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    kind: str = "proportion",
    baseline: float | None = None,
    levels: Sequence[float] = FUNNEL_LEVELS,
    method: str = "exact",
    overdispersion: bool = False,
    winsorise: float = 0.1,
) -> pd.DataFrame:
    """Place each region against the funnel-plot limits for its denominator.

    Parameters
    ----------
    x, n
        Counts and denominators (1-D).
    kind
        ``"proportion"`` or ``"rate"``.
    baseline
        Target on the unit scale; default the pooled value Σx / Σn.
    levels
        Control levels, default (0.95, 0.998).
    method
        ``"exact"`` or ``"wilson"`` (see :func:`funnel_limits`).
    overdispersion
        Widen the limits by an additive random effect τ² estimated with
        :func:`dersimonian_laird_tau2` (use when most regions fall outside the
        plain limits).
    winsorise
        Passed to :func:`dersimonian_laird_tau2`.

    Returns
    -------
    pandas.DataFrame
        One row per input row: ``value`` (x / n), ``baseline``, ``z_score``
        ((value − baseline) / sqrt(V(n) + τ²)), ``tau2``, and ``funnel``: the
        widest band the point falls outside, ``"above_0.998"``, ``"above_0.95"``,
        ``"within"``, ``"below_0.95"``, ``"below_0.998"`` (labels follow
        ``levels``), or ``"not_tested"`` where a count is missing.

    References
    ----------
    Spiegelhalter (2005), see :func:`funnel_limits` and
    :func:`dersimonian_laird_tau2`.

    Examples
    --------
    >>> funnel_classify([10, 40, 25], [100, 200, 100])["funnel"].tolist()
    ['below_0.95', 'within', 'within']
    """
    check_choice("kind", kind, FUNNEL_KINDS)
    check_choice("method", method, FUNNEL_METHODS)
    level_list = sorted(_check_levels(levels))
    xa, na, base = _values_and_baseline(x, n, kind, baseline)
    tau2 = (
        dersimonian_laird_tau2(xa, na, kind=kind, baseline=base, winsorise=winsorise)
        if overdispersion
        else 0.0
    )
    ok = ~(np.isnan(xa) | np.isnan(na))
    safe_n = np.where(ok, na, 1.0)
    if kind == "proportion" and method == "exact" and tau2 == 0:
        _check_denominators(safe_n, kind, method)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = xa / na
        z = (value - base) / np.sqrt(_variance(base, na, kind) + tau2)
    band = np.full(xa.shape, "within", dtype=object)
    for level in level_list:
        lower, upper = _limits(safe_n, base, level, kind, method, tau2)
        band[value > upper] = f"above_{level:g}"
        band[value < lower] = f"below_{level:g}"
    band[~ok] = "not_tested"
    return pd.DataFrame(
        {"value": value, "baseline": base, "z_score": z, "tau2": tau2, "funnel": band}
    )
