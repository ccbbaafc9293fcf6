"""Empirical-Bayes (beta-binomial) shrinkage of district proportions toward their kommune."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize as _opt
from scipy import special as _sp
from scipy import stats as _st

from utenforskap import frames as F
from utenforskap.errors import DataError, check_choice
from utenforskap.geo.codes import parent_code
from utenforskap.stats._checks import check_counts, check_level

__all__ = ["EB_METHODS", "EB_MIN_DISTRICTS", "smooth_eb"]

EB_METHODS: tuple[str, ...] = ("moments", "likelihood")
#: Groups with fewer complete districts than this are not smoothed (NaN): the
#: between-district variance cannot be estimated from fewer.
EB_MIN_DISTRICTS = 3
_LOG_M_FLOOR = np.log(1e-3)


def _group_sums(values: np.ndarray, codes: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(codes, weights=values, minlength=size)


def _moments(
    x: np.ndarray, n: np.ndarray, codes: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted method-of-moments prior mean and strength M = α + β per group."""
    total_x = _group_sums(x, codes, size)
    total_n = _group_sums(n, codes, size)
    k = np.bincount(codes, minlength=size).astype(float)
    mean = total_x / total_n
    p = x / n
    spread = _group_sums(n * (p - mean[codes]) ** 2, codes, size)
    # Kleinman (1973): E[Σ nᵢ (pᵢ − μ)²] = μ(1 − μ)(k − 1) + σ² (N − Σ nᵢ² / N).
    effective = total_n - _group_sums(n * n, codes, size) / total_n
    with np.errstate(invalid="ignore", divide="ignore"):
        between = (spread - mean * (1.0 - mean) * (k - 1.0)) / effective
        strength = mean * (1.0 - mean) / between - 1.0
    # No detectable between-district variance: the prior is capped at the
    # group's own total, so it never outweighs all the group's data together.
    # Variation beyond what any beta prior allows (M ≤ 0): no shrinkage, the
    # floor keeps the prior proper.
    strength = np.where(between > 0, np.where(strength > 0, strength, 0.0), np.inf)
    return mean, np.clip(strength, np.exp(_LOG_M_FLOOR), total_n)


