"""Bar charts: the districts of a region, and a kommune beside its neighbours, with references."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError
from utenforskap.geo.codes import levels_of
from utenforskap.plot._common import cell_states, gate, reference_lines
from utenforskap.plot._docstrings import fill_docstring
from utenforskap.plot._legend import HATCH, comparison_handles, hidden_handle, legend_below
from utenforskap.plot.labels import format_number, text, tick_formatter
from utenforskap.plot.style import COLOURS, comparison_colour
from utenforskap.select import (
    ChartWarning,
    Reference,
    context_references,
    display_names,
    district_rows,
    indicator_unit,
    is_high_bad,
    reference_of,
    region_label,
    select_rows,
    single_value,
)

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = ["district_bars", "neighbour_bars", "neighbour_codes"]


class _Drawn(NamedTuple):
    """What :func:`_hbars` drew, for the legend."""

    comparisons: pd.Series
    intervals: bool
    hidden: bool
    level: float


def _hbars(
    ax: Axes,
    rows: pd.DataFrame,
    *,
    bad: bool,
    lang: str,
    extra: Sequence[float] = (),
    highlight: str = "",
) -> _Drawn:
    """Horizontal bars sorted by value (highest on top), hidden and unknown cells at the bottom."""
    states = cell_states(rows)
    value_all = rows[F.VALUE].to_numpy(dtype=float)
    shown = rows[states.shown].assign(_v=value_all[states.shown])
    shown = shown.sort_values(["_v", F.REGION], ascending=[True, False], kind="mergesort")
    rest = rows[~states.shown].sort_values(F.REGION, ascending=False, kind="mergesort")
    # Index-based, not pd.concat: concat compares attrs, which may hold frames.
    ordered = rows.loc[np.concatenate([rest.index, shown.index])]
    rest_states = cell_states(rest)
    y = np.arange(len(ordered), dtype=float)
    y_pub = y[len(rest) :]
    values = shown[F.VALUE].to_numpy(dtype=float)
    colours = [comparison_colour(str(c), high_is_bad=bad) for c in shown[F.COMPARISON]]
    edges = ["#111111" if c == highlight else "none" for c in shown[F.REGION]]
    ax.barh(y_pub, values, height=0.68, color=colours, edgecolor=edges, linewidth=0.9, gid="values")
    lower = shown[F.CI_LOWER].to_numpy(dtype=float)
    upper = shown[F.CI_UPPER].to_numpy(dtype=float)
    # A published rate without an interval gets none: never an invented one.
    has_ci = np.isfinite(lower) & np.isfinite(upper)
    if has_ci.any():
        ax.errorbar(
            values[has_ci],
            y_pub[has_ci],
            xerr=np.vstack([values - lower, upper - values])[:, has_ci],
            fmt="none",
            ecolor="#333333",
            elinewidth=0.9,
            capsize=2.5,
            gid="intervals",
        )
    tops = np.concatenate([upper, values, np.asarray(extra, dtype=float)])
    tops = tops[np.isfinite(tops)]
    span = float(tops.max()) if tops.size and tops.max() > 0 else 1.0
    ends = np.where(np.isfinite(upper), upper, values)
    for yy, value, end in zip(y_pub, values, ends, strict=True):
        ax.text(
            end + span * 0.015,
            yy,
            format_number(value, lang=lang),
            va="center",
            fontsize=7.5,
            gid="value-label",
            # Reference lines pass behind the number, not through it.
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85},
        )
    y_rest = y[: len(rest)]
    if rest_states.hidden.any():
        ax.barh(
            y_rest[rest_states.hidden],
            span * 0.04,
            height=0.68,
            color="white",
            edgecolor=COLOURS["suppressed"],
            hatch=HATCH,
            linewidth=0.6,
            gid="suppressed",
        )
    for yy, hid in zip(y_rest, rest_states.hidden, strict=True):
        ax.text(
            span * 0.055 if hid else span * 0.01,
            yy,
            text("suppressed" if hid else "no_data", lang),
            va="center",
            fontsize=7.5,
            style="italic",
            color=COLOURS["suppressed"],
            gid="hidden-label" if hid else "missing-label",
        )
    ax.set_yticks(y, display_names(ordered, lang=lang))
    if highlight:
        for tick, code in zip(ax.get_yticklabels(), ordered[F.REGION], strict=True):
            if code == highlight:
                tick.set_fontweight("bold")
    ax.set_ylim(-0.6, len(ordered) - 0.4)
    ax.set_xlim(0, span * 1.14)
    level = shown[F.CI_LEVEL].dropna() if F.CI_LEVEL in shown.columns else pd.Series()
    return _Drawn(
        shown[F.COMPARISON],
        bool(has_ci.any()),
        bool(rest_states.hidden.any()),
        float(level.iloc[0]) if not level.empty else float("nan"),
    )


def _finish(ax: Axes, handles: list[Artist], drawn: _Drawn, lang: str) -> None:
    from matplotlib.lines import Line2D

    if drawn.intervals and np.isfinite(drawn.level):
        percent = format_number(100 * drawn.level, decimals=0, lang=lang)
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
    if drawn.hidden:
        handles.append(hidden_handle(lang))
    legend_below(ax, handles)
    ax.xaxis.set_major_formatter(tick_formatter(lang))
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color=COLOURS["grid"], linewidth=0.6)
    ax.set_axisbelow(True)


def _context(
    rows: pd.DataFrame,
    region: str,
    wanted: Sequence[str] | None,
    names: pd.DataFrame,
    lang: str,
) -> list[Reference]:
    """Context lines of ``region``: the default chain, or the regions asked for by code."""
    chain = context_references(rows, region, lang=lang, names=names)
    if wanted is None:
        return chain
    known = {r.code: r for r in chain}
    codes = rows[F.REGION].astype(str).to_numpy(dtype=object)
    found: list[Reference] = []
    absent: list[str] = []
    for code in wanted:
        if code in known:
            found.append(known[code])
            continue
        at = rows[(codes == code) & cell_states(rows).shown]
        if at.empty:
            absent.append(region_label(code, data=names, lang=lang))
            continue
        found.append(
            Reference(code, float(at[F.VALUE].iloc[0]), region_label(code, data=names, lang=lang))
        )
    if absent:
        warnings.warn(
            ChartWarning(
                f"reference region(s) {absent} have no published value in the rows drawn: "
                "no line for them",
                "reference.missing",
            ),
            stacklevel=3,
        )
    return found


@fill_docstring()
def district_bars(
    data: pd.DataFrame,
    *,
    indicator: str | None = None,
    period: str | None = None,
    age: str | None = None,
    sex: str = "total",
    group: str = "total",
    references: Sequence[str] | None = None,
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
    {core.group}
    references
        Larger regions drawn as grey reference lines beside the districts'
        own reference (codes, e.g. ``["0"]``); default the reference's fylke
        and the whole country wherever their values are known (their rows, or
        the reference's own ``reference_value``); ``()`` for none.
    high_is_bad
        Direction for colouring; default from the indicator registry.
    {core.lang}
    {core.ax}

    Returns
    -------
    matplotlib.axes.Axes
        Bars (one per published district, length = ``value``, the highest on
        top) coloured by ``comparison`` and direction; whiskers from
        ``ci_lower`` to ``ci_upper`` (none for a published rate given without
        an interval); the value printed beside each whisker; a dashed black
        vertical line at the reference region's value (gid ``reference``) and
        grey lines at the fylke (dotted) and the country (dash-dotted, gid
        ``reference-0``), each named with its value in the legend; hidden
        cells (ours, or the publisher's ``:``) at the bottom as a short
        hatched stub labelled "prikket", never a zero-length bar; unknown
        values labelled "ingen data"; the legend below the axes. "Unknown
        district" codes (``xxxx99``) are left out.

    Raises
    ------
    utenforskap.disclosure.DisclosureError
        ``data`` has not been through :func:`utenforskap.suppress`.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> ax = ut.plot.district_bars(frame, indicator="neet", period="2024", age="16-25")
    >>> [label.get_text() for label in ax.get_yticklabels()][-2:]
    ['Sentrum', 'Sørhavna']
    >>> [line.get_label() for line in ax.get_legend().get_lines()][:2]
    ['Eksempelkommune: 10,9\\xa0%', 'Hele landet: 10,0\\xa0%']
    """
    import matplotlib.pyplot as plt

    rows = select_rows(data, indicator=indicator, period=period, age=age, sex=sex, group=group)
    gate(rows, "district_bars")
    ind_id = single_value(rows, F.INDICATOR)
    single_value(rows, F.PERIOD)
    single_value(rows, F.AGE)
    bad = is_high_bad(ind_id, high_is_bad)
    ref = reference_of(rows, lang=lang, names=data)
    if ref.code and not np.isfinite(ref.value):
        warnings.warn(
            ChartWarning(
                f"the reference {ref.name} has no published value in these rows: no reference line",
                "reference.missing",
            ),
            stacklevel=2,
        )
    context = _context(rows, ref.code, references, data, lang) if ref.code else []
    districts = district_rows(rows, reference=ref.code)
    if ax is None:
        _, ax = plt.subplots()
    drawn = _hbars(
        ax, districts, bad=bad, lang=lang, extra=[ref.value, *(r.value for r in context)]
    )
    unit = indicator_unit(ind_id, lang=lang)
    handles = reference_lines(ax, [ref, *context], unit=unit, lang=lang)
    handles += comparison_handles(drawn.comparisons, high_is_bad=bad, reference=ref.name, lang=lang)
    _finish(ax, handles, drawn, lang)
    return ax


