"""The neighbour-kommune chart and the group profile: what is drawn, named and warned about."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plot_frames import NAMES

import utenforskap as ut
from utenforskap import frames as F
from utenforskap.disclosure import suppress
from utenforskap.geo.catalogue import kommune_neighbours
from utenforskap.indicators import compute_indicators
from utenforskap.plot import GROUP_COLOURS, ChartWarning, format_number, house_style


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _counts(rows: list[tuple[str, str, float, float]]) -> pd.DataFrame:
    """CountFrame rows (region, group, numerator, denominator) of neet 16-25, 2024."""
    return pd.DataFrame(
        [
            ("neet", code, "", "2024", "16-25", "total", group, float(x), float(n), "")
            for code, group, x, n in rows
        ],
        columns=list(F.COUNT_COLUMNS),
    )


def _asker_and_neighbours() -> pd.DataFrame:
    near = kommune_neighbours("3203")
    assert near == ("3201", "3312")  # Bærum and Lier on 2024 borders
    rows = [("3203", "total", 120.0, 1500.0), ("3201", "total", 300.0, 3000.0)]
    rows += [("3312", "total", 70.0, 600.0), ("3207", "total", 200.0, 2500.0)]
    rows += [("0", "total", 9000.0, 100000.0)]
    return suppress(compute_indicators(_counts(rows)))


def _bar_widths(ax) -> dict[str, float]:
    bars = next(c for c in ax.containers if c.patches and c.patches[0].get_gid() != "suppressed")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    ys = [round(p.get_y() + p.get_height() / 2) for p in bars.patches]
    return {labels[y]: p.get_width() for y, p in zip(ys, bars.patches, strict=True)}


def test_neighbour_bars_show_the_catalogues_neighbours_by_name() -> None:
    frame = _asker_and_neighbours()
    ax = ut.neighbour_bars(frame, kommune="3203")
    widths = _bar_widths(ax)
    values = frame.set_index(F.REGION)[F.VALUE]
    # Asker and its two neighbours; Nordre Follo (3207) is in the frame but no neighbour.
    assert set(widths) == {"Asker", "Bærum", "Lier"}
    assert widths["Asker"] == pytest.approx(values["3203"])
    assert widths["Lier"] == pytest.approx(values["3312"])
    # Sorted by value, highest on top; the kommune in bold.
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == sorted(labels, key=lambda name: widths[name])
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["Asker"]
    country = next(line for line in ax.lines if line.get_gid() == "reference-0")
    assert np.asarray(country.get_xdata(), dtype=float)[0] == pytest.approx(values["0"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith("Hele landet: ")
    assert any(
        label.endswith("enn Hele landet") or label == "Ikke sikker forskjell"
        for label in legend[1:]
    )


def test_neighbours_without_rows_are_named_in_a_warning() -> None:
    frame = _asker_and_neighbours()
    frame = frame[frame[F.REGION] != "3312"]
    with pytest.warns(ChartWarning, match=r"neighbour\(s\) \['Lier'\] have no rows"):
        ax = ut.neighbour_bars(frame, kommune="3203")
    assert set(_bar_widths(ax)) == {"Asker", "Bærum"}


def test_a_fictional_kommunes_neighbours_are_its_fylkes_kommuner_in_the_data() -> None:
    rows = [("9901", "total", 50.0, 500.0), ("9902", "total", 30.0, 400.0)]
    rows += [("9903", "total", 60.0, 450.0), ("0", "total", 9000.0, 100000.0)]
    counts = _counts(rows)
    counts[F.REGION_NAME] = counts[F.REGION].map(
        {"9901": "Eksempelkommune", "9902": "Nabodal", "9903": "Fjordvik", "0": "Hele landet"}
    )
    frame = suppress(compute_indicators(counts))
    fig = ut.neighbour_figure(frame, indicator="neet", age="16-25", kommune="9901", lang="en")
    assert set(_bar_widths(fig.axes[0])) == {"Eksempelkommune", "Nabodal", "Fjordvik"}
    assert fig.texts[1].get_text().endswith("· Eksempelkommune and its neighbours")


def _split(counts: pd.DataFrame, share: float = 0.25) -> pd.DataFrame:
    part = (counts[[F.NUMERATOR, F.DENOMINATOR]] * share).round()
    part[F.NUMERATOR] = np.minimum(part[F.NUMERATOR], part[F.DENOMINATOR])
    rest = counts[[F.NUMERATOR, F.DENOMINATOR]] - part
    return pd.concat(
        [
            counts,
            counts.assign(**{F.GROUP: "immigrants"}, **part),
            counts.assign(**{F.GROUP: "rest_of_population"}, **rest),
        ],
        ignore_index=True,
    )


@pytest.fixture(scope="module")
def grouped() -> pd.DataFrame:
    return suppress(compute_indicators(_split(ut.datasets.demo_counts())))


def test_group_profile_bars_totals_and_names(grouped) -> None:
    ax = ut.group_profile(
        grouped, indicator="neet", period="2024", age="16-25", regions=["0", "9901", "990101"]
    )
    cells = grouped[
        (grouped[F.INDICATOR] == "neet")
        & (grouped[F.PERIOD] == "2024")
        & (grouped[F.AGE] == "16-25")
        & (grouped[F.SEX] == "total")
    ].set_index([F.REGION, F.GROUP])
    bars = next(c for c in ax.containers if c.patches and c.patches[0].get_gid() == "values")
    colours = [mcolors.to_hex(p.get_facecolor()).upper() for p in bars.patches]
    widths = [p.get_width() for p in bars.patches]
    expected = [
        cells.loc[(code, group), F.VALUE]
        for code in ("0", "9901", "990101")
        for group in ("immigrants", "rest_of_population")
    ]
    assert widths == pytest.approx(expected)
    assert colours == [GROUP_COLOURS["immigrants"], GROUP_COLOURS["rest_of_population"]] * 3
    total = next(c for c in ax.collections if c.get_gid() == "total")
    xs = [segment[0][0] for segment in total.get_segments()]
    assert xs == pytest.approx([cells.loc[(c, "total"), F.VALUE] for c in ("0", "9901", "990101")])
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Hele landet",
        "Eksempelkommune",
        "Sentrum",
    ]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[:3] == ["innvandrere", "befolkningen ellers", "hele befolkningen"]
    en = ut.group_profile(grouped, indicator="neet", period="2024", age="16-25", lang="en")
    assert [t.get_text() for t in en.get_legend().get_texts()][:2] == [
        "immigrants",
        "rest of the population",
    ]
    assert next(t.get_text() for t in en.get_yticklabels()) == "Norway"


def test_group_profile_marks_hidden_groups_and_refuses_frames_without_groups(grouped) -> None:
    ax = ut.group_profile(grouped, indicator="neet", period="2024", age="16-25")
    cells = grouped[
        (grouped[F.INDICATOR] == "neet")
        & (grouped[F.PERIOD] == "2024")
        & (grouped[F.AGE] == "16-25")
        & (grouped[F.SEX] == "total")
        & (grouped[F.GROUP] != "total")
        & ~grouped[F.REGION].str.endswith("99")
    ]
    hidden = int(cells[F.SUPPRESSED].sum())
    assert hidden > 0
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == hidden
    assert sum(t.get_text() == "prikket" for t in ax.texts) == hidden
    # No bar has the length of a hidden value: hidden cells have none.
    with pytest.raises(ut.DataError, match="no population groups besides 'total'"):
        ut.group_profile(
            ut.datasets.demo_indicators(), indicator="neet", period="2024", age="16-25"
        )


def test_group_figure_names_the_grouping_and_unknown_group(grouped) -> None:
    unknown = grouped[grouped[F.GROUP] == "immigrants"].assign(**{F.GROUP: "unknown"})
    with_unknown = pd.concat([grouped, unknown], ignore_index=True)
    with_unknown.attrs = grouped.attrs
    fig = ut.group_figure(with_unknown, indicator="neet", age="16-25", regions=["9901"])
    assert fig.texts[1].get_text().endswith("· etter befolkningsgruppe")
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend[:3] == ["innvandrere", "befolkningen ellers", "ukjent gruppe"]


def test_every_chart_of_a_grouped_frame_draws_the_whole_population_by_default(grouped) -> None:
    plain = grouped[grouped[F.GROUP] == "total"]
    for frame_a, frame_b in ((grouped, plain),):
        a = ut.district_bars(frame_a, indicator="neet", period="2024", age="16-25")
        b = ut.district_bars(frame_b, indicator="neet", period="2024", age="16-25")
        assert [p.get_width() for p in a.patches] == [p.get_width() for p in b.patches]
        figs = [
            ut.chart_figure(frame, kind, indicator="neet", age="16-25")
            for frame in (frame_a, frame_b)
            for kind in ("bars", "trend", "funnel", "map", "profile")
        ]
        png = []
        for fig in figs:
            buffer = io.BytesIO()
            with house_style():
                fig.savefig(buffer, format="png", dpi=50, metadata={"Software": None})
            png.append(buffer.getvalue())
        assert png[:5] == png[5:]
    immigrants = ut.district_bars(
        grouped, indicator="neet", period="2024", age="16-25", group="immigrants"
    )
    shown = grouped[
        (grouped[F.GROUP] == "immigrants")
        & (grouped[F.REGION].str.len() == 6)
        & (grouped[F.INDICATOR] == "neet")
        & (grouped[F.PERIOD] == "2024")
        & (grouped[F.AGE] == "16-25")
        & (grouped[F.SEX] == "total")
        & ~grouped[F.SUPPRESSED]
    ]
    widths = sorted(p.get_width() for p in immigrants.containers[0].patches)
    assert widths == pytest.approx(sorted(shown[F.VALUE]))
    fig = ut.chart_figure(grouped, "bars", indicator="neet", age="16-25", group="immigrants")
    assert fig.texts[0].get_text().replace("\n", " ").endswith(" – innvandrere")


def test_barometer_rows_per_group(grouped) -> None:
    ax = ut.barometer(grouped, groups=("total", "immigrants"), context=False)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:4] == [
        "Eksempelkommune · hele befolkningen",
        "Eksempelkommune · innvandrere",
        "Sentrum · hele befolkningen",
        "Sentrum · innvandrere",
    ]


@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(41, 300)), min_size=2, max_size=6))
def test_group_bars_never_draw_a_hidden_cell(cells: list[tuple[int, int]]) -> None:
    rows = []
    for i, (x, n) in enumerate(cells):
        code = f"9901{i + 1:02d}"
        part_x, part_n = x // 5, n // 5
        rows += [(code, "total", x, n), (code, "immigrants", part_x, part_n)]
        rows += [(code, "rest_of_population", x - part_x, n - part_n)]
    for group in ("total", "immigrants", "rest_of_population"):
        members = [r for r in rows if r[1] == group]
        rows.append(("9901", group, sum(r[2] for r in members), sum(r[3] for r in members)))
    counts = _counts(rows)
    counts[F.REGION_NAME] = counts[F.REGION].map(lambda c: NAMES.get(c, f"D{c[-2:]}"))
    frame = suppress(compute_indicators(counts))
    ax = ut.group_profile(frame)
    drawn = sorted(round(p.get_width(), 9) for p in ax.patches if not p.get_hatch())
    parts = frame[(frame[F.GROUP] != "total")]
    assert drawn == sorted(round(v, 9) for v in parts.loc[~parts[F.SUPPRESSED], F.VALUE])
    assert sum(1 for p in ax.patches if p.get_hatch()) == int(parts[F.SUPPRESSED].sum())
    # Every printed number is a published value of a part.
    printed = {t.get_text() for t in ax.texts} - {"prikket", "ingen data"}
    assert printed <= {format_number(v) for v in parts.loc[~parts[F.SUPPRESSED], F.VALUE]}
    plt.close("all")
