"""CountFrame → IndicatorFrame: values, intervals and comparison with a reference."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.geo.codes import parent_code
from utenforskap.stats.compare import classify, two_proportion_test
from utenforskap.stats.intervals import proportion_ci

__all__ = ["compute_indicators"]


def _is_part_of(region: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Whether each region lies inside its reference (a bydel inside its kommune)."""
    reg = np.asarray(region, dtype=object).astype(str)
    ref = np.asarray(reference, dtype=object).astype(str)
    inside = np.strings.startswith(reg, ref) & (reg != ref) & (ref != "")
    return inside | ((ref == "0") & (reg != "0"))


def compute_indicators(
    counts: pd.DataFrame,
    *,
    method: str = "wilson",
    level: float = 0.95,
    multiplier: float = 100.0,
    reference: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Turn a CountFrame into an IndicatorFrame.

    Parameters
    ----------
    counts
        A valid CountFrame (see :mod:`utenforskap.frames`).
    method
        Interval method for proportions (see :func:`utenforskap.stats.proportion_ci`).
    level
        Confidence level for intervals and comparisons.
    multiplier
        Scale of ``value`` and the interval (100 gives percent).
    reference
        Region → reference region. Default: each region's parent (bydel and
        levekårssone → kommune, kommune → fylke, fylke → land). A region that is
        part of its reference is compared with the *rest* of the reference.

    Returns
    -------
    pandas.DataFrame
        IndicatorFrame columns (:data:`utenforskap.frames.INDICATOR_COLUMNS`):
        ``value`` = numerator / denominator × multiplier; ``ci_lower`` and
        ``ci_upper`` on the same scale; ``ci_level`` and ``ci_method``;
        ``reference`` and ``reference_value``; ``comparison`` (``higher`` /
        ``lower`` / ``similar`` / ``not_tested``) and its two-sided ``p_value``;
        ``suppressed`` False and ``suppression_reason`` "" (disclosure control is
        a separate step, :func:`utenforskap.disclosure.suppress`).
    """
    F.validate_counts(counts)
    out = counts.reset_index(drop=True).copy()
    x = out[F.NUMERATOR].to_numpy(dtype=float)
    n = out[F.DENOMINATOR].to_numpy(dtype=float)
    lower, upper = proportion_ci(x, n, method=method, level=level)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[F.VALUE] = x / n * multiplier
    out[F.CI_LOWER] = lower * multiplier
    out[F.CI_UPPER] = upper * multiplier
    out[F.CI_LEVEL] = level
    out[F.CI_METHOD] = method

    regions = out[F.REGION].to_numpy(dtype=object)
    if reference is None:
        ref = parent_code(regions)
    else:
        ref = pd.Series(regions).map(dict(reference)).fillna("").to_numpy(dtype=object)
    out[F.REFERENCE] = ref
    cell = [F.INDICATOR, F.PERIOD, F.AGE, F.SEX]
    ref_counts = out[[*cell, F.REGION, F.NUMERATOR, F.DENOMINATOR]].rename(
        columns={F.REGION: F.REFERENCE, F.NUMERATOR: "_rx", F.DENOMINATOR: "_rn"}
    )
    merged = out[[*cell, F.REFERENCE]].merge(ref_counts, on=[*cell, F.REFERENCE], how="left")
    rx = merged["_rx"].to_numpy(dtype=float)
    rn = merged["_rn"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[F.REFERENCE_VALUE] = rx / rn * multiplier
    nested = _is_part_of(regions, ref)
    # A district is part of its kommune: compare it with the rest of the kommune,
    # so the two groups are independent.
    cx = np.where(nested, rx - x, rx)
    cn = np.where(nested, rn - n, rn)
    p = two_proportion_test(x, n, cx, cn)
    out[F.P_VALUE] = p
    out[F.COMPARISON] = classify(out[F.VALUE], out[F.REFERENCE_VALUE], p, level=level)
    out.loc[out[F.REFERENCE] == "", F.REFERENCE_VALUE] = np.nan
    out[F.SUPPRESSED] = False
    out[F.SUPPRESSION_REASON] = ""
    return F.sort_frame(out[list(F.INDICATOR_COLUMNS)])