def neighbour_codes(
    data: pd.DataFrame, kommune: str, neighbours: Sequence[str] | None = None
) -> tuple[str, ...]:
    """The kommuner a kommune is shown beside: given, its neighbours, or its fylke's in the data.

    Parameters
    ----------
    data
        IndicatorFrame rows.
    kommune
        A kommune code.
    neighbours
        Codes chosen by the caller; None asks the region catalogue
        (:func:`utenforskap.geo.catalogue.kommune_neighbours`, 2024 borders),
        and, for a kommune the catalogue does not know (a fictional or future
        code), takes the other kommuner of the same fylke in ``data``.

    Returns
    -------
    tuple of str
        Codes, without ``kommune`` itself.

    Examples
    --------
    >>> import pandas as pd
    >>> neighbour_codes(pd.DataFrame({"region": ["3203"]}), "3203")
    ('3201', '3312')
    >>> rows = pd.DataFrame({"region": ["9901", "9902", "9903", "990101", "0"]})
    >>> neighbour_codes(rows, "9901")
    ('9902', '9903')
    """
    from utenforskap.geo.catalogue import kommune_neighbours

    if neighbours is not None:
        return tuple(str(c) for c in neighbours if str(c) != kommune)
    found = kommune_neighbours(kommune)
    if found:
        return found
    codes = pd.Series(pd.unique(data[F.REGION].astype(str)), dtype=object)
    same = codes[(levels_of(codes) == "kommune") & (codes.str[:2] == kommune[:2])]
    return tuple(sorted(c for c in same if c != kommune))


