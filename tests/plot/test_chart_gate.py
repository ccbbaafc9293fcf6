"""Every chart function refuses a frame that has not been through disclosure control."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from plot_frames import indicator_frame

import utenforskap as ut
from utenforskap import frames as F
from utenforskap.disclosure import DisclosureError
from utenforskap.indicators import compute_indicators
from utenforskap.plot import risk as risk_charts


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _unsuppressed() -> pd.DataFrame:
    """The case from issue 13: a district with 3 of 40, computed but never suppressed."""
    rows = [
        ("neet", "990101", "Sentrum", "2024", "16-25", "total", "total", 30.0, 200.0, ""),
        ("neet", "990102", "Nordbyen", "2024", "16-25", "total", "total", 3.0, 40.0, ""),
        ("neet", "990103", "Sørhavna", "2024", "16-25", "total", "total", 25.0, 150.0, ""),
        ("neet", "9901", "Eksempelkommune", "2024", "16-25", "total", "total", 58.0, 390.0, ""),
    ]
    frame = compute_indicators(pd.DataFrame(rows, columns=list(F.COUNT_COLUMNS)))
    # The small cell would be published: 3 of 40 is 7.5 %.
    assert frame.loc[frame[F.REGION] == "990102", F.VALUE].iloc[0] == pytest.approx(7.5)
    return frame


CHARTS = {
    "district_bars": lambda d: ut.district_bars(d),
    "neighbour_bars": lambda d: ut.neighbour_bars(d, kommune="9901", neighbours=["990101"]),
    "funnel_plot": lambda d: ut.funnel_plot(d),
    "tile_map": lambda d: ut.tile_map(d),
    "choropleth": lambda d: ut.choropleth(d, _squares()),
    "trend_lines": lambda d: ut.trend_lines(d, regions=["9901"]),
    "age_sex_profile": lambda d: ut.age_sex_profile(d, region="9901"),
    "barometer": lambda d: ut.barometer(d),
    "group_profile": lambda d: ut.group_profile(d),
    "chart_figure": lambda d: ut.chart_figure(d, "bars", indicator="neet", age="16-25"),
    "chart_figure_map": lambda d: ut.chart_figure(d, "map", indicator="neet", age="16-25"),
    "barometer_figure": lambda d: ut.barometer_figure(d),
    "district_profile": lambda d: ut.district_profile(d, region="990101"),
    "neighbour_figure": lambda d: ut.neighbour_figure(
        d, indicator="neet", age="16-25", kommune="9901", neighbours=["990101"]
    ),
    "group_figure": lambda d: ut.group_figure(d, indicator="neet", age="16-25"),
    "risk_figure": lambda d: risk_charts.risk_figure(d, "heatmap"),
}


def _squares():
    import numpy as np

    from utenforskap.geo.boundaries import Boundaries

    return Boundaries(
        {
            f"99010{i}": ((np.array([[i, 60], [i + 1, 60], [i + 1, 61], [i, 61], [i, 60]]),),)
            for i in (1, 2, 3)
        }
    )


@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_every_chart_refuses_an_unsuppressed_frame(chart: str) -> None:
    with pytest.raises(DisclosureError, match=r"call ut\.suppress first") as caught:
        CHARTS[chart](_unsuppressed())
    message = str(caught.value)
    assert "refusing to draw" in message and "disclosure control" in message
    # Nothing was drawn: no figure was left open with the small cell on it.
    assert not any(
        "7,5" in t.get_text() or "7.5" in t.get_text()
        for num in plt.get_fignums()
        for ax in plt.figure(num).axes
        for t in ax.texts
    )


def test_a_frame_edited_after_suppression_is_refused_too() -> None:
    frame = indicator_frame()
    edited = frame.copy()
    hidden = edited[F.SUPPRESSED].to_numpy(dtype=bool)
    assert hidden.any()
    # Someone puts a hidden value back: the record is still there, the gate checks the rows.
    edited.loc[hidden, F.VALUE] = 5.0
    with pytest.raises(DisclosureError, match="district_bars: refusing to draw"):
        ut.district_bars(edited)


def test_suppressed_frames_draw() -> None:
    frame = indicator_frame()
    for chart in ("district_bars", "funnel_plot", "tile_map", "chart_figure"):
        CHARTS[chart](frame)
