"""The ``[risk]`` table of a run configuration → :class:`RiskSettings`, with key-path errors."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from utenforskap.errors import ConfigError, choice_problem
from utenforskap.registry import INDICATORS
from utenforskap.risk.components import Component
from utenforskap.risk.criteria import (
    OPERATORS,
    RELATIVE_TO,
    AreaClassification,
    Criterion,
    classify_areas,
)
from utenforskap.risk.index import RiskIndex, risk_index
from utenforskap.risk.scores import METHODS

__all__ = ["RISK_KEYS", "RiskSettings", "risk_from_config"]

#: Keys allowed in ``[risk]``.
RISK_KEYS: tuple[str, ...] = (
    "indicators",
    "method",
    "weights",
    "reference",
    "draws",
    "seed",
    "level",
    "worst",
    "min_components",
    "criteria",
    "at_least",
    "min_population",
    "population",
    "gate",
    "figures",
)
_COMPONENT_KEYS = ("id", "age", "period")
_CRITERION_KEYS = ("indicator", "op", "threshold", "age", "relative_to", "periods", "label")


@dataclass(frozen=True)
class RiskSettings:
    """Risk settings of a run (the ``[risk]`` table).

    Attributes
    ----------
    indicators
        Components; empty: every indicator at its widest age band and latest period.
    method
        ``deciles``, ``zscore``, ``rank`` or ``count_worse``.
    weights
        Component label or indicator id → weight (others weigh 1).
    reference
        Region code centring ``zscore``; None: each component's reference region.
    draws
        Monte Carlo draws for rank intervals (0: none; always 0 for ``count_worse``).
    seed
        Seed of the draws; fixed by default so a run gives the same bytes.
    level
        Level of the score and rank intervals.
    worst
        ``p_worst`` counts the chance of being among this many regions with most risk.
    min_components
        Fewest published components a region needs; None: more than half.
    criteria
        Criteria for :func:`~utenforskap.risk.classify_areas`; empty: no classification.
    at_least
        How many criteria an area must meet (default: more than half of them).
    min_population
        Areas below this population are excluded from the classification.
    population
        ``(indicator, age)`` whose denominator is the population; None: see
        :func:`~utenforskap.risk.classify_areas`.
    gate
        Probability at which a criterion counts as met (None: the point value decides).
    figures
        Draw the risk figures in the figure pack.

    Examples
    --------
    >>> RiskSettings().method, RiskSettings().draws
    ('deciles', 1000)
    """

    indicators: tuple[Component, ...] = ()
    method: str = "deciles"
    weights: Mapping[str, float] = field(default_factory=dict)
    reference: str | None = None
    draws: int = 1000
    seed: int = 20240101
    level: float = 0.9
    worst: int = 3
    min_components: int | None = None
    criteria: tuple[Criterion, ...] = ()
    at_least: int | None = None
    min_population: float | None = None
    population: tuple[str, str] | None = None
    gate: float | None = None
    figures: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "weights", MappingProxyType(dict(self.weights)))

    def __getstate__(self) -> dict[str, Any]:
        # A read-only mapping cannot be pickled; the figure pack sends the
        # settings to its worker processes.
        return {**self.__dict__, "weights": dict(self.weights)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "weights", MappingProxyType(dict(state["weights"])))

    def index(self, data: pd.DataFrame, *, workers: int | None = None) -> RiskIndex:
        """The risk index of a published frame with these settings."""
        return risk_index(
            data,
            indicators=list(self.indicators) or None,
            method=self.method,
            weights=dict(self.weights) or None,
            reference=self.reference,
            draws=0 if self.method == "count_worse" else self.draws,
            seed=self.seed,
            level=self.level,
            worst=self.worst,
            min_components=self.min_components,
            workers=workers,
        )

    def classify(self, data: pd.DataFrame) -> AreaClassification | None:
        """The criteria classification of a published frame; None without criteria."""
        if not self.criteria:
            return None
        return classify_areas(
            data,
            list(self.criteria),
            at_least=self.at_least or len(self.criteria) // 2 + 1,
            min_population=self.min_population,
            gate=self.gate,
            population=self.population,
        )


class _Reader:
    def __init__(self, file: object | None, section: str) -> None:
        self.file = file
        self.section = section

    def error(self, problem: str, key: str, value: Any = None) -> ConfigError:
        return ConfigError(problem, file=self.file, key=key, value=value)

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.error("must be non-empty text", key, value)
        return value

    def whole(self, value: Any, key: str, low: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise self.error(f"must be a whole number ≥ {low}", key, value)
        return value

    def number(self, value: Any, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value):
            raise self.error("must be a number", key, value)
        return float(value)

    def table(self, value: Any, key: str, allowed: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.error("must be a table", key, value)
        for name in value:
            if name not in allowed:
                raise self.error(
                    f"unknown key; {choice_problem(name, allowed)}", f"{key}.{name}", value[name]
                )
        return value

    def indicator(self, value: Any, key: str, known: Collection[str] | None) -> str:
        ident = self.text(value, key)
        if known is not None and ident not in known:
            raise self.error(
                f"unknown indicator; {choice_problem(ident, sorted(known))}", key, value
            )
        return ident


def _components(r: _Reader, raw: Any, known: Collection[str] | None) -> tuple[Component, ...]:
    key = f"{r.section}.indicators"
    if not isinstance(raw, list):
        raise r.error("must be a list of indicator ids or tables {id, age, period}", key, raw)
    out = []
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        if isinstance(item, str):
            out.append(Component(r.indicator(item, where, known)))
            continue
        table = r.table(item, where, _COMPONENT_KEYS)
        if "id" not in table:
            raise r.error("missing key 'id' (the indicator)", f"{where}.id")
        age = r.text(table["age"], f"{where}.age") if "age" in table else None
        period = table.get("period")
        if period is not None:
            period = r.text(period, f"{where}.period")
            period = None if period == "latest" else period
        out.append(Component(r.indicator(table["id"], f"{where}.id", known), age, period))
    labels = [(c.indicator, c.age) for c in out]
    for i, label in enumerate(labels):
        if labels.index(label) != i:
            raise r.error("listed twice", f"{key}[{i}]", label[0])
    return tuple(out)


def _criteria(r: _Reader, raw: Any, known: Collection[str] | None) -> tuple[Criterion, ...]:
    key = f"{r.section}.criteria"
    if not isinstance(raw, list):
        raise r.error("must be a list of tables ([[risk.criteria]])", key, raw)
    out = []
    for i, item in enumerate(raw):
        where = f"{key}[{i}]"
        table = r.table(item, where, _CRITERION_KEYS)
        for required in ("indicator", "op", "threshold"):
            if required not in table:
                raise r.error(f"missing key {required!r}", f"{where}.{required}")
        op = table["op"]
        if op not in OPERATORS:
            raise r.error(choice_problem(op, OPERATORS), f"{where}.op", op)
        relative = table.get("relative_to")
        if relative is not None and not (
            isinstance(relative, str) and (relative in RELATIVE_TO or relative.isdigit())
        ):
            raise r.error(
                f"must be one of {', '.join(map(repr, RELATIVE_TO))} or a region code",
                f"{where}.relative_to",
                relative,
            )
        out.append(
            Criterion(
                indicator=r.indicator(table["indicator"], f"{where}.indicator", known),
                op=op,
                threshold=r.number(table["threshold"], f"{where}.threshold"),
                age=r.text(table["age"], f"{where}.age") if "age" in table else None,
                relative_to=relative,
                periods=r.whole(table.get("periods", 1), f"{where}.periods", 1),
                label=r.text(table["label"], f"{where}.label") if "label" in table else None,
            )
        )
    return tuple(out)


def risk_from_config(
    table: Mapping[str, Any] | None,
    *,
    file: object | None = None,
    section: str = "risk",
    known: Collection[str] | None = tuple(INDICATORS),
) -> RiskSettings:
    """Read the ``[risk]`` table of a run configuration.

    Parameters
    ----------
    table
        The table as parsed from TOML; None or ``{}`` gives the defaults.
    file
        The configuration file, named in errors.
    section
        The table's name, the prefix of key paths in errors.
    known
        Indicator ids allowed (default the registry's); None allows any.

    Returns
    -------
    RiskSettings
        The settings.

    Raises
    ------
    ConfigError
        An unknown key or a value of the wrong type or range, naming its key
        path (e.g. ``risk.criteria[1].op``).

    Examples
    --------
    >>> settings = risk_from_config({
    ...     "method": "zscore", "draws": 500,
    ...     "indicators": [{"id": "neet", "age": "16-25"}, "low_income_children"],
    ...     "weights": {"neet": 2},
    ...     "criteria": [{"indicator": "neet", "op": ">", "threshold": 1.5,
    ...                   "relative_to": "kommune"}],
    ...     "at_least": 1})
    >>> settings.indicators[0]
    Component(indicator='neet', age='16-25', period=None, high_is_bad=None)
    >>> settings.criteria[0].name
    'neet > 1.5 × kommune'
    >>> risk_from_config({"criteria": [{"indicator": "neet", "op": "=>", "threshold": 1}]})
    Traceback (most recent call last):
    ...
    utenforskap.errors.ConfigError: key risk.criteria[0].op, value '=>': must be one of \
'>', '>=', '<', '<='; not '=>' (did you mean '>'?)
    """
    r = _Reader(file, section)
    if table is None:
        return RiskSettings()
    t = r.table(table, section, RISK_KEYS)
    values: dict[str, Any] = {}
    if "indicators" in t:
        values["indicators"] = _components(r, t["indicators"], known)
    if "method" in t:
        if t["method"] not in METHODS:
            raise r.error(choice_problem(t["method"], METHODS), f"{section}.method", t["method"])
        values["method"] = t["method"]
    if "weights" in t:
        weights = t["weights"]
        if not isinstance(weights, Mapping):
            raise r.error("must be a table of indicator id → weight", f"{section}.weights", weights)
        parsed = {}
        for name, weight in weights.items():
            number = r.number(weight, f"{section}.weights.{name}")
            if number < 0:
                raise r.error("must be a number ≥ 0", f"{section}.weights.{name}", weight)
            parsed[str(name)] = number
        listed = values.get("indicators", ())
        names = {c.indicator for c in listed} | {
            f"{c.indicator}:{c.age}" for c in listed if c.age is not None
        }
        for name in parsed:
            if listed and name not in names:
                raise r.error(
                    f"names no indicator in {section}.indicators ({sorted(names)})",
                    f"{section}.weights.{name}",
                    name,
                )
        values["weights"] = parsed
    if "reference" in t:
        ref = r.text(t["reference"], f"{section}.reference")
        if not ref.isdigit():
            raise r.error("must be a region code (digits)", f"{section}.reference", ref)
        values["reference"] = ref
    for name, low in (
        ("draws", 0),
        ("seed", 0),
        ("worst", 1),
        ("min_components", 1),
        ("at_least", 1),
    ):
        if name in t:
            values[name] = r.whole(t[name], f"{section}.{name}", low)
    if "level" in t:
        level = r.number(t["level"], f"{section}.level")
        if not 0 < level < 1:
            raise r.error(
                "must lie strictly between 0 and 1 (0.9 is 90 %)", f"{section}.level", t["level"]
            )
        values["level"] = level
    if "gate" in t:
        gate = r.number(t["gate"], f"{section}.gate")
        if not 0.5 < gate < 1:
            raise r.error(
                "must be a probability between 0.5 and 1 (e.g. 0.9)", f"{section}.gate", t["gate"]
            )
        values["gate"] = gate
    if "min_population" in t:
        pop = r.number(t["min_population"], f"{section}.min_population")
        if pop < 0:
            raise r.error("must be a number ≥ 0", f"{section}.min_population", t["min_population"])
        values["min_population"] = pop
    if "population" in t:
        pop_table = r.table(t["population"], f"{section}.population", ("id", "age"))
        for required in ("id", "age"):
            if required not in pop_table:
                raise r.error(f"missing key {required!r}", f"{section}.population.{required}")
        values["population"] = (
            r.indicator(pop_table["id"], f"{section}.population.id", known),
            r.text(pop_table["age"], f"{section}.population.age"),
        )
    if "figures" in t:
        if not isinstance(t["figures"], bool):
            raise r.error("must be true or false", f"{section}.figures", t["figures"])
        values["figures"] = t["figures"]
    if "criteria" in t:
        values["criteria"] = _criteria(r, t["criteria"], known)
    criteria = values.get("criteria", ())
    at_least = values.get("at_least")
    if at_least is not None and at_least > len(criteria):
        raise r.error(
            f"is {at_least}, but there are {len(criteria)} criteria",
            f"{section}.at_least",
            at_least,
        )
    indicators = values.get("indicators", ())
    need = values.get("min_components")
    if need is not None and indicators and need > len(indicators):
        raise r.error(
            f"is {need}, but there are {len(indicators)} indicators",
            f"{section}.min_components",
            need,
        )
    return RiskSettings(**values)
