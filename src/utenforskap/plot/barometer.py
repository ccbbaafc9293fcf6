"""Barometer: districts × indicators as a coloured table of values, as in FHI's health profiles."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.ages import parse_band
from utenforskap.errors import DataError
from utenforskap.plot._legend import (
    HATCH,
    figure_width,
    hidden_handle,
    judgement_handles,
    legend_below,
)
from utenforskap.plot.labels import format_number, text, wrap
from utenforskap.plot.style import COLOURS
from utenforskap.registry import INDICATORS
from utenforskap.select import display_names, districts_of, latest_period, reference_row

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["barometer", "barometer_cells"]


def barometer_cells(
    data: pd.DataFrame,
    *,
    ages: Mapping[str, str],
    period: str | None = None,
    sex: str = "total",
) -> pd.DataFrame:
    """The cells a barometer shows: one row per region × indicator, reference first.

    Parameters
    ----------
    data
        An IndicatorFrame.
    ages
        Indicator id → age band to show, in column order.
    period
        Period shown; None: each indicator's latest (pooled Ungdata spans may
        end in another year than register data).
    sex
        ``total``, ``male`` or ``female``.

    Returns
    -------
    pandas.DataFrame
        The IndicatorFrame rows, plus ``judgement`` (``worse``, ``better``,
        ``similar``, ``not_tested``, or ``suppressed``) and ``row`` (0 for the
        reference region, then the districts by code), ``column`` (position in
        ``ages``).

    Raises
    ------
    DataError
        No rows for the period, or an indicator / age band not in ``data``.
    """
    wanted = pd.DataFrame({F.INDICATOR: list(ages), F.AGE: list(ages.values())})
    wanted["column"] = np.arange(len(wanted))
    if period is None:
        pairs = data[[F.INDICATOR, F.PERIOD]].drop_duplicates()
        wanted[F.PERIOD] = [
            latest_period(pairs.loc[pairs[F.INDICATOR] == i, F.PERIOD])
            if i in set(pairs[F.INDICATOR])
            else ""
            for i in wanted[F.INDICATOR]
        ]
    else:
        wanted[F.PERIOD] = period
    base = data[data[F.SEX] == sex]
    if base.empty:
        raise DataError(f"no rows for sex {sex!r}", column=F.SEX)
    plain = base.copy()
    plain.attrs = {}
    cells = plain.merge(wanted, on=[F.INDICATOR, F.AGE, F.PERIOD], how="inner")
    missing = sorted(set(ages) - set(cells[F.INDICATOR]))
    if missing:
        raise DataError(
            f"no rows for indicator(s) {missing} at the age band given", column=F.INDICATOR
        )
    ref_code, _, _ = reference_row(cells)
    # Index-based, not pd.concat: concat compares attrs, which may hold frames.
    own = cells.index[cells[F.REGION] == ref_code]
    keep = cells.loc[own.append(districts_of(cells, ref_code).index)]
    codes = sorted(set(keep[F.REGION]) - {ref_code})
    order = {ref_code: 0, **{c: i + 1 for i, c in enumerate(codes)}}
    keep = keep.assign(row=keep[F.REGION].map(order).astype(int))
    direction = keep[F.INDICATOR].map(
        {i: INDICATORS[i].high_is_bad if i in INDICATORS else True for i in ages}
    )
    comparison = keep[F.COMPARISON].fillna("not_tested").astype(str).to_numpy()
    higher_bad = direction.to_numpy(dtype=bool)
    judgement = np.select(
        [comparison == "higher", comparison == "lower", comparison == "similar"],
        [
            np.where(higher_bad, "worse", "better"),
            np.where(higher_bad, "better", "worse"),
            "similar",
        ],
        default="not_tested",
    ).astype(object)
    judgement[keep[F.SUPPRESSED].to_numpy(dtype=bool)] = "suppressed"
    keep = keep.assign(judgement=judgement)
    result = keep.sort_values(["row", "column"], kind="mergesort").reset_index(drop=True)
    # merge and concat drop attrs; keep the disclosure record for the legend note.
    result.attrs = dict(data.attrs)
    return result


def barometer(
    data: pd.DataFrame,
    *,
    ages: Mapping[str, str] | None = None,
    indicators: Sequence[str] | None = None,
    period: str | None = None,
    sex: str = "total",
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Districts (rows) × indicators (columns), each cell coloured by comparison and direction.

    Parameters
    ----------
    data
        An IndicatorFrame that has been through disclosure control.
    ages
        Indicator id → age band; default each indicator's widest band.
    indicators
        Column order when ``ages`` is not given; default the registry order.
    period
        Period shown; default each indicator's latest.
    sex
        ``total``, ``male`` or ``female``.
    lang
        ``"nb"`` or ``"en"``.
    ax
        Axes to draw on; default a new figure's.

    Returns
    -------
    matplotlib.axes.Axes
        One rectangle per cell (gid ``cells``; hidden cells in a separate,
        hatched collection, gid ``suppressed``) with the value printed in it
        (or "prikket"); the reference region in the top row, bold and white;
        column heads are the indicator titles with their age band; the legend
        below.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.run(write=False)  # doctest: +SKIP
    >>> ut.plot.barometer(frame)  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    if ages is None:
        ages = default_ages(data, indicators)
    cells = barometer_cells(data, ages=ages, period=period, sex=sex)
    if ax is None:
        _, ax = plt.subplots()
    n_rows = int(cells["row"].max()) + 1
    n_cols = len(ages)
    x = cells["column"].to_numpy(dtype=float)
    y = n_rows - 1 - cells["row"].to_numpy(dtype=float)
    judgement = cells["judgement"].to_numpy(dtype=object)
    is_ref = cells["row"].to_numpy() == 0
    hidden = judgement == "suppressed"
    face = np.array([COLOURS.get(str(j), "white") for j in judgement], dtype=object)
    face[is_ref & ~hidden] = "white"
    face[hidden] = "white"
    boxes = [Rectangle((xi + 0.03, yi + 0.06), 0.94, 0.88) for xi, yi in zip(x, y, strict=True)]
    shown = [b for b, h in zip(boxes, hidden, strict=True) if not h]
    ax.add_collection(
        PatchCollection(
            shown,
            facecolors=list(face[~hidden]),
            edgecolors=np.where(is_ref[~hidden], "#333333", "white").tolist(),
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
    dark = np.isin(judgement, ["worse", "better"])
    for xi, yi, value, hid, ref, on_dark in zip(x, y, values, hidden, is_ref, dark, strict=True):
        label = text("suppressed", lang) if hid else format_number(value, lang=lang)
        ax.text(
            xi + 0.5,
            yi + 0.5,
            label,
            ha="center",
            va="center",
            fontsize=7.5 if not hid else 5.8,
            fontweight="bold" if ref else "normal",
            style="italic" if hid else "normal",
            color="white" if on_dark and not ref else (COLOURS["muted"] if hid else "#111111"),
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8} if hid else None,
        )
    row_names = cells.drop_duplicates("row").sort_values("row")
    ax.set_yticks(
        n_rows - 1 - row_names["row"].to_numpy(dtype=float) + 0.5, display_names(row_names)
    )
    # Wrap each head to its column: the cells get about 62 % of the figure width.
    column_in = figure_width(ax) * 0.62 / max(n_cols, 1)
    head_pt = 6.3
    chars = max(int(column_in * 72.0 / (head_pt * 0.56)), 8)
    heads = []
    varied = cells[F.PERIOD].nunique() > 1
    for ind_id, band in ages.items():
        title = INDICATORS[ind_id].title(lang) if ind_id in INDICATORS else ind_id
        period_of = cells.loc[cells[F.INDICATOR] == ind_id, F.PERIOD]
        when = f", {period_of.iloc[0]}" if varied and not period_of.empty else ""
        heads.append(f"{wrap(title, chars)}\n{wrap(f'({band}{when})', chars)}")
    ax.set_xticks(np.arange(n_cols) + 0.5, heads, fontsize=head_pt, linespacing=1.1)
    ax.xaxis.tick_top()
    ax.tick_params(axis="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlim(0, n_cols)
    ax.set_ylim(0, n_rows)
    ref_name = display_names(row_names)[0]
    handles = judgement_handles(set(judgement[~is_ref]), reference=ref_name, lang=lang)
    if hidden.any():
        handles.append(hidden_handle(lang))
    legend_below(ax, handles, offset_pt=4.0)
    return ax


def default_ages(data: pd.DataFrame, indicators: Sequence[str] | None = None) -> dict[str, str]:
    """Each indicator's widest age band in ``data``, in registry order.

    Parameters
    ----------
    data
        An IndicatorFrame.
    indicators
        Indicators to include, in order; default those in ``data`` in registry order.

    Returns
    -------
    dict
        Indicator id → age band.
    """
    present = list(dict.fromkeys(data[F.INDICATOR]))
    order = (
        list(indicators)
        if indicators is not None
        else sorted(
            present, key=lambda i: (list(INDICATORS).index(i) if i in INDICATORS else 999, i)
        )
    )
    pairs = data[[F.INDICATOR, F.AGE]].drop_duplicates()
    result: dict[str, str] = {}
    for ind_id in order:
        bands = pairs.loc[pairs[F.INDICATOR] == ind_id, F.AGE].astype(str).tolist()
        if not bands:
            raise DataError(f"indicator {ind_id!r} has no rows", column=F.INDICATOR, value=ind_id)
        # The first-listed band wins a tie (e.g. school levels, which have no width).
        result[ind_id] = max(bands, key=_width)
    return result


def _width(band: str) -> int:
    try:
        low, high = parse_band(band)
    except DataError:
        return 0
    return int(high - low)
