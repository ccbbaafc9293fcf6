"""Declarative mapping from tidy observations (any reader's output) to CountFrame rows."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.ages import parse_band
from utenforskap.counts import part_counts, sum_status
from utenforskap.errors import ConfigError, DataError, choice_problem
from utenforskap.io.cube import STATUS, VALUE
from utenforskap.io.rates import normalise_periods

__all__ = ["ObservationMapping", "observations_to_counts"]

_TEXT_FIELDS = (
    "indicator",
    "region",
    "period",
    "content",
    "numerator",
    "denominator",
    "share",
    "age",
    "sex",
    "region_name",
    "default_age",
    "default_sex",
    "group",
    "default_group",
)


@dataclass(frozen=True)
class ObservationMapping:
    """Which columns and codes of an observation frame make an indicator's counts.

    Attributes
    ----------
    indicator
        Registry id of the indicator, e.g. ``"neet"``.
    region, period
        Columns holding region codes and periods (``Region``, ``Tid``).
    denominator
        Content code of the population at risk (in column ``content``).
    numerator
        Content code of the count with the trait; leave None when ``share`` is given.
    share
        Content code of a share of the denominator (percent by default); the
        numerator is rebuilt as ``rint(share / share_scale * denominator)``.
    share_scale
        100 for percent, 1 for a proportion, 1000 for per mille.
    content
        Column holding content codes (``ContentsCode``; ``variable`` for a
        melted CSV).
    age, sex
        Columns holding age and sex codes; None when the table has none (then
        ``default_age``/``default_sex`` is used for every row).
    age_map, sex_map
        Source code → our label (``"016-019"`` → ``"16-19"``, ``"1"`` →
        ``"male"``). Rows whose code is not in a given map are left out; codes
        mapped to the same label are summed (counts only). Without a map the
        codes must already be our labels.
    region_name
        Column with region names (e.g. ``Region_label`` from ``naming="both"``).
    default_age, default_sex
        The age band and sex of every row when ``age``/``sex`` is None.
    group, group_map, default_group
        Column of population groups (e.g. ``InnvandrKat``), its code → our
        label map (rows of codes not in a given map are left out; in
        :meth:`from_dict` also a standard map by name, e.g.
        ``"ssb_statbank_immigrant_category"``, see
        :data:`~utenforskap.microdata.TABLE_GROUP_MAPS`), and the group of
        every row without such a column (``"total"``).
    """

    indicator: str
    region: str
    period: str
    denominator: str
    numerator: str | None = None
    share: str | None = None
    share_scale: float = 100.0
    content: str = "ContentsCode"
    age: str | None = None
    sex: str | None = None
    age_map: Mapping[str, str] = field(default_factory=dict)
    sex_map: Mapping[str, str] = field(default_factory=dict)
    region_name: str | None = None
    default_age: str | None = None
    default_sex: str = "total"
    group: str | None = None
    group_map: Mapping[str, str] = field(default_factory=dict)
    default_group: str = F.GROUP_TOTAL

    def __post_init__(self) -> None:
        if (self.numerator is None) == (self.share is None):
            raise ConfigError("give exactly one of 'numerator' and 'share'", key="mapping")
        if self.age is None and self.default_age is None:
            raise ConfigError("give 'age' (a column) or 'default_age' (a band)", key="mapping.age")
        if not self.share_scale > 0:
            raise ConfigError("must be positive", key="mapping.share_scale", value=self.share_scale)
        for label in self.sex_map.values():
            if label not in F.SEXES:
                raise ConfigError(
                    f"sex label must be one of {list(F.SEXES)}", key="mapping.sex_map", value=label
                )
        if self.sex is None and self.default_sex not in F.SEXES:
            raise ConfigError(
                f"must be one of {list(F.SEXES)}", key="mapping.default_sex", value=self.default_sex
            )
        for label in [*self.age_map.values(), *([self.default_age] if self.default_age else [])]:
            try:
                parse_band(label)
            except DataError as exc:
                raise ConfigError(exc.problem, key="mapping.age_map", value=label) from None

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any], *, key: str = "mapping") -> ObservationMapping:
        """Build a mapping from a plain dict, as read from the run config's TOML.

        Parameters
        ----------
        spec
            Keys as the attributes of this class.
        key
            The key path of ``spec`` in the config, for error messages.

        Returns
        -------
        ObservationMapping
            The mapping.

        Raises
        ------
        ConfigError
            Unknown or missing key, a value of the wrong type.

        Examples
        --------
        >>> m = ObservationMapping.from_dict({"indicator": "neet", "region": "Region",
        ...     "period": "Tid", "numerator": "NEET", "denominator": "Personer",
        ...     "default_age": "16-25"})
        >>> m.content
        'ContentsCode'
        """
        if not isinstance(spec, Mapping):
            raise ConfigError("must be a table of keys", key=key, value=spec)
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(spec) - known)
        if unknown:
            raise ConfigError(
                f"unknown key; known keys are {sorted(known)}", key=f"{key}.{unknown[0]}"
            )
        for name in ("indicator", "region", "period", "denominator"):
            if name not in spec:
                raise ConfigError("missing key", key=f"{key}.{name}")
        for name in _TEXT_FIELDS:
            if name in spec and not isinstance(spec[name], str):
                raise ConfigError("must be a text", key=f"{key}.{name}", value=spec[name])
        spec = _named_group_map(spec, key)
        for name in ("age_map", "sex_map", "group_map"):
            given = spec.get(name, {})
            if not isinstance(given, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in given.items()
            ):
                raise ConfigError("must map code texts to label texts", key=f"{key}.{name}")
        scale = spec.get("share_scale", 100.0)
        if isinstance(scale, bool) or not isinstance(scale, int | float):
            raise ConfigError("must be a number", key=f"{key}.share_scale", value=scale)
        try:
            return cls(**{**spec, "share_scale": float(scale)})
        except ConfigError as exc:
            raise ConfigError(
                exc.problem, key=(exc.key or key).replace("mapping", key, 1), value=exc.value
            ) from None


def observations_to_counts(
    data: pd.DataFrame, mapping: ObservationMapping, *, source: object | None = None
) -> pd.DataFrame:
    """Turn a tidy observation frame into CountFrame rows for one indicator.

    Parameters
    ----------
    data
        Output of :func:`~utenforskap.io.read_jsonstat`, :func:`~utenforskap.io.read_px`,
        :func:`~utenforskap.io.read_table` or :func:`~utenforskap.io.fetch_ssb`:
        code columns, ``value`` and ``status``.
    mapping
        Which columns and codes to use.
    source
        File or description for error messages (default ``frame.attrs["file"]``).

    Returns
    -------
    pandas.DataFrame
        A CountFrame (columns :data:`utenforskap.frames.COUNT_COLUMNS`):
        ``indicator``, ``region`` (code as text), ``region_name`` (``""`` when
        unknown), ``period``, ``age``, ``sex``, ``numerator``, ``denominator``
        and ``status`` — the numerator's symbol, else the denominator's (a
        summed cell takes the first symbol of its parts) — sorted by key.

    Raises
    ------
    DataError
        A missing column; a numerator without its denominator (or the other
        way round); a missing value without a status symbol; a share mapped
        twice onto one cell; a count that fails :func:`~utenforskap.frames.validate_counts`.

    Notes
    -----
    From a share the numerator is ``rint(share / share_scale × denominator)``
    (nearest integer, halves to even). A share published with *d* decimals
    is exact only to ±0.5·10⁻ᵈ, so the count may be off by up to
    ``denominator × 0.5·10⁻ᵈ / share_scale`` persons (10.3 % of 52,000 with
    one decimal: 5,356 ± 26).

    Examples
    --------
    >>> import pandas as pd
    >>> obs = pd.DataFrame({"Region": ["0"] * 2, "Tid": ["2024"] * 2,
    ...     "ContentsCode": ["NEET", "Personer"], "value": [10.0, 100.0], "status": ["", ""]})
    >>> m = ObservationMapping("neet", "Region", "Tid", numerator="NEET",
    ...     denominator="Personer", default_age="16-25")
    >>> counts = observations_to_counts(obs, m)
    >>> counts[["region", "age", "numerator", "denominator"]].values.tolist()
    [['0', '16-25', 10.0, 100.0]]
    """
    name = source if source is not None else data.attrs.get("file")
    columns = [mapping.region, mapping.period, mapping.content, VALUE, STATUS]
    columns += [
        c for c in (mapping.age, mapping.sex, mapping.group, mapping.region_name) if c is not None
    ]
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DataError(
            f"no column {missing[0]!r} for the mapping of {mapping.indicator!r}; "
            f"columns are {list(data.columns)}",
            file=name,
            column=missing[0],
        )
    work = pd.DataFrame(
        {
            # Statbank code lists prefix codes ("K-3203", "F-31", "K.4001"): never part of a code.
            F.REGION: _text(data[mapping.region]).str.replace(
                r"^[KFB][-.](\d+)$", r"\1", regex=True
            ),
            # FHI writes "2021_2023" and one year as "2023_2023"; the contract
            # spells "2021-2023" and "2023" (one rule: io.rates.normalise_periods).
            F.PERIOD: normalise_periods(_text(data[mapping.period])),
            "_content": _text(data[mapping.content]),
            VALUE: pd.to_numeric(data[VALUE], errors="coerce").astype(float),
            STATUS: _text(data[STATUS]),
        }
    )
    work[F.AGE] = _labels(data, mapping.age, mapping.age_map, mapping.default_age)
    work[F.SEX] = _labels(data, mapping.sex, mapping.sex_map, mapping.default_sex)
    work[F.GROUP] = _labels(data, mapping.group, mapping.group_map, mapping.default_group)
    names = _text(data[mapping.region_name]) if mapping.region_name else None
    keep = work[F.AGE].notna() & work[F.SEX].notna() & work[F.GROUP].notna()
    if mapping.sex is not None and not mapping.sex_map:
        _check_labels(work[F.SEX], F.SEXES, mapping.sex, name)
    if mapping.age is not None and not mapping.age_map:
        for label in pd.unique(work[F.AGE]):
            try:
                parse_band(str(label))
            except DataError as exc:
                raise DataError(exc.problem, file=name, column=mapping.age, value=label) from None
    work = work.loc[keep]
    if names is not None:
        names = names.loc[keep]
    bad = work[VALUE].isna() & (work[STATUS] == "")
    bad &= work["_content"].isin([mapping.numerator, mapping.share, mapping.denominator])
    if bad.any():
        row = bad.idxmax()
        raise DataError(
            "missing value without a status symbol (a missing value is never silently 0)",
            file=name,
            column=VALUE,
            row=row,
        )
    keys = [F.REGION, F.PERIOD, F.AGE, F.SEX, F.GROUP]
    top = mapping.numerator if mapping.numerator is not None else mapping.share
    numerator = _collapse(work, top, keys, summable=mapping.share is None, file=name)
    denominator = _collapse(work, mapping.denominator, keys, summable=True, file=name)
    both = numerator.merge(
        denominator, on=keys, how="outer", suffixes=("_n", "_d"), indicator=True, sort=True
    )
    lonely = both["_merge"] != "both"
    if lonely.any():
        first = both.loc[lonely].iloc[0]
        which = "denominator" if first["_merge"] == "left_only" else "numerator"
        raise DataError(
            f"no {which} for {dict(first[keys])}",
            file=name,
            column=mapping.content,
            value=mapping.denominator if which == "denominator" else top,
        )
    denominator_values = both[VALUE + "_d"].to_numpy(dtype=float)
    numerator_values = both[VALUE + "_n"].to_numpy(dtype=float)
    if mapping.share is not None:
        numerator_values = np.rint(numerator_values / mapping.share_scale * denominator_values)
    status_n = both[STATUS + "_n"].to_numpy(dtype=object)
    status = np.where(status_n != "", status_n, both[STATUS + "_d"].to_numpy(dtype=object))
    region_names = np.full(len(both), "", dtype=object)
    if names is not None:
        lookup = (
            pd.DataFrame({"r": work[F.REGION].to_numpy(), "n": names.to_numpy()})
            .drop_duplicates("r")
            .set_index("r")["n"]
        )
        region_names = both[F.REGION].map(lookup).fillna("").to_numpy(dtype=object)
    out = pd.DataFrame(
        {
            F.INDICATOR: pd.Series(
                np.full(len(both), mapping.indicator, dtype=object), dtype=object
            ),
            F.REGION: both[F.REGION].astype(object),
            F.REGION_NAME: pd.Series(region_names, dtype=object),
            F.PERIOD: both[F.PERIOD].astype(object),
            F.AGE: both[F.AGE].astype(object),
            F.SEX: both[F.SEX].astype(object),
            F.GROUP: both[F.GROUP].astype(object),
            F.NUMERATOR: numerator_values,
            F.DENOMINATOR: denominator_values,
            F.STATUS: pd.Series(status, dtype=object),
        }
    )[list(F.COUNT_COLUMNS)]
    out = F.sort_frame(out)
    return F.validate_counts(out, source=name)


def _named_group_map(spec: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """``group_map = "fhi_innvkat"``: a standard map by name (see ``microdata.groups``)."""
    given = spec.get("group_map")
    if not isinstance(given, str):
        return spec
    from utenforskap.errors import ParameterError
    from utenforskap.microdata.groups import TABLE_GROUP_MAPS, table_group_map

    try:
        return {**spec, "group_map": table_group_map(given)}
    except ParameterError:
        raise ConfigError(
            choice_problem(given, TABLE_GROUP_MAPS) + " (or a table code → group label)",
            key=f"{key}.group_map",
            value=given,
        ) from None


def _text(column: pd.Series) -> pd.Series:
    return column.astype(str).astype(object)


def _labels(
    frame: pd.DataFrame, column: str | None, mapping: Mapping[str, str], default: str | None
) -> pd.Series:
    if column is None:
        return pd.Series(
            np.full(len(frame), default, dtype=object), index=frame.index, dtype=object
        )
    codes = _text(frame[column])
    if not mapping:
        return codes
    return codes.map(dict(mapping)).astype(object)


def _check_labels(labels: pd.Series, allowed: tuple[str, ...], column: str, file: object) -> None:
    bad = ~labels.isin(allowed)
    if bad.any():
        raise DataError(
            f"not one of {list(allowed)}; give a sex_map",
            file=file,
            column=column,
            row=bad.idxmax(),
            value=labels[bad].iloc[0],
        )


def _collapse(
    work: pd.DataFrame, code: str | None, keys: list[str], *, summable: bool, file: object
) -> pd.DataFrame:
    rows = work.loc[work["_content"] == code]
    if rows.empty:
        raise DataError(
            f"no rows with content code {code!r}", file=file, column="content", value=code
        )
    duplicated = rows.duplicated(keys, keep=False)
    if not duplicated.any():
        return rows[[*keys, VALUE, STATUS]]
    if not summable:
        row = duplicated.idxmax()
        raise DataError(
            "two source cells map to one cell; shares cannot be summed",
            file=file,
            row=row,
            value=rows.loc[[row], keys].iloc[0].to_dict(),
        )
    # Counts of codes mapped to one label (single years → a band) are summed
    # by the package's one rule (utenforskap.counts).
    parts = part_counts(rows[STATUS].to_numpy(dtype=object), rows[VALUE].to_numpy(dtype=float))
    flagged = rows[keys].assign(
        _value=parts.numerator, _applicable=parts.applicable, _unknown=parts.unknown_rank
    )
    grouped = flagged.groupby(keys, sort=True, dropna=False).agg(
        _value=("_value", "sum"), _applicable=("_applicable", "any"), _unknown=("_unknown", "max")
    )
    status = sum_status(grouped["_applicable"].to_numpy(), grouped["_unknown"].to_numpy())
    values = np.where(status == "", grouped["_value"].to_numpy(dtype=float), np.nan)
    out = pd.DataFrame({VALUE: values, STATUS: status}, index=grouped.index)
    return out.reset_index()
