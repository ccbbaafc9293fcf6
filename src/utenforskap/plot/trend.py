"""Trend chart: value over periods with an interval band, for a reference and chosen districts."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.plot._common import gate
from utenforskap.plot._docstrings import fill_docstring
from utenforskap.plot._legend import legend_below
from utenforskap.plot.labels import text, tick_formatter
from utenforskap.plot.style import COLOURS
from utenforskap.select import (
    ChartWarning,
    hidden_cells,
    region_label,
    select_rows,
    single_value,
    sort_periods,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["trend_lines"]

_SERIES = ("reference", "series", "series2", "series3", "series4")


@fill_docstring()
def trend_lines(
    data: pd.DataFrame,
    *,
    regions: Sequence[str],
    indicator: str | None = None,
    age: str | None = None,
    sex: str = "total",
    group: str = "total",
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Lines of value over periods, one per region, each with its interval as a band.

    Parameters
    ----------
    {core.data}
    regions
        Region codes to draw, the reference (e.g. the kommune) first; it is drawn
        in black.
    {core.indicator}
    {core.age}
    {core.sex}
    {core.group}
    {core.lang}
    {core.ax}

    Returns
    -------
    matplotlib.axes.Axes
        One line per region (label = region name) through the published values,
        with gaps where a cell is hidden (by us or by its publisher), and a
        shaded band from ``ci_lower`` to ``ci_upper`` where an interval is
        known; periods in sorted order on the x axis. Regions without rows
        are left out with a :class:`~utenforskap.select.ChartWarning`.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> neet = frame.query("indicator == 'neet' and age == '16-25'")
    >>> ax = ut.trend_lines(neet, regions=["9901", "990103"])
    >>> [line.get_label() for line in ax.get_lines()]
    ['Eksempelkommune', 'Sørhavna']
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    rows = select_rows(data, indicator=indicator, age=age, sex=sex, group=group)
    gate(rows, "trend_lines")
    codes = rows[F.REGION].to_numpy(dtype=object)
    absent = [code for code in regions if not (codes == code).any()]
    if absent:
        names = [region_label(code, data=data, lang=lang) for code in absent]
        warnings.warn(
            ChartWarning(
                f"trend region(s) {names} have no rows for this indicator and age: left out",
                "regions.unknown",
            ),
            stacklevel=2,
        )
    single_value(rows, F.INDICATOR)
    single_value(rows, F.AGE)
    periods = sort_periods(rows[F.PERIOD])
    x = np.arange(len(periods), dtype=float)
    # One array per column, hidden cells blanked once: no value of a hidden cell
    # (ours, or the publisher's) is drawn, nor its interval.
    slot = rows[F.PERIOD].map({p: i for i, p in enumerate(periods)}).to_numpy(dtype=int)
    hidden_all = hidden_cells(rows)
    columns = {
        c: np.where(hidden_all, np.nan, rows[c].to_numpy(dtype=float))
        for c in (F.VALUE, F.CI_LOWER, F.CI_UPPER)
    }
    if ax is None:
        _, ax = plt.subplots()
    any_hidden = False
    for i, code in enumerate(regions):
        mine = codes == code
        if not mine.any():
            continue
        series = {c: np.full(len(periods), np.nan) for c in columns}
        for c, values in columns.items():
            series[c][slot[mine]] = values[mine]
        any_hidden |= bool(hidden_all[mine].any())
        colour = COLOURS[_SERIES[i % len(_SERIES)]]
        ax.plot(
            x,
            series[F.VALUE],
            color=colour,
            marker="o",
            markersize=3.5,
            linewidth=1.8 if i == 0 else 1.4,
            label=region_label(code, data=data, lang=lang),
            gid=f"line-{code}",
        )
        ax.fill_between(
            x,
            series[F.CI_LOWER],
            series[F.CI_UPPER],
            color=colour,
            alpha=0.15,
            linewidth=0,
            gid=f"band-{code}",
        )
    rotated = len(max(periods, key=len)) > 4 and len(periods) > 5
    ax.set_xticks(x, periods, rotation=45 if rotated else 0)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(tick_formatter(lang))
    handles, _ = ax.get_legend_handles_labels()
    if any_hidden:
        handles.append(Line2D([], [], linestyle="none", label=f"({text('gap', lang)})"))
    legend_below(ax, handles, offset_pt=44.0 if rotated else 16.0)
    ax.grid(axis="y", color=COLOURS["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    return ax
