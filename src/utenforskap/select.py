"""Pick the rows of an IndicatorFrame that one chart draws, with a clear error when none match."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError
from utenforskap.geo.codes import is_unknown_district
from utenforskap.registry import INDICATORS

__all__ = [
    "display_names",
    "districts_of",
    "high_is_bad_of",
    "latest_period",
    "period_order",
    "reference_row",
    "select",
    "single",
    "unit_of",
]


def select(data: pd.DataFrame, **criteria: object) -> pd.DataFrame:
    """Rows of ``data`` matching every ``column=value`` given (None means any).

    Parameters
    ----------
    data
        An IndicatorFrame.
    **criteria
        Column name → wanted value; ``None`` skips the column.

    Returns
    -------
    pandas.DataFrame
        Matching rows, in the frame's order.

    Raises
    ------
    DataError
        When a column is missing or nothing matches; the message lists the values
        available.
    """
    mask = pd.Series(True, index=data.index)
    for column, wanted in criteria.items():
        if wanted is None:
            continue
        if column not in data.columns:
            raise DataError(f"missing column; have {list(data.columns)}", column=column)
        mask &= data[column] == wanted
        if not mask.any():
            available = sorted(map(str, data[column].unique()))[:20]
            raise DataError(
                f"no rows with {column} = {wanted!r}; available: {available}",
                column=column,
                value=wanted,
            )
    return data.loc[mask]


def single(data: pd.DataFrame, column: str) -> str:
    """The one value of ``column`` in ``data``; DataError when there are several."""
    values = data[column].unique()
    if len(values) != 1:
        raise DataError(
            f"the chart needs one {column}; the data have {sorted(map(str, values))[:10]} "
            f"(pass {column}=...)",
            column=column,
        )
    return str(values[0])


def high_is_bad_of(indicator: str, given: bool | None) -> bool:
    """Direction of an indicator: ``given`` when set, else the registry's (default True)."""
    if given is not None:
        return bool(given)
    return INDICATORS[indicator].high_is_bad if indicator in INDICATORS else True


def unit_of(indicator: str, lang: str) -> str:
    """Unit of an indicator from the registry (``""`` when unknown)."""
    return INDICATORS[indicator].unit(lang) if indicator in INDICATORS else ""


def reference_row(rows: pd.DataFrame) -> tuple[str, float, str]:
    """The reference shared by most rows: its code, value and display name.

    Parameters
    ----------
    rows
        IndicatorFrame rows of one indicator, period, age band and sex.

    Returns
    -------
    tuple
        ``(code, value, name)``; value is NaN when unknown, code ``""`` when
        the rows name no reference.
    """
    refs = rows[F.REFERENCE][rows[F.REFERENCE].fillna("") != ""]
    if refs.empty:
        return "", float("nan"), ""
    code = str(refs.value_counts(sort=True).index[0])
    own = rows[rows[F.REGION] == code]
    if not own.empty and not bool(own[F.SUPPRESSED].iloc[0]):
        value = float(own[F.VALUE].iloc[0])
        name = str(own[F.REGION_NAME].iloc[0]) or code
    else:
        finite = rows.loc[rows[F.REFERENCE] == code, F.REFERENCE_VALUE].dropna()
        value = float(finite.iloc[0]) if not finite.empty else float("nan")
        name = str(own[F.REGION_NAME].iloc[0]) if not own.empty else code
    return code, value, name or code


def districts_of(rows: pd.DataFrame, reference: str) -> pd.DataFrame:
    """The rows compared with ``reference``, without it and without "unknown district" codes.

    Parameters
    ----------
    rows
        IndicatorFrame rows of one indicator, period, age band and sex.
    reference
        Code of the reference region (``""``: every row but unknown districts).

    Returns
    -------
    pandas.DataFrame
        The district rows, in the frame's order.
    """
    codes = rows[F.REGION].astype(str).to_numpy()
    keep = ~is_unknown_district(codes) & (codes != reference)
    if reference:
        keep &= rows[F.REFERENCE].to_numpy(dtype=object) == reference
    return rows.loc[np.asarray(keep, dtype=bool)]


def display_names(rows: pd.DataFrame) -> list[str]:
    """Region name, or the code where the name is empty, for each row."""
    names = rows[F.REGION_NAME].fillna("").astype(str).to_numpy(dtype=object)
    codes = rows[F.REGION].astype(str).to_numpy(dtype=object)
    return [str(v) for v in np.where(names != "", names, codes)]


def period_order(periods: Iterable[object]) -> list[str]:
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
    >>> period_order(["2024", "2022-2024", "2021-2023", "2023"])
    ['2021-2023', '2023', '2022-2024', '2024']
    """
    labels = list(dict.fromkeys(map(str, periods)))
    years = pd.Series(labels, dtype=object).str.findall(r"\d{4}")
    last = [int(y[-1]) if y else -1 for y in years]
    first = [int(y[0]) if y else -1 for y in years]
    return [label for _, _, label in sorted(zip(last, first, labels, strict=True))]


def latest_period(periods: Iterable[object]) -> str:
    """The latest of ``periods`` by :func:`period_order`."""
    return period_order(periods)[-1]
