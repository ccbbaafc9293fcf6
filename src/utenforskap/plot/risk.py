"""Risk charts: districts × risk factors, the composite with its rank interval, criteria, a map."""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import legend_note
from utenforskap.disclosure.gate import MARK, Record
from utenforskap.errors import check_choice
from utenforskap.plot._common import gate
from utenforskap.plot._legend import HATCH, figure_width, hidden_handle, legend_below
from utenforskap.plot.decorate import decorate
from utenforskap.plot.labels import format_number, text, tick_formatter, wrap
from utenforskap.plot.style import COLOURS, house_style, new_figure
from utenforskap.registry import INDICATORS
from utenforskap.risk.criteria import AreaClassification
from utenforskap.risk.gate import require_risk_disclosed
from utenforskap.risk.index import RiskIndex
from utenforskap.select import display_names, region_label, sort_periods
from utenforskap.sources import credit_line, credited

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from utenforskap.geo.boundaries import Boundaries
    from utenforskap.risk.config import RiskSettings

__all__ = [
    "RISK_CHARTS",
    "STATUS_COLOURS",
    "RiskFigure",
    "criteria_matrix",
    "rank_caterpillar",
    "risk_caption",
    "risk_figure",
    "risk_figures",
    "risk_heatmap",
    "risk_map",
    "risk_method_text",
    "score_colours",
]

#: Chart kinds of :func:`risk_figure`.
RISK_CHARTS: tuple[str, ...] = ("heatmap", "caterpillar", "criteria", "map")
#: Cell colours of the criteria matrix (unknown cells are white and hatched).
STATUS_COLOURS: dict[str, str] = {
    "met": COLOURS["worse"],
    "not_met": "#E3E3E3",
    "uncertain": "#F5C9A8",
    "unknown": "white",
}
_CLASS_COLOURS = {
    "yes": COLOURS["worse"],
    "no": "#E3E3E3",
    "unknown": "#F5C9A8",
    "excluded": "white",
}
_MAP_INDICATOR = "risk_index"


def _diverging() -> object:
    from matplotlib.colors import LinearSegmentedColormap

    # An odd number of entries puts the neutral colour exactly at the middle.
    return LinearSegmentedColormap.from_list(
        "utenforskap_risk", [COLOURS["better"], "#F7F7F7", COLOURS["worse"]], N=257
    )


def _limits(method: str, scores: np.ndarray) -> tuple[float, float]:
    finite = scores[np.isfinite(scores)]
    if method == "deciles":
        return 1.0, 10.0
    if method == "count_worse":
        return -1.0, 1.0  # 0 white, 1 orange
    if method == "rank":
        return 1.0, float(max(finite.max(), 2.0)) if finite.size else 2.0
    edge = float(np.abs(finite).max()) if finite.size else 1.0
    return -max(edge, 1e-9), max(edge, 1e-9)


def score_colours(
    scores: np.ndarray, *, method: str, limits: tuple[float, float] | None = None
) -> list[str]:
    """Cell colours of normalised scores: blue (least risk) through grey-white to orange (most).

    Parameters
    ----------
    scores
        Normalised scores (NaN for hidden cells: white).
    method
        The index method; fixes the scale (deciles 1–10, ranks 1–n, z-scores
        symmetric around 0, count_worse 0 white and 1 orange).
    limits
        Scale ends; default from the method and the scores.

    Returns
    -------
    list of str
        Hex colours.

    Examples
    --------
    >>> score_colours(np.array([1.0, 10.0, np.nan]), method="deciles")
    ['#0072b2', '#d55e00', '#ffffff']
    """
    from matplotlib.colors import to_hex

    values = np.asarray(scores, dtype=float)
    low, high = limits if limits is not None else _limits(method, values)
    cmap = _diverging()
    share = np.clip((values - low) / (high - low), 0.0, 1.0)
    return [
        "#ffffff" if not np.isfinite(v) else to_hex(cmap(float(s)))  # type: ignore[operator]
        for v, s in zip(values, share, strict=True)
    ]


def _component_heads(components: pd.DataFrame, lang: str, chars: int) -> list[str]:
    heads = []
    for ind, age, period in components[["indicator", "age", "period"]].astype(str).to_numpy():
        title = INDICATORS[ind].title(lang) if ind in INDICATORS else ind
        heads.append(f"{wrap(title, chars)}\n{wrap(f'({age}, {period})', chars)}")
    return heads


def _order(data: RiskIndex) -> pd.DataFrame:
    """Regions by composite rank (most risk first); unscored regions last, by code."""
    comp = data.composite.copy()
    comp["_key"] = comp["rank"].fillna(np.inf)
    return comp.sort_values(["_key", F.REGION], kind="mergesort").reset_index(drop=True)


