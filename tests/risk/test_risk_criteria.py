"""classify_areas: the Danish rule as a worked example, unknown cells, probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from risk_frames import published
from scipy import stats

from utenforskap import frames as F
from utenforskap.disclosure import DisclosureError, Rules, suppress
from utenforskap.errors import DataError, ParameterError
from utenforskap.indicators import compute_indicators
from utenforskap.risk import Criterion, RiskWarning, classify_areas


def danish_frame() -> pd.DataFrame:
    """Five made-up housing areas in kommune 9901, fylke ("region") 99, with the country.

    Indicators (ids outside the registry): ``outside_work`` (18–64 outside work
    and education, two years), ``convicted`` (18+ convicted), ``basic_only``
    (30–59 with basic education only) and ``income`` (mean gross income, in
    1000 kr, published as a value with an interval: no counts).
    """
    areas = ["990101", "990102", "990103", "990104", "990105"]
    people = [2000, 1500, 1200, 900, 3000]
    # Area 1: outside work 46 % / 44 % (mean of counts 45 %) > 40 % ✓;
    #         convicted 2.7 % vs 0.8 % nationally: 3 × 0.8 = 2.4 ✓; basic 55 % ✗;
    #         income 150 vs 0.55 × 300 = 165 ✓ → 3 of 4.
    # Area 2: outside 35 % ✗; convicted 1.0 % ✗; basic 65 % ✓; income 200 ✗ → 1.
    # Area 3: outside 42 % ✓; convicted 2.0 % ✗; basic 62 % ✓; income 170 ✗ → 2.
    # Area 4: 900 residents (< 1,000): excluded whatever it meets.
    # Area 5: outside 41 % in 2023, hidden in 2024 → unknown; convicted 2.5 % ✓;
    #         basic 30 % ✗; income 160 ✓ → at least 2 → yes despite the unknown.
    outside = {
        "2023": [0.46, 0.35, 0.42, 0.50, 0.41],
        "2024": [0.44, 0.35, 0.42, 0.50, None],
    }
    rows = []
    for year, shares in outside.items():
        for code, share, n in zip(areas, shares, people, strict=True):
            n18 = n * 0.6
            x = round(share * n18) if share is not None else 2  # 2 < 5: hidden
            rows.append(("outside_work", code, year, "18-64", x, n18))
        rows.append(("outside_work", "0", year, "18-64", 300_000, 3_000_000))
    for code, share, n in zip(areas, [0.027, 0.010, 0.020, 0.05, 0.025], people, strict=True):
        rows.append(("convicted", code, "2024", "18+", round(share * n * 0.8), n * 0.8))
    rows.append(("convicted", "0", "2024", "18+", 40_000, 5_000_000))
    for code, share, n in zip(areas, [0.55, 0.65, 0.62, 0.7, 0.30], people, strict=True):
        rows.append(("basic_only", code, "2024", "30-59", round(share * n * 0.4), n * 0.4))
    rows.append(("basic_only", "0", "2024", "30-59", 400_000, 2_000_000))
    counts = pd.DataFrame(
        [(i, r, "", p, a, "total", "total", float(x), float(n), "") for i, r, p, a, x, n in rows],
        columns=list(F.COUNT_COLUMNS),
    ).astype({c: object for c in F.TEXT_COLUMNS})
    shares = compute_indicators(F.sort_frame(counts), reference="0")
    income = pd.DataFrame(
        {
            F.INDICATOR: "income",
            F.REGION: [*areas, "99"],
            F.REGION_NAME: "",
            F.PERIOD: "2024",
            F.AGE: "15-64",
            F.SEX: "total",
            F.NUMERATOR: np.nan,
            F.DENOMINATOR: np.nan,
            F.STATUS: "",
            F.VALUE: [150.0, 200.0, 170.0, 100.0, 160.0, 300.0],
            F.CI_LOWER: [140.0, 190.0, 160.0, 90.0, 150.0, 298.0],
            F.CI_UPPER: [160.0, 210.0, 180.0, 110.0, 170.0, 302.0],
            F.CI_LEVEL: 0.95,
            F.CI_METHOD: "published",
            F.REFERENCE: "99",
            F.REFERENCE_VALUE: 300.0,
            F.COMPARISON: "not_tested",
            F.P_VALUE: np.nan,
            F.SUPPRESSED: False,
            F.SUPPRESSION_REASON: "",
        }
    )
    # Published rates carry no counts; today's contract validates counts, so the
    # income rows join after the shares have been suppressed (as a published
    # rate would, taken as its publisher gave it).
    hidden = suppress(shares, Rules(min_count=5, min_denominator=20))
    both = pd.concat([hidden, income], ignore_index=True)
    both.attrs = dict(hidden.attrs)
    return both


DANISH = [
    Criterion("outside_work", ">", 40, periods=2, label="outside work > 40 %"),
    Criterion("convicted", ">=", 3, relative_to="land", label="convicted ≥ 3 × land"),
    Criterion("basic_only", ">", 60, label="basic education > 60 %"),
    Criterion("income", "<", 0.55, relative_to="fylke", label="income < 55 % of region"),
]


@pytest.fixture(scope="module")
def danish() -> pd.DataFrame:
    return danish_frame()


def test_the_danish_rule_on_made_up_areas(danish: pd.DataFrame) -> None:
    result = classify_areas(
        danish,
        DANISH,
        at_least=2,
        min_population=1000,
        population={"990101": 2000, "990102": 1500, "990103": 1200, "990104": 900, "990105": 3000},
        regions=["990101", "990102", "990103", "990104", "990105"],
    )
    areas = result.areas.set_index("region")
    assert areas["n_met"].to_dict() == {
        "990101": 3,
        "990102": 1,
        "990103": 2,
        "990104": 4,
        "990105": 2,
    }
    assert areas["classification"].to_dict() == {
        "990101": "yes",
        "990102": "no",
        "990103": "yes",
        "990104": "excluded",
        "990105": "yes",
    }
    cells = result.criteria.set_index(["region", "criterion"])
    assert cells.loc[("990105", "outside work > 40 %"), "status"] == "unknown"
    assert np.isnan(cells.loc[("990105", "outside work > 40 %"), "value"])
    # Thresholds: 3 × the country's 0.8 % and 0.55 × the region's 300.
    assert cells.loc[("990101", "convicted ≥ 3 × land"), "threshold"] == pytest.approx(2.4)
    assert cells.loc[("990101", "income < 55 % of region"), "threshold"] == pytest.approx(165.0)
    # Pooled over two years from counts: (552 + 528) / (1200 + 1200) = 45 %.
    assert cells.loc[("990101", "outside work > 40 %"), "value"] == pytest.approx(45.0)
    assert cells.loc[("990101", "outside work > 40 %"), "periods"] == "2023, 2024"


def test_an_unknown_criterion_can_leave_the_area_undetermined(danish: pd.DataFrame) -> None:
    # Area 5 meets 2 known; needing 3, its hidden criterion decides: unknown.
    result = classify_areas(danish, DANISH, at_least=3, regions=["990105", "990102"])
    areas = result.areas.set_index("region")
    assert areas.loc["990105", "classification"] == "unknown"
    assert areas.loc["990102", "classification"] == "no"  # 1 met + 0 unknown < 3
    assert np.isnan(areas.loc["990105", "p_classified"])


def test_probability_met_against_scipy(danish: pd.DataFrame) -> None:
    result = classify_areas(danish, DANISH[2:3], at_least=1, regions=["990101"])
    # basic_only, area 1: x = round(0.55 · 800) = 440 of 800; P(p > 0.60) under Beta(440.5, 360.5).
    expected = stats.beta(440.5, 360.5).sf(0.60)
    assert result.criteria["p_met"].iloc[0] == pytest.approx(expected)
    income = classify_areas(danish, DANISH[3:], at_least=1, regions=["990101"])
    # Income 150 ± 10 (95 %) → se 5.102; P(value < 165) with the region held at 300.
    se = 10 / stats.norm.ppf(0.975)
    assert income.criteria["p_met"].iloc[0] == pytest.approx(stats.norm.cdf((165 - 150) / se))


def test_gate_makes_close_calls_uncertain(danish: pd.DataFrame) -> None:
    result = classify_areas(danish, DANISH[2:3], at_least=1, regions=["990103"], gate=0.95)
    # Area 3: 62 % of 480 against 60 %: P ≈ 0.81 → uncertain at a 95 % gate.
    row = result.criteria.iloc[0]
    assert 0.05 < row["p_met"] < 0.95 and row["status"] == "uncertain"
    assert result.areas["classification"].iloc[0] == "unknown"


def test_errors_and_warnings(danish: pd.DataFrame) -> None:
    with pytest.raises(ParameterError, match="op must be one of"):
        Criterion("basic_only", "=>", 60)
    with pytest.raises(ParameterError, match="at_least"):
        classify_areas(danish, DANISH, at_least=5)
    with pytest.raises(DataError, match="no rows for indicator"):
        classify_areas(danish, [Criterion("nothing", ">", 1)], at_least=1)
    with pytest.raises(DataError, match="reference region"):
        classify_areas(danish, [Criterion("basic_only", ">", 1, relative_to="kommune")], at_least=1)
    frame = published({"neet": [(10, 100), (20, 100)]})
    with pytest.warns(RiskWarning, match="percent"):
        classify_areas(frame, [Criterion("neet", ">", 0.15)], at_least=1)
    plain = danish.copy()
    plain.attrs = {}
    with pytest.raises(DisclosureError):
        classify_areas(plain, DANISH, at_least=2)


def test_pooling_already_pooled_spans_is_refused() -> None:
    frame = published(
        {"ungdata_loneliness": [(10, 100), (20, 100)]}, period="2022-2024", age="VG1-VG3"
    )
    with pytest.raises(DataError, match="periods"):
        classify_areas(frame, [Criterion("ungdata_loneliness", ">", 10, periods=2)], at_least=1)


def test_mappings_are_accepted_as_criteria(danish: pd.DataFrame) -> None:
    result = classify_areas(
        danish,
        [{"indicator": "basic_only", "op": ">", "threshold": 60}],
        at_least=1,
        regions=["990102"],
    )
    assert result.areas["classification"].iloc[0] == "yes"
