"""Labels as a Norwegian reader writes them, and the figure-level functions at ``ut.`` top level."""

from __future__ import annotations

import doctest
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest

import utenforskap as ut
from utenforskap import plot
from utenforskap.datasets import demo_indicators
from utenforskap.plot import age_label, subtitle

FIGURE_LEVEL = (
    "chart_figure",
    "barometer_figure",
    "district_profile",
    "neighbour_figure",
    "group_figure",
)


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.mark.parametrize(
    ("band", "nb", "en"),
    [
        ("8-10 trinn", "8.–10. trinn", "grades 8–10"),
        ("VG1-VG3", "VG1–VG3", "VG1–VG3"),
        ("10 trinn", "10. trinn", "grade 10"),
        ("16-25", "16-25 år", "16-25 years"),
        ("21", "21 år", "21 years"),
        ("", "", ""),
    ],
)
def test_age_labels(band: str, nb: str, en: str) -> None:
    assert age_label(band) == nb
    assert age_label(band, lang="en") == en


def test_school_levels_in_figures_while_the_data_keep_their_labels() -> None:
    frame = demo_indicators()
    assert set(frame.loc[frame["indicator"] == "ungdata_loneliness", "age"]) == {
        "8-10 trinn",
        "VG1-VG3",
    }
    fig = ut.chart_figure(frame, "bars", indicator="ungdata_loneliness", age="VG1-VG3")
    assert fig.texts[1].get_text() == "prosent · VG1–VG3 · 2022-2024 · begge kjønn"
    profile = ut.age_sex_profile(
        frame, region="9901", indicator="ungdata_loneliness", period="2022-2024"
    )
    assert [t.get_text() for t in profile.get_xticklabels()] == ["8.–10. trinn", "VG1–VG3"]
    assert subtitle(unit="percent", age="VG1-VG3", period="2024", lang="en") == (
        "percent · VG1–VG3 · 2024 · both sexes"
    )


@pytest.mark.parametrize("name", FIGURE_LEVEL)
def test_figure_level_functions_are_at_top_level_with_examples(name: str) -> None:
    func = getattr(ut, name)
    assert func is getattr(plot, name)
    assert name in dir(ut)
    tests = doctest.DocTestFinder().find(func, name, globs={})
    examples = [e for t in tests for e in t.examples]
    assert examples, f"{name} has no example"
    # The example works on the demo data (the grouped ones split the demo's counts).
    assert any("demo_indicators()" in e.source or "demo_counts()" in e.source for e in examples)
    for section in ("Parameters", "Returns", "Examples"):
        assert f"\n    {section}\n    ---" in func.__doc__


def test_axes_level_and_figure_level_are_both_documented() -> None:
    doc = plot.__doc__
    assert "figure-level" in doc and "Axes-level" in doc
    for name in FIGURE_LEVEL:
        assert f":func:`{name}`" in doc


def test_importing_the_package_still_does_not_load_matplotlib() -> None:
    code = (
        "import sys, utenforskap as ut; ut.chart_figure; print('matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # Resolving the name loads the plotting layer but not pyplot's global figure manager.
    assert out.stdout.strip() == "False"
