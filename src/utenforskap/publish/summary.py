"""Key findings ("Hovedfunn") of a published frame: kommune vs country, districts, trends."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.periods import parse_period
from utenforskap.plot.style import comparison_key
from utenforskap.select import (
    barometer_cells,
    display_names,
    hidden_cells,
    indicator_title,
    is_high_bad,
    reference_of,
    region_label,
    sort_periods,
    widest_ages,
)
from utenforskap.stats.compare import two_proportion_test

__all__ = ["KeyFindings", "key_findings"]

#: Columns of :attr:`KeyFindings.versus_country`.
VERSUS_COLUMNS = (
    F.INDICATOR,
    "title",
    F.AGE,
    F.PERIOD,
    F.VALUE,
    F.CI_LOWER,
    F.CI_UPPER,
    F.REFERENCE,
    "reference_name",
    F.REFERENCE_VALUE,
    "judgement",
)
#: Columns of :attr:`KeyFindings.worse_districts`.
DISTRICT_COLUMNS = (F.REGION, F.REGION_NAME, "n_worse", "n_better", "n_shown", "worse_on")
#: Columns of :attr:`KeyFindings.trends`.
TREND_COLUMNS = (
    F.INDICATOR,
    "title",
    F.AGE,
    "first",
    "last",
    "first_value",
    "last_value",
    "change",
    "p_value",
    "judgement",
)


@dataclass(frozen=True)
class KeyFindings:
    """What the summary page, the deck's summary slide and the index page say first.

    Attributes
    ----------
    kommune, kommune_name
        The region the districts are compared with (their reference).
    versus_country
        Per indicator (widest age band, latest period, both sexes, whole
        population): the kommune's value and interval, the reference it was
        compared with (the country by default) and ``judgement`` (``worse``,
        ``better``, ``similar``, ``not_tested``, or ``suppressed``), respecting
        each indicator's direction.
    worse_districts
        Districts clearly worse than the kommune on at least ``several``
        indicators: ``n_worse``, ``n_better``, ``n_shown`` (published cells),
        ``worse_on`` (indicator titles); most worse first.
    trends
        Per indicator, the kommune's change from the earliest period that does
        not overlap the latest to the latest: values, ``change`` (the
        difference in the indicator's unit), the two-sided ``p_value`` of the
        pooled two-proportion z-test on the counts (NaN without published
        counts), and ``judgement`` (``worse``, ``better``, ``similar`` or
        ``not_tested``); clear changes first, then by size.
    periods
        The latest periods shown.
    level
        The confidence level of the comparisons.
    """

    kommune: str
    kommune_name: str
    versus_country: pd.DataFrame
    worse_districts: pd.DataFrame
    trends: pd.DataFrame
    periods: tuple[str, ...]
    level: float


def _whole(data: pd.DataFrame) -> pd.DataFrame:
    keep = data[F.SEX].to_numpy(dtype=object) == "total"
    if F.GROUP in data:
        keep &= data[F.GROUP].to_numpy(dtype=object) == F.GROUP_TOTAL
    return data[keep]


def _overlaps(a: str, b: str) -> bool:
    pa, pb = parse_period(a), parse_period(b)
    return not (pa.last < pb.first or pb.last < pa.first)


def _versus(rows: pd.DataFrame, kommune: str, ages: dict[str, str], lang: str) -> pd.DataFrame:
    out = []
    for ind_id, band in ages.items():
        cells = rows[(rows[F.INDICATOR] == ind_id) & (rows[F.AGE] == band)]
        if cells.empty:
            continue
        latest = sort_periods(cells[F.PERIOD])[-1]
        own = cells[(cells[F.PERIOD] == latest) & (cells[F.REGION] == kommune)]
        if own.empty:
            continue
        row = own.iloc[0]
        hidden = bool(hidden_cells(own)[0])
        ref = str(row[F.REFERENCE] or "")
        judgement = (
            "suppressed"
            if hidden
            else comparison_key(str(row[F.COMPARISON]), high_is_bad=is_high_bad(ind_id))
        )
        out.append(
            (
                ind_id,
                indicator_title(ind_id, lang=lang),
                band,
                latest,
                np.nan if hidden else float(row[F.VALUE]),
                np.nan if hidden else float(row[F.CI_LOWER]),
                np.nan if hidden else float(row[F.CI_UPPER]),
                ref,
                region_label(ref, data=rows, lang=lang) if ref else "",
                float(row[F.REFERENCE_VALUE]) if pd.notna(row[F.REFERENCE_VALUE]) else np.nan,
                judgement,
            )
        )
    return pd.DataFrame(out, columns=list(VERSUS_COLUMNS))


def _districts(data: pd.DataFrame, ages: dict[str, str], several: int, lang: str) -> pd.DataFrame:
    cells = barometer_cells(data, ages=ages, context=False)
    cells = cells[cells["row"] > 0]
    if cells.empty:
        return pd.DataFrame(columns=list(DISTRICT_COLUMNS))
    shown = ~hidden_cells(cells) & cells[F.VALUE].notna().to_numpy()
    keys = np.array(
        [
            comparison_key(str(c), high_is_bad=is_high_bad(str(i)))
            for c, i in zip(cells[F.COMPARISON], cells[F.INDICATOR], strict=True)
        ],
        dtype=object,
    )
    table = cells.assign(
        _worse=(keys == "worse") & shown,
        _better=(keys == "better") & shown,
        _shown=shown,
        _title=[indicator_title(str(i), lang=lang) for i in cells[F.INDICATOR]],
    )
    out = []
    for code, part in table.groupby(F.REGION, sort=True):
        worse = part[part["_worse"]]
        out.append(
            (
                str(code),
                display_names(part.head(1), lang=lang)[0],
                int(part["_worse"].sum()),
                int(part["_better"].sum()),
                int(part["_shown"].sum()),
                "; ".join(worse["_title"]),
            )
        )
    frame = pd.DataFrame(out, columns=list(DISTRICT_COLUMNS))
    frame = frame[frame["n_worse"] >= several]
    return frame.sort_values(
        ["n_worse", "n_better", F.REGION], ascending=[False, True, True], kind="mergesort"
    ).reset_index(drop=True)


def _trends(
    rows: pd.DataFrame, kommune: str, ages: dict[str, str], level: float, lang: str
) -> pd.DataFrame:
    out = []
    for ind_id, band in ages.items():
        own = rows[
            (rows[F.INDICATOR] == ind_id) & (rows[F.AGE] == band) & (rows[F.REGION] == kommune)
        ]
        own = own[~hidden_cells(own) & own[F.VALUE].notna().to_numpy()]
        periods = sort_periods(own[F.PERIOD])
        if len(periods) < 2:
            continue
        last = periods[-1]
        earlier = [p for p in periods[:-1] if not _overlaps(p, last)]
        if not earlier:
            continue
        first = earlier[0]
        a = own[own[F.PERIOD] == first].iloc[0]
        b = own[own[F.PERIOD] == last].iloc[0]
        counted = all(
            np.isfinite(float(r[c])) and float(r[F.DENOMINATOR]) > 0
            for r in (a, b)
            for c in (F.NUMERATOR, F.DENOMINATOR)
        )
        p = (
            float(
                two_proportion_test(
                    a[F.NUMERATOR], a[F.DENOMINATOR], b[F.NUMERATOR], b[F.DENOMINATOR]
                )
            )
            if counted
            else np.nan
        )
        change = float(b[F.VALUE]) - float(a[F.VALUE])
        if not np.isfinite(p):
            judgement = "not_tested"
        elif p >= 1.0 - level:
            judgement = "similar"
        else:
            up = "higher" if change > 0 else "lower"
            judgement = comparison_key(up, high_is_bad=is_high_bad(ind_id))
        out.append(
            (
                ind_id,
                indicator_title(ind_id, lang=lang),
                band,
                first,
                last,
                float(a[F.VALUE]),
                float(b[F.VALUE]),
                change,
                p,
                judgement,
            )
        )
    frame = pd.DataFrame(out, columns=list(TREND_COLUMNS))
    clear = frame["judgement"].isin(["worse", "better"]).to_numpy()
    order = np.lexsort((frame[F.INDICATOR].to_numpy(dtype=str), -np.abs(frame["change"]), ~clear))
    return frame.iloc[order].reset_index(drop=True)


def key_findings(data: pd.DataFrame, *, several: int = 2, lang: str = "nb") -> KeyFindings:
    """The key findings of a published IndicatorFrame, for the summary page and slide.

    Parameters
    ----------
    data
        A published IndicatorFrame (through disclosure control). Each
        indicator is read at its widest age band, both sexes, the whole
        population; hidden cells are never used.
    several
        A district is listed when it is clearly worse than the kommune on at
        least this many indicators.
    lang
        ``"nb"`` or ``"en"`` for titles and names.

    Returns
    -------
    KeyFindings
        The three tables and the kommune, periods and confidence level.

    References
    ----------
    Changes over time use the pooled two-proportion z-test of
    :func:`utenforskap.stats.compare.two_proportion_test` (Agresti 2013, 3.1),
    on the counts of two periods that share no year.

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> found = key_findings(demo_indicators())
    >>> found.kommune_name, found.versus_country[["indicator", "judgement"]].values.tolist()[0]
    ('Eksempelkommune', ['neet', 'similar'])
    >>> found.worse_districts["region_name"].tolist()
    ['Sentrum', 'Sørhavna']
    """
    from utenforskap.disclosure import require_disclosed

    require_disclosed(data)
    rows = _whole(data)
    ages = widest_ages(rows)
    first = next(iter(ages))
    cells = rows[(rows[F.INDICATOR] == first) & (rows[F.AGE] == ages[first])]
    kommune = reference_of(cells[cells[F.PERIOD] == sort_periods(cells[F.PERIOD])[-1]]).code
    levels = rows[F.CI_LEVEL].dropna().unique()
    level = float(levels[0]) if len(levels) else 0.95
    versus = _versus(rows, kommune, ages, lang)
    return KeyFindings(
        kommune=kommune,
        kommune_name=region_label(kommune, data=rows, lang=lang) if kommune else "",
        versus_country=versus,
        worse_districts=_districts(rows, ages, several, lang),
        trends=_trends(rows, kommune, ages, level, lang),
        periods=tuple(sort_periods(versus[F.PERIOD])) if len(versus) else (),
        level=level,
    )
