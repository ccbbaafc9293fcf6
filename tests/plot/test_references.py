"""Reference lines and names: the kommune, its fylke and the country, named, never a bare code."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from plot_frames import indicator_frame

import utenforskap as ut
from utenforskap import frames as F
from utenforskap.datasets import demo_indicators
from utenforskap.disclosure import suppress
from utenforskap.indicators import compute_indicators
from utenforskap.plot import ChartWarning, format_value


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def demo() -> pd.DataFrame:
    return demo_indicators()


def _cells(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[
        (frame[F.INDICATOR] == "neet")
        & (frame[F.PERIOD] == "2024")
        & (frame[F.AGE] == "16-25")
        & (frame[F.SEX] == "total")
    ]


def _line_x(ax, gid: str) -> float:
    line = next(line for line in ax.lines if line.get_gid() == gid)
    xs = np.unique(np.asarray(line.get_xdata(), dtype=float))
    assert xs.size == 1
    return float(xs[0])


def _legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _kommune_fylke_land() -> pd.DataFrame:
    """Asker's districts (invented bydel codes), Asker, Akershus and the country, suppressed."""
    rows = []
    districts = {"320301": (30, 300), "320302": (12, 250), "320303": (40, 280)}
    for code, (x, n) in districts.items():
        rows.append((code, "", x, n))
    rows.append(("3203", "", sum(v[0] for v in districts.values()) + 20, 1000))
    rows.append(("32", "", 900, 11000))
    rows.append(("0", "", 9000, 100000))
    counts = pd.DataFrame(
        [
            ("neet", code, name, "2024", "16-25", "total", "total", float(x), float(n), "")
            for code, name, x, n in rows
        ],
        columns=list(F.COUNT_COLUMNS),
    )
    # Districts against Asker, Asker against the country (the default), as a run does.
    return suppress(compute_indicators(counts))


def test_district_bars_draw_the_kommune_and_the_country_by_name(demo) -> None:
    cells = _cells(demo)
    ax = ut.district_bars(demo, indicator="neet", period="2024", age="16-25")
    kommune = float(cells.loc[cells[F.REGION] == "9901", F.VALUE].iloc[0])
    country = float(cells.loc[cells[F.REGION] == "0", F.VALUE].iloc[0])
    assert _line_x(ax, "reference") == pytest.approx(kommune)
    assert _line_x(ax, "reference-0") == pytest.approx(country)
    legend = _legend(ax)
    assert legend[:2] == [
        f"Eksempelkommune: {format_value(kommune, 'prosent')}",
        f"Hele landet: {format_value(country, 'prosent')}",
    ]
    en = ut.district_bars(demo, indicator="neet", period="2024", age="16-25", lang="en")
    assert _legend(en)[1] == f"Norway: {format_value(country, 'percent', lang='en')}"
    # The country is not a bar: only districts are.
    assert "Hele landet" not in [t.get_text() for t in ax.get_yticklabels()]


def test_the_country_is_drawn_from_the_kommunes_reference_value_when_its_row_is_absent(
    demo,
) -> None:
    without = demo[demo[F.REGION] != "0"]
    cells = _cells(demo)
    country = float(cells.loc[cells[F.REGION] == "0", F.VALUE].iloc[0])
    ax = ut.district_bars(without, indicator="neet", period="2024", age="16-25")
    assert _line_x(ax, "reference-0") == pytest.approx(country)
    assert _legend(ax)[1].startswith("Hele landet: ")
    none = ut.district_bars(demo, indicator="neet", period="2024", age="16-25", references=())
    assert not [line for line in none.lines if str(line.get_gid()).startswith("reference-")]


def test_the_reference_is_named_when_only_districts_are_passed(demo) -> None:
    # Issue 18: "Dårligere enn 0301" / "0301: 10,9 %" when the kommune row is not passed.
    frame = _kommune_fylke_land()
    districts = frame[frame[F.REGION].str.len() == 6].assign(**{F.REGION_NAME: "D"})
    with pytest.warns(ChartWarning, match="no name for region code"):
        ut.district_bars(frame)  # the districts themselves have no names
    ax = ut.district_bars(districts)
    legend = _legend(ax)
    assert legend[0].startswith("Asker: ")
    assert not any("3203" in label for label in legend)
    # A fictional kommune nobody can name is drawn as its code, and the chart says so.
    only = demo[demo[F.REGION].str.len() == 6]
    with pytest.warns(ChartWarning, match="no name for the reference region code.*9901"):
        ut.district_bars(only, indicator="neet", period="2024", age="16-25")


def test_the_fylke_is_a_line_when_the_frame_has_it() -> None:
    frame = _kommune_fylke_land()
    # The districts have no names in the frame or the catalogue: codes, with a warning.
    with pytest.warns(ChartWarning, match="no name for region code"):
        ax = ut.district_bars(frame)
    cells = frame.set_index(F.REGION)[F.VALUE]
    assert _line_x(ax, "reference") == pytest.approx(cells["3203"])
    assert _line_x(ax, "reference-32") == pytest.approx(cells["32"])
    assert _line_x(ax, "reference-0") == pytest.approx(cells["0"])
    legend = _legend(ax)
    # Smallest first: the kommune, its fylke, the country; names from the catalogue.
    assert [label.split(":")[0] for label in legend[:3]] == ["Asker", "Akershus", "Hele landet"]


