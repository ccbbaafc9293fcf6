"""The cells a risk index reads: one age band and period per indicator, lined up by region."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.ages import parse_band
from utenforskap.errors import DataError, ParameterError
from utenforskap.registry import INDICATORS
from utenforskap.select import district_rows, latest_period, reference_of
from utenforskap.stats.intervals import COUNT_METHODS, PROPORTION_METHODS

__all__ = [
    "GROUP",
    "KINDS",
    "Component",
    "RiskInputs",
    "as_components",
    "read_inputs",
    "resolve_weights",
]

#: The population-breakdown column the IndicatorFrame contract is gaining; optional here.
GROUP = "group"
#: How the Monte Carlo draws a component: from counts as a proportion or a rate,
#: or from the published interval.
KINDS: tuple[str, ...] = ("proportion", "rate", "published")


@dataclass(frozen=True)
class Component:
    """One input of a risk index: an indicator at one age band and period.

    Attributes
    ----------
    indicator
        Registry id (or a user's own id present in the frame).
    age
        Age band; None: the indicator's widest band in the frame.
    period
        Period; None: the indicator's latest period in the frame.
    high_is_bad
        Direction; None: the registry's (True for ids outside it).

    Examples
    --------
    >>> Component("neet", age="16-25")
    Component(indicator='neet', age='16-25', period=None, high_is_bad=None)
    """

    indicator: str
    age: str | None = None
    period: str | None = None
    high_is_bad: bool | None = None


ComponentSpec = str | tuple[str, str] | Component
Indicators = Sequence[ComponentSpec] | Mapping[str, str] | None


@dataclass(frozen=True)
class RiskInputs:
    """The published cells of the chosen components, as arrays over regions × components.

    Attributes
    ----------
    components
        One row per component: ``component`` (label), ``indicator``, ``age``,
        ``period``, ``high_is_bad``, ``kind`` (:data:`KINDS`), ``multiplier``
        (value = proportion × multiplier), ``reference`` (code of the region
        the districts are compared with), ``centre`` (that region's value),
        ``n_published`` (regions with a published value).
    regions
        One row per scored region: ``region``, ``region_name``.
    value, numerator, denominator, lower, upper, level
        Float arrays, shape (regions, components); NaN where not published.
    hidden
        Bool array: the cell exists and is suppressed ("prikket").
    missing
        Bool array: no published value and not suppressed (no row, or a status).
    comparison
        Object array of ``comparison`` (``not_tested`` where unavailable).
    """

    components: pd.DataFrame
    regions: pd.DataFrame
    value: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    level: np.ndarray
    hidden: np.ndarray
    missing: np.ndarray
    comparison: np.ndarray

    @property
    def available(self) -> np.ndarray:
        """Cells with a published value."""
        return ~(self.hidden | self.missing)

    @property
    def sign(self) -> np.ndarray:
        """+1 where a high value is bad, −1 where it is good, per component."""
        return np.where(self.components["high_is_bad"].to_numpy(dtype=bool), 1.0, -1.0)


def _widest(bands: Sequence[str]) -> str:
    def width(band: str) -> int:
        try:
            low, high = parse_band(band)
        except DataError:
            return -1
        return int(high - low)

    # The first band wins a tie (school levels have no width).
    return max(bands, key=width)


def as_components(indicators: Indicators, data: pd.DataFrame) -> list[Component]:
    """Normalise the ``indicators`` argument into a list of :class:`Component`.

    Parameters
    ----------
    indicators
        None (every indicator in ``data``, registry order), a sequence of ids,
        ``(id, age)`` pairs or :class:`Component`, or a mapping id → age band.
    data
        The frame (for the default list).

    Returns
    -------
    list of Component
        In the order given.

    Raises
    ------
    ParameterError
        An entry of an unknown type, or an empty list.

    Examples
    --------
    >>> import pandas as pd
    >>> as_components({"neet": "16-25"}, pd.DataFrame({"indicator": []}))
    [Component(indicator='neet', age='16-25', period=None, high_is_bad=None)]
    """
    if indicators is None:
        present = list(dict.fromkeys(map(str, data[F.INDICATOR])))
        order = {k: i for i, k in enumerate(INDICATORS)}
        present.sort(key=lambda i: (order.get(i, len(order)), i))
        return [Component(i) for i in present]
    if isinstance(indicators, Mapping):
        items: list[ComponentSpec] = [(str(k), str(v)) for k, v in indicators.items()]
    elif isinstance(indicators, str):
        items = [indicators]
    else:
        items = list(indicators)
    out = []
    for item in items:
        if isinstance(item, Component):
            out.append(item)
        elif isinstance(item, str):
            out.append(Component(item))
        elif isinstance(item, tuple) and len(item) == 2 and all(isinstance(v, str) for v in item):
            out.append(Component(item[0], age=item[1]))
        else:
            raise ParameterError(
                "indicators must hold indicator ids, (id, age) pairs or Component objects; "
                f"not {item!r}",
                parameter="indicators",
                value=item,
            )
    if not out:
        raise ParameterError("indicators must name at least one indicator", parameter="indicators")
    return out


def _labels(resolved: Sequence[Component]) -> list[str]:
    ids = [c.indicator for c in resolved]
    labels = [
        c.indicator if ids.count(c.indicator) == 1 else f"{c.indicator}:{c.age}" for c in resolved
    ]
    if len(set(labels)) != len(labels):
        dup = next(label for label in labels if labels.count(label) > 1)
        raise ParameterError(
            f"component {dup!r} is listed twice; give each indicator × age band once",
            parameter="indicators",
            value=dup,
        )
    return labels


def _kind(methods: pd.Series, label: str) -> str:
    found = set(map(str, methods.dropna()))
    kinds = set()
    for method in found:
        if method in PROPORTION_METHODS:
            kinds.add("proportion")
        elif method in COUNT_METHODS:
            kinds.add("rate")
        elif method == "published":
            kinds.add("published")
        else:
            raise DataError(
                f"unknown interval method for component {label!r}; the risk index draws "
                f"proportions ({list(PROPORTION_METHODS)}), rates ({list(COUNT_METHODS)}) "
                "and 'published' rates",
                column=F.CI_METHOD,
                value=method,
            )
    if len(kinds) > 1:
        raise DataError(
            f"component {label!r} mixes interval methods {sorted(found)}",
            column=F.CI_METHOD,
        )
    return kinds.pop() if kinds else "proportion"


def _multiplier(rows: pd.DataFrame) -> float:
    x = rows[F.NUMERATOR].to_numpy(dtype=float, na_value=np.nan)
    n = rows[F.DENOMINATOR].to_numpy(dtype=float, na_value=np.nan)
    v = rows[F.VALUE].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = v / (x / n)
    ratio = ratio[np.isfinite(ratio) & (x > 0)]
    # value = numerator / denominator × multiplier (100 for percent) in the contract.
    return float(np.median(ratio)) if ratio.size else 100.0


def _base(data: pd.DataFrame, sex: str, group: str) -> pd.DataFrame:
    for column in (F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX, F.VALUE, F.SUPPRESSED):
        if column not in data.columns:
            raise DataError(
                "missing column; the risk index reads a published IndicatorFrame",
                column=column,
            )
    mask = data[F.SEX].to_numpy(dtype=object) == sex
    if GROUP in data.columns:
        mask &= data[GROUP].fillna("total").to_numpy(dtype=object) == group
    elif group != "total":
        raise DataError(
            f"the frame has no {GROUP!r} column, so group {group!r} cannot be chosen",
            column=GROUP,
            value=group,
        )
    rows = data.loc[mask]
    if rows.empty:
        raise DataError(f"no rows for sex {sex!r} and group {group!r}", column=F.SEX, value=sex)
    return rows


def read_inputs(
    data: pd.DataFrame,
    *,
    indicators: Indicators = None,
    regions: Sequence[str] | None = None,
    reference: str | None = None,
    sex: str = "total",
    group: str = "total",
) -> RiskInputs:
    """Pick each component's cells from a published IndicatorFrame and line them up by region.

    Parameters
    ----------
    data
        A published (suppressed) IndicatorFrame, with or without a ``group`` column.
    indicators
        See :func:`as_components`.
    regions
        Codes of the regions to score; default the districts compared with the
        most common reference region (the kommune), without "unknown district".
    reference
        Code of the region whose value centres ``zscore``; default each
        component's most common ``reference``.
    sex, group
        The rows used (``group`` only when the frame has the column).

    Returns
    -------
    RiskInputs
        The arrays, regions sorted by code.

    Raises
    ------
    DataError
        A component with no rows, more than one row per region, an unknown
        interval method, fewer than two published regions, or a reference
        region without a published value.
    """
    base = _base(data, sex, group)
    resolved: list[Component] = []
    cells: list[pd.DataFrame] = []
    for spec in as_components(indicators, base):
        rows = base[base[F.INDICATOR].to_numpy(dtype=object) == spec.indicator]
        if rows.empty:
            raise DataError(
                f"no rows for indicator {spec.indicator!r} (sex {sex!r}); available: "
                f"{sorted(set(map(str, base[F.INDICATOR])))}",
                column=F.INDICATOR,
                value=spec.indicator,
            )
        bands = list(dict.fromkeys(map(str, rows[F.AGE])))
        age = spec.age if spec.age is not None else _widest(bands)
        rows = rows[rows[F.AGE].astype(str).to_numpy(dtype=object) == age]
        if rows.empty:
            raise DataError(
                f"indicator {spec.indicator!r} has no age band {age!r}; available: {bands}",
                column=F.AGE,
                value=age,
            )
        period = spec.period if spec.period is not None else latest_period(rows[F.PERIOD])
        chosen = rows[rows[F.PERIOD].astype(str).to_numpy(dtype=object) == period]
        if chosen.empty:
            raise DataError(
                f"indicator {spec.indicator!r} ({age}) has no period {period!r}; available: "
                f"{sorted(set(map(str, rows[F.PERIOD])))}",
                column=F.PERIOD,
                value=period,
            )
        if chosen[F.REGION].duplicated().any():
            dup = chosen.loc[chosen[F.REGION].duplicated(), F.REGION].iloc[0]
            raise DataError(
                f"indicator {spec.indicator!r} ({age}, {period}) has more than one row for the "
                "region (choose sex= and group=)",
                column=F.REGION,
                value=dup,
            )
        high_is_bad = spec.high_is_bad
        if high_is_bad is None:
            high_is_bad = (
                INDICATORS[spec.indicator].high_is_bad if spec.indicator in INDICATORS else True
            )
        resolved.append(Component(spec.indicator, age, period, bool(high_is_bad)))
        cells.append(chosen)
    labels = _labels(resolved)

    common = [reference_of(c).code for c in cells]
    refs = common if reference is None else [reference] * len(cells)
    if regions is None:
        codes: set[str] = set()
        for chosen, ref in zip(cells, common, strict=True):
            codes |= set(map(str, district_rows(chosen, reference=ref)[F.REGION]))
        codes -= {reference} if reference is not None else set()
        wanted = sorted(codes)
    else:
        wanted = sorted(dict.fromkeys(map(str, regions)))
    if not wanted:
        raise DataError("no regions to score", column=F.REGION)
    position = {code: i for i, code in enumerate(wanted)}
    n_reg, n_comp = len(wanted), len(resolved)
    shape = (n_reg, n_comp)
    arrays = {
        name: np.full(shape, np.nan)
        for name in ("value", "numerator", "denominator", "lower", "upper", "level")
    }
    hidden = np.zeros(shape, dtype=bool)
    comparison = np.full(shape, "not_tested", dtype=object)
    names = dict.fromkeys(wanted, "")
    info = []
    for k, (chosen, comp, label, ref) in enumerate(zip(cells, resolved, labels, refs, strict=True)):
        keep = chosen[chosen[F.REGION].astype(str).isin(position)]
        rows_at = keep[F.REGION].astype(str).map(position).to_numpy(dtype=int)
        for name, column in (
            ("value", F.VALUE),
            ("numerator", F.NUMERATOR),
            ("denominator", F.DENOMINATOR),
            ("lower", F.CI_LOWER),
            ("upper", F.CI_UPPER),
            ("level", F.CI_LEVEL),
        ):
            if column in keep.columns:
                arrays[name][rows_at, k] = pd.to_numeric(keep[column], errors="coerce").to_numpy(
                    dtype=float, na_value=np.nan
                )
        hidden[rows_at, k] = keep[F.SUPPRESSED].fillna(True).to_numpy(dtype=bool)
        if F.COMPARISON in keep.columns:
            comparison[rows_at, k] = keep[F.COMPARISON].fillna("not_tested").to_numpy(dtype=object)
        if F.REGION_NAME in keep.columns:
            for code, name in zip(
                keep[F.REGION].astype(str), keep[F.REGION_NAME].fillna("").astype(str), strict=True
            ):
                names[code] = names[code] or name
        if reference is None:
            centre = reference_of(chosen).value
        else:
            own = chosen[chosen[F.REGION].astype(str) == reference]
            if own.empty or bool(own[F.SUPPRESSED].iloc[0]):
                raise DataError(
                    f"reference region {reference!r} has no published value for {label!r}",
                    column=F.REGION,
                    value=reference,
                )
            centre = float(own[F.VALUE].iloc[0])
        kind = _kind(chosen[F.CI_METHOD], label) if F.CI_METHOD in chosen.columns else "proportion"
        info.append(
            {
                "component": label,
                "indicator": comp.indicator,
                "age": comp.age,
                "period": comp.period,
                "high_is_bad": bool(comp.high_is_bad),
                "kind": kind,
                "multiplier": _multiplier(chosen),
                "reference": ref,
                "centre": centre,
            }
        )
    value = arrays["value"]
    value[hidden] = np.nan
    missing = np.isnan(value) & ~hidden
    # A published cell with a value but not a number anywhere else stays usable;
    # a hidden cell never carries anything forward.
    for name in ("numerator", "denominator", "lower", "upper"):
        arrays[name][hidden | missing] = np.nan
    comparison[hidden | missing] = "not_tested"
    components = pd.DataFrame(info)
    components["n_published"] = (~np.isnan(value)).sum(axis=0)
    few = components["n_published"].to_numpy() < 2
    if few.any():
        label = components["component"].iloc[int(np.flatnonzero(few)[0])]
        raise DataError(
            f"component {label!r} has fewer than two published regions; a risk index "
            "compares regions, so it needs at least two",
            column=F.INDICATOR,
            value=label,
        )
    region_frame = pd.DataFrame(
        {F.REGION: wanted, F.REGION_NAME: [names[c] for c in wanted]}
    ).astype(object)
    return RiskInputs(
        components=components,
        regions=region_frame.reset_index(drop=True),
        value=value,
        numerator=arrays["numerator"],
        denominator=arrays["denominator"],
        lower=arrays["lower"],
        upper=arrays["upper"],
        level=arrays["level"],
        hidden=hidden,
        missing=missing,
        comparison=comparison,
    )


def resolve_weights(
    weights: Mapping[str, float] | Sequence[float] | None, components: pd.DataFrame
) -> np.ndarray:
    """Weights per component, from a mapping (component label or indicator id) or a sequence.

    Parameters
    ----------
    weights
        None (equal weights, 1 each); a sequence aligned with the components;
        or a mapping from component label or indicator id to weight
        (components not named weigh 1).
    components
        :attr:`RiskInputs.components`.

    Returns
    -------
    numpy.ndarray
        Non-negative weights, not all zero, one per component.

    Raises
    ------
    ParameterError
        A weight that is negative, not finite or not a number; a sequence of
        the wrong length; a name that is not a component; all weights zero.

    Examples
    --------
    >>> import pandas as pd
    >>> comps = pd.DataFrame({"component": ["neet", "low_income_children"],
    ...                       "indicator": ["neet", "low_income_children"]})
    >>> resolve_weights({"neet": 2}, comps).tolist()
    [2.0, 1.0]
    """
    labels = components["component"].astype(str).tolist()
    ids = components["indicator"].astype(str).tolist()
    if weights is None:
        out = np.ones(len(labels))
    elif isinstance(weights, Mapping):
        out = np.ones(len(labels))
        for key, weight in weights.items():
            hits = [
                i for i, (lab, ind) in enumerate(zip(labels, ids, strict=True)) if key in (lab, ind)
            ]
            if not hits:
                raise ParameterError(
                    f"weights names {key!r}, which is not a component; components are {labels}",
                    parameter="weights",
                    value=key,
                )
            out[hits] = _weight(weight, key)
    else:
        values = list(weights)
        if len(values) != len(labels):
            raise ParameterError(
                f"weights has {len(values)} values for {len(labels)} components {labels}",
                parameter="weights",
                value=values,
            )
        out = np.array([_weight(w, lab) for w, lab in zip(values, labels, strict=True)])
    if not (out > 0).any():
        raise ParameterError("weights must not all be zero", parameter="weights", value=list(out))
    return out


def _weight(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ParameterError(
            f"weight of {name!r} must be a number ≥ 0; not {value!r}",
            parameter="weights",
            value=value,
        )
    number = float(value)
    if not np.isfinite(number) or number < 0:
        raise ParameterError(
            f"weight of {name!r} must be a number ≥ 0; not {value!r}",
            parameter="weights",
            value=value,
        )
    return number
