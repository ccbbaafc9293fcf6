"""Suppression thresholds, per indicator, read from the run configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from utenforskap.errors import ConfigError

__all__ = ["RuleBook", "Rules", "rules_from_config"]

_INT_KEYS = ("min_count", "min_denominator", "protection_level")
_BOOL_KEYS = ("protect_zeros",)
_SHARE_KEYS = ("series_share", "coverage_max_unknown", "coverage_max_difference")


@dataclass(frozen=True)
class Rules:
    """Thresholds of the disclosure rules for one indicator.

    Attributes
    ----------
    min_count
        Primary rule: a cell is hidden when its numerator (reason ``primary``),
        or denominator − numerator (reason ``complement``), is below this.
    min_denominator
        A cell is hidden when its denominator is below this (reason ``denominator``).
    protect_zeros
        Whether a numerator of 0 is hidden too ("none of them" is also a
        disclosure). When False, a zero numerator is published unless another
        rule hides the cell.
    series_share
        A region's time series is hidden (reason ``series``) when more than this
        share of its periods is hidden anyway.
    coverage_max_unknown
        Sub-municipal values are hidden (reason ``coverage``) when more than this
        share of the kommune's numerator has an unknown district.
    coverage_max_difference
        … or when that share differs from the denominator's unknown-district
        share by more than this (a proportion: 0.05 is 5 percentage points).
    protection_level
        Secondary suppression leaves every cell hidden by a primary rule a
        range of at least this many persons (with and without the trait) that
        an attacker cannot narrow by subtraction along any one relation; None
        (the default) means ``min_count``. See :attr:`protection`.

    Examples
    --------
    >>> Rules(min_count=3).min_denominator, Rules(min_count=3).protection
    (20, 3)
    """

    min_count: int = 5
    min_denominator: int = 20
    protect_zeros: bool = False
    series_share: float = 0.5
    coverage_max_unknown: float = 0.08
    coverage_max_difference: float = 0.05
    protection_level: int | None = None

    def __post_init__(self) -> None:
        for name in _INT_KEYS:
            if name == "protection_level" and self.protection_level is None:
                continue
            _check_count(getattr(self, name), name)
        for name in _BOOL_KEYS:
            _check_bool(getattr(self, name), name)
        for name in _SHARE_KEYS:
            _check_share(getattr(self, name), name)

    @property
    def protection(self) -> int:
        """The protection level in force: ``protection_level``, or ``min_count`` when unset."""
        return self.min_count if self.protection_level is None else self.protection_level

    def as_dict(self) -> dict[str, Any]:
        """Return the thresholds as a plain dict (the TOML section's shape; unset keys left out)."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True)
class RuleBook:
    """Default :class:`Rules` plus overrides for some indicators.

    Attributes
    ----------
    default
        Rules for indicators without an override.
    per_indicator
        Indicator id → its rules (read-only mapping).

    Examples
    --------
    >>> book = RuleBook(per_indicator={"neet": Rules(min_count=3)})
    >>> book.rules_for("neet").min_count, book.rules_for("other").min_count
    (3, 5)
    """

    default: Rules = field(default_factory=Rules)
    per_indicator: Mapping[str, Rules] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "per_indicator", MappingProxyType(dict(self.per_indicator)))

    def rules_for(self, indicator: str) -> Rules:
        """Return the rules that apply to one indicator."""
        return self.per_indicator.get(indicator, self.default)

    def as_dict(self) -> dict[str, Any]:
        """Return the book in the shape :func:`rules_from_config` reads."""
        out = self.default.as_dict()
        out["per_indicator"] = {
            k: self.per_indicator[k].as_dict() for k in sorted(self.per_indicator)
        }
        return out

    def per_row(self, indicators: np.ndarray) -> dict[str, np.ndarray]:
        """Thresholds broadcast to rows.

        Parameters
        ----------
        indicators
            The ``indicator`` column.

        Returns
        -------
        dict of numpy.ndarray
            One array per :class:`Rules` field, aligned with ``indicators``
        (``protection_level`` resolved: :attr:`Rules.protection`).
        """
        codes, uniques = pd.factorize(pd.Series(indicators, dtype=object))
        rules = [self.rules_for(str(u)) for u in uniques]
        if not rules:
            rules = [self.default]
        out = {}
        for f in fields(Rules):
            if f.name == "protection_level":
                table = np.array([r.protection for r in rules])
            else:
                table = np.array([getattr(r, f.name) for r in rules])
            out[f.name] = table[np.maximum(codes, 0)]
        return out


