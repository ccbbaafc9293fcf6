"""Holm's adjustment after suppression runs over the published cells only (issue #12, leak 3).

Independent reference: statsmodels' ``proportions_ztest`` (pooled two-proportion
z-test of each district against the rest of its kommune) and
``multipletests(method="holm")`` on the published districts alone.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utenforskap import frames as F
from utenforskap.adjust import holm_published
from utenforskap.disclosure import suppress
from utenforskap.indicators import compute_indicators

multitest = pytest.importorskip("statsmodels.stats.multitest")
proportion = pytest.importorskip("statsmodels.stats.proportion")


def _counts(districts: list[tuple[int, int]]) -> pd.DataFrame:
    x = [float(sum(d[0] for d in districts)), *(float(d[0]) for d in districts)]
    n = [float(sum(d[1] for d in districts)), *(float(d[1]) for d in districts)]
    regions = ["0301", *(f"0301{k + 1:02d}" for k in range(len(districts)))]
    return pd.DataFrame(
        {
            F.INDICATOR: "neet",
            F.REGION: regions,
            F.REGION_NAME: "",
            F.PERIOD: "2023",
            F.AGE: "16-25",
            F.SEX: "total",
            F.NUMERATOR: x,
            F.DENOMINATOR: n,
            F.STATUS: "",
        }
    )


def _statsmodels_holm(out: pd.DataFrame) -> np.ndarray:
    """Holm over the published districts, from statsmodels alone."""
    kx, kn = out[F.NUMERATOR].iloc[0], out[F.DENOMINATOR].iloc[0]
    rows = np.flatnonzero(~out[F.SUPPRESSED].to_numpy() & (out[F.REGION].str.len() == 6).to_numpy())
    raw = []
    for i in rows:
        x, n = out[F.NUMERATOR].iloc[i], out[F.DENOMINATOR].iloc[i]
        raw.append(proportion.proportions_ztest([x, kx - x], [n, kn - n])[1])
    expected = np.full(len(out), np.nan)
    if rows.size:
        expected[rows] = multitest.multipletests(raw, method="holm")[1]
    return expected


def test_published_p_values_match_statsmodels_holm_over_published_cells() -> None:
    counts = _counts([(100, 1000), (3, 50), (797, 8950), (60, 400), (45, 600)])
    computed = compute_indicators(counts, holm=True)
    out = holm_published(suppress(computed))
    assert out[F.SUPPRESSED].sum() >= 2  # 3 of 50 and its partner
    np.testing.assert_allclose(
        out[F.P_VALUE].to_numpy(dtype=float), _statsmodels_holm(out), rtol=1e-9, equal_nan=True
    )
    # before: the family counted the hidden cells too
    assert not np.allclose(
        computed[F.P_VALUE].to_numpy(dtype=float)[~out[F.SUPPRESSED].to_numpy()],
        out[F.P_VALUE].to_numpy(dtype=float)[~out[F.SUPPRESSED].to_numpy()],
        equal_nan=True,
    )


def test_suppress_redoes_holm_by_itself_and_the_run_does_it_too() -> None:
    counts = _counts([(100, 1000), (3, 50), (797, 8950), (60, 400)])
    auto = suppress(compute_indicators(counts, holm=True))
    again = holm_published(auto)
    pd.testing.assert_frame_equal(auto, again)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 40), st.integers(20, 400)), min_size=2, max_size=6))
def test_a_hidden_cell_cannot_move_a_published_p_value(districts: list[tuple[int, int]]) -> None:
    # at least one with and one without the trait in every district: the z-test
    # has a variance (statsmodels gives NaN without one, the package p = 1)
    districts = [(min(x, n - 1), n) for x, n in districts]
    out = holm_published(suppress(compute_indicators(_counts(districts), holm=True)))
    np.testing.assert_allclose(
        out[F.P_VALUE].to_numpy(dtype=float), _statsmodels_holm(out), rtol=1e-9, equal_nan=True
    )
