"""The figure pack: chart files per indicator, a multi-page report.pdf and an offline index.html."""

from __future__ import annotations

import html
import multiprocessing
import os
import struct
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure import require_disclosed
from utenforskap.errors import DataError, check_choice
from utenforskap.plot.labels import format_value, period_span, text
from utenforskap.registry import INDICATORS, THEMES
from utenforskap.select import (
    display_names,
    districts_of,
    latest_period,
    period_order,
    reference_row,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from utenforskap.geo.boundaries import Boundaries

__all__ = ["PNG_DPI", "FigureFile", "write_figure_pack", "write_index", "write_report_pdf"]

#: File formats a figure can be written in.
FIGURE_FORMATS: tuple[str, ...] = ("png", "svg", "pdf")
#: Resolution of the PNG files (and of the pages of report.pdf).
PNG_DPI = 200
#: Below this many figures the pack is drawn in this process (a pool costs more).
PARALLEL_FROM = 8
_OVERVIEW = "overview"
_OTHER = "other"
_BAROMETER_SIZE = (6.3, 5.8)


@dataclass(frozen=True)
class FigureFile:
    """One figure written to disk.

    Attributes
    ----------
    stem
        File name without extension.
    files
        Paths written (one per format).
    indicator
        Registry id; ``""`` for figures over all indicators.
    caption
        Caption for the index page.
    alt
        Alternative text for the image.
    kind
        Chart kind: ``bars``, ``trend``, ``funnel``, ``profile``, ``map``,
        ``barometer`` or ``district``.
    """

    stem: str
    files: tuple[Path, ...]
    indicator: str
    caption: str
    alt: str
    kind: str = "bars"


@dataclass(frozen=True)
class _Task:
    kind: str
    stem: str
    indicator: str = ""
    age: str = ""
    period: str = ""
    region: str = ""
    regions: tuple[str, ...] = ()


# Per-process state for the pool workers: set once by the initializer so the
# frame is sent to each worker once, not with every task.
_STATE: dict[str, Any] = {}


def _init(state: dict[str, Any]) -> None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    _STATE.clear()
    _STATE.update(state)


def _build(task: _Task) -> Figure:
    from utenforskap.plot import barometer_figure, chart_figure, district_profile

    frame: pd.DataFrame = _STATE["frame"]
    lang: str = _STATE["lang"]
    synthetic: bool = _STATE["synthetic"]
    size = _STATE["size"]
    if task.kind == "barometer":
        return barometer_figure(
            frame,
            period=task.period or None,
            size=_BAROMETER_SIZE if size == "a4" else size,
            lang=lang,
            synthetic=synthetic,
        )
    if task.kind == "district":
        return district_profile(
            frame,
            region=task.region,
            period=task.period or None,
            size=size,
            lang=lang,
            synthetic=synthetic,
        )
    return chart_figure(
        frame,
        task.kind,
        indicator=task.indicator,
        age=task.age,
        period=task.period,
        regions=task.regions,
        boundaries=_STATE["boundaries"],
        size=size,
        lang=lang,
        synthetic=synthetic,
    )


def _png(fig: Figure, path: Path) -> None:
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(fig)
    if fig.get_dpi() != PNG_DPI:
        fig.set_dpi(PNG_DPI)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    # RGB (the background is opaque white) and no text chunks: the same bytes
    # every run, and report.pdf can embed the compressed pixels as they are.
    Image.fromarray(np.ascontiguousarray(rgba[..., :3])).save(
        path, format="PNG", dpi=(PNG_DPI, PNG_DPI), compress_level=6
    )


def _save(fig: Figure, folder: Path, stem: str, formats: Sequence[str]) -> tuple[Path, ...]:
    from utenforskap.plot import house_style

    paths = []
    with house_style():
        for fmt in formats:
            path = folder / f"{stem}.{fmt}"
            if fmt == "png":
                _png(fig, path)
            else:
                # No timestamps or software versions inside the files.
                metadata = {
                    "svg": {"Date": None, "Creator": None},
                    "pdf": {
                        "CreationDate": None,
                        "ModDate": None,
                        "Producer": None,
                        "Creator": None,
                    },
                }[fmt]
                fig.savefig(path, format=fmt, metadata=metadata)
            paths.append(path)
    return tuple(paths)


def _render(task: _Task) -> tuple[tuple[Path, ...], str, str]:
    fig = _build(task)
    files = _save(fig, _STATE["folder"], task.stem, _STATE["formats"])
    fig.clear()
    caption, alt = _describe(
        task, _STATE["frame"], _STATE["lang"], _STATE["boundaries"] is not None
    )
    return files, caption, alt


def _workers(requested: int | None) -> int:
    if requested is not None:
        return max(int(requested), 1)
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:
        available = os.cpu_count() or 1
    return max(min(available, 8), 1)


def _run_all(
    tasks: Sequence[_Task], state: dict[str, Any], workers: int
) -> list[tuple[tuple[Path, ...], str, str]]:
    if workers < 2 or len(tasks) < PARALLEL_FROM:
        _init(state)
        return [_render(t) for t in tasks]
    methods = multiprocessing.get_all_start_methods()
    # fork starts workers with everything already imported (about a second
    # saved per worker); every file's bytes depend only on its task.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    with ProcessPoolExecutor(
        max_workers=min(workers, len(tasks)),
        mp_context=context,
        initializer=_init,
        initargs=(state,),
    ) as pool:
        return list(pool.map(_render, tasks, chunksize=1))


