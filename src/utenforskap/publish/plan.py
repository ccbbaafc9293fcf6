"""Which figures a published IndicatorFrame gets: one typed task per figure, before drawing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from utenforskap import frames as F
from utenforskap.registry import INDICATORS
from utenforskap.select import (
    barometer_cells,
    district_rows,
    latest_period,
    reference_of,
    widest_ages,
)

if TYPE_CHECKING:
    from utenforskap.risk.config import RiskSettings

__all__ = ["FIGURE_KINDS", "FigureTask", "plan_figures", "risk_tasks"]

#: Kinds of figure in a pack: the chart kinds of
#: :func:`utenforskap.plot.chart_figure` (``neighbours``: the kommune beside its
#: neighbour kommuner; ``groups``: one bar per population group), the barometer
#: over all indicators, one profile page per district, and the risk charts of
#: the ``[risk]`` settings (``risk``, with the chart in :attr:`FigureTask.chart`).
FIGURE_KINDS: tuple[str, ...] = (
    "bars",
    "trend",
    "funnel",
    "profile",
    "map",
    "neighbours",
    "groups",
    "barometer",
    "district",
    "risk",
)


@dataclass(frozen=True)
class FigureTask:
    """One figure to draw: what it shows and the file name it gets.

    Attributes
    ----------
    kind
        One of :data:`FIGURE_KINDS`.
    stem
        File name without extension, unique within a pack.
    indicator
        Registry id; ``""`` for figures over all indicators (``barometer``,
        ``district``, ``risk``).
    age
        Age band drawn (``""`` for ``profile``, ``barometer``, ``district``, ``risk``).
    period
        Period drawn (the latest for ``trend``, which draws all).
    region
        For ``district``: the district's code; for ``neighbours``: the kommune.
    regions
        For ``trend``: districts drawn beside the reference.
    chart
        For ``risk``: the risk chart (``heatmap``, ``caterpillar``, ``map``,
        ``criteria``; see :data:`utenforskap.plot.risk.RISK_CHARTS`).
    key
        A key figure: shown in the slide deck (the barometer, each
        indicator's widest age band, neighbours, groups and the risk charts).
    detail
        A detail figure (one district's trend): in the figures folder and on
        the index page, but not in report.pdf or the deck.
    """

    kind: str
    stem: str
    indicator: str = ""
    age: str = ""
    period: str = ""
    region: str = ""
    regions: tuple[str, ...] = ()
    chart: str = ""
    key: bool = False
    detail: bool = False

    def files(self, folder: str | Path, formats: Sequence[str]) -> tuple[Path, ...]:
        """The paths the figure is written to, one per format, in the order of ``formats``.

        Parameters
        ----------
        folder
            The figures folder.
        formats
            File formats (``png``, ``svg``, ``pdf``).

        Returns
        -------
        tuple of pathlib.Path
            ``folder / f"{stem}.{format}"`` for each format.

        Examples
        --------
        >>> task = FigureTask("bars", "neet_16-25_2024_bars", "neet", "16-25", "2024")
        >>> [p.name for p in task.files("figures", ("png", "svg"))]
        ['neet_16-25_2024_bars.png', 'neet_16-25_2024_bars.svg']
        """
        return tuple(Path(folder) / f"{self.stem}.{fmt}" for fmt in formats)


def _slug(label: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in label.lower()).strip("-")


def _indicator_order(data: pd.DataFrame) -> list[str]:
    order = list(INDICATORS)
    return sorted(
        map(str, data[F.INDICATOR].unique()),
        key=lambda i: (order.index(i) if i in order else len(order), i),
    )


def _funnel_points(rows: pd.DataFrame, age: str, period: str) -> int:
    """Published districts with counts: a funnel plot needs at least two."""
    cells = rows[(rows[F.AGE] == age) & (rows[F.PERIOD] == period) & (rows[F.SEX] == "total")]
    if cells.empty:
        return 0
    shown = district_rows(cells, reference=reference_of(cells).code)
    ok = ~shown[F.SUPPRESSED].to_numpy(dtype=bool) & (shown[F.DENOMINATOR].to_numpy(float) > 0)
    return int(ok.sum())


def _has_districts(rows: pd.DataFrame, age: str, period: str) -> bool:
    cells = rows[(rows[F.AGE] == age) & (rows[F.PERIOD] == period) & (rows[F.SEX] == "total")]
    return not cells.empty and not district_rows(cells, reference=reference_of(cells).code).empty


def _neighbour_kommune(rows: pd.DataFrame, age: str, period: str) -> str:
    """The kommune of the districts when a neighbour kommune has a published value; else ``""``."""
    from utenforskap.geo.codes import levels_of
    from utenforskap.plot.bars import neighbour_codes

    cells = rows[(rows[F.AGE] == age) & (rows[F.PERIOD] == period) & (rows[F.SEX] == "total")]
    if cells.empty:
        return ""
    kommune = reference_of(cells).code
    if levels_of([kommune])[0] != "kommune":
        return ""
    shown = cells[~cells[F.SUPPRESSED].to_numpy(dtype=bool)]
    present = set(map(str, shown[F.REGION]))
    if kommune not in present:
        return ""
    return kommune if set(neighbour_codes(cells, kommune)) & present else ""


def _group_bands(rows: pd.DataFrame, period: str) -> list[str]:
    """Age bands with population-group rows (besides the total) in ``period``."""
    parts = rows[(rows[F.GROUP] != F.GROUP_TOTAL) & (rows[F.PERIOD] == period)]
    return list(dict.fromkeys(map(str, parts[F.AGE])))


def risk_tasks(settings: RiskSettings | None) -> list[FigureTask]:
    """The risk charts of the ``[risk]`` settings: heatmap, caterpillar, map, and criteria.

    Parameters
    ----------
    settings
        The run's :class:`~utenforskap.risk.RiskSettings`, or None (no risk charts).

    Returns
    -------
    list of FigureTask
        Kind ``risk`` with the chart in ``chart``; none when ``settings`` is
        None or ``settings.figures`` is false; ``criteria`` only with criteria.

    Examples
    --------
    >>> from utenforskap.risk import RiskSettings
    >>> [t.stem for t in risk_tasks(RiskSettings())]
    ['risk_heatmap', 'risk_caterpillar', 'risk_map']
    """
    if settings is None or not settings.figures:
        return []
    charts = ["heatmap", "caterpillar", "map"] + (["criteria"] if settings.criteria else [])
    return [FigureTask("risk", f"risk_{chart}", chart=chart, key=True) for chart in charts]


def plan_figures(
    data: pd.DataFrame,
    *,
    trend_regions: Sequence[str] = (),
    district_profiles: bool = True,
    district_trends: bool = False,
    neighbours: bool = True,
    groups: bool = True,
    risk: RiskSettings | None = None,
) -> list[FigureTask]:
    """The figures of a pack for ``data``, in the order they are drawn and listed.

    First a barometer over all indicators (when there are two or more) and
    the risk charts of ``risk``; then, per indicator in registry order and
    per age band in the latest period: a district bar chart, a trend chart
    (when there are several periods), a funnel plot (when at least two
    districts are published with counts) and a map (when there are
    districts). Then, per indicator: an age × sex profile (when the sexes
    are split), the kommune beside its neighbour kommuner (when one of them
    is published, widest age band), one population-group chart per age band
    with group rows, and with ``district_trends`` one trend chart per
    published district (detail figures). Last, one profile page per district
    of the barometer.

    Parameters
    ----------
    data
        A published IndicatorFrame (through disclosure control); rows of
        population groups other than ``total`` are drawn only in group charts.
    trend_regions
        Districts drawn beside the reference in each indicator's trend chart.
    district_profiles
        Plan one profile page per district (needs two or more indicators).
    district_trends
        Also plan, per indicator, one trend chart for each district published
        in at least one period (the district against its reference).
    neighbours
        Plan the neighbour-kommune chart where the data have neighbours.
    groups
        Plan the population-group charts where the data have groups.
    risk
        The ``[risk]`` settings: plan the risk charts (:func:`risk_tasks`).

    Returns
    -------
    list of FigureTask
        The tasks; their ``stem`` values are unique.

    Examples
    --------
    >>> from utenforskap.datasets import demo_indicators
    >>> tasks = plan_figures(demo_indicators())
    >>> [(t.kind, t.stem) for t in tasks[:4]]
    [('barometer', 'overview_barometer'), ('bars', 'neet_16-19_2024_bars'), \
('trend', 'neet_16-19_trend'), ('funnel', 'neet_16-19_2024_funnel')]
    >>> sorted({t.kind for t in tasks})
    ['barometer', 'bars', 'district', 'funnel', 'map', 'profile', 'trend']
    """
    tasks: list[FigureTask] = []
    whole = data[data[F.GROUP].to_numpy(dtype=object) == F.GROUP_TOTAL] if F.GROUP in data else data
    ages = widest_ages(whole)
    if len(ages) > 1:
        tasks.append(FigureTask("barometer", "overview_barometer", key=True))
    tasks += risk_tasks(risk)
    for ind_id in _indicator_order(whole):
        rows = whole[whole[F.INDICATOR] == ind_id]
        latest = latest_period(rows[F.PERIOD])
        widest = ages[ind_id]
        for band in dict.fromkeys(map(str, rows.loc[rows[F.PERIOD] == latest, F.AGE])):
            slug = _slug(band)
            key = band == widest
            tasks.append(
                FigureTask("bars", f"{ind_id}_{slug}_{latest}_bars", ind_id, band, latest, key=key)
            )
            if rows.loc[rows[F.AGE] == band, F.PERIOD].nunique() > 1:
                tasks.append(
                    FigureTask(
                        "trend",
                        f"{ind_id}_{slug}_trend",
                        ind_id,
                        band,
                        latest,
                        regions=tuple(trend_regions),
                        key=key,
                    )
                )
            if _funnel_points(rows, band, latest) >= 2:
                tasks.append(
                    FigureTask("funnel", f"{ind_id}_{slug}_{latest}_funnel", ind_id, band, latest)
                )
            if _has_districts(rows, band, latest):
                tasks.append(
                    FigureTask("map", f"{ind_id}_{slug}_{latest}_map", ind_id, band, latest)
                )
        if rows[F.SEX].nunique() > 1:
            tasks.append(FigureTask("profile", f"{ind_id}_{latest}_profile", ind_id, "", latest))
        kommune = _neighbour_kommune(rows, widest, latest) if neighbours else ""
        if kommune:
            tasks.append(
                FigureTask(
                    "neighbours",
                    f"{ind_id}_{_slug(widest)}_{latest}_neighbours",
                    ind_id,
                    widest,
                    latest,
                    region=kommune,
                    key=True,
                )
            )
        if groups and F.GROUP in data:
            own = data[data[F.INDICATOR] == ind_id]
            tasks += [
                FigureTask(
                    "groups",
                    f"{ind_id}_{_slug(band)}_{latest}_groups",
                    ind_id,
                    band,
                    latest,
                    key=band == widest,
                )
                for band in _group_bands(own, latest)
            ]
        if district_trends and rows.loc[rows[F.AGE] == widest, F.PERIOD].nunique() > 1:
            cells = rows[(rows[F.AGE] == widest) & (rows[F.SEX] == "total")]
            districts = district_rows(cells, reference=reference_of(cells).code)
            shown = districts.loc[~districts[F.SUPPRESSED].to_numpy(dtype=bool), F.REGION]
            tasks += [
                FigureTask(
                    "trend",
                    f"{ind_id}_{_slug(widest)}_trend_{code}",
                    ind_id,
                    widest,
                    latest,
                    regions=(code,),
                    detail=True,
                )
                for code in sorted(set(map(str, shown)))
            ]
    if district_profiles and len(ages) > 1:
        cells = barometer_cells(whole, ages=ages)
        codes = sorted(set(map(str, cells.loc[cells["row"] > 0, F.REGION])))
        tasks += [FigureTask("district", f"district_{code}", region=code) for code in codes]
    return tasks
