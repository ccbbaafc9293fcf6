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


def kommune_frame(
    count: int = 113,
    *,
    seed: int = 7,
    fylker: bool = False,
    indicator: str = "neet",
) -> pd.DataFrame:
    """A suppressed IndicatorFrame of ``count`` real 2024 kommuner and the country (their sum).

    Populations are log-normal (a few large kommuner, many small), the shares
    vary between kommuner more than chance alone (so some fall outside the
    funnel). With ``fylker`` the fylker (sums of their kommuner) are added,
    all compared with the country: two levels against one reference.
    """
    import numpy as np

    from utenforskap.geo.catalogue import catalogue

    codes = sorted(c for c in catalogue().codes(year=2024, level="kommune") if c != "9999")
    rng = np.random.default_rng(seed)
    chosen = list(codes[:count])
    n = np.maximum(rng.lognormal(mean=6.5, sigma=1.1, size=count).round(), 30.0)
    share = 1.0 / (1.0 + np.exp(-(-2.2 + rng.normal(0.0, 0.35, size=count))))
    x = rng.binomial(n.astype(int), share).astype(float)
    rows = pd.DataFrame({F.REGION: chosen, "x": x, "n": n})
    if fylker:
        fylke = rows.assign(**{F.REGION: rows[F.REGION].str[:2]})
        rows = pd.concat(
            [rows, fylke.groupby(F.REGION, as_index=False)[["x", "n"]].sum()], ignore_index=True
        )
    kommuner = rows[rows[F.REGION].str.len() == 4]
    land = pd.DataFrame({F.REGION: ["0"], "x": [kommuner["x"].sum()], "n": [kommuner["n"].sum()]})
    both = pd.concat([rows, land], ignore_index=True)
    table = pd.DataFrame(
        {
            F.INDICATOR: indicator,
            F.REGION: both[F.REGION].to_numpy(dtype=object),
            F.REGION_NAME: "",
            F.PERIOD: "2024",
            F.AGE: "16-25",
            F.SEX: "total",
            F.GROUP: F.GROUP_TOTAL,
            F.NUMERATOR: both["x"].to_numpy(dtype=float),
            F.DENOMINATOR: both["n"].to_numpy(dtype=float),
            F.STATUS: "",
        }
    )
    table = table.astype({c: object for c in F.KEY_COLUMNS})
    return suppress(compute_indicators(F.sort_frame(table[list(F.COUNT_COLUMNS)])))
