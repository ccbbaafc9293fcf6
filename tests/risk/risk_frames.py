"""Small published IndicatorFrames for the risk tests, built through the real pipeline steps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import Rules, suppress
from utenforskap.indicators import compute_indicators

#: The country: large, independent counts, the reference of every district here.
LAND = "0"
LAND_COUNTS = (100_000.0, 1_000_000.0)


def district_codes(n: int) -> list[str]:
    """Codes 990101, 990102, … of ``n`` districts of the fictional kommune 9901."""
    return [f"9901{i:02d}" for i in range(1, n + 1)]


def published(
    counts: Mapping[str, Sequence[tuple[float, float]]],
    *,
    regions: Sequence[str] | None = None,
    land: Mapping[str, tuple[float, float]] | None = None,
    period: str = "2024",
    age: str | Mapping[str, str] = "16-25",
    rules: Rules | None = None,
    names: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A suppressed IndicatorFrame: per indicator, one (numerator, denominator) per district.

    Every district is compared with the country ``"0"`` (given its own counts),
    so the ``zscore`` centre is a fixed, independent value.
    """
    n_regions = len(next(iter(counts.values())))
    codes = list(regions) if regions is not None else district_codes(n_regions)
    labels = list(names) if names is not None else [f"D{c[-2:]}" for c in codes]
    rows = []
    for indicator, cells in counts.items():
        band = age if isinstance(age, str) else age[indicator]
        for code, label, (x, n) in zip(codes, labels, cells, strict=True):
            rows.append(
                (indicator, code, label, period, band, "total", "total", float(x), float(n), "")
            )
        lx, ln = (land or {}).get(indicator, LAND_COUNTS)
        rows.append((indicator, LAND, "Hele landet", period, band, "total", "total", lx, ln, ""))
    table = pd.DataFrame(rows, columns=list(F.COUNT_COLUMNS))
    table = table.astype(
        {c: object for c in F.COUNT_COLUMNS if c not in (F.NUMERATOR, F.DENOMINATOR)}
    )
    computed = compute_indicators(F.sort_frame(table), reference=LAND)
    return suppress(
        computed, rules if rules is not None else Rules(min_count=5, min_denominator=20)
    )


def random_counts(
    rng: np.random.Generator, n_regions: int, indicators: Sequence[str], scale: float = 1.0
) -> dict[str, list[tuple[float, float]]]:
    """Moderate counts (5 ≤ x ≤ n − 5, so nothing is suppressed)."""
    out = {}
    for ind in indicators:
        n = np.round(rng.uniform(60, 400, n_regions) * scale)
        x = np.round(rng.uniform(0.05, 0.6, n_regions) * n).clip(5 * scale, n - 5 * scale)
        out[ind] = list(zip(x.tolist(), n.tolist(), strict=True))
    return out
