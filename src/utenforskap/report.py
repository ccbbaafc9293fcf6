"""The figure pack: one chart file per indicator view, and an offline index.html with captions."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from utenforskap import frames as F
from utenforskap.ages import parse_band
from utenforskap.disclosure import require_disclosed
from utenforskap.errors import DataError
from utenforskap.plot.labels import text
from utenforskap.registry import INDICATORS, THEMES

__all__ = ["FigureFile", "write_figure_pack", "write_index"]


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
        Registry id.
    caption
        Caption for the index page.
    alt
        Alternative text for the image.
    """

    stem: str
    files: tuple[Path, ...]
    indicator: str
    caption: str
    alt: str


def _save(fig: object, folder: Path, stem: str, formats: Sequence[str]) -> tuple[Path, ...]:
    paths = []
    for fmt in formats:
        path = folder / f"{stem}.{fmt}"
        # No timestamps or software versions inside the files: reruns give the same bytes.
        metadata = {
            "png": {"Software": None},
            "svg": {"Date": None, "Creator": None},
            "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
        }[fmt]
        fig.savefig(path, format=fmt, metadata=metadata)  # type: ignore[attr-defined]
        paths.append(path)
    return tuple(paths)


def _widest(bands: Sequence[str]) -> str:
    def width(label: str) -> int:
        try:
            low, high = parse_band(label)
        except DataError:
            return 0
        return high - low

    return max(bands, key=width)


