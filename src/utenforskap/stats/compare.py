"""Comparison of regions' proportions with a reference region's, with optional Holm correction."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import stats as _st

from utenforskap import frames as F
from utenforskap.errors import DataError, check_choice
from utenforskap.stats._checks import as_numbers, check_counts, check_level

__all__ = ["classify", "compare_with_reference", "holm", "two_proportion_test"]


def two_proportion_test(
    x1: npt.ArrayLike, n1: npt.ArrayLike, x2: npt.ArrayLike, n2: npt.ArrayLike
) -> np.ndarray:
    """Two-sided p-value of the pooled two-proportion z-test, vectorised.

    Parameters
    ----------
    x1, n1
        Count and denominator of the first group.
    x2, n2
        Count and denominator of the second (independent) group.

    Returns
    -------
    numpy.ndarray
        Two-sided p-values; NaN where any input is NaN, and 1 where both groups
        have the same extreme proportion (both 0 or both 1).

    Raises
    ------
    DataError
        A negative count, a denominator ≤ 0 or a count above its denominator
        (the message names the argument, the position and the value).

    References
    ----------
    Agresti, A. (2013). Categorical Data Analysis, 3rd ed., section 3.1.
    Same statistic as ``statsmodels.stats.proportion.proportions_ztest`` with
    its default pooled variance.

    Examples
    --------
    >>> round(float(two_proportion_test(30, 100, 200, 1000)), 6)
    0.019046
    """
    x1a, n1a = check_counts(x1, n1, x_name="x1", n_name="n1")
    x2a, n2a = check_counts(x2, n2, x_name="x2", n_name="n2")
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (x1a + x2a) / (n1a + n2a)
        se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1a + 1.0 / n2a))
        z = (x1a / n1a - x2a / n2a) / se
        p = 2.0 * _st.norm.sf(np.abs(z))
    return np.where((se == 0) & np.isfinite(pooled), 1.0, p)


def holm(p_values: npt.ArrayLike, groups: npt.ArrayLike | None = None) -> np.ndarray:
    """Holm's step-down adjustment of p-values, within each group, vectorised.

    Parameters
    ----------
    p_values
        Unadjusted p-values (1-D); NaN means not tested and is left out of the
        family (and stays NaN).
    groups
        Family label of each p-value (e.g. one family per indicator × period ×
        age × sex, the regions of one chart). Default: one family.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values: for the i-th smallest of m in a family,
        ``max_{j ≤ i} min(1, (m − j + 1) p_(j))``.

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics 6, 65-70. Agrees with
    ``statsmodels.stats.multitest.multipletests(method="holm")``.

    Examples
    --------
    >>> holm([0.01, 0.04, 0.03]).round(2).tolist()
    [0.03, 0.06, 0.06]
    """
    p = as_numbers(p_values, "p_values")
    if p.ndim != 1:
        raise DataError(f"p_values must be one-dimensional; got shape {p.shape}")
    bad = (p < 0) | (p > 1)
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        raise DataError(
            "p-values must lie in [0, 1]", column="p_values", row=position, value=p[position]
        )
    if groups is None:
        codes: np.ndarray = np.zeros(p.shape, dtype=np.int64)
    else:
        labels = pd.Series(np.asarray(groups, dtype=object))
        if len(labels) != len(p):
            raise DataError(
                f"groups must have one label per p-value; got {len(labels)} for {len(p)}"
            )
        codes = pd.factorize(labels, use_na_sentinel=False)[0].astype(np.int64)
    tested = ~np.isnan(p)
    order = np.lexsort((p, codes))
    order = order[tested[order]]
    sorted_codes = codes[order]
    sorted_p = p[order]
    size = np.bincount(sorted_codes, minlength=int(codes.max(initial=0)) + 1)
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_codes)) + 1]
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    scaled = np.minimum(1.0, (size[sorted_codes] - rank) * sorted_p)
    adjusted_sorted = (
        pd.Series(scaled).groupby(sorted_codes, sort=False).cummax().to_numpy(dtype=float)
    )
    out = np.full(p.shape, np.nan)
    out[order] = adjusted_sorted
    return out


def classify(
    value: npt.ArrayLike, reference_value: npt.ArrayLike, p_value: npt.ArrayLike, *, level: float
) -> np.ndarray:
    """Label each comparison ``higher``, ``lower``, ``similar`` or ``not_tested``.

    Parameters
    ----------
    value, reference_value
        The region's and the reference's values.
    p_value
        Two-sided p-values; NaN means not tested.
    level
        Confidence level; a difference counts when ``p_value < 1 - level``.

    Returns
    -------
    numpy.ndarray
        Object array of labels (:data:`utenforskap.frames.COMPARISONS`).

    Examples
    --------
    >>> classify([20.0, 10.0], [15.0, 15.0], [0.01, 0.2], level=0.95).tolist()
    ['higher', 'similar']
    """
    alpha = 1.0 - check_level(level)
    v = as_numbers(value, "value")
    r = as_numbers(reference_value, "reference_value")
    p = as_numbers(p_value, "p_value")
    try:
        v, r, p = np.broadcast_arrays(v, r, p)
    except ValueError:
        raise DataError(
            "value, reference_value and p_value must have the same shape; "
            f"got {v.shape}, {r.shape} and {p.shape}"
        ) from None
    out = np.full(v.shape, "not_tested", dtype=object)
    tested = np.isfinite(p) & np.isfinite(v) & np.isfinite(r)
    significant = tested & (p < alpha)
    out[tested] = "similar"
    out[significant & (v > r)] = "higher"
    out[significant & (v < r)] = "lower"
    return out


def compare_with_reference(
    x: npt.ArrayLike,
    n: npt.ArrayLike,
    reference_x: npt.ArrayLike,
    reference_n: npt.ArrayLike,
    *,
    nested: npt.ArrayLike = False,
    level: float = 0.95,
    correction: str | None = None,
    groups: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """Test each region's proportion against its reference region's, two-sided.

    A region that is part of its reference (a bydel in its kommune) is compared
    with the *rest* of the reference (reference minus region), so the two groups
    are independent; otherwise the two proportions are compared as independent
    samples. The test is the pooled two-proportion z-test
    (:func:`two_proportion_test`).

    Parameters
    ----------
    x, n
        The regions' counts and denominators (1-D).
    reference_x, reference_n
        The reference regions' counts and denominators, aligned with ``x``.
    nested
        Whether each region is part of its reference (bool, scalar or per row).
    level
        Confidence level of the test: a difference counts when p < 1 − level.
    correction
        ``None`` (default, no correction) or ``"holm"``: Holm's step-down
        adjustment for the many comparisons within each family in ``groups``.
        The adjusted p-value is returned and used for the classification.
    groups
        Family labels for the correction (default: all rows are one family).

    Returns
    -------
    pandas.DataFrame
        One row per input row, columns ``value`` (x / n), ``reference_value``
        (reference_x / reference_n), ``p_value`` (two-sided, adjusted when a
        correction is asked for; NaN when not tested) and ``comparison``
        (``higher`` / ``lower`` / ``similar`` / ``not_tested``). A row is not
        tested when a count is missing or when the rest of the reference is
        empty or inconsistent (reference smaller than the region).

    References
    ----------
    Agresti (2013), see :func:`two_proportion_test`; Holm (1979), see :func:`holm`.
    Public Health England, Fingertips technical guidance: comparison of a
    sub-area with the rest of its parent area.

    Examples
    --------
    >>> compare_with_reference([30], [100], [230], [1100], nested=True)["comparison"].tolist()
    ['higher']
    """
    lvl = check_level(level)
    check_choice("correction", correction, (None, "holm"))
    xa, na = check_counts(x, n, x_name="x", n_name="n")
    rxa, rna = check_counts(reference_x, reference_n, x_name="reference_x", n_name="reference_n")
    if xa.ndim != 1 or rxa.shape != xa.shape:
        raise DataError(
            "x, n, reference_x and reference_n must be one-dimensional and aligned; "
            f"got shapes {xa.shape} and {rxa.shape}"
        )
    nested_arr = np.asarray(nested, dtype=bool)
    if nested_arr.ndim not in (0, 1) or (nested_arr.ndim == 1 and len(nested_arr) != len(xa)):
        raise DataError(
            f"nested must be one bool or one per row; got shape {nested_arr.shape} "
            f"for {len(xa)} rows"
        )
    inside = np.broadcast_to(nested_arr, xa.shape)
    other_x = np.where(inside, rxa - xa, rxa)
    other_n = np.where(inside, rna - na, rna)
    with np.errstate(invalid="ignore"):
        usable = (other_n > 0) & (other_x >= 0) & (other_x <= other_n)
    p = np.full(xa.shape, np.nan)
    if usable.any():
        p[usable] = two_proportion_test(xa[usable], na[usable], other_x[usable], other_n[usable])
    if correction == "holm":
        p = holm(p, groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = xa / na
        reference_value = rxa / rna
    return pd.DataFrame(
        {
            F.VALUE: value,
            F.REFERENCE_VALUE: reference_value,
            F.P_VALUE: p,
            F.COMPARISON: classify(value, reference_value, p, level=lvl),
        }
    )