def _reference_name(data: RiskIndex, lang: str) -> str:
    refs = data.components["reference"].astype(str)
    code = refs.mode().iloc[0] if not refs.empty else ""
    return region_label(code, data=data.composite, lang=lang) if code else text("reference", lang)


def risk_heatmap(
    data: RiskIndex,
    *,
    reference_name: str | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Districts (rows, most risk first) × risk factors (columns), coloured by normalised score.

    Parameters
    ----------
    data
        A :class:`~utenforskap.risk.RiskIndex` from a published frame.
    reference_name
        Name of the reference region in the legend; default its code.
    lang
        ``"nb"`` or ``"en"``.
    ax
        Axes to draw on; default a new figure's.

    Returns
    -------
    matplotlib.axes.Axes
        One rectangle per published cell (gid ``cells``, row by row, coloured
        by :func:`score_colours`) with its score printed; hidden cells white
        and hatched (gid ``suppressed``) labelled "prikket"; a black ring
        (gid ``significant``) on cells significantly worse or better than the
        reference; a last column with the composite (gid ``composite``),
        starred when computed without hidden components; the legend below.

    Examples
    --------
    >>> import utenforskap as ut
    >>> index = ut.risk_index(ut.datasets.demo_indicators())
    >>> ut.plot.risk.risk_heatmap(index)
    <Axes: ...>
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import PatchCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    require_risk_disclosed(data)
    if ax is None:
        _, ax = plt.subplots()
    order = _order(data)
    row_of = {code: i for i, code in enumerate(order[F.REGION])}
    comps = data.components
    col_of = {label: j for j, label in enumerate(comps["component"])}
    n_rows, n_cols = len(order), len(comps)
    cells = data.scores
    x = cells["component"].map(col_of).to_numpy(dtype=float)
    y = n_rows - 1 - cells[F.REGION].map(row_of).to_numpy(dtype=float)
    scores = cells["score"].to_numpy(dtype=float)
    hidden = cells[F.SUPPRESSED].to_numpy(dtype=bool)
    shown = ~np.isnan(scores)
    limits = _limits(data.method, scores)
    colours = np.array(score_colours(scores, method=data.method, limits=limits), dtype=object)
    boxes = [Rectangle((xi + 0.03, yi + 0.06), 0.94, 0.88) for xi, yi in zip(x, y, strict=True)]
    ax.add_collection(
        PatchCollection(
            [b for b, s in zip(boxes, shown, strict=True) if s],
            facecolors=list(colours[shown]),
            edgecolors="white",
            linewidths=0.8,
            gid="cells",
        )
    )
    blank = ~shown
    if blank.any():
        ax.add_collection(
            PatchCollection(
                [b for b, h in zip(boxes, blank, strict=True) if h],
                facecolor="white",
                edgecolor=COLOURS["suppressed"],
                hatch=HATCH,
                linewidths=0.5,
                gid="suppressed",
            )
        )
    decimals = 1 if data.method == "zscore" else 0
    share = np.clip((scores - limits[0]) / (limits[1] - limits[0]), 0, 1)
    for xi, yi, s, sh, hid, dark in zip(
        x, y, scores, shown, hidden, (share < 0.2) | (share > 0.8), strict=True
    ):
        if sh:
            label = format_number(s, decimals=decimals if s != round(s) else 0, lang=lang)
        else:
            label = text("suppressed", lang) if hid else text("no_data", lang)
        ax.text(
            xi + 0.5,
            yi + 0.5,
            label,
            ha="center",
            va="center",
            fontsize=7.5 if sh else 5.8,
            style="normal" if sh else "italic",
            color=("white" if dark else "#111111") if sh else COLOURS["muted"],
            bbox=None if sh else {"facecolor": "white", "edgecolor": "none", "pad": 0.8},
        )
    significant = cells["judgement"].isin(["worse", "better"]).to_numpy() & shown
    ax.scatter(
        x[significant] + 0.88,
        y[significant] + 0.8,
        s=14,
        facecolors="none",
        edgecolors="#111111",
        linewidths=0.9,
        gid="significant",
        zorder=3,
    )
    # The composite, apart from the components.
    comp_x = n_cols + 0.25
    comp_scores = order["score"].to_numpy(dtype=float)
    comp_y = n_rows - 1 - np.arange(n_rows, dtype=float)
    comp_colours = score_colours(
        comp_scores,
        method=data.method,
        limits=(0.0, float(len(comps))) if data.method == "count_worse" else limits,
    )
    comp_boxes = [Rectangle((comp_x + 0.03, yi + 0.06), 0.94, 0.88) for yi in comp_y]
    ax.add_collection(
        PatchCollection(
            comp_boxes,
            facecolors=comp_colours,
            edgecolors="#333333",
            linewidths=0.8,
            gid="composite",
        )
    )
    partial = ~order["complete"].to_numpy(dtype=bool)
    low, high = (0.0, float(len(comps))) if data.method == "count_worse" else limits
    comp_share = np.clip((comp_scores - low) / (high - low), 0.0, 1.0)
    for yi, s, part, sh in zip(comp_y, comp_scores, partial, comp_share, strict=True):
        if np.isfinite(s):
            label = format_number(s, decimals=1, lang=lang) + ("*" if part else "")
        else:
            label = text("risk.no_index_short", lang)
        ax.text(
            comp_x + 0.5,
            yi + 0.5,
            label,
            ha="center",
            va="center",
            fontsize=7.5 if np.isfinite(s) else 6,
            fontweight="bold" if np.isfinite(s) else "normal",
            style="normal" if np.isfinite(s) else "italic",
            color=(
                ("white" if (sh < 0.2 or sh > 0.8) else "#111111")
                if np.isfinite(s)
                else COLOURS["muted"]
            ),
        )
    ax.set_yticks(comp_y + 0.5, display_names(order, lang=lang))
    column_in = figure_width(ax) * 0.62 / max(n_cols + 1, 1)
    chars = max(int(column_in * 72.0 / (6.3 * 0.56)), 8)
    heads = [*_component_heads(comps, lang, chars), text("risk.composite", lang)]
    ax.set_xticks([*(np.arange(n_cols) + 0.5), comp_x + 0.5], heads, fontsize=6.3, linespacing=1.1)
    ax.xaxis.tick_top()
    ax.tick_params(axis="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlim(0, comp_x + 1.0)
    ax.set_ylim(0, n_rows)
    ref = reference_name or _reference_name(data, lang)
    handles: list[Artist] = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            markerfacecolor="none",
            markeredgecolor="#111111",
            label=text("risk.significant", lang, ref=ref),
        )
    ]
    if blank.any():
        handles.append(hidden_handle(lang))
    legend_below(ax, handles, offset_pt=4.0)
    return ax