def write_figure_pack(
    frame: pd.DataFrame,
    folder: str | Path,
    *,
    trend_regions: Sequence[str] = (),
    formats: Sequence[str] = ("png", "svg"),
    lang: str = "nb",
    synthetic: bool = False,
) -> list[FigureFile]:
    """Draw the standard charts of every indicator in ``frame`` and save them.

    For each indicator: a district bar chart per age band for the latest period,
    and a trend chart for the widest age band (the reference region and
    ``trend_regions``).

    Parameters
    ----------
    frame
        An IndicatorFrame that has been through disclosure control.
    folder
        Output folder (created).
    trend_regions
        Districts drawn beside the reference in trend charts.
    formats
        File formats (``png``, ``svg``, ``pdf``).
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Mark every figure "Syntetiske data".

    Returns
    -------
    list of FigureFile
        The figures written, in a stable order.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from utenforskap.plot import decorate, district_bars, house_style, subtitle, trend_lines
    from utenforskap.plot.bars import reference_row

    require_disclosed(frame)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    written: list[FigureFile] = []
    for ind_id in sorted(
        frame[F.INDICATOR].unique(),
        key=lambda i: (list(INDICATORS).index(i) if i in INDICATORS else 99, i),
    ):
        ind = INDICATORS[ind_id]
        rows = frame[frame[F.INDICATOR] == ind_id]
        latest = sorted(rows[F.PERIOD].unique())[-1]
        bands = list(dict.fromkeys(rows[F.AGE]))
        for band in bands:
            cells = rows[
                (rows[F.AGE] == band) & (rows[F.PERIOD] == latest) & (rows[F.SEX] == "total")
            ]
            if cells.empty:
                continue
            with house_style():
                fig, ax = plt.subplots(figsize=(6.3, 4.6))
                fig.subplots_adjust(left=0.22, right=0.97, top=0.84, bottom=0.2)
                district_bars(cells, lang=lang, ax=ax, high_is_bad=ind.high_is_bad)
                hidden = bool(cells[F.SUPPRESSED].any())
                sub = subtitle(unit=ind.unit(lang), age=band, period=latest, lang=lang)
                decorate(
                    fig,
                    title=ind.title(lang),
                    subtitle=sub,
                    source=ind.source_nb,
                    lang=lang,
                    suppressed=hidden,
                    synthetic=synthetic,
                )
                stem = f"{ind_id}_{_slug(band)}_{latest}_bars"
                files = _save(fig, target, stem, formats)
                plt.close(fig)
            _, _, ref_name = reference_row(cells)
            caption = f"{ind.title(lang)}, {sub}. {ind.definition(lang)}"
            alt = (
                f"Stolpediagram: {ind.title(lang)} per område, {band}, {latest}; "
                f"referanselinje for {ref_name}."
                if lang == "nb"
                else f"Bar chart: {ind.title(lang)} by district, {band}, {latest}; "
                f"reference line for {ref_name}."
            )
            written.append(FigureFile(stem, files, ind_id, caption, alt))
        band = _widest(bands)
        cells = rows[(rows[F.AGE] == band) & (rows[F.SEX] == "total")]
        ref_code, _, ref_name = reference_row(cells[cells[F.PERIOD] == latest])
        regions = [ref_code, *[r for r in trend_regions if r in set(cells[F.REGION])]]
        first, last = sorted(cells[F.PERIOD].unique())[0], latest
        with house_style():
            fig, ax = plt.subplots(figsize=(6.3, 4.2))
            fig.subplots_adjust(left=0.1, right=0.97, top=0.84, bottom=0.22)
            trend_lines(cells, regions=regions, lang=lang, ax=ax)
            sub = subtitle(unit=ind.unit(lang), age=band, period=f"{first}–{last}", lang=lang)
            decorate(
                fig,
                title=ind.title(lang),
                subtitle=sub,
                source=ind.source_nb,
                lang=lang,
                suppressed=bool(cells[cells[F.REGION].isin(regions)][F.SUPPRESSED].any()),
                synthetic=synthetic,
            )
            stem = f"{ind_id}_{_slug(band)}_trend"
            files = _save(fig, target, stem, formats)
            plt.close(fig)
        caption = f"{ind.title(lang)}, {sub}. {ind.definition(lang)}"
        alt = (
            f"Linjediagram: utvikling {first}–{last} for {ref_name} og utvalgte områder."
            if lang == "nb"
            else f"Line chart: trend {first}–{last} for {ref_name} and selected districts."
        )
        written.append(FigureFile(stem, files, ind_id, caption, alt))
    return written


def _slug(label: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in label.lower()).strip("-")


def write_index(
    figures: Sequence[FigureFile],
    folder: str | Path,
    *,
    title: str,
    tables: Sequence[str] = ("../indicators.csv", "../indicators.parquet"),
    lang: str = "nb",
    synthetic: bool = False,
) -> Path:
    """Write ``index.html``: figures grouped by theme, with captions, alt text and table links.

    The page has no external assets (no scripts, fonts or style sheets fetched),
    so it opens offline from disk.

    Parameters
    ----------
    figures
        Figures from :func:`write_figure_pack`.
    folder
        The figures folder.
    title
        Area name for the heading.
    tables
        Links (relative to the folder) to the tables.
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
    heading = "Indikatorer for ungt utenforskap" if lang == "nb" else "Youth exclusion indicators"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"nb" if lang == "nb" else "en"}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(heading)} – {esc(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
        "color:#222}figure{margin:1.5rem 0}img{max-width:100%;height:auto;border:1px solid #ddd}"
        "figcaption{font-size:.9rem;color:#444}.synthetic{color:#b00000;font-weight:bold}"
        "</style>",
        "</head>",
        "<body>",
        f"<h1>{esc(heading)} – {esc(title)}</h1>",
    ]
    if synthetic:
        parts.append(f'<p class="synthetic">{esc(text("synthetic", lang))}</p>')
    links = " · ".join(f'<a href="{esc(t)}">{esc(Path(t).name)}</a>' for t in tables)
    parts.append(f"<p>{'Tabeller' if lang == 'nb' else 'Tables'}: {links}</p>")
    by_theme: dict[str, list[FigureFile]] = {}
    for fig in figures:
        by_theme.setdefault(INDICATORS[fig.indicator].theme, []).append(fig)
    for theme, (nb, en) in THEMES.items():
        if theme not in by_theme:
            continue
        parts.append(f'<section id="{theme}"><h2>{esc(nb if lang == "nb" else en)}</h2>')
        for fig in by_theme[theme]:
            png = next((p for p in fig.files if p.suffix == ".png"), fig.files[0])
            others = " ".join(
                f'<a href="{esc(p.name)}">{esc(p.suffix[1:].upper())}</a>' for p in fig.files
            )
            parts.append(
                f'<figure id="{esc(fig.stem)}"><img src="{esc(png.name)}" alt="{esc(fig.alt)}">'
                f"<figcaption>{esc(fig.caption)} {others}</figcaption></figure>"
            )
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    path = Path(folder) / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
