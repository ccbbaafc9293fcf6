"""Published rates (FHI, Ungdata: a value, maybe an interval, no counts) from observation frames."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import ConfigError, DataError
from utenforskap.io.cube import STATUS, VALUE

__all__ = [
    "PUBLISHED",
    "RATE_COLUMNS",
    "RateMapping",
    "normalise_periods",
    "observations_to_rates",
]

#: ``ci_method`` of a rate taken as its publisher gave it (see :mod:`~utenforskap.frames`).
PUBLISHED = F.PUBLISHED
#: Column of the publisher's measure label ("andel (prosent, standardisert)").
MEASURE = "measure"
#: Columns of a published-rate frame, in order: the CountFrame keys, the
#: value with the publisher's interval and status, and the measure.
RATE_COLUMNS: tuple[str, ...] = (
    F.INDICATOR,
    F.REGION,
    F.REGION_NAME,
    F.PERIOD,
    F.AGE,
    F.SEX,
    F.GROUP,
    F.VALUE,
    F.CI_LOWER,
    F.CI_UPPER,
    F.CI_LEVEL,
    F.CI_METHOD,
    F.STATUS,
    MEASURE,
)


@dataclass(frozen=True)
class RateMapping:
    """Which columns and codes of an observation frame make a published rate.

    Attributes
    ----------
    indicator
        Registry id.
    region, period
        Columns of region codes and periods.
    value
        Content code of the rate in column ``content``; None when the frame
        has one value per cell (a file with one value column).
    ci_lower, ci_upper
        Content codes of the publisher's interval, when it gives one.
    ci_level
        The interval's level (FHI: 0.95).
    content
        Column holding content codes (``MEASURE_TYPE`` from FHI's API,
        ``variable`` for a melted file).
    measure
        Column holding the publisher's measure label (``Måltall``); its text
        goes to the ``measure`` column.
    measure_value
        Keep only rows whose ``measure`` is this label (a file with several
        measures).
    age, sex, group
        Columns of age, sex and population group codes; None when absent
        (``default_*`` is then used).
    age_map, sex_map, group_map
        Source code → our label; rows whose code is not in a given map are left out.
    region_name
        Column with region names.
    default_age, default_sex, default_group
        Labels of every row when the column is None.
    """

    indicator: str
    region: str
    period: str
    value: str | None = None
    ci_lower: str | None = None
    ci_upper: str | None = None
    ci_level: float = 0.95
    content: str = "variable"
    measure: str | None = None
    measure_value: str | None = None
    age: str | None = None
    sex: str | None = None
    group: str | None = None
    age_map: Mapping[str, str] = field(default_factory=dict)
    sex_map: Mapping[str, str] = field(default_factory=dict)
    group_map: Mapping[str, str] = field(default_factory=dict)
    region_name: str | None = None
    default_age: str | None = None
    default_sex: str = "total"
    default_group: str = F.GROUP_TOTAL

    def __post_init__(self) -> None:
        if (self.ci_lower is None) != (self.ci_upper is None):
            raise ConfigError("give both 'ci_lower' and 'ci_upper', or neither", key="rate")
        if self.age is None and self.default_age is None:
            raise ConfigError("give 'age' (a column) or 'default_age' (a band)", key="rate.age")
        if not 0 < self.ci_level < 1:
            raise ConfigError("must be between 0 and 1", key="rate.ci_level", value=self.ci_level)
        for label in self.sex_map.values():
            if label not in F.SEXES:
                raise ConfigError(
                    f"sex label must be one of {list(F.SEXES)}", key="rate.sex_map", value=label
                )

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any], *, key: str = "rate") -> RateMapping:
        """Build a mapping from the plain dict of a run configuration's ``[inputs.rate]`` table.

        Parameters
        ----------
        spec
            Keys as the attributes of this class.
        key
            The key path, for messages.

        Returns
        -------
        RateMapping

        Examples
        --------
        >>> RateMapping.from_dict({"indicator": "persistent_low_income", "region": "GEO",
        ...     "period": "AAR", "default_age": "0-17"}).ci_level
        0.95
        """
        if not isinstance(spec, Mapping):
            raise ConfigError("must be a table of keys", key=key, value=spec)
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(spec) - known)
        if unknown:
            raise ConfigError(
                f"unknown key; known keys are {sorted(known)}", key=f"{key}.{unknown[0]}"
            )
        for name in ("indicator", "region", "period"):
            if name not in spec:
                raise ConfigError("missing key", key=f"{key}.{name}")
        from utenforskap.io.mapping import _named_group_map

        spec = _named_group_map(spec, key)
        for name, given in spec.items():
            if name.endswith("_map"):
                if not isinstance(given, Mapping) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in given.items()
                ):
                    raise ConfigError("must map code texts to label texts", key=f"{key}.{name}")
            elif name == "ci_level":
                if isinstance(given, bool) or not isinstance(given, int | float):
                    raise ConfigError("must be a number", key=f"{key}.{name}", value=given)
            elif not isinstance(given, str):
                raise ConfigError("must be a text", key=f"{key}.{name}", value=given)
        try:
            return cls(**spec)
        except ConfigError as exc:
            raise ConfigError(
                exc.problem, key=(exc.key or key).replace("rate", key, 1), value=exc.value
            ) from None


def normalise_periods(periods: pd.Series) -> pd.Series:
    """Spell publishers' period codes as the package does.

    FHI's API writes ``2021_2023`` (three years) and ``2023_2023`` (one
    year); its downloads write ``2021-2023`` and school years
    ``2016/17-2018/19`` (kept as written: a school-year span).

    Parameters
    ----------
    periods
        Period texts.

    Returns
    -------
    pandas.Series
        ``"2023"``, ``"2021-2023"``, or the text as given.

    Examples
    --------
    >>> import pandas as pd
    >>> normalise_periods(pd.Series(["2021_2023", "2023_2023", "2016/17-2018/19", "2024"])).tolist()
    ['2021-2023', '2023', '2016/17-2018/19', '2024']
    """
    text = periods.astype(str).str.strip()
    single = text.str.extract(r"^(\d{4})_(\d{4})$")
    same = single[0].notna() & (single[0] == single[1])
    text = text.where(~same, single[0])
    return text.str.replace(r"^(\d{4})_(\d{4})$", r"\1-\2", regex=True).astype(object)


def observations_to_rates(
    frame: pd.DataFrame, mapping: RateMapping, *, source: object | None = None
) -> pd.DataFrame:
    """Turn observations of a published rate into a published-rate frame (no counts).

    FHI and Ungdata publish standardised shares, often without counts and
    already suppressed by the publisher. Such a rate keeps its value, the
    publisher's interval where given, and the publisher's status symbol; no
    interval is invented (``ci_lower``/``ci_upper`` NaN otherwise) and
    ``ci_method`` is ``"published"``.

    Parameters
    ----------
    frame
        Output of a reader or fetcher (code columns, ``value``, ``status``).
    mapping
        Which columns and codes to use.
    source
        File or description for messages (default ``frame.attrs["file"]``).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RATE_COLUMNS`: the CountFrame keys (``indicator``,
        ``region``, ``region_name``, ``period``, ``age``, ``sex``,
        ``group``), ``value`` (NaN where the publisher hid or lacks it),
        ``ci_lower``, ``ci_upper`` (the publisher's, else NaN), ``ci_level``
        (NaN without an interval), ``ci_method`` (``"published"``),
        ``status`` (the publisher's symbol) and ``measure`` (the publisher's
        measure label, e.g. "andel (prosent, standardisert)"; ``""`` when
        not given); sorted by key.

    Raises
    ------
    DataError
        A missing column; two source cells for one key; a missing value
        without a status symbol; an interval that does not contain its value.

    Examples
    --------
    >>> import pandas as pd
    >>> obs = pd.DataFrame({"GEO": ["0", "4003"], "AAR": ["2021_2023"] * 2,
    ...     "value": [9.0, float("nan")], "status": ["", ":"]})
    >>> m = RateMapping("persistent_low_income", "GEO", "AAR", default_age="0-17")
    >>> observations_to_rates(obs, m)[["region", "period", "value", "status"]].values.tolist()
    [['0', '2021-2023', 9.0, ''], ['4003', '2021-2023', nan, ':']]
    """
    name = source if source is not None else frame.attrs.get("file")
    needed = [mapping.region, mapping.period, VALUE, STATUS]
    needed += [
        c
        for c in (mapping.age, mapping.sex, mapping.group, mapping.region_name, mapping.measure)
        if c is not None
    ]
    if mapping.value is not None:
        needed.append(mapping.content)
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise DataError(
            f"no column {missing[0]!r} for the rate {mapping.indicator!r}; "
            f"columns are {list(frame.columns)}",
            file=name,
            column=missing[0],
        )
    work = frame
    if mapping.measure is not None and mapping.measure_value is not None:
        work = work[work[mapping.measure].astype(str) == mapping.measure_value]
        if work.empty:
            raise DataError(
                f"no rows with {mapping.measure} = {mapping.measure_value!r}; it has "
                f"{sorted(map(str, pd.unique(frame[mapping.measure])))}",
                file=name,
                column=mapping.measure,
            )
    keys = pd.DataFrame(
        {
            # Arrays, not Series: the index may repeat a source row (melted columns).
            F.REGION: work[mapping.region]
            .astype(str)
            .str.replace(r"^[KFB][-.](\d+)$", r"\1", regex=True)
            .to_numpy(dtype=object),
            F.PERIOD: np.asarray(normalise_periods(work[mapping.period]), dtype=object),
            F.AGE: _labels(work, mapping.age, mapping.age_map, mapping.default_age).to_numpy(
                dtype=object
            ),
            F.SEX: _labels(work, mapping.sex, mapping.sex_map, mapping.default_sex).to_numpy(
                dtype=object
            ),
            F.GROUP: _labels(
                work, mapping.group, mapping.group_map, mapping.default_group
            ).to_numpy(dtype=object),
        },
        index=work.index,
    )
    keep = keys[[F.AGE, F.SEX, F.GROUP]].notna().all(axis=1)
    content = work[mapping.content].astype(str) if mapping.value is not None else None
    parts = {}
    for role, code in (("v", mapping.value), ("lo", mapping.ci_lower), ("hi", mapping.ci_upper)):
        if role != "v" and code is None:
            continue
        rows = keep if code is None or content is None else keep & (content == code)
        if not rows.any():
            raise DataError(
                f"no rows with content code {code!r}", file=name, column=mapping.content, value=code
            )
        part = keys.loc[rows].assign(
            _value=pd.to_numeric(work.loc[rows, VALUE], errors="coerce").astype(float),
            _status=work.loc[rows, STATUS].astype(str),
        )
        if mapping.measure is not None:
            part["_measure"] = work.loc[rows, mapping.measure].astype(str)
        if mapping.region_name is not None:
            part["_name"] = work.loc[rows, mapping.region_name].astype(str)
        twice = part.duplicated(list(keys.columns), keep=False)
        if twice.any():
            first = part.loc[twice.to_numpy()].iloc[0]
            raise DataError(
                "two source cells map to one rate (a published rate cannot be summed); "
                "select one measure, age, sex and group per cell",
                file=name,
                row=first.name,
                value={c: first[c] for c in keys.columns},
            )
        parts[role] = part.set_index(list(keys.columns))
    main = parts["v"]
    bad = main["_value"].isna() & (main["_status"] == "")
    if bad.any():
        raise DataError(
            "missing value without a status symbol (a missing value is never silently 0)",
            file=name,
            column=VALUE,
            value=main.index[bad.to_numpy()][0],
        )
    lower = parts["lo"]["_value"].reindex(main.index) if "lo" in parts else None
    upper = parts["hi"]["_value"].reindex(main.index) if "hi" in parts else None
    n = len(main)
    out = main.index.to_frame(index=False)
    out.insert(0, F.INDICATOR, np.full(n, mapping.indicator, dtype=object))
    out.insert(
        2,
        F.REGION_NAME,
        main["_name"].to_numpy(dtype=object) if "_name" in main else np.full(n, "", dtype=object),
    )
    out[F.VALUE] = main["_value"].to_numpy(dtype=float)
    out[F.CI_LOWER] = np.full(n, np.nan) if lower is None else lower.to_numpy(dtype=float)
    out[F.CI_UPPER] = np.full(n, np.nan) if upper is None else upper.to_numpy(dtype=float)
    has_ci = ~np.isnan(out[F.CI_LOWER].to_numpy()) & ~np.isnan(out[F.CI_UPPER].to_numpy())
    out[F.CI_LEVEL] = np.where(has_ci, mapping.ci_level, np.nan)
    out[F.CI_METHOD] = np.full(n, PUBLISHED, dtype=object)
    out[F.STATUS] = main["_status"].to_numpy(dtype=object)
    out[MEASURE] = (
        main["_measure"].to_numpy(dtype=object)
        if "_measure" in main
        else np.full(n, "", dtype=object)
    )
    value = out[F.VALUE].to_numpy()
    outside = has_ci & ((out[F.CI_LOWER].to_numpy() > value) | (out[F.CI_UPPER].to_numpy() < value))
    if outside.any():
        position = int(np.flatnonzero(outside)[0])
        raise DataError(
            "the published interval does not contain its value",
            file=name,
            value=out.iloc[position][
                [F.REGION, F.PERIOD, F.VALUE, F.CI_LOWER, F.CI_UPPER]
            ].to_dict(),
        )
    for column in (F.REGION, F.PERIOD, F.AGE, F.SEX, F.GROUP):
        out[column] = out[column].astype(object)
    out = out.sort_values(list(F.KEY_COLUMNS), kind="mergesort").reset_index(drop=True)
    return out[list(RATE_COLUMNS)]


def _labels(
    frame: pd.DataFrame, column: str | None, mapping: Mapping[str, str], default: str | None
) -> pd.Series:
    if column is None:
        return pd.Series(np.full(len(frame), default, dtype=object), index=frame.index)
    codes = frame[column].astype(str).astype(object)
    return codes.map(dict(mapping)).astype(object) if mapping else codes
