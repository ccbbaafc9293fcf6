"""Figure-level helpers: finished figures (title, subtitle, source, notes) for documents and slides.

These are the documented way to a figure for a report or a seminar. The
Axes-level functions (:func:`~utenforskap.plot.district_bars` …) draw one
chart on an Axes for composing your own figures.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from os import PathLike
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import legend_note
from utenforskap.errors import DataError, check_choice
from utenforskap.plot._common import gate, unit_text
from utenforskap.plot._docstrings import fill_docstring
from utenforskap.plot._legend import HATCH, hidden_handle, judgement_handles, legend_below
from utenforskap.plot._place import place_labels
from utenforskap.plot.barometer import barometer
from utenforskap.plot.bars import district_bars, neighbour_bars, neighbour_codes
from utenforskap.plot.decorate import decorate, fit_axes, frame_texts, subtitle
from utenforskap.plot.funnel import funnel_plot
from utenforskap.plot.groups import group_profile, group_regions
from utenforskap.plot.labels import (
    age_label,
    format_number,
    period_span,
    text,
    tick_formatter,
    wrap,
)
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
from utenforskap.select import (
    age_in_title,
    barometer_cells,
    context_references,
    display_names,
    district_rows,
    group_label,
    group_order,
    hidden_cells,
    indicator_title,
    indicator_unit,
    is_high_bad,
    reference_of,
    region_label,
    select_rows,
    sort_periods,
    widest_ages,
)
from utenforskap.sources import credit_line, credited, measures

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from utenforskap.geo.boundaries import Boundaries

__all__ = [
    "CHART_KINDS",
    "barometer_figure",
    "chart_figure",
    "district_profile",
    "group_figure",
    "neighbour_figure",
]

#: Chart kinds :func:`chart_figure` draws for one indicator.
CHART_KINDS: tuple[str, ...] = ("bars", "trend", "funnel", "profile", "map", "neighbours", "groups")


def _credit(
    indicator: str | Sequence[str], regions: object, sources: pd.DataFrame | None, lang: str
) -> str:
    """The credit line for the (indicator, region) pairs shown."""
    if isinstance(regions, pd.DataFrame):
        shown = regions[[F.INDICATOR, F.REGION]]
    else:
        codes = [str(c) for c in regions]  # type: ignore[attr-defined]
        shown = pd.DataFrame({F.INDICATOR: indicator, F.REGION: codes}, dtype=object)
    return credit_line(credited(shown, sources), lang=lang)


def _measure(given: str | None, shown: pd.DataFrame, sources: pd.DataFrame | None) -> str | None:
    """The measure label the subtitle reads: the caller's, else the source table's.

    A publisher's label for the rows shown ("andel (prosent, standardisert)")
    is used when the rows shown have one label; several labels say nothing
    common, so none is used.
    """
    if given is not None or sources is None or shown.empty:
        return given
    found = measures(shown, sources)
    return found[0] if len(found) == 1 else None


def _require_record(rows: pd.DataFrame, chart: str) -> None:
    from utenforskap.disclosure import DisclosureError, recorded_rules

    try:
        recorded_rules(rows)
    except DisclosureError:
        gate(rows, chart)  # raises with the full message


def _note(rows: pd.DataFrame, lang: str) -> str:
    return legend_note(rows, lang) if bool(rows[F.SUPPRESSED].any()) else ""


def _title(indicator: str, group: str, lang: str) -> str:
    title = indicator_title(indicator, lang=lang)
    if group != F.GROUP_TOTAL:
        title += f" \u2013 {group_label(group, lang=lang)}"
    return title


def _pairs(indicator: str, codes: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({F.INDICATOR: indicator, F.REGION: list(codes)}, dtype=object)


def _profile_region(cells: pd.DataFrame) -> str:
    """The reference region when it has rows; else the region with the most people.

    An indicator given for kommuner only (their reference, the country, has
    no row of its own) still gets a profile: the largest region's.
    """
    ref = reference_of(select_rows(cells, sex="total")).code
    if ref and (cells[F.REGION] == ref).any():
        return ref
    sizes = cells.groupby(F.REGION, sort=True)[F.DENOMINATOR].sum(min_count=1).fillna(0.0)
    return str(sizes.sort_values(ascending=False, kind="mergesort").index[0])


def _grow(size: str | tuple[float, float], height: float) -> str | tuple[float, float]:
    """A taller A4 figure when a chart has many rows (at most a page's 9.5 in); others as given."""
    if size == "a4" and height > 4.6:
        return (6.3, min(height, 9.5))
    return size


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
    area: str | None = None,
    kommune: str | None = None,
    neighbours: Sequence[str] | None = None,
    group: str = "total",
    groups: Sequence[str] | None = None,
    sources: pd.DataFrame | None = None,
    measure: str | None = None,
    size: str | tuple[float, float] = "a4",
    lang: str = "nb",
    synthetic: bool = False,
) -> Figure:
    """One indicator chart as a finished figure: house style, title, subtitle, source, notes.

    Parameters
    ----------
    {core.data}
    kind
        One of :data:`CHART_KINDS`: ``bars`` (districts, with the reference,
        the fylke and the country as lines), ``trend``, ``funnel``,
        ``profile`` (age × sex of ``region``), ``map`` (choropleth when
        ``boundaries`` is given, else a tile map), ``neighbours`` (the kommune
        beside its neighbour kommuner, :func:`neighbour_figure`) and
        ``groups`` (one bar per population group and region,
        :func:`group_figure`).
    indicator, age
        Indicator id and age band (``age`` is ignored for ``profile``).
    period
        Period; default the latest (``trend`` draws all).
    regions
        For ``trend``: districts drawn beside the reference (the fylke and
        the country are added where the frame has them). For ``groups``: the
        regions drawn (default every region with group rows).
    region
        For ``profile``: the region; default the reference region (when it
        has rows; else the region with the largest denominator).
    boundaries
        For ``map``: polygons or a GeoJSON path.
    area
        For ``map`` with boundaries: the area drawn whole (``"0"`` or a fylke
        code; see :func:`~utenforskap.plot.choropleth`).
    kommune, neighbours
        For ``neighbours``: the kommune and the kommuner beside it (see
        :func:`~utenforskap.plot.neighbour_bars`).
    {core.group}
    groups
        For ``groups``: the groups drawn (default every one in the data).
    {figure.sources}
    {figure.measure}
    {figure.size}
    {core.lang}
    {figure.synthetic}

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not registered with pyplot): the indicator's title (with
        the group when it is not the whole population), a subtitle with unit,
        age band (written out, and left out when the title states it),
        period and sex, the "prikket" note when a cell shown is hidden, and
        the credit line for exactly the sources of the rows drawn. Save it
        inside :func:`~utenforskap.plot.house_style` so the style's save
        settings apply.

    Raises
    ------
    DataError
        Nothing to draw for the selection.
    utenforskap.disclosure.DisclosureError
        ``data`` has not been through :func:`utenforskap.suppress`.
    ValueError
        An unknown ``kind``.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> fig = ut.chart_figure(frame, "bars", indicator="neet", age="16-25")
    >>> for line in (fig.texts[0], fig.texts[1], fig.texts[-1]):
    ...     print(line.get_text())
    Unge utenfor arbeid, utdanning og opplæring (NEET)
    prosent · 16-25 år · 2024 · begge kjønn
    Beregninger: utenforskap
    >>> from utenforskap.sources import source_table
    >>> credits = source_table([("neet", "0", "SSB, tabell 13563"),
    ...                         ("neet", "990101", "Eksempelkommune, registerdata")])
    >>> fig = ut.chart_figure(frame, "bars", indicator="neet", age="16-25", sources=credits)
    >>> fig.texts[-1].get_text()
    'Kilde: SSB, tabell 13563; Eksempelkommune, registerdata; beregninger: utenforskap'
    """
    check_choice("kind", kind, CHART_KINDS)
    rows = select_rows(data, indicator=indicator)
    # The record only: the chart drawn below checks every row it draws.
    _require_record(rows, "chart_figure")
    if kind != "groups":
        rows = select_rows(rows, group=group)
    periods = sort_periods(rows[F.PERIOD])
    latest = period if period is not None else periods[-1]
    unit = indicator_unit(indicator, lang=lang)
    title = _title(indicator, group if kind != "groups" else F.GROUP_TOTAL, lang)
    tail = ""
    if kind == "groups":
        cells = select_rows(rows, age=age, period=latest, sex="total")
        chosen = list(regions) or group_regions(cells)
        n_groups = (
            len(groups)
            if groups is not None
            else max(len([g for g in cells[F.GROUP].unique() if g != F.GROUP_TOTAL]), 1)
        )
        n_bars = len(chosen) * (n_groups + 0.8)
        size = _grow(size, 2.4 + 0.2 * n_bars)
    with house_style():
        fig = new_figure(size)
        ax = fig.subplots()
        if kind == "trend":
            cells = select_rows(rows, age=age, sex="total")
            last = cells[cells[F.PERIOD] == periods[-1]]
            ref_code = reference_of(last).code
            present = set(cells[F.REGION])
            # The reference's fylke and the country, when the data have them.
            above = [r.code for r in context_references(last, ref_code) if r.code in present]
            wanted = list(dict.fromkeys([ref_code, *above, *regions]))
            trend_lines(cells, regions=wanted, group=group, lang=lang, ax=ax)
            shown = cells[cells[F.REGION].isin(wanted)]
            credit = _credit(indicator, shown, sources, lang)
            sub = subtitle(
                unit=unit_text(unit, shown, _measure(measure, shown, sources), lang),
                age=age,
                period=period_span(periods[0], periods[-1], lang=lang),
                lang=lang,
                indicator=indicator,
            )
        elif kind == "profile":
            cells = select_rows(rows, period=latest)
            where = region or _profile_region(cells)
            age_sex_profile(cells, region=where, group=group, lang=lang, ax=ax)
            shown = cells[cells[F.REGION] == where]
            ref_codes = [c for c in shown[F.REFERENCE].dropna().unique() if c]
            credit = _credit(indicator, [where, *ref_codes], sources, lang)
            name = region_label(where, data=data, lang=lang)
            sub = (
                subtitle(
                    unit=unit_text(unit, shown, _measure(measure, shown, sources), lang),
                    age="",
                    period=latest,
                    sex="",
                    lang=lang,
                )
                + f" · {name}"
            )
        elif kind == "groups":
            group_profile(cells, regions=chosen, groups=groups, lang=lang, ax=ax)
            shown = cells[cells[F.REGION].isin(chosen)]
            credit = _credit(indicator, shown, sources, lang)
            sub = (
                subtitle(
                    unit=unit_text(unit, shown, _measure(measure, shown, sources), lang),
                    age=age,
                    period=latest,
                    lang=lang,
                    indicator=indicator,
                )
                + f" · {text('groups.subtitle', lang)}"
            )
        else:
            cells = select_rows(rows, age=age, period=latest, sex="total")
            ref = reference_of(cells)
            if kind == "bars":
                district_bars(cells, group=group, lang=lang, ax=ax)
                context = [r.code for r in context_references(cells, ref.code)]
                codes = [*district_rows(cells, reference=ref.code)[F.REGION], ref.code, *context]
                shown = cells[cells[F.REGION].isin(codes)]
                credit = _credit(indicator, _pairs(indicator, codes), sources, lang)
            elif kind == "funnel":
                funnel_plot(cells, group=group, lang=lang, ax=ax)
                codes = [*district_rows(cells, reference=ref.code)[F.REGION], ref.code]
                shown = cells[cells[F.REGION].isin(codes)]
                credit = _credit(indicator, shown, sources, lang)
            elif kind == "neighbours":
                where = kommune or ref.code
                neighbour_bars(
                    cells, kommune=where, neighbours=neighbours, group=group, lang=lang, ax=ax
                )
                near = neighbour_codes(cells, where, neighbours)
                context = [r.code for r in context_references(cells, where)]
                codes = [where, *near, *context]
                shown = cells[cells[F.REGION].isin([where, *near])]
                credit = _credit(indicator, _pairs(indicator, codes), sources, lang)
                name = region_label(where, data=data, lang=lang)
                tail = f" · {text('neighbours.subtitle', lang, name=name)}"
            elif boundaries is not None:
                choropleth(cells, boundaries, area=area, group=group, lang=lang, ax=ax)
                shown = cells
                credit = _credit(indicator, shown, sources, lang)
            else:
                tile_map(cells, group=group, lang=lang, ax=ax)
                shown = district_rows(cells, reference=ref.code)
                credit = _credit(indicator, shown, sources, lang)
            sub = (
                subtitle(
                    unit=unit_text(unit, shown, _measure(measure, shown, sources), lang),
                    age=age,
                    period=latest,
                    lang=lang,
                    indicator=indicator,
                )
                + tail
            )
        rect = frame_texts(
            fig,
            title=title,
            subtitle=sub,
            credit=credit,
            lang=lang,
            suppressed=_note(shown, lang),
            synthetic=synthetic,
        )
        fit_axes(fig, rect)
        if kind == "funnel":
            # The layout moved the points: place the labels again at the final
            # size, until the list of labels without a spot (a title line) settles.
            missed = place_labels(ax, lang=lang)
            for _ in range(3):
                fit_axes(fig, rect)
                again = place_labels(ax, lang=lang)
                if again == missed:
                    break
                missed = again
    return fig