def as_rulebook(rules: Rules | RuleBook | None) -> RuleBook:
    """Normalise what :func:`~utenforskap.disclosure.suppress` accepts into a RuleBook."""
    if rules is None:
        return RuleBook()
    if isinstance(rules, RuleBook):
        return rules
    if isinstance(rules, Rules):
        return RuleBook(default=rules)
    raise ConfigError(
        f"rules must be a Rules or a RuleBook; not {type(rules).__name__}",
        key="rules",
        value=rules,
    )


def _check_count(value: Any, key: str, file: object | None = None) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError("must be a whole number ≥ 0", file=file, key=key, value=value)


def _check_bool(value: Any, key: str, file: object | None = None) -> None:
    if not isinstance(value, bool):
        raise ConfigError("must be true or false", file=file, key=key, value=value)


def _check_share(value: Any, key: str, file: object | None = None) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not np.isfinite(value)
        or not 0 <= value <= 1
    ):
        raise ConfigError(
            "must be a share between 0 and 1 (0.05 is 5 %)", file=file, key=key, value=value
        )


def _read_rules(mapping: Mapping[str, Any], base: Rules, prefix: str, file: object | None) -> Rules:
    allowed = {f.name for f in fields(Rules)}
    values = base.as_dict()
    for key in sorted(mapping):
        value = mapping[key]
        path = f"{prefix}.{key}"
        if key not in allowed:
            raise ConfigError(
                f"unknown key; allowed keys are {sorted(allowed)}", file=file, key=path
            )
        if key in _INT_KEYS:
            _check_count(value, path, file)
        elif key in _BOOL_KEYS:
            _check_bool(value, path, file)
        else:
            _check_share(value, path, file)
        values[key] = float(value) if key in _SHARE_KEYS else value
    return Rules(**values)


def rules_from_config(
    mapping: Mapping[str, Any] | None, *, file: object | None = None, section: str = "disclosure"
) -> RuleBook:
    """Read the ``[disclosure]`` section of a run configuration.

    Indicator overrides start from the section's own values, so an override
    only names what differs.

    Parameters
    ----------
    mapping
        The section as parsed from TOML, e.g. ``{"min_count": 5,
        "per_indicator": {"neet": {"min_count": 3}}}``. None or ``{}`` gives
        the defaults.
    file
        The configuration file, named in errors.
    section
        The section's name, used as the prefix of key paths in errors.

    Returns
    -------
    RuleBook
        Default rules and per-indicator overrides.

    Raises
    ------
    ConfigError
        An unknown key (with its full path, e.g.
        ``disclosure.per_indicator.neet.min_cout``) or a value of the wrong type
        or range.

    Examples
    --------
    >>> book = rules_from_config({"min_denominator": 30,
    ...                           "per_indicator": {"neet": {"min_count": 3}}})
    >>> book.rules_for("neet")
    Rules(min_count=3, min_denominator=30, protect_zeros=False, series_share=0.5, \
coverage_max_unknown=0.08, coverage_max_difference=0.05, protection_level=None)
    """
    if mapping is None:
        return RuleBook()
    if not isinstance(mapping, Mapping):
        raise ConfigError("must be a table", file=file, key=section, value=mapping)
    top = {k: v for k, v in mapping.items() if k != "per_indicator"}
    default = _read_rules(top, Rules(), section, file)
    overrides = mapping.get("per_indicator", {})
    if not isinstance(overrides, Mapping):
        raise ConfigError(
            "must be a table of indicator id → rules",
            file=file,
            key=f"{section}.per_indicator",
            value=overrides,
        )
    per_indicator = {}
    for indicator in sorted(overrides):
        sub = overrides[indicator]
        path = f"{section}.per_indicator.{indicator}"
        if not isinstance(sub, Mapping):
            raise ConfigError("must be a table of rules", file=file, key=path, value=sub)
        per_indicator[str(indicator)] = _read_rules(sub, default, path, file)
    return RuleBook(default=default, per_indicator=per_indicator)
