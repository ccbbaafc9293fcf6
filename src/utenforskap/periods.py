"""Periods: the labels the package accepts, and pooling of consecutive years (counts summed)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.counts import MISSING, part_counts, sum_into
from utenforskap.errors import DataError, ParameterError

__all__ = [
    "COVERAGE_COLUMNS",
    "Period",
    "Pooled",
    "check_period_labels",
    "parse_period",
    "pool_periods",
]

#: Columns of :attr:`Pooled.coverage`.
COVERAGE_COLUMNS: tuple[str, ...] = (
    *F.KEY_COLUMNS,
    "window",
    "years",
    "years_pooled",
    "missing_years",
)


class Period(NamedTuple):
    """A parsed period label (see :func:`parse_period`)."""

    #: First calendar year covered (for a school year: the year it starts).
    first: int
    #: Last calendar year in which a covered period starts.
    last: int
    #: Whether the label counts school years (``2023/24``) rather than calendar years.
    school: bool


_YEAR = r"(\d{4})"
_SCHOOL = r"(\d{4})/(\d{2})"
_PERIOD_FORMS = (
    (re.compile(rf"^{_YEAR}$"), "year"),
    (re.compile(rf"^{_YEAR}-{_YEAR}$"), "span"),
    (re.compile(rf"^{_SCHOOL}$"), "school"),
    (re.compile(rf"^{_SCHOOL}-{_SCHOOL}$"), "school_span"),
)
_HINTS = (
    (re.compile(r"^\d{4}\.0+$"), "the year looks like a number from a spreadsheet: write {year}"),
    (re.compile(r"^\d{4}\s*[Qq]\d$|^\d{4}K\d$"), "quarters are not supported: give years"),
    (re.compile(r"^\d{4}[Mm]\d{2}$|^\d{4}-\d{2}$"), "months are not supported: give years"),
    (re.compile(r"^\d{4}_\d{4}$"), "write a span with a hyphen: {dash}"),
    (re.compile(r"^\s+|\s+$"), "remove the spaces around the period"),
)


def parse_period(label: object) -> Period:
    """Parse a period label: a year, a span of years, a school year or a span of school years.

    The package's period vocabulary, enforced on every table that enters it:
    ``"2024"``; ``"2022-2024"`` (a pooled span, first year before last);
    ``"2023/24"`` (a school year, the second part the following year);
    ``"2016/17-2018/19"``.

    Parameters
    ----------
    label
        The period as written.

    Returns
    -------
    Period
        ``first`` and ``last`` start years and whether they are school years.

    Raises
    ------
    DataError
        Anything else, with a hint for spreadsheet damage (``2024.0``),
        quarters (``2024Q1``) and FHI's ``2021_2023``.

    Examples
    --------
    >>> parse_period("2022-2024"), parse_period("2016/17-2018/19").school
    (Period(first=2022, last=2024, school=False), True)
    """
    text = str(label)
    for pattern, kind in _PERIOD_FORMS:
        match = pattern.match(text)
        if match is None:
            continue
        numbers = [int(g) for g in match.groups()]
        if kind == "year":
            return Period(numbers[0], numbers[0], school=False)
        if kind == "span" and numbers[0] < numbers[1]:
            return Period(numbers[0], numbers[1], school=False)
        if kind == "school" and (numbers[0] + 1) % 100 == numbers[1]:
            return Period(numbers[0], numbers[0], school=True)
        if (
            kind == "school_span"
            and numbers[0] < numbers[2]
            and (numbers[0] + 1) % 100 == numbers[1]
            and (numbers[2] + 1) % 100 == numbers[3]
        ):
            return Period(numbers[0], numbers[2], school=True)
        break
    hint = None
    for pattern, text_hint in _HINTS:
        if pattern.search(text):
            hint = text_hint.format(year=text.split(".")[0], dash=text.replace("_", "-"))
            break
    raise DataError(
        "not a period; expected a year '2024', a span '2022-2024', a school year '2023/24' "
        "or '2016/17-2018/19'",
        column=F.PERIOD,
        value=label,
        hint=hint,
    )


def check_period_labels(
    labels: object, *, source: object | None = None, column: str = F.PERIOD
) -> None:
    """Check that every period label is in the package's vocabulary (:func:`parse_period`).

    Parameters
    ----------
    labels
        Period labels (repeats allowed; each distinct label is parsed once).
    source, column
        Named in errors.

    Raises
    ------
    DataError
        The first label that is not a period, naming file, column and value.

    Examples
    --------
    >>> check_period_labels(["2023", "2021-2023", "2023/24"])
    """
    for label in pd.unique(pd.Series(np.asarray(labels, dtype=object)).astype(str)):
        try:
            parse_period(label)
        except DataError as exc:
            raise DataError(
                exc.problem, file=source, column=column, value=label, hint=exc.hint
            ) from None


class Pooled(NamedTuple):
    """Result of :func:`pool_periods`: the pooled CountFrame and its coverage report."""

    counts: pd.DataFrame
    coverage: pd.DataFrame


def _windows(value: int | Mapping[str, int], indicators: np.ndarray) -> np.ndarray:
    def check(window: object, where: str) -> int:
        if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
            raise ParameterError(
                f"window must be a whole number ≥ 1; not {window!r}", parameter=where, value=window
            )
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
    data: pd.DataFrame,
    *,
    window: int | Mapping[str, int] = 3,
    step: int = 1,
    min_years: int = 1,
) -> Pooled:
    """Sum numerators and denominators over windows of consecutive years.

    A window ending in year *e* covers *e − window + 1* … *e* and is labelled
    ``"2021-2023"``. Windows end at the last year observed for the indicator
    and then every ``step`` years back, as long as the window starts no earlier
    than the first year observed (``step=1``: rolling windows, FHI's
    Kommunehelsa practice; ``step=window``: non-overlapping). Years are summed
    by the package's one rule (:func:`utenforskap.counts.sum_into`): a ``-``
    year is a true zero, a ``.`` year adds nothing, and a year whose value is
    unknown (``..``, ``...``, ``:``) makes the pool unknown (``..``). A year
    without a row is a gap: the pool sums the years that are there, and the
    coverage table lists the gap.

    Parameters
    ----------
    data
        A CountFrame whose periods are single years.
    window
        Years per pool, or a mapping indicator → years; indicators not in the
        mapping (or with window 1) pass through unchanged.
    step
        Years between the ends of successive windows.
    min_years
        Pools with fewer usable years (present, or a true zero) than this get
        NaN counts and status ``".."`` (and are listed in the coverage table).

    Returns
    -------
    Pooled
        A named tuple ``(counts, coverage)``. ``counts`` is a CountFrame
        (sorted by key) with the pooled periods; ``coverage`` has one row per
        pooled cell: the key columns, ``window``, ``years`` (the years the
        window spans, e.g. ``"2021,2022,2023"``), ``years_pooled`` (how many
        had a usable value) and ``missing_years`` (years without a usable value:
        no row, ``.``, or unknown; comma-separated, ``""`` when none).

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
    >>> pooled, coverage = pool_periods(cf, window=3)
    >>> pooled[["period", "numerator", "denominator"]].to_numpy().tolist()
    [['2021-2023', 18.0, 300.0]]
    """
    for name, value in (("step", step), ("min_years", min_years)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ParameterError(
                f"{name} must be a whole number ≥ 1; not {value!r}", parameter=name, value=value
            )
    data = F.validate_counts(data)
    if data.empty:
        return Pooled(F.empty_counts(), pd.DataFrame(columns=list(COVERAGE_COLUMNS)))
    frame = data.reset_index(drop=True)
    sizes = _windows(window, frame[F.INDICATOR].to_numpy(dtype=object))
    pooled_mask = sizes > 1
    passthrough = frame.loc[~pooled_mask, list(F.COUNT_COLUMNS)]
    work = frame.loc[pooled_mask, list(F.COUNT_COLUMNS)].copy()
    empty = pd.DataFrame(columns=list(COVERAGE_COLUMNS))
    if work.empty:
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
    expanded = expanded.loc[keep].reset_index(drop=True)
    if expanded.empty:
        return Pooled(F.sort_frame(passthrough), empty)
    end = expanded["_end"].to_numpy(dtype=np.int64)
    start = end - expanded["_window"].to_numpy(dtype=np.int64) + 1
    label = pd.Series(start.astype(str), dtype=object) + "-" + pd.Series(end.astype(str))
    expanded[F.PERIOD] = label.to_numpy(dtype=object)
    # The one summing rule: "-" adds a zero, "." nothing, an unknown year
    # makes the pool unknown (utenforskap.counts).
    pooled = sum_into(expanded, F.PERIOD, expanded[F.PERIOD].to_numpy(dtype=object))

    cells = part_counts(
        expanded[F.STATUS].to_numpy(dtype=object),
        expanded[F.NUMERATOR].to_numpy(dtype=float),
        expanded[F.DENOMINATOR].to_numpy(dtype=float),
    )
    expanded["_usable"] = cells.applicable & ~cells.unknown
    keys = list(F.KEY_COLUMNS)
    per_cell = (
        expanded.groupby(keys, sort=True)
        .agg(years_pooled=("_usable", "sum"), _end=("_end", "first"), _window=("_window", "first"))
        .reset_index()
    )
    # Spell out the span and the gaps, one year offset at a time (a handful).
    usable = expanded.loc[expanded["_usable"], [*keys, "_year"]].assign(_present=True)
    out_end = per_cell["_end"].to_numpy(dtype=np.int64)
    out_window = per_cell["_window"].to_numpy(dtype=np.int64)
    out_start = out_end - out_window + 1
    years_text = np.full(len(per_cell), "", dtype=object)
    missing_text = np.full(len(per_cell), "", dtype=object)
    for offset in range(int(out_window.max())):
        year = out_start + offset
        in_span = offset < out_window
        probe = per_cell[keys].assign(_year=year)
        present = (
            probe.merge(usable, on=[*keys, "_year"], how="left")["_present"]
            .fillna(False)
            .to_numpy(dtype=bool)
        )
        piece = np.where(in_span, year.astype(str).astype(object) + ",", "")
        years_text = years_text + piece
        missing_text = missing_text + np.where(present, "", piece)
    coverage = per_cell[[F.INDICATOR, F.REGION, F.PERIOD, F.AGE, F.SEX, F.GROUP]].assign(
        window=out_window,
        years=pd.Series(years_text, dtype=object).str.rstrip(",").to_numpy(dtype=object),
        years_pooled=per_cell["years_pooled"].to_numpy(dtype=np.int64),
        missing_years=pd.Series(missing_text, dtype=object).str.rstrip(",").to_numpy(dtype=object),
    )
    # Too few usable years: the pool is not published as a figure.
    few = coverage.loc[coverage["years_pooled"] < min_years, keys].assign(_few=True)
    if len(few):
        flagged = pooled.merge(few, on=keys, how="left")["_few"].fillna(False)
        too_few = flagged.to_numpy(dtype=bool) & (pooled[F.STATUS] == "").to_numpy()
        pooled.loc[too_few, [F.NUMERATOR, F.DENOMINATOR]] = np.nan
        pooled.loc[too_few, F.STATUS] = MISSING
    combined = pd.concat([passthrough, pooled], ignore_index=True)
    return Pooled(F.sort_frame(combined), F.sort_frame(coverage)[list(COVERAGE_COLUMNS)])