def _slug(label: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in label.lower()).strip("-")


def _indicator_order(frame: pd.DataFrame) -> list[str]:
    order = list(INDICATORS)
    return sorted(
        map(str, frame[F.INDICATOR].unique()),
        key=lambda i: (order.index(i) if i in order else len(order), i),
    )


def _funnel_points(rows: pd.DataFrame, age: str, period: str) -> int:
    """Published districts with counts: a funnel plot needs at least two."""
    cells = rows[(rows[F.AGE] == age) & (rows[F.PERIOD] == period) & (rows[F.SEX] == "total")]
    if cells.empty:
        return 0
    shown = districts_of(cells, reference_row(cells)[0])
    ok = ~shown[F.SUPPRESSED].to_numpy(dtype=bool) & (shown[F.DENOMINATOR].to_numpy(float) > 0)
    return int(ok.sum())


def _plan(
    frame: pd.DataFrame,
    trend_regions: Sequence[str],
    district_profiles: bool,
    district_trends: bool = False,
) -> list[_Task]:
    from utenforskap.plot import default_ages

    tasks: list[_Task] = []
    ages = default_ages(frame)
    if len(ages) > 1:
        tasks.append(_Task("barometer", "overview_barometer"))
    for ind_id in _indicator_order(frame):
        rows = frame[frame[F.INDICATOR] == ind_id]
        latest = latest_period(rows[F.PERIOD])
        widest = ages[ind_id]
        bands = list(dict.fromkeys(map(str, rows[F.AGE])))
        for band in bands:
            tasks.append(
                _Task("bars", f"{ind_id}_{_slug(band)}_{latest}_bars", ind_id, band, latest)
            )
        if rows[F.PERIOD].nunique() > 1:
            tasks.append(
                _Task(
                    "trend",
                    f"{ind_id}_{_slug(widest)}_trend",
                    ind_id,
                    widest,
                    latest,
                    regions=tuple(trend_regions),
                )
            )
        if _funnel_points(rows, widest, latest) >= 2:
            tasks.append(
                _Task("funnel", f"{ind_id}_{_slug(widest)}_{latest}_funnel", ind_id, widest, latest)
            )
        if rows[F.SEX].nunique() > 1:
            tasks.append(_Task("profile", f"{ind_id}_{latest}_profile", ind_id, "", latest))
        tasks.append(_Task("map", f"{ind_id}_{_slug(widest)}_{latest}_map", ind_id, widest, latest))
        if district_trends and rows[F.PERIOD].nunique() > 1:
            cells = rows[(rows[F.AGE] == widest) & (rows[F.SEX] == "total")]
            districts = districts_of(cells, reference_row(cells)[0])
            shown = districts.loc[~districts[F.SUPPRESSED].to_numpy(dtype=bool), F.REGION]
            tasks += [
                _Task(
                    "trend",
                    f"{ind_id}_{_slug(widest)}_trend_{code}",
                    ind_id,
                    widest,
                    latest,
                    regions=(code,),
                )
                for code in sorted(set(map(str, shown)))
            ]
    if district_profiles and len(ages) > 1:
        from utenforskap.plot import barometer_cells

        cells = barometer_cells(frame, ages=ages)
        codes = sorted(set(map(str, cells.loc[cells["row"] > 0, F.REGION])))
        tasks += [_Task("district", f"district_{code}", region=code) for code in codes]
    return tasks