def test_figure_bars_credit_the_lines_sources_too(demo) -> None:
    from utenforskap.sources import source_table

    table = source_table(
        [
            ("neet", "0", "SSB, tabell 13563"),
            ("neet", "990101", "Eksempelkommune, registerdata"),
            ("neet", "9902", "Nabodal, registerdata"),  # not shown: not credited
            ("low_income_children", "990101", "FHI, Kommunehelsa"),  # other indicator
        ]
    )
    fig = ut.chart_figure(demo, "bars", indicator="neet", age="16-25", sources=table)
    assert fig.texts[-1].get_text() == (
        "Kilde: SSB, tabell 13563; Eksempelkommune, registerdata; beregninger: utenforskap"
    )
    en = ut.chart_figure(demo, "bars", indicator="neet", age="16-25", sources=table, lang="en")
    assert en.texts[-1].get_text().startswith("Source: SSB, tabell 13563;")
    texts = " ".join(t.get_text() for t in fig.texts).lower()
    assert "syntetisk" not in texts and "registerdata (" not in texts


def test_barometer_has_the_country_row_and_names(demo) -> None:
    ax = ut.barometer(demo)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:2] == ["Hele landet", "Eksempelkommune"]
    assert [t.get_fontweight() for t in ax.get_yticklabels()][:2] == ["normal", "bold"]
    en = ut.barometer(demo, lang="en")
    assert next(t.get_text() for t in en.get_yticklabels()) == "Norway"
    # The country's values are printed in its row.
    country = demo[(demo[F.REGION] == "0") & (demo[F.SEX] == "total")]
    texts = {t.get_text() for t in ax.texts}
    neet = country[(country[F.INDICATOR] == "neet") & (country[F.AGE] == "16-25")]
    assert ut.plot.format_number(float(neet[neet[F.PERIOD] == "2024"][F.VALUE].iloc[0])) in texts
    plain = ut.barometer(demo, context=False)
    assert next(t.get_text() for t in plain.get_yticklabels()) == "Eksempelkommune"


def test_barometer_heads_write_school_levels_and_do_not_repeat_ages() -> None:
    frame = indicator_frame(indicators=("upper_secondary_completed", "ungdata_loneliness"))
    frame = frame.assign(
        **{F.AGE: np.where(frame[F.INDICATOR] == "upper_secondary_completed", "21", "8-10 trinn")}
    )
    frame.attrs = indicator_frame().attrs
    ax = ut.barometer(frame)
    heads = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]
    assert heads[0] == "Fullført videregående opplæring ved 21 år"
    assert heads[1] == "Plaget av ensomhet (8.–10. trinn)"
    fig = ut.chart_figure(frame, "bars", indicator="upper_secondary_completed", age="21")
    assert fig.texts[1].get_text() == "prosent · 2024 · begge kjønn"
    profile = ut.district_profile(frame, region="990101")
    ticks = [t.get_text().replace("\n", " ") for t in profile.axes[0].get_yticklabels()]
    assert "Fullført videregående opplæring ved 21 år" in ticks
    assert "Plaget av ensomhet (8.–10. trinn)" in ticks


def test_trend_warns_about_regions_without_rows_and_names_the_lines(demo) -> None:
    neet = demo[(demo[F.INDICATOR] == "neet") & (demo[F.AGE] == "16-25")]
    with pytest.warns(ChartWarning, match=r"trend region\(s\) \['Oslo'\]"):
        ax = ut.trend_lines(neet, regions=["9901", "0", "0301"], lang="en")
    assert [line.get_label() for line in ax.get_lines()] == ["Eksempelkommune", "Norway"]
    fig = ut.chart_figure(demo, "trend", indicator="neet", age="16-25", lang="en")
    assert [line.get_label() for line in fig.axes[0].get_lines()] == [
        "Eksempelkommune",
        "Norway",
    ]


def test_no_chart_of_the_demo_prints_a_bare_region_code(demo) -> None:
    figures = [
        ut.chart_figure(demo, kind, indicator="neet", age="16-25", lang=lang)
        for kind in ("bars", "trend", "funnel", "map", "profile")
        for lang in ("nb", "en")
    ]
    figures += [ut.barometer_figure(demo), ut.district_profile(demo, region="990103")]
    codes = set(demo[F.REGION])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ChartWarning)
        for fig in figures:
            texts = [t.get_text() for t in fig.texts]
            for ax in fig.axes:
                texts += [t.get_text() for t in ax.texts]
                texts += [t.get_text() for t in ax.get_yticklabels() + ax.get_xticklabels()]
                if ax.get_legend() is not None:
                    texts += [t.get_text() for t in ax.get_legend().get_texts()]
            words = {w.strip(":,.()") for t in texts for w in t.split()}
            # "0" is also a tick on every value axis; the country is checked by its label.
            assert not (words & (codes - {"0"})), words & codes
            assert not any(t.startswith("0:") or " 0" in t.split("\n")[0][-2:] for t in texts)
            assert not any("enn 0" in t or "than 0" in t for t in texts)
