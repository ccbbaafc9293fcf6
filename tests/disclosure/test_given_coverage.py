"""suppress(coverage=...): the roll-up's coverage table hides the same cells as the table's rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import counts_frame
from utenforskap import frames as F
from utenforskap.disclosure import suppress
from utenforskap.errors import DataError
from utenforskap.geo import rollup_levels
from utenforskap.indicators import compute_indicators


@st.composite
def _districts(draw: st.DrawFn) -> pd.DataFrame:
    """Districts (and the unknown district) of one or two kommuner, over two years."""
    rows = []
    for kommune in draw(st.sampled_from([["0301"], ["0301", "3203"]])):
        n = draw(st.integers(2, 5))
        codes = [f"{kommune}{i:02d}" for i in range(1, n + 1)] + [f"{kommune}99"]
        for period in ("2023", "2024"):
            for code in codes:
                unknown = code.endswith("99")
                den = draw(st.integers(0, 60) if unknown else st.integers(1, 400))
                num = draw(st.integers(0, den))
                rows.append((code, period, num, den))
    regions, periods, num, den = zip(*rows, strict=True)
    return counts_frame(regions, num, den, period=list(periods))


@settings(max_examples=20, deadline=None)
@given(data=_districts())
def test_rollup_coverage_suppresses_the_same_cells(data: pd.DataFrame) -> None:
    counts, coverage = rollup_levels(data, to="kommune")
    table = compute_indicators(counts)
    own = suppress(table)
    given_ = suppress(table, coverage=coverage)
    pd.testing.assert_frame_equal(own, given_)


def test_coverage_rule_acts_through_the_given_table() -> None:
    # Worked example: 10 of the kommune's 100 cases (10 %) have unknown district,
    # over the 8 % the rule allows, so every district cell is hidden for coverage.
    data = counts_frame(["030101", "030102", "030199"], [40, 50, 10], [400, 500, 100])
    counts, coverage = rollup_levels(data, to="kommune")
    out = suppress(compute_indicators(counts), coverage=coverage)
    reasons = dict(zip(out[F.REGION], out[F.SUPPRESSION_REASON], strict=True))
    assert reasons == {"0301": "", "030101": "coverage", "030102": "coverage", "030199": "coverage"}


def test_a_coverage_table_without_a_district_cell_is_an_error() -> None:
    data = counts_frame(["030101", "030199"], [40, 1], [400, 10])
    counts, coverage = rollup_levels(data, to="kommune")
    table = compute_indicators(counts)
    with pytest.raises(DataError, match="no coverage row") as info:
        suppress(table, coverage=coverage.iloc[0:0])
    assert "030101" in str(info.value)
    with pytest.raises(DataError, match="unknown_numerator_share"):
        suppress(table, coverage=coverage.drop(columns="unknown_numerator_share"))
    assert np.isfinite(coverage["unknown_numerator_share"]).all()
