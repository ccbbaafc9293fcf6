"""Worked examples with suppression patterns derived by hand (derivations in the comments).

Source of the rules: issue 6 (defaults 5 / 5 / 20, series 50 %, coverage 8 % and
5 percentage points, as in FHI's Kommunehelsa pipeline); every expected pattern
below follows from those rules applied with pencil and paper, not from running
the code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from disclosure_tables import indicator_frame

from utenforskap import frames as F
from utenforskap.disclosure import RuleBook, Rules, require_disclosed, suppress


def _reasons(out: pd.DataFrame, by: list[str]) -> dict[tuple[str, ...], str]:
    keys = out[by].astype(str).itertuples(index=False, name=None)
    return dict(zip(keys, out[F.SUPPRESSION_REASON], strict=True))


def test_one_small_district_forces_the_unknown_district_as_secondary_cell() -> None:
    # 990101 has 3 NEET (< 5): primary. In the group {9901; 990101, 990102,
    # 990103, 990199} that is the only hidden cell, so 9901 − the others would
    # reveal it. The published member with the smallest denominator is the
    # unknown-district row 990199 (n = 20 < 400 < 540 < 1000): secondary.
    # Coverage does not act: unknown share 5/100 = 5 % ≤ 8 %, 20/1000 = 2 %,
    # difference 3 points ≤ 5.
    cells = [
        ("neet", "9901", "2023", "16-25", "total", 100, 1000),
        ("neet", "990101", "2023", "16-25", "total", 3, 40),
        ("neet", "990102", "2023", "16-25", "total", 40, 400),
        ("neet", "990103", "2023", "16-25", "total", 52, 540),
        ("neet", "990199", "2023", "16-25", "total", 5, 20),
    ]
    out = suppress(indicator_frame(cells))
    assert _reasons(out, [F.REGION]) == {
        ("9901",): "",
        ("990101",): "primary",
        ("990102",): "",
        ("990103",): "",
        ("990199",): "secondary",
    }
    hidden = out[F.SUPPRESSED].to_numpy()
    assert out.loc[hidden, [F.NUMERATOR, F.DENOMINATOR, F.VALUE]].isna().all().all()
    assert out.loc[~hidden, F.NUMERATOR].tolist() == [100.0, 40.0, 52.0]
    assert (out.loc[hidden, F.COMPARISON] == "not_tested").all()


def test_secondary_cascades_across_region_and_sex() -> None:
    # Start: A male (2 of 30) primary.
    # Round 1, region: males {K; A, B, C} have one hidden → B male (n 200 <
    # 300 < 530). Sex: A {total; m, f} has one hidden → A female (30 < 60);
    # B {total; m, f} now has one hidden → B female (210 < 410).
    # Round 2: every group has 0 or 2 hidden cells; done.
    leaves = {
        ("990101", "male"): (2, 30),
        ("990101", "female"): (6, 30),
        ("990102", "male"): (20, 200),
        ("990102", "female"): (22, 210),
        ("990103", "male"): (30, 300),
        ("990103", "female"): (28, 280),
    }
    cells = []
    for region in ("9901", "990101", "990102", "990103"):
        for sex in ("male", "female", "total"):
            x = sum(
                v[0] for (r, s), v in leaves.items() if r.startswith(region) and sex in (s, "total")
            )
            n = sum(
                v[1] for (r, s), v in leaves.items() if r.startswith(region) and sex in (s, "total")
            )
            cells.append(("neet", region, "2023", "16-25", sex, x, n))
    out = suppress(indicator_frame(cells))
    hidden = _reasons(out, [F.REGION, F.SEX])
    assert {k: v for k, v in hidden.items() if v} == {
        ("990101", "male"): "primary",
        ("990102", "male"): "secondary",
        ("990101", "female"): "secondary",
        ("990102", "female"): "secondary",
    }


def test_nested_age_bands() -> None:
    # 16-17 (3 of 70) primary. Groups: {16-25; 16-19, 20-25} and
    # {16-19; 16-17, 18-19}. The second has one hidden cell → 18-19 (n 80 <
    # 150). Then both groups have 0 or 2 hidden cells.
    cells = [
        ("neet", "3203", "2023", "16-25", "total", 40, 400),
        ("neet", "3203", "2023", "16-19", "total", 15, 150),
        ("neet", "3203", "2023", "20-25", "total", 25, 250),
        ("neet", "3203", "2023", "16-17", "total", 3, 70),
        ("neet", "3203", "2023", "18-19", "total", 12, 80),
    ]
    out = suppress(indicator_frame(cells))
    assert _reasons(out, [F.AGE]) == {
        ("16-25",): "",
        ("16-19",): "",
        ("20-25",): "",
        ("16-17",): "primary",
        ("18-19",): "secondary",
    }


def test_series_more_than_half_hidden() -> None:
    # 3203: 3 of 5 years below 5 (60 % > 50 %) → 2020 and 2023 hidden as series.
    # 3205: 2 of 4 years (50 %, not more than half) → the rest stays.
    years_3203 = {"2019": 3, "2020": 10, "2021": 2, "2022": 4, "2023": 12}
    years_3205 = {"2020": 3, "2021": 10, "2022": 2, "2023": 12}
    cells = [("neet", "3203", y, "16-25", "total", x, 100) for y, x in years_3203.items()]
    cells += [("neet", "3205", y, "16-25", "total", x, 100) for y, x in years_3205.items()]
    out = suppress(indicator_frame(cells))
    assert _reasons(out, [F.REGION, F.PERIOD]) == {
        ("3203", "2019"): "primary",
        ("3203", "2020"): "series",
        ("3203", "2021"): "primary",
        ("3203", "2022"): "primary",
        ("3203", "2023"): "series",
        ("3205", "2020"): "primary",
        ("3205", "2021"): "",
        ("3205", "2022"): "primary",
        ("3205", "2023"): "",
    }
    # With series_share 0.7 for this indicator, 60 % is not enough.
    book = RuleBook(per_indicator={"neet": Rules(series_share=0.7)})
    relaxed = suppress(indicator_frame(cells), book)
    assert "series" not in set(relaxed[F.SUPPRESSION_REASON])


def test_series_and_secondary_interact() -> None:
    # A: 2021 and 2022 primary. Secondary, region groups 2021 and 2022 → B
    # (n 100 < 200 < 350). Series: A has 2 of 3 hidden, B has 2 of 3 hidden →
    # A 2023 and B 2023 "series". Group 2023 then has two hidden cells: done.
    a = {"2021": (3, 50), "2022": (4, 50), "2023": (10, 50)}
    cells = []
    for year, (ax, an) in a.items():
        cells += [
            ("neet", "9901", year, "16-25", "total", ax + 20 + 40, an + 100 + 200),
            ("neet", "990101", year, "16-25", "total", ax, an),
            ("neet", "990102", year, "16-25", "total", 20, 100),
            ("neet", "990103", year, "16-25", "total", 40, 200),
        ]
    out = suppress(indicator_frame(cells))
    got = {k: v for k, v in _reasons(out, [F.REGION, F.PERIOD]).items() if v}
    assert got == {
        ("990101", "2021"): "primary",
        ("990101", "2022"): "primary",
        ("990101", "2023"): "series",
        ("990102", "2021"): "secondary",
        ("990102", "2022"): "secondary",
        ("990102", "2023"): "series",
    }


@pytest.mark.parametrize(
    ("a", "b", "u", "hidden"),
    [
        # unknown share of the numerator 10/100 = 10 % > 8 %
        ((45, 480), (45, 480), (10, 40), True),
        # 6 % of the numerator, 12 % of the denominator: 6 points apart > 5
        ((47, 440), (47, 440), (6, 120), True),
        # exactly 8 % and exactly 5 points apart (13 %): not more than → kept
        ((46, 435), (46, 435), (8, 130), False),
    ],
)
def test_coverage_rule(
    a: tuple[int, int], b: tuple[int, int], u: tuple[int, int], hidden: bool
) -> None:
    cells = [
        ("neet", "9901", "2023", "16-25", "total", 100, 1000),
        ("neet", "990101", "2023", "16-25", "total", *a),
        ("neet", "990102", "2023", "16-25", "total", *b),
        ("neet", "990199", "2023", "16-25", "total", *u),
    ]
    out = suppress(indicator_frame(cells))
    expected = ["", "coverage", "coverage", "coverage"] if hidden else ["", "", "", ""]
    assert out[F.SUPPRESSION_REASON].tolist() == expected
    # Once the unknown-district row is blank the share cannot be read again;
    # earlier decisions stand, so a second run changes nothing.
    pd.testing.assert_frame_equal(suppress(out), out)


def test_primary_reasons_and_thresholds() -> None:
    cells = [
        ("neet", "3201", "2023", "16-25", "total", 4, 100),  # 4 < 5: primary
        ("neet", "3203", "2023", "16-25", "total", 5, 100),  # 5 is not below 5
        ("neet", "3205", "2023", "16-25", "total", 96, 100),  # 4 without: complement
        ("neet", "3207", "2023", "16-25", "total", 7, 19),  # 19 < 20: denominator
        ("neet", "3209", "2023", "16-25", "total", 0, 50),  # zero: published by default
        ("neet", "3211", "2023", "16-25", "total", 2, 10),  # primary comes first
    ]
    out = suppress(indicator_frame(cells))
    assert out[F.SUPPRESSION_REASON].tolist() == [
        "primary",
        "",
        "complement",
        "denominator",
        "",
        "primary",
    ]
    zeros = suppress(indicator_frame(cells), Rules(protect_zeros=True))
    assert zeros[F.SUPPRESSION_REASON].iloc[4] == "primary"
    strict = suppress(indicator_frame(cells), RuleBook(default=Rules(min_count=6)))
    assert strict[F.SUPPRESSION_REASON].iloc[1] == "primary"


def test_per_indicator_rules() -> None:
    cells = [
        ("neet", "3201", "2023", "16-25", "total", 3, 100),
        ("low_income", "3201", "2023", "16-25", "total", 3, 100),
    ]
    book = RuleBook(per_indicator={"neet": Rules(min_count=3)})
    out = suppress(indicator_frame(cells), book)
    assert out[F.SUPPRESSION_REASON].tolist() == ["", "primary"]
    require_disclosed(out)


def test_missing_counts_count_as_hidden_for_subtraction() -> None:
    # 990101 has no counts (SSB ":"); 9901 − 990102 − 990103 would reveal them,
    # so the smallest published sibling (990102, n 100) is hidden.
    frame = indicator_frame(
        [
            ("neet", "9901", "2023", "16-25", "total", 80, 500),
            ("neet", "990101", "2023", "16-25", "total", np.nan, np.nan),
            ("neet", "990102", "2023", "16-25", "total", 20, 100),
            ("neet", "990103", "2023", "16-25", "total", 50, 300),
        ]
    )
    frame.loc[1, F.STATUS] = ":"
    out = suppress(frame)
    assert out[F.SUPPRESSION_REASON].tolist() == ["", "", "secondary", ""]
    assert not out[F.SUPPRESSED].iloc[1]
    pd.testing.assert_frame_equal(suppress(out), out)


def test_published_cell_loses_comparison_with_a_hidden_reference() -> None:
    frame = indicator_frame(
        [
            ("neet", "3201", "2023", "16-25", "total", 2, 100),
            ("neet", "3203", "2023", "16-25", "total", 30, 300),
        ]
    )
    frame.loc[1, F.REFERENCE] = "3201"
    frame.loc[1, F.REFERENCE_VALUE] = 2.0
    frame.loc[1, F.P_VALUE] = 0.01
    frame.loc[1, F.COMPARISON] = "higher"
    out = suppress(frame)
    assert out[F.SUPPRESSION_REASON].tolist() == ["primary", ""]
    assert out.loc[1, F.VALUE] == pytest.approx(10.0)
    assert out[[F.REFERENCE_VALUE, F.P_VALUE]].iloc[1].isna().all()
    assert out.loc[1, F.COMPARISON] == "not_tested"
    pd.testing.assert_frame_equal(suppress(out), out)


def test_keeps_index_order_and_earlier_reasons() -> None:
    frame = indicator_frame(
        [
            ("neet", "3203", "2023", "16-25", "total", 30, 300),
            ("neet", "3201", "2023", "16-25", "total", 40, 300),
        ]
    )
    frame.index = [10, 5]
    frame.loc[5, F.SUPPRESSED] = True
    frame.loc[5, F.SUPPRESSION_REASON] = "coverage"
    frame.loc[5, [F.NUMERATOR, F.DENOMINATOR, F.VALUE, F.CI_LOWER, F.CI_UPPER]] = np.nan
    out = suppress(frame)
    assert out.index.tolist() == [10, 5]
    assert out[F.SUPPRESSION_REASON].tolist() == ["", "coverage"]


def test_empty_frame() -> None:
    out = suppress(indicator_frame([]))
    assert len(out) == 0
    require_disclosed(out)
