"""CountFrame → IndicatorFrame: values, intervals and comparison with a reference."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError, check_choice
from utenforskap.geo.codes import parent_code
from utenforskap.stats._checks import check_level, check_positive
from utenforskap.stats.compare import compare_with_reference
from utenforskap.stats.intervals import PROPORTION_METHODS, proportion_ci

__all__ = ["REFERENCE_RULES", "compute_indicators", "default_reference"]

#: Named reference rules for :func:`compute_indicators`: ``"default"`` compares
#: districts with their kommune and kommuner and fylker with the whole country;
#: ``"parent"`` compares every region with its parent (kommune → fylke).
REFERENCE_RULES: tuple[str, ...] = ("default", "parent")


def default_reference(regions: npt.ArrayLike) -> np.ndarray:
    """The default reference region of each region code.

    Bydel, grunnkrets and levekårssone → their kommune; kommune and fylke →
    land (``"0"``); land → none (``""``).

    Parameters
    ----------
    regions
        Region codes as strings.

    Returns
    -------
    numpy.ndarray
        Object array of reference codes.

    Examples
    --------
    >>> default_reference(["030101", "1103010001", "0301", "03", "0"]).tolist()
    ['0301', '1103', '0', '0', '']
    """
    parents = parent_code(regions)
    codes = pd.Series(np.asarray(regions, dtype=object), dtype=object).astype(str)
    lengths = codes.str.len().to_numpy()
    return np.where((lengths == 4) | (lengths == 2), "0", parents).astype(object)


def _is_part_of(region: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Whether each region lies inside its reference (a bydel inside its kommune)."""
    reg = np.asarray(region, dtype=object).astype(str)
    ref = np.asarray(reference, dtype=object).astype(str)
    inside = np.strings.startswith(reg, ref) & (reg != ref) & (ref != "") & (ref != "0")
    return inside | ((ref == "0") & (reg != "0"))


def _references(regions: np.ndarray, reference: str | Mapping[str, str] | None) -> np.ndarray:
    if reference is None or reference == "default":
        return default_reference(regions)
    if reference == "parent":
        return parent_code(regions)
    if isinstance(reference, str):
        if not reference.isdigit():
            choices = ", ".join(repr(r) for r in REFERENCE_RULES)
            raise DataError(
                f"reference must be one of {choices}, a region code or a mapping; not {reference!r}"
            )
        return np.full(len(regions), reference, dtype=object)
    if isinstance(reference, Mapping):
        mapped = pd.Series(regions, dtype=object).map(dict(reference))
        return mapped.fillna("").astype(object).to_numpy(dtype=object)
    raise DataError(f"reference must be a rule name, a region code or a mapping; not {reference!r}")


