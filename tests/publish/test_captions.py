"""Captions and alt texts: what they name, in which language, checked against the frame itself."""

from __future__ import annotations

import pytest

from utenforskap import frames as F
from utenforskap.datasets import demo_indicators
from utenforskap.plot import format_value
from utenforskap.publish.captions import describe_figure
from utenforskap.publish.plan import FigureTask
from utenforskap.registry import INDICATORS

NEET_BARS = FigureTask("bars", "neet_16-25_2024_bars", "neet", "16-25", "2024")


@pytest.fixture(scope="module")
def demo():
    return demo_indicators()


def test_alt_text_names_the_highest_and_lowest_published_district(demo) -> None:
    cells = demo[
        (demo[F.INDICATOR] == "neet")
        & (demo[F.PERIOD] == "2024")
        & (demo[F.AGE] == "16-25")
        & (demo[F.SEX] == "total")
    ]
    districts = cells[(cells[F.REFERENCE] == "9901") & (cells[F.REGION] != "990199")]
    shown = districts[~districts[F.SUPPRESSED]]
    high = shown.loc[shown[F.VALUE].idxmax()]
    low = shown.loc[shown[F.VALUE].idxmin()]
    kommune = cells[cells[F.REGION] == "9901"].iloc[0]
    alt = describe_figure(demo, NEET_BARS).alt
    assert alt.startswith("Stolpediagram: " + INDICATORS["neet"].title_nb)
    assert f"Høyest: {high[F.REGION_NAME]} {format_value(high[F.VALUE], 'prosent')}" in alt
    assert f"lavest: {low[F.REGION_NAME]} {format_value(low[F.VALUE], 'prosent')}" in alt
    assert alt.endswith(f"Eksempelkommune {format_value(kommune[F.VALUE], 'prosent')}.")
    # Hidden districts are never named.
    for name in districts.loc[districts[F.SUPPRESSED], F.REGION_NAME]:
        assert name not in alt


def test_captions_carry_the_definition_and_follow_the_language(demo) -> None:
    nb = describe_figure(demo, NEET_BARS)
    en = describe_figure(demo, NEET_BARS, lang="en")
    assert nb.caption.endswith(INDICATORS["neet"].definition_nb)
    assert en.caption.endswith(INDICATORS["neet"].definition_en)
    assert en.alt.startswith("Bar chart: ") and "Highest: " in en.alt
    for word in ("Høyest", "lavest", "prosent", "begge kjønn"):
        assert word not in en.alt


def test_map_alt_text_names_the_kind_drawn(demo) -> None:
    task = FigureTask("map", "m", "neet", "16-25", "2024")
    assert describe_figure(demo, task).alt.startswith("Flisekart: ")
    assert describe_figure(demo, task, has_map=True).alt.startswith("Kart: ")


def test_trend_caption_spans_the_periods_and_names_the_district(demo) -> None:
    task = FigureTask(
        "trend", "t", "ungdata_loneliness", "8-10 trinn", "2022-2024", regions=("990103",)
    )
    text = describe_figure(demo, task)
    assert "Sørhavna" in text.caption
    assert "2021-2023 til 2022-2024" in text.caption
    en = describe_figure(demo, task, lang="en")
    assert "2021-2023 to 2022-2024" in en.caption


def test_overview_texts_name_district_and_reference(demo) -> None:
    barometer = describe_figure(demo, FigureTask("barometer", "b"), lang="en")
    assert barometer.caption.startswith("Overview of the indicators, 2022-2024 / 2024:")
    assert "than Eksempelkommune" in barometer.caption
    page = describe_figure(demo, FigureTask("district", "d", region="990102"))
    assert page.caption.startswith("Områdeprofil for Nordbyen")
    assert page.alt == (
        "Punktdiagram for Nordbyen: én rad per indikator, med referanseverdien for Eksempelkommune."
    )


def test_an_indicator_outside_the_registry_is_named_by_its_id(demo) -> None:
    own = demo[demo[F.INDICATOR] == "neet"].assign(**{F.INDICATOR: "my_indicator"})
    own.attrs = demo.attrs
    task = FigureTask("bars", "b", "my_indicator", "16-25", "2024")
    text = describe_figure(own, task)
    assert text.caption.startswith("my_indicator, 16-25 år · 2024 · begge kjønn. Stolpene viser")
    # No definition for an indicator the registry does not know: the caption ends
    # with the chart's explanation.
    assert text.caption.endswith("skravert: prikket.")


def test_bars_funnel_and_map_of_one_indicator_say_what_each_chart_shows(demo) -> None:
    captions = {
        kind: describe_figure(demo, FigureTask(kind, kind, "neet", "16-25", "2024")).caption
        for kind in ("bars", "funnel", "map", "trend")
    }
    assert len(set(captions.values())) == 4
    assert "Stolpene viser verdien i hvert område" in captions["bars"]
    # The bars name the lines drawn: the kommune and the country.
    assert "Eksempelkommune og Hele landet" in captions["bars"]
    assert "Trakten viser hvor langt fra Eksempelkommune" in captions["funnel"]
    assert "Hver rute er et område" in captions["map"]
    assert "skyggelagte feltet" in captions["trend"]
    map_en = describe_figure(demo, FigureTask("map", "m", "neet", "16-25", "2024"), lang="en")
    assert "Each tile is a district" in map_en.caption


def test_school_levels_are_written_out_and_ages_in_titles_not_repeated(demo) -> None:
    grades = describe_figure(
        demo, FigureTask("bars", "b", "ungdata_loneliness", "8-10 trinn", "2022-2024")
    )
    assert "8.–10. trinn" in grades.caption and "8-10 trinn" not in grades.caption
    vgs = describe_figure(demo, FigureTask("bars", "b", "upper_secondary_completed", "21", "2024"))
    assert vgs.caption.startswith("Fullført videregående opplæring ved 21 år, prosent · 2024 ·")
    assert "21 år, 2024" not in vgs.caption and "(21" not in vgs.caption
