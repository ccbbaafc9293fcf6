"""Pooling of years: sums, labels, gaps, coverage report."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utenforskap import frames as F
from utenforskap.errors import DataError, ParameterError
from utenforskap.periods import COVERAGE_COLUMNS, parse_period, pool_periods


def _counts(years, numerators, denominators, *, indicator="neet", region="030101", status=None):
    size = len(years)
    return pd.DataFrame(
        {
            F.INDICATOR: indicator,
            F.REGION: region,
            F.REGION_NAME: "Gamle Oslo",
            F.PERIOD: [str(y) for y in years],
            F.AGE: "16-25",
            F.SEX: "total",
            F.NUMERATOR: np.asarray(numerators, dtype=float),
            F.DENOMINATOR: np.asarray(denominators, dtype=float),
            F.STATUS: status if status is not None else [""] * size,
        }
    )


def test_rolling_three_year_pools_sum_counts_and_are_labelled():
    cf = _counts([2019, 2020, 2021, 2022], [1, 2, 3, 4], [10, 20, 30, 40])
    pooled, coverage = pool_periods(cf, window=3)
    assert pooled[F.PERIOD].tolist() == ["2019-2021", "2020-2022"]
    assert pooled[F.NUMERATOR].tolist() == [6.0, 9.0]
    assert pooled[F.DENOMINATOR].tolist() == [60.0, 90.0]
    assert pooled[F.REGION_NAME].tolist() == ["Gamle Oslo"] * 2
    assert list(pooled.columns) == list(F.COUNT_COLUMNS)
    F.validate_counts(pooled)
    assert list(coverage.columns) == list(COVERAGE_COLUMNS)
    assert coverage["years_pooled"].tolist() == [3, 3]
    assert coverage["missing_years"].tolist() == ["", ""]
    assert coverage["years"].tolist() == ["2019,2020,2021", "2020,2021,2022"]


def test_gaps_are_reported_not_filled():
    cf = _counts(
        [2019, 2021, 2022, 2023], [1, 3, 4, 5], [10, 30, 40, 50], status=["", "", "..", ""]
    )
    cf.loc[2, [F.NUMERATOR, F.DENOMINATOR]] = np.nan
    pooled, coverage = pool_periods(cf, window=3)
    # A year without a row is a gap (the pool sums the rest); a year whose value
    # is missing ("..") makes the pool unknown, as in a roll-up (counts.sum_into).
    got = dict(zip(pooled[F.PERIOD], pooled[F.NUMERATOR], strict=True))
    assert got[("2019-2021")] == 4.0
    assert np.isnan(got["2020-2022"]) and np.isnan(got["2021-2023"])
    assert pooled[F.STATUS].tolist() == ["", "..", ".."]
    gaps = dict(zip(coverage[F.PERIOD], coverage["missing_years"], strict=True))
    assert gaps == {"2019-2021": "2020", "2020-2022": "2020,2022", "2021-2023": "2022"}
    assert coverage["years_pooled"].tolist() == [2, 1, 2]


def test_min_years_marks_thin_pools_missing_and_step_gives_non_overlapping_windows():
    cf = _counts([2018, 2019, 2020, 2022, 2023], [1, 2, 3, 5, 6], [10, 20, 30, 50, 60])
    pooled, coverage = pool_periods(cf, window=3, step=3, min_years=3)
    assert pooled[F.PERIOD].tolist() == ["2018-2020", "2021-2023"]
    assert pooled[F.NUMERATOR].iloc[0] == 6.0
    assert np.isnan(pooled[F.NUMERATOR].iloc[1]) and pooled[F.STATUS].iloc[1] == ".."
    assert coverage["missing_years"].tolist() == ["", "2021"]


def test_window_per_indicator_and_passthrough():
    cf = pd.concat(
        [
            _counts([2021, 2022, 2023], [1, 2, 3], [10, 20, 30], indicator="ungdata_loneliness"),
            _counts([2022, 2023], [5, 6], [50, 60], indicator="neet"),
        ],
        ignore_index=True,
    )
    pooled, coverage = pool_periods(cf, window={"ungdata_loneliness": 3})
    assert pooled[[F.INDICATOR, F.PERIOD]].to_numpy().tolist() == [
        ["neet", "2022"],
        ["neet", "2023"],
        ["ungdata_loneliness", "2021-2023"],
    ]
    assert coverage[F.INDICATOR].unique().tolist() == ["ungdata_loneliness"]


def test_errors():
    with pytest.raises(DataError, match="column 'period', row 0, value '2021-2023': pooling needs"):
        pool_periods(_counts(["2021-2023"], [1], [10]), window=3)
    with pytest.raises(ParameterError, match="window must be a whole number ≥ 1; not 0"):
        pool_periods(_counts([2021], [1], [10]), window=0)
    with pytest.raises(ParameterError, match="step must be a whole number ≥ 1"):
        pool_periods(_counts([2021], [1], [10]), window=3, step=0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=9),
    st.integers(1, 5),
    st.sets(st.integers(0, 8), max_size=4),
)
def test_pooled_counts_equal_the_sum_of_yearly_counts(values, window, dropped):
    years = [2010 + i for i in range(len(values)) if i not in dropped] or [2010]
    keep = [v for i, v in enumerate(values) if i not in dropped] or [values[0]]
    numer = [min(a, a + b) for a, b in keep]
    denom = [a + b for a, b in keep]
    two = pd.concat(
        [_counts(years, numer, denom), _counts(years, numer, denom, region="030102")],
        ignore_index=True,
    )
    pooled, coverage = pool_periods(two, window=window)
    yearly = dict(zip(years, zip(numer, denom, strict=True), strict=True))
    for row in pooled.itertuples(index=False):
        first, last = (
            (int(p) for p in row.period.split("-"))
            if "-" in row.period
            else (int(row.period), int(row.period))
        )
        inside = [yearly[y] for y in range(first, last + 1) if y in yearly]
        assert row.numerator == sum(v[0] for v in inside)
        assert row.denominator == sum(v[1] for v in inside)
    assert (
        coverage["years_pooled"]
        + coverage["missing_years"].str.len().gt(0)
        * coverage["missing_years"].str.count(",").add(1)
        == coverage["window"]
    ).all()


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("2024", (2024, 2024, False)),
        ("2022-2024", (2022, 2024, False)),
        ("2023/24", (2023, 2023, True)),
        ("1999/00", (1999, 1999, True)),
        ("2016/17-2018/19", (2016, 2018, True)),
    ],
)
def test_period_vocabulary(label, expected):
    assert tuple(parse_period(label)) == expected


@pytest.mark.parametrize(
    ("label", "hint"),
    [
        ("2024.0", "write 2024"),
        ("2024Q1", "quarters"),
        ("2024M03", "months"),
        ("2021_2023", "write a span with a hyphen: 2021-2023"),
        ("20x9", None),
        ("2024-2022", None),
        ("2024-2024", None),
        ("2023/25", None),
        (" 2024", "spaces"),
        ("", None),
    ],
)
def test_periods_outside_the_vocabulary_are_errors_with_hints(label, hint):
    with pytest.raises(DataError, match="not a period") as info:
        parse_period(label)
    assert info.value.value == label
    if hint is None:
        assert info.value.hint is None
    else:
        assert hint in info.value.hint


def test_a_counts_frame_with_a_quarter_names_the_row():
    cf = _counts([2023, 2024], [1, 2], [10, 20])
    cf.loc[1, F.PERIOD] = "2024Q1"
    with pytest.raises(DataError, match=r"x.csv, column 'period', row 1, value '2024Q1'"):
        F.validate_counts(cf, source="x.csv")
