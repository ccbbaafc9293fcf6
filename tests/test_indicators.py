"""compute_indicators: CountFrame → IndicatorFrame with intervals and reference comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from utenforskap import frames as F
from utenforskap.errors import DataError, ParameterError
from utenforskap.indicators import compute_indicators, default_reference
from utenforskap.periods import pool_periods


def _frame(rows):
    regions, numerators, denominators, statuses = zip(*rows, strict=True)
    return pd.DataFrame(
        {
            F.INDICATOR: "neet",
            F.REGION: list(regions),
            F.REGION_NAME: "",
            F.PERIOD: "2023",
            F.AGE: "16-25",
            F.SEX: "total",
            F.NUMERATOR: np.asarray(numerators, dtype=float),
            F.DENOMINATOR: np.asarray(denominators, dtype=float),
            F.STATUS: list(statuses),
        }
    )


OSLO = _frame(
    [
        ("030102", 150, 1000, ""),
        ("030101", 90, 1000, ""),
        ("0301", 900, 10000, ""),
        ("0", 6000, 80000, ""),
        ("030103", np.nan, np.nan, ".."),
        ("3203", 200, 2500, ""),
    ]
)


def test_returns_exactly_the_indicator_columns_sorted_by_key():
    out = compute_indicators(OSLO)
    assert list(out.columns) == list(F.INDICATOR_COLUMNS)
    assert out[F.REGION].tolist() == sorted(OSLO[F.REGION].tolist())
    F.validate_indicators(out)


def test_default_reference_rule():
    assert default_reference(["030101", "1103010001", "03010101", "0301", "03", "0"]).tolist() == [
        "0301",
        "1103",
        "0301",
        "0",
        "0",
        "",
    ]
    out = compute_indicators(OSLO).set_index(F.REGION)
    assert out.loc["030101", F.REFERENCE] == "0301"
    assert out.loc["0301", F.REFERENCE] == "0"
    assert out.loc["0", F.REFERENCE] == ""
    assert out.loc["0", F.COMPARISON] == "not_tested"


def test_district_is_tested_against_the_rest_of_its_kommune():
    # Source: statsmodels proportions_ztest on bydel vs (kommune − bydel).
    out = compute_indicators(OSLO).set_index(F.REGION)
    expected = proportions_ztest([150, 900 - 150], [1000, 10000 - 1000])[1]
    assert out.loc["030102", F.P_VALUE] == pytest.approx(expected, rel=1e-9)
    assert out.loc["030102", F.COMPARISON] == "higher"
    assert out.loc["030102", F.REFERENCE_VALUE] == pytest.approx(9.0)
    expected_kommune = proportions_ztest([900, 6000 - 900], [10000, 80000 - 10000])[1]
    assert out.loc["0301", F.P_VALUE] == pytest.approx(expected_kommune, rel=1e-9)
    assert out.loc["0301", F.COMPARISON] == "higher"
    assert out.loc["3203", F.COMPARISON] == "similar"


def test_values_and_intervals_scaled_and_method_recorded():
    out = compute_indicators(OSLO, method="jeffreys", level=0.9, multiplier=100)
    ok = out[F.STATUS] == ""
    lower, upper = proportion_confint(
        out.loc[ok, F.NUMERATOR], out.loc[ok, F.DENOMINATOR], alpha=0.1, method="jeffreys"
    )
    np.testing.assert_allclose(out.loc[ok, F.CI_LOWER], lower * 100, rtol=1e-6)
    np.testing.assert_allclose(out.loc[ok, F.CI_UPPER], upper * 100, rtol=1e-6)
    np.testing.assert_allclose(
        out.loc[ok, F.VALUE], out.loc[ok, F.NUMERATOR] / out.loc[ok, F.DENOMINATOR] * 100
    )
    assert set(out[F.CI_METHOD]) == {"jeffreys"} and set(out[F.CI_LEVEL]) == {0.9}


def test_missing_counts_give_nan_and_not_tested():
    row = compute_indicators(OSLO).set_index(F.REGION).loc["030103"]
    assert np.isnan(row[F.VALUE]) and np.isnan(row[F.CI_LOWER]) and np.isnan(row[F.P_VALUE])
    assert row[F.COMPARISON] == "not_tested"
    assert row[F.REFERENCE_VALUE] == pytest.approx(9.0)


def test_reference_not_in_counts_is_not_tested():
    out = compute_indicators(OSLO[OSLO[F.REGION] != "0"]).set_index(F.REGION)
    assert out.loc["0301", F.REFERENCE] == "0"
    assert np.isnan(out.loc["0301", F.REFERENCE_VALUE])
    assert out.loc["0301", F.COMPARISON] == "not_tested"


def test_other_reference_choices():
    parent = compute_indicators(OSLO, reference="parent").set_index(F.REGION)
    assert parent.loc["0301", F.REFERENCE] == "03"
    land = compute_indicators(OSLO, reference="0").set_index(F.REGION)
    assert land.loc["030102", F.REFERENCE] == "0"
    assert land.loc["0", F.COMPARISON] == "not_tested"
    expected = proportions_ztest([150, 6000 - 150], [1000, 80000 - 1000])[1]
    assert land.loc["030102", F.P_VALUE] == pytest.approx(expected, rel=1e-9)
    mapped = compute_indicators(OSLO, reference={"3203": "0301"}).set_index(F.REGION)
    independent = proportions_ztest([200, 900], [2500, 10000])[1]
    assert mapped.loc["3203", F.P_VALUE] == pytest.approx(independent, rel=1e-9)
    assert mapped.loc["030101", F.REFERENCE] == ""
    assert mapped.loc["030101", F.COMPARISON] == "not_tested"


def test_holm_is_off_by_default_and_adjusts_within_a_chart():
    plain = compute_indicators(OSLO)
    holm = compute_indicators(OSLO, holm=True)
    tested = plain[F.P_VALUE].notna()
    np.testing.assert_allclose(
        holm.loc[tested, F.P_VALUE], multipletests(plain.loc[tested, F.P_VALUE], method="holm")[1]
    )


def test_zero_denominator_is_shown_as_missing():
    cf = _frame([("0301", 10, 100, ""), ("030116", 0, 0, "")])
    row = compute_indicators(cf).set_index(F.REGION).loc["030116"]
    assert np.isnan(row[F.VALUE]) and row[F.COMPARISON] == "not_tested"


def test_pooled_periods_flow_through():
    years = pd.concat([OSLO.assign(**{F.PERIOD: y}) for y in ("2021", "2022", "2023")])
    pooled, coverage = pool_periods(years.reset_index(drop=True), window=3)
    out = compute_indicators(pooled)
    assert set(out[F.PERIOD]) == {"2021-2023"}
    row = out.set_index(F.REGION).loc["030102"]
    assert row[F.NUMERATOR] == 450 and row[F.VALUE] == pytest.approx(15.0)
    assert coverage.set_index(F.REGION).loc["030103", "years_pooled"] == 0


def test_pipeline_call_signature_and_errors():
    out = compute_indicators(OSLO, method="wilson", level=0.95, multiplier=100.0)
    assert len(out) == len(OSLO)
    with pytest.raises(ParameterError, match="method must be one of 'wilson', 'clopper-pearson'"):
        compute_indicators(OSLO, method="wald")
    with pytest.raises(DataError, match="level must lie strictly between 0 and 1; not 95"):
        compute_indicators(OSLO, level=95)
    with pytest.raises(DataError, match="reference must be one of 'default', 'parent'"):
        compute_indicators(OSLO, reference="kommune")


# ---------------------------------------------------------------- published rates


def _rates(rows, indicator="school_wellbeing", age="10 trinn"):
    """Published rates as observations_to_rates gives them; a row: region, value, CI, status."""
    from utenforskap.io.rates import RATE_COLUMNS

    regions, values, lowers, uppers, statuses = zip(*rows, strict=True)
    n = len(regions)
    lower = np.asarray(lowers, dtype=float)
    frame = pd.DataFrame(
        {
            F.INDICATOR: [indicator] * n,
            F.REGION: list(regions),
            F.REGION_NAME: [""] * n,
            F.PERIOD: ["2021-2023"] * n,
            F.AGE: [age] * n,
            F.SEX: ["total"] * n,
            F.GROUP: ["total"] * n,
            F.VALUE: np.asarray(values, dtype=float),
            F.CI_LOWER: lower,
            F.CI_UPPER: np.asarray(uppers, dtype=float),
            F.CI_LEVEL: np.where(np.isnan(lower), np.nan, 0.95),
            F.CI_METHOD: [F.PUBLISHED] * n,
            F.STATUS: list(statuses),
            "measure": ["andel (prosent, standardisert)"] * n,
        }
    )
    return frame[list(RATE_COLUMNS)]


def _wald(x, n, level=0.95):
    from scipy.stats import norm

    p = x / n
    half = norm.ppf((1 + level) / 2) * np.sqrt(p * (1 - p) / n)
    return 100 * p, 100 * (p - half), 100 * (p + half)


def test_published_rates_join_without_counts_and_without_invented_intervals():
    from utenforskap.indicators import add_published_rates

    rates = _rates(
        [
            ("0", 80.0, np.nan, np.nan, ""),
            ("4003", 74.0, np.nan, np.nan, ""),
            ("4010", np.nan, np.nan, np.nan, ":"),
        ]
    )
    frame = add_published_rates(compute_indicators(OSLO.iloc[:0]), rates)
    assert list(frame.columns) == list(F.INDICATOR_COLUMNS)
    assert frame[F.CI_METHOD].eq(F.PUBLISHED).all()
    assert frame[[F.NUMERATOR, F.DENOMINATOR, F.CI_LOWER, F.CI_UPPER]].isna().all().all()
    assert frame[F.COMPARISON].eq("not_tested").all()
    row = frame.set_index(F.REGION).loc["4003"]
    assert (row[F.REFERENCE], row[F.REFERENCE_VALUE], row[F.VALUE]) == ("0", 80.0, 74.0)
    assert F.publisher_hidden(frame).tolist() == [False, False, True]
    F.validate_indicators(frame)
    counted = add_published_rates(compute_indicators(OSLO), rates)
    assert len(counted) == len(OSLO) + 3
    assert counted.loc[counted[F.INDICATOR] == "neet", F.CI_METHOD].eq("wilson").all()


def test_interval_comparison_equals_statsmodels_wald_test():
    # With Wald intervals, the two-estimate test is statsmodels' unpooled Wald test of
    # two independent proportions (Altman and Bland 2003; statsmodels test_proportions_2indep).
    from statsmodels.stats.proportion import test_proportions_2indep

    from utenforskap.indicators import add_published_rates

    counts = {"0": (9000, 100000), "4003": (130, 1000), "4001": (95, 1000), "4005": (30, 500)}
    rows = [(code, *_wald(*xn), "") for code, xn in counts.items()]
    frame = add_published_rates(compute_indicators(OSLO.iloc[:0]), _rates(rows)).set_index(F.REGION)
    for code in ("4003", "4001", "4005"):
        expected = test_proportions_2indep(*counts[code], *counts["0"], method="wald")
        assert frame.loc[code, F.P_VALUE] == pytest.approx(expected.pvalue, rel=1e-9)
    assert frame.loc["4003", F.COMPARISON] == "higher"
    assert frame.loc["4001", F.COMPARISON] == "similar"
    assert frame.loc["4005", F.COMPARISON] == "lower"
    # An interval of another level is read at its own level.
    lvl90 = _rates([(code, *_wald(*xn, level=0.9), "") for code, xn in counts.items()])
    lvl90[F.CI_LEVEL] = 0.9
    again = add_published_rates(compute_indicators(OSLO.iloc[:0]), lvl90).set_index(F.REGION)
    np.testing.assert_allclose(again[F.P_VALUE], frame[F.P_VALUE], rtol=1e-9)


def test_interval_comparison_needs_both_intervals():
    from utenforskap.indicators import add_published_rates

    rates = _rates(
        [
            ("0", 80.0, np.nan, np.nan, ""),
            ("4003", 60.0, 55.0, 65.0, ""),
        ]
    )
    frame = add_published_rates(compute_indicators(OSLO.iloc[:0]), rates)
    assert frame[F.COMPARISON].eq("not_tested").all() and frame[F.P_VALUE].isna().all()


def test_a_counted_row_against_a_published_reference_uses_both_intervals():
    from utenforskap.indicators import add_published_rates

    counts = _frame([("0301", 900, 10000, "")]).assign(**{F.INDICATOR: "school_wellbeing"})
    counts[F.AGE] = "10 trinn"
    counts[F.PERIOD] = "2021-2023"
    land = _rates([("0", 8.0, 7.9, 8.1, "")])
    frame = add_published_rates(compute_indicators(counts), land).set_index(F.REGION)
    row = frame.loc["0301"]
    assert row[F.REFERENCE_VALUE] == 8.0
    se = (row[F.CI_UPPER] - row[F.CI_LOWER]) / (2 * 1.959963984540054)
    se_ref = 0.2 / (2 * 1.959963984540054)
    from scipy.stats import norm

    z = (row[F.VALUE] - 8.0) / np.hypot(se, se_ref)
    assert row[F.P_VALUE] == pytest.approx(2 * norm.sf(abs(z)), rel=1e-12)
    assert row[F.COMPARISON] == "higher"


def test_a_cell_as_counts_and_as_rate_is_refused_and_hidden_rates_show_nothing():
    from utenforskap.indicators import add_published_rates

    counts = _frame([("4003", 10, 100, "")]).assign(**{F.INDICATOR: "school_wellbeing"})
    counts[F.AGE] = "10 trinn"
    counts[F.PERIOD] = "2021-2023"
    rates = _rates([("4003", 80.0, np.nan, np.nan, "")])
    with pytest.raises(DataError, match="as counts and as a published rate"):
        add_published_rates(compute_indicators(counts), rates)
    hidden = _rates([("4003", 70.0, 60.0, 80.0, ":")])  # a symbol wins over a stray number
    frame = add_published_rates(compute_indicators(OSLO.iloc[:0]), hidden)
    assert frame[[F.VALUE, F.CI_LOWER, F.CI_UPPER]].isna().all().all()


def test_validate_accepts_published_rows_and_refuses_them_with_counts():
    from utenforskap.indicators import add_published_rates

    frame = add_published_rates(
        compute_indicators(OSLO.iloc[:0]), _rates([("4003", 74.0, np.nan, np.nan, "")])
    )
    F.validate_indicators(frame)
    with_counts = frame.assign(**{F.NUMERATOR: 7.0, F.DENOMINATOR: 10.0})
    with pytest.raises(DataError, match="carries no counts"):
        F.validate_indicators(with_counts)
    silent = frame.assign(**{F.VALUE: np.nan})
    with pytest.raises(DataError, match="publisher's status symbol"):
        F.validate_indicators(silent)


# ---------------------------------------------------------------- groups


def _grouped(rows):
    frame = _frame([(r[0], r[2], r[3], "") for r in rows])
    frame[F.GROUP] = [r[1] for r in rows]
    return frame


def test_groups_against_the_rest_of_their_region_match_statsmodels():
    from utenforskap.indicators import compare_groups

    counts = _grouped(
        [
            ("0301", "total", 900, 10000),
            ("0301", "immigrants", 300, 2000),
            ("0301", "rest_of_population", 600, 8000),
            ("030101", "total", 90, 1000),
            ("030101", "immigrants", 14, 150),
        ]
    )
    out = compare_groups(compute_indicators(counts))
    assert list(out.columns) == [
        F.INDICATOR,
        F.REGION,
        F.REGION_NAME,
        F.PERIOD,
        F.AGE,
        F.SEX,
        F.GROUP,
        F.VALUE,
        "rest_value",
        F.P_VALUE,
        F.COMPARISON,
    ]
    out = out.set_index([F.REGION, F.GROUP])
    for region, group, x, n, tx, tn in (
        ("0301", "immigrants", 300, 2000, 900, 10000),
        ("0301", "rest_of_population", 600, 8000, 900, 10000),
        ("030101", "immigrants", 14, 150, 90, 1000),
    ):
        _, p = proportions_ztest([x, tx - x], [n, tn - n])
        row = out.loc[(region, group)]
        assert row[F.P_VALUE] == pytest.approx(p, rel=1e-12)
        assert row["rest_value"] == pytest.approx(100 * (tx - x) / (tn - n))
    assert out.loc[("0301", "immigrants"), F.COMPARISON] == "higher"
    assert out.loc[("0301", "rest_of_population"), F.COMPARISON] == "lower"
    assert out.loc[("030101", "immigrants"), F.COMPARISON] == "similar"


def test_groups_default_reference_is_the_same_group_in_the_reference_region():
    counts = _grouped(
        [
            ("0", "total", 6000, 80000),
            ("0", "immigrants", 2000, 12000),
            ("0301", "total", 900, 10000),
            ("0301", "immigrants", 300, 2000),
        ]
    )
    frame = compute_indicators(counts).set_index([F.REGION, F.GROUP])
    row = frame.loc[("0301", "immigrants")]
    assert (row[F.REFERENCE], row[F.REFERENCE_VALUE]) == ("0", pytest.approx(100 * 2000 / 12000))
    _, p = proportions_ztest([300, 2000 - 300], [2000, 12000 - 2000])
    assert row[F.P_VALUE] == pytest.approx(p, rel=1e-12)


def test_hidden_or_published_groups_are_not_compared_with_their_rest():
    from utenforskap.indicators import compare_groups

    frame = compute_indicators(
        _grouped([("0301", "total", 900, 10000), ("0301", "immigrants", 300, 2000)])
    )
    hidden = frame.copy()
    hidden.loc[hidden[F.GROUP] == "total", [F.NUMERATOR, F.DENOMINATOR]] = np.nan
    out = compare_groups(hidden)
    assert out[F.COMPARISON].tolist() == ["not_tested"] and out["rest_value"].isna().all()
    assert compare_groups(frame.iloc[:0]).empty
    assert compare_groups(frame[frame[F.GROUP] == "total"]).empty


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 400), st.integers(0, 400)), min_size=1, max_size=4),
    st.integers(1, 400),
)
def test_group_comparison_direction_follows_the_rest(parts, outside):
    """Property: a significant group differs from its rest in the direction the values say."""
    from utenforskap.indicators import compare_groups

    rows, tx, tn = [], 0, 0
    for i, (n, x_raw) in enumerate(parts):
        x = min(x_raw, n)
        rows.append(("0301", f"g{i}", x, n))
        tx, tn = tx + x, tn + n
    tx, tn = tx + outside // 2, tn + outside  # the population outside the groups
    rows.append(("0301", "total", tx, tn))
    out = compare_groups(compute_indicators(_grouped(rows)))
    assert len(out) == len(parts)
    for row in out.itertuples(index=False):
        if row.comparison == "higher":
            assert row.value > row.rest_value
        elif row.comparison == "lower":
            assert row.value < row.rest_value
        if not np.isnan(row.p_value):
            assert 0.0 <= row.p_value <= 1.0
