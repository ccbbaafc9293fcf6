"""Funnel-plot limits against PHEindicatormethods' worked example, scipy and statsmodels."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.meta_analysis import combine_effects

from utenforskap.errors import DataError, ParameterError
from utenforskap.stats import dersimonian_laird_tau2, funnel_classify, funnel_limits

# Source: PHEindicatormethods (UKHSA), tests/testthat/testdata_funnel_prop_outputs.csv,
# the published output of phe_funnels() on its PCT test data (baseline 80.642448 %):
# Population, Lower2s0025limit, Upper2s0025limit, Lower3s0001limit, Upper3s0001limit.
PHE_FUNNEL = [
    (1, 3.204264, 100, 0, 100),
    (2, 25.885383, 100, 0, 100),
    (3, 35.933491, 100, 10.150815, 100),
    (10, 56.154344, 100, 42.03259, 100),
    (18, 62.390093, 98.894803, 51.864359, 100),
    (41, 68.548635, 92.73626, 61.574398, 99.710497),
    (102, 72.974925, 88.309971, 68.553233, 92.731663),
    (1008, 78.203374, 83.081521, 76.796814, 84.488082),
    (9998, 79.867989, 81.416907, 79.421375, 81.863521),
    (110000, 80.408963, 80.875933, 80.274317, 81.010578),
]


def test_wilson_method_reproduces_phe_funnels_worked_example():
    pop = np.array([row[0] for row in PHE_FUNNEL], dtype=float)
    limits = funnel_limits(pop, 0.80642448, method="wilson", multiplier=100)
    l95 = limits[limits["level"] == 0.95]
    l998 = limits[limits["level"] == 0.998]
    expected = np.array([row[1:] for row in PHE_FUNNEL], dtype=float)
    # The published figures are rounded to 6 decimals (and so is the baseline).
    np.testing.assert_allclose(l95["lower"], expected[:, 0], atol=2e-6)
    np.testing.assert_allclose(l95["upper"], expected[:, 1], atol=2e-6)
    np.testing.assert_allclose(l998["lower"], expected[:, 2], atol=2e-6)
    np.testing.assert_allclose(l998["upper"], expected[:, 3], atol=2e-6)


def _spiegelhalter_by_hand(dist_pmf_support, prob, n):
    # Spiegelhalter (2005), appendix A.1.1, computed from the probability mass
    # function by cumulative sums (independent of scipy's ppf).
    support, pmf = dist_pmf_support
    cdf = np.cumsum(pmf)
    r = int(np.searchsorted(cdf, prob - 1e-13))
    below = cdf[r - 1] if r > 0 else 0.0
    alpha = (cdf[r] - prob) / (cdf[r] - below)
    return (support[r] - alpha) / n


@pytest.mark.parametrize("n", [7, 40, 123, 1000])
@pytest.mark.parametrize("level", [0.95, 0.998])
def test_exact_binomial_limits_match_interpolated_quantiles(n, level):
    p0 = 0.23
    support = np.arange(n + 1)
    pmf = sps.binom.pmf(support, n, p0)
    tail = (1 - level) / 2
    lim = funnel_limits([n], p0, levels=(level,))
    low = max(0.0, _spiegelhalter_by_hand((support, pmf), tail, n))
    high = min(1.0, _spiegelhalter_by_hand((support, pmf), 1 - tail, n))
    assert lim["lower"].iloc[0] == pytest.approx(low, rel=1e-6, abs=1e-12)
    assert lim["upper"].iloc[0] == pytest.approx(high, rel=1e-6)


@pytest.mark.parametrize("n", [50.0, 800.0, 20000.0])
def test_exact_poisson_limits_match_interpolated_quantiles(n):
    rate = 0.004
    support = np.arange(0, int(rate * n * 5 + 50))
    pmf = sps.poisson.pmf(support, rate * n)
    lim = funnel_limits([n], rate, kind="rate", levels=(0.998,))
    high = _spiegelhalter_by_hand((support, pmf), 0.999, n)
    low = max(0.0, _spiegelhalter_by_hand((support, pmf), 0.001, n))
    assert lim["upper"].iloc[0] == pytest.approx(high, rel=1e-6)
    assert lim["lower"].iloc[0] == pytest.approx(low, rel=1e-6, abs=1e-12)


def test_exact_limits_approach_the_normal_approximation_for_large_n():
    n = np.array([1e5, 1e6])
    lim = funnel_limits(n, 0.3, levels=(0.95,))
    half = sps.norm.ppf(0.975) * np.sqrt(0.3 * 0.7 / n)
    np.testing.assert_allclose(lim["upper"], 0.3 + half, rtol=1e-4)
    np.testing.assert_allclose(lim["lower"], 0.3 - half, rtol=1e-4)


def test_limits_narrow_as_denominator_grows():
    lim = funnel_limits(np.geomspace(10, 1e5, 30).round(), 0.1)
    for _, part in lim.groupby("level"):
        assert (np.diff(part["upper"]) <= 1e-12).all()
        assert (np.diff(part["lower"]) >= -1e-12).all()


def test_dersimonian_laird_agrees_with_statsmodels_combine_effects():
    # Source: statsmodels.stats.meta_analysis.combine_effects(method_re="dl"):
    # with the pooled baseline and no winsorising, Σz² is Cochran's Q.
    rng = np.random.default_rng(3)
    n = rng.integers(200, 5000, 40).astype(float)
    x = rng.binomial(n.astype(int), rng.beta(20, 80, 40)).astype(float)
    base = x.sum() / n.sum()
    variance = base * (1 - base) / n
    reference = combine_effects(x / n, variance, method_re="dl")
    ours = dersimonian_laird_tau2(x, n, winsorise=0)
    assert ours == pytest.approx(reference.tau2, rel=1e-6)
    assert ours > 0


def test_overdispersion_widens_limits_so_fewer_regions_fall_outside():
    rng = np.random.default_rng(8)
    n = rng.integers(500, 20000, 60).astype(float)
    x = rng.binomial(n.astype(int), rng.beta(30, 120, 60)).astype(float)
    plain = funnel_classify(x, n)
    wide = funnel_classify(x, n, overdispersion=True)
    outside = lambda frame: (frame["funnel"] != "within").mean()  # noqa: E731
    assert outside(plain) > 0.5
    assert outside(wide) < outside(plain)
    assert (wide["tau2"] > 0).all()
    tau2 = wide["tau2"].iloc[0]
    limits = funnel_limits(n, x.sum() / n.sum(), tau2=tau2, levels=(0.95,))
    half = sps.norm.ppf(0.975) * np.sqrt(
        plain["baseline"].iloc[0] * (1 - plain["baseline"].iloc[0]) / n + tau2
    )
    np.testing.assert_allclose(limits["upper"], x.sum() / n.sum() + half, rtol=1e-12)


def test_classification_against_the_limits():
    n = np.array([1000.0, 1000.0, 1000.0, 1000.0, 1000.0, np.nan])
    x = np.array([200.0, 230.0, 260.0, 170.0, 140.0, 3.0])
    out = funnel_classify(x, n, baseline=0.2)
    lim = funnel_limits([1000.0], 0.2)
    l95 = lim[lim["level"] == 0.95].iloc[0]
    l998 = lim[lim["level"] == 0.998].iloc[0]
    assert l95["upper"] < 0.23 < l998["upper"] < 0.26
    assert 0.14 < l998["lower"] < 0.17 < l95["lower"]
    assert out["funnel"].tolist() == [
        "within",
        "above_0.95",
        "above_0.998",
        "below_0.95",
        "below_0.998",
        "not_tested",
    ]


def test_funnel_errors():
    with pytest.raises(ParameterError, match="kind must be one of 'proportion', 'rate'"):
        funnel_limits([10], 0.2, kind="ratio")
    with pytest.raises(DataError, match="baseline must be a proportion strictly between 0 and 1"):
        funnel_limits([10], 20)
    with pytest.raises(DataError, match=r"row 1, value 10\.5: exact binomial funnel limits need"):
        funnel_limits([10, 10.5], 0.2)
    with pytest.raises(DataError, match="method 'wilson' is for proportions"):
        funnel_limits([10], 0.2, kind="rate", method="wilson")
    with pytest.raises(DataError, match=r"levels must lie strictly between 0 and 1; not 99\.8"):
        funnel_limits([10], 0.2, levels=(0.95, 99.8))
