"""Empirical-Bayes smoothing: moments by hand, likelihood against scipy's beta-binomial."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy import stats as sps

from utenforskap.errors import DataError, ParameterError
from utenforskap.stats import smooth_eb


def _districts(seed: int = 4) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    kommune = np.repeat(["3203", "0301", "1103"], [8, 15, 10])
    n = rng.integers(8, 3000, len(kommune)).astype(float)
    share = np.where(kommune == "0301", 0.12, np.where(kommune == "3203", 0.07, 0.1))
    p = rng.beta(share * 60, (1 - share) * 60)
    x = rng.binomial(n.astype(int), p).astype(float)
    return pd.DataFrame({"kommune": kommune, "numerator": x, "denominator": n})


def _kleinman_by_hand(x, n):
    # Kleinman (1973), weighted moments with weights n_i, one group at a time.
    mu = x.sum() / n.sum()
    k, total = len(x), n.sum()
    s = np.sum(n * (x / n - mu) ** 2)
    between = (s - mu * (1 - mu) * (k - 1)) / (total - np.sum(n**2) / total)
    return mu, mu * (1 - mu) / between - 1


def test_moments_match_kleinman_written_out_and_the_beta_posterior():
    data = _districts()
    out = smooth_eb(data, within="kommune", level=0.9)
    for _, part in data.groupby("kommune"):
        mu, m = _kleinman_by_hand(part["numerator"].to_numpy(), part["denominator"].to_numpy())
        assert m > 0
        got = out.loc[part.index]
        np.testing.assert_allclose(got["prior_mean"], mu, rtol=1e-9)
        np.testing.assert_allclose(got["prior_strength"], m, rtol=1e-9)
        a = part["numerator"] + mu * m
        b = part["denominator"] - part["numerator"] + (1 - mu) * m
        np.testing.assert_allclose(got["smoothed"], a / (a + b), rtol=1e-9)
        # Source: posterior quantiles from scipy.stats.beta.
        np.testing.assert_allclose(got["smoothed_lower"], sps.beta.ppf(0.05, a, b), rtol=1e-9)
        np.testing.assert_allclose(got["smoothed_upper"], sps.beta.ppf(0.95, a, b), rtol=1e-9)
        np.testing.assert_allclose(
            got["shrinkage_weight"], part["denominator"] / (part["denominator"] + m), rtol=1e-9
        )


def test_likelihood_matches_scipy_betabinom_fit_per_group():
    # Source: direct maximisation of scipy.stats.betabinom.logpmf with Nelder-Mead.
    data = _districts()
    out = smooth_eb(data, within="kommune", method="likelihood")
    for _, part in data.groupby("kommune"):
        x, n = part["numerator"].to_numpy(), part["denominator"].to_numpy()

        def nll(t, x=x, n=n):
            return -sps.betabinom.logpmf(x, n, np.exp(t[0]), np.exp(t[1])).sum()

        fit = optimize.minimize(
            nll,
            [0.0, 3.0],
            method="Nelder-Mead",
            options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 40_000},
        )
        a, b = np.exp(fit.x)
        got = out.loc[part.index]
        assert got["prior_mean"].iloc[0] == pytest.approx(a / (a + b), rel=1e-5)
        assert got["prior_strength"].iloc[0] == pytest.approx(a + b, rel=1e-3)


def test_small_districts_shrink_more_and_extremes_come_in():
    data = _districts()
    out = smooth_eb(data, within="kommune")
    raw = data["numerator"] / data["denominator"]
    for _, part in data.groupby("kommune"):
        got = out.loc[part.index]
        order = np.argsort(part["denominator"].to_numpy())
        assert np.all(np.diff(got["shrinkage_weight"].to_numpy()[order]) >= 0)
        mu = got["prior_mean"].iloc[0]
        lo = np.minimum(raw[part.index], mu) - 1e-12
        hi = np.maximum(raw[part.index], mu) + 1e-12
        assert ((got["smoothed"] >= lo) & (got["smoothed"] <= hi)).all()
    assert out["smoothed"].std() < raw.std()


def test_missing_rows_and_small_groups_are_not_smoothed():
    data = _districts()
    data.loc[3, "numerator"] = np.nan
    data = pd.concat(
        [
            data,
            pd.DataFrame(
                {"kommune": ["5001", "5001"], "numerator": [3.0, 9.0], "denominator": [40.0, 50.0]}
            ),
        ],
        ignore_index=True,
    )
    out = smooth_eb(data, within=data["kommune"].to_numpy())
    assert out.loc[3].isna().all()
    assert out.iloc[-2:].isna().all().all()
    assert out.drop(index=[3, len(data) - 1, len(data) - 2]).notna().all().all()


def test_no_between_district_variation_pools_fully_up_to_the_group_total():
    data = pd.DataFrame(
        {"k": "A", "numerator": [10.0, 20.0, 30.0], "denominator": [100.0, 200.0, 300.0]}
    )
    out = smooth_eb(data, within="k")
    assert (out["prior_strength"] == 600.0).all()
    np.testing.assert_allclose(out["smoothed"], 0.1)
    zero = smooth_eb(data.assign(numerator=0.0), within="k")
    assert (zero["smoothed"] == 0).all() and (zero["smoothed_upper"] == 0).all()


def test_errors():
    data = _districts()
    with pytest.raises(ParameterError, match="method must be one of 'moments', 'likelihood'"):
        smooth_eb(data, within="kommune", method="ml")
    with pytest.raises(DataError, match="missing column 'bydel'"):
        smooth_eb(data, within="bydel")
    with pytest.raises(DataError, match="within must have one label per row"):
        smooth_eb(data, within=["a", "b"])
    bad = data.assign(numerator=data["denominator"] + 1)
    with pytest.raises(DataError, match=r"row 0, .*numerator must be less than or equal"):
        smooth_eb(bad, within="kommune")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 2000), st.floats(0, 1)), min_size=3, max_size=12),
    st.sampled_from(["moments", "likelihood"]),
)
def test_interval_contains_smoothed_and_stays_in_unit_interval(rows, method):
    n = np.array([r[0] for r in rows], dtype=float)
    x = np.floor(n * np.array([r[1] for r in rows]))
    out = smooth_eb(
        pd.DataFrame({"k": "A", "numerator": x, "denominator": n}), within="k", method=method
    )
    assert (
        (out["smoothed_lower"] <= out["smoothed"] + 1e-12)
        & (out["smoothed"] <= out["smoothed_upper"] + 1e-12)
    ).all()
    assert ((out["smoothed_lower"] >= 0) & (out["smoothed_upper"] <= 1)).all()
    assert ((out["shrinkage_weight"] > 0) & (out["shrinkage_weight"] <= 1)).all()


def test_default_groups_are_the_kommune_within_each_cell():
    data = _districts()
    codes = {"3203": "3203", "0301": "0301", "1103": "1103"}
    region = [codes[k] + f"{i:02d}" for i, k in enumerate(data["kommune"], start=1)]
    cf = data.assign(region=region, indicator="neet", period="2023", age="16-25", sex="total")
    twice = pd.concat([cf, cf.assign(period="2022")], ignore_index=True)
    out = smooth_eb(twice)
    expected = smooth_eb(data, within="kommune")
    np.testing.assert_allclose(out["smoothed"].iloc[: len(cf)], expected["smoothed"])
    np.testing.assert_allclose(out["smoothed"].iloc[len(cf) :], expected["smoothed"])


def test_skewed_posterior_interval_is_widened_to_the_smoothed_value():
    # One district with all the events: variation beyond any beta prior, so the
    # prior strength drops to its floor and the zero districts' posteriors
    # Beta(a ≈ 0, b) put their mean above their 97.5 % quantile.
    data = pd.DataFrame(
        {"k": "A", "numerator": [0.0, 0.0, 30.0, 0.0], "denominator": [50.0, 50.0, 100.0, 5000.0]}
    )
    out = smooth_eb(data, within="k")
    m = out["prior_strength"]
    a = out["prior_mean"] * m + data["numerator"]
    b = data["denominator"] - data["numerator"] + (1 - out["prior_mean"]) * m
    equal_tailed_upper = sps.beta.isf(0.025, a, b)
    assert (equal_tailed_upper < out["smoothed"]).iloc[[0, 1, 3]].all()
    assert (out["smoothed_upper"] == out["smoothed"]).iloc[[0, 1, 3]].all()
    assert out["smoothed_upper"].iloc[2] == pytest.approx(equal_tailed_upper[2], rel=1e-12)
    assert (out["smoothed_lower"] <= out["smoothed"]).all()


def test_group_without_events_has_a_point_posterior_at_zero():
    data = pd.DataFrame({"k": "A", "numerator": 0.0, "denominator": [3.0, 5.0, 40.0, 900.0]})
    for method in ("moments", "likelihood"):
        out = smooth_eb(data, within="k", method=method)
        assert (out["prior_mean"] == 0).all()
        assert (out["smoothed"] == 0).all() and (out["smoothed_upper"] == 0).all()