def rank_caterpillar(
    data: RiskIndex,
    *,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Each district's rank (1 = most risk) with its Monte Carlo rank interval.

    Parameters
    ----------
    data
        A :class:`~utenforskap.risk.RiskIndex`; with draws for intervals.
    lang
        ``"nb"`` or ``"en"``.
    ax
        Axes to draw on; default a new figure's.

    Returns
    -------
    matplotlib.axes.Axes
        Districts from most risk (top) down; a horizontal line per district
        from ``rank_lower`` to ``rank_upper`` (gid ``intervals``; districts
        surely among the ``worst`` in orange), the point rank as a dot (gid
        ``ranks``) and the composite score printed at the right; districts
        without an index listed at the bottom with the reason.

    Examples
    --------
    >>> import utenforskap as ut
    >>> index = ut.risk_index(ut.datasets.demo_indicators(), draws=1000, seed=1)
    >>> ut.plot.risk.rank_caterpillar(index)
    <Axes: xlabel='Rangering (1 = mest risiko)'>
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    require_risk_disclosed(data)
    if ax is None:
        _, ax = plt.subplots()
    order = _order(data)
    n = len(order)
    y = n - 1 - np.arange(n, dtype=float)
    rank = order["rank"].to_numpy(dtype=float)
    scored = np.isfinite(rank)
    count = int(scored.sum())
    has_draws = "rank_lower" in order.columns
    surely = np.zeros(n, dtype=bool)
    if has_draws:
        lo = order["rank_lower"].to_numpy(dtype=float)
        hi = order["rank_upper"].to_numpy(dtype=float)
        surely = scored & (hi <= data.worst)
        segments = [
            ((a, b), (c, b)) for a, c, b in zip(lo[scored], hi[scored], y[scored], strict=True)
        ]
        ax.add_collection(
            LineCollection(
                segments,
                colors=np.where(surely[scored], COLOURS["worse"], "#7F7F7F").tolist(),
                linewidths=2.2,
                gid="intervals",
                capstyle="butt",
            )
        )
    ax.scatter(
        rank[scored],
        y[scored],
        s=22,
        color=np.where(surely[scored], COLOURS["worse"], "#222222").tolist(),
        zorder=3,
        gid="ranks",
    )
    partial = ~order["complete"].to_numpy(dtype=bool)
    scores = order["score"].to_numpy(dtype=float)
    right = count + 0.8
    for yi, s, part, ok in zip(y, scores, partial, scored, strict=True):
        label = (
            format_number(s, decimals=1, lang=lang) + ("*" if part else "")
            if ok
            else text("risk.no_index", lang)
        )
        ax.text(
            right if ok else 1.0,
            yi,
            label,
            ha="left",
            va="center",
            fontsize=7.5 if ok else 7,
            color="#111111" if ok else COLOURS["muted"],
            style="normal" if ok else "italic",
        )
    ax.set_yticks(y, display_names(order, lang=lang))
    ax.set_xlim(0.5, right + 1.6)
    ax.set_ylim(-0.7, n - 0.3)
    ax.xaxis.set_major_formatter(tick_formatter(lang))
    ax.set_xticks(np.arange(1, count + 1))
    ax.set_xlabel(text("risk.rank_axis", lang))
    ax.grid(axis="x", color=COLOURS["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    ax.text(
        right,
        n - 0.35,
        text("risk.composite", lang),
        ha="left",
        va="bottom",
        fontsize=7,
        color=COLOURS["muted"],
    )
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="none",
            color="#222222",
            label=text("risk.point_rank", lang),
        ),
    ]
    if has_draws:
        level = format_number(data.level * 100, decimals=0, lang=lang)
        handles.append(
            Line2D(
                [],
                [],
                color="#7F7F7F",
                linewidth=2.2,
                label=text("risk.rank_interval", lang, level=level),
            )
        )
        if surely.any():
            handles.append(
                Line2D(
                    [],
                    [],
                    color=COLOURS["worse"],
                    linewidth=2.2,
                    label=text("risk.surely_worst", lang, k=data.worst),
                )
            )
    legend_below(ax, handles, offset_pt=26.0)
    return ax