def compute_indicators(
    counts: pd.DataFrame,
    *,
    method: str = "wilson",
    level: float = 0.95,
    multiplier: float = 100.0,
    reference: str | Mapping[str, str] | None = None,
    holm: bool = False,
) -> pd.DataFrame:
    """Turn a CountFrame into an IndicatorFrame.

    Pool years first with :func:`utenforskap.periods.pool_periods` when an
    indicator is to be shown as multi-year figures; this function works on
    whatever periods the CountFrame holds.

    Parameters
    ----------
    counts
        A valid CountFrame (see :mod:`utenforskap.frames`).
    method
        Interval method for proportions: ``"wilson"``, ``"clopper-pearson"`` or
        ``"jeffreys"`` (see :func:`utenforskap.stats.proportion_ci`).
    level
        Confidence level for intervals and comparisons, strictly between 0 and 1.
    multiplier
        Scale of ``value`` and the interval (100 gives percent).
    reference
        Which region each row is compared with. ``None`` or ``"default"``:
        bydel, grunnkrets and levekårssone → their kommune, kommune and fylke →
        land (``"0"``). ``"parent"``: each region's parent (kommune → fylke). A
        region code (e.g. ``"0"``): every row against that region. A mapping
        region → reference region: regions not in it are not compared.
        A region that is part of its reference is compared with the *rest* of
        the reference (reference minus region), so the two groups are
        independent; otherwise as two independent samples.
    holm
        Apply Holm's correction for the many comparisons within each
        indicator × period × age × sex (the regions of one chart). Off by
        default; when on, ``p_value`` holds the adjusted p-values.

    Returns
    -------
    pandas.DataFrame
        IndicatorFrame with exactly :data:`utenforskap.frames.INDICATOR_COLUMNS`,
        sorted by key: the CountFrame columns; ``value`` = numerator /
        denominator × multiplier; ``ci_lower`` and ``ci_upper`` on the same
        scale; ``ci_level`` (``level``) and ``ci_method`` (``method``);
        ``reference`` (the reference code, ``""`` when none) and
        ``reference_value``; ``comparison`` (``higher`` / ``lower`` /
        ``similar`` / ``not_tested``) from the two-sided pooled z-test and its
        ``p_value``; ``suppressed`` False and ``suppression_reason`` ""
        (disclosure control is a separate step). Rows with missing counts (a
        status symbol) or a denominator of 0 get NaN value and interval and
        ``not_tested``; so do rows whose reference is not in ``counts``.

    Raises
    ------
    DataError
        An invalid CountFrame, method, level, multiplier or reference.

    References
    ----------
    See :func:`utenforskap.stats.proportion_ci` and
    :func:`utenforskap.stats.compare_with_reference`.

    Examples
    --------
    >>> import pandas as pd
    >>> cf = pd.DataFrame({"indicator": "neet", "region": ["0301", "030101"],
    ...     "region_name": "", "period": "2023", "age": "16-25", "sex": "total",
    ...     "numerator": [900.0, 150.0], "denominator": [10000.0, 1000.0], "status": ""})
    >>> compute_indicators(cf)[["region", "value", "comparison"]].to_numpy().tolist()
    [['0301', 9.0, 'not_tested'], ['030101', 15.0, 'higher']]
    """
    check_choice("method", method, PROPORTION_METHODS)
    lvl = check_level(level)
    scale = check_positive(multiplier, "multiplier")
    if not isinstance(holm, bool):
        raise DataError(f"holm must be True or False; not {holm!r}")
    counts = F.validate_counts(counts)
    out = counts.reset_index(drop=True)[list(F.COUNT_COLUMNS)].copy()
    x = out[F.NUMERATOR].to_numpy(dtype=float)
    n = out[F.DENOMINATOR].to_numpy(dtype=float)
    # A cell with no population has no proportion; it is shown as missing.
    n = np.where(n == 0, np.nan, n)
    lower, upper = proportion_ci(x, n, method=method, level=lvl)
    out[F.VALUE] = x / n * scale
    out[F.CI_LOWER] = np.asarray(lower) * scale
    out[F.CI_UPPER] = np.asarray(upper) * scale
    out[F.CI_LEVEL] = lvl
    out[F.CI_METHOD] = method

    regions = out[F.REGION].to_numpy(dtype=object)
    ref = _references(regions, reference)
    out[F.REFERENCE] = ref
    cell = [F.INDICATOR, F.PERIOD, F.AGE, F.SEX, F.GROUP]
    ref_counts = out[[*cell, F.REGION, F.NUMERATOR, F.DENOMINATOR]].rename(
        columns={F.REGION: F.REFERENCE, F.NUMERATOR: "_rx", F.DENOMINATOR: "_rn"}
    )
    merged = out[[*cell, F.REFERENCE]].merge(ref_counts, on=[*cell, F.REFERENCE], how="left")
    rx = merged["_rx"].to_numpy(dtype=float)
    rn = merged["_rn"].to_numpy(dtype=float)
    rn = np.where(rn == 0, np.nan, rn)
    own = regions.astype(str) == ref.astype(str)
    groups = out.groupby(cell, sort=False).ngroup().to_numpy()
    result = compare_with_reference(
        np.where(own, np.nan, x),
        n,
        rx,
        rn,
        nested=_is_part_of(regions, ref),
        level=lvl,
        correction="holm" if holm else None,
        groups=groups,
    )
    out[F.REFERENCE_VALUE] = result[F.REFERENCE_VALUE].to_numpy(dtype=float) * scale
    out[F.COMPARISON] = result[F.COMPARISON].to_numpy(dtype=object)
    out[F.P_VALUE] = result[F.P_VALUE].to_numpy(dtype=float)
    out[F.SUPPRESSED] = False
    out[F.SUPPRESSION_REASON] = ""
    return F.sort_frame(out[list(F.INDICATOR_COLUMNS)])
