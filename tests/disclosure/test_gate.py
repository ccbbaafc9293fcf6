"""The writers' gate (require_disclosed) and the legend words for hidden cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from disclosure_tables import indicator_frame

from utenforskap import frames as F
from utenforskap.disclosure import (
    DisclosureError,
    RuleBook,
    Rules,
    legend_note,
    reason_labels,
    require_disclosed,
    suppress,
    suppressed_label,
)
from utenforskap.errors import ParameterError, UtenforskapError


@pytest.fixture
def raw() -> pd.DataFrame:
    return indicator_frame(
        [
            ("neet", "9901", "2023", "16-25", "total", 100, 1000),
            ("neet", "990101", "2023", "16-25", "total", 3, 40),
            ("neet", "990102", "2023", "16-25", "total", 40, 400),
            ("neet", "990103", "2023", "16-25", "total", 52, 540),
            ("neet", "990199", "2023", "16-25", "total", 5, 20),
        ]
    )


def test_refuses_a_frame_never_suppressed(raw: pd.DataFrame) -> None:
    assert issubclass(DisclosureError, UtenforskapError)
    with pytest.raises(DisclosureError, match=r"has not been through disclosure control"):
        require_disclosed(raw)


def test_accepts_suppressed_frame_and_subsets(raw: pd.DataFrame) -> None:
    out = suppress(raw)
    assert require_disclosed(out) is out
    subset = out[out[F.REGION] != "9901"].sort_values(F.REGION)
    assert require_disclosed(subset) is subset


def test_catches_a_cell_unhidden_after_suppression(raw: pd.DataFrame) -> None:
    out = suppress(raw)
    out.loc[1, F.SUPPRESSED] = False
    out.loc[1, F.SUPPRESSION_REASON] = ""
    out.loc[1, F.NUMERATOR] = 3.0
    out.loc[1, F.DENOMINATOR] = 40.0
    with pytest.raises(DisclosureError, match=r"row 1 .*990101.*numerator 3 and denominator 40"):
        require_disclosed(out)


def test_catches_a_hidden_cell_that_shows_a_value(raw: pd.DataFrame) -> None:
    out = suppress(raw)
    out.loc[4, F.VALUE] = 25.0
    with pytest.raises(DisclosureError, match=r"990199.*still shows 'value'"):
        require_disclosed(out)


def test_catches_a_published_count_edited_below_the_threshold(raw: pd.DataFrame) -> None:
    out = suppress(raw)
    out.loc[2, F.NUMERATOR] = 398.0  # complement 2 < 5
    with pytest.raises(DisclosureError, match=r"990102"):
        require_disclosed(out)


def test_catches_reason_without_suppression(raw: pd.DataFrame) -> None:
    out = suppress(raw)
    out.loc[4, F.SUPPRESSED] = False
    with pytest.raises(DisclosureError, match=r"suppression_reason 'secondary'"):
        require_disclosed(out)


def test_missing_column(raw: pd.DataFrame) -> None:
    out = suppress(raw).drop(columns=[F.NUMERATOR])
    with pytest.raises(DisclosureError, match=r"column 'numerator' is missing"):
        require_disclosed(out)


def test_checks_with_the_recorded_per_indicator_rules(raw: pd.DataFrame) -> None:
    out = suppress(raw, RuleBook(per_indicator={"neet": Rules(min_count=50)}))
    # 3, 40 and 5 are below 50; 52 and 100 are not. The three hidden districts
    # add up to 100 − 52 = 48 < 50 (the protection level, min_count by default):
    # each would be known to within fewer than 50 persons, so 52 is hidden too.
    assert out[F.SUPPRESSED].tolist() == [False, True, True, True, True]
    same = suppress(raw, RuleBook(per_indicator={"neet": Rules(min_count=50, protection_level=1)}))
    # with a protection level of 1, three unknown districts are enough
    assert same[F.SUPPRESSED].tolist() == [False, True, True, False, True]
    lenient = suppress(raw, Rules(min_count=1, min_denominator=1))
    assert not lenient[F.SUPPRESSED].any()
    require_disclosed(lenient)


def test_legend_note_is_one_sentence_without_reasons(raw: pd.DataFrame) -> None:
    out = suppress(raw)
    note = "Prikket: færre enn 5 personer bak tallet, eller tallet kunne regnes ut fra andre tall."
    assert legend_note(out) == note
    assert legend_note(out, lang="en") == (
        "Suppressed: fewer than 5 people behind the figure, or the figure could be derived "
        "from others."
    )
    # the same words whichever rules acted: only a primary cell, only a secondary one
    assert legend_note(out[out[F.SUPPRESSION_REASON] == "primary"]) == note
    assert legend_note(out[out[F.SUPPRESSION_REASON] == "secondary"]) == note
    assert legend_note(out[~out[F.SUPPRESSED]]) == ""
    with pytest.raises(DisclosureError):
        legend_note(raw)


def test_legend_note_with_several_thresholds() -> None:
    frame = indicator_frame(
        [
            ("neet", "3201", "2023", "16-25", "total", 2, 100),
            ("low_income", "3201", "2023", "0-17", "total", 4, 100),
            ("low_income", "3203", "2023", "0-17", "total", 12, 19),
        ]
    )
    book = RuleBook(default=Rules(min_count=5), per_indicator={"neet": Rules(min_count=3)})
    out = suppress(frame, book)
    assert out[F.SUPPRESSION_REASON].tolist() == ["primary", "primary", "denominator"]
    assert legend_note(out) == (
        "Prikket: færre enn 3–5 personer bak tallet, eller tallet kunne regnes ut fra andre tall."
    )
    # a denominator-only selection says the same
    assert legend_note(out.iloc[[2]]) == legend_note(out.iloc[[0, 1, 2]]).replace("3–5", "5")


def test_labels() -> None:
    assert suppressed_label() == "prikket"
    assert set(reason_labels("en")) == set(F.SUPPRESSION_REASONS[1:])
    assert set(reason_labels("nb")) == set(F.SUPPRESSION_REASONS[1:])
    with pytest.raises(ParameterError, match="lang must be one of 'nb', 'en'; not 'de'"):
        reason_labels("de")


def test_blanked_columns_are_float_nan(raw: pd.DataFrame) -> None:
    out = suppress(raw)
    blanked = out[[F.CI_LOWER, F.CI_UPPER, F.REFERENCE_VALUE, F.P_VALUE]].iloc[1]
    assert blanked.isna().all()
    assert blanked.dtype == np.float64


def test_catches_hidden_cells_filled_with_zero(raw: pd.DataFrame) -> None:
    # A figure must never draw a hidden cell as 0; pandas keeps attrs through
    # fillna, so the record alone would not catch it.
    out = suppress(raw).fillna({F.VALUE: 0.0})
    with pytest.raises(DisclosureError, match=r"row 1 .*still shows 'value'"):
        require_disclosed(out)


def test_merge_drops_the_record(raw: pd.DataFrame) -> None:
    names = pd.DataFrame({F.REGION: ["9901"], "name": ["Kommune"]})
    merged = suppress(raw).merge(names, on=F.REGION, how="left")
    with pytest.raises(DisclosureError, match=r"has not been through disclosure control"):
        require_disclosed(merged)
