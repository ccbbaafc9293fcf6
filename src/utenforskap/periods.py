"""Pooling of consecutive years: counts are summed, never rates averaged."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError

__all__ = ["COVERAGE_COLUMNS", "Pooled", "pool_periods"]

#: Columns of :attr:`Pooled.coverage`.
COVERAGE_COLUMNS: tuple[str, ...] = (
    *F.KEY_COLUMNS,
    "window",
    "years",
    "years_pooled",
    "missing_years",
)


class Pooled(NamedTuple):
    """Result of :func:`pool_periods`: the pooled CountFrame and its coverage report."""

    counts: pd.DataFrame
    coverage: pd.DataFrame


def _windows(value: int | Mapping[str, int], indicators: np.ndarray) -> np.ndarray:
    def check(window: object, where: str) -> int:
        if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
            raise DataError(f"window must be a whole number ≥ 1; not {window!r}", column=where)
        return int(window)

    if isinstance(value, Mapping):
        known = {str(k): check(v, f"window[{k!r}]") for k, v in value.items()}
        mapped = pd.Series(indicators, dtype=object).map(known)
        return mapped.fillna(0).to_numpy(dtype=np.int64)
    return np.full(len(indicators), check(value, "window"), dtype=np.int64)


def _years(counts: pd.DataFrame) -> np.ndarray:
    periods = counts[F.PERIOD].astype(str)
    is_year = periods.str.fullmatch(r"\d{4}").to_numpy(dtype=bool)
    if not is_year.all():
        position = int(np.flatnonzero(~is_year)[0])
        raise DataError(
            "pooling needs single years such as '2023' (this period is already pooled or "
            "not a year)",
            column=F.PERIOD,
            row=counts.index[position],
            value=counts[F.PERIOD].iloc[position],
        )
    return periods.to_numpy(dtype=object).astype(np.int64)


def pool_periods(
    counts: pd.DataFrame,
    window: int | Mapping[str, int] = 3,
    *,
    step: int = 1,
    min_years: int = 1,
) -> Pooled:
    """Sum numerators and denominators over windows of consecutive years.

    A window ending in year *e* covers *e − window + 1* … *e* and is labelled
    ``"2021-2023"``. Windows end at the last year observed for the indicator
    and then every ``step`` years back, as long as the window starts no earlier
    than the first year observed (``step=1``: rolling windows, FHI's
    Kommunehelsa practice; ``step=window``: non-overlapping). A year without a
    usable count in a window (no row, or a row with a status symbol) is a gap:
    it is reported in the coverage table, not filled; the pool sums the years
    that are there.

    Parameters
    ----------
    counts
        A CountFrame whose periods are single years.
    window
        Years per pool, or a mapping indicator → years; indicators not in the
        mapping (or with window 1) pass through unchanged.
    step
        Years between the ends of successive windows.
    min_years
        Pools with fewer usable years than this get NaN counts and status
        ``".."`` (and are listed in the coverage table).

    Returns
    -------
    Pooled
        A named tuple ``(counts, coverage)``. ``counts`` is a CountFrame
        (sorted by key) with the pooled periods; ``coverage`` has one row per
        pooled cell: the key columns, ``window``, ``years`` (the years the
        window spans, e.g. ``"2021,2022,2023"``), ``years_pooled`` (how many
        went into the sums) and ``missing_years`` (the gaps, comma-separated,
        ``""`` when none).

    Raises
    ------
    DataError
        A period that is not a single year; a window, step or min_years that is
        not a whole number ≥ 1.

    References
    ----------
    Folkehelseinstituttet, Kommunehelsa statistikkbank: rolling three-year
    averages are computed from summed counts (khfunctions).

    Examples
    --------
    >>> from utenforskap import frames as F
    >>> import pandas as pd
    >>> cf = pd.DataFrame({"indicator": "neet", "region": "0301", "region_name": "",
    ...     "period": ["2021", "2022", "2023"], "age": "16-25", "sex": "total",
    ...     "numerator": [5.0, 7.0, 6.0], "denominator": [100.0, 110.0, 90.0], "status": ""})
    >>> pooled, coverage = pool_periods(cf, 3)
    >>> pooled[["period", "numerator", "denominator"]].to_numpy().tolist()
    [['2021-2023', 18.0, 300.0]]
    """
    for name, value in (("step", step), ("min_years", min_years)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise DataError(f"{name} must be a whole number ≥ 1; not {value!r}")
    F.validate_counts(counts)
    if counts.empty:
        return Pooled(F.empty_counts(), pd.DataFrame(columns=list(COVERAGE_COLUMNS)))
    frame = counts.reset_index(drop=True)
    sizes = _windows(window, frame[F.INDICATOR].to_numpy(dtype=object))
    pooled_mask = sizes > 1
    passthrough = frame.loc[~pooled_mask, list(F.COUNT_COLUMNS)]
    work = frame.loc[pooled_mask].copy()
    if work.empty:
        empty = pd.DataFrame(columns=list(COVERAGE_COLUMNS))
        return Pooled(F.sort_frame(passthrough), empty)
    work["_year"] = _years(work)
    work["_window"] = sizes[pooled_mask]
    span = work.groupby(F.INDICATOR, sort=False)["_year"].agg(["min", "max"])
    work["_first"] = work[F.INDICATOR].map(span["min"]).to_numpy(dtype=np.int64)
    work["_last"] = work[F.INDICATOR].map(span["max"]).to_numpy(dtype=np.int64)

    # Each yearly row belongs to the windows ending in year, year + 1, …,
    # year + window − 1; expand rows once per offset (a handful of offsets).
    parts = []
    for offset in range(int(work["_window"].max())):
        part = work.loc[work["_window"] > offset].copy()
        part["_end"] = part["_year"] + offset
        parts.append(part)
    expanded = pd.concat(parts, ignore_index=True)
    end = expanded["_end"].to_numpy(dtype=np.int64)
    size = expanded["_window"].to_numpy(dtype=np.int64)
    keep = (
        (end <= expanded["_last"].to_numpy())
        & (end - size + 1 >= expanded["_first"].to_numpy())
        & ((expanded["_last"].to_numpy() - end) % step == 0)
    )
    expanded = expanded.loc[keep]
    if expanded.empty:
        empty = pd.DataFrame(columns=list(COVERAGE_COLUMNS))
        return Pooled(F.sort_frame(passthrough), empty)
    expanded["_usable"] = (expanded[F.STATUS] == "").to_numpy()
    expanded["_ux"] = expanded[F.NUMERATOR].where(expanded["_usable"], 0.0)
    expanded["_un"] = expanded[F.DENOMINATOR].where(expanded["_usable"], 0.0)
    expanded["_uyear"] = expanded["_year"].where(expanded["_usable"], 0)

    cell = [F.INDICATOR, F.REGION, F.AGE, F.SEX, "_end", "_window"]
    grouped = expanded.groupby(cell, sort=True).agg(
        numerator=("_ux", "sum"),
        denominator=("_un", "sum"),
        years_pooled=("_usable", "sum"),
        region_name=(F.REGION_NAME, "first"),
    )
    out = grouped.reset_index()
    out_end = out["_end"].to_numpy(dtype=np.int64)
    out_window = out["_window"].to_numpy(dtype=np.int64)
    out_start = out_end - out_window + 1
    out[F.PERIOD] = (
        pd.Series(out_start.astype(str), dtype=object) + "-" + out_end.astype(str).astype(object)
    ).to_numpy(dtype=object)
    too_few = out["years_pooled"].to_numpy() < min_years
    out.loc[too_few, [F.NUMERATOR, F.DENOMINATOR]] = np.nan
    out[F.STATUS] = np.where(too_few, "..", "").astype(object)
    out[F.REGION_NAME] = out[F.REGION_NAME].astype(object)
    pooled = out[list(F.COUNT_COLUMNS)].astype({F.PERIOD: object, F.STATUS: object})

    # Spell out the span and the gaps, one year offset at a time (a handful).
    usable = expanded.loc[expanded["_usable"], [*cell, "_year"]].assign(_present=True)
    years_text = np.full(len(out), "", dtype=object)
    missing_text = np.full(len(out), "", dtype=object)
    for offset in range(int(out_window.max())):
        year = out_start + offset
        in_span = offset < out_window
        probe = out[cell].assign(_year=year)
        present = (
            probe.merge(usable, on=[*cell, "_year"], how="left")["_present"]
            .fillna(False)
            .to_numpy(dtype=bool)
        )
        piece = np.where(in_span, year.astype(str).astype(object) + ",", "")
        years_text = years_text + piece
        missing_text = missing_text + np.where(present, "", piece)
    coverage = out[[F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX]].assign(
        window=out_window,
        years=pd.Series(years_text, dtype=object).str.rstrip(",").to_numpy(dtype=object),
        years_pooled=out["years_pooled"].to_numpy(dtype=np.int64),
        missing_years=pd.Series(missing_text, dtype=object).str.rstrip(",").to_numpy(dtype=object),
    )
    combined = pd.concat([passthrough, pooled], ignore_index=True)
    return Pooled(F.sort_frame(combined), F.sort_frame(coverage)[list(COVERAGE_COLUMNS)])
