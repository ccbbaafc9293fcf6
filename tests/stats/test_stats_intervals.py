"""Intervals for proportions, counts and rates against published examples and statsmodels/scipy."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint
from statsmodels.stats.rates import confint_poisson

from utenforskap.errors import DataError, ParameterError
from utenforskap.stats import EXACT_BELOW, count_ci, proportion_ci, rate_ci

RTOL = 1e-6

# Newcombe, R. G. (1998). Two-sided confidence intervals for the single
# proportion: comparison of seven methods. Statistics in Medicine 17, 857-872,
# Table II: method 3 (Wilson score) and method 5 (Clopper-Pearson "exact").
NEWCOMBE = [
    # x, n, wilson lower, wilson upper, exact lower, exact upper
    (81, 263, 0.2553, 0.3662, 0.2527, 0.3676),
    (15, 148, 0.0624, 0.1605, 0.0578, 0.1617),
    (0, 20, 0.0000, 0.1611, 0.0000, 0.1684),
    (1, 29, 0.0061, 0.1718, 0.0009, 0.1776),
]


@pytest.mark.parametrize(("x", "n", "wl", "wu", "el", "eu"), NEWCOMBE)
def test_newcombe_1998_worked_examples(x, n, wl, wu, el, eu):
    lower, upper = proportion_ci(x, n, method="wilson")
    assert (round(float(lower), 4), round(float(upper), 4)) == (wl, wu)
    lower, upper = proportion_ci(x, n, method="clopper-pearson")
    assert (round(float(lower), 4), round(float(upper), 4)) == (el, eu)


def _grid():
    n = np.array([1, 2, 5, 10, 17, 50, 100, 333, 1000, 25_000, 1_000_000], dtype=float)
    rows = [(x, m) for m in n for x in np.unique(np.round(np.linspace(0, m, 9)))]
    return np.array([r[0] for r in rows]), np.array([r[1] for r in rows])


@pytest.mark.parametrize("level", [0.8, 0.9, 0.95, 0.99, 0.998])
@pytest.mark.parametrize(("ours", "theirs"), [("wilson", "wilson"), ("clopper-pearson", "beta")])
def test_agrees_with_statsmodels_proportion_confint(ours, theirs, level):
    # Source: statsmodels.stats.proportion.proportion_confint (statsmodels 0.15).
    x, n = _grid()
    lower, upper = proportion_ci(x, n, method=ours, level=level)
    ref_lower, ref_upper = proportion_confint(x, n, alpha=1 - level, method=theirs)
    np.testing.assert_allclose(lower, ref_lower, rtol=RTOL, atol=1e-14)
    np.testing.assert_allclose(upper, ref_upper, rtol=RTOL, atol=1e-14)


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_jeffreys_agrees_with_statsmodels_inside_and_brown_cai_dasgupta_at_edges(level):
    # Source: statsmodels proportion_confint(method="jeffreys") for 0 < x < n;
    # Brown, Cai & DasGupta (2001), section 4.1.2: lower = 0 at x = 0, upper = 1 at x = n.
    x, n = _grid()
    lower, upper = proportion_ci(x, n, method="jeffreys", level=level)
    ref_lower, ref_upper = proportion_confint(x, n, alpha=1 - level, method="jeffreys")
    inside = (x > 0) & (x < n)
    np.testing.assert_allclose(lower[inside], ref_lower[inside], rtol=RTOL)
    np.testing.assert_allclose(upper[inside], ref_upper[inside], rtol=RTOL)
    assert np.all(lower[x == 0] == 0.0)
    assert np.all(upper[x == n] == 1.0)
    np.testing.assert_allclose(upper[x == 0], ref_upper[x == 0], rtol=RTOL)


def test_clopper_pearson_from_scipy_beta_directly():
    # Source: Clopper & Pearson (1934) limits as beta quantiles, via scipy.stats.beta.
    x, n = np.array([3.0, 7.0, 40.0]), np.array([10.0, 7.0, 41.0])
    lower, upper = proportion_ci(x, n, method="clopper-pearson", level=0.9)
    np.testing.assert_allclose(lower, sps.beta.ppf(0.05, x, n - x + 1), rtol=RTOL)
    expected_upper = np.where(x == n, 1.0, sps.beta.ppf(0.95, x + 1, np.maximum(n - x, 1e-300)))
    np.testing.assert_allclose(upper, expected_upper, rtol=RTOL)


@pytest.mark.parametrize("level", [0.9, 0.95, 0.998])
def test_exact_poisson_agrees_with_scipy_chi2_and_statsmodels(level):
    # Sources: Garwood (1936) limits chi2(a/2; 2x)/2, chi2(1-a/2; 2x+2)/2 via
    # scipy.stats.chi2, and statsmodels.stats.rates.confint_poisson(method="exact-c").
    x = np.array([0, 1, 2, 5, 9, 10, 33, 100, 2500], dtype=float)
    lower, upper = count_ci(x, method="exact", level=level)
    tail = (1 - level) / 2
    chi_lower = np.where(x == 0, 0.0, sps.chi2.ppf(tail, np.maximum(2 * x, 1e-300)) / 2)
    np.testing.assert_allclose(lower, chi_lower, rtol=RTOL)
    np.testing.assert_allclose(upper, sps.chi2.ppf(1 - tail, 2 * x + 2) / 2, rtol=RTOL)
    sm_lower, sm_upper = confint_poisson(x, 1.0, method="exact-c", alpha=1 - level)
    np.testing.assert_allclose(lower, sm_lower, rtol=RTOL, atol=1e-14)
    np.testing.assert_allclose(upper, sm_upper, rtol=RTOL)


def _wilson_hilferty_half_chi2(p, df):
    # Wilson & Hilferty (1931) cube-root approximation of a chi-square quantile;
    # Byar's limits are this approximation of the exact Poisson limits
    # (Breslow & Day 1987, vol. II, p. 69).
    z = sps.norm.ppf(p)
    return df * (1 - 2 / (9 * df) + z * np.sqrt(2 / (9 * df))) ** 3 / 2


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_byar_is_the_wilson_hilferty_approximation_of_the_exact_limits(level):
    x = np.array([1, 4, 10, 57, 300, 12_000], dtype=float)
    lower, upper = count_ci(x, method="byar", level=level)
    tail = (1 - level) / 2
    # The approximation can go below 0 for tiny counts at high levels; a count's
    # limit cannot, so it is cut at 0.
    expected_lower = np.maximum(_wilson_hilferty_half_chi2(tail, 2 * x), 0.0)
    np.testing.assert_allclose(lower, expected_lower, rtol=RTOL)
    np.testing.assert_allclose(upper, _wilson_hilferty_half_chi2(1 - tail, 2 * x + 2), rtol=RTOL)
    # and it is close to the exact interval once counts are not small
    big = x >= 57
    exact_lower, exact_upper = count_ci(x[big], method="exact", level=level)
    np.testing.assert_allclose(lower[big], exact_lower, rtol=2e-3)
    np.testing.assert_allclose(upper[big], exact_upper, rtol=2e-3)


def test_auto_uses_exact_below_the_documented_cut_off():
    assert EXACT_BELOW == 10
    x = np.array([0.0, 9.0, 10.0, 11.0])
    auto = count_ci(x, method="auto")
    exact = count_ci(x, method="exact")
    byar = count_ci(x, method="byar")
    for got, e, b in zip(auto, exact, byar, strict=True):
        np.testing.assert_array_equal(got[:2], e[:2])
        np.testing.assert_array_equal(got[2:], b[2:])


def test_rate_ci_is_count_ci_over_population():
    x = np.array([0.0, 3.0, 65.0])
    n = np.array([1000.0, 5000.0, 100_000.0])
    lower, upper = rate_ci(x, n, multiplier=1000, method="exact")
    cl, cu = count_ci(x, method="exact")
    np.testing.assert_allclose(lower, cl / n * 1000)
    np.testing.assert_allclose(upper, cu / n * 1000)


def test_edges_nan_and_shapes():
    lower, upper = proportion_ci([0, 10, np.nan, 4], [10, 10, 10, np.nan])
    assert lower[0] == 0.0 and upper[1] == 1.0
    assert np.isnan(lower[2]) and np.isnan(upper[3])
    lower, upper = count_ci(np.array([[np.nan, 0.0], [4.0, 1.0]]), method="exact")
    assert lower.shape == (2, 2) and np.isnan(lower[0, 0]) and lower[0, 1] == 0.0
    series = pd.Series([1.0, 2.0], index=["a", "b"])
    lower, _ = proportion_ci(series, 10)
    assert isinstance(lower, pd.Series) and list(lower.index) == ["a", "b"]
    lower, _ = proportion_ci(1, 10)
    assert np.ndim(lower) == 0


def test_method_error_is_seaborn_style():
    with pytest.raises(ParameterError) as err:
        proportion_ci(1, 10, method="wald")
    assert str(err.value) == (
        "method must be one of 'wilson', 'clopper-pearson', 'jeffreys'; not 'wald'"
    )
    with pytest.raises(ParameterError, match="'byar', 'exact', 'auto'; not 'wilson'"):
        count_ci(1, method="wilson")


@pytest.mark.parametrize("level", [95, 0, 1, -0.5, 1.5, "0.95", True])
def test_level_outside_open_unit_interval_is_refused(level):
    with pytest.raises(DataError, match="level must"):
        proportion_ci(1, 10, level=level)


def test_level_95_gets_a_hint():
    with pytest.raises(DataError, match=r"not 95 \(give 0.95 for 95 %\)"):
        proportion_ci(1, 10, level=95)


@pytest.mark.parametrize(
    ("x", "n", "pattern"),
    [
        ([1, -2, 3], 10, r"column 'x', row 1, value -2.0: x must not be negative"),
        ([1, 2, 3], [10, 0, 10], r"column 'n', row 1, value 0.0: n must be greater than 0"),
        ([1, 2, 30], [10, 10, 10], r"row 2, value 30.0: x must be less than or equal to n"),
        ([1, np.inf], 10, r"row 1, value inf: x must be finite"),
        ([1, "a"], 10, r"column 'x', row 1, value 'a': x must be numeric"),
    ],
)
def test_bad_counts_name_position_and_value(x, n, pattern):
    with pytest.raises(DataError, match=pattern):
        proportion_ci(x, n)


def test_count_errors():
    with pytest.raises(DataError, match=r"row 0, value -1\.0"):
        count_ci([-1.0])
    with pytest.raises(DataError, match="n must be greater than 0"):
        rate_ci([1.0], [0.0])
    with pytest.raises(DataError, match="multiplier must be a positive number"):
        rate_ci([1.0], [10.0], multiplier=0)


methods = st.sampled_from(["wilson", "clopper-pearson", "jeffreys"])
levels = st.floats(0.5, 0.999)


@st.composite
def counts(draw):
    n = draw(st.integers(1, 100_000))
    x = draw(st.integers(0, n))
    return float(x), float(n)


@settings(max_examples=150, deadline=None)
@given(counts(), methods, levels)
def test_interval_contains_estimate_and_stays_in_unit_interval(xn, method, level):
    x, n = xn
    lower, upper = proportion_ci(x, n, method=method, level=level)
    assert 0.0 <= lower <= x / n <= upper <= 1.0


@settings(max_examples=150, deadline=None)
@given(counts(), methods, levels, st.floats(0.05, 0.4))
def test_interval_narrows_when_level_falls(xn, method, level, drop):
    x, n = xn
    wide = proportion_ci(x, n, method=method, level=level)
    narrow = proportion_ci(x, n, method=method, level=level * (1 - drop))
    assert narrow[0] >= wide[0] - 1e-12 and narrow[1] <= wide[1] + 1e-12
    assert narrow[1] - narrow[0] < wide[1] - wide[0]


@settings(max_examples=150, deadline=None)
@given(counts(), methods, st.integers(2, 50))
def test_interval_narrows_when_n_grows_at_fixed_share(xn, method, factor):
    x, n = xn
    small = proportion_ci(x, n, method=method)
    large = proportion_ci(x * factor, n * factor, method=method)
    assert large[1] - large[0] < small[1] - small[0]


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 1_000_000), st.sampled_from(["byar", "exact", "auto"]), levels)
def test_count_interval_contains_count_and_narrows_with_level(x, method, level):
    lower, upper = count_ci(float(x), method=method, level=level)
    assert 0.0 <= lower <= x <= upper
    lower2, upper2 = count_ci(float(x), method=method, level=level * 0.9)
    assert upper2 - lower2 < upper - lower


def test_frames_in_frames_out():
    x = pd.DataFrame({"2022": [1.0, 5.0], "2023": [0.0, 7.0]}, index=["030101", "030102"])
    n = pd.DataFrame({"2022": [10.0, 50.0], "2023": [12.0, 70.0]}, index=x.index)
    lower, upper = proportion_ci(x, n, method="clopper-pearson")
    assert isinstance(lower, pd.DataFrame) and lower.shape == (2, 2)
    assert list(upper.columns) == ["2022", "2023"] and list(upper.index) == list(x.index)
    ref_lower, _ = proportion_confint(x.to_numpy(), n.to_numpy(), method="beta")
    np.testing.assert_allclose(lower.to_numpy(), ref_lower, rtol=RTOL)
