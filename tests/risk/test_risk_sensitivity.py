"""risk_sensitivity: each scenario equals the index computed directly with that choice."""

from __future__ import annotations

import numpy as np
import pytest
from risk_frames import published, random_counts

from utenforskap.errors import ParameterError
from utenforskap.risk import risk_index, risk_sensitivity

AGES = {"neet": "16-25", "upper_secondary_completed": "21", "low_income_children": "0-17"}


@pytest.fixture(scope="module")
def frame():
    return published(random_counts(np.random.default_rng(8), 9, list(AGES)), age=AGES)


def test_scenarios_match_direct_computation(frame) -> None:
    result = risk_sensitivity(frame, weight_draws=20, seed=3)
    ranks = result.ranks
    for method in ("zscore", "rank"):
        got = ranks[(ranks["factor"] == "method") & (ranks["choice"] == method)]["rank"]
        direct = risk_index(frame, method=method).composite["rank"]
        assert got.tolist() == direct.tolist()
    # Leaving out a component = the index of the others (an independent path).
    for left_out in AGES:
        got = ranks[(ranks["factor"] == "drop") & (ranks["choice"] == left_out)]["rank"]
        others = [i for i in AGES if i != left_out]
        direct = risk_index(frame, indicators=others, min_components=2).composite["rank"]
        assert got.tolist() == direct.tolist()


def test_summary_and_region_ranges(frame) -> None:
    result = risk_sensitivity(frame, weight_draws=50, seed=1)
    assert set(result.summary["factor"]) == {"method", "weights", "drop"}
    assert (result.summary["mean_abs_shift"] >= 0).all()
    regions = result.regions
    assert (regions["rank_min"] <= regions["rank"]).all() and (
        regions["rank"] <= regions["rank_max"]
    ).all()
    # No spread in the weights: the random weightings reproduce the nominal ranks.
    still = risk_sensitivity(frame, weight_draws=5, weight_spread=0.0, methods=(), drop=False)
    assert (still.ranks["shift"] == 0).all()


def test_parameter_errors(frame) -> None:
    with pytest.raises(ParameterError):
        risk_sensitivity(frame, methods=("decile",))
    with pytest.raises(ParameterError):
        risk_sensitivity(frame, weight_spread=1.5)
