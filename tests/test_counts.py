"""The one summing rule: pooling, roll-up, re-banding and mapping treat status symbols alike."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utenforskap import frames as F
from utenforskap.ages import reband
from utenforskap.counts import STATUS_SYMBOLS, part_counts, sum_into, sum_status
from utenforskap.geo import rollup
from utenforskap.io import ObservationMapping, observations_to_counts
from utenforskap.periods import pool_periods


def _cells(statuses, numerators, denominators, *, period, region, age) -> pd.DataFrame:
    k = len(statuses)

    def spread(value):
        return list(value) if isinstance(value, list) else [value] * k

    return pd.DataFrame(
        {
            F.INDICATOR: "neet",
            F.REGION: spread(region),
            F.REGION_NAME: "",
            F.PERIOD: spread(period),
            F.AGE: spread(age),
            F.SEX: "total",
            F.GROUP: "total",
            F.NUMERATOR: np.asarray(numerators, dtype=float),
            F.DENOMINATOR: np.asarray(denominators, dtype=float),
            F.STATUS: list(statuses),
        }
    )


def test_the_issue_example_three_years_with_a_true_zero():
    # Issue 11: 10/100 (""), 0/100 ("-"), 8/100 ("") is 18/300 with no missing year,
    # whether the three cells are pooled years, districts rolled up, or age bands.
    cells = dict(statuses=["", "-", ""], numerators=[10, 0, 8], denominators=[100, 100, 100])
    pooled = pool_periods(
        _cells(**cells, period=["2021", "2022", "2023"], region="0301", age="16-25"), window=3
    )
    assert pooled.counts[[F.NUMERATOR, F.DENOMINATOR, F.STATUS]].values.tolist() == [
        [18.0, 300.0, ""]
    ]
    assert pooled.coverage["missing_years"].tolist() == [""]
    rolled = rollup(
        _cells(**cells, period="2023", region=["030101", "030102", "030199"], age="16-25")
    )
    assert rolled[[F.NUMERATOR, F.DENOMINATOR, F.STATUS]].values.tolist() == [[18.0, 300.0, ""]]
    banded = reband(
        _cells(**cells, period="2023", region="0301", age=["16-17", "18-19", "20-25"]), ["16-25"]
    )
    assert banded[[F.NUMERATOR, F.DENOMINATOR, F.STATUS]].values.tolist() == [[18.0, 300.0, ""]]


def test_part_counts_meanings():
    parts = part_counts(
        ["", "-", ".", "..", "...", ":", ""],
        [3, np.nan, 9, np.nan, np.nan, np.nan, np.nan],
        [10, 10, 20, np.nan, np.nan, np.nan, 5],
    )
    assert parts.numerator.tolist() == [3, 0, 0, 0, 0, 0, 0]
    assert parts.denominator.tolist() == [10, 10, 0, 0, 0, 0, 0]
    assert parts.applicable.tolist() == [True, True, False, True, True, True, True]
    # A blank count without a symbol is unknown: it is never silently 0.
    assert parts.unknown.tolist() == [False, False, False, True, True, True, True]
    assert sum_status([True] * 4, [0, 1, 2, 3]).tolist() == ["", "..", "...", ":"]


def test_mapping_sums_codes_by_the_same_rule():
    frame = pd.DataFrame(
        {
            "Region": ["0301"] * 6,
            "Tid": ["2023"] * 6,
            "Alder": ["016", "017", "018"] * 2,
            "ContentsCode": ["NEET"] * 3 + ["Personer"] * 3,
            "value": [5.0, np.nan, 2.0, 50.0, 40.0, 30.0],
            "status": ["", "-", "", "", "", ""],
        }
    )
    mapping = ObservationMapping(
        "neet",
        region="Region",
        period="Tid",
        age="Alder",
        numerator="NEET",
        denominator="Personer",
        age_map={"016": "16-18", "017": "16-18", "018": "16-18"},
    )
    out = observations_to_counts(frame, mapping)
    assert out[[F.NUMERATOR, F.DENOMINATOR, F.STATUS]].values.tolist() == [[7.0, 120.0, ""]]


_cell = st.one_of(
    st.tuples(st.just(""), st.integers(0, 40), st.integers(0, 60)).map(
        lambda t: (t[0], min(t[1], t[2]), max(t[1], t[2]))
    ),
    st.tuples(st.just("-"), st.just(0), st.integers(0, 60)),
    st.tuples(st.sampled_from([".", "..", "...", ":"]), st.just(np.nan), st.just(np.nan)),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_cell, min_size=2, max_size=6))
def test_pooling_rollup_and_reband_agree_on_totals_and_status(cells):
    """The same cells summed as years, as districts and as ages give one answer."""
    statuses = [c[0] for c in cells]
    assert set(statuses) <= set(STATUS_SYMBOLS)
    x = [c[1] for c in cells]
    n = [c[2] for c in cells]
    k = len(cells)
    years = [str(2000 + i) for i in range(k)]
    pooled = pool_periods(
        _cells(statuses, x, n, period=years, region="0301", age="16-25"), window=k
    ).counts
    pooled = pooled[pooled[F.PERIOD] == f"{years[0]}-{years[-1]}"]
    districts = [f"0301{i + 1:02d}" for i in range(k)]
    rolled = rollup(_cells(statuses, x, n, period="2000", region=districts, age="16-25"))
    ages = [str(16 + i) for i in range(k)]
    banded = reband(
        _cells(statuses, x, n, period="2000", region="0301", age=ages), [f"16-{15 + k}"]
    )
    direct = sum_into(
        _cells(statuses, x, n, period="2000", region="0301", age=ages), F.AGE, ["all"] * k
    )
    results = [pooled, rolled, banded, direct]
    got = [
        (frame[F.STATUS].iloc[0], frame[F.NUMERATOR].iloc[0], frame[F.DENOMINATOR].iloc[0])
        for frame in results
    ]
    assert all(len(frame) == 1 for frame in results)
    first = got[0]
    for other in got[1:]:
        assert other[0] == first[0]
        np.testing.assert_equal(other[1:], first[1:])
    # And the rule itself, stated independently of the code.
    applicable = [s != "." for s in statuses]
    unknown = [s in ("..", "...", ":") for s in statuses]
    if not any(applicable):
        expected = "."
    elif ":" in statuses:
        expected = ":"
    elif "..." in statuses:
        expected = "..."
    elif any(unknown):
        expected = ".."
    else:
        expected = ""
    assert first[0] == expected
    if expected == "":
        total_x = sum(v for v, s in zip(x, statuses, strict=True) if s in ("", "-"))
        total_n = sum(v for v, s in zip(n, statuses, strict=True) if s in ("", "-"))
        assert (first[1], first[2]) == (total_x, total_n)
    else:
        assert np.isnan(first[1]) and np.isnan(first[2])


def test_pool_reports_gaps_but_sums_a_true_zero():
    frame = _cells(["", "-"], [4, 0], [40, 50], period=["2021", "2023"], region="0301", age="16")
    pooled = pool_periods(frame, window=3)
    assert pooled.counts[[F.PERIOD, F.NUMERATOR, F.DENOMINATOR]].values.tolist() == [
        ["2021-2023", 4.0, 90.0]
    ]
    assert pooled.coverage[["years_pooled", "missing_years"]].values.tolist() == [[2, "2022"]]


@pytest.mark.parametrize("symbol", ["..", "...", ":"])
def test_an_unknown_year_makes_the_pool_unknown(symbol):
    frame = _cells(
        ["", symbol, ""],
        [4, np.nan, 5],
        [40, np.nan, 50],
        period=["2021", "2022", "2023"],
        region="0301",
        age="16",
    )
    pooled = pool_periods(frame, window=3).counts
    assert pooled[F.STATUS].tolist() == [symbol]
