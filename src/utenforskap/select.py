"""Which rows of an IndicatorFrame a chart or a caption shows, with a clear error when none match.

The charts in :mod:`utenforskap.plot` and the figure pack in
:mod:`utenforskap.publish` both pick their rows here, so a chart and the
caption written beside it always describe the same cells.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.ages import parse_band
from utenforskap.errors import DataError
from utenforskap.geo.codes import is_unknown_district
from utenforskap.registry import INDICATORS

__all__ = [
    "Reference",
    "barometer_cells",
    "display_names",
    "district_rows",
    "indicator_title",
    "indicator_unit",
    "is_high_bad",
    "latest_period",
    "reference_of",
    "select_rows",
    "single_value",
    "sort_periods",
    "widest_ages",
]


class Reference(NamedTuple):
    """The region a chart's districts are compared with.

    Attributes
    ----------
    code
        Region code; ``""`` when the rows name no reference.
    value
        Its published value; NaN when unknown or hidden and not given as
        ``reference_value``.
    name
        Its display name (the code when the name is unknown).
    """

    code: str
    value: float
    name: str


def select_rows(data: pd.DataFrame, **criteria: object) -> pd.DataFrame:
    """Rows of ``data`` matching every ``column=value`` given (None means any).

    Parameters
    ----------
    data
        An IndicatorFrame (or any frame with the columns named).
    **criteria
        Column name → wanted value; ``None`` skips the column.

    Returns
    -------
    pandas.DataFrame
        The matching rows, in the frame's order, with all its columns.

    Raises
    ------
    DataError
        A column is missing, or nothing matches; the message lists the values
        available.

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> frame = demo_indicators()
    >>> rows = select_rows(frame, indicator="neet", period="2024", age="16-25", sex="total")
    >>> len(rows)
    13
    >>> select_rows(frame, indicator="neet", period="1999")
    Traceback (most recent call last):
    ...
    utenforskap.errors.DataError: column 'period', value '1999': no rows with period = '1999'; \
available: ['2020', '2021', '2022', '2023', '2024']
    """
    mask = pd.Series(True, index=data.index)
    for column, wanted in criteria.items():
        if wanted is None:
            continue
        if column not in data.columns:
            raise DataError(f"missing column; have {list(data.columns)}", column=column)
        matched = mask & (data[column] == wanted)
        if not matched.any():
            # The values left after the criteria before this one.
            available = sorted(map(str, data.loc[mask, column].unique()))
            raise DataError(
                f"no rows with {column} = {wanted!r}; available: {available[:20]}",
                column=column,
                value=wanted,
            )
        mask = matched
    return data.loc[mask]


def single_value(data: pd.DataFrame, column: str) -> str:
    """The one value of ``column`` in ``data``, as text.

    Parameters
    ----------
    data
        Rows about to be drawn.
    column
        The column that must hold one value (e.g. ``indicator``).

    Returns
    -------
    str
        That value.

    Raises
    ------
    DataError
        The column holds several values (or none); the message says which
        and how to choose.

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> frame = demo_indicators()
    >>> single_value(frame[frame["indicator"] == "neet"], "indicator")
    'neet'
    >>> single_value(frame, "indicator")
    Traceback (most recent call last):
    ...
    utenforskap.errors.DataError: column 'indicator': the chart needs one indicator; the data \
