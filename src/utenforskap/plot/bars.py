"""District bar chart: sorted bars, interval whiskers, reference line, hidden cells marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.plot._docstrings import fill_docstring
from utenforskap.plot._legend import HATCH, comparison_handles, hidden_handle, legend_below
from utenforskap.plot.labels import format_number, format_value, text, tick_formatter
from utenforskap.plot.style import COLOURS, comparison_colour
from utenforskap.select import (
    display_names,
    district_rows,
    indicator_unit,
    is_high_bad,
    reference_of,
    select_rows,
    single_value,
)

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = ["district_bars"]


@fill_docstring()
def district_bars(
    data: pd.DataFrame,
    *,
    indicator: str | None = None,
    period: str | None = None,
    age: str | None = None,
    sex: str = "total",
    high_is_bad: bool | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of the districts of one reference region, sorted by value.

    Parameters
    ----------
    {core.data}
    {core.indicator}
    {core.period}
    {core.age}
    {core.sex}
    high_is_bad
        Direction for colouring; default from the indicator registry.
    {core.lang}
    {core.ax}

    Returns
    -------
    matplotlib.axes.Axes
        Bars (one per published district, length = ``value``, the highest on
        top) coloured by ``comparison`` and direction; whiskers from
        ``ci_lower`` to ``ci_upper``; the value printed beside each whisker; a
        dashed vertical reference line at the reference region's value; hidden
        cells at the bottom as a short hatched stub labelled "prikket", never a
        zero-length bar; the legend below the axes. "Unknown district" codes
        (``xxxx99``) are left out.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> ax = ut.plot.district_bars(frame, indicator="neet", period="2024", age="16-25")
    >>> [label.get_text() for label in ax.get_yticklabels()][-2:]
    ['Sentrum', 'Sørhavna']
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    rows = select_rows(data, indicator=indicator, period=period, age=age, sex=sex)
    ind_id = single_value(rows, F.INDICATOR)
    single_value(rows, F.PERIOD)
    single_value(rows, F.AGE)
    bad = is_high_bad(ind_id, high_is_bad)
    ref_code, ref_value, ref_name = reference_of(rows)
    districts = district_rows(rows, reference=ref_code)
    hidden_mask = districts[F.SUPPRESSED].to_numpy(dtype=bool)
    published = districts[~hidden_mask].sort_values(
        [F.VALUE, F.REGION], ascending=[True, False], kind="mergesort"
    )
    hidden = districts[hidden_mask].sort_values(F.REGION, ascending=False, kind="mergesort")
    # Index-based, not pd.concat: concat compares attrs, which may hold frames.
    ordered = districts.loc[np.concatenate([hidden.index, published.index])]
    if ax is None:
        _, ax = plt.subplots()
    y = np.arange(len(ordered), dtype=float)
    y_pub = y[len(hidden) :]
    values = published[F.VALUE].to_numpy(dtype=float)
    colours = [comparison_colour(str(c), high_is_bad=bad) for c in published[F.COMPARISON]]
    ax.barh(y_pub, values, height=0.68, color=colours, edgecolor="none", gid="values")
    lower = published[F.CI_LOWER].to_numpy(dtype=float)
    upper = published[F.CI_UPPER].to_numpy(dtype=float)
    ax.errorbar(
        values,
        y_pub,
        xerr=np.vstack([values - lower, upper - values]),
        fmt="none",
        ecolor="#333333",
        elinewidth=0.9,
        capsize=2.5,
        gid="intervals",
    )
    tops = np.concatenate([upper, values, [ref_value]])
    tops = tops[np.isfinite(tops)]
    span = float(tops.max()) if tops.size and tops.max() > 0 else 1.0
    ends = np.where(np.isfinite(upper), upper, values)
    for yy, value, end in zip(y_pub, values, ends, strict=True):
        ax.text(end + span * 0.015, yy, format_number(value, lang=lang), va="center", fontsize=7.5)
    if len(hidden):
        ax.barh(
            y[: len(hidden)],
            span * 0.04,
            height=0.68,
            color="white",
            edgecolor=COLOURS["suppressed"],
            hatch=HATCH,
            linewidth=0.6,
            gid="suppressed",
        )
    for yy in y[: len(hidden)]:
        ax.text(
            span * 0.055,
            yy,
            text("suppressed", lang),
            va="center",
            fontsize=7.5,
            style="italic",
            color=COLOURS["suppressed"],
        )
    ax.set_yticks(y, display_names(ordered))
    ax.set_ylim(-0.6, len(ordered) - 0.4)
    ax.set_xlim(0, span * 1.14)
    handles: list[Artist] = []
    unit = indicator_unit(ind_id, lang=lang)
    if np.isfinite(ref_value):
        ax.axvline(
            ref_value, color=COLOURS["reference"], linewidth=1.2, linestyle="--", gid="reference"
        )
        handles.append(
            Line2D(
                [],
                [],
                color=COLOURS["reference"],
                linestyle="--",
                label=f"{ref_name}: {format_value(ref_value, unit, lang=lang)}",
            )
        )
    handles += comparison_handles(
        published[F.COMPARISON], high_is_bad=bad, reference=ref_name, lang=lang
    )
    level = rows[F.CI_LEVEL].dropna()
    if not level.empty and len(published):
        percent = format_number(100 * float(level.iloc[0]), decimals=0, lang=lang)
        handles.append(
            Line2D(
                [],
                [],
                color="#333333",
                marker="|",
                linestyle="-",
                label=text("interval", lang, level=percent),
            )
        )
    if len(hidden):
        handles.append(hidden_handle(lang))
    legend_below(ax, handles)
    ax.xaxis.set_major_formatter(tick_formatter(lang))
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color=COLOURS["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    return ax
