"""Fixtures for the geography tests: the shared real files and a CountFrame builder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

GEO = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "geo"


@pytest.fixture(scope="session")
def geo_dir() -> Path:
    if not GEO.is_dir():
        pytest.skip("../shared/data/geo is not available")
    return GEO


@pytest.fixture(scope="session")
def make_counts():
    """The CountFrame builder :func:`counts_frame`, as a fixture."""
    return counts_frame


def counts_frame(
    regions: Sequence[str],
    numerator: Sequence[float],
    denominator: Sequence[float],
    *,
    period: str | Sequence[str] = "2018",
    age: str | Sequence[str] = "16-25",
    status: str | Sequence[str] = "",
    indicator: str = "neet",
) -> pd.DataFrame:
    """A CountFrame with one row per region (other keys broadcast)."""
    n = len(regions)

    def column(value: str | Sequence[str]) -> np.ndarray:
        return np.array([value] * n if isinstance(value, str) else list(value), dtype=object)

    return pd.DataFrame(
        {
            "indicator": column(indicator),
            "region": np.array(list(regions), dtype=object),
            "region_name": column(""),
            "period": column(period),
            "age": column(age),
            "sex": column("total"),
            "numerator": np.asarray(numerator, dtype=float),
            "denominator": np.asarray(denominator, dtype=float),
            "status": column(status),
        }
    )
