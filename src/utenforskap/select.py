"""Which rows of an IndicatorFrame a chart or a caption shows, with a clear error when none match.

The charts in :mod:`utenforskap.plot` and the figure pack in
:mod:`utenforskap.publish` both pick their rows here, so a chart and the
caption written beside it always describe the same cells.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.ages import parse_band
from utenforskap.counts import HIDDEN
from utenforskap.errors import DataError, UtenforskapWarning
from utenforskap.geo.codes import is_unknown_district, parent_code
from utenforskap.memo import recall
from utenforskap.registry import INDICATORS
from utenforskap.texts import TEXTS, text

__all__ = [
    "GROUP_ORDER",
    "ChartWarning",
    "Reference",
    "age_in_title",
    "barometer_cells",
    "context_references",
    "display_names",
    "district_rows",
    "group_label",
    "group_order",
    "hidden_cells",
    "indicator_title",
    "indicator_unit",
    "is_high_bad",
    "is_standardised",
    "latest_period",
    "reference_of",
    "region_label",
    "select_rows",
    "single_value",
    "sort_periods",
    "widest_ages",
]

#: Population groups in the order charts list them (SSB's immigrant categories
#: first, the unknown group last); other labels follow in alphabetical order.
GROUP_ORDER: tuple[str, ...] = (
    F.GROUP_TOTAL,
    "immigrants",
    "norwegian_born_to_immigrant_parents",
    "immigrants_and_descendants",
    "rest_of_population",
    "unknown",
)


class ChartWarning(UtenforskapWarning):
    """A chart left something out or could not name it; the message says what and why.

    Raised (as a warning) for trend or neighbour regions without rows, a
    reference that cannot be drawn, regions that have neither a name in the
    frame nor in the region catalogue, levels mixed in one funnel, and rates
    without counts left out of a funnel.
    """

    kind = "chart"


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
        Column name → wanted value; ``None`` skips the column. A frame
        without a ``group`` column matches ``group="total"`` (it covers the
        whole population).

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
        if column == F.GROUP and column not in data.columns and wanted == F.GROUP_TOTAL:
            # Frames written before population groups existed cover everybody.
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


def region_label(code: str, *, data: pd.DataFrame | None = None, lang: str = "nb") -> str:
    """The name a person reads for one region code.

    The whole country is always "Hele landet" (``nb``) or "Norway" (``en``);
    other regions take the first non-blank ``region_name`` of their rows in
    ``data``, else the name in the built-in region catalogue
    (:func:`utenforskap.geo.catalogue.region_name`), else the code itself.

    Parameters
    ----------
    code
        A region code.
    data
        Rows whose ``region_name`` may name the code (e.g. the whole frame a
        chart was given); None: the catalogue only.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        The name; the code when nobody knows a name.

    Examples
    --------
    >>> region_label("0"), region_label("0", lang="en"), region_label("32")
    ('Hele landet', 'Norway', 'Akershus')
    >>> from utenforskap.datasets import demo_indicators
    >>> region_label("9901", data=demo_indicators())
    'Eksempelkommune'
    """
    return recall(
        data,
        ("region_label", str(code), lang),
        lambda: _names(np.array([str(code)], dtype=object), data, lang)[0],
    )


def _names(codes: np.ndarray, data: pd.DataFrame | None, lang: str) -> list[str]:
    from utenforskap.geo.catalogue import region_names

    names = np.full(len(codes), "", dtype=object)
    if data is not None and F.REGION_NAME in data.columns and len(data):
        # Only the rows of the codes asked for: a chart passes the whole frame.
        regions = data[F.REGION].to_numpy(dtype=object)
        wanted = np.isin(regions, codes)
        given = data[F.REGION_NAME].to_numpy(dtype=object)[wanted]
        named = np.array([isinstance(v, str) and v != "" for v in given], dtype=bool)
        lookup = pd.Series(given[named], index=regions[wanted][named], dtype=object)
        lookup = lookup[~lookup.index.duplicated(keep="first")]
        names = lookup.reindex(pd.Index(codes)).fillna("").to_numpy(dtype=object, copy=True)
    # The country by the catalogue in the language drawn, whatever the frame says.
    fill = (names == "") | (codes == "0")
    if fill.any():
        names[fill] = region_names(codes[fill], lang=lang)
    return [str(n) if n else str(c) for n, c in zip(names, codes, strict=True)]


def display_names(data: pd.DataFrame, *, lang: str = "nb") -> list[str]:
    """The name a person reads for each row's region (see :func:`region_label`).

    ``region_name`` when it is given (the whole country always by the
    catalogue, in ``lang``), else the catalogue's name; a code nobody can
    name is shown as the code, with a :class:`ChartWarning`.

    Parameters
    ----------
    data
        Rows with ``region`` and (optionally) ``region_name``.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    list of str
        One name per row, in order.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"region": ["990101", "0301", "0"], "region_name": ["Sentrum", "", ""]})
    >>> display_names(rows), display_names(rows, lang="en")[-1]
    (['Sentrum', 'Oslo', 'Hele landet'], 'Norway')
    """
    codes = data[F.REGION].astype(str).to_numpy(dtype=object)
    unique, inverse = np.unique(codes, return_inverse=True) if len(codes) else (codes, codes)
    names = _names(unique.astype(object), data, lang)
    bare = [c for c, n in zip(unique, names, strict=True) if n == c]
    if bare:
        warnings.warn(
            ChartWarning(
                f"no name for region code(s) {bare[:10]} in region_name or the region catalogue; "
                "they are shown as codes (fill region_name)",
                "names.missing",
            ),
            stacklevel=2,
        )
    return [names[i] for i in np.asarray(inverse, dtype=int)]


def reference_of(
    data: pd.DataFrame, *, lang: str = "nb", names: pd.DataFrame | None = None
) -> Reference:
    """The reference shared by most rows: its code, value and display name.

    Parameters
    ----------
    data
        IndicatorFrame rows of one indicator, period, age band and sex.
    lang
        Language of the name (the whole country is "Hele landet" / "Norway").
    names
        Rows that may name the reference when ``data`` does not hold its row
        (e.g. the whole frame); the region catalogue is asked last.

    Returns
    -------
    Reference
        ``code`` (``""`` when the rows name no reference), ``value`` (the
        reference's own published value, else its ``reference_value``, else
        NaN) and ``name`` (see :func:`region_label`).

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> frame = demo_indicators()
    >>> rows = frame.query("indicator == 'neet' and period == '2024' and age == '16-25'")
    >>> ref = reference_of(rows[rows["sex"] == "total"])
    >>> ref.code, ref.name
    ('9901', 'Eksempelkommune')
    >>> kommune = rows[(rows["region"] == "9901") & (rows["sex"] == "total")]
    >>> reference_of(kommune, lang="en").name  # the country's row is not in these rows
    'Norway'
    """
    refs = data[F.REFERENCE][data[F.REFERENCE].fillna("") != ""]
    if refs.empty:
        return Reference("", float("nan"), "")
    code = str(refs.value_counts(sort=True).index[0])
    own = data[data[F.REGION] == code]
    if not own.empty and not bool(hidden_cells(own)[0]) and np.isfinite(own[F.VALUE].iloc[0]):
        value = float(own[F.VALUE].iloc[0])
    else:
        finite = data.loc[data[F.REFERENCE] == code, F.REFERENCE_VALUE].dropna()
        value = float(finite.iloc[0]) if not finite.empty else float("nan")
    name = region_label(code, data=_pick(names, data), lang=lang)
    if name == code:
        warnings.warn(
            ChartWarning(
                f"no name for the reference region code(s) [{code!r}] in region_name or the region "
                "catalogue; it is shown as a code (pass its row, or fill region_name)",
                "names.missing",
            ),
            stacklevel=2,
        )
    return Reference(code, value, name)


def context_references(
    data: pd.DataFrame,
    region: str,
    *,
    lang: str = "nb",
    names: pd.DataFrame | None = None,
) -> list[Reference]:
    """The larger regions a region is seen against: its fylke and the whole country.

    A region's ancestors (by its code: bydel → kommune → fylke → land) and
    its own ``reference`` are candidates; each is kept when its value is known:
    from its own published row in ``data``, or (for the region's own
    reference) the region's ``reference_value``. So the country is drawn even
    when its row is not in the frame, as long as the kommune was compared with it.

    Parameters
    ----------
    data
        IndicatorFrame rows of one indicator, period, age band, sex and group.
    region
        The region whose context is wanted (e.g. the kommune).
    lang
        Language of the names.
    names
        Rows that may name regions ``data`` does not hold (e.g. the whole frame).

    Returns
    -------
    list of Reference
        From the smallest to the largest region (fylke before the country),
        without ``region`` itself; hidden or unknown values are left out.

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> frame = demo_indicators()
    >>> rows = frame.query(
    ...     "indicator == 'neet' and period == '2024' and age == '16-25' and sex == 'total'"
    ... )
    >>> [(r.code, r.name, round(r.value, 1)) for r in context_references(rows, "9901")]
    [('0', 'Hele landet', 10.0)]
    """
    codes = data[F.REGION].astype(str).to_numpy(dtype=object)
    own = data[codes == region]
    candidates = list(_ancestors(str(region)))
    given = own[F.REFERENCE].fillna("").astype(str) if not own.empty else pd.Series([], dtype=str)
    own_ref = str(given.iloc[0]) if len(given) else ""
    if own_ref and own_ref not in candidates and own_ref != region:
        candidates.append(own_ref)
    hidden = hidden_cells(data)
    values = data[F.VALUE].to_numpy(dtype=float)
    found: list[Reference] = []
    for code in candidates:
        at = np.flatnonzero(codes == code)
        value = float("nan")
        if at.size and not hidden[at[0]]:
            value = float(values[at[0]])
        elif code == own_ref and not own.empty:
            value = float(own[F.REFERENCE_VALUE].iloc[0])
        if np.isfinite(value):
            found.append(
                Reference(code, value, region_label(code, data=_pick(names, data), lang=lang))
            )
    # Smallest first: a longer code is a smaller region.
    return sorted(found, key=lambda r: -len(r.code))


@functools.cache
def _ancestors(code: str) -> tuple[str, ...]:
    """The regions containing ``code`` by its digits, smallest first (e.g. fylke, land)."""
    found: list[str] = []
    while code and code != "0":
        code = str(parent_code([code])[0])
        if code:
            found.append(code)
    return tuple(found)


def _pick(names: pd.DataFrame | None, data: pd.DataFrame) -> pd.DataFrame:
    return names if names is not None else data


def hidden_cells(data: pd.DataFrame) -> np.ndarray:
    """Whether each row's value must not be shown: suppressed here, or hidden by its publisher.

    Parameters
    ----------
    data
        IndicatorFrame rows.

    Returns
    -------
    numpy.ndarray
        Boolean array: ``suppressed`` is true, or ``status`` is ``:`` (the
        publisher hid the value; drawn as "prikket" even if a value was kept).

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"suppressed": [False, True, False], "status": ["", "", ":"]})
    >>> hidden_cells(rows).tolist()
    [False, True, True]
    """
    hidden = data[F.SUPPRESSED].fillna(True).to_numpy(dtype=bool)
    if F.STATUS in data.columns:
        hidden = hidden | (data[F.STATUS].fillna("").to_numpy(dtype=object) == HIDDEN)
    return np.asarray(hidden, dtype=bool)


def group_label(group: str, *, lang: str = "nb") -> str:
    """The label of a population group as a figure prints it.

    Parameters
    ----------
    group
        A ``group`` value (``immigrants``, ``rest_of_population`` …, see
        :mod:`utenforskap.microdata.groups`); a user's own label is returned as is.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        E.g. "innvandrere".

    Examples
    --------
    >>> group_label("immigrants"), group_label("unknown", lang="en"), group_label("own")
    ('innvandrere', 'group not known', 'own')
    """
    key = f"group.{group}"
    return text(key, lang) if key in TEXTS else str(group)


def group_order(groups: Iterable[object]) -> list[str]:
    """Groups in the order charts list them: :data:`GROUP_ORDER`, then others by name.

    Examples
    --------
    >>> group_order(["unknown", "immigrants", "parents_higher_education", "total"])
    ['total', 'immigrants', 'parents_higher_education', 'unknown']
    """
    unique = list(dict.fromkeys(map(str, groups)))
    known = [g for g in GROUP_ORDER if g in unique and g != "unknown"]
    other = sorted(g for g in unique if g not in GROUP_ORDER)
    return known + other + (["unknown"] if "unknown" in unique else [])


def age_in_title(indicator: str, age: str, *, lang: str = "nb") -> bool:
    """Whether an indicator's title already states the age band (e.g. "ved 21 år" and ``21``).

    Figures leave such a band out of subtitles and column heads, so the age
    is not printed twice.

    Examples
    --------
    >>> age_in_title("upper_secondary_completed", "21"), age_in_title("neet", "16-25")
    (True, False)
    """
    title = indicator_title(indicator, lang=lang)
    numbers = re.findall(r"\d+", age)
    return bool(numbers) and all(re.search(rf"\b{n}\b", title) for n in numbers)


def is_standardised(data: pd.DataFrame, measure: str | None = None) -> bool:
    """Whether the values shown are standardised rates (as FHI publishes many).

    Parameters
    ----------
    data
        Rows shown; a ``measure`` column (the publisher's measure label, e.g.
        ``"andel (prosent, standardisert)"``) is read when present.
    measure
        The measure label given by the caller; overrides the column.

    Returns
    -------
    bool
        True when the label says "standardisert" / "standardised".

    Examples
    --------
    >>> import pandas as pd
    >>> is_standardised(pd.DataFrame(), "andel (prosent, standardisert)")
    True
    """
    labels: list[str] = [measure] if measure is not None else []
    if measure is None and "measure" in data.columns:
        labels = [str(v) for v in data["measure"].dropna().unique()]
    return any(re.search(r"standardi[sz]", label, re.IGNORECASE) for label in labels)


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
    groups: Sequence[str] = (F.GROUP_TOTAL,),
    context: bool = False,
) -> pd.DataFrame:
    """The cells a barometer shows: one row per region (× group) × indicator, the reference first.

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
    groups
        Population groups shown, one barometer row per region and group, in
        this order; default the whole population only.
    context
        Also show the reference region's fylke and the whole country (where
        the frame has their rows) above the reference region.

    Returns
    -------
    pandas.DataFrame
        The IndicatorFrame rows of the context regions (with ``context``),
        the reference region and its districts, plus ``judgement``
        (``worse``, ``better``, ``similar``, ``not_tested``, or
        ``suppressed``, in the indicator's direction), ``role``
        (``context``, ``reference`` or ``district``), ``row`` (0 for the
        first row: the country, then the fylke with ``context``, else the
        reference region; then the districts by code; groups within a
        region in the order given) and ``column`` (position in ``ages``);
        sorted by row and column. The disclosure record of ``data`` is kept.

    Raises
    ------
    DataError
        No rows for the sex or groups, or an indicator / age band not in ``data``.

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
    >>> with_country = barometer_cells(frame, ages=widest_ages(frame), context=True)
    >>> with_country.drop_duplicates("row")["region"].tolist()[:3]
    ['0', '9901', '990101']
    """
    key = ("barometer_cells", tuple(ages.items()), period, sex, tuple(groups), context)
    return recall(
        data,
        key,
        lambda: _barometer_cells(
            data, ages=ages, period=period, sex=sex, groups=groups, context=context
        ),
    )


def _barometer_cells(
    data: pd.DataFrame,
    *,
    ages: Mapping[str, str],
    period: str | None,
    sex: str,
    groups: Sequence[str],
    context: bool,
) -> pd.DataFrame:
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
    group_list = [str(g) for g in groups]
    plain = base.copy()
    plain.attrs = {}
    if F.GROUP not in plain.columns:
        plain[F.GROUP] = F.GROUP_TOTAL
    unknown = sorted(set(group_list) - set(plain[F.GROUP]))
    if unknown:
        raise DataError(
            f"no rows for group(s) {unknown}; the data have {group_order(plain[F.GROUP].unique())}",
            column=F.GROUP,
        )
    cells = plain.merge(wanted, on=[F.INDICATOR, F.AGE, F.PERIOD], how="inner")
    missing = sorted(set(ages) - set(cells[F.INDICATOR]))
    if missing:
        raise DataError(
            f"no rows for indicator(s) {missing} at the age band given", column=F.INDICATOR
        )
    # Which regions are shown is decided on the whole population's rows, so a
    # barometer of groups has the same rows as the plain one.
    anchor = cells[cells[F.GROUP] == F.GROUP_TOTAL]
    if anchor.empty:
        anchor = cells[cells[F.GROUP] == group_list[0]]
    ref_code = reference_of(anchor).code
    district_codes = sorted(set(district_rows(anchor, reference=ref_code)[F.REGION]))
    above: list[str] = []
    if context:
        present = set(anchor[F.REGION])
        seen: dict[str, None] = {}
        for ind in dict.fromkeys(anchor[F.INDICATOR]):
            part = anchor[anchor[F.INDICATOR] == ind]
            for ref in context_references(part, ref_code):
                if ref.code in present:
                    seen.setdefault(ref.code)
        # The country first, then the fylke: larger regions above smaller ones.
        above = sorted(seen, key=len)
    order_codes = [*above, ref_code, *district_codes]
    chosen = cells[F.REGION].isin(order_codes) & cells[F.GROUP].isin(group_list)
    keep = cells.loc[chosen.to_numpy(dtype=bool)]
    region_pos = {c: i for i, c in enumerate(order_codes)}
    group_pos = {g: i for i, g in enumerate(group_list)}
    pairs = keep[[F.REGION, F.GROUP]].drop_duplicates()
    pairs = pairs.assign(
        _r=pairs[F.REGION].map(region_pos), _g=pairs[F.GROUP].map(group_pos)
    ).sort_values(["_r", "_g"], kind="mergesort")
    pairs["row"] = np.arange(len(pairs))
    keep = keep.merge(pairs[[F.REGION, F.GROUP, "row"]], on=[F.REGION, F.GROUP], how="left")
    keep["row"] = keep["row"].astype(int)
    codes = keep[F.REGION].to_numpy(dtype=object)
    role = np.where(
        np.isin(codes, above), "context", np.where(codes == ref_code, "reference", "district")
    ).astype(object)
    keep = keep.assign(role=role)
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
    judgement[hidden_cells(keep)] = "suppressed"
    keep = keep.assign(judgement=judgement)
    result = keep.sort_values(["row", "column"], kind="mergesort").reset_index(drop=True)
    # merge and concat drop attrs; keep the disclosure record for the legend note.
    result.attrs = dict(data.attrs)
    return result
