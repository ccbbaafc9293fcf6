"""Maps: choropleth from boundary polygons with a classed scale; a tile map without boundaries."""

from __future__ import annotations

import itertools
import warnings
from os import PathLike
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError, check_choice
from utenforskap.geo.boundaries import Boundaries, read_boundaries
from utenforskap.geo.codes import GeoWarning, is_unknown_district, levels_of
from utenforskap.plot._common import gate
from utenforskap.plot._docstrings import fill_docstring
from utenforskap.plot._legend import HATCH, hidden_handle
from utenforskap.plot.labels import format_number, text, wrap
from utenforskap.plot.style import COLOURS, SEQUENTIAL
from utenforskap.select import (
    display_names,
    district_rows,
    hidden_cells,
    indicator_unit,
    reference_of,
    region_label,
    select_rows,
    single_value,
)

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = ["SCHEMES", "choropleth", "class_breaks", "tile_map"]

SCHEMES: tuple[str, ...] = ("quantiles", "equal")
_NO_DATA = "#E3E3E3"


def class_breaks(
    values: npt.ArrayLike, *, classes: int = 5, scheme: str = "quantiles"
) -> np.ndarray:
    """Upper class limits for a classed colour scale, rounded to one decimal.

    Parameters
    ----------
    values
        Published values (NaN ignored).
    classes
        Number of classes, 3–7 (fewer when there are fewer distinct values).
    scheme
        ``"quantiles"`` (equal counts) or ``"equal"`` (equal widths).

    Returns
    -------
    numpy.ndarray
        Increasing edges ``[min, b1, …, max]``; class *i* holds values in
        ``(edges[i], edges[i + 1]]`` (the first class includes ``min``).

    Examples
    --------
    >>> class_breaks([1, 2, 3, 4, 5, 6], classes=3, scheme="equal").tolist()
    [1.0, 2.7, 4.3, 6.0]
    """
    check_choice("scheme", scheme, SCHEMES)
    check_choice("classes", classes, sorted(SEQUENTIAL))
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    if data.size == 0:
        return np.array([0.0, 1.0])
    low, high = float(data.min()), float(data.max())
    if scheme == "equal":
        edges = np.linspace(low, high, classes + 1)
    else:
        edges = np.quantile(data, np.linspace(0.0, 1.0, classes + 1))
    # Outer edges rounded outwards, inner ones to one decimal, so the legend's
    # rounded labels still cover every value.
    first, last = np.floor(low * 10.0) / 10.0, np.ceil(high * 10.0) / 10.0
    if last <= first:
        last = first + 0.1
    inner = np.unique(np.round(edges[1:-1], 1))
    inner = inner[(inner > first) & (inner < last)]
    edges = np.concatenate([[first], inner, [last]])
    return edges


