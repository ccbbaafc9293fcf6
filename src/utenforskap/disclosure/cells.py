"""Rules that judge a cell from its own counts: primary, complement, denominator, coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure.hierarchy import (
    SUB_MUNICIPAL_LENGTHS,
    KeyIndex,
    code_index,
    region_parents,
)

__all__ = ["REASON_CODE", "coverage_mask", "primary_reasons"]

#: Reason name → small integer code used while suppressing (0 = published).
REASON_CODE: dict[str, int] = {name: i for i, name in enumerate(F.SUPPRESSION_REASONS)}

# Rounding noise in shares such as 0.12 - 0.07 must not tip a cell over a threshold.
_TOLERANCE = 1e-12


def primary_reasons(x: np.ndarray, n: np.ndarray, rules: dict[str, np.ndarray]) -> np.ndarray:
    """Reason code of the first primary rule that hides each cell; 0 when none does.

    Parameters
    ----------
    x, n
        Numerator and denominator (NaN when missing: such cells are not judged).
    rules
        Per-row thresholds from :meth:`RuleBook.per_row`.

    Returns
    -------
    numpy.ndarray
        ``primary`` (numerator below ``min_count``; a zero numerator only with
        ``protect_zeros``), else ``complement`` (denominator − numerator below
        ``min_count``), else ``denominator`` (denominator below
        ``min_denominator``), else 0.
    """
    min_count = rules["min_count"]
    small = (x < min_count) & ((x > 0) | rules["protect_zeros"])
    complement = (n - x) < min_count
    tiny = n < rules["min_denominator"]
    return np.select(
        [small, complement, tiny],
        [REASON_CODE["primary"], REASON_CODE["complement"], REASON_CODE["denominator"]],
        0,
    ).astype(np.int8)


def coverage_mask(
    index: KeyIndex, x: np.ndarray, n: np.ndarray, rules: dict[str, np.ndarray]
) -> np.ndarray:
    """Sub-municipal cells whose kommune has too many people with unknown district.

    For each sub-municipal row, the share with unknown district is read from
    the same table: the unknown-district row of its level (``xxxx99``,
    ``xxxx9999``, ``xxxx999999``) over the kommune row, for the same indicator,
    period, age and sex. The rule acts only when both rows have counts.

    Parameters
    ----------
    index
        Key codes of the table.
    x, n
        Numerator and denominator.
    rules
        Per-row thresholds.

    Returns
    -------
    numpy.ndarray
        True where the unknown share of the numerator exceeds
        ``coverage_max_unknown``, or differs from the unknown share of the
        denominator by more than ``coverage_max_difference``.
    """
    kommune_row, _ = region_parents(index)
    uniques = pd.Series(index.uniques[F.REGION], dtype=object).astype(str)
    lengths = uniques.str.len().to_numpy()
    unknown = np.full(len(uniques), "", dtype=object)
    for length in SUB_MUNICIPAL_LENGTHS:
        at = lengths == length
        unknown[at] = (uniques[at].str[:4] + "9" * (length - 4)).to_numpy(dtype=object)
    unknown_idx = code_index(index.uniques[F.REGION], unknown)
    unknown_row = index.lookup(region=unknown_idx[index.codes[F.REGION]])
    usable = (kommune_row >= 0) & (unknown_row >= 0)
    k = np.where(usable, kommune_row, 0)
    u = np.where(usable, unknown_row, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share_x = np.where(usable, x[u] / x[k], np.nan)
        share_n = np.where(usable, n[u] / n[k], np.nan)
    over = share_x > rules["coverage_max_unknown"] + _TOLERANCE
    apart = np.abs(share_x - share_n) > rules["coverage_max_difference"] + _TOLERANCE
    return usable & (over | apart)
