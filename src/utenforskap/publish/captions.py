"""Caption and alternative text of each planned figure, worded from the text catalogue."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from utenforskap import frames as F
from utenforskap.plot import subtitle
from utenforskap.plot.labels import format_value, period_span
from utenforskap.publish.plan import FigureTask
from utenforskap.registry import INDICATORS
from utenforskap.select import (
    barometer_cells,
    display_names,
    district_rows,
    indicator_title,
    indicator_unit,
    reference_of,
    sort_periods,
    widest_ages,
)
from utenforskap.texts import text

__all__ = ["FigureText", "describe_figure"]


class FigureText(NamedTuple):
    """What a person reads beside a figure.

    Attributes
    ----------
    caption
        The caption: title, subtitle and the indicator's definition.
    alt
        Alternative text for a reader who cannot see the image: the chart
        kind, what it shows and, for district charts, the highest and lowest
        district and the reference.
    """

    caption: str
    alt: str


def _overview(data: pd.DataFrame, task: FigureTask, lang: str) -> FigureText:
    cells = barometer_cells(data, ages=widest_ages(data))
    ref = display_names(cells.head(1))[0]
    when = " / ".join(sort_periods(cells[F.PERIOD]))
    if task.kind == "barometer":
        return FigureText(
            text("caption.barometer", lang, overview=text("overview", lang), when=when, ref=ref),
            text("alt.barometer", lang, when=when),
        )
    name = display_names(cells[cells[F.REGION] == task.region].head(1))[0]
    profile = text("district_profile", lang)
    return FigureText(
        text("caption.district", lang, profile=profile, name=name, when=when, ref=ref),
        text("alt.district", lang, name=name, ref=ref),
    )


def _extremes(cells: pd.DataFrame, unit: str, lang: str) -> str:
    """The highest and lowest published district and the reference, for the alt text."""
    ref = reference_of(cells)
    shown = district_rows(cells, reference=ref.code)
    shown = shown[~shown[F.SUPPRESSED].to_numpy(dtype=bool)].sort_values(
        [F.VALUE, F.REGION], kind="mergesort"
    )
    if len(shown) < 2:
        return ""
    names = display_names(shown)
    values = shown[F.VALUE].to_numpy(dtype=float)
    return text(
        "alt.extremes",
        lang,
        high=f"{names[-1]} {format_value(values[-1], unit, lang=lang)}",
        low=f"{names[0]} {format_value(values[0], unit, lang=lang)}",
        ref=f"{ref.name} {format_value(ref.value, unit, lang=lang)}",
    )


def describe_figure(
    data: pd.DataFrame, task: FigureTask, *, lang: str = "nb", has_map: bool = False
) -> FigureText:
    """The caption and alternative text of one planned figure.

    Parameters
    ----------
    data
        The published IndicatorFrame the figure is drawn from.
    task
        The figure (from :func:`utenforskap.publish.plan.plan_figures`).
    lang
        ``"nb"`` or ``"en"``.
    has_map
        Whether ``map`` figures are drawn from boundaries (a map) or without
        (a tile map); the alt text names the kind.

    Returns
    -------
    FigureText
        ``caption`` and ``alt``. Indicators outside the registry are named
        by their id, without a definition.

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> frame = demo_indicators()
    >>> task = FigureTask("bars", "neet_16-25_2024_bars", "neet", "16-25", "2024")
    >>> print(describe_figure(frame, task, lang="en").alt)
    Bar chart: Young people not in employment, education or training (NEET), percent · 16-25 \
years · 2024 · both sexes. Highest: Sørhavna 19.1%; lowest: Østmarka 4.5%; Eksempelkommune 10.9%.
    """
    if task.kind in ("barometer", "district"):
        return _overview(data, task, lang)
    ind = INDICATORS.get(task.indicator)
    title = indicator_title(task.indicator, lang=lang)
    definition = ind.definition(lang) if ind else ""
    unit = indicator_unit(task.indicator, lang=lang)
    rows = data[data[F.INDICATOR] == task.indicator]
    if task.kind == "trend":
        periods = sort_periods(rows[F.PERIOD])
        span = period_span(periods[0], periods[-1], lang=lang)
        sub = subtitle(unit=unit, age=task.age, period=span, lang=lang)
    elif task.kind == "profile":
        sub = subtitle(unit=unit, age="", period=task.period, sex="", lang=lang)
    else:
        sub = subtitle(unit=unit, age=task.age, period=task.period, lang=lang)
    what = title
    if task.kind == "trend" and task.regions:
        chosen = rows[rows[F.REGION].isin(task.regions)].drop_duplicates(F.REGION)
        what = f"{title} – {', '.join(display_names(chosen))}"
    caption = f"{what}, {sub}. {definition}".rstrip()
    kind_name = text(("map" if has_map else "tiles") if task.kind == "map" else task.kind, lang)
    extremes = ""
    if task.kind in ("bars", "map", "funnel"):
        cells = rows[
            (rows[F.AGE] == task.age) & (rows[F.PERIOD] == task.period) & (rows[F.SEX] == "total")
        ]
        if not cells.empty:
            extremes = _extremes(cells, unit, lang)
    alt = f"{kind_name}: {title}, {sub}." + (f" {extremes}" if extremes else "")
    return FigureText(caption, alt)