def _likelihood(
    x: np.ndarray, n: np.ndarray, codes: np.ndarray, size: int, start: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Marginal (beta-binomial) maximum likelihood of prior mean and strength per group.

    The groups' likelihoods are separable, so one bounded quasi-Newton run over
    all groups' parameters at once fits them all, without a loop over groups.
    """
    total_n = _group_sums(n, codes, size)
    mean0, strength0 = start
    eps = 1e-9
    theta0 = np.r_[_sp.logit(np.clip(mean0, eps, 1 - eps)), np.log(strength0)]
    bounds = [(-25.0, 25.0)] * size + [(float(_LOG_M_FLOOR), float(np.log(t))) for t in total_n]

    def negative_loglik(theta: np.ndarray) -> tuple[float, np.ndarray]:
        mu = _sp.expit(theta[:size])
        m = np.exp(theta[size:])
        a, b = mu * m, (1.0 - mu) * m
        ai, bi = a[codes], b[codes]
        ll = (
            _sp.gammaln(x + ai)
            + _sp.gammaln(n - x + bi)
            - _sp.gammaln(n + ai + bi)
            - _sp.gammaln(ai)
            - _sp.gammaln(bi)
            + _sp.gammaln(ai + bi)
        )
        d_common = -_sp.digamma(n + ai + bi) + _sp.digamma(ai + bi)
        d_a = _group_sums(_sp.digamma(x + ai) - _sp.digamma(ai) + d_common, codes, size)
        d_b = _group_sums(_sp.digamma(n - x + bi) - _sp.digamma(bi) + d_common, codes, size)
        grad_logit = (d_a - d_b) * m * mu * (1.0 - mu)
        grad_logm = d_a * a + d_b * b
        return -float(ll.sum()), -np.r_[grad_logit, grad_logm]

    result = _opt.minimize(
        negative_loglik,
        theta0,
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": 2000, "ftol": 1e-15, "gtol": 1e-10},
    )
    return _sp.expit(result.x[:size]), np.exp(result.x[size:])


def smooth_eb(
    data: pd.DataFrame,
    *,
    within: str | npt.ArrayLike | None = None,
    method: str = "moments",
    level: float = 0.95,
    numerator: str = F.NUMERATOR,
    denominator: str = F.DENOMINATOR,
) -> pd.DataFrame:
    """Shrink district proportions toward their group's (kommune's) with empirical Bayes.

    Each district's proportion is given a Beta(α, β) prior fitted to the
    districts of its group (``within``); the posterior is
    Beta(x + α, n − x + β). Small districts borrow more from the group, so
    they stop dominating the extremes of a ranking. The prior's mean μ and
    strength M = α + β are estimated per group, either by the weighted method
    of moments (Kleinman 1973) or by maximising the beta-binomial marginal
    likelihood. M is kept within [0.001, group total denominator]: when no
    between-district variation is detected, the prior is as strong as the
    whole group's data, never stronger.

    Parameters
    ----------
    data
        One row per district with counts and denominators.
    within
        Column name, or array of labels aligned with the rows, giving each
        district's group. Default for a CountFrame: the region's parent (its
        kommune, :func:`utenforskap.geo.codes.parent_code`) within each
        indicator × period × age × sex, so the prior mean is the kommune's
        value when the districts make up the kommune.
    method
        ``"moments"`` or ``"likelihood"``.
    level
        Level of the equal-tailed posterior interval.
    numerator, denominator
        Count columns.

    Returns
    -------
    pandas.DataFrame
        Same index as ``counts``; columns ``smoothed`` (posterior mean
        (x + α) / (n + M)), ``smoothed_lower`` and ``smoothed_upper`` (posterior
        quantiles), ``shrinkage_weight`` (n / (n + M), the weight on the
        district's own proportion: 1 = no shrinkage, 0 = the group value),
        ``prior_mean`` (μ) and ``prior_strength`` (M). All NaN for districts
        with missing counts and for groups with fewer than
        :data:`EB_MIN_DISTRICTS` complete districts.

    Notes
    -----
    When the posterior is extremely skewed (x = 0 and a prior worth well under
    one event) the equal-tailed interval can exclude the posterior mean; it
    is then widened to include it.
    Empirical-Bayes intervals treat the fitted prior as known, so they are a
    little too narrow when a group has few districts (Morris 1983).

    References
    ----------
    Kleinman, J. C. (1973). Proportions with extraneous variance: single and
    independent samples. JASA 68, 46-54.
    Martuzzi, M. & Elliott, P. (1996). Empirical Bayes estimation of small area
    prevalence of non-rare conditions. Statistics in Medicine 15, 1867-1873.
    Morris, C. N. (1983). Parametric empirical Bayes inference: theory and
    applications. JASA 78, 47-55.

    Examples
    --------
    >>> import pandas as pd
    >>> data = pd.DataFrame({"kommune": ["A"] * 4, "numerator": [2.0, 30.0, 45.0, 60.0],
    ...     "denominator": [5.0, 200.0, 300.0, 400.0]})
    >>> out = smooth_eb(data, within="kommune")
    >>> bool(out["shrinkage_weight"].iloc[0] < out["shrinkage_weight"].iloc[3])
    True
    """
    check_choice("method", method, EB_METHODS)
    lvl = check_level(level)
    for column in (numerator, denominator):
        if column not in data.columns:
            raise DataError(f"missing column {column!r}", column=column)
    if within is None:
        data = F.with_group(data)
        keys = [F.REGION, F.INDICATOR, F.PERIOD, F.AGE, F.SEX, F.GROUP]
        absent = [c for c in keys if c not in data.columns]
        if absent:
            raise DataError(
                f"within=None needs CountFrame columns; missing {absent[0]!r}", column=absent[0]
            )
        grouping = data[keys[1:]].assign(_parent=parent_code(data[F.REGION].to_numpy()))
        labels = grouping.groupby([*keys[1:], "_parent"], sort=False).ngroup().to_numpy()
    elif isinstance(within, str):
        if within not in data.columns:
            raise DataError(f"missing column {within!r}", column=within)
        labels = data[within].to_numpy(dtype=object)
    else:
        labels = np.asarray(within, dtype=object)
        if labels.shape != (len(data),):
            raise DataError(
                f"within must have one label per row; got shape {labels.shape} for {len(data)} rows"
            )
    x, n = check_counts(
        data[numerator].to_numpy(dtype=float),
        data[denominator].to_numpy(dtype=float),
        x_name=numerator,
        n_name=denominator,
    )
    complete = ~(np.isnan(x) | np.isnan(n)) & ~pd.isna(pd.Series(labels)).to_numpy()
    codes_all, _ = pd.factorize(pd.Series(labels, dtype=object))
    codes_all = np.asarray(codes_all)
    size = int(codes_all.max(initial=-1)) + 1
    districts = np.bincount(codes_all[complete], minlength=size)
    fitted = complete & (districts[np.where(codes_all >= 0, codes_all, 0)] >= EB_MIN_DISTRICTS)

    out = pd.DataFrame(
        np.nan,
        index=data.index,
        columns=[
            "smoothed",
            "smoothed_lower",
            "smoothed_upper",
            "shrinkage_weight",
            "prior_mean",
            "prior_strength",
        ],
    )
    if not fitted.any():
        return out
    # Renumber the fitted groups 0..g-1 so the optimiser sees only those.
    codes, _ = pd.factorize(codes_all[fitted])
    codes = np.asarray(codes, dtype=np.int64)
    groups = int(codes.max()) + 1
    xf, nf = x[fitted], n[fitted]
    mean, strength = _moments(xf, nf, codes, groups)
    if method == "likelihood":
        moment_strength = strength
        mean, strength = _likelihood(xf, nf, codes, groups, (mean, strength))
        # Without any event (or any non-event) in a group the likelihood's
        # maximum is on the boundary μ = 0 (or 1), where M does not matter.
        total_x = _group_sums(xf, codes, groups)
        total_n = _group_sums(nf, codes, groups)
        edge = (total_x == 0) | (total_x == total_n)
        mean = np.where(edge, total_x / total_n, mean)
        strength = np.where(edge, moment_strength, strength)
    mu, m = mean[codes], strength[codes]
    a = xf + mu * m
    b = nf - xf + (1.0 - mu) * m
    tail = (1.0 - lvl) / 2.0
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = _st.beta.ppf(tail, a, b)
        upper = _st.beta.isf(tail, a, b)
    # A group without any event (or without any non-event) has a point prior
    # at 0 (or 1); the posterior is the same point.
    lower = np.where(a <= 0, 0.0, np.where(b <= 0, 1.0, lower))
    upper = np.where(a <= 0, 0.0, np.where(b <= 0, 1.0, upper))
    smoothed = a / (nf + m)
    # With well under one expected event the posterior is so skewed that its
    # mean can fall outside the equal-tailed interval; widen the interval to
    # include it (more conservative, never less).
    lower = np.minimum(lower, smoothed)
    upper = np.maximum(upper, smoothed)
    out.loc[fitted, "smoothed"] = smoothed
    out.loc[fitted, "smoothed_lower"] = lower
    out.loc[fitted, "smoothed_upper"] = upper
    out.loc[fitted, "shrinkage_weight"] = nf / (nf + m)
    out.loc[fitted, "prior_mean"] = mu
    out.loc[fitted, "prior_strength"] = m
    return out
