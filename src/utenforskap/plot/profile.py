"""Age and sex profile: one region's value per age band and sex, with intervals."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.ages import parse_band
from utenforskap.errors import DataError
from utenforskap.plot._common import gate
from utenforskap.plot._docstrings import fill_docstring
from utenforskap.plot._legend import legend_below
from utenforskap.plot.labels import age_label, text, tick_formatter
from utenforskap.plot.style import COLOURS
from utenforskap.select import (
    hidden_cells,
    indicator_unit,
    region_label,
    select_rows,
    single_value,
)

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = ["age_order", "age_sex_profile"]


def age_order(bands: Sequence[str]) -> list[str]:
    """Age bands narrow first, then by lowest age; labels that are not ages keep their order.

    Parameters
    ----------
    bands
        Age band labels.

    Returns
    -------
    list of str
        E.g. ``["16-19", "20-25", "16-25"]``.

    Examples
    --------
    >>> age_order(["16-25", "20-25", "16-19"])
    ['16-19', '20-25', '16-25']
    """
    keys = []
    for position, band in enumerate(dict.fromkeys(bands)):
        try:
            low, high = parse_band(band)
            keys.append((0, high - low, low, position, band))
        except DataError:
            keys.append((1, 0, 0, position, band))
    return [k[-1] for k in sorted(keys)]


@fill_docstring()
def age_sex_profile(
    data: pd.DataFrame,
    *,
    region: str,
    indicator: str | None = None,
    period: str | None = None,
    sexes: Sequence[str] = ("female", "male", "total"),
    group: str = "total",
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Points with interval whiskers for each age band × sex of one region.

    Parameters
    ----------
    {core.data}
    region
        The region drawn.
    {core.indicator}
    {core.period}
    sexes
        Sexes drawn side by side within each age band.
    {core.group}
    {core.lang}
    {core.ax}

    Returns
    -------
    matplotlib.axes.Axes
        Per sex an error bar container (gid ``profile-<sex>``) with y =
        ``value`` and whiskers to ``ci_lower`` / ``ci_upper``, age bands on
        the x axis in :func:`age_order` (school levels as ``8.–10. trinn``);
        the region's reference (its ``reference_value`` for the whole group)
        as short black dashes (gid ``reference``), named in the legend; hidden
        cells as a grey "prikket" label at the base.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> ax = ut.plot.age_sex_profile(frame, region="9901", indicator="neet", period="2024")
    >>> [label.get_text() for label in ax.get_xticklabels()]
    ['16-19 år', '20-25 år', '16-25 år']
    """
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    rows = select_rows(data, region=region, indicator=indicator, period=period, group=group)
    gate(rows, "age_sex_profile")
    ind_id = single_value(rows, F.INDICATOR)
    single_value(rows, F.PERIOD)
    bands = age_order(list(rows[F.AGE].astype(str)))
    position = {band: i for i, band in enumerate(bands)}
    width = 0.62 / max(len(sexes), 1)
    offsets = (np.arange(len(sexes)) - (len(sexes) - 1) / 2.0) * width
    if ax is None:
        _, ax = plt.subplots()
    handles: list[Artist] = []
    top = 0.0
    hidden_any = False
    for sex, offset in zip(sexes, offsets, strict=True):
        part = rows[rows[F.SEX] == sex]
        if part.empty:
            continue
        x = part[F.AGE].map(position).to_numpy(dtype=float) + offset
        value = part[F.VALUE].to_numpy(dtype=float)
        secret = hidden_cells(part)
        hidden = secret | ~np.isfinite(value)
        low = part[F.CI_LOWER].to_numpy(dtype=float)
        high = part[F.CI_UPPER].to_numpy(dtype=float)
        colour = COLOURS[sex] if sex in COLOURS else COLOURS["series"]
        ax.errorbar(
            x[~hidden],
            value[~hidden],
            yerr=np.vstack([value - low, high - value])[:, ~hidden],
            fmt="o",
            color=colour,
            markersize=5,
            elinewidth=1.1,
            capsize=2.5,
            label=text(sex, lang),
            gid=f"profile-{sex}",
        )
        if np.isfinite(high).any():
            top = max(top, float(np.nanmax(high)))
        for xi, hid in zip(x[hidden], secret[hidden], strict=True):
            hidden_any |= bool(hid)
            ax.text(
                xi,
                0.0,
                text("suppressed" if hid else "no_data", lang),
                rotation=90,
                ha="center",
                va="bottom",
                fontsize=6.5,
                style="italic",
                color=COLOURS["suppressed"],
                gid="suppressed" if hid else "missing",
            )
    handles, _ = ax.get_legend_handles_labels()
    total = rows[rows[F.SEX] == "total"]
    ref = total[F.REFERENCE_VALUE].to_numpy(dtype=float)
    if np.isfinite(ref).any():
        xs = total[F.AGE].map(position).to_numpy(dtype=float)
        ok = np.isfinite(ref)
        ax.hlines(
            ref[ok],
            xs[ok] - 0.4,
            xs[ok] + 0.4,
            colors=COLOURS["reference"],
            linestyles="--",
            linewidth=1.1,
            gid="reference",
        )
        top = max(top, float(np.nanmax(ref)))
        ref_code = str(total[F.REFERENCE].iloc[0])
        ref_name = region_label(ref_code, data=data, lang=lang)
        handles.append(Line2D([], [], color=COLOURS["reference"], linestyle="--", label=ref_name))
    if hidden_any:
        handles.append(Line2D([], [], linestyle="none", label=f"({text('suppressed', lang)})"))
    unit = indicator_unit(ind_id, lang=lang)
    ax.set_xticks(np.arange(len(bands)), [age_label(band, lang=lang) for band in bands])
    ax.set_xlim(-0.6, len(bands) - 0.4)
    ax.set_ylim(0, (top or 1.0) * 1.12)
    ax.yaxis.set_major_formatter(tick_formatter(lang))
    ax.set_ylabel(unit)
    ax.grid(axis="y", color=COLOURS["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    legend_below(ax, handles)
    return ax
