"""Comparison with a reference and Holm's correction against statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.proportion import proportions_ztest

from utenforskap.errors import DataError, ParameterError
from utenforskap.stats import classify, compare_with_reference, holm, two_proportion_test


def _random_pairs(seed: int, size: int):
    rng = np.random.default_rng(seed)
    n1 = rng.integers(1, 5000, size).astype(float)
    n2 = rng.integers(1, 50_000, size).astype(float)
    x1 = rng.binomial(n1.astype(int), rng.uniform(0.01, 0.6, size)).astype(float)
    x2 = rng.binomial(n2.astype(int), rng.uniform(0.01, 0.6, size)).astype(float)
    return x1, n1, x2, n2


def test_two_proportion_test_agrees_with_statsmodels_proportions_ztest():
    # Source: statsmodels.stats.proportion.proportions_ztest (pooled variance, two-sided).
    x1, n1, x2, n2 = _random_pairs(5, 200)
    ours = two_proportion_test(x1, n1, x2, n2)
    theirs = np.array(
        [proportions_ztest([a, b], [c, d])[1] for a, c, b, d in zip(x1, n1, x2, n2, strict=True)]
    )
    np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-300)


def test_two_proportion_test_same_extreme_share_is_p_one():
    assert two_proportion_test([0.0, 5.0], [10.0, 5.0], [0.0, 20.0], [40.0, 20.0]).tolist() == [
        1.0,
        1.0,
    ]


def test_holm_agrees_with_statsmodels_multipletests_within_each_family():
    # Source: statsmodels.stats.multitest.multipletests(method="holm").
    rng = np.random.default_rng(11)
    p = rng.uniform(0, 0.1, 300) ** rng.uniform(0.5, 2, 300)
    groups = rng.choice(["a", "b", "c", "d"], 300)
    p[::17] = np.nan
    adjusted = holm(p, groups)
    for g in "abcd":
        inside = (groups == g) & ~np.isnan(p)
        np.testing.assert_allclose(
            adjusted[inside], multipletests(p[inside], method="holm")[1], rtol=1e-12
        )
    assert np.isnan(adjusted[::17]).all()


def test_holm_single_family_and_ties():
    p = np.array([0.01, 0.01, 0.04, 0.5])
    np.testing.assert_allclose(holm(p), multipletests(p, method="holm")[1])


def test_nested_region_is_compared_with_the_rest_of_its_reference():
    # Bydel 30/100 inside a kommune of 230/1100: the test is 30/100 vs 200/1000.
    out = compare_with_reference([30.0], [100.0], [230.0], [1100.0], nested=True)
    expected = proportions_ztest([30, 200], [100, 1000])[1]
    assert out["p_value"].iloc[0] == pytest.approx(expected, rel=1e-9)
    assert out["comparison"].iloc[0] == "higher"
    assert out["reference_value"].iloc[0] == pytest.approx(230 / 1100)


def test_independent_region_is_compared_as_two_samples():
    out = compare_with_reference([30.0], [100.0], [230.0], [1100.0], nested=False)
    assert out["p_value"].iloc[0] == pytest.approx(
        proportions_ztest([30, 230], [100, 1100])[1], rel=1e-9
    )


def test_not_tested_when_missing_or_rest_empty():
    out = compare_with_reference(
        [np.nan, 5.0, 5.0],
        [10.0, 10.0, 10.0],
        [20.0, 5.0, np.nan],
        [100.0, 10.0, 50.0],
        nested=[True, True, False],
    )
    assert out["comparison"].tolist() == ["not_tested"] * 3
    assert out["p_value"].isna().all()


def test_holm_option_changes_classification_only_through_adjusted_p():
    x = np.array([64.0, 65.0, 66.0])
    n = np.array([400.0, 400.0, 400.0])
    rx, rn = np.full(3, 1000.0), np.full(3, 8000.0)
    plain = compare_with_reference(x, n, rx, rn, nested=False)
    corrected = compare_with_reference(x, n, rx, rn, nested=False, correction="holm")
    np.testing.assert_allclose(
        corrected["p_value"], multipletests(plain["p_value"], method="holm")[1]
    )
    # 0.05 level: every raw p < 0.05 but not every Holm-adjusted one
    assert (plain["p_value"] < 0.05).all()
    assert (plain["comparison"] == "higher").all()
    assert (corrected["comparison"] == "similar").any()


def test_classify_labels_and_level():
    labels = classify(
        [0.3, 0.1, 0.2, np.nan], [0.2, 0.2, 0.2, 0.2], [0.001, 0.03, 0.5, 0.01], level=0.95
    )
    assert labels.tolist() == ["higher", "lower", "similar", "not_tested"]
    assert classify([0.1], [0.2], [0.03], level=0.99).tolist() == ["similar"]


def test_errors_name_argument_position_and_value():
    with pytest.raises(DataError, match=r"column 'x2', row 1, value 12.0: x2 must be less"):
        two_proportion_test([1, 2], [10, 10], [1, 12], [10, 10])
    with pytest.raises(ParameterError, match="correction must be one of None, 'holm'"):
        compare_with_reference([1], [10], [1], [10], correction="bonferroni")
    with pytest.raises(DataError, match="nested must be one bool or one per row"):
        compare_with_reference([1, 2], [10, 10], [5, 5], [50, 50], nested=[True])
    with pytest.raises(DataError, match="must be one-dimensional and aligned"):
        compare_with_reference([1, 2], [10, 10], [5], [50])
    with pytest.raises(DataError, match="must have the same shape"):
        classify([1, 2], [1, 2, 3], [0.1], level=0.95)
    with pytest.raises(DataError, match="p-values must lie in"):
        holm([0.5, 1.5])
    with pytest.raises(DataError, match="level must lie strictly between 0 and 1; not 95"):
        compare_with_reference([1], [10], [1], [10], level=95)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0, 1), min_size=1, max_size=40),
)
def test_holm_adjusted_at_least_raw_and_order_preserving(p):
    p = np.array(p)
    adjusted = holm(p)
    assert (adjusted >= p - 1e-15).all() and (adjusted <= 1).all()
    order = np.argsort(p, kind="mergesort")
    assert (np.diff(adjusted[order]) >= -1e-15).all()