def _classify(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    # Classify the value as printed (one decimal), so a tile showing "28,6" is
    # in the class whose legend label ends in "28,6", never the next one.
    shown = np.round(values, 1)
    index = np.searchsorted(edges[1:-1], shown, side="left")
    return np.where(np.isfinite(values), index, -1)


def _palette(edges: np.ndarray) -> tuple[str, ...]:
    k = len(edges) - 1
    if k in SEQUENTIAL:
        return SEQUENTIAL[k]
    return SEQUENTIAL[7][-k:] if k < 3 else SEQUENTIAL[7]


def _class_handles(edges: np.ndarray, palette: tuple[str, ...], lang: str) -> list[Artist]:
    from matplotlib.patches import Patch

    labels = [
        f"{format_number(lo, lang=lang)}–{format_number(hi, lang=lang)}"
        for lo, hi in itertools.pairwise(edges)
    ]
    return [
        Patch(facecolor=colour, edgecolor="#999999", linewidth=0.4, label=label)
        for colour, label in zip(palette, labels, strict=True)
    ]


def _cells(
    data: pd.DataFrame,
    indicator: str | None,
    period: str | None,
    age: str | None,
    sex: str,
    group: str,
    chart: str,
) -> tuple[str, pd.DataFrame]:
    rows = select_rows(data, indicator=indicator, period=period, age=age, sex=sex, group=group)
    gate(rows, chart)
    ind_id = single_value(rows, F.INDICATOR)
    single_value(rows, F.PERIOD)
    single_value(rows, F.AGE)
    keep = ~is_unknown_district(rows[F.REGION].astype(str).to_numpy())
    return ind_id, rows.loc[keep]


def _legend(
    ax: Axes,
    edges: np.ndarray,
    palette: tuple[str, ...],
    *,
    unit: str,
    hidden: bool,
    no_data: int,
    any_value: bool,
    lang: str,
) -> None:
    from matplotlib.patches import Patch

    # No class swatches when every value is hidden: they would describe nothing.
    handles = _class_handles(edges, palette, lang) if any_value else []
    if hidden:
        handles.append(hidden_handle(lang))
    if no_data:
        handles.append(
            Patch(
                facecolor=_NO_DATA,
                edgecolor="#999999",
                linewidth=0.4,
                label=text("no_data_count", lang, n=format_number(no_data, decimals=0, lang=lang)),
            )
        )
    ax.legend(
        handles=handles,
        title=unit,
        title_fontsize=8,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        alignment="left",
    )


@fill_docstring()
def choropleth(
    data: pd.DataFrame,
    boundaries: Boundaries | str | PathLike[str],
    *,
    indicator: str | None = None,
    period: str | None = None,
    age: str | None = None,
    sex: str = "total",
    group: str = "total",
    classes: int = 5,
    scheme: str = "quantiles",
    labels: bool = False,
    area: str | None = None,
    code_property: str = "code",
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Regions filled by class of ``value``, hidden cells hatched, with a classed legend.

    Parameters
    ----------
    {core.data}
    boundaries
        Polygons (:class:`utenforskap.geo.boundaries.Boundaries`) or a GeoJSON
        path read with :func:`~utenforskap.geo.boundaries.read_boundaries`
        (kommuner, bydeler or levekårssoner; WGS84).
    {core.indicator}
    {core.period}
    {core.age}
    {core.sex}
    {core.group}
    classes, scheme
        Class count (3–7) and :func:`class_breaks` scheme.
    labels
        Print the name of each region with data at its centre (regions
        without data stay unnamed).
    area
        The area the map covers: ``"0"`` (the whole country) or a fylke or
        kommune code; only the boundaries inside it are drawn, and its regions
        without data are expected (light grey, counted in the legend, no
        warning). None: the whole boundary file, and regions without data
        give a :class:`~utenforskap.geo.codes.GeoWarning`.
    code_property
        Feature property with the code, when ``boundaries`` is a path.
    {core.lang}
    {core.ax}

    Returns
    -------
    matplotlib.axes.Axes
        A collection of region shapes (gid ``regions``, in the boundaries'
        code order) filled by class; hidden regions (ours or the publisher's)
        white with hatching (gid ``suppressed``); regions without data light
        grey and counted in the legend ("ingen data (12)"); longitude scaled
        by the cosine of the mean latitude; the legend (classes, "prikket",
        "ingen data") to the right. Data for regions of the map's level that
        have no boundary are named in a
        :class:`~utenforskap.geo.codes.GeoWarning` (e.g. a fylke file on
        older codes than the data).

    Examples
    --------
    >>> import numpy as np
    >>> import utenforskap as ut
    >>> from utenforskap.geo.boundaries import Boundaries
    >>> frame = ut.datasets.demo_indicators()
    >>> squares = {  # ten districts as squares in a row; real maps come from a GeoJSON file
    ...     f"9901{i:02d}": ((np.array([[i, 60], [i + 1, 60], [i + 1, 61], [i, 61], [i, 60]]),),)
    ...     for i in range(1, 11)
    ... }
    >>> ax = ut.plot.choropleth(
    ...     frame, Boundaries(squares), indicator="neet", period="2024", age="16-25"
    ... )
    >>> len(ax.collections[0].get_paths()), ax.collections[1].get_gid()
    (10, 'suppressed')
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import PathPatch

    if not isinstance(boundaries, Boundaries):
        boundaries = read_boundaries(boundaries, code_property=code_property)
    ind_id, rows = _cells(data, indicator, period, age, sex, group, "choropleth")
    codes = _area_codes(boundaries, area)
    _check_codes(rows, codes, boundaries, area, data, lang)
    by_code = rows.drop_duplicates(F.REGION).set_index(F.REGION).reindex(codes)
    present = by_code[F.INDICATOR].notna().to_numpy(dtype=bool)
    hidden = np.zeros(len(codes), dtype=bool)
    hidden[present] = hidden_cells(by_code[present])
    values = np.where(hidden, np.nan, by_code[F.VALUE].to_numpy(dtype=float))
    edges = class_breaks(values[~hidden], classes=classes, scheme=scheme)
    palette = _palette(edges)
    index = _classify(np.where(hidden, np.nan, values), edges)
    face = np.where(index >= 0, np.array(palette, dtype=object)[np.clip(index, 0, None)], _NO_DATA)
    face = np.where(hidden, "white", face)
    if ax is None:
        _, ax = plt.subplots()
    paths = boundaries.to_paths()
    ax.add_collection(
        PatchCollection(
            [PathPatch(paths[c]) for c in codes],
            facecolors=list(face),
            # Grey, thin: borders stay visible around regions without data too.
            edgecolors="#8C8C8C",
            linewidths=0.35,
            gid="regions",
        )
    )
    if hidden.any():
        ax.add_collection(
            PatchCollection(
                [PathPatch(paths[c]) for c, h in zip(codes, hidden, strict=True) if h],
                facecolor="none",
                edgecolor=COLOURS["suppressed"],
                hatch=HATCH,
                linewidths=0.4,
                gid="suppressed",
            )
        )
    xmin, ymin, xmax, ymax = _bounds(boundaries, codes)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect(1.0 / np.cos(np.radians((ymin + ymax) / 2.0)))
    ax.set_axis_off()
    if labels:
        with_data = [c for c, p in zip(codes, present, strict=True) if p]
        named = rows.drop_duplicates(F.REGION).set_index(F.REGION).loc[with_data].reset_index()
        for code, name in zip(with_data, display_names(named, lang=lang), strict=True):
            cx, cy = _centre(boundaries, code)
            ax.text(
                cx,
                cy,
                name,
                ha="center",
                va="center",
                fontsize=6.5,
                color="#111111",
                gid="region-label",
            )
    _legend(
        ax,
        edges,
        palette,
        unit=indicator_unit(ind_id, lang=lang),
        hidden=bool(hidden.any()),
        no_data=int((~present).sum()),
        any_value=bool((index >= 0).any()),
        lang=lang,
    )
    return ax


def _area_codes(boundaries: Boundaries, area: str | None) -> list[str]:
    """Boundary codes inside ``area`` (all when None), in code order."""
    codes = list(boundaries.codes)
    if area is None or area == "0":
        return codes
    inside = [c for c in codes if c.startswith(area) and len(c) > len(area)]
    if not inside:
        raise DataError(
            f"no boundary lies inside area {area!r}; the boundaries have "
            f"{boundaries.level} codes {codes[:5]}…",
            file=boundaries.source,
            value=area,
        )
    return inside


def _bounds(boundaries: Boundaries, codes: list[str]) -> tuple[float, float, float, float]:
    rings = [r for code in codes for polygon in boundaries.shapes[code] for r in polygon]
    allv = np.concatenate(rings, axis=0)
    return (
        float(allv[:, 0].min()),
        float(allv[:, 1].min()),
        float(allv[:, 0].max()),
        float(allv[:, 1].max()),
    )


def _check_codes(
    rows: pd.DataFrame,
    codes: list[str],
    boundaries: Boundaries,
    area: str | None,
    data: pd.DataFrame,
    lang: str,
) -> None:
    """Warn about data with no boundary, and (without ``area``) boundaries with no data."""
    level = boundaries.level
    have = rows[F.REGION].astype(str).to_numpy(dtype=object)
    at_level = have[levels_of(have) == level] if level != "mixed" else have
    if area not in (None, "0"):
        at_level = at_level[[str(c).startswith(str(area)) for c in at_level]]
    drawn = set(codes)
    orphans = sorted(set(at_level) - drawn)
    where = f" in {boundaries.source}" if boundaries.source else ""
    if orphans:
        names = [f"{region_label(c, data=data, lang=lang)} ({c})" for c in orphans]
        warnings.warn(
            GeoWarning(
                f"{len(orphans)} region(s) with data have no boundary{where} and are not drawn: "
                f"{names[:10]} (are the boundaries and the data on the same year's codes?)",
                "boundaries.unmatched",
            ),
            stacklevel=3,
        )
    if area is None:
        empty = sorted(drawn - set(have))
        if empty:
            names = [f"{region_label(c, lang=lang)} ({c})" for c in empty]
            warnings.warn(
                GeoWarning(
                    f"{len(empty)} region(s) of the boundaries{where} have no data and are drawn "
                    f"light grey: {names[:10]} (pass area= to map a whole country or fylke "
                    "without this warning)",
                    "boundaries.no_data",
                ),
                stacklevel=3,
            )


def _centre(boundaries: Boundaries, code: str) -> tuple[float, float]:
    # The area-weighted centroid of the largest polygon's outer ring: the label
    # lands on the main land area, not between islands.
    rings = [polygon[0] for polygon in boundaries.shapes[code]]
    areas = []
    for ring in rings:
        x, y = ring[:, 0], ring[:, 1]
        areas.append(0.5 * float(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])))
    ring = rings[int(np.argmax(np.abs(areas)))]
    x, y = ring[:, 0], ring[:, 1]
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2.0
    if area == 0:
        return float(x.mean()), float(y.mean())
    return (
        float(((x[:-1] + x[1:]) * cross).sum() / (6.0 * area)),
        float(((y[:-1] + y[1:]) * cross).sum() / (6.0 * area)),
    )


@fill_docstring()
def tile_map(
    data: pd.DataFrame,
    *,
    indicator: str | None = None,
    period: str | None = None,
    age: str | None = None,
    sex: str = "total",
    group: str = "total",
    classes: int = 5,
    scheme: str = "quantiles",
    columns: int | None = None,
    reference: str | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Equal squares, one per district in code order, filled by class: the map without boundaries.

    Parameters
    ----------
    {core.data}
    {core.indicator}
    {core.period}
    {core.age}
    {core.sex}
    {core.group}
    classes, scheme
        Class count (3–7) and :func:`class_breaks` scheme.
    columns
        Tiles per row; default about the square root of the count.
    reference
        The region whose districts are drawn (the kommune); default the most
        common ``reference``. Other regions (the country, other kommuner) are
        left out.
    {core.lang}
    {core.ax}

    Returns
    -------
    matplotlib.axes.Axes
        One square per district (gid ``tiles``) filled by class, hidden ones
        white and hatched (gid ``suppressed``), each with its name and value
        (or "prikket", or "ingen data" where the value is not known); the
        classed legend to the right.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.datasets.demo_indicators()
    >>> ax = ut.plot.tile_map(frame, indicator="neet", period="2024", age="16-25")
    >>> [t.get_text() for t in ax.texts][:4]
    ['Sentrum', '15,4', 'Nordbyen', '10,7']
    """
    import matplotlib.pyplot as plt
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Rectangle

    ind_id, rows = _cells(data, indicator, period, age, sex, group, "tile_map")
    ref_code = reference if reference is not None else reference_of(rows).code
    tiles = district_rows(rows, reference=ref_code).sort_values(F.REGION, kind="mergesort")
    count = len(tiles)
    ncol = columns or max(int(np.ceil(np.sqrt(count * 1.3))), 1)
    col = np.arange(count) % ncol
    row = np.arange(count) // ncol
    nrow = int(row.max()) + 1 if count else 1
    hidden = hidden_cells(tiles)
    values = np.where(hidden, np.nan, tiles[F.VALUE].to_numpy(dtype=float))
    edges = class_breaks(values[~hidden], classes=classes, scheme=scheme)
    palette = _palette(edges)
    index = _classify(np.where(hidden, np.nan, values), edges)
    face = np.where(index >= 0, np.array(palette, dtype=object)[np.clip(index, 0, None)], _NO_DATA)
    face = np.where(hidden, "white", face)
    if ax is None:
        _, ax = plt.subplots()
    y = nrow - 1 - row
    boxes = [Rectangle((c + 0.04, r + 0.04), 0.92, 0.92) for c, r in zip(col, y, strict=True)]
    ax.add_collection(
        PatchCollection(
            boxes, facecolors=list(face), edgecolors="#BBBBBB", linewidths=0.4, gid="tiles"
        )
    )
    if hidden.any():
        ax.add_collection(
            PatchCollection(
                [b for b, h in zip(boxes, hidden, strict=True) if h],
                facecolor="none",
                edgecolor=COLOURS["suppressed"],
                hatch=HATCH,
                linewidths=0.4,
                gid="suppressed",
            )
        )
    dark = index >= max(len(palette) - 2, 1)
    names = display_names(tiles, lang=lang)
    for c, r, name, value, hid, on_dark in zip(col, y, names, values, hidden, dark, strict=True):
        shade = "white" if on_dark and not hid else "#111111"
        ax.text(
            c + 0.5, r + 0.62, wrap(name, 12), ha="center", va="center", fontsize=7, color=shade
        )
        unknown = not hid and not np.isfinite(value)
        label = (
            text("suppressed", lang)
            if hid
            else text("no_data", lang)
            if unknown
            else format_number(value, lang=lang)
        )
        ax.text(
            c + 0.5,
            r + 0.3,
            label,
            ha="center",
            va="center",
            fontsize=8 if not hid else 7,
            fontweight="bold" if not hid else "normal",
            style="italic" if hid else "normal",
            color=shade if not hid else COLOURS["suppressed"],
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.8} if hid else None,
        )
    ax.set_xlim(0, ncol)
    ax.set_ylim(0, nrow)
    ax.set_aspect("equal")
    ax.set_axis_off()
    _legend(
        ax,
        edges,
        palette,
        unit=indicator_unit(ind_id, lang=lang),
        hidden=bool(hidden.any()),
        no_data=0,
        any_value=bool((index >= 0).any()),
        lang=lang,
    )
    return ax
