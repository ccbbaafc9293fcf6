"""require_risk_disclosed: derived tables that show a hidden cell are refused."""

from __future__ import annotations

import dataclasses

import pytest
from risk_frames import published

from utenforskap.disclosure import DisclosureError
from utenforskap.risk import Criterion, classify_areas, require_risk_disclosed, risk_index

NEET = [(10, 100), (2, 100), (30, 100), (40, 100), (50, 100)]  # D02 hidden


@pytest.fixture(scope="module")
def frame():
    return published(
        {"neet": NEET, "low_income_children": NEET[::-1]},
        age={"neet": "16-25", "low_income_children": "0-17"},
    )


def test_results_from_a_suppressed_frame_pass(frame) -> None:
    index = risk_index(frame, min_components=1)
    assert require_risk_disclosed(index) is index
    result = classify_areas(frame, [Criterion("neet", ">", 25)], at_least=1)
    assert require_risk_disclosed(result) is result


def test_a_hidden_cell_with_a_score_is_refused(frame) -> None:
    index = risk_index(frame, min_components=1)
    scores = index.scores.copy()
    scores.loc[scores["suppressed"], "score"] = 5.0
    with pytest.raises(DisclosureError, match="hidden cell"):
        require_risk_disclosed(dataclasses.replace(index, scores=scores))


def test_a_composite_that_hides_its_hidden_components_is_refused(frame) -> None:
    index = risk_index(frame, min_components=1)
    composite = index.composite.copy()
    composite["n_hidden"] = 0
    with pytest.raises(DisclosureError, match="does not account"):
        require_risk_disclosed(dataclasses.replace(index, composite=composite))


def test_no_record_is_refused(frame) -> None:
    index = risk_index(frame, min_components=1)
    with pytest.raises(DisclosureError, match="disclosure record"):
        require_risk_disclosed(dataclasses.replace(index, rules={}))


def test_a_criterion_decided_without_a_value_is_refused(frame) -> None:
    result = classify_areas(frame, [Criterion("neet", ">", 25)], at_least=1)
    criteria = result.criteria.copy()
    criteria.loc[criteria["region"] == "990102", "status"] = "met"
    with pytest.raises(DisclosureError, match="without a published value"):
        require_risk_disclosed(dataclasses.replace(result, criteria=criteria))


def test_risk_tables_are_gated_and_named(frame) -> None:
    from utenforskap.risk import risk_tables

    index = risk_index(frame, min_components=1)
    result = classify_areas(frame, [Criterion("neet", ">", 25)], at_least=1)
    tables = risk_tables(index, result)
    assert sorted(tables) == [
        "risk_areas",
        "risk_components",
        "risk_composite",
        "risk_criteria",
        "risk_scores",
    ]
    assert (tables["risk_composite"]["method"] == "deciles").all()
    with pytest.raises(DisclosureError):
        risk_tables(dataclasses.replace(index, rules={}))
