"""compute_indicators: CountFrame → IndicatorFrame with intervals and reference comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
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
