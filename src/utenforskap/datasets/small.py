"""A small demo IndicatorFrame, built in memory in well under a second, for examples and tests.

The full demo (:func:`utenforskap.run` on Eksempelkommune) takes seconds and
writes files; docstring examples need something smaller. The counts here
follow the demo kommune's districts (sizes and district effects of
:mod:`utenforskap.datasets.demo`), drawn from a fixed seed, at the finest
level (district × age band × sex), then summed to the totals a register
gives: both sexes, the wide age band, the kommune. The whole country is a
separate, large population. Every number is synthetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.datasets.demo import _DISTRICTS, DEMO_KOMMUNE, DEMO_SEED

__all__ = ["demo_counts", "demo_indicators"]

_NAMES = {
    "0": "Hele landet",
    DEMO_KOMMUNE: "Eksempelkommune",
    "990101": "Sentrum",
    "990102": "Nordbyen",
    "990103": "Sørhavna",
    "990104": "Østmarka",
    "990105": "Vestlia",
    "990106": "Bakkehaugen",
    "990107": "Elvedalen",
    "990108": "Fjellstad",
    "990109": "Skogly",
    "990110": "Strandvik",
    "990199": "Ukjent delområde",
}
# indicator → (periods, narrow age bands → (birth cohorts in the band, wide band),
# base share on the logit scale, which district effect, share of a cohort counted).
_PLAN: dict[str, tuple[tuple[str, ...], dict[str, int], str, float, str, float]] = {
    "neet": (
        ("2020", "2021", "2022", "2023", "2024"),
        {"16-19": 4, "20-25": 6},
        "16-25",
        -2.2,
        "neet_logit",
        1.0,
    ),
    "low_income_children": (
        ("2020", "2021", "2022", "2023", "2024"),
        {"0-17": 18},
        "",
        -2.15,
        "low_income_logit",
        1.0,
    ),
    # Three survey years pooled, about 80 % of pupils answering.
    "ungdata_loneliness": (
        ("2021-2023", "2022-2024"),
        {"8-10 trinn": 9, "VG1-VG3": 9},
        "",
        -1.55,
        "wellbeing",
        0.8,
    ),
}
_SEX_SHIFT = {"female": 0.15, "male": -0.15}
_COUNTRY_SIZE = 20_000


def demo_counts(seed: int = DEMO_SEED) -> pd.DataFrame:
    """A small CountFrame for Eksempelkommune (``9901``), its districts and the whole country.

    Three indicators: ``neet`` (``16-19``, ``20-25`` and ``16-25``,
    2020–2024), ``low_income_children`` (``0-17``, 2020–2024) and
    ``ungdata_loneliness`` (``8-10 trinn`` and ``VG1-VG3``, pooled spans
    ``2021-2023`` and ``2022-2024``); sexes ``female``, ``male`` and
    ``total``. The districts' counts are drawn per district × narrow age band
    × sex; both sexes, the wide band and the kommune (``9901``, including the
    unknown district ``990199``) are their sums, so every hierarchy adds up.
    The two small districts, Fjellstad (``990108``) and Skogly (``990109``),
    give cells that disclosure control must hide.

    Parameters
    ----------
    seed
        Seed of the random generator: the same seed gives the same counts.

    Returns
    -------
    pandas.DataFrame
        A CountFrame (:data:`utenforskap.frames.COUNT_COLUMNS`), sorted by
        key: ``indicator``, ``region``, ``region_name``, ``period``, ``age``,
        ``sex``, ``numerator``, ``denominator`` (persons or respondents) and
        ``status`` (``""`` throughout).

    Examples
    --------
    >>> counts = demo_counts()
    >>> sorted(counts["indicator"].unique())
    ['low_income_children', 'neet', 'ungdata_loneliness']
    >>> kommune = counts.query("indicator == 'neet' and period == '2024' and sex == 'total'")
    >>> kommune = kommune[kommune["region"].str.len() == 6].groupby("age")["numerator"].sum()
    >>> bool(kommune["16-19"] + kommune["20-25"] == kommune["16-25"])
    True
    """
    rng = np.random.default_rng(seed)
    codes = np.array([d.code for d in _DISTRICTS], dtype=object)
    pieces = []
    for indicator, (periods, bands, wide, base, effect, answering) in _PLAN.items():
        effects = np.array([getattr(d, effect) for d in _DISTRICTS])
        cohort = np.array([d.persons_per_birth_year for d in _DISTRICTS], dtype=float)
        grid = pd.MultiIndex.from_product(
            [range(len(codes)), periods, list(bands), list(_SEX_SHIFT)],
            names=["d", F.PERIOD, F.AGE, F.SEX],
        ).to_frame(index=False)
        d = grid["d"].to_numpy()
        years = grid[F.AGE].map(bands).to_numpy(dtype=float)
        trend = grid[F.PERIOD].str[-4:].astype(int).to_numpy() - 2024
        shift = grid[F.SEX].map(_SEX_SHIFT).to_numpy(dtype=float)
        n = rng.poisson(cohort[d] * years * 0.5 * answering)
        logit = base + shift + 0.04 * trend
        grid[F.DENOMINATOR] = n
        grid[F.NUMERATOR] = rng.binomial(n, 1.0 / (1.0 + np.exp(-(logit + effects[d]))))
        grid[F.REGION] = codes[d]
        # The country: one large population per cell, without a district effect.
        first = d == 0
        national = grid[first].assign(**{F.REGION: "0"})
        n_country = rng.poisson(_COUNTRY_SIZE * years[first])
        national[F.DENOMINATOR] = n_country
        national[F.NUMERATOR] = rng.binomial(n_country, 1.0 / (1.0 + np.exp(-logit[first])))
        finest = pd.concat([grid, national], ignore_index=True).drop(columns="d")
        kommune = finest[finest[F.REGION] != "0"].assign(**{F.REGION: DEMO_KOMMUNE})
        cells = pd.concat([finest, kommune], ignore_index=True)
        if wide:
            cells = pd.concat([cells, cells.assign(**{F.AGE: wide})], ignore_index=True)
        cells = pd.concat([cells, cells.assign(**{F.SEX: "total"})], ignore_index=True)
        keys = [F.REGION, F.PERIOD, F.AGE, F.SEX]
        summed = cells.groupby(keys, as_index=False, sort=False)[[F.NUMERATOR, F.DENOMINATOR]]
        pieces.append(summed.sum().assign(**{F.INDICATOR: indicator}))
    counts = pd.concat(pieces, ignore_index=True)
    counts[F.REGION_NAME] = counts[F.REGION].map(_NAMES)
    counts[F.STATUS] = ""
    counts[F.GROUP] = F.GROUP_TOTAL
    counts = counts.astype(
        {F.NUMERATOR: float, F.DENOMINATOR: float}
        | {c: object for c in (*F.KEY_COLUMNS, F.REGION_NAME, F.STATUS)}
    )
    return F.sort_frame(counts[list(F.COUNT_COLUMNS)])


def demo_indicators(seed: int = DEMO_SEED) -> pd.DataFrame:
    """The published IndicatorFrame of :func:`demo_counts`: computed, compared, suppressed.

    :func:`utenforskap.indicators.compute_indicators` with its defaults
    (Wilson intervals at 95 %, percent; districts against the kommune, the
    kommune against the whole country), then
    :func:`utenforskap.disclosure.suppress` with the default rules, so every
    writer and chart function accepts it.

    Parameters
    ----------
    seed
        Seed of the random generator of :func:`demo_counts`.

    Returns
    -------
    pandas.DataFrame
        An IndicatorFrame (:data:`utenforskap.frames.INDICATOR_COLUMNS`) that
        has been through disclosure control.

    Examples
    --------
    >>> frame = demo_indicators()
    >>> row = frame.query(
    ...     "indicator == 'neet' and region == '9901' and period == '2024' "
    ...     "and age == '16-25' and sex == 'total'"
    ... )
    >>> row[["region_name", "reference", "ci_method"]].values.tolist()
    [['Eksempelkommune', '0', 'wilson']]
    >>> bool(frame["suppressed"].any())
    True
    """
    from utenforskap.disclosure import suppress
    from utenforskap.indicators import compute_indicators

    return suppress(compute_indicators(demo_counts(seed)))
