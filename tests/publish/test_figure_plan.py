"""Figure planning: which tasks a frame gets, their file names, and what depends on the data."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plot"))

from plot_frames import indicator_frame

from utenforskap import frames as F
from utenforskap.datasets import demo_indicators
from utenforskap.publish.plan import FIGURE_KINDS, FigureTask, plan_figures


@pytest.fixture(scope="module")
def demo():
    return demo_indicators()


def test_every_kind_is_planned_with_unique_stems(demo) -> None:
    from utenforskap.risk import RiskSettings

    tasks = plan_figures(demo, trend_regions=["990103"], risk=RiskSettings())
    # The small demo has no neighbour kommune and no population groups.
    assert {t.kind for t in tasks} == set(FIGURE_KINDS) - {"neighbours", "groups"}
    stems = [t.stem for t in tasks]
    assert len(stems) == len(set(stems))
    assert tasks[0] == FigureTask("barometer", "overview_barometer", key=True)
    assert [t.chart for t in tasks if t.kind == "risk"] == ["heatmap", "caterpillar", "map"]
    trends = [t for t in tasks if t.kind == "trend"]
    assert all(t.regions == ("990103",) for t in trends)


def test_every_age_band_with_bars_gets_its_trend_funnel_and_map(demo) -> None:
    tasks = plan_figures(demo)
    planned = {(t.kind, t.indicator, t.age) for t in tasks}
    bars = [(t.indicator, t.age) for t in tasks if t.kind == "bars"]
    assert ("ungdata_loneliness", "VG1-VG3") in bars
    for indicator, age in bars:
        periods = demo.loc[
            (demo[F.INDICATOR] == indicator) & (demo[F.AGE] == age), F.PERIOD
        ].nunique()
        assert ("map", indicator, age) in planned
        assert ("funnel", indicator, age) in planned
        assert (("trend", indicator, age) in planned) == (periods > 1)
    # The key figures (the deck's) are each indicator's widest band and the barometer.
    keys = {(t.kind, t.indicator, t.age) for t in tasks if t.key}
    assert ("bars", "ungdata_loneliness", "8-10 trinn") in keys
    assert ("bars", "ungdata_loneliness", "VG1-VG3") not in keys


@pytest.mark.slow
def test_groups_and_neighbours_are_planned_where_the_data_have_them() -> None:
    import utenforskap as ut

    frame = ut.compute().indicators
    tasks = plan_figures(frame, district_profiles=False)
    groups = {(t.indicator, t.age) for t in tasks if t.kind == "groups"}
    with_groups = frame[frame[F.GROUP] != F.GROUP_TOTAL]
    assert groups == set(
        map(tuple, with_groups[[F.INDICATOR, F.AGE]].drop_duplicates().to_numpy().tolist())
    )
    neighbours = [t for t in tasks if t.kind == "neighbours"]
    # The demo's neighbour kommuner come with low-income figures only.
    assert [(t.indicator, t.region) for t in neighbours] == [("low_income_children", "9901")]
    # Group rows never enter the other charts' plan: one bar chart per band.
    bars = [t for t in tasks if t.kind == "bars" and t.indicator == "neet"]
    assert sorted(t.age for t in bars) == ["16-19", "16-25", "20-25"]


def test_one_bar_chart_per_age_band_in_the_latest_period(demo) -> None:
    tasks = plan_figures(demo)
    for indicator in demo[F.INDICATOR].unique():
        rows = demo[demo[F.INDICATOR] == indicator]
        bars = [t for t in tasks if t.kind == "bars" and t.indicator == indicator]
        assert sorted(t.age for t in bars) == sorted(rows[F.AGE].unique())
        # The latest period by its last year: "2022-2024" after "2021-2023".
        latest = max(rows[F.PERIOD].unique(), key=lambda p: (p[-4:], p[:4]))
        assert {t.period for t in bars} == {latest}


def test_district_pages_are_the_barometer_districts(demo) -> None:
    tasks = plan_figures(demo)
    pages = [t.region for t in tasks if t.kind == "district"]
    # Every named district of the kommune, never the kommune itself or "unknown district".
    expected = sorted(
        c for c in demo[F.REGION].unique() if len(c) == 6 and c.startswith("9901") and c != "990199"
    )
    assert pages == expected
    assert not [t for t in plan_figures(demo, district_profiles=False) if t.kind == "district"]


def test_what_the_data_allow_decides_the_plan() -> None:
    # One indicator, one period, one sex: no barometer, trend, profile or district pages.
    frame = indicator_frame()
    kinds = [t.kind for t in plan_figures(frame)]
    assert kinds == ["bars", "funnel", "map"]
    # Several periods and sexes bring the trend and the profile.
    frame = indicator_frame(periods=("2023", "2024"), sexes=("total", "male", "female"))
    kinds = [t.kind for t in plan_figures(frame)]
    assert kinds == ["bars", "trend", "funnel", "map", "profile"]


def test_district_trends_cover_each_district_published_in_some_period(demo) -> None:
    tasks = plan_figures(demo, district_trends=True, district_profiles=False)
    own = [t for t in tasks if t.kind == "trend" and t.stem.rsplit("_", 1)[-1].isdigit()]
    neet = demo[(demo[F.INDICATOR] == "neet") & (demo[F.AGE] == "16-25") & (demo[F.SEX] == "total")]
    districts = neet[(neet[F.REGION].str.len() == 6) & (neet[F.REGION] != "990199")]
    published = sorted(set(districts.loc[~districts[F.SUPPRESSED], F.REGION]))
    assert [t.regions[0] for t in own if t.indicator == "neet"] == published
    assert all(t.stem.endswith(t.regions[0]) for t in own)


def test_task_files_name_each_format(tmp_path) -> None:
    task = FigureTask("map", "neet_16-25_2024_map", "neet", "16-25", "2024")
    assert task.files(tmp_path, ("png", "svg", "pdf")) == (
        tmp_path / "neet_16-25_2024_map.png",
        tmp_path / "neet_16-25_2024_map.svg",
        tmp_path / "neet_16-25_2024_map.pdf",
    )
