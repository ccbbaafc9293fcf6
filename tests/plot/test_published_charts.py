"""Published rates: the publisher's interval or none, never a computed one; hidden stays hidden."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from plot_frames import indicator_frame

import utenforskap as ut
from utenforskap import frames as F
from utenforskap.plot import format_number


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _published() -> pd.DataFrame:
    """An FHI-style frame: standardised shares without counts, as the publisher gave them.

    990101 has the publisher's interval, 990102 has none, 990104 was hidden by the
    publisher (``:``) although a value came with it, 990105 is missing (``..``).
    The shape follows ``utenforskap.io.rates`` (``ci_method = "published"``, a
    ``measure`` column); the disclosure record is the suppressed frame's.
    """
    base = indicator_frame()
    frame = base.copy()
    frame[F.NUMERATOR] = np.nan
    frame[F.DENOMINATOR] = np.nan
    frame[F.CI_METHOD] = "published"
    frame[F.SUPPRESSED] = False
    frame[F.SUPPRESSION_REASON] = ""
    frame["measure"] = "andel (prosent, standardisert)"
    values = {
        "990101": 12.4,
        "990102": 8.1,
        "990103": 6.0,
        "990104": 9.9,
        "990105": 14.2,
        "990106": 7.7,
        "9901": 10.0,
    }
    frame[F.VALUE] = frame[F.REGION].map(values)
    frame[F.CI_LOWER] = np.nan
    frame[F.CI_UPPER] = np.nan
    first = frame[F.REGION] == "990101"
    frame.loc[first, [F.CI_LOWER, F.CI_UPPER]] = [10.1, 15.0]
    frame.loc[frame[F.REGION] == "990104", F.STATUS] = ":"
    missing = frame[F.REGION] == "990105"
    frame.loc[missing, F.STATUS] = ".."
    frame.loc[missing, F.VALUE] = np.nan
    frame.attrs = base.attrs
    return frame


def test_bars_draw_the_publishers_interval_or_none() -> None:
    frame = _published()
    ax = ut.district_bars(frame)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    bars = ax.containers[0]
    y_of = {label: i for i, label in enumerate(labels)}
    widths = {labels[round(p.get_y() + p.get_height() / 2)]: p.get_width() for p in bars}
    assert widths == pytest.approx({"D1": 12.4, "D2": 8.1, "D3": 6.0, "D6": 7.7})
    # One whisker only: D1's, from the publisher's limits.
    from matplotlib.container import ErrorbarContainer

    errorbars = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
    assert len(errorbars) == 1
    segments = errorbars[0].lines[2][0].get_segments()
    assert len(segments) == 1
    (x0, y0), (x1, _) = segments[0]
    assert (x0, x1) == pytest.approx((10.1, 15.0)) and y0 == pytest.approx(y_of["D1"])
    # The publisher hid D4: "prikket", hatched, and its 9,9 printed nowhere.
    texts = [t.get_text() for t in ax.texts]
    assert format_number(9.9) not in texts
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 1 and round(hatched[0].get_y() + 0.34) == y_of["D4"]
    assert texts.count("prikket") == 1 and texts.count("ingen data") == 1
    assert "D5" in labels and "D5" not in widths


def test_standardised_rates_say_so_in_the_subtitle() -> None:
    frame = _published()
    fig = ut.chart_figure(frame, "bars", indicator="neet", age="16-25")
    assert fig.texts[1].get_text() == "prosent, standardisert · 16-25 år · 2024 · begge kjønn"
    en = ut.chart_figure(
        frame.drop(columns="measure"),
        "bars",
        indicator="neet",
        age="16-25",
        lang="en",
        measure="Standardised share",
    )
    assert en.texts[1].get_text().startswith("percent, standardised · ")
    plain = ut.chart_figure(indicator_frame(), "bars", indicator="neet", age="16-25")
    assert plain.texts[1].get_text().startswith("prosent · ")


def test_maps_and_trends_never_show_the_publishers_hidden_value() -> None:
    frame = _published()
    tiles = ut.tile_map(frame)
    texts = [t.get_text() for t in tiles.texts]
    assert format_number(9.9) not in texts
    assert "prikket" in texts and "ingen data" in texts
    hatched = next(c for c in tiles.collections if c.get_gid() == "suppressed")
    assert len(hatched.get_paths()) == 1
    line = ut.trend_lines(frame, regions=["990104"])
    assert np.isnan(np.asarray(line.get_lines()[0].get_ydata(), dtype=float)).all()
