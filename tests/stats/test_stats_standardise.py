"""Direct standardisation (Dobson) and standard populations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from utenforskap.errors import DataError, ParameterError
from utenforskap.stats import (
    DSR_MIN_COUNT,
    compute_dsr,
    european_standard_population,
    rate_ci,
    standard_from_counts,
)

# PHEindicatormethods R/SMR.R test data (19 ESP2013 bands): observed events and populations.
PHE_OBS = [27, 45, 55, 100, 125, 300, 295, 270, 275, 450, 455, 459, 345, 300, 270, 265, 100, 90, 35]
PHE_POP = [
    84935,
    80367,
    72122,
    79259,
    99806,
    87362,
    81579,
    71103,
    70001,
    69007,
    63203,
    52638,
    46087,
    40887,
    32604,
    28399,
    21625,
    13021,
    7355,
]


def test_esp2013_matches_eurostat_table():
    # Source: Eurostat (2013), Revision of the European Standard Population, Table 3;
    # the same vector as PHEindicatormethods' esp2013.
    esp = european_standard_population()
    assert esp.tolist() == [
        5000,
        5500,
        5500,
        5500,
        6000,
        6000,
        6500,
        7000,
        7000,
        7000,
        7000,
        6500,
        6000,
        5500,
        5000,
        4000,
        2500,
        1500,
        1000,
    ]
    assert esp.index[0] == "0-4" and esp.index[-1] == "90+"
    assert esp.sum() == 100_000


def _dobson_by_hand(x, n, w, level, multiplier):
    # Dobson et al. (1991), eq. 3 and PHE's calculate_dsr: written out per group
    # with Byar's limits as the Wilson-Hilferty chi-square approximation.
    x, n, w = (np.asarray(v, float) for v in (x, n, w))
    value = np.sum(w * x / n) / np.sum(w)
    var = np.sum(w**2 * x / n**2) / np.sum(w) ** 2
    total = x.sum()
    z = sps.norm.ppf(0.5 + level / 2)

    def half_chi2(df, zz):
        return df * (1 - 2 / (9 * df) + zz * np.sqrt(2 / (9 * df))) ** 3 / 2

    o_low, o_high = half_chi2(2 * total, -z), half_chi2(2 * total + 2, z)
    spread = np.sqrt(var / total)
    return (
        value * multiplier,
        (value + spread * (o_low - total)) * multiplier,
        (value + spread * (o_high - total)) * multiplier,
    )


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_dsr_agrees_with_dobson_written_out(level):
    esp = european_standard_population()
    rng = np.random.default_rng(2)
    second = rng.poisson(np.array(PHE_OBS) / 3).astype(float)
    data = pd.concat(
        [
            pd.DataFrame(
                {"area": "A", "age": esp.index, "numerator": PHE_OBS, "denominator": PHE_POP}
            ),
            pd.DataFrame(
                {
                    "area": "B",
                    "age": esp.index,
                    "numerator": second,
                    "denominator": np.array(PHE_POP) / 2,
                }
            ),
        ],
        ignore_index=True,
    )
    out = compute_dsr(data, by="area", level=level)
    for i, obs in enumerate([PHE_OBS, second]):
        pop = np.array(PHE_POP) / (1 if i == 0 else 2)
        value, low, high = _dobson_by_hand(obs, pop, esp.to_numpy(), level, 100_000)
        row = out.iloc[i]
        assert row["value"] == pytest.approx(value, rel=1e-6)
        assert row["ci_lower"] == pytest.approx(low, rel=1e-6)
        assert row["ci_upper"] == pytest.approx(high, rel=1e-6)
        assert row["numerator"] == np.sum(obs) and row["reason"] == ""
    assert out["ci_method"].tolist() == ["dobson", "dobson"]


def test_dsr_with_own_population_as_standard_is_the_crude_rate_with_byar_limits():
    # Identity (Dobson et al. 1991): with weights proportional to the group's own
    # population, the DSR is the crude rate and its limits are Byar's limits of O / N.
    bands = ["15-19", "20-24", "25-29"]
    pop = np.array([1200.0, 1500.0, 900.0])
    obs = np.array([14.0, 30.0, 11.0])
    data = pd.DataFrame({"r": "x", "age": bands, "numerator": obs, "denominator": pop})
    out = compute_dsr(
        data, by="r", standard=dict(zip(bands, pop * 3, strict=True)), multiplier=1000
    )
    lower, upper = rate_ci(obs.sum(), pop.sum(), multiplier=1000, method="byar")
    assert out["value"].iloc[0] == pytest.approx(obs.sum() / pop.sum() * 1000, rel=1e-12)
    assert out["ci_lower"].iloc[0] == pytest.approx(float(lower), rel=1e-9)
    assert out["ci_upper"].iloc[0] == pytest.approx(float(upper), rel=1e-9)


def test_small_totals_and_missing_counts_are_not_computed_with_a_reason():
    bands = ["0-4", "5-9"]
    data = pd.DataFrame(
        {
            "area": ["A", "A", "B", "B", "C", "C"],
            "age": bands * 3,
            "numerator": [4.0, 5.0, 5.0, 5.0, np.nan, 3.0],
            "denominator": [100.0, 100.0, 100.0, 100.0, 100.0, 100.0],
        }
    )
    out = compute_dsr(data, by="area")
    assert DSR_MIN_COUNT == 10
    assert out["reason"].tolist() == ["total count below 10", "", "missing counts"]
    assert np.isnan(out["value"].iloc[0]) and np.isnan(out["ci_lower"].iloc[2])
    assert out["value"].iloc[1] == pytest.approx(5000.0)


def test_bands_are_matched_by_bounds_and_standard_is_restricted_to_present_bands():
    data = pd.DataFrame(
        {
            "g": "A",
            "age": ["15–19", "20 - 24"],
            "numerator": [10.0, 20.0],
            "denominator": [1000.0, 1000.0],
        }
    )
    out = compute_dsr(data, by=["g"])
    # ESP weights 5500 and 6000 on rates 1 % and 2 %
    assert out["value"].iloc[0] == pytest.approx((5500 * 0.01 + 6000 * 0.02) / 11500 * 1e5)


def test_zero_population_band_with_no_events_contributes_zero():
    data = pd.DataFrame(
        {"g": "A", "age": ["85-89", "90+"], "numerator": [12.0, 0.0], "denominator": [300.0, 0.0]}
    )
    out = compute_dsr(data, by="g")
    assert out["value"].iloc[0] == pytest.approx(1500 * 0.04 / 2500 * 1e5)


def test_dsr_errors():
    base = pd.DataFrame(
        {"g": "A", "age": ["0-4", "5-9"], "numerator": [10.0, 10.0], "denominator": [100.0, 100.0]}
    )
    with pytest.raises(DataError, match="row 1, value '5-7': age band not in the standard"):
        compute_dsr(base.assign(age=["0-4", "5-7"]), by="g")
    lacking = pd.concat([base, base.iloc[:1].assign(g="B")], ignore_index=True)
    with pytest.raises(DataError, match="group lacks some of the 2 age bands"):
        compute_dsr(lacking, by="g")
    with pytest.raises(DataError, match="events in an age band with population 0"):
        compute_dsr(base.assign(denominator=[100.0, 0.0]), by="g")
    with pytest.raises(DataError, match="an age band appears twice"):
        compute_dsr(pd.concat([base, base.iloc[:1]], ignore_index=True), by="g")
    with pytest.raises(DataError, match="column 'numerator', row 1, value 'ti': not a number"):
        compute_dsr(base.assign(numerator=pd.Series([10.0, "ti"], dtype=object)), by="g")
    with pytest.raises(DataError, match="missing column 'kommune'"):
        compute_dsr(base, by="kommune")
    with pytest.raises(ParameterError, match="standard must be one of 'esp2013'"):
        compute_dsr(base, by="g", standard="esp1976")


def test_standard_from_counts_takes_a_chosen_year():
    frame = pd.DataFrame(
        {
            "indicator": "population",
            "region": "0",
            "region_name": "Norge",
            "period": ["2023", "2023", "2024", "2024"],
            "age": ["0-4", "5-9"] * 2,
            "sex": "total",
            "numerator": 0.0,
            "denominator": [270000.0, 300000.0, 265000.0, 298000.0],
            "status": "",
        }
    )
    std = standard_from_counts(frame, period="2024")
    assert std.to_dict() == {"0-4": 265000.0, "5-9": 298000.0}
    data = pd.DataFrame(
        {
            "g": "A",
            "age": ["0-4", "5-9"],
            "numerator": [10.0, 20.0],
            "denominator": [1000.0, 1000.0],
        }
    )
    out = compute_dsr(data, by="g", standard=std)
    assert out["value"].iloc[0] == pytest.approx((265 * 1 + 298 * 2) / 563 * 1e3)
    with pytest.raises(DataError, match="no rows for region '0', period '1999'"):
        standard_from_counts(frame, period="1999")
