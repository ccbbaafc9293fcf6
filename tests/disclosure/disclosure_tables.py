"""Builders of small IndicatorFrames and an independent checker for the disclosure tests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd

from utenforskap import frames as F

AGE_TOTAL = "16-25"
AGE_PARTS = ("16-19", "20-25")
SEX_PARTS = ("male", "female")


def indicator_frame(cells: Iterable[tuple[str, str, str, str, str, float, float]]) -> pd.DataFrame:
    """IndicatorFrame from (indicator, region, period, age, sex, numerator, denominator)."""
    rows = list(cells)
    frame = pd.DataFrame(
        rows, columns=[F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX, F.NUMERATOR, F.DENOMINATOR]
    ).astype({c: object for c in (F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX)})
    frame[F.REGION_NAME] = pd.Series([""] * len(frame), dtype=object)
    frame[F.STATUS] = pd.Series([""] * len(frame), dtype=object)
    x = frame[F.NUMERATOR].to_numpy(dtype=float)
    n = frame[F.DENOMINATOR].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = x / n * 100
    frame[F.VALUE] = value
    frame[F.CI_LOWER] = value
    frame[F.CI_UPPER] = value
    frame[F.CI_LEVEL] = 0.95
    frame[F.CI_METHOD] = pd.Series(["wilson"] * len(frame), dtype=object)
    frame[F.REFERENCE] = pd.Series([""] * len(frame), dtype=object)
    frame[F.REFERENCE_VALUE] = np.nan
    frame[F.COMPARISON] = pd.Series(["not_tested"] * len(frame), dtype=object)
    frame[F.P_VALUE] = np.nan
    frame[F.SUPPRESSED] = False
    frame[F.SUPPRESSION_REASON] = pd.Series([""] * len(frame), dtype=object)
    return frame[list(F.INDICATOR_COLUMNS)]


def with_totals(
    leaves: dict[tuple[str, str, str, str, str], tuple[int, int]],
) -> list[tuple[str, str, str, str, str, float, float]]:
    """Add kommune, sex-total and age-total cells to leaf cells by summing counts.

    Leaves are keyed (indicator, district, period, age part, sex part).
    """
    totals: dict[tuple[str, str, str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for (ind, region, period, age, sex), (x, n) in leaves.items():
        for r in (region, region[:4]):
            for a in (age, AGE_TOTAL):
                for s in (sex, "total"):
                    cell = totals[(ind, r, period, a, s)]
                    cell[0] += x
                    cell[1] += n
    return [(*key, x, n) for key, (x, n) in sorted(totals.items())]


def groups_of(frame: pd.DataFrame) -> list[list[int]]:
    """Additive groups (parent first) written out plainly, one Python loop per hierarchy.

    Independent of the package's vectorised grouping: regions of 6, 8 or 10
    digits under their 4-digit kommune (one group per code length), male +
    female under total, 16-19 + 20-25 under 16-25.
    """
    position = {
        tuple(k): i
        for i, k in enumerate(frame[list(F.KEY_COLUMNS)].itertuples(index=False, name=None))
    }
    out: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for key, i in position.items():
        ind, region, period, age, sex = key
        if len(region) in (6, 8, 10):
            parent = position.get((ind, region[:4], period, age, sex))
            if parent is not None:
                out[("region", parent, len(region))].append(i)
        if sex in SEX_PARTS:
            parent = position.get((ind, region, period, age, "total"))
            if parent is not None:
                out[("sex", parent)].append(i)
        if age in AGE_PARTS:
            parent = position.get((ind, region, period, AGE_TOTAL, sex))
            if parent is not None:
                out[("age", parent)].append(i)
    return [[key[1], *children] for key, children in out.items()]  # type: ignore[list-item]


def derivable(frame: pd.DataFrame) -> list[list[int]]:
    """Groups in which exactly one cell is hidden: it equals parent minus published siblings."""
    hidden = frame[F.SUPPRESSED].to_numpy(dtype=bool)
    return [g for g in groups_of(frame) if sum(hidden[i] for i in g) == 1]