@fill_docstring()
def neighbour_bars(
    data: pd.DataFrame,
    *,
    kommune: str | None = None,
    neighbours: Sequence[str] | None = None,
    indicator: str | None = None,
    period: str | None = None,
    age: str | None = None,
    sex: str = "total",
    group: str = "total",
    high_is_bad: bool | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """A kommune beside its neighbour kommuner, with the fylke and the country as lines.

    Parameters
    ----------
    {core.data}
    kommune
        The kommune (bold); default the reference of the frame's districts
        when that is a kommune.
    neighbours
        Kommuner to show beside it; default :func:`neighbour_codes` (the
        catalogue's neighbours on 2024 borders).
    {core.indicator}
    {core.period}
    {core.age}
    {core.sex}
    {core.group}
    high_is_bad
        Direction for colouring; default from the indicator registry.
    {core.lang}
    {core.ax}

    Returns
    -------
    matplotlib.axes.Axes
        One bar per kommune (gid ``values``; the kommune outlined and its
        name bold) sorted by value, coloured by each kommune's own
        ``comparison`` (usually with the country), whiskers to ``ci_lower`` /
        ``ci_upper``, the value printed; the fylke (dotted) and the country
        (dash-dotted) as grey vertical lines named with their values
        (gid ``reference-<code>``); hidden kommuner hatched, "prikket".
        Neighbours without rows are left out with a :class:`ChartWarning`.

    Raises
    ------
    utenforskap.errors.DataError
        No kommune given and none follows from the data, or the kommune has no row.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> # The demo kommune is fictional and has no neighbours: its districts stand in.
    >>> ax = ut.plot.neighbour_bars(
    ...     frame, kommune="9901", neighbours=["990101", "990104"],
    ...     indicator="neet", period="2024", age="16-25",
    ... )
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['Østmarka', 'Eksempelkommune', 'Sentrum']
    """
    import matplotlib.pyplot as plt

    rows = select_rows(data, indicator=indicator, period=period, age=age, sex=sex, group=group)
    gate(rows, "neighbour_bars")
    ind_id = single_value(rows, F.INDICATOR)
    single_value(rows, F.PERIOD)
    single_value(rows, F.AGE)
    bad = is_high_bad(ind_id, high_is_bad)
    if kommune is None:
        code = reference_of(rows).code
        if len(code) != 4:
            raise DataError(
                "the districts' reference is not a kommune; pass kommune=...",
                column=F.REFERENCE,
                value=code,
            )
        kommune = code
    codes = rows[F.REGION].astype(str).to_numpy(dtype=object)
    if not (codes == kommune).any():
        raise DataError("no rows for the kommune", column=F.REGION, value=kommune)
    near = neighbour_codes(rows, kommune, neighbours)
    absent = [c for c in near if c not in set(codes)]
    if absent:
        names = [region_label(c, data=data, lang=lang) for c in absent]
        warnings.warn(
            ChartWarning(
                f"neighbour(s) {names} have no rows for this indicator, period and age: left out",
                "regions.unknown",
            ),
            stacklevel=2,
        )
    if not set(near) & set(codes):
        warnings.warn(
            ChartWarning(
                f"no neighbour of {region_label(kommune, data=data, lang=lang)} has rows: "
                "the chart shows the kommune alone",
                "regions.unknown",
            ),
            stacklevel=2,
        )
    shown = rows[np.isin(codes, [kommune, *near])]
    context = context_references(rows, kommune, lang=lang, names=data)
    if ax is None:
        _, ax = plt.subplots()
    drawn = _hbars(
        ax, shown, bad=bad, lang=lang, extra=[r.value for r in context], highlight=kommune
    )
    unit = indicator_unit(ind_id, lang=lang)
    handles = reference_lines(ax, context, unit=unit, lang=lang, first_is_main=False)
    compared = reference_of(shown, lang=lang, names=data)
    handles += comparison_handles(
        drawn.comparisons, high_is_bad=bad, reference=compared.name, lang=lang
    )
    _finish(ax, handles, drawn, lang)
    return ax