def _describe(task: _Task, frame: pd.DataFrame, lang: str, has_map: bool) -> tuple[str, str]:
    """Caption and alt text; the alt text names the extremes so the chart is readable unseen."""
    from utenforskap.plot import subtitle

    nb = lang == "nb"
    if task.kind in ("barometer", "district"):
        from utenforskap.plot import barometer_cells, default_ages

        cells = barometer_cells(frame, ages=default_ages(frame))
        ref_name = display_names(cells.head(1))[0]
        when = " / ".join(period_order(cells[F.PERIOD]))
        if task.kind == "barometer":
            caption = (
                f"{text('overview', lang)}, {when}: alle indikatorer per område, "
                f"farget etter om området er bedre eller dårligere enn {ref_name}."
                if nb
                else f"{text('overview', lang)}, {when}: every indicator by district, "
                f"coloured by whether the district is better or worse than {ref_name}."
            )
            alt = (
                f"Tabell med fargede celler: områder i rader, indikatorer i kolonner, {when}."
                if nb
                else f"Table of coloured cells: districts in rows, indicators in columns, {when}."
            )
            return caption, alt
        name = display_names(cells[cells[F.REGION] == task.region].head(1))[0]
        caption = (
            f"{text('district_profile', lang)} for {name}, {when}: hver indikator "
            f"med konfidensintervall og verdien for {ref_name}."
            if nb
            else f"{text('district_profile', lang)} for {name}, {when}: every indicator "
            f"with its confidence interval and the value for {ref_name}."
        )
        alt = (
            f"Punktdiagram for {name}: én rad per indikator, med referanseverdien for {ref_name}."
            if nb
            else f"Dot chart for {name}: one row per indicator, with the value for {ref_name}."
        )
        return caption, alt
    ind = INDICATORS.get(task.indicator)
    # Indicators outside the registry (a user's own) are named by their id.
    title = ind.title(lang) if ind else task.indicator
    definition = ind.definition(lang) if ind else ""
    rows = frame[frame[F.INDICATOR] == task.indicator]
    unit = ind.unit(lang) if ind else ""
    if task.kind == "trend":
        periods = period_order(rows[F.PERIOD])
        sub = subtitle(
            unit=unit,
            age=task.age,
            period=period_span(periods[0], periods[-1], lang=lang),
            lang=lang,
        )
    elif task.kind == "profile":
        sub = subtitle(unit=unit, age="", period=task.period, sex="", lang=lang)
    else:
        sub = subtitle(unit=unit, age=task.age, period=task.period, lang=lang)
    caption = f"{title}, {sub}. {definition}".rstrip()
    if task.kind == "trend" and task.regions:
        chosen = rows[rows[F.REGION].isin(task.regions)].drop_duplicates(F.REGION)
        caption = f"{title} – {', '.join(display_names(chosen))}, {sub}. {definition}".rstrip()
    kind_name = (
        text("map" if has_map else "tiles", lang) if task.kind == "map" else text(task.kind, lang)
    )
    cells = rows[
        (rows[F.AGE] == task.age) & (rows[F.PERIOD] == task.period) & (rows[F.SEX] == "total")
    ]
    extremes = ""
    if task.kind in ("bars", "map", "funnel") and not cells.empty:
        ref_code, ref_value, ref_name = reference_row(cells)
        shown = districts_of(cells, ref_code)
        shown = shown[~shown[F.SUPPRESSED].to_numpy(dtype=bool)].sort_values(
            [F.VALUE, F.REGION], kind="mergesort"
        )
        if len(shown) >= 2:
            names = display_names(shown)
            values = shown[F.VALUE].to_numpy(dtype=float)
            high = f"{names[-1]} {format_value(values[-1], unit, lang=lang)}"
            low = f"{names[0]} {format_value(values[0], unit, lang=lang)}"
            ref = f"{ref_name} {format_value(ref_value, unit, lang=lang)}"
            extremes = (
                f" Høyest: {high}; lavest: {low}; {ref}."
                if nb
                else f" Highest: {high}; lowest: {low}; {ref}."
            )
    alt = f"{kind_name}: {title}, {sub}.{extremes}"
    return caption, alt


