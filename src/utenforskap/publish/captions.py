"""Caption and alternative text of each planned figure, worded from the text catalogue."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import pandas as pd

from utenforskap import frames as F
from utenforskap.plot import subtitle
from utenforskap.plot.labels import format_value, period_span
from utenforskap.publish.plan import FigureTask
from utenforskap.registry import INDICATORS
from utenforskap.select import (
    barometer_cells,
    context_references,
    display_names,
    district_rows,
    indicator_title,
    indicator_unit,
    reference_of,
    sort_periods,
    widest_ages,
)
from utenforskap.texts import text

if TYPE_CHECKING:
    from utenforskap.publish.render import RiskResults

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


def _joined(names: list[str], lang: str) -> str:
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} {text('and', lang)} {names[-1]}"


def _explain(rows: pd.DataFrame, task: FigureTask, lang: str, has_map: bool) -> str:
    """What the kind of chart shows and how to read it: one or two sentences."""
    cells = rows[
        (rows[F.AGE] == task.age) & (rows[F.PERIOD] == task.period) & (rows[F.SEX] == "total")
    ]
    if task.kind in ("trend", "profile", "groups"):
        return text(f"explain.{task.kind}", lang)
    if task.kind == "map":
        return text("explain.map" if has_map else "explain.tiles", lang)
    ref = reference_of(cells, lang=lang) if not cells.empty else None
    ref_name = ref.name if ref is not None and ref.code else ""
    if task.kind == "neighbours":
        where = task.region or (ref.code if ref is not None else "")
        name = display_names(cells[cells[F.REGION] == where].head(1), lang=lang)
        above = context_references(cells, where, lang=lang) if where else []
        refs = _joined([r.name for r in above], lang) or text("no_data", lang)
        return text("explain.neighbours", lang, name=name[0] if name else where, refs=refs)
    if task.kind == "bars":
        above = context_references(cells, ref.code, lang=lang) if ref is not None else []
        refs = _joined([ref_name, *(r.name for r in above)], lang)
        return text("explain.bars", lang, refs=refs, ref=ref_name)
    if task.kind == "funnel":
        return text("explain.funnel", lang, ref=ref_name)
    return ""


def _group_differences(
    whole: pd.DataFrame, groups: pd.DataFrame, task: FigureTask, lang: str
) -> str:
    """The groups of the kommune clearly above or below the rest of its population."""
    from utenforskap.select import group_label

    cells = whole[
        (whole[F.AGE] == task.age) & (whole[F.PERIOD] == task.period) & (whole[F.SEX] == "total")
    ]
    if cells.empty or groups.empty:
        return ""
    kommune = reference_of(cells).code
    rows = groups[
        (groups[F.INDICATOR] == task.indicator)
        & (groups[F.REGION] == kommune)
        & (groups[F.AGE] == task.age)
        & (groups[F.PERIOD] == task.period)
        & (groups[F.SEX] == "total")
    ]
    parts = []
    for way in ("higher", "lower"):
        named = [
            group_label(str(g), lang=lang) for g in rows.loc[rows[F.COMPARISON] == way, F.GROUP]
        ]
        if named:
            parts.append(text(f"groups.{way}", lang, groups=", ".join(named)))
    if not parts:
        return ""
    name = display_names(cells[cells[F.REGION] == kommune].head(1), lang=lang)
    return text("groups.differ", lang, name=name[0] if name else kommune, parts="; ".join(parts))


def describe_figure(
    data: pd.DataFrame,
    task: FigureTask,
    *,
    lang: str = "nb",
    has_map: bool = False,
    risk: RiskResults | None = None,
    groups: pd.DataFrame | None = None,
) -> FigureText:
    """The caption and alternative text of one planned figure.

    The caption names what is shown (title, unit, age band, period), says how
    to read that kind of chart (bars, funnel and map of one indicator get
    different captions) and ends with the indicator's definition.

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
    risk
        The risk results, for ``risk`` figures.
    groups
        The groups compared with the rest of the population
        (:func:`utenforskap.indicators.compare_groups`): a group chart's
        caption names, for the kommune, the groups clearly above or below the
        rest of the population.

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
    >>> funnel = FigureTask("funnel", "neet_16-25_2024_funnel", "neet", "16-25", "2024")
    >>> describe_figure(frame, funnel).caption.split(". ")[1][:30]
    'Hvert punkt er et område: anta'
    """
    if task.kind in ("barometer", "district"):
        return _overview(data, task, lang)
    if task.kind == "risk":
        from utenforskap.plot.risk import risk_caption

        if risk is None:
            return FigureText(text(f"risk.{task.chart}", lang), text(f"risk.{task.chart}", lang))
        caption, alt = risk_caption(task.chart, risk.index, risk.classification, lang=lang)
        return FigureText(caption, alt)
    ind = INDICATORS.get(task.indicator)
    title = indicator_title(task.indicator, lang=lang)
    definition = ind.definition(lang) if ind else ""
    unit = indicator_unit(task.indicator, lang=lang)
    rows = data[data[F.INDICATOR] == task.indicator]
    whole = rows[rows[F.GROUP] == F.GROUP_TOTAL] if F.GROUP in rows else rows
    if task.kind == "trend":
        periods = sort_periods(whole.loc[whole[F.AGE] == task.age, F.PERIOD])
        span = period_span(periods[0], periods[-1], lang=lang)
        sub = subtitle(unit=unit, age=task.age, period=span, lang=lang, indicator=task.indicator)
    elif task.kind == "profile":
        sub = subtitle(unit=unit, age="", period=task.period, sex="", lang=lang)
    else:
        sub = subtitle(
            unit=unit, age=task.age, period=task.period, lang=lang, indicator=task.indicator
        )
    what = title
    if task.kind == "trend" and task.regions:
        chosen = whole[whole[F.REGION].isin(task.regions)].drop_duplicates(F.REGION)
        what = f"{title} – {', '.join(display_names(chosen))}"
    if task.kind == "groups":
        what = f"{title} {text('groups.subtitle', lang)}"
    explain = _explain(whole, task, lang, has_map)
    if task.kind == "groups" and groups is not None:
        explain = " ".join(p for p in (explain, _group_differences(whole, groups, task, lang)) if p)
    caption = " ".join(p for p in (f"{what}, {sub}.", explain, definition) if p)
    if task.kind == "map":
        kind_name = text("map" if has_map else "tiles", lang)
    elif task.kind in ("neighbours", "groups"):
        kind_name = text("bars", lang)
    else:
        kind_name = text(task.kind, lang)
    extremes = ""
    if task.kind in ("bars", "map", "funnel"):
        cells = whole[
            (whole[F.AGE] == task.age)
            & (whole[F.PERIOD] == task.period)
            & (whole[F.SEX] == "total")
        ]
        if not cells.empty:
            extremes = _extremes(cells, unit, lang)
    alt = f"{kind_name}: {what}, {sub}." + (f" {extremes}" if extremes else "")
    return FigureText(caption, alt)