@fill_docstring()
def neighbour_figure(
    data: pd.DataFrame,
    *,
    indicator: str,
    age: str,
    kommune: str | None = None,
    neighbours: Sequence[str] | None = None,
    period: str | None = None,
    group: str = "total",
    sources: pd.DataFrame | None = None,
    measure: str | None = None,
    size: str | tuple[float, float] = "a4",
    lang: str = "nb",
    synthetic: bool = False,
) -> Figure:
    """A kommune beside its neighbour kommuner and the country, as a finished figure.

    Parameters
    ----------
    {core.data}
    indicator, age
        Indicator id and age band.
    kommune
        The kommune; default the reference of the frame's districts.
    neighbours
        The kommuner beside it; default its neighbours on 2024 borders
        (:func:`utenforskap.geo.catalogue.kommune_neighbours`), or, for a
        kommune the catalogue does not know, the other kommuner of its fylke
        in the data.
    period
        Period; default the latest.
    {core.group}
    {figure.sources}
    {figure.measure}
    {figure.size}
    {core.lang}
    {figure.synthetic}

    Returns
    -------
    matplotlib.figure.Figure
        :func:`~utenforskap.plot.neighbour_bars` with the indicator's title,
        a subtitle ending "… · Asker og nabokommunene", notes and sources.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> # The demo kommune is fictional and has no neighbours: two districts stand in.
    >>> fig = ut.neighbour_figure(
    ...     frame, indicator="neet", age="16-25", kommune="9901", neighbours=["990101", "990104"]
    ... )
    >>> fig.texts[1].get_text()
    'prosent · 16-25 år · 2024 · begge kjønn · Eksempelkommune og nabokommunene'
    """
    return chart_figure(
        data,
        "neighbours",
        indicator=indicator,
        age=age,
        period=period,
        kommune=kommune,
        neighbours=neighbours,
        group=group,
        sources=sources,
        measure=measure,
        size=size,
        lang=lang,
        synthetic=synthetic,
    )


