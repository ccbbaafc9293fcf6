"""Which figures a published IndicatorFrame gets: one typed task per figure, before drawing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

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

__all__ = ["FIGURE_KINDS", "FigureTask", "plan_figures"]

#: Kinds of figure in a pack: the chart kinds of
#: :func:`utenforskap.plot.chart_figure`, the barometer over all indicators and
#: one profile page per district.
FIGURE_KINDS: tuple[str, ...] = (
    "bars",
    "trend",
    "funnel",
    "profile",
    "map",
    "barometer",
    "district",
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
        ``district``).
    age
        Age band drawn (``""`` for ``profile``, ``barometer``, ``district``).
    period
        Period drawn (the latest for ``trend``, which draws all).
    region
        For ``district``: the district's code.
    regions
        For ``trend``: districts drawn beside the reference.
    """

    kind: str
    stem: str
    indicator: str = ""
    age: str = ""
    period: str = ""
    region: str = ""
    regions: tuple[str, ...] = ()

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


def plan_figures(
    data: pd.DataFrame,
    *,
    trend_regions: Sequence[str] = (),
    district_profiles: bool = True,
    district_trends: bool = False,
) -> list[FigureTask]:
    """The figures of a pack for ``data``, in the order they are drawn and listed.

    First a barometer over all indicators (when there are two or more);
    then, per indicator in registry order: a district bar chart for each
    age band in the latest period; for the widest age band a trend chart
    (when there are several periods), a funnel plot (when at least two
    districts are published with counts), an age × sex profile (when the
    sexes are split) and a map; with ``district_trends``, one trend chart
    per published district. Last, one profile page per district of the
    barometer.

    Parameters
    ----------
    data
        A published IndicatorFrame (through disclosure control).
    trend_regions
        Districts drawn beside the reference in each indicator's trend chart.
    district_profiles
        Plan one profile page per district (needs two or more indicators).
    district_trends
        Also plan, per indicator, one trend chart for each district published
        in at least one period (the district against its reference).

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
('bars', 'neet_16-25_2024_bars'), ('bars', 'neet_20-25_2024_bars')]
    >>> sorted({t.kind for t in tasks})
    ['barometer', 'bars', 'district', 'funnel', 'map', 'profile', 'trend']
    """
    tasks: list[FigureTask] = []
    ages = widest_ages(data)
    if len(ages) > 1:
        tasks.append(FigureTask("barometer", "overview_barometer"))
    for ind_id in _indicator_order(data):
        rows = data[data[F.INDICATOR] == ind_id]
        latest = latest_period(rows[F.PERIOD])
        widest = ages[ind_id]
        wide = _slug(widest)
        several_periods = rows[F.PERIOD].nunique() > 1
        for band in dict.fromkeys(map(str, rows[F.AGE])):
            stem = f"{ind_id}_{_slug(band)}_{latest}_bars"
            tasks.append(FigureTask("bars", stem, ind_id, band, latest))
        if several_periods:
            tasks.append(
                FigureTask(
                    "trend",
                    f"{ind_id}_{wide}_trend",
                    ind_id,
                    widest,
                    latest,
                    regions=tuple(trend_regions),
                )
            )
        if _funnel_points(rows, widest, latest) >= 2:
            tasks.append(
                FigureTask("funnel", f"{ind_id}_{wide}_{latest}_funnel", ind_id, widest, latest)
            )
        if rows[F.SEX].nunique() > 1:
            tasks.append(FigureTask("profile", f"{ind_id}_{latest}_profile", ind_id, "", latest))
        tasks.append(FigureTask("map", f"{ind_id}_{wide}_{latest}_map", ind_id, widest, latest))
        if district_trends and several_periods:
            cells = rows[(rows[F.AGE] == widest) & (rows[F.SEX] == "total")]
            districts = district_rows(cells, reference=reference_of(cells).code)
            shown = districts.loc[~districts[F.SUPPRESSED].to_numpy(dtype=bool), F.REGION]
            tasks += [
                FigureTask(
                    "trend",
                    f"{ind_id}_{wide}_trend_{code}",
                    ind_id,
                    widest,
                    latest,
                    regions=(code,),
                )
                for code in sorted(set(map(str, shown)))
            ]
    if district_profiles and len(ages) > 1:
        cells = barometer_cells(data, ages=ages)
        codes = sorted(set(map(str, cells.loc[cells["row"] > 0, F.REGION])))
        tasks += [FigureTask("district", f"district_{code}", region=code) for code in codes]
    return tasks
