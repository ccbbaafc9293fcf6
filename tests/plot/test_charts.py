"""What funnel plot, barometer, age-sex profile, maps and figure helpers draw, against the frame."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.backends.backend_agg import FigureCanvasAgg
from plot_frames import DISTRICTS, indicator_frame

from utenforskap import frames as F
from utenforskap.disclosure import suppress
from utenforskap.indicators import compute_indicators
from utenforskap.plot import (
    COLOURS,
    GeoWarning,
    age_sex_profile,
    barometer,
    chart_figure,
    choropleth,
    class_breaks,
    district_bars,
    district_profile,
    format_number,
    funnel_plot,
    tile_map,
)
from utenforskap.plot.maps import _classify
from utenforskap.stats.funnel import funnel_limits


@pytest.fixture(autouse=True)
def _close() -> None:
    yield
    plt.close("all")


def _published(frame, **where):
    rows = frame
    for column, value in where.items():
        rows = rows[rows[column] == value]
    return rows[(rows[F.REGION].str.len() == 6) & ~rows[F.SUPPRESSED]]


def _legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_funnel_points_limits_and_reference() -> None:
    frame = indicator_frame()
    ax = funnel_plot(frame)
    shown = _published(frame).sort_values(F.REGION)
    points = next(c for c in ax.collections if c.get_gid() == "points")
    assert np.allclose(points.get_offsets()[:, 0], shown[F.DENOMINATOR])
    assert np.allclose(points.get_offsets()[:, 1], shown[F.VALUE])
    kommune = frame[frame[F.REGION] == "9901"].iloc[0]
    target = kommune[F.NUMERATOR] / kommune[F.DENOMINATOR]
    reference = next(line for line in ax.lines if line.get_gid() == "reference")
    assert np.allclose(reference.get_ydata(), 100 * target)
    # The drawn limits are the statistics module's, at the drawn denominators.
    upper = next(line for line in ax.lines if line.get_gid() == "limit-upper-0.998")
    n = np.asarray(upper.get_xdata(), dtype=float)
    expected = funnel_limits(n, target, levels=(0.998,), multiplier=100.0)["upper"]
    assert np.allclose(upper.get_ydata(), expected)
    hidden = frame[(frame[F.REGION].str.len() == 6) & frame[F.SUPPRESSED]]
    assert len(hidden) >= 1
    assert ax.get_title(loc="left").startswith("Prikket (ikke vist): D3")


def test_barometer_colours_follow_direction_and_values_are_printed() -> None:
    frame = indicator_frame(indicators=("neet", "upper_secondary_completed"))
    ax = barometer(frame, ages={"neet": "16-25", "upper_secondary_completed": "16-25"})
    cells = next(c for c in ax.collections if c.get_gid() == "cells")
    # neet: high is bad; upper secondary: high is good, so "higher" is better there.
    faces = [matplotlib.colors.to_hex(c).upper() for c in cells.get_facecolors()]
    shown = frame[~frame[F.SUPPRESSED]].sort_values(
        [F.REGION, F.INDICATOR],
        key=lambda s: s.map({"neet": 0}).fillna(1) if s.name == F.INDICATOR else s,
    )
    districts = shown[shown[F.REGION] != "9901"]
    expected = []
    for comparison, indicator in zip(districts[F.COMPARISON], districts[F.INDICATOR], strict=True):
        key = {"higher": "worse", "lower": "better"}.get(comparison, comparison)
        if indicator == "upper_secondary_completed":
            key = {"worse": "better", "better": "worse"}.get(key, key)
        expected.append(COLOURS[key].upper())
    assert faces[2:] == expected  # the first row (two cells) is the reference, white
    texts = {t.get_text() for t in ax.texts}
    assert {format_number(v) for v in shown[F.VALUE]} <= texts
    hatched = next(c for c in ax.collections if c.get_gid() == "suppressed")
    assert len(hatched.get_paths()) == int(frame[F.SUPPRESSED].sum())
    assert "prikket" in _legend(ax)


def test_age_sex_profile_points_and_whiskers() -> None:
    frame = indicator_frame(ages=("16-19", "20-25", "16-25"), sexes=("total", "male", "female"))
    ax = age_sex_profile(frame, region="9901")
    order = {"16-19": 0, "20-25": 1, "16-25": 2}
    for sex in ("female", "male", "total"):
        container = next(c for c in ax.containers if c.lines[0].get_gid() == f"profile-{sex}")
        rows = frame[(frame[F.REGION] == "9901") & (frame[F.SEX] == sex)]
        rows = rows.sort_values(F.AGE, key=lambda s: s.map(order))
        x = np.asarray(container.lines[0].get_xdata(), dtype=float)
        by_x = np.argsort(x)
        # Each sex sits at its own offset within the age band's slot.
        assert np.allclose(np.round(x[by_x]), [0, 1, 2])
        assert np.allclose(np.asarray(container.lines[0].get_ydata())[by_x], rows[F.VALUE])
        segments = container.lines[2][0].get_segments()
        assert np.allclose([segments[i][0][1] for i in by_x], rows[F.CI_LOWER])
        assert np.allclose([segments[i][1][1] for i in by_x], rows[F.CI_UPPER])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["16-19 år", "20-25 år", "16-25 år"]


def test_tile_map_tiles_hatching_and_classes() -> None:
    frame = indicator_frame()
    ax = tile_map(frame)
    tiles = next(c for c in ax.collections if c.get_gid() == "tiles")
    assert len(tiles.get_paths()) == len(DISTRICTS)
    hidden = frame[(frame[F.REGION].str.len() == 6) & frame[F.SUPPRESSED]]
    hatched = next(c for c in ax.collections if c.get_gid() == "suppressed")
    assert len(hatched.get_paths()) == len(hidden) and hatched.get_hatch()
    legend = _legend(ax)
    assert legend[-1] == "prikket"
    assert all("–" in label for label in legend[:-1])


def test_choropleth_on_real_oslo_boundaries(shared_data) -> None:
    from utenforskap.geo.boundaries import read_boundaries

    boundaries = read_boundaries(shared_data / "geo" / "oslo_bydeler_2024.geojson")
    frame = indicator_frame()
    renamed = frame.replace({F.REGION: {c: f"0301{c[-2:]}" for c in DISTRICTS}})
    renamed[F.REGION] = renamed[F.REGION].replace({"9901": "0301"})
    renamed[F.REFERENCE] = renamed[F.REFERENCE].replace({"9901": "0301"})
    # Names as a roll-up leaves them: blank; the catalogue names the bydeler.
    renamed[F.REGION_NAME] = ""
    renamed.attrs = frame.attrs
    with pytest.warns(GeoWarning, match="9 region"):
        ax = choropleth(renamed, boundaries, labels=True, lang="en")
    regions = next(c for c in ax.collections if c.get_gid() == "regions")
    assert len(regions.get_paths()) == len(boundaries.codes) == 15
    faces = [matplotlib.colors.to_hex(c) for c in regions.get_facecolors()]
    # Nine bydeler have no data in this frame; they are drawn light grey and counted.
    assert faces.count("#e3e3e3") == 15 - len(DISTRICTS)
    assert "no data (9)" in _legend(ax) and "suppressed" in _legend(ax)
    # Only regions with data are labelled, by their names.
    labels = sorted(t.get_text() for t in ax.texts if t.get_gid() == "region-label")
    assert labels == sorted(
        ["Gamle Oslo", "Grünerløkka", "Sagene", "St. Hanshaugen", "Frogner", "Ullern"]
    )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=1, max_size=40),
    st.integers(3, 7),
    st.sampled_from(["quantiles", "equal"]),
)
def test_class_breaks_cover_every_value(values: list[float], classes: int, scheme: str) -> None:
    edges = class_breaks(values, classes=classes, scheme=scheme)
    assert np.all(np.diff(edges) > 0)
    assert edges[0] <= min(values) and edges[-1] >= max(values)
    index = _classify(np.asarray(values), edges)
    assert index.min() >= 0 and index.max() <= len(edges) - 2


def test_figure_texts_in_both_languages_and_long_titles_wrap() -> None:
    frame = indicator_frame(indicators=("neet", "upper_secondary_completed"))
    nb = chart_figure(frame, "bars", indicator="neet", age="16-25", synthetic=True)
    en = chart_figure(frame, "bars", indicator="neet", age="16-25", lang="en", synthetic=True)
    nb_texts = [t.get_text() for t in nb.texts]
    en_texts = [t.get_text() for t in en.texts]
    assert "Syntetiske data" in nb_texts and "Synthetic data" in en_texts
    assert any(t.startswith("Prikket: færre enn") for t in nb_texts)
    # Without a source table only the computation is credited: no invented source.
    assert nb_texts[-1] == "Beregninger: utenforskap"
    assert en_texts[-1] == "Computed with utenforskap"
    assert any(t.startswith("prosent · 16-25 år · 2024") for t in nb_texts)
    assert any(t.startswith("percent · 16-25 years · 2024") for t in en_texts)
    assert not any("syntetisk" in t.lower() and t != "Syntetiske data" for t in nb_texts)
    # The English NEET title is longer than one line of an A4 figure: it wraps
    # and every text stays inside the figure.
    renderer = FigureCanvasAgg(en).get_renderer()
    assert "\n" in en.texts[0].get_text()
    width = en.bbox.width
    assert all(t.get_window_extent(renderer).x1 <= width for t in en.texts)


def test_district_profile_marks_reference_and_hidden() -> None:
    frame = indicator_frame(indicators=("neet", "upper_secondary_completed"))
    fig = district_profile(frame, region="990101")
    ax = fig.axes[0]
    dots = next(c for c in ax.collections if c.get_gid() == "district")
    own = frame[(frame[F.REGION] == "990101")]
    assert sorted(dots.get_offsets()[:, 0]) == pytest.approx(sorted(own[F.VALUE]))
    reference = next(c for c in ax.collections if c.get_gid() == "reference")
    assert sorted(reference.get_offsets()[:, 0]) == pytest.approx(sorted(own[F.REFERENCE_VALUE]))


# A hidden kommune leaves no reference line; the warning saying so is expected here.
@pytest.mark.filterwarnings("ignore::utenforskap.select.ChartWarning")
@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 60), st.integers(1, 120)).map(lambda t: (min(t), max(t))),
        min_size=2,
        max_size=8,
    )
)
def test_bars_never_draw_a_hidden_cell_as_a_value(cells: list[tuple[int, int]]) -> None:
    rows = [
        (
            *("neet", f"9901{i + 1:02d}", f"D{i + 1}", "2024", "16-25", "total", "total"),
            float(x),
            float(n),
            "",
        )
        for i, (x, n) in enumerate(cells)
    ]
    total_x = float(sum(x for x, _ in cells))
    total_n = float(sum(n for _, n in cells))
    rows.append(("neet", "9901", "K", "2024", "16-25", "total", "total", total_x, total_n, ""))
    frame = suppress(compute_indicators(pd.DataFrame(rows, columns=list(F.COUNT_COLUMNS))))
    districts = frame[frame[F.REGION] != "9901"]
    hidden = districts[F.SUPPRESSED].to_numpy(dtype=bool)
    ax = district_bars(frame)
    widths = sorted(round(b.get_width(), 9) for b in ax.containers[0])
    assert widths == sorted(round(v, 9) for v in districts.loc[~hidden, F.VALUE])
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == int(hidden.sum())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert sorted(labels) == sorted(districts[F.REGION_NAME])
    plt.close("all")


def test_district_profile_hatches_each_hidden_indicator() -> None:
    frame = indicator_frame(indicators=("neet", "upper_secondary_completed"))
    own = frame[frame[F.REGION] == "990103"]
    assert own[F.SUPPRESSED].all()
    ax = district_profile(frame, region="990103").axes[0]
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == len(own)
    beside = [t for t in ax.texts if t.get_gid() != "numbers"]
    assert sum(t.get_text() == "prikket" for t in beside) == len(own)
    # The numbers column says "prikket" too, and still prints the kommune's value.
    numbers = [t.get_text() for t in ax.texts if t.get_gid() == "numbers"]
    kommune = frame[frame[F.REGION] == "9901"].sort_values(F.INDICATOR, key=lambda s: s != "neet")
    assert numbers.count("prikket") == len(own)
    assert [format_number(v) for v in kommune[F.VALUE]] == [
        n for n in numbers[2:] if n != "prikket"
    ]


def test_tiles_showing_the_same_number_share_a_class() -> None:
    edges = np.array([17.2, 24.6, 27.7, 28.6, 32.1, 38.7])
    # 28.62 and 28.58 both print as "28,6": both belong to the class ending at 28,6.
    assert _classify(np.array([28.62, 28.58, 28.66]), edges).tolist() == [2, 2, 3]


def test_tile_map_with_every_district_hidden_has_no_class_swatches() -> None:
    rows = [
        ("neet", f"99010{i}", f"D{i}", "2024", "16-25", "total", "total", 2.0, 80.0, "")
        for i in (1, 2, 3)
    ]
    rows.append(("neet", "9901", "K", "2024", "16-25", "total", "total", 6.0, 240.0, ""))
    frame = suppress(compute_indicators(pd.DataFrame(rows, columns=list(F.COUNT_COLUMNS))))
    ax = tile_map(frame)
    assert _legend(ax) == ["prikket"]
    hatched = next(c for c in ax.collections if c.get_gid() == "suppressed")
    assert len(hatched.get_paths()) == 3
