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
from utenforskap.errors import DataError
from utenforskap.geo.codes import levels_of
from utenforskap.geo.rollup import UNKNOWN_DENOMINATOR_SHARE, UNKNOWN_NUMERATOR_SHARE

__all__ = ["REASON_CODE", "coverage_mask", "given_coverage_mask", "primary_reasons"]

#: The share columns of a coverage table (see :func:`utenforskap.geo.district_coverage`).
_SHARES = (UNKNOWN_NUMERATOR_SHARE, UNKNOWN_DENOMINATOR_SHARE)

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


def given_coverage_mask(
    frame: pd.DataFrame, coverage: pd.DataFrame, rules: dict[str, np.ndarray]
) -> np.ndarray:
    """The coverage rule of :func:`coverage_mask`, with the shares read from a coverage table.

    Used when the table's coverage was measured where it was made, e.g. the
    one :func:`utenforskap.geo.rollup_levels` returns (a run passes it on, so
    that coverage is computed once).

    Parameters
    ----------
    frame
        The IndicatorFrame being suppressed.
    coverage
        As :func:`utenforskap.geo.district_coverage` returns it: the key
        columns ``kommune`` and ``level`` (of the district rows), the other key
        columns named as in ``frame`` (``indicator``, ``period``, ``age``,
        ``sex``, …), and ``unknown_numerator_share``, ``unknown_denominator_share``.
    rules
        Per-row thresholds.

    Returns
    -------
    numpy.ndarray
        True for sub-municipal rows whose coverage breaks the rule, as
        :func:`coverage_mask`.

    Raises
    ------
    DataError
        The table lacks a column of ``frame``'s keys or a share column, or has no
        row for a sub-municipal cell of ``frame``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = pd.DataFrame({"region": ["0301", "030101", "030199"], "indicator": "neet",
    ...                       "period": "2024", "age": "16-25", "sex": "total"})
    >>> coverage = pd.DataFrame({"kommune": ["0301"], "level": ["bydel"], "indicator": ["neet"],
    ...     "period": ["2024"], "age": ["16-25"], "sex": ["total"],
    ...     "unknown_numerator_share": [0.2], "unknown_denominator_share": [0.05]})
    >>> rules = {"coverage_max_unknown": np.full(3, 0.08),
    ...          "coverage_max_difference": np.full(3, 0.05)}
    >>> given_coverage_mask(frame, coverage, rules).tolist()
    [False, True, True]
    """
    missing = [c for c in _SHARES if c not in coverage.columns]
    keys = [c for c in coverage.columns if c not in _SHARES]
    absent = [c for c in keys if c not in ("kommune", "level") and c not in frame.columns]
    if missing or absent:
        raise DataError(
            f"coverage table lacks {missing} or has key columns the table does not ({absent})",
            column=(missing or absent)[0],
        )
    regions = frame[F.REGION].to_numpy(dtype=object).astype(str)
    lengths = np.fromiter((len(r) for r in regions), dtype=np.int64, count=len(regions))
    sub = np.isin(lengths, SUB_MUNICIPAL_LENGTHS)
    rows = pd.DataFrame(
        {c: frame[c].to_numpy(dtype=object) for c in keys if c not in ("kommune", "level")}
    )
    rows["kommune"] = pd.Series(regions, dtype=object).str[:4].to_numpy(dtype=object)
    rows["level"] = levels_of(regions)
    rows = rows.loc[sub, keys]
    found = rows.merge(coverage, on=keys, how="left", validate="many_to_one", indicator=True)
    absent_rows = (found["_merge"] == "left_only").to_numpy()
    if absent_rows.any():
        position = int(np.flatnonzero(sub)[np.flatnonzero(absent_rows)[0]])
        raise DataError(
            "no coverage row for this district cell",
            column=F.REGION,
            row=frame.index[position],
            value=regions[position],
        )
    share_x = np.full(len(frame), np.nan)
    share_n = np.full(len(frame), np.nan)
    share_x[sub] = found[_SHARES[0]].to_numpy(dtype=float)
    share_n[sub] = found[_SHARES[1]].to_numpy(dtype=float)
    over = share_x > rules["coverage_max_unknown"] + _TOLERANCE
    apart = np.abs(share_x - share_n) > rules["coverage_max_difference"] + _TOLERANCE
    return sub & (over | apart)
