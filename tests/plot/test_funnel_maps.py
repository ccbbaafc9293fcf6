"""Funnel labels that never overlap, one level per funnel, and maps of a whole country or fylke."""

from __future__ import annotations

import io
import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Annotation, Text
from plot_frames import kommune_frame

import utenforskap as ut
from utenforskap import frames as F
from utenforskap.geo.boundaries import read_boundaries
from utenforskap.geo.catalogue import region_name
from utenforskap.plot import ChartWarning, GeoWarning, house_style
from utenforskap.plot._place import renderer_of


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _label_boxes(fig) -> tuple[list[str], np.ndarray]:
    ax = fig.axes[0]
    renderer = renderer_of(fig)
    labels = [
        t
        for t in ax.texts
        if isinstance(t, Annotation) and t.get_gid() == "point-label" and t.get_visible()
    ]
    boxes = []
    for label in labels:
        label.update_positions(renderer)
        box = Text.get_window_extent(label, renderer)
        boxes.append((box.x0, box.y0, box.x1, box.y1))
    return [t.get_text() for t in labels], np.array(boxes)


def _overlaps(boxes: np.ndarray) -> list[tuple[int, int]]:
    return [
        (i, j)
        for i, j in itertools.combinations(range(len(boxes)), 2)
        if boxes[i, 0] < boxes[j, 2]
        and boxes[j, 0] < boxes[i, 2]
        and boxes[i, 1] < boxes[j, 3]
        and boxes[j, 1] < boxes[i, 3]
    ]


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_funnel_of_113_kommuner_labels_the_outliers_without_overlap(lang: str) -> None:
    frame = kommune_frame(113)
    fig = ut.chart_figure(frame, "funnel", indicator="neet", age="16-25", lang=lang)
    ax = fig.axes[0]
    names, boxes = _label_boxes(fig)
    # Measured as drawn at the final layout: no two label boxes overlap ...
    assert len(names) >= 20
    assert _overlaps(boxes) == []
    # ... every box lies inside the axes ...
    frame_box = ax.get_window_extent(renderer_of(fig))
    assert (boxes[:, 0] >= frame_box.x0 - 0.5).all() and (boxes[:, 2] <= frame_box.x1 + 0.5).all()
    # ... and no label covers the marker of another labelled point.
    points = next(c for c in ax.collections if c.get_gid() == "points")
    centres = ax.transData.transform(points.get_offsets())
    anchors = [ax.transData.transform(t.xy) for t in ax.texts if t.get_gid() == "point-label"]
    labelled = [c for c in centres if any(np.hypot(*(c - a)) < 0.5 for a in anchors)]
    radius = np.sqrt(30.0) / 2 * fig.dpi / 72
    for centre in labelled:
        inside = (
            (boxes[:, 0] < centre[0] + radius)
            & (centre[0] - radius < boxes[:, 2])
            & (boxes[:, 1] < centre[1] + radius)
            & (centre[1] - radius < boxes[:, 3])
        )
        assert inside.sum() <= 1  # at most its own label, which sits beside it
    # Every point outside the inner limits is labelled, or listed above the plot.
    unlabelled = ax.get_title(loc="right")
    colours = [mcolors.to_hex(c).upper() for c in points.get_facecolors()]
    outside = sum(c in ("#D55E00", "#0072B2") for c in colours)
    listed = [n for n in unlabelled.split(": ", 1)[-1].replace("\n", " ").split(", ") if n]
    assert len(names) + len(listed) == outside
    # Only regions outside the limits are labelled, by name.
    shown = set(frame[F.REGION])
    assert not any(name in shown for name in names)


def test_funnel_bytes_are_deterministic() -> None:
    frame = kommune_frame(60, seed=3)
    data = []
    for _ in range(2):
        buffer = io.BytesIO()
        fig = ut.chart_figure(frame, "funnel", indicator="neet", age="16-25")
        with house_style():
            fig.savefig(buffer, format="png", dpi=60, metadata={"Software": None})
        data.append(buffer.getvalue())
    assert data[0] == data[1]


def test_funnel_keeps_one_level_and_warns_about_the_others() -> None:
    frame = kommune_frame(40, fylker=True)
    fylker = sorted({c for c in frame[F.REGION] if len(c) == 2})
    with pytest.warns(ChartWarning, match=r"one level \(kommune\); \d+ region\(s\) of other"):
        ax = ut.funnel_plot(frame)
    points = next(c for c in ax.collections if c.get_gid() == "points")
    kommuner = frame[(frame[F.REGION].str.len() == 4) & ~frame[F.SUPPRESSED]]
    assert len(points.get_offsets()) == len(kommuner)
    ax = ut.funnel_plot(frame, level="fylke", label="all")
    labels = sorted(t.get_text() for t in ax.texts if t.get_gid() == "point-label")
    assert labels == sorted(region_name(c) for c in fylker)


