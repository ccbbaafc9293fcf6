"""Builders of small IndicatorFrames and an independent checker for the disclosure tests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import Rules

AGE_TOTAL = "16-25"
AGE_PARTS = ("16-19", "20-25")
SEX_PARTS = ("male", "female")
#: Cell keys of these tables (every cell is in group "total").
KEYS = (F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX)


def indicator_frame(cells: Iterable[tuple[str, str, str, str, str, float, float]]) -> pd.DataFrame:
    """IndicatorFrame from (indicator, region, period, age, sex, numerator, denominator)."""
    rows = list(cells)
    frame = pd.DataFrame(
        rows, columns=[F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX, F.NUMERATOR, F.DENOMINATOR]
    ).astype({c: object for c in (F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX)})
    frame[F.REGION_NAME] = pd.Series([""] * len(frame), dtype=object)
    frame[F.GROUP] = pd.Series([F.GROUP_TOTAL] * len(frame), dtype=object)
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


def groups_of(frame: pd.DataFrame, *, with_kind: bool = False) -> list[list[int]]:
    """Additive groups (parent first) written out plainly, one Python loop per hierarchy.

    Independent of the package's vectorised grouping: regions of 6, 8 or 10
    digits under their 4-digit kommune (one group per code length), male +
    female under total, 16-19 + 20-25 under 16-25.
    """
    position = {
        tuple(k): i for i, k in enumerate(frame[list(KEYS)].itertuples(index=False, name=None))
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
    groups = [[key[1], *children] for key, children in out.items()]
    if with_kind:
        return [[key[0], g] for key, g in zip(out, groups, strict=True)]  # type: ignore[list-item]
    return groups  # type: ignore[return-value]


def derivable(frame: pd.DataFrame, unknown: np.ndarray | None = None) -> list[list[int]]:
    """Groups in which exactly one cell is hidden: it equals parent minus published siblings."""
    hidden = frame[F.SUPPRESSED].to_numpy(dtype=bool)
    if unknown is not None:
        hidden = hidden | unknown
    return [g for g in groups_of(frame) if sum(hidden[i] for i in g) == 1]


def reference_reasons(frame: pd.DataFrame, rules: Rules) -> list[str]:
    """The documented algorithm written out with plain Python loops over cells and groups.

    An independent statement of docs/disclosure.md for the tables built here
    (age bands 16-19 and 20-25 under 16-25): primary rules, coverage,
    secondary by hierarchy (region, sex, age) with simultaneous picks within
    a hierarchy, series, repeated until nothing changes.
    """
    keys = list(frame[list(KEYS)].itertuples(index=False, name=None))
    x = frame[F.NUMERATOR].tolist()
    n = frame[F.DENOMINATOR].tolist()
    position = {k: i for i, k in enumerate(keys)}
    reason = [""] * len(keys)
    missing = [bool(np.isnan(a) or np.isnan(b)) for a, b in zip(x, n, strict=True)]
    for i in range(len(keys)):
        if missing[i]:
            continue
        if x[i] < rules.min_count and (x[i] > 0 or rules.protect_zeros):
            reason[i] = "primary"
        elif n[i] - x[i] < rules.min_count:
            reason[i] = "complement"
        elif n[i] < rules.min_denominator:
            reason[i] = "denominator"
    for i, (ind, region, period, age, sex) in enumerate(keys):
        if reason[i] or len(region) not in (6, 8, 10):
            continue
        k = position.get((ind, region[:4], period, age, sex))
        u = position.get((ind, region[:4] + "9" * (len(region) - 4), period, age, sex))
        if k is None or u is None or missing[k] or missing[u] or x[k] == 0 or n[k] == 0:
            continue
        share_x, share_n = x[u] / x[k], n[u] / n[k]
        if (
            share_x > rules.coverage_max_unknown + 1e-12
            or abs(share_x - share_n) > rules.coverage_max_difference + 1e-12
        ):
            reason[i] = "coverage"
    by_kind: dict[str, list[list[int]]] = {"region": [], "sex": [], "age": []}
    for group in groups_of(frame, with_kind=True):
        by_kind[group[0]].append(group[1])  # type: ignore[index, arg-type]
    while True:
        changed = True
        while changed:
            changed = False
            for kind in ("region", "sex", "age"):
                unknown = [bool(r) or m for r, m in zip(reason, missing, strict=True)]
                picks = set()
                for members in by_kind[kind]:
                    if sum(unknown[i] for i in members) == 1:
                        open_ = [i for i in members if not unknown[i]]
                        picks.add(min(open_, key=lambda i: (n[i], keys[i])))
                for i in picks:
                    reason[i] = "secondary"
                    changed = True
        series: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i, (ind, region, _period, age, sex) in enumerate(keys):
            series[(ind, region, age, sex)].append(i)
        more = [
            i
            for members in series.values()
            if sum(bool(reason[i]) for i in members) > rules.series_share * len(members) + 1e-9
            for i in members
            if not reason[i]
        ]
        if not more:
            return reason
        for i in more:
            reason[i] = "series"
