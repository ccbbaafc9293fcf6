"""Image comparisons of the figures planners see most, against baselines from make_baselines.py."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest
from make_baselines import BASELINE, figures, save
from matplotlib.testing.compare import compare_images

# Anti-aliasing differs slightly between FreeType builds; a layout change
# (a moved legend, a wrapped title, another colour) moves far more than this.
TOLERANCE = 3.0


@pytest.mark.parametrize("name", ["bars_nb", "bars_en", "barometer_nb", "tiles_nb"])
def test_figure_matches_baseline(name: str, tmp_path: Path) -> None:
    baseline = BASELINE / f"{name}.png"
    if not baseline.exists():
        pytest.skip(f"no baseline {baseline.name}; run tests/plot/make_baselines.py")
    actual = tmp_path / f"{name}.png"
    save(figures()[name], actual)
    result = compare_images(str(baseline), str(actual), tol=TOLERANCE)
    assert result is None, result
