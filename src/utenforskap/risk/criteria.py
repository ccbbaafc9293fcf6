"""classify_areas(): which areas meet explicit risk criteria (at least k of m), and how surely."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from utenforskap import frames as F
from utenforskap.disclosure.gate import recorded_rules, require_disclosed
from utenforskap.errors import DataError, ParameterError, UtenforskapWarning, check_choice
from utenforskap.registry import INDICATORS
from utenforskap.risk.components import _base, _kind, _multiplier, _widest
from utenforskap.select import district_rows, reference_of, sort_periods

__all__ = [
    "CLASSIFICATIONS",
    "OPERATORS",
    "RELATIVE_TO",
    "STATUSES",
    "AreaClassification",
    "Criterion",
    "RiskWarning",
    "classify_areas",
]

#: Comparisons a criterion may use.
OPERATORS: tuple[str, ...] = (">", ">=", "<", "<=")
#: Named reference regions of a relative threshold (or give a region code).
RELATIVE_TO: tuple[str, ...] = ("land", "fylke", "kommune", "reference")
#: Status of one criterion for one area.
STATUSES: tuple[str, ...] = ("met", "not_met", "uncertain", "unknown")
#: Classification of an area.
CLASSIFICATIONS: tuple[str, ...] = ("yes", "no", "unknown", "excluded")


class RiskWarning(UtenforskapWarning):
    """Something in a risk calculation that is allowed but probably not meant."""

    kind = "risk"


@dataclass(frozen=True)
class Criterion:
    """One criterion: an indicator compared with an absolute or relative threshold.

    Attributes
    ----------
    indicator
        Indicator id in the frame.
    op
        ``>``, ``>=``, ``<`` or ``<=``.
    threshold
        In the indicator's unit (percent: 40 means 40 %) when absolute; a
        factor (3 means 3 × the reference's value) when ``relative_to`` is set.
    age
        Age band; None: the indicator's widest band.
    relative_to
        None (absolute), ``land``, ``fylke``, ``kommune`` (the area's own, by
        code), ``reference`` (the row's ``reference`` column) or a region code.
    periods
        Number of latest periods pooled: counts are summed over them and the
        share computed once (a mean over periods for published rates).
    label
        Name in tables and figures; default built from the other fields.

    Examples
    --------
    >>> Criterion("neet", ">", 3, relative_to="land").name
    'neet > 3 × land'
    """

    indicator: str
    op: str
    threshold: float
    age: str | None = None
    relative_to: str | None = None
    periods: int = 1
    label: str | None = None

    def __post_init__(self) -> None:
        check_choice("op", self.op, OPERATORS)
        if isinstance(self.threshold, bool) or not isinstance(
            self.threshold, int | float | np.integer | np.floating
        ):
            raise ParameterError(
                f"threshold must be a number; not {self.threshold!r}",
                parameter="threshold",
                value=self.threshold,
            )
        if not np.isfinite(float(self.threshold)):
            raise ParameterError("threshold must be finite", parameter="threshold")
        relative = self.relative_to
        if relative is not None and not (
            isinstance(relative, str) and (relative in RELATIVE_TO or relative.isdigit())
        ):
            raise ParameterError(
                f"relative_to must be one of {', '.join(map(repr, RELATIVE_TO))} or a "
                f"region code; not {relative!r}",
                parameter="relative_to",
                value=relative,
            )
        if (
            isinstance(self.periods, bool)
            or not isinstance(self.periods, int | np.integer)
            or self.periods < 1
        ):
            raise ParameterError(
                f"periods must be a whole number ≥ 1; not {self.periods!r}",
                parameter="periods",
                value=self.periods,
            )

    @property
    def name(self) -> str:
        """The label, or ``indicator op threshold [× relative_to]``."""
        if self.label:
            return self.label
        number = f"{float(self.threshold):g}"
        where = f" × {self.relative_to}" if self.relative_to else ""
        return f"{self.indicator} {self.op} {number}{where}"


@dataclass(frozen=True)
class AreaClassification:
    """What :func:`classify_areas` returns.

    Attributes
    ----------
    criteria
        One row per area × criterion: ``region``, ``region_name``,
        ``criterion`` (name), ``indicator``, ``age``, ``periods`` (the periods
        pooled, comma-separated), ``value`` (pooled value; NaN when any period
        is hidden or missing), ``op``, ``given`` (the threshold as given: a
        value or a factor), ``relative`` (``relative_to`` as given, ``""`` when
        absolute), ``threshold`` (absolute, in the indicator's unit; NaN when
        the reference value is unknown), ``relative_to`` (the reference
        region's code, ``""`` when absolute), ``status`` (``met``,
        ``not_met``, ``uncertain`` — only with ``gate`` — or ``unknown``:
        hidden or missing input), ``p_met`` (probability from the counts that
        the criterion is met; NaN when unknown).
    areas
        One row per area: ``region``, ``region_name``, ``population``,
        ``n_criteria``, ``n_met``, ``n_not_met``, ``n_uncertain``,
        ``n_unknown``, ``classification`` (``yes``: at least ``at_least``
        criteria met; ``no``: cannot reach ``at_least`` even if every
        uncertain or unknown criterion were met; ``unknown``: depends on the
        uncertain or unknown ones; ``excluded``: population below
        ``min_population``), ``p_classified`` (probability from the counts of
        meeting at least ``at_least`` criteria, treating criteria as
        independent; NaN when a criterion is unknown).
    at_least, min_population, gate
        The settings used.
    rules
        The disclosure rules the input frame was suppressed with.
    """

    criteria: pd.DataFrame
    areas: pd.DataFrame
    at_least: int
    min_population: float | None
    gate: float | None
    rules: dict[str, Any] = field(default_factory=dict)


def _reference_code(relative_to: str, region: np.ndarray, reference: np.ndarray) -> np.ndarray:
    codes = np.asarray(region, dtype=object).astype(str)
    if relative_to == "land":
        return np.full(codes.shape, "0", dtype=object)
    if relative_to == "fylke":
        return np.array([c[:2] for c in codes], dtype=object)
    if relative_to == "kommune":
        return np.array([c[:4] for c in codes], dtype=object)
    if relative_to == "reference":
        return np.asarray(reference, dtype=object)
    return np.full(codes.shape, relative_to, dtype=object)


@dataclass(frozen=True)
class _Pooled:
    value: pd.Series  # by region
    x: pd.Series
    n: pd.Series
    se: pd.Series
    reference: pd.Series
    periods: list[str]
    kind: str
    multiplier: float


def _pool(rows: pd.DataFrame, crit: Criterion, label: str) -> _Pooled:
    order = sort_periods(rows[F.PERIOD])
    chosen = order[-crit.periods :]
    if len(chosen) < crit.periods:
        raise DataError(
            f"criterion {label!r} pools {crit.periods} periods, but the data have only {order}",
            column=F.PERIOD,
        )
    if crit.periods > 1 and any("-" in p for p in chosen):
        raise DataError(
            f"criterion {label!r} pools periods that are already pooled spans {chosen}; "
            "overlapping spans would count people twice (use periods = 1)",
            column=F.PERIOD,
            value=chosen[-1],
        )
    cells = rows[rows[F.PERIOD].astype(str).isin(chosen)]
    if cells.duplicated([F.REGION, F.PERIOD]).any():
        raise DataError(
            f"criterion {label!r} has more than one row per region and period "
            "(choose sex=, group=)",
            column=F.REGION,
        )
    kind = _kind(cells[F.CI_METHOD], label) if F.CI_METHOD in cells.columns else "proportion"
    multiplier = _multiplier(cells)
    hidden = cells[F.SUPPRESSED].fillna(True).to_numpy(dtype=bool)
    value = cells[F.VALUE].to_numpy(dtype=float, na_value=np.nan)
    x = pd.to_numeric(cells[F.NUMERATOR], errors="coerce").to_numpy(dtype=float)
    n = pd.to_numeric(cells[F.DENOMINATOR], errors="coerce").to_numpy(dtype=float)
    blank = pd.Series(np.nan, index=cells.index)

    def numbers(column: str) -> np.ndarray:
        raw = cells[column] if column in cells.columns else blank
        return pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)

    lower, upper, level = numbers(F.CI_LOWER), numbers(F.CI_UPPER), numbers(F.CI_LEVEL)
    with np.errstate(invalid="ignore"):
        z = _st.norm.ppf(0.5 + np.where(np.isfinite(level), level, 0.95) / 2.0)
        se = (upper - lower) / (2.0 * z)
    usable = ~hidden & np.isfinite(value)
    frame = pd.DataFrame(
        {
            "region": cells[F.REGION].astype(str).to_numpy(dtype=object),
            "usable": usable,
            "x": np.where(usable, x, np.nan),
            "n": np.where(usable, n, np.nan),
            "value": np.where(usable, value, np.nan),
            "var": np.where(usable, se * se, np.nan),
        }
    )
    grouped = frame.groupby("region", sort=True)
    # Every pooled period must be published: a hidden year is never filled in.
    complete = grouped["usable"].sum() == len(chosen)
    sx = grouped["x"].sum(min_count=len(chosen))
    sn = grouped["n"].sum(min_count=len(chosen))
    with np.errstate(invalid="ignore", divide="ignore"):
        from_counts = sx / sn * multiplier
    mean_value = grouped["value"].mean()
    pooled = from_counts.where(np.isfinite(from_counts), mean_value).where(complete)
    se_mean = np.sqrt(grouped["var"].sum(min_count=len(chosen))) / len(chosen)
    refs = cells.drop_duplicates(F.REGION).set_index(
        cells.drop_duplicates(F.REGION)[F.REGION].astype(str)
    )
    reference = (
        refs[F.REFERENCE].fillna("").astype(str)
        if F.REFERENCE in refs.columns
        else pd.Series("", index=refs.index)
    )
    return _Pooled(
        value=pooled,
        x=sx.where(complete),
        n=sn.where(complete),
        se=se_mean.where(complete),
        reference=reference.reindex(pooled.index).fillna(""),
        periods=chosen,
        kind=kind,
        multiplier=multiplier,
    )


def _p_met(pooled: _Pooled, codes: list[str], threshold: np.ndarray, op: str) -> np.ndarray:
    value = pooled.value.reindex(codes).to_numpy(dtype=float)
    x = pooled.x.reindex(codes).to_numpy(dtype=float)
    n = pooled.n.reindex(codes).to_numpy(dtype=float)
    se = pooled.se.reindex(codes).to_numpy(dtype=float)
    counts = np.isfinite(x) & np.isfinite(n) & (n > 0) & (pooled.kind != "published")
    with np.errstate(invalid="ignore", divide="ignore"):
        if pooled.kind == "rate":
            above = _st.gamma.sf(threshold / pooled.multiplier * n, x + 0.5)
        else:
            above = _st.beta.sf(threshold / pooled.multiplier, x + 0.5, n - x + 0.5)
        normal = np.where(
            se > 0,
            _st.norm.sf((threshold - value) / np.where(se > 0, se, 1.0)),
            (value > threshold).astype(float),
        )
    p_above = np.where(counts, above, normal)
    # The posterior is continuous: P(> t) = P(>= t).
    p = p_above if op in (">", ">=") else 1.0 - p_above
    return np.where(np.isfinite(value) & np.isfinite(threshold), p, np.nan)


def _compare(value: np.ndarray, threshold: np.ndarray, op: str) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        if op == ">":
            return value > threshold
        if op == ">=":
            return value >= threshold
        if op == "<":
            return value < threshold
        return value <= threshold


def _population(
    population: Mapping[str, float] | tuple[str, str] | None,
    base: pd.DataFrame,
    codes: list[str],
    dens: pd.DataFrame,
) -> np.ndarray:
    if population is None:
        # The largest published denominator among the area's criterion cells.
        return dens.reindex(codes).max(axis=1).to_numpy(dtype=float)
    if isinstance(population, tuple):
        indicator, age = population
        rows = base[(base[F.INDICATOR] == indicator) & (base[F.AGE].astype(str) == age)]
        if rows.empty:
            raise DataError(
                f"population is taken from {indicator!r} ({age}), which has no rows",
                column=F.INDICATOR,
                value=indicator,
            )
        latest = sort_periods(rows[F.PERIOD])[-1]
        rows = rows[rows[F.PERIOD] == latest]
        published = rows[~rows[F.SUPPRESSED].fillna(True).to_numpy(dtype=bool)]
        series = pd.Series(
            pd.to_numeric(published[F.DENOMINATOR], errors="coerce").to_numpy(dtype=float),
            index=published[F.REGION].astype(str),
        )
        return series.reindex(codes).to_numpy(dtype=float)
    if isinstance(population, Mapping):
        return np.array([float(population.get(c, np.nan)) for c in codes])
    raise ParameterError(
        "population must be None, a mapping region → population, or an (indicator, age) pair; "
        f"not {population!r}",
        parameter="population",
        value=population,
    )


def _at_least_probability(p: np.ndarray, at_least: int) -> np.ndarray:
    """P(at least ``at_least`` successes) of independent Bernoulli(p) per row (Poisson-binomial)."""
    rows, m = p.shape
    dist = np.zeros((rows, m + 1))
    dist[:, 0] = 1.0
    for j in range(m):  # a loop over criteria, not over areas
        pj = p[:, j : j + 1]
        shifted = np.zeros_like(dist)
        shifted[:, 1:] = dist[:, :-1]
        dist = dist * (1.0 - pj) + shifted * pj
    out = dist[:, at_least:].sum(axis=1)
    return np.where(np.isnan(p).any(axis=1), np.nan, np.clip(out, 0.0, 1.0))


def classify_areas(
    data: pd.DataFrame,
    criteria: Sequence[Criterion | Mapping[str, Any]],
    *,
    at_least: int,
    min_population: float | None = None,
    gate: float | None = None,
    population: Mapping[str, float] | tuple[str, str] | None = None,
    regions: Sequence[str] | None = None,
    sex: str = "total",
    group: str = "total",
) -> AreaClassification:
    """Classify areas by explicit criteria, as Denmark classifies "udsatte boligområder".

    Each criterion compares an indicator (pooled over its latest ``periods``)
    with a threshold, absolute or relative to a reference region; an area is
    classified ``yes`` when at least ``at_least`` criteria are met. Only
    published cells are read: a criterion whose input is hidden in any pooled
    period is ``unknown`` (never filled in), and the area is ``yes`` or ``no``
    only when the unknown criteria cannot change the outcome.

    Parameters
    ----------
    data
        A published (suppressed) IndicatorFrame.
    criteria
        :class:`Criterion` objects, or mappings with the same keys.
    at_least
        How many criteria an area must meet.
    min_population
        Areas whose population is below this are ``excluded``.
    gate
        None: a criterion is met when the published (pooled) value passes
        the threshold. A probability such as 0.9: met when the counts make it
        at least this probable, not met when at most 1 − gate, else
        ``uncertain``.
    population
        Where ``min_population`` reads population: None (the largest published
        denominator among the area's criterion cells — e.g. the 16–25 year
        olds; give the real population when the rule is about residents), an
        ``(indicator, age)`` pair (its latest denominator), or a mapping
        region → population.
    regions
        Areas to classify; default the districts compared with the most
        common reference region.
    sex, group
        Rows used.

    Returns
    -------
    AreaClassification
        ``criteria`` (area × criterion) and ``areas`` (one row per area); every
        column is described in :class:`AreaClassification`.

    Raises
    ------
    DisclosureError
        ``data`` has not been through disclosure control.
    DataError
        A criterion's indicator, age band or periods not in the frame; a
        relative threshold whose reference region is missing everywhere.
    ParameterError
        A bad criterion, ``at_least``, ``gate`` or ``min_population``.

    Warns
    -----
    RiskWarning
        An absolute threshold between 0 and 1 on a percent indicator (did you
        mean 40 rather than 0.40?).

    References
    ----------
    Lov om almene boliger m.v. § 61 a (Denmark): an "udsat boligområde" has at
    least 1,000 residents and meets at least two of four criteria
    (employment, crime, education, income), each against a national or
    regional level.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> result = ut.classify_areas(frame, [
    ...     Criterion("neet", ">", 1.2, age="16-25", relative_to="kommune"),
    ...     Criterion("low_income_children", ">", 15, age="0-17")], at_least=2)
    >>> result.areas[["region_name", "n_met", "classification"]]
       region_name  n_met classification
    0      Sentrum      1             no
    1     Nordbyen      0             no
    2     Sørhavna      2            yes
    3     Østmarka      0             no
    4      Vestlia      0             no
    5  Bakkehaugen      0             no
    6    Elvedalen      1             no
    7    Fjellstad      0             no
    8       Skogly      0        unknown
    9    Strandvik      0             no
    """
    require_disclosed(data)
    rules = recorded_rules(data).as_dict()
    if isinstance(at_least, bool) or not isinstance(at_least, int | np.integer) or at_least < 1:
        raise ParameterError(
            f"at_least must be a whole number ≥ 1; not {at_least!r}",
            parameter="at_least",
            value=at_least,
        )
    if gate is not None and (
        isinstance(gate, bool) or not isinstance(gate, int | float) or not 0.5 < float(gate) < 1.0
    ):
        raise ParameterError(
            f"gate must be a probability between 0.5 and 1 (e.g. 0.9), or None; not {gate!r}",
            parameter="gate",
            value=gate,
        )
    if min_population is not None and (
        isinstance(min_population, bool)
        or not isinstance(min_population, int | float)
        or min_population < 0
    ):
        raise ParameterError(
            f"min_population must be a number ≥ 0 or None; not {min_population!r}",
            parameter="min_population",
            value=min_population,
        )
    crits = [c if isinstance(c, Criterion) else _criterion(c) for c in criteria]
    if not crits:
        raise ParameterError("criteria must hold at least one criterion", parameter="criteria")
    if at_least > len(crits):
        raise ParameterError(
            f"at_least is {at_least}, but there are only {len(crits)} criteria",
            parameter="at_least",
            value=at_least,
        )
    names = [c.name for c in crits]
    if len(set(names)) != len(names):
        raise ParameterError(
            "two criteria have the same name; give one a label", parameter="criteria"
        )
    base = _base(data, sex, group)

    selected = []
    for crit in crits:
        rows = base[base[F.INDICATOR].to_numpy(dtype=object) == crit.indicator]
        if rows.empty:
            raise DataError(
                f"criterion {crit.name!r}: no rows for indicator {crit.indicator!r}",
                column=F.INDICATOR,
                value=crit.indicator,
            )
        age = crit.age or _widest(list(dict.fromkeys(map(str, rows[F.AGE]))))
        rows = rows[rows[F.AGE].astype(str) == age]
        if rows.empty:
            raise DataError(
                f"criterion {crit.name!r}: indicator {crit.indicator!r} has no age band {age!r}",
                column=F.AGE,
                value=age,
            )
        selected.append((crit, age, rows))
    if regions is None:
        codes: set[str] = set()
        for _, _, rows in selected:
            latest = rows[rows[F.PERIOD] == sort_periods(rows[F.PERIOD])[-1]]
            codes |= set(
                map(str, district_rows(latest, reference=reference_of(latest).code)[F.REGION])
            )
        wanted = sorted(codes)
    else:
        wanted = sorted(dict.fromkeys(map(str, regions)))
    if not wanted:
        raise DataError("no areas to classify", column=F.REGION)
    names_by_code = (
        base.drop_duplicates(F.REGION).set_index(
            base.drop_duplicates(F.REGION)[F.REGION].astype(str)
        )[F.REGION_NAME]
        if F.REGION_NAME in base.columns
        else pd.Series(dtype=object)
    )
    region_names = [str(names_by_code.get(c, "") or "") for c in wanted]

    parts = []
    status_table = []
    p_table = []
    dens = {}
    for crit, age, rows in selected:
        pooled = _pool(rows, crit, crit.name)
        value = pooled.value.reindex(wanted).to_numpy(dtype=float)
        unit = INDICATORS[crit.indicator].unit_en if crit.indicator in INDICATORS else ""
        if crit.relative_to is None:
            threshold = np.full(len(wanted), float(crit.threshold))
            ref_codes = np.full(len(wanted), "", dtype=object)
            if unit == "percent" and 0 < float(crit.threshold) < 1:
                warnings.warn(
                    RiskWarning(
                        f"criterion {crit.name!r}: threshold {crit.threshold:g} on a percent "
                        f"indicator means {crit.threshold:g} %; write {crit.threshold * 100:g} for "
                        f"{crit.threshold * 100:g} %",
                        "risk.percent_threshold",
                    ),
                    stacklevel=2,
                )
        else:
            ref_codes = _reference_code(
                crit.relative_to,
                np.array(wanted, dtype=object),
                pooled.reference.reindex(wanted).fillna("").to_numpy(dtype=object),
            )
            ref_value = pooled.value.reindex(ref_codes.astype(str)).to_numpy(dtype=float)
            present = set(pooled.value.index)
            if not any(code in present for code in ref_codes):
                raise DataError(
                    f"criterion {crit.name!r}: the reference region(s) "
                    f"{sorted(set(map(str, ref_codes)))[:5]} have no rows for "
                    f"{crit.indicator!r} ({age})",
                    column=F.REGION,
                    value=str(ref_codes[0]),
                )
            threshold = float(crit.threshold) * ref_value
        p_met = _p_met(pooled, wanted, threshold, crit.op)
        known = np.isfinite(value) & np.isfinite(threshold)
        if gate is None:
            met = _compare(value, threshold, crit.op)
            status = np.where(met, "met", "not_met")
        else:
            status = np.where(
                p_met >= gate, "met", np.where(p_met <= 1.0 - gate, "not_met", "uncertain")
            )
        status = np.where(known, status, "unknown").astype(object)
        status_table.append(status)
        p_table.append(p_met)
        dens[crit.name] = pooled.n.reindex(wanted).to_numpy(dtype=float) / len(pooled.periods)
        parts.append(
            pd.DataFrame(
                {
                    F.REGION: wanted,
                    F.REGION_NAME: region_names,
                    "criterion": crit.name,
                    F.INDICATOR: crit.indicator,
                    F.AGE: age,
                    "periods": ", ".join(pooled.periods),
                    F.VALUE: value,
                    "op": crit.op,
                    "given": float(crit.threshold),
                    "relative": crit.relative_to or "",
                    "threshold": threshold,
                    "relative_to": ref_codes,
                    "status": status,
                    "p_met": p_met,
                }
            )
        )
    statuses = np.column_stack(status_table)
    probs = np.column_stack(p_table)
    n_met = (statuses == "met").sum(axis=1)
    n_not = (statuses == "not_met").sum(axis=1)
    n_unc = (statuses == "uncertain").sum(axis=1)
    n_unk = (statuses == "unknown").sum(axis=1)
    classification = np.where(
        n_met >= at_least, "yes", np.where(n_met + n_unc + n_unk < at_least, "no", "unknown")
    ).astype(object)
    pop = _population(population, base, wanted, pd.DataFrame(dens, index=wanted))
    if min_population is not None:
        classification[np.isfinite(pop) & (pop < float(min_population))] = "excluded"
    p_class = _at_least_probability(probs, at_least)
    areas = pd.DataFrame(
        {
            F.REGION: wanted,
            F.REGION_NAME: region_names,
            "population": pop,
            "n_criteria": len(crits),
            "n_met": n_met,
            "n_not_met": n_not,
            "n_uncertain": n_unc,
            "n_unknown": n_unk,
            "classification": classification,
            "p_classified": np.where(classification == "excluded", np.nan, p_class),
        }
    )
    # Stable by region: within an area the criteria keep their given order.
    long = (
        pd.concat(parts, ignore_index=True)
        .sort_values(F.REGION, kind="mergesort")
        .reset_index(drop=True)
    )
    return AreaClassification(
        criteria=long,
        areas=areas,
        at_least=int(at_least),
        min_population=None if min_population is None else float(min_population),
        gate=None if gate is None else float(gate),
        rules=rules,
    )


_CRITERION_KEYS = ("indicator", "op", "threshold", "age", "relative_to", "periods", "label")


def _criterion(mapping: Mapping[str, Any]) -> Criterion:
    if not isinstance(mapping, Mapping):
        raise ParameterError(
            f"a criterion must be a Criterion or a mapping; not {mapping!r}", parameter="criteria"
        )
    unknown = [k for k in mapping if k not in _CRITERION_KEYS]
    if unknown:
        raise ParameterError(
            f"unknown criterion key {unknown[0]!r}; allowed keys are {list(_CRITERION_KEYS)}",
            parameter="criteria",
            value=unknown[0],
        )
    for key in ("indicator", "op", "threshold"):
        if key not in mapping:
            raise ParameterError(f"a criterion needs {key!r}", parameter="criteria")
    return Criterion(**dict(mapping))