def test_funnel_leaves_out_rates_without_counts() -> None:
    frame = kommune_frame(30)
    rates = frame.copy()
    rates.loc[rates[F.REGION] == rates[F.REGION].iloc[3], [F.NUMERATOR, F.DENOMINATOR]] = np.nan
    rates.loc[rates[F.REGION] == rates[F.REGION].iloc[3], F.CI_METHOD] = "published"
    rates.attrs = frame.attrs
    with pytest.warns(ChartWarning, match="rate without counts"):
        ax = ut.funnel_plot(rates)
    points = next(c for c in ax.collections if c.get_gid() == "points")
    assert len(points.get_offsets()) == int((~frame[F.SUPPRESSED]).sum()) - 2  # and the land


@pytest.fixture(scope="module")
def fylker_geo(geo_dir):
    return read_boundaries(geo_dir / "fylker_2024.geojson")


def _fylke_frame() -> pd.DataFrame:
    from utenforskap.disclosure import suppress
    from utenforskap.indicators import compute_indicators

    codes = [
        "03",
        "11",
        "15",
        "18",
        "31",
        "32",
        "33",
        "34",
        "39",
        "40",
        "42",
        "46",
        "50",
        "55",
        "56",
    ]
    rows = [
        ("neet", c, "", "2024", "16-25", "total", "total", float(40 + 3 * i), 500.0, "")
        for i, c in enumerate(codes)
    ]
    rows.append(("neet", "0", "", "2024", "16-25", "total", "total", 1200.0, 7500.0, ""))
    return suppress(compute_indicators(pd.DataFrame(rows, columns=list(F.COUNT_COLUMNS))))


def test_a_fylke_file_on_older_codes_warns_by_name(fylker_geo) -> None:
    # The shared file codes Østfold and Akershus 01/02; the data say 31/32.
    assert {"01", "02"} <= set(fylker_geo.codes)
    frame = _fylke_frame()
    with pytest.warns(GeoWarning) as caught:
        ax = ut.choropleth(frame, fylker_geo)
    messages = [str(w.message) for w in caught]
    assert any(
        "Østfold (31)" in m and "Akershus (32)" in m and "no boundary" in m for m in messages
    )
    assert any("(01)" in m and "(02)" in m and "have no data" in m for m in messages)
    regions = next(c for c in ax.collections if c.get_gid() == "regions")
    faces = [mcolors.to_hex(c) for c in regions.get_facecolors()]
    assert faces.count("#e3e3e3") == 2
    assert "ingen data (2)" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_a_whole_fylke_map_draws_every_kommune_and_counts_those_without_data(geo_dir) -> None:
    from utenforskap.disclosure import suppress
    from utenforskap.indicators import compute_indicators

    kommuner = read_boundaries(geo_dir / "kommuner_2024.geojson")
    vestland = [c for c in kommuner.codes if c.startswith("46")]
    assert len(vestland) == 43
    some = vestland[:10]
    rows = [
        ("neet", c, "", "2024", "16-25", "total", "total", 20.0 + i, 300.0, "")
        for i, c in enumerate(some)
    ]
    rows.append(("neet", "46", "", "2024", "16-25", "total", "total", 400.0, 4000.0, ""))
    counts = pd.DataFrame(rows, columns=list(F.COUNT_COLUMNS))
    frame = suppress(compute_indicators(counts, reference="46"))
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", GeoWarning)  # the area is meant: no warning
        ax = ut.choropleth(frame, kommuner, area="46", labels=True)
    regions = next(c for c in ax.collections if c.get_gid() == "regions")
    assert len(regions.get_paths()) == 43
    faces = [mcolors.to_hex(c) for c in regions.get_facecolors()]
    assert faces.count("#e3e3e3") == 33
    assert "ingen data (33)" in [t.get_text() for t in ax.get_legend().get_texts()]
    # Labels: only the ten kommuner with data, by name (not 356 codes over the map).
    labels = sorted(t.get_text() for t in ax.texts if t.get_gid() == "region-label")
    assert labels == sorted(region_name(c) for c in some)
    # Without area, the whole country is drawn, and the missing data are a warning.
    with pytest.warns(GeoWarning, match=r"\d+ region\(s\) of the boundaries .* have no data"):
        ut.choropleth(frame, kommuner)


def test_data_without_boundary_haram(geo_dir) -> None:
    from utenforskap.disclosure import suppress
    from utenforskap.indicators import compute_indicators

    kommuner = read_boundaries(geo_dir / "kommuner_2024.geojson")
    assert "1580" not in kommuner.codes
    rows = [
        ("neet", c, "", "2024", "16-25", "total", "total", 30.0, 300.0, "")
        for c in ("1577", "1580", "1508")
    ]
    frame = suppress(compute_indicators(pd.DataFrame(rows, columns=list(F.COUNT_COLUMNS))))
    with pytest.warns(GeoWarning, match=r"Haram \(1580\)"):
        ut.choropleth(frame, kommuner, area="15")
