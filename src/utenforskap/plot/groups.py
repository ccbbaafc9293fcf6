"""Group profile: one bar with its interval per population group and region, the total as a line."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError
from utenforskap.geo.codes import LEVELS, is_unknown_district
from utenforskap.plot._common import cell_states, gate
from utenforskap.plot._docstrings import fill_docstring
from utenforskap.plot._legend import HATCH, hidden_handle, legend_below
from utenforskap.plot.labels import format_number, text, tick_formatter
from utenforskap.plot.style import COLOURS
from utenforskap.select import (
    ChartWarning,
    display_names,
    group_label,
    group_order,
    region_label,
    select_rows,
    single_value,
)

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = ["GROUP_COLOURS", "group_colour", "group_profile", "group_regions"]

#: Colour of each population group (Okabe–Ito; the unknown group grey).
GROUP_COLOURS: dict[str, str] = {
    "immigrants": "#0072B2",
    "norwegian_born_to_immigrant_parents": "#E69F00",
    "immigrants_and_descendants": "#CC79A7",
    "rest_of_population": "#009E73",
    "unknown": "#999999",
}
_OTHER = ("#56B4E9", "#D55E00", "#F0E442", "#000000")


def group_colour(group: str, position: int = 0) -> str:
    """The colour of a group: its own, or one of the spare Okabe–Ito colours by position.

    Examples
    --------
    >>> group_colour("immigrants"), group_colour("parents_education", 1)
    ('#0072B2', '#D55E00')
    """
    return GROUP_COLOURS.get(group, _OTHER[position % len(_OTHER)])


def group_regions(data: pd.DataFrame) -> list[str]:
    """Regions that have rows for a population group, largest first (country, fylke, kommune …).

    Parameters
    ----------
    data
        IndicatorFrame rows of one indicator, period, age band and sex.

    Returns
    -------
    list of str
        Codes with a row whose ``group`` is not ``total``, by level then code;
        "unknown district" codes left out.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = pd.DataFrame({"region": ["990101", "9901", "0", "9901"],
    ...                      "group": ["immigrants", "immigrants", "immigrants", "total"]})
    >>> group_regions(rows)
    ['0', '9901', '990101']
    """
    if F.GROUP not in data.columns:
        return []
    parts = data[data[F.GROUP].astype(str) != F.GROUP_TOTAL]
    codes = np.asarray(pd.unique(parts[F.REGION].astype(str)), dtype=object)
    codes = codes[~is_unknown_district(codes)] if len(codes) else codes
    rank = {length: i for i, length in enumerate(sorted(LEVELS))}
    return sorted(map(str, codes), key=lambda c: (rank.get(len(c), 99), c))


@fill_docstring()
def group_profile(
    data: pd.DataFrame,
    *,
    indicator: str | None = None,
    period: str | None = None,
    age: str | None = None,
    sex: str = "total",
    regions: Sequence[str] | None = None,
    groups: Sequence[str] | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """One bar with its interval per population group, per region, with the total as a line.

    Parameters
    ----------
    {core.data}
    {core.indicator}
    {core.period}
    {core.age}
    {core.sex}
    regions
        Regions drawn, top to bottom (e.g. the kommune and the country, or the
        districts); default every region with group rows
        (:func:`group_regions`: country, fylke, kommune, districts).
    groups
        Groups drawn within each region, in order; default every group in
        the rows but ``total`` (immigrants first, ``unknown`` last).
    {core.lang}
    {core.ax}

    Returns
    -------
    matplotlib.axes.Axes
        Per region a block of horizontal bars (gid ``values``), one per group
        in the order given, coloured by group (:data:`GROUP_COLOURS`), length
        = ``value``, whiskers from ``ci_lower`` to ``ci_upper`` where known
        (gid ``intervals``), the value printed; the region's whole population
        (``group == "total"``) as a black vertical line across its block (gid
        ``total``); hidden cells as a hatched stub "prikket", unknown values
        "ingen data"; regions named on the y axis, groups in the legend below
        ("innvandrere", "norskfødte med innvandrerforeldre", "befolkningen
        ellers", "ukjent gruppe").

    Raises
    ------
    utenforskap.errors.DataError
        The rows have no population groups besides ``total``.
    utenforskap.disclosure.DisclosureError
        ``data`` has not been through :func:`utenforskap.suppress`.

    Examples
    --------
    >>> import pandas as pd
    >>> import utenforskap as ut
    >>> counts = ut.datasets.demo_counts()
    >>> # The small demo has no immigrant category: split its counts a quarter / the rest.
    >>> quarter = counts[["numerator", "denominator"]] // 4
    >>> rest = counts[["numerator", "denominator"]] - quarter
    >>> split = pd.concat(
    ...     [counts, counts.assign(group="immigrants", **quarter),
    ...      counts.assign(group="rest_of_population", **rest)], ignore_index=True
    ... )
    >>> frame = ut.suppress(ut.compute_indicators(split))
    >>> ax = ut.plot.group_profile(
    ...     frame, indicator="neet", period="2024", age="16-25", regions=["0", "9901"]
    ... )
    >>> [t.get_text() for t in ax.get_legend().get_texts()][:3]
    ['innvandrere', 'befolkningen ellers', 'hele befolkningen']
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Hele landet', 'Eksempelkommune']
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    rows = select_rows(data, indicator=indicator, period=period, age=age, sex=sex)
    gate(rows, "group_profile")
    single_value(rows, F.INDICATOR)
    single_value(rows, F.PERIOD)
    single_value(rows, F.AGE)
    present_groups = (
        group_order(rows[F.GROUP].astype(str).unique()) if F.GROUP in rows.columns else []
    )
    parts_present = [g for g in present_groups if g != F.GROUP_TOTAL]
    if not parts_present:
        raise DataError(
            "the rows have no population groups besides 'total'; a group profile needs a "
            "breakdown (e.g. immigrant category)",
            column=F.GROUP,
        )
    wanted_groups = list(groups) if groups is not None else parts_present
    unknown_groups = [g for g in wanted_groups if g not in present_groups]
    if unknown_groups:
        raise DataError(
            f"no rows for group(s) {unknown_groups}; the rows have {present_groups}",
            column=F.GROUP,
        )
    wanted = list(regions) if regions is not None else group_regions(rows)
    codes = rows[F.REGION].astype(str).to_numpy(dtype=object)
    absent = [c for c in wanted if c not in set(codes)]
    if absent:
        names = [region_label(c, data=data, lang=lang) for c in absent]
        warnings.warn(
            ChartWarning(
                f"region(s) {names} have no rows for this indicator, period and age: left out",
                "regions.unknown",
            ),
            stacklevel=2,
        )
    wanted = [c for c in wanted if c not in absent]
    if not wanted:
        raise DataError("none of the regions asked for has rows", column=F.REGION)
    if ax is None:
        _, ax = plt.subplots()
    n_groups = len(wanted_groups)
    block = n_groups + 0.8
    # One slot per region × group, the first region on top, the first group on top.
    grid = pd.MultiIndex.from_product([wanted, wanted_groups], names=[F.REGION, F.GROUP])
    slots = grid.to_frame(index=False)
    slots["_r"] = np.repeat(np.arange(len(wanted)), n_groups)
    slots["_g"] = np.tile(np.arange(n_groups), len(wanted))
    slots["y"] = (len(wanted) - 1 - slots["_r"]) * block + (n_groups - 1 - slots["_g"])
    keyed = rows.assign(**{F.REGION: codes}).drop_duplicates([F.REGION, F.GROUP])
    cells = slots.merge(keyed, on=[F.REGION, F.GROUP], how="left")
    present = cells[F.INDICATOR].notna().to_numpy(dtype=bool)
    states = cell_states(cells.assign(**{F.SUPPRESSED: cells[F.SUPPRESSED].fillna(False)}))
    shown = states.shown & present
    hidden = states.hidden & present
    y = cells["y"].to_numpy(dtype=float)
    value = cells[F.VALUE].to_numpy(dtype=float)
    low = cells[F.CI_LOWER].to_numpy(dtype=float)
    high = cells[F.CI_UPPER].to_numpy(dtype=float)
    colours = [group_colour(g, i) for g, i in zip(cells[F.GROUP], cells["_g"], strict=True)]
    totals = keyed[keyed[F.GROUP] == F.GROUP_TOTAL].set_index(F.REGION).reindex(wanted)
    total_hidden = np.zeros(len(wanted), dtype=bool)
    total_found = totals[F.INDICATOR].notna().to_numpy(dtype=bool)
    if total_found.any():
        total_hidden[total_found] = cell_states(totals[total_found]).hidden
    total_value = np.where(total_hidden, np.nan, totals[F.VALUE].to_numpy(dtype=float))
    tops = np.concatenate([value[shown], high[shown], total_value])
    tops = tops[np.isfinite(tops)]
    span = float(tops.max()) if tops.size and tops.max() > 0 else 1.0
    ax.barh(
        y[shown],
        value[shown],
        height=0.72,
        color=[c for c, s in zip(colours, shown, strict=True) if s],
        edgecolor="none",
        gid="values",
    )
    has_ci = shown & np.isfinite(low) & np.isfinite(high)
    if has_ci.any():
        ax.errorbar(
            value[has_ci],
            y[has_ci],
            xerr=np.vstack([value - low, high - value])[:, has_ci],
            fmt="none",
            ecolor="#333333",
            elinewidth=0.9,
            capsize=2.0,
            gid="intervals",
        )
    ends = np.where(np.isfinite(high), high, value)
    for yy, v, end in zip(y[shown], value[shown], ends[shown], strict=True):
        ax.text(end + span * 0.015, yy, format_number(v, lang=lang), va="center", fontsize=7)
    if hidden.any():
        ax.barh(
            y[hidden],
            span * 0.04,
            height=0.72,
            color="white",
            edgecolor=COLOURS["suppressed"],
            hatch=HATCH,
            linewidth=0.6,
            gid="suppressed",
        )
    for yy, hid in zip(y[~shown], hidden[~shown], strict=True):
        ax.text(
            span * 0.055 if hid else span * 0.01,
            yy,
            text("suppressed" if hid else "no_data", lang),
            va="center",
            fontsize=7,
            style="italic",
            color=COLOURS["suppressed"],
        )
    region_top = (len(wanted) - 1 - np.arange(len(wanted))) * block + n_groups - 1
    finite_total = np.isfinite(total_value)
    if finite_total.any():
        ax.vlines(
            total_value[finite_total],
            region_top[finite_total] - (n_groups - 1) - 0.5,
            region_top[finite_total] + 0.5,
            colors=COLOURS["reference"],
            linewidth=1.4,
            gid="total",
            zorder=3,
        )
    centres = region_top - (n_groups - 1) / 2.0
    named = keyed.drop_duplicates(F.REGION).set_index(F.REGION).reindex(wanted).reset_index()
    ax.set_yticks(centres, display_names(named, lang=lang))
    ax.set_ylim(-0.7, float(region_top.max()) + 0.7)
    ax.set_xlim(0, span * 1.16)
    handles: list[Artist] = [
        Patch(color=group_colour(g, i), label=group_label(g, lang=lang))
        for i, g in enumerate(wanted_groups)
    ]
    if finite_total.any():
        handles.append(
            Line2D(
                [],
                [],
                color=COLOURS["reference"],
                linewidth=1.4,
                label=group_label(F.GROUP_TOTAL, lang=lang),
            )
        )
    level = cells.loc[has_ci, F.CI_LEVEL].dropna()
    if not level.empty:
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
    if hidden.any():
        handles.append(hidden_handle(lang))
    legend_below(ax, handles)
    ax.xaxis.set_major_formatter(tick_formatter(lang))
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color=COLOURS["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    return ax
