"""index.html: the figures by theme with captions, alt texts and links, readable offline."""

from __future__ import annotations

import html
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from utenforskap.publish.themes import group_by_theme, theme_name
from utenforskap.sources import SOURCE, credit_line
from utenforskap.texts import LANGS, check_lang, text

if TYPE_CHECKING:
    import pandas as pd

    from utenforskap.publish.render import FigureFile

__all__ = ["write_index"]

_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;"
    "color:#222;line-height:1.45}h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:"
    "2px solid #0072B2;padding-bottom:.2rem}nav ul{columns:2;padding-left:1.2rem}"
    "figure{margin:1.5rem 0 2.5rem}img{max-width:100%;height:auto;border:1px solid #ddd}"
    "figcaption{font-size:.92rem;color:#333;margin-top:.4rem}.formats a{margin-right:.6rem}"
    ".synthetic{color:#b00000;font-weight:bold}"
)


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels, from the PNG's IHDR chunk."""
    with path.open("rb") as handle:
        head = handle.read(24)
    width, height = struct.unpack(">II", head[16:24])
    return width, height


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
    sources: pd.DataFrame | None = None,
) -> Path:
    """Write ``index.html``: figures grouped by theme, with captions, alt text and table links.

    The page has no external assets (no scripts, fonts or style sheets
    fetched), so it opens offline from disk. Links to tables that do not exist
    in the output are left out. Images are shown at half their pixel size
    (the PNGs are drawn at 200 dpi).

    Parameters
    ----------
    figures
        Figures from :func:`utenforskap.publish.write_figure_pack`.
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
    sources
        The run's source table (:func:`utenforskap.sources.source_table`): the
        page credits every source of the figures it shows. None: only the
        computation is credited.

    Returns
    -------
    pathlib.Path
        The page written.

    Examples
    --------
    >>> import tempfile
    >>> page = write_index([], tempfile.mkdtemp(), title="Eksempelkommune", lang="en")
    >>> "<h1>Youth exclusion indicators – Eksempelkommune</h1>" in page.read_text()
    True
    """
    esc = html.escape
    base = Path(folder)
    language = LANGS[check_lang(lang)]
    heading = text("heading", lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{language}">',
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
        parts.append(f"<p>{esc(text('links', lang))}: {links}</p>")
    groups = group_by_theme(figures)
    parts.append("<nav><ul>")
    parts += [
        f'<li><a href="#{key}">{esc(theme_name(key, lang=lang))}</a> ({len(items)})</li>'
        for key, items in groups
    ]
    parts.append("</ul></nav>")
    for key, items in groups:
        parts.append(f'<section id="{key}"><h2>{esc(theme_name(key, lang=lang))}</h2>')
        for fig in items:
            png = next((p for p in fig.files if p.suffix == ".png"), fig.files[0])
            size = ""
            if png.suffix == ".png" and png.exists():
                width, height = _png_size(png)
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
    names = () if sources is None or sources.empty else tuple(dict.fromkeys(sources[SOURCE]))
    parts.append(f'<p class="credit">{esc(credit_line(names, lang=lang))}</p>')
    parts += ["</body>", "</html>", ""]
    path = base / "index.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
