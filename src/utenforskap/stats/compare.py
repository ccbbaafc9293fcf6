"""Comparison of a region's proportion with a reference region's."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats as _st

__all__ = ["classify", "two_proportion_test"]


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
        Two-sided p-values; NaN where a denominator is 0 or missing, and 1 where
        both groups have the same extreme proportion (0 or 1).

    References
    ----------
    Agresti, A. (2013). Categorical Data Analysis, 3rd ed., section 3.1.
    """
    x1a, n1a = np.asarray(x1, float), np.asarray(n1, float)
    x2a, n2a = np.asarray(x2, float), np.asarray(n2, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = (x1a + x2a) / (n1a + n2a)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1a + 1 / n2a))
        z = (x1a / n1a - x2a / n2a) / se
        p = 2 * _st.norm.sf(np.abs(z))
    p = np.where((se == 0) & np.isfinite(pooled), 1.0, p)
    return np.where((n1a > 0) & (n2a > 0), p, np.nan)


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
        Object array of labels.
    """
    v = np.asarray(value, float)
    r = np.asarray(reference_value, float)
    p = np.asarray(p_value, float)
    alpha = 1.0 - level
    out = np.full(v.shape, "not_tested", dtype=object)
    tested = np.isfinite(p) & np.isfinite(v) & np.isfinite(r)
    significant = tested & (p < alpha)
    out[tested] = "similar"
    out[significant & (v > r)] = "higher"
    out[significant & (v < r)] = "lower"
    return out
