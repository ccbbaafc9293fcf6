"""Barometer: districts × indicators as a coloured table of values, as in FHI's health profiles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.plot._common import gate
from utenforskap.plot._docstrings import fill_docstring
from utenforskap.plot._legend import (
    HATCH,
    figure_width,
    hidden_handle,
    judgement_handles,
    legend_below,
)
from utenforskap.plot.labels import age_label, format_number, text, wrap
from utenforskap.plot.style import COLOURS
from utenforskap.select import (
    age_in_title,
    barometer_cells,
    display_names,
    group_label,
    indicator_title,
    widest_ages,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["barometer"]


@fill_docstring()
def barometer(
    data: pd.DataFrame,
    *,
    ages: Mapping[str, str] | None = None,
    indicators: Sequence[str] | None = None,
    period: str | None = None,
    sex: str = "total",
    groups: Sequence[str] = ("total",),
    context: bool = True,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Districts (rows) × indicators (columns), each cell coloured by comparison and direction.

    Parameters
    ----------
    {core.data}
    {figure.ages}
    indicators
        Column order when ``ages`` is not given; default the registry order.
    period
        Period shown; default each indicator's latest.
    {core.sex}
    groups
        Population groups, one row per region and group (e.g. ``["total",
        "immigrants", "rest_of_population"]``); default the whole population.
    context
        Show the whole country and the fylke (where the frame has them) in
        rows above the reference region.
    {core.lang}
    {core.ax}

    Returns
    -------
    matplotlib.axes.Axes
        One rectangle per cell (gid ``cells``; hidden cells in a separate,
        hatched collection, gid ``suppressed``) with the value printed in it
        (or "prikket", or "–" where the value is not known); the country and
        the fylke on top (white, grey border), then the reference region
        (bold, white), then the districts; rows named by region (and group:
        "Sentrum · innvandrere"); column heads are the indicator titles with
        their age band written out (``8.–10. trinn``), left out when the title
        states it; the legend below.

    Raises
    ------
    utenforskap.disclosure.DisclosureError
        ``data`` has not been through :func:`utenforskap.suppress`.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> ax = ut.plot.barometer(frame)
    >>> [label.get_text() for label in ax.get_yticklabels()][:3]
    ['Hele landet', 'Eksempelkommune', 'Sentrum']
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    if ages is None:
        ages = widest_ages(data, indicators)
    cells = barometer_cells(data, ages=ages, period=period, sex=sex, groups=groups, context=context)
    gate(cells, "barometer")
    if ax is None:
        _, ax = plt.subplots()
    n_rows = int(cells["row"].max()) + 1
    n_cols = len(ages)
    x = cells["column"].to_numpy(dtype=float)
    y = n_rows - 1 - cells["row"].to_numpy(dtype=float)
    judgement = cells["judgement"].to_numpy(dtype=object)
    role = cells["role"].to_numpy(dtype=object)
    is_ref = role == "reference"
    above = role != "district"
    hidden = judgement == "suppressed"
    face = np.array([COLOURS.get(str(j), "white") for j in judgement], dtype=object)
    face[above | hidden] = "white"
    edge = np.where(is_ref, "#333333", np.where(above, "#AAAAAA", "white")).astype(object)
    boxes = [Rectangle((xi + 0.03, yi + 0.06), 0.94, 0.88) for xi, yi in zip(x, y, strict=True)]
    shown = [b for b, h in zip(boxes, hidden, strict=True) if not h]
    ax.add_collection(
        PatchCollection(
            shown,
            facecolors=list(face[~hidden]),
            edgecolors=list(edge[~hidden]),
            linewidths=0.8,
            gid="cells",
        )
    )
    if hidden.any():
        ax.add_collection(
            PatchCollection(
                [b for b, h in zip(boxes, hidden, strict=True) if h],
                facecolor="white",
                edgecolor=COLOURS["suppressed"],
                hatch=HATCH,
                linewidths=0.5,
                gid="suppressed",
            )
        )
    values = cells[F.VALUE].to_numpy(dtype=float)
    dark = np.isin(judgement, ["worse", "better"]) & ~above
    for xi, yi, value, hid, ref, on_dark in zip(x, y, values, hidden, is_ref, dark, strict=True):
        label = (
            text("suppressed", lang)
            if hid
            else format_number(value, lang=lang)
            if np.isfinite(value)
            else "\u2013"
        )
        ax.text(
            xi + 0.5,
            yi + 0.5,
            label,
            ha="center",
            va="center",
            fontsize=7.5 if not hid else 5.8,
            fontweight="bold" if ref else "normal",
            style="italic" if hid else "normal",
            color="white" if on_dark else (COLOURS["muted"] if hid else "#111111"),
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8} if hid else None,
        )
    row_names = cells.drop_duplicates("row").sort_values("row")
    names = display_names(row_names, lang=lang)
    if len(groups) > 1:
        names = [
            f"{name} \u00b7 {group_label(str(g), lang=lang)}"
            for name, g in zip(names, row_names[F.GROUP], strict=True)
        ]
    ax.set_yticks(n_rows - 1 - row_names["row"].to_numpy(dtype=float) + 0.5, names)
    for tick, r in zip(ax.get_yticklabels(), row_names["role"], strict=True):
        if r == "reference":
            tick.set_fontweight("bold")
    # Wrap each head to its column: the cells get about 62 % of the figure width.
    column_in = figure_width(ax) * 0.62 / max(n_cols, 1)
    head_pt = 6.3
    chars = max(int(column_in * 72.0 / (head_pt * 0.56)), 8)
    heads = []
    varied = cells[F.PERIOD].nunique() > 1
    for ind_id, band in ages.items():
        title = indicator_title(ind_id, lang=lang)
        period_of = cells.loc[cells[F.INDICATOR] == ind_id, F.PERIOD]
        parts = [] if age_in_title(ind_id, band, lang=lang) else [age_label(band, lang=lang)]
        if varied and not period_of.empty:
            parts.append(str(period_of.iloc[0]))
        head = wrap(title, chars)
        if parts:
            head += "\n" + wrap(f"({', '.join(parts)})", chars)
        heads.append(head)
    ax.set_xticks(np.arange(n_cols) + 0.5, heads, fontsize=head_pt, linespacing=1.1)
    ax.xaxis.tick_top()
    ax.tick_params(axis="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlim(0, n_cols)
    ax.set_ylim(0, n_rows)
    ref_rows = row_names[row_names["role"] == "reference"]
    ref_name = display_names(ref_rows.head(1), lang=lang)[0] if len(ref_rows) else ""
    handles = judgement_handles(set(judgement[~above]), reference=ref_name, lang=lang)
    if hidden.any():
        handles.append(hidden_handle(lang))
    legend_below(ax, handles, offset_pt=4.0)
    return ax
