"""risk_sensitivity(): how much the choice of method, weights and components moves the ranks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import ParameterError, check_choice
from utenforskap.risk.components import Indicators
from utenforskap.risk.index import RiskIndex, risk_index
from utenforskap.risk.scores import METHODS, rank_composite

__all__ = ["FACTORS", "Sensitivity", "risk_sensitivity"]

#: The choices varied, one at a time around the nominal index.
FACTORS: tuple[str, ...] = ("method", "weights", "drop")


@dataclass(frozen=True)
class Sensitivity:
    """What :func:`risk_sensitivity` returns.

    Attributes
    ----------
    nominal
        The index with the nominal choices (:class:`~utenforskap.risk.RiskIndex`).
    ranks
        One row per region × scenario: ``region``, ``region_name``,
        ``factor`` (``method``, ``weights``, ``drop``), ``choice`` (the method,
        ``draw 1`` … for random weights, the component left out), ``rank``,
        ``shift`` (rank − nominal rank; NaN where either is missing).
    summary
        One row per factor × choice (random weights pooled as one choice
        ``random``): ``factor``, ``choice``, ``mean_abs_shift`` (mean over
        regions and scenarios of |shift|), ``max_abs_shift``, ``share_moved``
        (share of region × scenario pairs whose rank moved by more than one
        place).
    regions
        One row per region: ``region``, ``region_name``, ``rank`` (nominal),
        ``rank_min`` and ``rank_max`` over every scenario, and
        ``rank_lower`` / ``rank_upper``, the 5–95 % range over the random weights.
    """

    nominal: RiskIndex
    ranks: pd.DataFrame
    summary: pd.DataFrame
    regions: pd.DataFrame


def _ranks_for_weights(index: RiskIndex, matrix: np.ndarray, need: int) -> np.ndarray:
    """Composite ranks of the nominal scores under each row of a weight matrix (W, K)."""
    scores = index.scores
    n_comp = len(index.components)
    table = scores["score"].to_numpy(dtype=float).reshape(-1, n_comp).T  # (K, R)
    avail = ~np.isnan(table)
    filled = np.where(avail, table, 0.0)
    used = (avail[None, :, :] & (matrix[:, :, None] > 0)).sum(axis=1)
    if index.method == "count_worse":
        scaled = matrix * n_comp / matrix.sum(axis=1, keepdims=True)
        score = scaled @ filled
        # An unknown component with weight leaves the count unknown (see risk_index).
        complete = ~((~avail)[None, :, :] & (matrix[:, :, None] > 0)).any(axis=1)
        score = np.where(complete & (used >= need), score, np.nan)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            score = (matrix @ filled) / (matrix @ avail)
        score = np.where(used >= need, score, np.nan)
    return rank_composite(score)


def risk_sensitivity(
    data: pd.DataFrame,
    *,
    indicators: Indicators = None,
    method: str = "deciles",
    weights: Mapping[str, float] | Sequence[float] | None = None,
    methods: Sequence[str] = ("deciles", "zscore", "rank"),
    weight_draws: int = 200,
    weight_spread: float = 0.5,
    drop: bool = True,
    seed: int | None = None,
    min_components: int | None = None,
    regions: Sequence[str] | None = None,
    sex: str = "total",
    group: str = "total",
) -> Sensitivity:
    """Vary one choice at a time and report how far each region's rank moves.

    Around the nominal index (``method``, ``weights``) three kinds of
    alternative are computed: every other method in ``methods``;
    ``weight_draws`` random weightings, each weight multiplied by a factor
    drawn uniformly from [1 − ``weight_spread``, 1 + ``weight_spread``]; and,
    with ``drop``, the index without each component in turn. The summary says
    how much each choice moves the ranks on average and at most — choices that
    move them a lot are the ones to decide with care and to report.

    Parameters
    ----------
    data
        A published IndicatorFrame.
    indicators, method, weights, min_components, regions, sex, group
        The nominal index, as in :func:`~utenforskap.risk.risk_index`.
    methods
        Methods compared with the nominal one.
    weight_draws
        Random weightings (0: none).
    weight_spread
        Relative spread of the random weights, in [0, 1).
    drop
        Also leave out each component in turn.
    seed
        Seed of the random weights.

    Returns
    -------
    Sensitivity
        ``nominal``, ``ranks``, ``summary`` and ``regions``; every column is
        described in :class:`Sensitivity`.

    Raises
    ------
    ParameterError
        An unknown method, a bad ``weight_draws`` or ``weight_spread``.

    References
    ----------
    Saisana, M., Saltelli, A. & Tarantola, S. (2005). Uncertainty and
    sensitivity analysis techniques as tools for the quality assessment of
    composite indicators. *J. R. Stat. Soc. A* 168(2), 307–323.
    OECD/JRC (2008). *Handbook on Constructing Composite Indicators*, step 7.
    Becker, W. et al. (2022). COINr, ``get_sensitivity()`` and ``remove_elements()``.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> summary = ut.risk.risk_sensitivity(frame, seed=1).summary
    >>> summary[["factor", "choice", "max_abs_shift"]]
        factor               choice  max_abs_shift
    0   method               zscore            0.0
    1   method                 rank            0.0
    2  weights               random            1.0
    3     drop                 neet            0.5
    4     drop  low_income_children            0.5
    5     drop   ungdata_loneliness            0.5
    """
    for m in methods:
        check_choice("methods", m, METHODS)
    if isinstance(weight_draws, bool) or not isinstance(weight_draws, int) or weight_draws < 0:
        raise ParameterError(
            f"weight_draws must be a whole number ≥ 0; not {weight_draws!r}",
            parameter="weight_draws",
            value=weight_draws,
        )
    if (
        isinstance(weight_spread, bool)
        or not isinstance(weight_spread, int | float)
        or not 0 <= weight_spread < 1
    ):
        raise ParameterError(
            f"weight_spread must be a number in [0, 1); not {weight_spread!r}",
            parameter="weight_spread",
            value=weight_spread,
        )
    common: dict[str, Any] = {
        "indicators": indicators,
        "weights": weights,
        "min_components": min_components,
        "regions": regions,
        "sex": sex,
        "group": group,
    }
    nominal = risk_index(data, method=method, **common)
    base_rank = nominal.composite["rank"].to_numpy(dtype=float)
    need = nominal.min_components
    weight = nominal.components["weight"].to_numpy(dtype=float)
    labels = nominal.components["component"].tolist()
    scenarios: list[tuple[str, str, np.ndarray]] = []
    for m in dict.fromkeys(methods):
        if m == method:
            continue
        other = risk_index(data, method=m, **common)
        scenarios.append(("method", m, other.composite["rank"].to_numpy(dtype=float)))
    random_ranks = np.empty((0, len(base_rank)))
    if weight_draws:
        rng = np.random.default_rng(seed)
        factors = rng.uniform(
            1 - weight_spread, 1 + weight_spread, size=(weight_draws, len(weight))
        )
        random_ranks = _ranks_for_weights(nominal, factors * weight, need)
        scenarios += [("weights", f"draw {i + 1}", random_ranks[i]) for i in range(weight_draws)]
    if drop and len(weight) > 1:
        matrix = np.tile(weight, (len(weight), 1))
        np.fill_diagonal(matrix, 0.0)
        dropped = _ranks_for_weights(nominal, matrix, min(need, len(weight) - 1))
        scenarios += [("drop", labels[k], dropped[k]) for k in range(len(weight))]
    regions_frame = nominal.composite[[F.REGION, F.REGION_NAME]]
    rows = []
    for factor, choice, ranks in scenarios:
        part = regions_frame.copy()
        part["factor"] = factor
        part["choice"] = choice
        part["rank"] = ranks
        part["shift"] = ranks - base_rank
        rows.append(part)
    columns = [F.REGION, F.REGION_NAME, "factor", "choice", "rank", "shift"]
    long = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=columns)
    pooled_choice = np.where(long["factor"] == "weights", "random", long["choice"])
    moved = long.assign(
        choice=pooled_choice,
        abs_shift=long["shift"].abs(),
        moved=(long["shift"].abs() > 1).where(long["shift"].notna()),
    )
    summary = (
        moved.groupby(["factor", "choice"], sort=False)
        .agg(
            mean_abs_shift=("abs_shift", "mean"),
            max_abs_shift=("abs_shift", "max"),
            share_moved=("moved", "mean"),
        )
        .reset_index()
    )
    every = np.vstack([base_rank] + [r for _, _, r in scenarios])
    with np.errstate(invalid="ignore"):
        per_region = regions_frame.copy()
        per_region["rank"] = base_rank
        per_region["rank_min"] = np.nanmin(np.where(np.isnan(every), np.inf, every), axis=0)
        per_region["rank_max"] = np.nanmax(np.where(np.isnan(every), -np.inf, every), axis=0)
        per_region.loc[np.isnan(base_rank), ["rank_min", "rank_max"]] = np.nan
        if random_ranks.size:
            lo, hi = np.quantile(random_ranks, [0.05, 0.95], axis=0, method="inverted_cdf")
        else:
            lo = hi = np.full(len(base_rank), np.nan)
        per_region["rank_lower"] = lo
        per_region["rank_upper"] = hi
    return Sensitivity(nominal=nominal, ranks=long, summary=summary, regions=per_region)