def criteria_matrix(
    data: AreaClassification,
    *,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Areas × criteria: met, not met, uncertain or unknown, and each area's classification.

    Parameters
    ----------
    data
        From :func:`~utenforskap.risk.classify_areas`.
    lang
        ``"nb"`` or ``"en"``.
    ax
        Axes to draw on; default a new figure's.

    Returns
    -------
    matplotlib.axes.Axes
        One rectangle per known area × criterion (gid ``cells``, coloured by
        :data:`STATUS_COLOURS`) with the pooled value printed; unknown cells
        white and hatched (gid ``suppressed``); a last column with the
        classification (gid ``classification``); the legend below.

    Examples
    --------
    >>> import utenforskap as ut
    >>> from utenforskap.risk import Criterion
    >>> result = ut.classify_areas(ut.datasets.demo_indicators(),
    ...     [Criterion("neet", ">", 12)], at_least=1)
    >>> ut.plot.risk.criteria_matrix(result)
    <Axes: ...>
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Patch, Rectangle

    require_risk_disclosed(data)
    if ax is None:
        _, ax = plt.subplots()
    areas = data.areas.reset_index(drop=True)
    row_of = {code: i for i, code in enumerate(areas[F.REGION])}
    names = list(dict.fromkeys(data.criteria["criterion"]))
    col_of = {name: j for j, name in enumerate(names)}
    n_rows, n_cols = len(areas), len(names)
    crit = data.criteria
    x = crit["criterion"].map(col_of).to_numpy(dtype=float)
    y = n_rows - 1 - crit[F.REGION].map(row_of).to_numpy(dtype=float)
    status = crit["status"].to_numpy(dtype=object)
    unknown = status == "unknown"
    boxes = [Rectangle((xi + 0.03, yi + 0.06), 0.94, 0.88) for xi, yi in zip(x, y, strict=True)]
    ax.add_collection(
        PatchCollection(
            [b for b, u in zip(boxes, unknown, strict=True) if not u],
            facecolors=[STATUS_COLOURS[s] for s in status[~unknown]],
            edgecolors="white",
            linewidths=0.8,
            gid="cells",
        )
    )
    if unknown.any():
        ax.add_collection(
            PatchCollection(
                [b for b, u in zip(boxes, unknown, strict=True) if u],
                facecolor="white",
                edgecolor=COLOURS["suppressed"],
                hatch=HATCH,
                linewidths=0.5,
                gid="suppressed",
            )
        )
    values = crit[F.VALUE].to_numpy(dtype=float)
    for xi, yi, v, s in zip(x, y, values, status, strict=True):
        label = format_number(v, lang=lang) if np.isfinite(v) else text("suppressed", lang)
        ax.text(
            xi + 0.5,
            yi + 0.5,
            label,
            ha="center",
            va="center",
            fontsize=7.5 if np.isfinite(v) else 5.8,
            style="italic" if not np.isfinite(v) else "normal",
            color="white" if s == "met" else ("#111111" if np.isfinite(v) else COLOURS["muted"]),
            bbox=None
            if np.isfinite(v)
            else {"facecolor": "white", "edgecolor": "none", "pad": 0.8},
        )
    cls = areas["classification"].to_numpy(dtype=object)
    cls_x = n_cols + 0.25
    cls_y = n_rows - 1 - np.arange(n_rows, dtype=float)
    ax.add_collection(
        PatchCollection(
            [Rectangle((cls_x + 0.03, yi + 0.06), 0.94, 0.88) for yi in cls_y],
            facecolors=[_CLASS_COLOURS[c] for c in cls],
            edgecolors="#333333",
            linewidths=0.8,
            gid="classification",
        )
    )
    for yi, c in zip(cls_y, cls, strict=True):
        ax.text(
            cls_x + 0.5,
            yi + 0.5,
            text(f"risk.class.{c}", lang),
            ha="center",
            va="center",
            fontsize=7,
            fontweight="bold",
            color="white" if c == "yes" else "#111111",
        )
    ax.set_yticks(cls_y + 0.5, display_names(areas, lang=lang))
    column_in = figure_width(ax) * 0.62 / max(n_cols + 1, 1)
    chars = max(int(column_in * 72.0 / (6.3 * 0.56)), 8)
    heads = []
    first = crit.drop_duplicates("criterion").set_index("criterion")
    for name in names:
        row = first.loc[name]
        ind = str(row[F.INDICATOR])
        title = INDICATORS[ind].title(lang) if ind in INDICATORS else ind
        heads.append(f"{wrap(title, chars)}\n{wrap(_rule_text(row, lang), chars)}")
    m = len(names)
    heads.append(wrap(text("risk.class.head", lang, k=data.at_least, m=m), chars))
    ax.set_xticks([*(np.arange(n_cols) + 0.5), cls_x + 0.5], heads, fontsize=6.3, linespacing=1.1)
    ax.xaxis.tick_top()
    ax.tick_params(axis="both", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_xlim(0, cls_x + 1.0)
    ax.set_ylim(0, n_rows)
    present = [s for s in ("met", "not_met", "uncertain") if (status == s).any()]
    handles: list[Artist] = [
        Patch(
            facecolor=STATUS_COLOURS[s],
            edgecolor="#BBBBBB",
            linewidth=0.4,
            label=text(f"risk.status.{s}", lang),
        )
        for s in present
    ]
    if unknown.any():
        handles.append(hidden_handle(lang))
    legend_below(ax, handles, offset_pt=4.0)
    return ax


def _rule_text(row: pd.Series, lang: str) -> str:
    """The rule of a criterion for its column head: ``> 40 %``, ``≥ 3 × land``, with the periods."""
    op = {">=": "≥", "<=": "≤"}.get(str(row["op"]), str(row["op"]))
    number = format_number(float(row["given"]), decimals=2, lang=lang).rstrip("0").rstrip(",.")
    ind = str(row[F.INDICATOR])
    if row["relative"]:
        rule = f"{op} {number} {text('risk.times', lang, ref=row['relative'])}"
    else:
        unit = INDICATORS[ind].unit_en if ind in INDICATORS else ""
        rule = f"{op} {number}{' %' if unit == 'percent' else ''}"
    return f"{rule} ({row['age']}, {row['periods']})"


def risk_map(
    data: RiskIndex,
    *,
    boundaries: Boundaries | str | PathLike[str] | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """The composite on a map: a choropleth with ``boundaries``, otherwise a tile map.

    The composite is handed to :func:`~utenforskap.plot.choropleth` /
    :func:`~utenforskap.plot.tile_map` as a one-indicator table; regions
    without an index (too many hidden components) are hatched as "prikket".

    Parameters
    ----------
    data
        A :class:`~utenforskap.risk.RiskIndex`.
    boundaries
        Polygons or a GeoJSON path; None: a tile map.
    lang
        ``"nb"`` or ``"en"``.
    ax
        Axes to draw on; default a new figure's.

    Returns
    -------
    matplotlib.axes.Axes
        As :func:`~utenforskap.plot.choropleth` or :func:`~utenforskap.plot.tile_map`,
        with the method named as the legend title.

    Examples
    --------
    >>> import utenforskap as ut
    >>> ut.plot.risk.risk_map(ut.risk_index(ut.datasets.demo_indicators()))
    <Axes: ...>
    """
    from utenforskap.plot.maps import choropleth, tile_map

    require_risk_disclosed(data)
    frame = composite_frame(data)
    if boundaries is not None:
        ax = choropleth(frame, boundaries, indicator=_MAP_INDICATOR, lang=lang, ax=ax)
    else:
        ax = tile_map(
            frame, indicator=_MAP_INDICATOR, reference=frame[F.REFERENCE].iloc[0], lang=lang, ax=ax
        )
    legend = ax.get_legend()
    if legend is not None:
        legend.set_title(_method_short(data, lang))
    return ax


def composite_frame(data: RiskIndex) -> pd.DataFrame:
    """The composite as IndicatorFrame-shaped rows, for the map functions.

    Parameters
    ----------
    data
        A :class:`~utenforskap.risk.RiskIndex`.

    Returns
    -------
    pandas.DataFrame
        ``indicator`` ``"risk_index"``, ``region``, ``region_name``, ``period``
        (the components' periods joined), ``age`` and ``sex`` ``"total"``,
        ``value`` (the composite), ``suppressed`` (no index), ``reference``
        (the components' reference region) and the other IndicatorFrame
        columns blank.
    """
    comp = data.composite
    refs = data.components["reference"].astype(str)
    ref = refs.mode().iloc[0] if not refs.empty else ""
    periods = " / ".join(sort_periods(data.components[F.PERIOD]))
    score = comp["score"].to_numpy(dtype=float)
    frame = pd.DataFrame(
        {
            F.INDICATOR: _MAP_INDICATOR,
            F.REGION: comp[F.REGION].to_numpy(dtype=object),
            F.REGION_NAME: comp[F.REGION_NAME].to_numpy(dtype=object),
            F.PERIOD: periods,
            F.AGE: "total",
            F.SEX: "total",
            F.NUMERATOR: np.nan,
            F.DENOMINATOR: np.nan,
            F.STATUS: "",
            F.VALUE: score,
            F.CI_LOWER: np.nan,
            F.CI_UPPER: np.nan,
            F.CI_LEVEL: np.nan,
            F.CI_METHOD: data.method,
            F.REFERENCE: ref,
            F.REFERENCE_VALUE: np.nan,
            F.COMPARISON: "not_tested",
            F.P_VALUE: np.nan,
            F.SUPPRESSED: ~np.isfinite(score),
            F.SUPPRESSION_REASON: np.where(np.isfinite(score), "", "secondary"),
        }
    )
    # Derived from published cells only (require_risk_disclosed checked it):
    # the rows carry the input's disclosure record, so the map functions'
    # gate accepts them.
    if data.rules:
        frame.attrs[MARK] = Record(rules=dict(data.rules))
    return frame


def _method_short(data: RiskIndex, lang: str, reference_name: str | None = None) -> str:
    ref = reference_name or _reference_name(data, lang)
    return text(f"risk.method.{data.method}", lang, ref=ref)


@dataclass(frozen=True)
class RiskFigure:
    """One finished risk figure for the pack.

    Attributes
    ----------
    stem
        File name without extension (``risk_heatmap`` …).
    figure
        The matplotlib figure (save inside :func:`~utenforskap.plot.house_style`).
    kind
        One of :data:`RISK_CHARTS`.
    caption, alt
        Caption and alternative text for the index page.
    """

    stem: str
    figure: Figure
    kind: str
    caption: str
    alt: str


def _subtitle(data: RiskIndex, lang: str, ref: str) -> str:
    weights = data.components["weight"].to_numpy(dtype=float)
    if np.allclose(weights, weights[0]):
        weight_text = text("risk.weights_equal", lang)
    else:
        pairs = ", ".join(
            f"{c} {format_number(w, decimals=1, lang=lang)}"
            for c, w in zip(data.components["component"], weights, strict=True)
        )
        weight_text = text("risk.weights_given", lang, weights=pairs)
    periods = " / ".join(sort_periods(data.components[F.PERIOD]))
    return f"{_method_short(data, lang, ref)} · {weight_text} · {periods}"


def _used_rows(source: pd.DataFrame, data: RiskIndex) -> pd.DataFrame:
    keys = data.components[[F.INDICATOR, F.AGE, F.PERIOD]]
    mask = np.zeros(len(source), dtype=bool)
    for row in keys.itertuples(index=False):
        mask |= (
            (source[F.INDICATOR].to_numpy(dtype=object) == row[0])
            & (source[F.AGE].astype(str).to_numpy(dtype=object) == row[1])
            & (source[F.PERIOD].astype(str).to_numpy(dtype=object) == row[2])
        )
    return source.loc[mask & source[F.REGION].isin(data.composite[F.REGION]).to_numpy()]


def risk_figure(
    data: pd.DataFrame,
    kind: str,
    *,
    index: RiskIndex | None = None,
    classification: AreaClassification | None = None,
    settings: RiskSettings | None = None,
    boundaries: Boundaries | str | PathLike[str] | None = None,
    sources: pd.DataFrame | None = None,
    size: str | tuple[float, float] = "a4",
    lang: str = "nb",
    synthetic: bool = False,
) -> Figure:
    """One risk chart as a finished figure: title, subtitle naming the method, notes, source.

    Parameters
    ----------
    data
        The published IndicatorFrame the index was computed from (for names,
        sources and the "prikket" note).
    kind
        One of :data:`RISK_CHARTS`.
    index
        The risk index; default computed from ``settings``.
    classification
        For ``criteria``; default computed from ``settings``.
    settings
        :class:`~utenforskap.risk.RiskSettings`; default the defaults.
    boundaries
        For ``map``: polygons or a GeoJSON path (else a tile map).
    sources
        A source table (:func:`utenforskap.sources.source_table`): the figure
        credits exactly the sources of the rows the index was computed from.
        None: only the computation is credited.
    size
        ``"a4"``, ``"slide"`` or ``(width, height)`` in inches.
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Mark the figure "Syntetiske data".

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Raises
    ------
    ParameterError
        An unknown kind, or ``criteria`` without criteria.
    """
    from utenforskap.errors import ParameterError
    from utenforskap.risk.config import RiskSettings

    check_choice("kind", kind, RISK_CHARTS)
    gate(data, "risk_figure")
    settings = settings or RiskSettings()
    if kind == "criteria":
        classification = classification or settings.classify(data)
        if classification is None:
            raise ParameterError(
                "the criteria chart needs criteria ([risk.criteria] or classification=)",
                parameter="kind",
                value=kind,
            )
    else:
        index = index or settings.index(data)
    ref_rows = data[
        data[F.REGION]
        .astype(str)
        .isin(set(index.components["reference"]) if index is not None else set())
    ]
    ref_name = display_names(ref_rows.head(1), lang=lang)[0] if not ref_rows.empty else None
    with house_style():
        height = None
        n_rows = len(index.composite) if index is not None else len(classification.areas)  # type: ignore[union-attr]
        if kind in ("heatmap", "criteria", "caterpillar") and size == "a4":
            height = max(4.6, 1.9 + 0.3 * n_rows)
        fig = new_figure((6.3, height) if height else size)
        ax = fig.subplots()
        notes: list[str] = []
        if kind == "criteria":
            assert classification is not None
            criteria_matrix(classification, lang=lang, ax=ax)
            crit = classification.criteria
            used = data[
                data[F.INDICATOR].isin(set(crit[F.INDICATOR]))
                & data[F.REGION].isin(set(crit[F.REGION]))
            ]
            title = text("risk.criteria", lang)
            sub = text(
                "risk.class.head", lang, k=classification.at_least, m=crit["criterion"].nunique()
            )
            periods = {p.strip() for joined in crit["periods"] for p in str(joined).split(",")}
            sub += " · " + " / ".join(sort_periods(periods))
            if classification.gate is not None:
                notes.append(
                    text(
                        "risk.gate",
                        lang,
                        gate=format_number(classification.gate * 100, decimals=0, lang=lang),
                    )
                )
            if classification.min_population is not None:
                notes.append(
                    text(
                        "risk.min_population",
                        lang,
                        n=format_number(classification.min_population, decimals=0, lang=lang),
                    )
                )
            indicators = list(dict.fromkeys(crit[F.INDICATOR]))
        else:
            assert index is not None
            used = _used_rows(data, index)
            if kind == "heatmap":
                risk_heatmap(index, reference_name=ref_name, lang=lang, ax=ax)
                title = text("risk.heatmap", lang)
            elif kind == "caterpillar":
                rank_caterpillar(index, lang=lang, ax=ax)
                title = text("risk.caterpillar", lang)
                notes.append(
                    text(
                        "risk.draws", lang, draws=format_number(index.draws, decimals=0, lang=lang)
                    )
                    if index.draws
                    else text("risk.no_draws", lang)
                )
            else:
                risk_map(index, boundaries=boundaries, lang=lang, ax=ax)
                title = text("risk.map", lang)
            sub = _subtitle(index, lang, ref_name or "")
            partial = ~index.composite["complete"] & index.composite["score"].notna()
            if kind != "map" and partial.any():
                notes.append(text("risk.partial", lang))
            notes.append(text("risk.not_best", lang))
            indicators = list(dict.fromkeys(index.components[F.INDICATOR]))
        note = legend_note(used, lang) if bool(used[F.SUPPRESSED].any()) else ""
        decorate(
            fig,
            title=title,
            subtitle=sub,
            credit=credit_line(
                credited(used[used[F.INDICATOR].isin(indicators)], sources), lang=lang
            ),
            lang=lang,
            suppressed=note,
            synthetic=synthetic,
            notes=tuple(notes),
        )
    return fig


def risk_figures(
    data: pd.DataFrame,
    settings: RiskSettings | None = None,
    *,
    boundaries: Boundaries | str | PathLike[str] | None = None,
    sources: pd.DataFrame | None = None,
    size: str | tuple[float, float] = "a4",
    lang: str = "nb",
    synthetic: bool = False,
    workers: int | None = None,
) -> list[RiskFigure]:
    """Every risk figure of a published frame, for the figure pack and the index page.

    The index is computed once (with the settings' draws and seed) and drawn
    as a heatmap, a caterpillar chart of ranks and a map; with criteria, the
    classification is drawn as a criteria matrix.

    Parameters
    ----------
    data
        A published IndicatorFrame.
    settings
        :class:`~utenforskap.risk.RiskSettings` (the ``[risk]`` table); None:
        the defaults. ``settings.figures = False`` gives no figures.
    boundaries
        For the map.
    sources, size, lang, synthetic
        As :func:`risk_figure`.
    workers
        Threads for the Monte Carlo.

    Returns
    -------
    list of RiskFigure
        In the order heatmap, caterpillar, map, criteria.

    Examples
    --------
    >>> import utenforskap as ut
    >>> figures = ut.plot.risk.risk_figures(ut.datasets.demo_indicators())
    >>> [f.stem for f in figures]
    ['risk_heatmap', 'risk_caterpillar', 'risk_map']
    """
    from utenforskap.risk.config import RiskSettings

    settings = settings or RiskSettings()
    if not settings.figures:
        return []
    index = settings.index(data, workers=workers)
    classification = settings.classify(data)
    kinds = ["heatmap", "caterpillar", "map"] + (["criteria"] if classification is not None else [])
    method = _method_short(index, lang)
    out = []
    for kind in kinds:
        fig = risk_figure(
            data,
            kind,
            index=index,
            classification=classification,
            settings=settings,
            boundaries=boundaries,
            sources=sources,
            size=size,
            lang=lang,
            synthetic=synthetic,
        )
        caption, alt = _describe(kind, index, classification, method, lang)
        out.append(RiskFigure(f"risk_{kind}", fig, kind, caption, alt))
    return out


def _describe(
    kind: str,
    index: RiskIndex,
    classification: AreaClassification | None,
    method: str,
    lang: str,
) -> tuple[str, str]:
    order = _order(index)
    scored = order[order["score"].notna()]
    names = display_names(scored, lang=lang)
    top = ", ".join(names[: min(3, len(names))])
    if kind == "criteria" and classification is not None:
        yes = classification.areas[classification.areas["classification"] == "yes"]
        listed = ", ".join(display_names(yes, lang=lang)) or text("risk.none", lang)
        caption = text(
            "risk.caption.criteria",
            lang,
            title=text("risk.criteria", lang),
            at_least=classification.at_least,
            listed=listed,
        )
        return caption, caption
    caption = text(
        "risk.caption.index",
        lang,
        title=text(f"risk.{kind}", lang),
        method=method,
        top=top,
        note=text("risk.not_best", lang),
    )
    return caption, caption


def risk_caption(
    kind: str,
    index: RiskIndex,
    classification: AreaClassification | None = None,
    *,
    lang: str = "nb",
) -> tuple[str, str]:
    """The caption and alternative text of a risk chart (as :func:`risk_figures` gives them).

    Parameters
    ----------
    kind
        One of :data:`RISK_CHARTS`.
    index
        The risk index drawn.
    classification
        The classification, for ``criteria``.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    tuple of str
        ``(caption, alt)``: the chart, the method, the districts with most
        risk (or those meeting the criteria) and what the index cannot say.
    """
    check_choice("kind", kind, RISK_CHARTS)
    return _describe(kind, index, classification, _method_short(index, lang), lang)


def risk_method_text(index: RiskIndex, *, lang: str = "nb") -> str:
    """The risk index's method in words, as the figures' subtitles name it.

    Examples
    --------
    >>> import utenforskap as ut
    >>> index = ut.risk_index(ut.datasets.demo_indicators(), draws=0)  # doctest: +SKIP
    >>> risk_method_text(index)  # doctest: +SKIP
    'desiler: 1 = minst, 10 = mest risiko'
    """
    return _method_short(index, lang)