def write_figure_pack(
    frame: pd.DataFrame,
    folder: str | Path,
    *,
    trend_regions: Sequence[str] = (),
    formats: Sequence[str] = ("png", "svg"),
    lang: str = "nb",
    synthetic: bool = False,
    report: str | Path | None = None,
    title: str = "",
    boundaries: Boundaries | str | Path | None = None,
    district_profiles: bool = True,
    district_trends: bool = False,
    size: str | tuple[float, float] = "a4",
    workers: int | None = None,
) -> list[FigureFile]:
    """Draw the standard charts of every indicator in ``frame`` and save them.

    For each indicator: a district bar chart per age band for the latest
    period; for the widest age band a trend chart (the reference and
    ``trend_regions``), a funnel plot and a map (a tile map without
    ``boundaries``); an age × sex profile of the reference region. Across
    indicators: a barometer and one profile page per district. Many figures
    are drawn in parallel processes; each file depends only on its own
    figure, so the bytes are the same whatever the number of workers.

    Parameters
    ----------
    frame
        An IndicatorFrame that has been through disclosure control.
    folder
        Output folder (created).
    trend_regions
        Districts drawn beside the reference in trend charts.
    formats
        File formats (``png`` at :data:`PNG_DPI` dpi, ``svg``, ``pdf``).
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Mark every figure "Syntetiske data".
    report
        Also write a multi-page PDF of all figures here (needs ``png`` in
        ``formats``); None: no PDF.
    title
        Area name on the PDF's cover page.
    boundaries
        Polygons or a GeoJSON path for the maps.
    district_profiles
        Draw one profile page per district.
    district_trends
        Also draw, per indicator, one trend chart per district with at least
        one published period (the district against its reference).
    size
        ``"a4"`` (report width), ``"slide"`` (16:9) or ``(width, height)`` inches.
    workers
        Processes; default the CPUs available (at most 8).

    Returns
    -------
    list of FigureFile
        The figures written, in a stable order (overview first, then
        indicators in registry order).

    Raises
    ------
    DisclosureError
        The frame has not been through disclosure control.
    ValueError
        An unknown format, or ``report`` without ``png`` in ``formats``.
    """
    from utenforskap.geo.boundaries import read_boundaries

    require_disclosed(frame)
    for fmt in formats:
        check_choice("formats", fmt, FIGURE_FORMATS)
    if report is not None and "png" not in formats:
        raise ValueError(
            "report.pdf is made from the PNGs: add 'png' to formats or pass report=None"
        )
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    if boundaries is not None and not hasattr(boundaries, "shapes"):
        boundaries = read_boundaries(boundaries)
    tasks = _plan(frame, trend_regions, district_profiles, district_trends)
    state = {
        "frame": frame,
        "folder": target,
        "formats": tuple(formats),
        "lang": lang,
        "synthetic": synthetic,
        "size": size,
        "boundaries": boundaries,
    }
    results = _run_all(tasks, state, _workers(workers))
    written = [
        FigureFile(task.stem, paths, task.indicator, caption, alt, task.kind)
        for task, (paths, caption, alt) in zip(tasks, results, strict=True)
    ]
    if report is not None:
        write_report_pdf(written, report, title=title, lang=lang, synthetic=synthetic)
    return written