have ['low_income_children', 'neet', 'ungdata_loneliness'] (pass indicator=...)
    """
    values = data[column].unique()
    if len(values) != 1:
        raise DataError(
            f"the chart needs one {column}; the data have {sorted(map(str, values))[:10]} "
            f"(pass {column}=...)",
            column=column,
        )
    return str(values[0])


def is_high_bad(indicator: str, given: bool | None = None) -> bool:
    """Whether high values of an indicator are bad: ``given`` when set, else the registry's.

    Parameters
    ----------
    indicator
        Registry id; an id outside the registry (a user's own) counts as
        "high is bad".
    given
        The caller's choice; None asks the registry.

    Returns
    -------
    bool
        The direction used to colour comparisons.

    Examples
    --------
    >>> is_high_bad("neet"), is_high_bad("ungdata_school_wellbeing")
    (True, False)
    >>> is_high_bad("neet", False)
    False
    """
    if given is not None:
        return bool(given)
    return INDICATORS[indicator].high_is_bad if indicator in INDICATORS else True


def indicator_unit(indicator: str, *, lang: str = "nb") -> str:
    """The unit of an indicator from the registry; ``""`` for an id outside it.

    Parameters
    ----------
    indicator
        Registry id.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        E.g. ``"prosent"``.

    Examples
    --------
    >>> indicator_unit("neet"), indicator_unit("neet", lang="en"), indicator_unit("my_own")
    ('prosent', 'percent', '')
    """
    return INDICATORS[indicator].unit(lang) if indicator in INDICATORS else ""


def indicator_title(indicator: str, *, lang: str = "nb") -> str:
    """The title of an indicator from the registry; the id itself for an id outside it.

    Parameters
    ----------
    indicator
        Registry id.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        The title a person reads.

    Examples
    --------
    >>> indicator_title("neet", lang="en"), indicator_title("my_own")
    ('Young people not in employment, education or training (NEET)', 'my_own')
    """
    return INDICATORS[indicator].title(lang) if indicator in INDICATORS else indicator


def reference_of(data: pd.DataFrame) -> Reference:
    """The reference shared by most rows: its code, value and display name.

    Parameters
    ----------
    data
        IndicatorFrame rows of one indicator, period, age band and sex.

    Returns
    -------
    Reference
        ``code`` (``""`` when the rows name no reference), ``value`` (the
        reference's own published value, else its ``reference_value``, else
        NaN) and ``name``.

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> frame = demo_indicators()
    >>> rows = frame.query("indicator == 'neet' and period == '2024' and age == '16-25'")
    >>> ref = reference_of(rows[rows["sex"] == "total"])
    >>> ref.code, ref.name
    ('9901', 'Eksempelkommune')
    """
    refs = data[F.REFERENCE][data[F.REFERENCE].fillna("") != ""]
    if refs.empty:
        return Reference("", float("nan"), "")
    code = str(refs.value_counts(sort=True).index[0])
    own = data[data[F.REGION] == code]
    if not own.empty and not bool(own[F.SUPPRESSED].iloc[0]):
        value = float(own[F.VALUE].iloc[0])
        name = str(own[F.REGION_NAME].iloc[0]) or code
    else:
        finite = data.loc[data[F.REFERENCE] == code, F.REFERENCE_VALUE].dropna()
        value = float(finite.iloc[0]) if not finite.empty else float("nan")
        name = str(own[F.REGION_NAME].iloc[0]) if not own.empty else code
    return Reference(code, value, name or code)


def district_rows(data: pd.DataFrame, *, reference: str) -> pd.DataFrame:
    """The rows compared with ``reference``, without it and without "unknown district" codes.

    Parameters
    ----------
    data
        IndicatorFrame rows of one indicator, period, age band and sex.
    reference
        Code of the reference region (``""``: every row but unknown districts).

    Returns
    -------
    pandas.DataFrame
        The district rows, in the frame's order, with all columns.

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> frame = demo_indicators()
    >>> rows = frame.query("indicator == 'neet' and period == '2024' and age == '16-25'")
    >>> rows = rows[rows["sex"] == "total"]
    >>> district_rows(rows, reference="9901")["region"].tolist()[:3]
    ['990101', '990102', '990103']
    >>> "990199" in set(district_rows(rows, reference="9901")["region"])
    False
    """
    codes = data[F.REGION].astype(str).to_numpy()
    keep = ~is_unknown_district(codes) & (codes != reference)
    if reference:
        keep &= data[F.REFERENCE].to_numpy(dtype=object) == reference
    return data.loc[np.asarray(keep, dtype=bool)]


def display_names(data: pd.DataFrame) -> list[str]:
    """Region name, or the code where the name is empty, for each row.

    Parameters
    ----------
    data
        Rows with ``region`` and ``region_name``.

    Returns
    -------
    list of str
        One name per row, in order.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"region": ["990101", "990102"], "region_name": ["Sentrum", ""]})
    >>> display_names(rows)
    ['Sentrum', '990102']
    """
    names = data[F.REGION_NAME].fillna("").astype(str).to_numpy(dtype=object)
    codes = data[F.REGION].astype(str).to_numpy(dtype=object)
    return [str(v) for v in np.where(names != "", names, codes)]


def sort_periods(periods: Iterable[object]) -> list[str]:
    """Periods in time order: by last year, then first year (``"2024"`` after ``"2022-2024"``).

    Parameters
    ----------
    periods
        Period labels: a year or a pooled span ``"2022-2024"``.

    Returns
    -------
    list of str
        Unique labels in time order; labels without a year go first, as text.

    Examples
    --------
    >>> sort_periods(["2024", "2022-2024", "2021-2023", "2023"])
    ['2021-2023', '2023', '2022-2024', '2024']
    """
    labels = list(dict.fromkeys(map(str, periods)))
    years = pd.Series(labels, dtype=object).str.findall(r"\d{4}")
    last = [int(y[-1]) if y else -1 for y in years]
    first = [int(y[0]) if y else -1 for y in years]
    return [label for _, _, label in sorted(zip(last, first, labels, strict=True))]


def latest_period(periods: Iterable[object]) -> str:
    """The latest of ``periods`` in the order of :func:`sort_periods`.

    Parameters
    ----------
    periods
        Period labels.

    Returns
    -------
    str
        The last label.

    Examples
    --------
    >>> latest_period(["2022-2024", "2023", "2024"])
    '2024'
    """
    return sort_periods(periods)[-1]


def _width(band: str) -> int:
    try:
        low, high = parse_band(band)
    except DataError:
        return 0
    return int(high - low)


def widest_ages(data: pd.DataFrame, indicators: Sequence[str] | None = None) -> dict[str, str]:
    """Each indicator's widest age band in ``data``: the band overview charts show.

    Parameters
    ----------
    data
        An IndicatorFrame.
    indicators
        Indicators to include, in order; default those in ``data`` in registry
        order (ids outside the registry last, by id).

    Returns
    -------
    dict
        Indicator id → age band. Bands that are not ages (school levels) have
        no width: the first listed wins.

    Raises
    ------
    DataError
        An indicator in ``indicators`` has no rows.

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> widest_ages(demo_indicators())
    {'neet': '16-25', 'low_income_children': '0-17', 'ungdata_loneliness': '8-10 trinn'}
    """
    present = list(dict.fromkeys(data[F.INDICATOR]))
    order = (
        list(indicators)
        if indicators is not None
        else sorted(
            present, key=lambda i: (list(INDICATORS).index(i) if i in INDICATORS else 999, i)
        )
    )
    pairs = data[[F.INDICATOR, F.AGE]].drop_duplicates()
    result: dict[str, str] = {}
    for ind_id in order:
        bands = pairs.loc[pairs[F.INDICATOR] == ind_id, F.AGE].astype(str).tolist()
        if not bands:
            raise DataError(f"indicator {ind_id!r} has no rows", column=F.INDICATOR, value=ind_id)
        result[ind_id] = max(bands, key=_width)
    return result


def barometer_cells(
    data: pd.DataFrame,
    *,
    ages: Mapping[str, str],
    period: str | None = None,
    sex: str = "total",
) -> pd.DataFrame:
    """The cells a barometer shows: one row per region × indicator, the reference first.

    Parameters
    ----------
    data
        An IndicatorFrame.
    ages
        Indicator id → age band to show, in column order (see
        :func:`widest_ages`).
    period
        Period shown; None: each indicator's latest (pooled Ungdata spans may
        end in another year than register data).
    sex
        ``total``, ``male`` or ``female``.

    Returns
    -------
    pandas.DataFrame
        The IndicatorFrame rows of the reference region and its districts,
        plus ``judgement`` (``worse``, ``better``, ``similar``,
        ``not_tested``, or ``suppressed``, in the indicator's direction),
        ``row`` (0 for the reference region, then the districts by code) and
        ``column`` (position in ``ages``); sorted by row and column. The
        disclosure record of ``data`` is kept.

    Raises
    ------
    DataError
        No rows for the sex, or an indicator / age band not in ``data``.

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> frame = demo_indicators()
    >>> cells = barometer_cells(frame, ages=widest_ages(frame))
    >>> cells.loc[cells["row"] == 0, ["region", "indicator", "period"]].values.tolist()
    [['9901', 'neet', '2024'], ['9901', 'low_income_children', '2024'], \
['9901', 'ungdata_loneliness', '2022-2024']]
    >>> sorted(cells["judgement"].unique())
    ['better', 'similar', 'suppressed', 'worse']
    """
    wanted = pd.DataFrame({F.INDICATOR: list(ages), F.AGE: list(ages.values())})
    wanted["column"] = np.arange(len(wanted))
    if period is None:
        pairs = data[[F.INDICATOR, F.PERIOD]].drop_duplicates()
        wanted[F.PERIOD] = [
            latest_period(pairs.loc[pairs[F.INDICATOR] == i, F.PERIOD])
            if i in set(pairs[F.INDICATOR])
            else ""
            for i in wanted[F.INDICATOR]
        ]
    else:
        wanted[F.PERIOD] = period
    base = data[data[F.SEX] == sex]
    if base.empty:
        raise DataError(f"no rows for sex {sex!r}", column=F.SEX)
    plain = base.copy()
    plain.attrs = {}
    cells = plain.merge(wanted, on=[F.INDICATOR, F.AGE, F.PERIOD], how="inner")
    missing = sorted(set(ages) - set(cells[F.INDICATOR]))
    if missing:
        raise DataError(
            f"no rows for indicator(s) {missing} at the age band given", column=F.INDICATOR
        )
    ref_code = reference_of(cells).code
    # Index-based, not pd.concat: concat compares attrs, which may hold frames.
    own = cells.index[cells[F.REGION] == ref_code]
    keep = cells.loc[own.append(district_rows(cells, reference=ref_code).index)]
    codes = sorted(set(keep[F.REGION]) - {ref_code})
    order = {ref_code: 0, **{c: i + 1 for i, c in enumerate(codes)}}
    keep = keep.assign(row=keep[F.REGION].map(order).astype(int))
    direction = keep[F.INDICATOR].map({i: is_high_bad(i) for i in ages})
    comparison = keep[F.COMPARISON].fillna("not_tested").astype(str).to_numpy()
    higher_bad = direction.to_numpy(dtype=bool)
    judgement = np.select(
        [comparison == "higher", comparison == "lower", comparison == "similar"],
        [
            np.where(higher_bad, "worse", "better"),
            np.where(higher_bad, "better", "worse"),
            "similar",
        ],
        default="not_tested",
    ).astype(object)
    judgement[keep[F.SUPPRESSED].to_numpy(dtype=bool)] = "suppressed"
    keep = keep.assign(judgement=judgement)
    result = keep.sort_values(["row", "column"], kind="mergesort").reset_index(drop=True)
    # merge and concat drop attrs; keep the disclosure record for the legend note.
    result.attrs = dict(data.attrs)
    return result
