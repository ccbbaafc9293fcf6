"""risk_index on small published frames: hand-computed composites, hidden cells, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from risk_frames import published, random_counts
from scipy import stats

from utenforskap import frames as F
from utenforskap.disclosure import DisclosureError, Rules
from utenforskap.errors import DataError, ParameterError
from utenforskap.risk import Component, risk_index

AGES = {"neet": "16-25", "upper_secondary_completed": "21", "low_income_children": "0-17"}

# NEET rises 10 → 50 % over five districts; completion (high is good) is mixed.
NEET = [(10, 100), (20, 100), (30, 100), (40, 100), (50, 100)]
COMPLETED = [(80, 100), (70, 100), (60, 100), (90, 100), (50, 100)]


@pytest.fixture(scope="module")
def two() -> pd.DataFrame:
    return published({"neet": NEET, "upper_secondary_completed": COMPLETED}, age=AGES)


def test_deciles_composite_by_hand(two: pd.DataFrame) -> None:
    # NEET deciles 1, 3, 5, 8, 10; completion oriented (low is bad): D04 90 % → 1,
    # D01 80 → 3, D02 70 → 5, D03 60 → 8, D05 50 → 10. Means: 2, 4, 6.5, 4.5, 10.
    result = risk_index(two)
    assert result.composite["score"].tolist() == [2.0, 4.0, 6.5, 4.5, 10.0]
    assert result.composite["rank"].tolist() == [5.0, 4.0, 2.0, 3.0, 1.0]
    neet = result.scores[result.scores["component"] == "neet"]
    assert neet["score"].tolist() == [1, 3, 5, 8, 10]


def test_weights_by_hand(two: pd.DataFrame) -> None:
    result = risk_index(two, weights={"neet": 3})
    # (3·1 + 3) / 4 = 1.5; (9 + 5) / 4 = 3.5; (15 + 8) / 4 = 5.75; (24 + 1) / 4 = 6.25; 10.
    assert result.composite["score"].tolist() == [1.5, 3.5, 5.75, 6.25, 10.0]


def test_zscore_by_hand(two: pd.DataFrame) -> None:
    # NEET centre: the country's 10 %. Distances 0, 10, 20, 30, 40; RMS = sqrt(600) = 24.495.
    result = risk_index(two, indicators=["neet"], method="zscore")
    assert result.composite["score"].to_numpy() == pytest.approx(
        np.array([0, 10, 20, 30, 40]) / np.sqrt(600)
    )


def test_rank_by_hand(two: pd.DataFrame) -> None:
    result = risk_index(two, method="rank")
    # NEET ranks 1..5; completion ranks (low is bad) D04 1, D01 2, D02 3, D03 4, D05 5.
    assert result.composite["score"].tolist() == [1.5, 2.5, 3.5, 2.5, 5.0]


def test_count_worse_by_hand(two: pd.DataFrame) -> None:
    # Against the country (10 % NEET, 10 % completion): NEET is higher (worse) in
    # D02–D05, completion is higher (better) everywhere.
    result = risk_index(two, method="count_worse")
    assert result.composite["score"].tolist() == [0.0, 1.0, 1.0, 1.0, 1.0]


def test_a_hidden_component_is_left_out_and_counted() -> None:
    neet = [(10, 100), (2, 100), (30, 100), (40, 100), (50, 100)]  # D02: 2 < 5 → hidden
    frame = published({"neet": neet, "upper_secondary_completed": COMPLETED}, age=AGES)
    result = risk_index(frame, min_components=1)
    row = result.composite.set_index("region").loc["990102"]
    assert row["n_hidden"] == 1 and row["n_components"] == 1 and not row["complete"]
    # D02's composite is its completion score alone (70 % → 5 of 5 published).
    assert row["score"] == 5.0
    cell = result.scores[
        (result.scores["region"] == "990102") & (result.scores["component"] == "neet")
    ]
    assert bool(cell["suppressed"].iloc[0]) and cell[["value", "score"]].isna().all(axis=None)
    # NEET deciles are taken over the four published districts only.
    neet_scores = result.scores[result.scores["component"] == "neet"]["score"].dropna()
    assert neet_scores.tolist() == [1, 4, 7, 10]
    # With the default (more than half of 2 = both) D02 gets no index.
    assert np.isnan(risk_index(frame).composite.set_index("region").loc["990102", "score"])


def test_count_worse_treats_a_hidden_cell_as_unknown() -> None:
    neet = [(10, 100), (2, 100), (30, 100), (40, 100), (50, 100)]
    frame = published({"neet": neet, "upper_secondary_completed": COMPLETED}, age=AGES)
    result = risk_index(frame, method="count_worse", min_components=1)
    row = result.composite.set_index("region").loc["990102"]
    assert row["score"] == 0.0 and row["score_max"] == 1.0
    assert np.isnan(row["rank"])  # its place depends on the hidden cell


def test_refuses_a_frame_without_disclosure_control(two: pd.DataFrame) -> None:
    plain = two.copy()
    plain.attrs = {}
    with pytest.raises(DisclosureError):
        risk_index(plain)


def test_parameter_errors(two: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match="method must be one of"):
        risk_index(two, method="zcore")
    with pytest.raises(ParameterError, match="count_worse"):
        risk_index(two, method="count_worse", draws=10)
    with pytest.raises(ParameterError, match="not a component"):
        risk_index(two, weights={"bullied": 2})
    with pytest.raises(ParameterError, match="≥ 0"):
        risk_index(two, weights=[1, -1])
    with pytest.raises(ParameterError, match="reference region centres"):
        risk_index(two, reference="0")
    with pytest.raises(DataError, match="no age band"):
        risk_index(two, indicators=[("neet", "15-19")])


def test_reference_region_and_reference_distribution(two: pd.DataFrame) -> None:
    # zscore centred on a district (D01, 10 %), which is then not scored itself:
    # distances 10, 20, 30, 40; RMS = sqrt(3000 / 4).
    centred = risk_index(two, indicators=["neet"], method="zscore", reference="990101")
    assert "990101" not in set(centred.composite["region"])
    assert centred.composite["score"].to_numpy() == pytest.approx(
        np.array([10, 20, 30, 40]) / np.sqrt(750)
    )
    # Deciles against a reference distribution of 101 kommuner at 0, 1, …, 100 %.
    reference = pd.DataFrame(
        {
            "indicator": "neet",
            "region": [f"{i:04d}" for i in range(101)],
            "period": "2024",
            "age": "16-25",
            "sex": "total",
            "value": np.arange(101.0),
            "suppressed": False,
        }
    )
    result = risk_index(two, indicators=["neet"], reference=reference)
    # Cut points 10, 20, …, 90: 10 % → 1 (equal to the cut), 20 → 2, 30 → 3, 40 → 4, 50 → 5.
    assert result.composite["score"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert result.reference == "distribution"


def test_group_column_is_used_when_present(two: pd.DataFrame) -> None:
    other = two.assign(group="innvandrere", value=two["value"][::-1].to_numpy())
    both = pd.concat([two.assign(group="total"), other], ignore_index=True)
    both.attrs = dict(two.attrs)
    assert (
        risk_index(both).composite["score"].tolist() == risk_index(two).composite["score"].tolist()
    )


def test_component_with_period_and_direction(two: pd.DataFrame) -> None:
    result = risk_index(two, indicators=[Component("neet", period="2024", high_is_bad=False)])
    assert result.scores["score"].tolist() == [10, 8, 5, 3, 1]


def test_published_rate_components_are_drawn_from_their_interval(two: pd.DataFrame) -> None:
    rate = two[two["indicator"] == "neet"].copy()
    rate["indicator"] = "ungdata_loneliness"
    rate["ci_method"] = "published"
    rate[["numerator", "denominator"]] = np.nan
    frame = pd.concat([two, rate], ignore_index=True)
    frame.attrs = dict(two.attrs)
    result = risk_index(
        frame, indicators=["ungdata_loneliness"], method="zscore", draws=400, seed=2
    )
    assert result.components["kind"].tolist() == ["published"]
    inside = (result.composite["score_lower"] <= result.composite["score"] + 1e-12) & (
        result.composite["score"] <= result.composite["score_upper"] + 1e-12
    )
    assert inside.all()


def test_draws_are_reproducible_and_independent_of_threads(two: pd.DataFrame) -> None:
    one = risk_index(two, draws=300, seed=5, workers=1).composite
    many = risk_index(two, draws=300, seed=5, workers=3).composite
    pd.testing.assert_frame_equal(one, many)
    other = risk_index(two, draws=300, seed=6).composite
    assert not one["score_lower"].equals(other["score_lower"]) or not one["p_worst"].equals(
        other["p_worst"]
    )


def test_probability_of_being_among_the_worst_sums_to_k(two: pd.DataFrame) -> None:
    result = risk_index(two, draws=500, seed=1, worst=2)
    assert result.composite["p_worst"].sum() == pytest.approx(2.0)
    assert result.composite["p_worst"].iloc[4] == pytest.approx(1.0)  # D05 worst on both


# --- properties -------------------------------------------------------------------------

METHODS = ["deciles", "zscore", "rank", "count_worse"]
seeds = st.integers(0, 2**32 - 1)


def _frame(seed: int, n_regions: int, scale: float = 1.0) -> tuple[pd.DataFrame, dict]:
    rng = np.random.default_rng(seed)
    counts = random_counts(rng, n_regions, list(AGES), scale=scale)
    return published(counts, age=AGES), counts


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seeds, st.integers(3, 9), st.sampled_from(METHODS), st.data())
def test_worsening_one_indicator_never_improves_the_composite(
    seed: int, n_regions: int, method: str, data: st.DataObject
) -> None:
    frame, counts = _frame(seed, n_regions)
    region = data.draw(st.integers(0, n_regions - 1))
    indicator = data.draw(st.sampled_from(list(AGES)))
    x, n = counts[indicator][region]
    # Worse: more NEET / low income, fewer completing (registry direction).
    room = (n - 5 - x) if indicator != "upper_secondary_completed" else (x - 5)
    step = data.draw(st.integers(1, max(int(room), 1)))
    if room < 1:
        return
    worse = dict(counts)
    cells = list(worse[indicator])
    cells[region] = (x + step, n) if indicator != "upper_secondary_completed" else (x - step, n)
    worse[indicator] = cells
    before = risk_index(frame, method=method).composite["score"].iloc[region]
    after = risk_index(published(worse, age=AGES), method=method).composite["score"].iloc[region]
    assert after >= before - 1e-12


@settings(max_examples=15, deadline=None)
@given(seeds, st.integers(3, 9), st.sampled_from(METHODS), st.randoms(use_true_random=False))
def test_relabelling_regions_permutes_the_result(seed, n_regions, method, random) -> None:
    frame, counts = _frame(seed, n_regions)
    codes = [f"9901{i:02d}" for i in range(1, n_regions + 1)]
    shuffled = codes[:]
    random.shuffle(shuffled)
    names = [f"D{c[-2:]}" for c in codes]
    relabelled = published(counts, age=AGES, regions=shuffled, names=names)
    a = risk_index(frame, method=method).composite.set_index(F.REGION_NAME)
    b = risk_index(relabelled, method=method).composite.set_index(F.REGION_NAME).loc[a.index]
    columns = ["score", "score_max", "rank", "n_components", "n_hidden"]
    pd.testing.assert_frame_equal(a[columns], b[columns])


@settings(max_examples=15, deadline=None)
@given(seeds, st.integers(2, 12), st.sampled_from(list(AGES)))
def test_one_indicator_gives_that_indicators_ranks(seed, n_regions, indicator) -> None:
    frame, _ = _frame(seed, n_regions)
    rows = frame[(frame["indicator"] == indicator) & (frame["region"] != "0")]
    sign = -1.0 if indicator == "upper_secondary_completed" else 1.0
    expected = stats.rankdata(-sign * rows["value"].to_numpy())  # 1 = most risk
    for method in ("rank", "zscore"):
        got = risk_index(frame, indicators=[indicator], method=method).composite["rank"]
        assert got.tolist() == expected.tolist()
    # Deciles coarsen the order but never reverse it.
    deciles = risk_index(frame, indicators=[indicator]).composite["rank"].to_numpy()
    worse = expected[:, None] < expected[None, :]
    assert (deciles[:, None] <= deciles[None, :])[worse].all()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seeds, st.integers(4, 9), st.sampled_from(["deciles", "zscore", "rank"]))
def test_monte_carlo_interval_contains_the_point_estimate(seed, n_regions, method) -> None:
    frame, _ = _frame(seed, n_regions)
    out = risk_index(frame, method=method, draws=1000, seed=seed).composite
    assert (out["score_lower"] <= out["score"] + 1e-9).all()
    assert (out["score"] <= out["score_upper"] + 1e-9).all()
    assert (out["rank_lower"] <= out["rank"]).all() and (out["rank"] <= out["rank_upper"]).all()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seeds, st.integers(4, 9))
def test_monte_carlo_interval_narrows_as_counts_grow(seed, n_regions) -> None:
    small, counts = _frame(seed, n_regions)
    big = published({k: [(x * 100, n * 100) for x, n in v] for k, v in counts.items()}, age=AGES)
    for method in ("zscore", "deciles"):
        a = risk_index(small, method=method, draws=1000, seed=1).composite
        b = risk_index(big, method=method, draws=1000, seed=1).composite
        wide_a = (a["score_upper"] - a["score_lower"]).to_numpy()
        wide_b = (b["score_upper"] - b["score_lower"]).to_numpy()
        if method == "zscore":
            assert (wide_b < wide_a).all()
        else:
            # Decile scores are whole steps: two regions whose rates are nearly
            # tied (e.g. 95/359 and 81/304) stay one step apart in the draws
            # however large the counts, so the width may stay, never grow.
            assert wide_b.sum() <= wide_a.sum()
        rank_a = (a["rank_upper"] - a["rank_lower"]).sum()
        rank_b = (b["rank_upper"] - b["rank_lower"]).sum()
        assert rank_b <= rank_a


def test_suppressed_group_rules_are_recorded(two: pd.DataFrame) -> None:
    assert risk_index(two).rules["min_count"] == 5
    frame = published({"neet": NEET}, rules=Rules(min_count=3))
    assert risk_index(frame).rules["min_count"] == 3