@fill_docstring()
def group_figure(
    data: pd.DataFrame,
    *,
    indicator: str,
    age: str,
    period: str | None = None,
    regions: Sequence[str] = (),
    groups: Sequence[str] | None = None,
    sources: pd.DataFrame | None = None,
    measure: str | None = None,
    size: str | tuple[float, float] = "a4",
    lang: str = "nb",
    synthetic: bool = False,
) -> Figure:
    """The population groups of each region (one bar each, the total as a line), finished.

    Parameters
    ----------
    {core.data}
    indicator, age
        Indicator id and age band.
    period
        Period; default the latest.
    regions
        Regions drawn, top to bottom; default every region with group rows
        (country, fylke, kommune, districts).
    groups
        Groups drawn; default every group in the data but ``total``.
    {figure.sources}
    {figure.measure}
    {figure.size}
        An A4 figure grows taller with the number of bars.
    {core.lang}
    {figure.synthetic}

    Returns
    -------
    matplotlib.figure.Figure
        :func:`~utenforskap.plot.group_profile` with the indicator's title
        and a subtitle ending "… · etter befolkningsgruppe".

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
    >>> fig = ut.group_figure(frame, indicator="neet", age="16-25", regions=["0", "9901"])
    >>> fig.texts[1].get_text()
    'prosent · 16-25 år · 2024 · begge kjønn · etter befolkningsgruppe'
    """
    return chart_figure(
        data,
        "groups",
        indicator=indicator,
        age=age,
        period=period,
        regions=regions,
        groups=groups,
        sources=sources,
        measure=measure,
        size=size,
        lang=lang,
        synthetic=synthetic,
    )


