"""Funnel plot: districts as points against the 95 % and 99.8 % control limits of the reference."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError, check_choice
from utenforskap.geo.codes import LEVELS, levels_of
from utenforskap.plot._common import cell_states, gate
from utenforskap.plot._docstrings import fill_docstring
from utenforskap.plot._legend import legend_below
from utenforskap.plot._place import LABEL_GID, place_labels
from utenforskap.plot.labels import format_number, format_value, text, tick_formatter
from utenforskap.plot.style import COLOURS
from utenforskap.select import (
    ChartWarning,
    display_names,
    district_rows,
    indicator_unit,
    is_high_bad,
    reference_of,
    select_rows,
    single_value,
)
from utenforskap.stats.funnel import FUNNEL_LEVELS, funnel_classify, funnel_limits

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = ["funnel_plot"]

_LIMIT_STYLE: dict[int, tuple[Literal["--", ":", "-."], float]] = {0: ("--", 1.0), 1: (":", 1.2)}


def _baseline(rows: pd.DataFrame, ref_code: str, districts: pd.DataFrame) -> tuple[float, float]:
    """Reference proportion on the unit scale and the value multiplier (100 for percent)."""
    own = rows[rows[F.REGION] == ref_code]
    pool = own if not own.empty and np.isfinite(own[F.NUMERATOR].to_numpy(float)).all() else None
    if pool is None:
        pool = districts[cell_states(districts).shown]
    x = pool[F.NUMERATOR].to_numpy(dtype=float)
    n = pool[F.DENOMINATOR].to_numpy(dtype=float)
    v = pool[F.VALUE].to_numpy(dtype=float)
    ok = np.isfinite(x) & np.isfinite(n) & (x > 0) & (n > 0) & np.isfinite(v)
    if not ok.any():
        raise DataError("funnel_plot needs published counts for the reference region")
    base = float(x[ok].sum() / n[ok].sum())
    multiplier = float(np.median(v[ok] / (x[ok] / n[ok])))
    return base, multiplier


@fill_docstring()
def funnel_plot(
    data: pd.DataFrame,
    *,
    indicator: str | None = None,
    period: str | None = None,
    age: str | None = None,
    sex: str = "total",
    group: str = "total",
    levels: Sequence[float] = FUNNEL_LEVELS,
    method: str = "exact",
    high_is_bad: bool | None = None,
    label: str = "outside",
    level: str | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Districts as points (denominator, value) against funnel limits around the reference.

    The limits and each point's position against them come from
    :func:`utenforskap.stats.funnel.funnel_limits` and
    :func:`~utenforskap.stats.funnel.funnel_classify`, with the reference
    region's proportion (numerator / denominator) as the target.

    Parameters
    ----------
    {core.data}
    {core.indicator}
    {core.period}
    {core.age}
    {core.sex}
    {core.group}
    levels
        Two control levels, default 95 % and 99.8 %.
    method
        ``"exact"`` (binomial, Spiegelhalter 2005) or ``"wilson"``.
    high_is_bad
        Direction for colouring; default from the registry.
    label
        ``"outside"``: name the districts outside the inner limits; ``"all"``;
        ``"none"``. Labels are placed where they overlap no other label and
        no point (:func:`utenforskap.plot.place_labels`).
    level
        The level of the regions compared (``"kommune"``, ``"bydel"`` …);
        default the most common one: regions of other levels compared with
        the same reference (fylker beside kommuner) are then left out with a
        :class:`~utenforskap.select.ChartWarning`, since one funnel compares
        like with like (no warning when the level is given).
    {core.lang}
    {core.ax}

    Returns
    -------
    matplotlib.axes.Axes
        Points at x = ``denominator``, y = ``value`` (gid ``points``), coloured
        worse / better when outside the widest-but-one limit (in the
        indicator's direction), grey within; the reference as a solid
        horizontal line (gid ``reference``); the limits as lines
        ``limit-lower-0.95``, ``limit-upper-0.95`` …; names (gid
        ``point-label``) that overlap neither each other nor a point, those
        without a free spot listed above the plot on the right; hidden
        districts are not drawn and are named above the plot ("Prikket (ikke
        vist): …"). Rates without counts (published rates) cannot be placed
        in a funnel: they are left out with a
        :class:`~utenforskap.select.ChartWarning`.

    References
    ----------
    Spiegelhalter, D. J. (2005). Funnel plots for comparing institutional
    performance. Statistics in Medicine 24, 1185-1202.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> ax = ut.plot.funnel_plot(frame, indicator="neet", period="2024", age="16-25")
    >>> sorted(text.get_text() for text in ax.texts)
    ['Sentrum', 'Strandvik', 'Sørhavna', 'Vestlia', 'Østmarka']
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    check_choice("label", label, ("outside", "all", "none"))
    rows = select_rows(data, indicator=indicator, period=period, age=age, sex=sex, group=group)
    gate(rows, "funnel_plot")
    ind_id = single_value(rows, F.INDICATOR)
    single_value(rows, F.PERIOD)
    single_value(rows, F.AGE)
    bad = is_high_bad(ind_id, high_is_bad)
    ref_code, _, ref_name = reference_of(rows, lang=lang, names=data)
    districts = _one_level(district_rows(rows, reference=ref_code), level, lang)
    states = cell_states(districts)
    hidden_mask = states.hidden
    counted = np.isfinite(districts[F.NUMERATOR].to_numpy(dtype=float)) & np.isfinite(
        districts[F.DENOMINATOR].to_numpy(dtype=float)
    )
    rates = states.shown & ~counted
    if rates.any():
        names = display_names(districts[rates], lang=lang)
        warnings.warn(
            ChartWarning(
                f"{len(names)} region(s) have a rate without counts (a published rate) and are "
                f"left out of the funnel: {names[:10]}",
                "funnel.rates_left_out",
            ),
            stacklevel=2,
        )
    shown = districts[states.shown & counted].sort_values(F.REGION, kind="mergesort")
    base, multiplier = _baseline(rows, ref_code, districts)
    x = shown[F.NUMERATOR].to_numpy(dtype=float)
    n = shown[F.DENOMINATOR].to_numpy(dtype=float)
    values = shown[F.VALUE].to_numpy(dtype=float)
    ordered_levels = sorted(levels)
    classes = funnel_classify(x, n, baseline=base, levels=ordered_levels, method=method)["funnel"]
    judgement = np.full(len(shown), "within", dtype=object)
    above = classes.str.startswith("above_").to_numpy(dtype=bool)
    below = classes.str.startswith("below_").to_numpy(dtype=bool)
    judgement[above] = "worse" if bad else "better"
    judgement[below] = "better" if bad else "worse"
    if ax is None:
        _, ax = plt.subplots()
    n_max = float(np.nanmax(n)) if len(n) else 100.0
    grid = np.unique(np.round(np.geomspace(max(np.nanmin(n) * 0.6, 5.0), n_max * 1.25, 160)))
    limits = funnel_limits(grid, base, levels=ordered_levels, method=method, multiplier=multiplier)
    handles: list[Artist] = []
    for i, control in enumerate(ordered_levels):
        part = limits[limits["level"] == control]
        style, width = _LIMIT_STYLE.get(i, ("-.", 1.0))
        for side in ("lower", "upper"):
            ax.plot(
                part["denominator"],
                part[side],
                color=COLOURS["muted"],
                linestyle=style,
                linewidth=width,
                gid=f"limit-{side}-{control:g}",
            )
        percent = format_number(100 * control, decimals=1 if 100 * control % 1 else 0, lang=lang)
        handles.append(
            Line2D(
                [],
                [],
                color=COLOURS["muted"],
                linestyle=style,
                label=text("limit", lang, level=percent),
            )
        )
    ax.axhline(base * multiplier, color=COLOURS["reference"], linewidth=1.2, gid="reference")
    unit = indicator_unit(ind_id, lang=lang)
    handles.insert(
        0,
        Line2D(
            [],
            [],
            color=COLOURS["reference"],
            label=f"{ref_name}: {format_value(base * multiplier, unit, lang=lang)}",
        ),
    )
    colours = np.array([COLOURS["similar"]] * len(shown), dtype=object)
    for key in ("worse", "better"):
        colours[judgement == key] = COLOURS[key]
    ax.scatter(
        n,
        values,
        s=30,
        c=list(colours),
        edgecolors="#333333",
        linewidths=0.5,
        zorder=3,
        gid="points",
    )
    percent_inner = format_number(100 * ordered_levels[0], decimals=0, lang=lang)
    for key, key_label in (
        ("worse", text("worse", lang, ref=ref_name)),
        ("better", text("better", lang, ref=ref_name)),
        ("within", text("within", lang)),
    ):
        if (judgement == key).any():
            colour = COLOURS["similar" if key == "within" else key]
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="o",
                    linestyle="none",
                    markerfacecolor=colour,
                    markeredgecolor="#333333",
                    markeredgewidth=0.5,
                    label=f"{key_label} ({percent_inner} %)" if key != "within" else key_label,
                )
            )
    names = display_names(shown, lang=lang)
    outside = (classes != "within").to_numpy(dtype=bool)
    for xi, yi, name, out in zip(n, values, names, outside, strict=True):
        if label == "all" or (label == "outside" and out):
            ax.annotate(
                name,
                (xi, yi),
                xytext=(4, 3),
                textcoords="offset points",
                fontsize=7,
                gid=LABEL_GID,
                # place_labels keeps every label inside the axes: the layout
                # need not measure them (nor their leader lines, slow to measure).
                in_layout=False,
                arrowprops={
                    "arrowstyle": "-",
                    "color": "#777777",
                    "linewidth": 0.5,
                    "shrinkA": 0.0,
                    "shrinkB": 2.5,
                },
            )
    if hidden_mask.any():
        # Above the plot, not in the legend: a long list would squeeze the legend columns.
        hidden_names = ", ".join(sorted(display_names(districts[hidden_mask], lang=lang)))
        ax.set_title(
            text("hidden_list", lang, names=hidden_names),
            loc="left",
            fontsize=7.5,
            fontweight="normal",
            style="italic",
            color=COLOURS["suppressed"],
            gid="hidden-list",
        )
    legend_below(ax, handles, offset_pt=30.0)
    ax.set_xlabel(text("denominator", lang))
    ax.set_xlim(0, n_max * 1.25)
    finite = np.concatenate([values, limits["upper"].to_numpy(), limits["lower"].to_numpy()])
    finite = finite[np.isfinite(finite)]
    ax.set_ylim(max(0.0, float(finite.min()) * 0.9), float(finite.max()) * 1.05)
    fmt = tick_formatter(lang)
    ax.xaxis.set_major_formatter(fmt)
    ax.yaxis.set_major_formatter(fmt)
    ax.grid(color=COLOURS["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    place_labels(ax, lang=lang)
    return ax


def _one_level(districts: pd.DataFrame, level: str | None, lang: str) -> pd.DataFrame:
    """The districts of one level; others are left out with a warning naming them."""
    found = levels_of(districts[F.REGION].astype(str).to_numpy(dtype=object))
    chosen = level is not None
    if level is None:
        if not len(found):
            return districts
        counts = pd.Series(found).value_counts(sort=True)
        # The most common level; on a tie the finer one (longer codes).
        order = {name: length for length, name in LEVELS.items()}
        top = counts[counts == counts.iloc[0]].index
        level = str(max(top, key=lambda name: order.get(str(name), 0)))
    else:
        check_choice("level", level, tuple(LEVELS.values()))
    keep = found == level
    if (~keep).any() and not chosen:
        other = display_names(districts[~keep], lang=lang)
        warnings.warn(
            ChartWarning(
                f"the funnel compares one level ({level}); {len(other)} region(s) of other levels "
                f"compared with the same reference are left out: {other[:10]}",
                "funnel.mixed_levels",
            ),
            stacklevel=3,
        )
    return districts[keep]
