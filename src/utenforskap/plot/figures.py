"""Figure-level helpers: one finished figure per chart, the barometer and a district profile."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from os import PathLike
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import legend_note
from utenforskap.errors import DataError, check_choice
from utenforskap.plot._docstrings import fill_docstring
from utenforskap.plot._legend import HATCH, hidden_handle, judgement_handles, legend_below
from utenforskap.plot.barometer import barometer
from utenforskap.plot.bars import district_bars
from utenforskap.plot.decorate import decorate, subtitle
from utenforskap.plot.funnel import funnel_plot
from utenforskap.plot.labels import period_span, text, tick_formatter, wrap
from utenforskap.plot.maps import choropleth, tile_map
from utenforskap.plot.profile import age_sex_profile
from utenforskap.plot.style import (
    COLOURS,
    comparison_colour,
    comparison_key,
    house_style,
    new_figure,
)
from utenforskap.plot.trend import trend_lines
from utenforskap.registry import INDICATORS
from utenforskap.select import (
    barometer_cells,
    display_names,
    indicator_title,
    indicator_unit,
    is_high_bad,
    reference_of,
    select_rows,
    sort_periods,
    widest_ages,
)

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure

    from utenforskap.geo.boundaries import Boundaries

__all__ = ["CHART_KINDS", "barometer_figure", "chart_figure", "district_profile"]

#: Chart kinds :func:`chart_figure` draws for one indicator.
CHART_KINDS: tuple[str, ...] = ("bars", "trend", "funnel", "profile", "map")


def _sources(indicators: Sequence[str], lang: str = "nb") -> str:
    found = [INDICATORS[i].source(lang) for i in indicators if i in INDICATORS]
    return "; ".join(dict.fromkeys(found)) or "utenforskap"


def _note(rows: pd.DataFrame, lang: str) -> str:
    return legend_note(rows, lang) if bool(rows[F.SUPPRESSED].any()) else ""


@fill_docstring()
def chart_figure(
    data: pd.DataFrame,
    kind: str,
    *,
    indicator: str,
    age: str,
    period: str | None = None,
    regions: Sequence[str] = (),
    region: str | None = None,
    boundaries: Boundaries | str | PathLike[str] | None = None,
    size: str | tuple[float, float] = "a4",
    lang: str = "nb",
    synthetic: bool = False,
) -> Figure:
    """One indicator chart as a finished figure: house style, title, subtitle, source, notes.

    Parameters
    ----------
    {core.data}
    kind
        One of :data:`CHART_KINDS`: ``bars``, ``trend``, ``funnel``,
        ``profile`` (age × sex of ``region``), ``map`` (choropleth when
        ``boundaries`` is given, else a tile map).
    indicator, age
        Indicator id and age band (``age`` is ignored for ``profile``).
    period
        Period; default the latest (``trend`` draws all).
    regions
        For ``trend``: districts drawn beside the reference.
    region
        For ``profile``: the region; default the reference region.
    boundaries
        For ``map``: polygons or a GeoJSON path.
    {figure.size}
    {core.lang}
    {figure.synthetic}

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not registered with pyplot). Save it inside
        :func:`~utenforskap.plot.house_style` so the style's save settings apply.

    Raises
    ------
    DataError
        Nothing to draw for the selection.
    ValueError
        An unknown ``kind``.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> fig = ut.plot.chart_figure(frame, "bars", indicator="neet", age="16-25")
    >>> for line in fig.texts[:2]:
    ...     print(line.get_text())
    Unge utenfor arbeid, utdanning og opplæring (NEET)
    prosent · 16-25 år · 2024 · begge kjønn
    """
    check_choice("kind", kind, CHART_KINDS)
    rows = select_rows(data, indicator=indicator)
    periods = sort_periods(rows[F.PERIOD])
    latest = period if period is not None else periods[-1]
    unit = indicator_unit(indicator, lang=lang)
    title = indicator_title(indicator, lang=lang)
    with house_style():
        fig = new_figure(size)
        ax = fig.subplots()
        if kind == "trend":
            cells = select_rows(rows, age=age, sex="total")
            ref_code = reference_of(cells[cells[F.PERIOD] == periods[-1]]).code
            wanted = [ref_code, *[r for r in regions if r != ref_code]]
            # The reference's own comparator (e.g. the whole country) when the data have it.
            above = cells.loc[cells[F.REGION] == ref_code, F.REFERENCE].dropna()
            above = above[(above != "") & above.isin(set(cells[F.REGION]))]
            if not above.empty and str(above.iloc[0]) not in wanted:
                wanted.insert(1, str(above.iloc[0]))
            trend_lines(cells, regions=wanted, lang=lang, ax=ax)
            shown = cells[cells[F.REGION].isin(wanted)]
            sub = subtitle(
                unit=unit,
                age=age,
                period=period_span(periods[0], periods[-1], lang=lang),
                lang=lang,
            )
        elif kind == "profile":
            cells = select_rows(rows, period=latest)
            where = region or reference_of(select_rows(cells, sex="total")).code
            age_sex_profile(cells, region=where, lang=lang, ax=ax)
            shown = cells[cells[F.REGION] == where]
            name = display_names(shown.head(1))[0]
            sub = subtitle(unit=unit, age="", period=latest, sex="", lang=lang) + f" · {name}"
        else:
            cells = select_rows(rows, age=age, period=latest, sex="total")
            shown = cells
            if kind == "bars":
                district_bars(cells, lang=lang, ax=ax)
            elif kind == "funnel":
                funnel_plot(cells, lang=lang, ax=ax)
            elif boundaries is not None:
                choropleth(cells, boundaries, lang=lang, ax=ax)
            else:
                tile_map(cells, lang=lang, ax=ax)
            sub = subtitle(unit=unit, age=age, period=latest, lang=lang)
        decorate(
            fig,
            title=title,
            subtitle=sub,
            source=_sources([indicator], lang),
            lang=lang,
            suppressed=_note(shown, lang),
            synthetic=synthetic,
        )
    return fig


@fill_docstring()
def barometer_figure(
    data: pd.DataFrame,
    *,
    ages: Mapping[str, str] | None = None,
    period: str | None = None,
    size: str | tuple[float, float] = "a4",
    lang: str = "nb",
    synthetic: bool = False,
) -> Figure:
    """The barometer of all indicators as a finished figure.

    Parameters
    ----------
    {core.data}
    {figure.ages}
    period
        Period; default each indicator's latest.
    {figure.size}
    {core.lang}
    {figure.synthetic}

    Returns
    -------
    matplotlib.figure.Figure
        The figure.

    Examples
    --------
    >>> import utenforskap as ut
    >>> fig = ut.plot.barometer_figure(ut.datasets.demo_indicators(), lang="en")
    >>> fig.texts[0].get_text()
    'Overview of the indicators'
    """
    ages = dict(ages) if ages is not None else widest_ages(data)
    cells = barometer_cells(data, ages=ages, period=period)
    ref_name = display_names(cells.head(1))[0]
    latest = " / ".join(sort_periods(cells[F.PERIOD]))
    with house_style():
        fig = new_figure(size)
        ax = fig.subplots()
        barometer(data, ages=ages, period=period, lang=lang, ax=ax)
        similar = text("similar", lang).lower()
        note = text("barometer.note", lang, ref=ref_name, similar=similar)
        decorate(
            fig,
            title=text("overview", lang),
            subtitle=f"{ref_name} · {latest} · {text('total', lang)}",
            source=_sources(list(ages), lang),
            lang=lang,
            suppressed=_note(cells, lang),
            synthetic=synthetic,
            notes=(note,),
        )
    return fig


@fill_docstring()
def district_profile(
    data: pd.DataFrame,
    *,
    region: str,
    ages: Mapping[str, str] | None = None,
    period: str | None = None,
    size: str | tuple[float, float] = "a4",
    lang: str = "nb",
    synthetic: bool = False,
) -> Figure:
    """One page for one district: every indicator's value and interval against the reference.

    Parameters
    ----------
    {core.data}
    region
        The district.
    {figure.ages}
    period
        Period; default each indicator's latest.
    {figure.size}
    {core.lang}
    {figure.synthetic}

    Returns
    -------
    matplotlib.figure.Figure
        A dot chart with one row per indicator: the district's value (gid
        ``district``) coloured by comparison and direction, whiskers to the
        interval, the reference value as a black bar (gid ``reference``);
        hidden values as a hatched stub (gid ``suppressed``) labelled "prikket".

    Examples
    --------
    >>> import utenforskap as ut
    >>> fig = ut.plot.district_profile(ut.datasets.demo_indicators(), region="990101")
    >>> fig.texts[0].get_text()
    'Områdeprofil: Sentrum'
    """
    from matplotlib.lines import Line2D

    ages = dict(ages) if ages is not None else widest_ages(data)
    cells = barometer_cells(data, ages=ages, period=period)
    latest = " / ".join(sort_periods(cells[F.PERIOD]))
    own = cells[cells[F.REGION] == region]
    if own.empty:
        raise DataError("no rows for the region", column=F.REGION, value=region)
    ref_name = display_names(cells.head(1))[0]
    name = display_names(own.head(1))[0]
    y = len(ages) - 1 - own["column"].to_numpy(dtype=float)
    value = own[F.VALUE].to_numpy(dtype=float)
    low = own[F.CI_LOWER].to_numpy(dtype=float)
    high = own[F.CI_UPPER].to_numpy(dtype=float)
    ref = own[F.REFERENCE_VALUE].to_numpy(dtype=float)
    hidden = own[F.SUPPRESSED].to_numpy(dtype=bool)
    bad = np.array([is_high_bad(i) for i in own[F.INDICATOR]])
    colours = [
        comparison_colour(str(c), high_is_bad=bool(b))
        for c, b in zip(own[F.COMPARISON], bad, strict=True)
    ]
    with house_style():
        fig = new_figure(size)
        ax = fig.subplots()
        ok = ~hidden
        ax.errorbar(
            value[ok],
            y[ok],
            xerr=np.vstack([value - low, high - value])[:, ok],
            fmt="none",
            ecolor="#333333",
            elinewidth=0.9,
            capsize=2.5,
            gid="intervals",
        )
        ax.scatter(
            value[ok],
            y[ok],
            s=42,
            c=[c for c, k in zip(colours, ok, strict=True) if k],
            edgecolors="#333333",
            linewidths=0.5,
            zorder=3,
            gid="district",
        )
        ax.scatter(
            ref,
            y,
            marker="|",
            s=180,
            color=COLOURS["reference"],
            linewidths=1.8,
            zorder=2,
            gid="reference",
        )
        top = np.concatenate([high[ok], ref[np.isfinite(ref)], [1.0]])
        right = float(np.nanmax(top)) * 1.1
        if hidden.any():
            ax.barh(
                y[hidden],
                right * 0.035,
                height=0.45,
                color="white",
                edgecolor=COLOURS["suppressed"],
                hatch=HATCH,
                linewidth=0.6,
                gid="suppressed",
            )
        for yy in y[hidden]:
            ax.text(
                right * 0.05,
                yy,
                text("suppressed", lang),
                va="center",
                fontsize=7.5,
                style="italic",
                color=COLOURS["suppressed"],
            )
        heads = [wrap(f"{indicator_title(i, lang=lang)} ({ages[i]})", 34) for i in own[F.INDICATOR]]
        ax.set_yticks(y, heads, fontsize=7.5)
        ax.set_ylim(-0.6, len(ages) - 0.4)
        ax.set_xlim(0, right)
        ax.xaxis.set_major_formatter(tick_formatter(lang))
        ax.grid(axis="x", color=COLOURS["grid"], linewidth=0.6)
        ax.set_axisbelow(True)
        ax.tick_params(axis="y", length=0)
        handles: list[Artist] = [
            Line2D(
                [],
                [],
                marker="|",
                linestyle="none",
                color=COLOURS["reference"],
                markersize=10,
                markeredgewidth=1.8,
                label=ref_name,
            ),
        ]
        keys = {
            comparison_key(str(c), high_is_bad=bool(b))
            for c, b in zip(own[F.COMPARISON][ok], bad[ok], strict=True)
        }
        handles += judgement_handles(keys, reference=ref_name, lang=lang)
        if hidden.any():
            handles.append(hidden_handle(lang))
        legend_below(ax, handles)
        decorate(
            fig,
            title=f"{text('district_profile', lang)}: {name}",
            subtitle=f"{latest} · {text('total', lang)} · {text('percent', lang)}",
            source=_sources(list(ages), lang),
            lang=lang,
            suppressed=_note(own, lang),
            synthetic=synthetic,
        )
    return fig
