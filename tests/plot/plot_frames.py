"""Small suppressed IndicatorFrames for the chart tests, built through the real pipeline steps."""

from __future__ import annotations

import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import suppress
from utenforskap.indicators import compute_indicators

#: district → (numerator, denominator) for "total"; 990103 is small and gets hidden.
DISTRICTS = {
    "990101": (30, 200),
    "990102": (10, 180),
    "990103": (2, 40),
    "990104": (25, 150),
    "990105": (40, 210),
    "990106": (12, 190),
}
NAMES = {code: f"D{code[-1]}" for code in DISTRICTS} | {"9901": "Kommunen"}


def indicator_frame(
    indicators: tuple[str, ...] = ("neet",),
    periods: tuple[str, ...] = ("2024",),
    ages: tuple[str, ...] = ("16-25",),
    sexes: tuple[str, ...] = ("total",),
) -> pd.DataFrame:
    """A suppressed IndicatorFrame: districts of kommune 9901 and the kommune (their sum)."""
    rows = []
    for k, indicator in enumerate(indicators):
        for p, period in enumerate(periods):
            for a, age in enumerate(ages):
                for s, sex in enumerate(sexes):
                    # Shift counts a little per cell so the cells differ; the
                    # halves of "total" stand in for the sexes.
                    share = 1.0 if sex == "total" else (0.45 if s % 2 else 0.55)
                    for code, (x, n) in DISTRICTS.items():
                        xx = round((x + k + p + a) * share)
                        nn = round(n * share)
                        rows.append((indicator, code, NAMES[code], period, age, sex, xx, nn))
    counts = pd.DataFrame(
        rows,
        columns=[F.INDICATOR, F.REGION, F.REGION_NAME, F.PERIOD, F.AGE, F.SEX, "x", "n"],
    )
    total = counts.groupby([F.INDICATOR, F.PERIOD, F.AGE, F.SEX], as_index=False, sort=True)[
        ["x", "n"]
    ].sum()
    total[F.REGION] = "9901"
    total[F.REGION_NAME] = NAMES["9901"]
    both = pd.concat([counts, total], ignore_index=True)
    both[F.NUMERATOR] = both["x"].astype(float)
    both[F.DENOMINATOR] = both["n"].astype(float)
    both[F.STATUS] = ""
    both[F.GROUP] = F.GROUP_TOTAL
    table = both[list(F.COUNT_COLUMNS)].astype({c: object for c in F.KEY_COLUMNS if c in both})
    return suppress(compute_indicators(F.sort_frame(table)))