def _png_parts(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise DataError("not a PNG file", file=path)
    pos, width, height, idat = 8, 0, 0, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or colour != 2 or interlace != 0:
                raise DataError("report.pdf embeds 8-bit RGB, non-interlaced PNGs only", file=path)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    return width, height, b"".join(idat)


def _pdf_text(value: str) -> bytes:
    # A UTF-16 text string keeps æøå in the document title.
    return b"<" + ("\ufeff" + value).encode("utf-16-be").hex().upper().encode() + b">"


def write_report_pdf(
    figures: Sequence[FigureFile],
    path: str | Path,
    *,
    title: str = "",
    lang: str = "nb",
    synthetic: bool = False,
) -> Path:
    """Write the figures' PNGs as a multi-page PDF: a cover with contents, then one figure a page.

    The PNG pixels are embedded as they are (Flate with PNG predictors), so
    the pages look exactly like the PNG files; the file carries no dates.

    Parameters
    ----------
    figures
        Figures from :func:`write_figure_pack` (each needs a PNG).
    path
        The PDF to write.
    title
        Area name for the cover page and the document title.
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Say on the cover that the data are synthetic.

    Returns
    -------
    pathlib.Path
        The file written.

    References
    ----------
    ISO 32000-1:2008, sections 7.4.4 (FlateDecode predictors) and 8.9 (images).
    """
    import tempfile

    # Pages in the index's order: overview, then theme by theme.
    ordered = [fig for _, items in _themes(figures) for fig in items]
    pngs = []
    for fig in ordered:
        png = next((p for p in fig.files if p.suffix == ".png"), None)
        if png is None:
            raise DataError("report.pdf needs the PNG of every figure", value=fig.stem)
        pngs.append(png)
    heading = "Indikatorer for ungt utenforskap" if lang == "nb" else "Youth exclusion indicators"
    with tempfile.TemporaryDirectory() as scratch:
        cover = Path(scratch) / "cover.png"
        _cover(cover, heading, title, ordered, lang, synthetic)
        pages = [_png_parts(p) for p in (cover, *pngs)]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: list[int] = []

    def add(body: bytes, stream: bytes | None = None) -> int:
        offsets.append(len(out))
        number = len(offsets)
        out.extend(f"{number} 0 obj\n".encode() + body)
        if stream is not None:
            out.extend(b"\nstream\n" + stream + b"\nendstream")
        out.extend(b"\nendobj\n")
        return number

    n_pages = len(pages)
    # Fixed numbering: 1 catalog, 2 page tree, 3 info, then page/content/image per page.
    kids = " ".join(f"{4 + 3 * i} 0 R" for i in range(n_pages))
    add(b"<< /Type /Catalog /Pages 2 0 R >>")
    add(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    add(
        b"<< /Title "
        + _pdf_text(f"{heading} – {title}" if title else heading)
        + b" /Producer (utenforskap) >>"
    )
    for i, (width, height, idat) in enumerate(pages):
        content_no, image_no = 5 + 3 * i, 6 + 3 * i
        w_pt, h_pt = width * 72.0 / PNG_DPI, height * 72.0 / PNG_DPI
        content = f"q {w_pt:.3f} 0 0 {h_pt:.3f} 0 0 cm /Im0 Do Q".encode()
        page = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w_pt:.3f} {h_pt:.3f}] "
            f"/Resources << /XObject << /Im0 {image_no} 0 R >> >> "
            f"/Contents {content_no} 0 R >>"
        )
        add(page.encode())
        add(f"<< /Length {len(content)} >>".encode(), content)
        add(
            f"<< /Type /XObject /Subtype /Image /Width {width} /Height {height} "
            f"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode "
            f"/DecodeParms << /Predictor 15 /Colors 3 /BitsPerComponent 8 /Columns {width} >> "
            f"/Length {len(idat)} >>".encode(),
            idat,
        )
    xref = len(out)
    out.extend(f"xref\n0 {len(offsets) + 1}\n0000000000 65535 f \n".encode())
    out.extend(b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets))
    out.extend(
        f"trailer\n<< /Size {len(offsets) + 1} /Root 1 0 R /Info 3 0 R >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    target = Path(path)
    target.write_bytes(bytes(out))
    return target


def _cover(
    path: Path,
    heading: str,
    title: str,
    figures: Sequence[FigureFile],
    lang: str,
    synthetic: bool,
) -> None:
    from utenforskap.plot import house_style, new_figure

    themes = _themes(figures)
    with house_style():
        fig = new_figure("a4")
        fig.text(0.06, 0.86, heading, fontsize=18, fontweight="bold", va="top")
        fig.text(0.06, 0.76, title, fontsize=14, va="top")
        lines, page = [], 2
        for key, items in themes:
            word = "sider" if lang == "nb" else "pages"
            lines.append(f"{_theme_name(key, lang)}: {word} {page}–{page + len(items) - 1}")
            page += len(items)
        label = "Innhold" if lang == "nb" else "Contents"
        fig.text(0.06, 0.62, label, fontsize=10, fontweight="bold", va="top")
        fig.text(0.06, 0.56, "\n".join(lines), fontsize=9.5, va="top", linespacing=1.6)
        if synthetic:
            fig.text(
                0.06, 0.08, text("synthetic", lang), fontsize=11, color="#B00000", fontweight="bold"
            )
        _png(fig, path)


def _themes(figures: Sequence[FigureFile]) -> list[tuple[str, list[FigureFile]]]:
    groups: dict[str, list[FigureFile]] = {}
    for fig in figures:
        if not fig.indicator:
            theme = _OVERVIEW
        elif fig.indicator in INDICATORS:
            theme = INDICATORS[fig.indicator].theme
        else:
            theme = _OTHER
        groups.setdefault(theme, []).append(fig)
    return [(key, groups[key]) for key in (_OVERVIEW, *THEMES, _OTHER) if key in groups]


def _theme_name(key: str, lang: str) -> str:
    if key == _OVERVIEW:
        return "Oversikt" if lang == "nb" else "Overview"
    if key == _OTHER:
        return "Andre indikatorer" if lang == "nb" else "Other indicators"
    nb, en = THEMES[key]
    return nb if lang == "nb" else en


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;"
    "color:#222;line-height:1.45}h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:"
    "2px solid #0072B2;padding-bottom:.2rem}nav ul{columns:2;padding-left:1.2rem}"
    "figure{margin:1.5rem 0 2.5rem}img{max-width:100%;height:auto;border:1px solid #ddd}"
    "figcaption{font-size:.92rem;color:#333;margin-top:.4rem}.formats a{margin-right:.6rem}"
    ".synthetic{color:#b00000;font-weight:bold}"
)