@fill_docstring()
def barometer_figure(
    data: pd.DataFrame,
    *,
    ages: Mapping[str, str] | None = None,
    period: str | None = None,
    groups: Sequence[str] = ("total",),
    context: bool = True,
    sources: pd.DataFrame | None = None,
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
    groups
        Population groups, one row per region and group; default the whole
        population.
    context
        Rows for the whole country and the fylke above the reference region.
    {figure.sources}
    {figure.size}
    {core.lang}
    {figure.synthetic}

    Returns
    -------
    matplotlib.figure.Figure
        The figure: "Oversikt over indikatorene", the reference region and
        periods in the subtitle, a note on the colours, the credit line.

    Examples
    --------
    >>> import utenforskap as ut
    >>> fig = ut.barometer_figure(ut.datasets.demo_indicators(), lang="en")
    >>> fig.texts[0].get_text(), fig.texts[1].get_text()
    ('Overview of the indicators', 'Eksempelkommune · 2022-2024 / 2024 · both sexes')
    """
    ages = dict(ages) if ages is not None else widest_ages(data)
    cells = barometer_cells(data, ages=ages, period=period, groups=groups, context=context)
    gate(cells, "barometer_figure")
    ref_rows = cells[cells["role"] == "reference"]
    ref_name = display_names(ref_rows.head(1), lang=lang)[0]
    latest = " / ".join(sort_periods(cells[F.PERIOD]))
    n_rows = int(cells["row"].max()) + 1
    with house_style():
        fig = new_figure(_grow(size, 2.6 + 0.26 * n_rows) if len(groups) > 1 else size)
        ax = fig.subplots()
        barometer(data, ages=ages, period=period, groups=groups, context=context, lang=lang, ax=ax)
        similar = text("similar", lang).lower()
        note = text("barometer.note", lang, ref=ref_name, similar=similar)
        shown_groups = [g for g in group_order(groups) if g != F.GROUP_TOTAL]
        who = text("total", lang)
        if shown_groups:
            who += " · " + text("groups.subtitle", lang)
        decorate(
            fig,
            title=text("overview", lang),
            subtitle=f"{ref_name} · {latest} · {who}",
            credit=_credit("", cells, sources, lang),
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
    group: str = "total",
    sources: pd.DataFrame | None = None,
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
    {core.group}
    {figure.sources}
    {figure.size}
    {core.lang}
    {figure.synthetic}

    Returns
    -------
    matplotlib.figure.Figure
        A dot chart with one row per indicator: the district's value (gid
        ``district``) coloured by comparison and direction, whiskers to the
        interval, the reference region's value as a black bar (gid
        ``reference``); hidden values as a hatched stub (gid ``suppressed``)
        labelled "prikket". The numbers are printed to the right in two
        columns (gid ``numbers``): the district's value with its interval
        ("12,3 (9,8–15,1)") and the reference region's value.

    Examples
    --------
    >>> import utenforskap as ut
    >>> fig = ut.district_profile(ut.datasets.demo_indicators(), region="990101")
    >>> fig.texts[0].get_text()
    'Områdeprofil: Sentrum'
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "numbers"][:3]
    ['Sentrum', 'Eksempelkommune', '15,4 (13,0–18,2)']
    """
    from matplotlib.lines import Line2D

    ages = dict(ages) if ages is not None else widest_ages(data)
    cells = barometer_cells(data, ages=ages, period=period, groups=(group,))
    gate(cells, "district_profile")
    latest = " / ".join(sort_periods(cells[F.PERIOD]))
    own = cells[cells[F.REGION] == region].sort_values("column", kind="mergesort")
    if own.empty:
        raise DataError("no rows for the region", column=F.REGION, value=region)
    ref_cells = cells[cells["role"] == "reference"].set_index("column")
    ref_code = str(ref_cells[F.REGION].iloc[0]) if len(ref_cells) else ""
    ref_name = region_label(ref_code, data=data, lang=lang) if ref_code else ""
    name = display_names(own.head(1), lang=lang)[0]
    y = len(ages) - 1 - own["column"].to_numpy(dtype=float)
    value = own[F.VALUE].to_numpy(dtype=float)
    low = own[F.CI_LOWER].to_numpy(dtype=float)
    high = own[F.CI_UPPER].to_numpy(dtype=float)
    # The reference region's own published value, also beside a hidden district cell.
    ref_value = (
        ref_cells[F.VALUE]
        .where(~pd.Series(hidden_cells(ref_cells), index=ref_cells.index))
        .reindex(own["column"])
        .to_numpy(dtype=float)
    )
    hidden = hidden_cells(own)
    shown_ok = ~hidden & np.isfinite(value)
    bad = np.array([is_high_bad(i) for i in own[F.INDICATOR]])
    colours = [
        comparison_colour(str(c), high_is_bad=bool(b))
        for c, b in zip(own[F.COMPARISON], bad, strict=True)
    ]
    with house_style():
        fig = new_figure(size)
        ax = fig.subplots()
        ok = shown_ok
        with_ci = ok & np.isfinite(low) & np.isfinite(high)
        ax.errorbar(
            value[with_ci],
            y[with_ci],
            xerr=np.vstack([value - low, high - value])[:, with_ci],
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
            ref_value,
            y,
            marker="|",
            s=180,
            color=COLOURS["reference"],
            linewidths=1.8,
            zorder=2,
            gid="reference",
        )
        top = np.concatenate([high[ok], value[ok], ref_value[np.isfinite(ref_value)], [1.0]])
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
        for yy, hid in zip(y[~ok], hidden[~ok], strict=True):
            ax.text(
                right * 0.05 if hid else right * 0.01,
                yy,
                text("suppressed" if hid else "no_data", lang),
                va="center",
                fontsize=7.5,
                style="italic",
                color=COLOURS["suppressed"],
            )
        heads = []
        for ind_id in own[F.INDICATOR]:
            band = ages[str(ind_id)]
            head = indicator_title(str(ind_id), lang=lang)
            if not age_in_title(str(ind_id), band, lang=lang):
                head += f" ({age_label(band, lang=lang)})"
            heads.append(wrap(head, 34))
        ax.set_yticks(y, heads, fontsize=7.5)
        ax.set_ylim(-0.6, len(ages) - 0.4)
        ax.set_xlim(0, right)
        _numbers(ax, y, value, low, high, hidden, ref_value, name, ref_name, len(ages), lang)
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
        shown = pd.concat(
            [own[[F.INDICATOR, F.REGION]], ref_cells[[F.INDICATOR, F.REGION]]], ignore_index=True
        )
        title = f"{text('district_profile', lang)}: {name}"
        if group != F.GROUP_TOTAL:
            title += f" \u2013 {group_label(group, lang=lang)}"
        decorate(
            fig,
            title=title,
            subtitle=f"{latest} · {text('total', lang)} · {text('percent', lang)}",
            credit=_credit("", shown, sources, lang),
            lang=lang,
            suppressed=_note(own, lang),
            synthetic=synthetic,
        )
    return fig


def _numbers(
    ax: Axes,
    y: np.ndarray,
    value: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    hidden: np.ndarray,
    ref_value: np.ndarray,
    name: str,
    ref_name: str,
    rows: int,
    lang: str,
) -> None:
    """Numbers right of the axes: the district's value (interval), the reference's value."""
    columns = (8.0, 82.0)
    style: dict[str, Any] = {"fontsize": 7.0, "va": "center", "ha": "left", "gid": "numbers"}
    for offset, head in zip(columns, (name, ref_name), strict=True):
        ax.annotate(
            wrap(head, 16),
            xy=(1.0, rows - 0.4),
            xycoords=("axes fraction", "data"),
            xytext=(offset, 0.0),
            textcoords="offset points",
            fontweight="bold",
            annotation_clip=False,
            **{**style, "va": "bottom"},
        )
    for yy, v, lo, hi, hid, ref in zip(y, value, low, high, hidden, ref_value, strict=True):
        if hid:
            own = text("suppressed", lang)
        elif not np.isfinite(v):
            own = text("no_data", lang)
        elif np.isfinite(lo) and np.isfinite(hi):
            own = (
                f"{format_number(v, lang=lang)} "
                f"({format_number(lo, lang=lang)}\u2013{format_number(hi, lang=lang)})"
            )
        else:
            own = format_number(v, lang=lang)
        for offset, label in zip(columns, (own, format_number(ref, lang=lang)), strict=True):
            ax.annotate(
                label,
                xy=(1.0, yy),
                xycoords=("axes fraction", "data"),
                xytext=(offset, 0.0),
                textcoords="offset points",
                annotation_clip=False,
                **style,
            )
