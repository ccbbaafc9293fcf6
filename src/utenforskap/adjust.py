"""Holm's adjustment redone over the published cells only, after suppression."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from utenforskap import frames as F
from utenforskap.stats._checks import check_level
from utenforskap.stats.compare import compare_with_reference

__all__ = ["HOLM_MARK", "holm_published", "is_part_of"]

#: Where :func:`~utenforskap.indicators.compute_indicators` records, in
#: ``attrs``, that p-values were Holm-adjusted (the level), so that
#: :func:`~utenforskap.disclosure.suppress` adjusts them again over the
#: published cells only.
HOLM_MARK = "utenforskap.holm"


def is_part_of(region: npt.ArrayLike, reference: npt.ArrayLike) -> np.ndarray:
    """Whether each region lies inside its reference (a bydel inside its kommune).

    Parameters
    ----------
    region, reference
        Region codes and their references (same length; "" for none).

    Returns
    -------
    numpy.ndarray
        Bool per region: its code extends the reference's, or the reference
        is the country ("0") and the region is not.

    Examples
    --------
    >>> is_part_of(["030101", "0301", "0301", "0"], ["0301", "0301", "0", "0"]).tolist()
    [True, False, True, False]
    """
    reg = np.asarray(region, dtype=object).astype(str)
    ref = np.asarray(reference, dtype=object).astype(str)
    inside = np.strings.startswith(reg, ref) & (reg != ref) & (ref != "") & (ref != "0")
    return inside | ((ref == "0") & (reg != "0"))


def holm_published(data: pd.DataFrame, *, level: float = 0.95) -> pd.DataFrame:
    """Redo Holm's adjustment over the published cells of each family, after suppression.

    Holm's adjusted p-value of a cell depends on the p-values of every other
    cell in its family (the regions of one indicator × period × age × sex ×
    group): with hidden cells in the family, a published p-value would carry
    information about them. So the p-values of the published cells that were
    tested are computed again from the published counts (the same pooled
    z-test against the same reference as
    :func:`~utenforskap.indicators.compute_indicators`), adjusted
    within each family over those cells only, and ``comparison`` follows.
    Hidden cells and cells whose reference is hidden stay untested; rows of
    published rates (``ci_method == "published"``) are left as they are
    (their families hold published rates only).

    Parameters
    ----------
    data
        A suppressed IndicatorFrame whose p-values came from
        :func:`~utenforskap.indicators.compute_indicators` with ``holm=True``.
    level
        Confidence level of the comparisons.

    Returns
    -------
    pandas.DataFrame
        A copy with ``p_value`` and ``comparison`` of the tested published
        count cells replaced (``attrs`` kept, so the disclosure record stays).

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure.
    Scandinavian Journal of Statistics 6, 65-70.

    Examples
    --------
    >>> import pandas as pd
    >>> from utenforskap.disclosure import suppress
    >>> from utenforskap.indicators import compute_indicators
    >>> cf = pd.DataFrame({"indicator": "neet", "region": ["0301", "030101", "030102",
    ...     "030103"], "region_name": "", "period": "2023", "age": "16-25", "sex": "total",
    ...     "numerator": [900.0, 100.0, 3.0, 797.0], "denominator": [10000.0, 1000.0, 50.0,
    ...     8950.0], "status": ""})
    >>> computed = compute_indicators(cf, holm=True)
    >>> computed["p_value"].round(4).tolist()  # three tests in the family
    [nan, 0.7323, 0.7323, 0.7323]
    >>> out = holm_published(suppress(computed))
    >>> out["suppressed"].tolist()  # 030102 (3 NEET) and a partner hidden
    [False, True, True, False]
    >>> out["p_value"].round(4).tolist()  # one test left: its own p-value
    [nan, nan, nan, 0.3326]
    """
    frame = data
    from utenforskap.stats.compare import classify, holm

    lvl = check_level(level)
    out = frame.copy()
    hidden = out[F.SUPPRESSED].to_numpy(dtype=bool)
    p_now = out[F.P_VALUE].to_numpy(dtype=float)
    tested = ~hidden & ~F.is_published(out) & np.isfinite(p_now)
    if not tested.any():
        return out
    cell = [F.INDICATOR, F.PERIOD, F.AGE, F.SEX, F.GROUP]
    regions = out[F.REGION].to_numpy(dtype=object)
    ref = out[F.REFERENCE].fillna("").to_numpy(dtype=object)
    ref_counts = out[[*cell, F.REGION, F.NUMERATOR, F.DENOMINATOR]].rename(
        columns={F.REGION: F.REFERENCE, F.NUMERATOR: "_rx", F.DENOMINATOR: "_rn"}
    )
    merged = out[[*cell, F.REFERENCE]].merge(ref_counts, on=[*cell, F.REFERENCE], how="left")
    x = np.where(tested, out[F.NUMERATOR].to_numpy(dtype=float), np.nan)
    n = out[F.DENOMINATOR].to_numpy(dtype=float)
    raw = compare_with_reference(
        x,
        np.where(tested, n, np.nan),
        merged["_rx"].to_numpy(dtype=float),
        merged["_rn"].to_numpy(dtype=float),
        nested=is_part_of(regions, ref),
        level=lvl,
    )[F.P_VALUE].to_numpy(dtype=float)
    families = out.groupby(cell, sort=False).ngroup().to_numpy()
    adjusted = holm(np.where(tested, raw, np.nan), families)
    p = out[F.P_VALUE].to_numpy(dtype=float, copy=True)
    p[tested] = adjusted[tested]
    out[F.P_VALUE] = p
    comparison = out[F.COMPARISON].to_numpy(dtype=object, copy=True)
    value = out[F.VALUE].to_numpy(dtype=float)
    ref_value = out[F.REFERENCE_VALUE].to_numpy(dtype=float)
    comparison[tested] = classify(value, ref_value, p, level=lvl)[tested]
    out[F.COMPARISON] = pd.Series(comparison, index=out.index).astype(out[F.COMPARISON].dtype)
    return out
