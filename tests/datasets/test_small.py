"""The small demo frame: hierarchies add up, it passes the disclosure gate, seeds repeat."""

from __future__ import annotations

import pandas as pd

from utenforskap import frames as F
from utenforskap.datasets import demo_counts, demo_indicators
from utenforskap.disclosure import require_disclosed

KEYS = [F.INDICATOR, F.PERIOD, F.AGE, F.SEX]


def _sum(counts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    return counts.groupby(keys)[[F.NUMERATOR, F.DENOMINATOR]].sum()


def test_every_hierarchy_adds_up() -> None:
    counts = demo_counts()
    F.validate_counts(counts)
    districts = counts[counts[F.REGION].str.len() == 6]
    kommune = counts[counts[F.REGION] == "9901"].set_index(KEYS)[[F.NUMERATOR, F.DENOMINATOR]]
    pd.testing.assert_frame_equal(
        _sum(districts, KEYS), kommune.sort_index(), check_names=False, check_index_type=False
    )
    for _, part in counts.groupby([F.INDICATOR, F.REGION, F.PERIOD, F.AGE]):
        by_sex = part.set_index(F.SEX)[F.NUMERATOR]
        assert by_sex["total"] == by_sex["female"] + by_sex["male"]
    neet = counts[counts[F.INDICATOR] == "neet"].set_index([F.REGION, F.PERIOD, F.SEX, F.AGE])
    wide = neet.xs("16-25", level=F.AGE)[F.DENOMINATOR]
    narrow = (
        neet.xs("16-19", level=F.AGE)[F.DENOMINATOR] + neet.xs("20-25", level=F.AGE)[F.DENOMINATOR]
    )
    pd.testing.assert_series_equal(wide, narrow)


def test_published_frame_passes_the_gate_and_hides_small_districts() -> None:
    frame = require_disclosed(demo_indicators())
    hidden = frame.loc[frame[F.SUPPRESSED], F.REGION]
    assert {"990108", "990109", "990199"} <= set(hidden)
    assert not frame.loc[frame[F.REGION].isin(["0", "9901"]), F.SUPPRESSED].any()
    assert set(frame[F.REFERENCE]) == {"", "0", "9901"}


def test_same_seed_same_numbers() -> None:
    pd.testing.assert_frame_equal(demo_counts(), demo_counts())
    assert not demo_counts(seed=1)[F.NUMERATOR].equals(demo_counts()[F.NUMERATOR])
