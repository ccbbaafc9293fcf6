"""Normalisation and composite, against hand calculations and independent references."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from utenforskap.risk.scores import (
    composite,
    decile_cuts,
    decile_scores,
    deciles_from_ranks,
    rank_composite,
    rank_draws,
    rank_scores,
    weighted_sum,
    worse_flags,
    zscore_scores,
)


def test_deciles_of_five_values_by_hand() -> None:
    # n = 5: decile m sits at position (n − 1) m / 10 = 0.4 m. Value at position
    # c exceeds deciles m < 2.5 c: c = 0 → none (1), 1 → m ≤ 2 (3), 2 → m ≤ 4 (5),
    # 3 → m ≤ 7 (8), 4 → m ≤ 9 (10).
    values = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    assert deciles_from_ranks(values).tolist() == [1, 3, 5, 8, 10]
    assert decile_scores(values).tolist() == [1, 3, 5, 8, 10]


def test_deciles_against_numpy_quantiles() -> None:
    # Reference: numpy's linear quantile (Hyndman & Fan type 7): score = 1 + #(v > q_m).
    rng = np.random.default_rng(3)
    for n in (2, 3, 7, 10, 23, 100):
        values = rng.normal(size=n)
        q = np.quantile(values, np.arange(1, 10) / 10)
        expected = 1 + (values[:, None] > q[None, :]).sum(axis=1)
        assert decile_scores(values).tolist() == expected.tolist()
        assert deciles_from_ranks(values).tolist() == expected.tolist()


def test_ten_and_twenty_regions_fill_the_deciles_equally() -> None:
    # SSB's practice: equally many areas in each score (one of ten, two of twenty).
    assert deciles_from_ranks(np.arange(10.0)).tolist() == list(range(1, 11))
    twenty = deciles_from_ranks(np.arange(20.0))
    assert twenty.tolist() == [s for s in range(1, 11) for _ in range(2)]


def test_ties_share_the_decile_of_their_mid_rank() -> None:
    # [1, 1, 2, 3, 4]: the tied pair has mid-rank 0.5 (0-based) > 0.4 → score 2.
    assert deciles_from_ranks(np.array([1.0, 1.0, 2.0, 3.0, 4.0])).tolist() == [2, 2, 5, 8, 10]


def test_deciles_ignore_unpublished_values() -> None:
    values = np.array([10.0, np.nan, 30.0, 20.0])
    out = deciles_from_ranks(values)
    assert np.isnan(out[1])
    assert out[[0, 3, 2]].tolist() == deciles_from_ranks(np.array([10.0, 20.0, 30.0])).tolist()


def test_cut_points_against_a_reference_distribution() -> None:
    reference = np.arange(0.0, 101.0)  # deciles at exactly 10, 20, …, 90
    cuts = decile_cuts(reference)
    values = np.array([5.0, 10.0, 10.5, 55.0, 95.0])
    # A value equal to a cut point falls in the lower decile.
    assert decile_scores(values, cuts).tolist() == [1, 1, 2, 6, 10]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=2, max_size=40, unique=True))
def test_cut_point_path_equals_rank_path_without_ties(values: list[float]) -> None:
    array = np.array(values)
    assert decile_scores(array).tolist() == deciles_from_ranks(array).tolist()


def test_zscore_by_hand_and_against_scipy() -> None:
    # Centre 20; root-mean-square distance sqrt((100 + 0 + 100) / 3) = 8.1650.
    out = zscore_scores(np.array([10.0, 20.0, 30.0]), np.array([20.0]))
    assert out == pytest.approx([-10 / 8.16496581, 0.0, 10 / 8.16496581])
    # With the centre at the mean, the score is the classical z-score (ddof = 0).
    values = np.array([3.0, 7.0, 8.0, 15.0])
    centred = zscore_scores(values, np.array([values.mean()]))
    assert centred == pytest.approx(stats.zscore(values))


def test_zscore_with_a_fixed_spread_and_all_equal() -> None:
    assert zscore_scores(np.array([4.0, 6.0]), np.array([5.0]), np.array([2.0])).tolist() == [
        -0.5,
        0.5,
    ]
    assert zscore_scores(np.array([5.0, 5.0]), np.array([5.0])).tolist() == [0.0, 0.0]


def test_ranks_against_scipy() -> None:
    values = np.array([4.0, 1.0, 4.0, 2.0])
    assert rank_scores(values).tolist() == stats.rankdata(values).tolist()
    assert rank_draws(np.array([[0.4, 0.1, 0.3, 0.2]])).tolist() == [[4, 1, 3, 2]]


def test_count_worse_flags_respect_direction() -> None:
    comparison = np.array(["higher", "lower", "similar", "not_tested"])
    assert worse_flags(comparison, np.array(False))[:3].tolist() == [0.0, 1.0, 0.0]
    assert np.isnan(worse_flags(comparison, np.array(False))[3])


def test_composite_by_hand() -> None:
    # Components × regions; region 2 misses its second component.
    scores = np.array([[2.0, 8.0, 5.0], [4.0, np.nan, 5.0], [6.0, 10.0, 5.0]])
    weights = np.array([1.0, 2.0, 1.0])
    score, _ = composite(scores, weights, method="deciles", min_components=2)
    # (2 + 2·4 + 6) / 4 = 4; (8 + 10) / 2 = 9; 5.
    assert score.tolist() == [4.0, 9.0, 5.0]
    score, _ = composite(scores, weights, method="deciles", min_components=3)
    assert np.isnan(score[1])


def test_count_worse_composite_counts_known_and_bounds_the_unknown() -> None:
    flags = np.array([[1.0, 0.0], [np.nan, 1.0], [1.0, 0.0]])
    score, most = composite(flags, np.ones(3), method="count_worse", min_components=1)
    assert score.tolist() == [2.0, 1.0]
    assert most.tolist() == [3.0, 1.0]


def test_weighted_sum_ignores_unpublished_cells() -> None:
    scores = np.array([[[1.0, 7.0], [2.0, 3.0]]])
    available = np.array([[True, False], [True, True]])
    assert weighted_sum(scores, np.array([2.0, 1.0]), available).tolist() == [[4.0, 3.0]]


def test_rank_composite_most_risk_first() -> None:
    assert rank_composite(np.array([1.0, 3.0, np.nan, 2.0])).tolist()[:2] == [3.0, 1.0]
