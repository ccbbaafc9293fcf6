"""risk_index(): where risk factors accumulate — a composite per region, with rank uncertainty."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from utenforskap import frames as F
from utenforskap.disclosure.gate import recorded_rules, require_disclosed
from utenforskap.errors import ParameterError, check_choice
from utenforskap.risk.components import (
    GROUP,
    Indicators,
    RiskInputs,
    read_inputs,
    resolve_weights,
)
from utenforskap.risk.draws import draw_values, plan_draws, run_chunks
from utenforskap.risk.scores import (
    METHODS,
    composite,
    decile_cuts,
    decile_scores,
    deciles_from_ranks,
    rank_composite,
    rank_draws,
    rank_scores,
    weighted_sum,
    worse_flags,
    zscore_scores,
)
from utenforskap.stats._checks import check_level

__all__ = ["RiskIndex", "judgements", "risk_index"]

Weights = Mapping[str, float] | Sequence[float] | None


@dataclass(frozen=True)
class RiskIndex:
    """What :func:`risk_index` returns.

    Attributes
    ----------
    composite
        One row per scored region, by code: ``region``, ``region_name``,
        ``score`` (the composite; NaN when fewer than ``min_components``
        components are published), ``score_max`` (for ``count_worse`` the
        count if every unknown component were worse; otherwise equal to
        ``score``), ``rank`` (1 = most risk, ties averaged; for
        ``count_worse`` only regions with every component known are ranked),
        ``n_components`` (published components used), ``n_hidden``
        (components hidden by disclosure control), ``n_missing`` (no value or,
        for ``count_worse``, not tested), ``complete`` (bool). With draws
        also ``score_lower``, ``score_upper`` (the composite's interval at
        ``level``), ``rank_median``, ``rank_lower``, ``rank_upper`` (the rank
        interval at ``level``) and ``p_worst`` (probability of being among
        the ``worst`` regions with most risk).
    scores
        One row per region × component: ``region``, ``region_name``,
        ``component``, ``indicator``, ``age``, ``period``, ``value``,
        ``ci_lower``, ``ci_upper``, ``comparison``, ``judgement`` (``worse``,
        ``better``, ``similar``, ``not_tested``, ``suppressed``, ``missing``),
        ``suppressed`` (bool), ``score`` (the normalised score, NaN when the
        cell is not published), ``weight``.
    components
        One row per component: ``component``, ``indicator``, ``age``,
        ``period``, ``high_is_bad``, ``kind``, ``multiplier``, ``reference``,
        ``centre``, ``n_published``, ``weight``.
    method, draws, seed, level, worst, min_components
        The settings used.
    reference
        ``"regions"`` (scored against the regions themselves), a region code
        (the ``zscore`` centre), or ``"distribution"`` (a reference frame).
    rules
        The disclosure rules the input frame was suppressed with (its record),
        so derived tables can be gated (:func:`utenforskap.risk.require_risk_disclosed`).
    """

    composite: pd.DataFrame
    scores: pd.DataFrame
    components: pd.DataFrame
    method: str
    draws: int
    seed: int | None
    level: float
    worst: int
    min_components: int
    reference: str
    rules: dict[str, Any] = field(default_factory=dict)


def judgements(
    comparison: np.ndarray, high_is_bad: np.ndarray, hidden: np.ndarray, missing: np.ndarray
) -> np.ndarray:
    """The judgement of each cell: worse, better, similar, not_tested, suppressed or missing.

    Examples
    --------
    >>> judgements(np.array(["higher", "lower"]), np.array([False, True]),
    ...            np.array([False, False]), np.array([False, False])).tolist()
    ['better', 'better']
    """
    comparison = np.asarray(comparison, dtype=object)
    bad = np.broadcast_to(np.asarray(high_is_bad, dtype=bool), comparison.shape)
    out = np.select(
        [comparison == "higher", comparison == "lower", comparison == "similar"],
        [np.where(bad, "worse", "better"), np.where(bad, "better", "worse"), "similar"],
        default="not_tested",
    ).astype(object)
    out[np.asarray(missing, dtype=bool)] = "missing"
    out[np.asarray(hidden, dtype=bool)] = "suppressed"
    return out


def _reference_values(
    reference: pd.DataFrame, inputs: RiskInputs, sex: str, group: str
) -> list[np.ndarray]:
    from utenforskap.errors import DataError

    for column in (F.INDICATOR, F.AGE, F.PERIOD, F.VALUE):
        if column not in reference.columns:
            raise DataError("the reference distribution lacks a column", column=column)
    mask = np.ones(len(reference), dtype=bool)
    if F.SEX in reference.columns:
        mask &= reference[F.SEX].to_numpy(dtype=object) == sex
    if GROUP in reference.columns:
        mask &= reference[GROUP].fillna("total").to_numpy(dtype=object) == group
    if F.SUPPRESSED in reference.columns:
        mask &= ~reference[F.SUPPRESSED].fillna(True).to_numpy(dtype=bool)
    rows = reference.loc[mask]
    out = []
    for comp in inputs.components.itertuples():
        pick = rows[
            (rows[F.INDICATOR] == comp.indicator)
            & (rows[F.AGE].astype(str) == comp.age)
            & (rows[F.PERIOD].astype(str) == comp.period)
        ]
        values = pd.to_numeric(pick[F.VALUE], errors="coerce").to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if values.size < 2:
            raise DataError(
                f"the reference distribution has fewer than two values for {comp.component!r} "
                f"({comp.age}, {comp.period})",
                column=F.INDICATOR,
                value=comp.component,
            )
        out.append(values)
    return out


@dataclass(frozen=True)
class _Scorer:
    """Everything the normalisation needs besides the values: direction, centre, reference."""

    method: str
    sign: np.ndarray  # (K,)
    centre: np.ndarray  # (K,) oriented
    ref_cuts: np.ndarray | None  # (K, 9) oriented
    ref_mean: np.ndarray | None  # (K,)
    ref_sd: np.ndarray | None  # (K,)
    flags: np.ndarray  # (K, R) count_worse flags

    def __call__(self, oriented: np.ndarray) -> np.ndarray:
        """Point scores, NaN where unpublished; ties get mid-rank deciles and average ranks."""
        if self.method == "deciles":
            if self.ref_cuts is not None:
                return decile_scores(oriented, self.ref_cuts)
            return deciles_from_ranks(oriented)
        if self.method == "rank":
            return rank_scores(oriented)
        if self.method == "zscore":
            if self.ref_mean is not None and self.ref_sd is not None:
                return zscore_scores(oriented, self.ref_mean[:, None], self.ref_sd[:, None])
            return zscore_scores(oriented, self.centre[:, None])
        return np.broadcast_to(self.flags, oriented.shape).copy()

    def draws(self, oriented: np.ndarray) -> np.ndarray:
        """Scores of drawn values, any finite value where unpublished (masked later).

        Continuous draws have no ties, so ordinal ranks and the cut-point
        deciles equal the point estimate's tie rules.
        """
        if self.method == "deciles":
            return decile_scores(oriented, self.ref_cuts, raw=True)
        if self.method == "rank":
            return rank_draws(oriented)
        if self.ref_mean is not None and self.ref_sd is not None:
            return zscore_scores(oriented, self.ref_mean[:, None], self.ref_sd[:, None], raw=True)
        return zscore_scores(oriented, self.centre[:, None], raw=True)


def _scorer(
    method: str,
    inputs: RiskInputs,
    reference: str | pd.DataFrame | None,
    sex: str,
    group: str,
) -> _Scorer:
    sign = inputs.sign
    centre = sign * inputs.components["centre"].to_numpy(dtype=float)
    ref_cuts = ref_mean = ref_sd = None
    if isinstance(reference, pd.DataFrame):
        if method not in ("deciles", "zscore"):
            raise ParameterError(
                f"a reference distribution applies to method 'deciles' or 'zscore'; not {method!r}",
                parameter="reference",
            )
        values = _reference_values(reference, inputs, sex, group)
        width = max(v.size for v in values)
        table = np.full((len(values), width), np.nan)
        for k, v in enumerate(values):
            table[k, : v.size] = sign[k] * v
        ref_cuts = decile_cuts(table)
        ref_mean = np.nanmean(table, axis=-1)
        ref_sd = np.nanstd(table, axis=-1)
    elif isinstance(reference, str) and method != "zscore":
        raise ParameterError(
            f"a reference region centres method 'zscore'; method {method!r} compares the "
            "regions with each other (pass a reference frame to score deciles against a "
            "reference distribution)",
            parameter="reference",
            value=reference,
        )
    flags = worse_flags(inputs.comparison.T, inputs.components["high_is_bad"].to_numpy()[:, None])
    return _Scorer(method, sign, centre, ref_cuts, ref_mean, ref_sd, flags)


def _worst_share(score: np.ndarray, worst: int) -> np.ndarray:
    """Per draw, each region's share of a place among the ``worst`` highest composites.

    A region strictly above the ``worst``-th highest value gets 1; regions tied
    with it share the places left evenly (the chance under random tie-breaking),
    so the shares of a draw sum to ``worst``.
    """
    n = score.shape[-1]
    kth = np.partition(score, n - worst, axis=-1)[..., n - worst : n - worst + 1]
    above = score > kth
    tied = score == kth
    left = worst - above.sum(axis=-1, keepdims=True)
    return np.where(
        above, 1.0, np.where(tied, left / np.maximum(tied.sum(axis=-1, keepdims=True), 1), 0.0)
    )


def _check_int(value: object, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise ParameterError(
            f"{name} must be a whole number ≥ {low}; not {value!r}", parameter=name, value=value
        )
    return int(value)


def risk_index(
    data: pd.DataFrame,
    *,
    indicators: Indicators = None,
    method: str = "deciles",
    weights: Weights = None,
    reference: str | pd.DataFrame | None = None,
    draws: int = 0,
    seed: int | None = None,
    level: float = 0.9,
    worst: int = 3,
    min_components: int | None = None,
    regions: Sequence[str] | None = None,
    sex: str = "total",
    group: str = "total",
    workers: int | None = None,
) -> RiskIndex:
    """Score each region on several risk factors at once and combine the scores.

    Each component (an indicator at one age band and period) is normalised so
    that a higher score means more risk, whatever the indicator's direction
    (``high_is_bad`` in the registry), then the scores are combined by a
    weighted mean (a weighted count for ``count_worse``). Only published cells
    are used: a cell hidden by disclosure control is never imputed; the region
    is scored from its other components when at least ``min_components`` are
    published, and ``n_hidden`` says how many were left out.

    Parameters
    ----------
    data
        A published IndicatorFrame (it must have been through
        :func:`utenforskap.suppress`), with or without a ``group`` column.
    indicators
        Components: None (every indicator, its widest age band and latest
        period), ids, ``(id, age)`` pairs, :class:`~utenforskap.risk.Component`
        objects (to choose the period) or a mapping id → age band.
    method
        ``"deciles"`` (SSB's levekår index: each component scored 1–10 by
        the decile of the regions' distribution it falls in — or of a
        reference distribution — 10 = most risk), ``"zscore"`` (distance from
        the reference region's value in units of the regions' root-mean-square
        distance from it), ``"rank"`` (1 = least risk … n = most) or
        ``"count_worse"`` (number of components on which the region is
        significantly worse than its reference, from ``comparison``).
    weights
        None: equal. A mapping component label or indicator id → weight, or a
        sequence aligned with the components.
    reference
        None: the regions themselves (and, for ``zscore``, each component's
        reference region, i.e. the kommune). A region code: the ``zscore``
        centre. An IndicatorFrame of other regions (e.g. all kommuner): the
        reference distribution for ``deciles`` (its deciles are the cut
        points) or ``zscore`` (its mean and standard deviation).
    draws
        Monte Carlo draws of every published cell from its counts (0: none).
        Not for ``count_worse``, whose uncertainty is its significance test.
    seed
        Seed of the draws (reproducible); None: fresh randomness.
    level
        Level of the score and rank intervals (0.9 gives a 90 % interval).
    worst
        ``p_worst`` is the probability of being among this many regions with
        the most risk.
    min_components
        Fewest published components a region needs for a score; default more
        than half of them.
    regions
        Region codes to score; default the districts compared with the
        kommune (without "unknown district").
    sex, group
        Rows used (``group`` only when the frame has that column).
    workers
        Threads for the draws; default the CPUs available.

    Returns
    -------
    RiskIndex
        ``composite`` (per region), ``scores`` (per region × component),
        ``components`` and the settings; every column is described in
        :class:`RiskIndex`.

    Raises
    ------
    DisclosureError
        ``data`` has not been through disclosure control.
    DataError
        A component that cannot be found or compared (see
        :func:`~utenforskap.risk.components.read_inputs`).
    ParameterError
        An unknown method; a bad weight, draw count, level or ``worst``;
        ``draws`` with ``count_worse``; a reference that does not fit the method.

    References
    ----------
    Statistisk sentralbyrå (2002). Indeks for levekårsproblemer. *Samfunnsspeilet*
    2002/4-5 (scores 1–10 per indicator, averaged; "not where it is best to live").
    OECD/JRC (2008). *Handbook on Constructing Composite Indicators: Methodology
    and User Guide*. OECD Publishing (normalisation, weighting, uncertainty).
    Becker, W. et al. (2022). COINr: An R package for developing composite
    indicators. *Journal of Open Source Software* 7(78), 4567 (rank intervals
    from Monte Carlo uncertainty analysis).

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> index = ut.risk_index(frame, indicators={"neet": "16-25",
    ...     "low_income_children": "0-17"}, draws=1000, seed=1)
    >>> index.composite[["region_name", "score", "rank_lower", "rank_upper"]]
       region_name  score  rank_lower  rank_upper
    0      Sentrum    8.5         2.0         3.0
    1     Nordbyen    7.5         3.0         5.0
    2     Sørhavna   10.0         1.0         1.0
    3     Østmarka    1.0         7.0         8.0
    4      Vestlia    2.5         5.0         7.0
    5  Bakkehaugen    4.5         4.0         6.0
    6    Elvedalen    7.5         2.0         4.0
    7    Fjellstad    NaN         NaN         NaN
    8       Skogly    NaN         NaN         NaN
    9    Strandvik    2.5         5.5         7.5
    """
    check_choice("method", method, METHODS)
    draws = _check_int(draws, "draws", 0)
    worst = _check_int(worst, "worst", 1)
    lvl = check_level(level)
    if draws and method == "count_worse":
        raise ParameterError(
            "draws cannot be combined with method 'count_worse': it counts significant "
            "differences, whose uncertainty is the test's; use draws=0, or deciles, zscore "
            "or rank for rank intervals",
            parameter="draws",
            value=draws,
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int | np.integer)):
        raise ParameterError(f"seed must be a whole number or None; not {seed!r}", parameter="seed")
    require_disclosed(data)
    rules = recorded_rules(data).as_dict()
    inputs = read_inputs(
        data,
        indicators=indicators,
        regions=regions,
        reference=reference if isinstance(reference, str) else None,
        sex=sex,
        group=group,
    )
    n_comp = len(inputs.components)
    need = (
        n_comp // 2 + 1
        if min_components is None
        else _check_int(min_components, "min_components", 1)
    )
    if need > n_comp:
        raise ParameterError(
            f"min_components is {need}, but there are only {n_comp} components",
            parameter="min_components",
            value=need,
        )
    weight = resolve_weights(weights, inputs.components)
    scorer = _scorer(method, inputs, reference, sex, group)
    oriented = inputs.sign[:, None] * inputs.value.T  # (K, R)
    unknown = np.isnan(oriented) if method != "count_worse" else np.isnan(scorer.flags)
    point = scorer(oriented[None])[0]
    score, score_max = composite(point, weight, method=method, min_components=need)
    complete = ~unknown.any(axis=0)
    if method == "count_worse":
        rank = np.full(score.shape, np.nan)
        rank[complete] = rank_composite(score[complete])
    else:
        rank = rank_composite(score)
    hidden_n = inputs.hidden.sum(axis=1)
    table = inputs.regions.copy()
    table["score"] = score
    table["score_max"] = score_max
    table["rank"] = rank
    table["n_components"] = (~unknown).sum(axis=0)
    table["n_hidden"] = hidden_n
    table["n_missing"] = unknown.sum(axis=0) - hidden_n
    table["complete"] = complete
    if draws:
        table = _uncertainty(
            table, inputs, scorer, weight, method, need, draws, seed, lvl, worst, workers
        )
    components = inputs.components.copy()
    components["weight"] = weight
    return RiskIndex(
        composite=table,
        scores=_long_scores(inputs, point, weight),
        components=components,
        method=method,
        draws=draws,
        seed=None if seed is None else int(seed),
        level=lvl,
        worst=worst,
        min_components=need,
        reference=(
            "distribution"
            if isinstance(reference, pd.DataFrame)
            else (reference if isinstance(reference, str) else "regions")
        ),
        rules=rules,
    )


def _uncertainty(
    table: pd.DataFrame,
    inputs: RiskInputs,
    scorer: _Scorer,
    weight: np.ndarray,
    method: str,
    need: int,
    draws: int,
    seed: int | None,
    level: float,
    worst: int,
    workers: int | None,
) -> pd.DataFrame:
    kind = inputs.components["kind"].to_numpy(dtype=object)
    multiplier = inputs.components["multiplier"].to_numpy(dtype=float)
    cells = {
        name: getattr(inputs, name).T.copy()
        for name in ("value", "numerator", "denominator", "lower", "upper", "level")
    }
    sign = scorer.sign[:, None]

    available = ~np.isnan(scorer.sign[:, None] * inputs.value.T)
    total_weight = (available * weight[:, None]).sum(axis=0)
    enough = available.sum(axis=0) >= need

    def chunk(rng: np.random.Generator, size: int) -> np.ndarray:
        values = draw_values(rng, size, kind=kind, multiplier=multiplier, **cells)
        values *= sign
        summed = weighted_sum(scorer.draws(values), weight, available)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(enough, summed / total_weight, np.nan)

    plan = plan_draws(draws, inputs.value.size, seed)
    drawn = run_chunks(plan, chunk, workers=workers)  # (draws, R)
    scored = ~np.isnan(table["score"].to_numpy(dtype=float))
    tail = (1.0 - level) / 2.0
    out = table.copy()
    for column in (
        "score_lower",
        "score_upper",
        "rank_median",
        "rank_lower",
        "rank_upper",
        "p_worst",
    ):
        out[column] = np.nan
    if scored.any():
        kept = drawn[:, scored]
        ranks = np.asarray(_st.rankdata(-kept, method="average", axis=-1), dtype=float)
        lo, hi = np.quantile(kept, [tail, 1.0 - tail], axis=0)
        r_lo, r_mid, r_hi = np.quantile(
            ranks, [tail, 0.5, 1.0 - tail], axis=0, method="inverted_cdf"
        )
        share = _worst_share(kept, min(worst, int(scored.sum())))
        out.loc[scored, "score_lower"] = lo
        out.loc[scored, "score_upper"] = hi
        out.loc[scored, "rank_median"] = r_mid
        out.loc[scored, "rank_lower"] = r_lo
        out.loc[scored, "rank_upper"] = r_hi
        out.loc[scored, "p_worst"] = share.mean(axis=0)
    return out


def _long_scores(inputs: RiskInputs, point: np.ndarray, weight: np.ndarray) -> pd.DataFrame:
    n_reg, n_comp = inputs.value.shape
    comps = inputs.components
    high_is_bad = comps["high_is_bad"].to_numpy(dtype=bool)
    judgement = judgements(inputs.comparison, high_is_bad[None, :], inputs.hidden, inputs.missing)
    frame = pd.DataFrame(
        {
            F.REGION: np.repeat(inputs.regions[F.REGION].to_numpy(dtype=object), n_comp),
            F.REGION_NAME: np.repeat(inputs.regions[F.REGION_NAME].to_numpy(dtype=object), n_comp),
            "component": np.tile(comps["component"].to_numpy(dtype=object), n_reg),
            F.INDICATOR: np.tile(comps["indicator"].to_numpy(dtype=object), n_reg),
            F.AGE: np.tile(comps["age"].to_numpy(dtype=object), n_reg),
            F.PERIOD: np.tile(comps["period"].to_numpy(dtype=object), n_reg),
            F.VALUE: inputs.value.ravel(),
            F.CI_LOWER: inputs.lower.ravel(),
            F.CI_UPPER: inputs.upper.ravel(),
            F.COMPARISON: inputs.comparison.ravel(),
            "judgement": judgement.ravel(),
            F.SUPPRESSED: inputs.hidden.ravel(),
            "score": point.T.ravel(),
            "weight": np.tile(weight, n_reg),
        }
    )
    return frame
