"""Monte Carlo draws against scipy's distributions; chunking and seeding."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from utenforskap.errors import ParameterError
from utenforskap.risk.draws import CHUNK_CELLS, draw_values, plan_draws, run_chunks


def _cells(value, x, n, lower, upper):
    as2d = lambda v: np.array([[v]], dtype=float)  # noqa: E731
    return {
        "value": as2d(value),
        "numerator": as2d(x),
        "denominator": as2d(n),
        "lower": as2d(lower),
        "upper": as2d(upper),
        "level": as2d(0.95),
    }


def test_proportion_draws_follow_the_jeffreys_posterior() -> None:
    # Reference: scipy.stats.beta(x + ½, n − x + ½) (Jeffreys prior), compared by KS.
    rng = np.random.default_rng(11)
    draws = draw_values(
        rng,
        20_000,
        kind=np.array(["proportion"]),
        multiplier=np.array([100.0]),
        **_cells(12.0, 12, 100, 7.0, 20.0),
    )[:, 0, 0]
    result = stats.kstest(draws / 100, stats.beta(12.5, 88.5).cdf)
    assert result.pvalue > 0.001


def test_rate_draws_follow_the_gamma_posterior() -> None:
    rng = np.random.default_rng(12)
    draws = draw_values(
        rng,
        20_000,
        kind=np.array(["rate"]),
        multiplier=np.array([1000.0]),
        **_cells(3.0, 30, 10_000, 2.0, 4.3),
    )[:, 0, 0]
    # rate × n / 1000 ~ Gamma(x + ½, 1).
    result = stats.kstest(draws * 10_000 / 1000, stats.gamma(30.5).cdf)
    assert result.pvalue > 0.001


def test_published_draws_come_from_the_interval() -> None:
    rng = np.random.default_rng(13)
    # A 95 % interval 20 ± 3.92 means a standard error of 2.
    draws = draw_values(
        rng,
        20_000,
        kind=np.array(["published"]),
        multiplier=np.array([100.0]),
        **_cells(20.0, np.nan, np.nan, 16.08007, 23.91993),
    )[:, 0, 0]
    assert stats.kstest(draws, stats.norm(20, 2).cdf).pvalue > 0.001


def test_unpublished_cells_stay_missing_and_kinds_mix() -> None:
    rng = np.random.default_rng(1)
    value = np.array([[10.0, np.nan], [5.0, 6.0]])
    x = np.array([[10.0, np.nan], [np.nan, np.nan]])
    n = np.array([[100.0, np.nan], [np.nan, np.nan]])
    lower = np.array([[5.0, np.nan], [4.0, 5.0]])
    upper = np.array([[17.0, np.nan], [6.0, 7.0]])
    out = draw_values(
        rng,
        50,
        kind=np.array(["proportion", "published"]),
        multiplier=np.array([100.0, 1.0]),
        value=value,
        numerator=x,
        denominator=n,
        lower=lower,
        upper=upper,
        level=np.full((2, 2), 0.95),
    )
    assert np.isnan(out[:, 0, 1]).all()
    assert np.isfinite(out[:, 1, :]).all() and np.isfinite(out[:, 0, 0]).all()


def test_plan_splits_draws_by_size_not_by_threads() -> None:
    plan = plan_draws(1000, CHUNK_CELLS // 300, seed=1)
    assert sum(plan.sizes) == 1000 and max(plan.sizes) == 300
    assert plan_draws(3, 10, seed=1).sizes == (3,)


def test_run_chunks_is_the_same_for_any_number_of_workers() -> None:
    plan = plan_draws(40, CHUNK_CELLS // 7, seed=4)

    def chunk(rng: np.random.Generator, size: int) -> np.ndarray:
        return rng.random((size, 3))

    np.testing.assert_array_equal(
        run_chunks(plan, chunk, workers=1), run_chunks(plan, chunk, workers=4)
    )
    with pytest.raises(ParameterError):
        run_chunks(plan, chunk, workers=0)