def write_index(
    figures: Sequence[FigureFile],
    folder: str | Path,
    *,
    title: str,
    tables: Sequence[str] = (
        "../indicators.xlsx",
        "../indicators.csv",
        "../indicators.parquet",
        "../report.pdf",
    ),
    lang: str = "nb",
    synthetic: bool = False,
) -> Path:
    """Write ``index.html``: figures grouped by theme, with captions, alt text and table links.

    The page has no external assets (no scripts, fonts or style sheets
    fetched), so it opens offline from disk. Links to tables that do not exist
    in the output are left out.

    Parameters
    ----------
    figures
        Figures from :func:`write_figure_pack`.
    folder
        The figures folder.
    title
        Area name for the heading.
    tables
        Links (relative to the folder) to the tables and the PDF report.
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Say on the page that the data are synthetic.

    Returns
    -------
    pathlib.Path
        The page written.
    """
    esc = html.escape
    base = Path(folder)
    heading = "Indikatorer for ungt utenforskap" if lang == "nb" else "Youth exclusion indicators"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"nb" if lang == "nb" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(heading)} – {esc(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(heading)} – {esc(title)}</h1>",
    ]
    if synthetic:
        parts.append(f'<p class="synthetic">{esc(text("synthetic", lang))}</p>')
    present = [t for t in tables if (base / t).exists()]
    if present:
        links = " · ".join(f'<a href="{esc(t)}">{esc(Path(t).name)}</a>' for t in present)
        parts.append(
            f"<p>{'Tabeller og rapport' if lang == 'nb' else 'Tables and report'}: {links}</p>"
        )
    groups = _themes(figures)
    parts.append("<nav><ul>")
    parts += [
        f'<li><a href="#{key}">{esc(_theme_name(key, lang))}</a> ({len(items)})</li>'
        for key, items in groups
    ]
    parts.append("</ul></nav>")
    for key, items in groups:
        parts.append(f'<section id="{key}"><h2>{esc(_theme_name(key, lang))}</h2>')
        for fig in items:
            png = next((p for p in fig.files if p.suffix == ".png"), fig.files[0])
            size = ""
            if png.suffix == ".png" and png.exists():
                width, height, _ = _png_dimensions(png)
                size = f' width="{width // 2}" height="{height // 2}"'
            others = " ".join(
                f'<a href="{esc(p.name)}">{esc(p.suffix[1:].upper())}</a>' for p in fig.files
            )
            parts.append(
                f'<figure id="{esc(fig.stem)}"><img src="{esc(png.name)}"{size} '
                f'alt="{esc(fig.alt)}"><figcaption>{esc(fig.caption)} '
                f'<span class="formats">{others}</span></figcaption></figure>'
            )
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    path = base / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def _png_dimensions(path: Path) -> tuple[int, int, int]:
    with path.open("rb") as handle:
        head = handle.read(24)
    width, height = struct.unpack(">II", head[16:24])
    return width, height, 0
