"""index.html: a page that explains itself — date, introduction, how to read, findings, figures."""

from __future__ import annotations

import datetime
import html
import struct
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from utenforskap.publish.themes import group_by_theme, theme_name
from utenforskap.sources import SOURCE, credit_line
from utenforskap.texts import LANGS, check_lang, text

if TYPE_CHECKING:
    from utenforskap.publish.render import FigureFile

__all__ = ["DOWNLOADS", "write_index"]

#: Files the page links to (relative to the figures folder) and their labels' text ids.
DOWNLOADS: tuple[tuple[str, str], ...] = (
    ("../report.pdf", "download.report"),
    ("../slides.pptx", "download.slides"),
    ("../indicators.xlsx", "download.xlsx"),
    ("../indicators.csv", "download.csv"),
    ("../indicators.parquet", "download.parquet"),
)

_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;"
    "color:#222;line-height:1.45}h1{font-size:1.6rem;margin-bottom:.2rem}"
    "h2{margin-top:2.5rem;border-bottom:2px solid #0072B2;padding-bottom:.2rem}"
    ".meta{color:#555;margin-top:0}nav ul{columns:2;padding-left:1.2rem}"
    "figure{margin:1.5rem 0 2.5rem}img{max-width:100%;height:auto;border:1px solid #ddd}"
    "figcaption{font-size:.92rem;color:#333;margin-top:.4rem}.formats a{margin-right:.6rem}"
    ".synthetic{color:#b00000;font-weight:bold}.downloads a{margin-right:1.2rem}"
    ".key{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;margin-right:.3em;"
    "border:1px solid #333}.worse{background:#D55E00}.better{background:#0072B2}"
    ".similar{background:#BBBBBB}.hatched{background:repeating-linear-gradient(45deg,#fff 0 3px,"
    "#888 3px 4px)}table{border-collapse:collapse;font-size:.92rem}td,th{padding:.2rem .6rem;"
    "text-align:left;border-bottom:1px solid #ddd}td.n{text-align:right}"
    ".v-worse{color:#B34700;font-weight:bold}.v-better{color:#005A8C;font-weight:bold}"
)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a findings table as dicts (named access, typed for the checker)."""
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height in pixels, from the PNG's IHDR chunk."""
    with path.open("rb") as handle:
        head = handle.read(24)
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def _findings(data: pd.DataFrame, lang: str) -> list[str]:
    """The key findings as HTML: the kommune against the country, districts, trends."""
    from utenforskap.plot.labels import age_label, format_number
    from utenforskap.publish.summary import key_findings
    from utenforskap.select import age_in_title

    esc = html.escape
    found = key_findings(data, lang=lang)
    name = found.kommune_name
    versus = found.versus_country
    refs = [r for r in dict.fromkeys(versus["reference_name"]) if r]
    ref = refs[0] if refs else ""
    parts = [f'<section id="summary"><h2>{esc(text("summary", lang))}</h2>']
    parts.append(f"<h3>{esc(text('summary.versus', lang, name=name, ref=ref))}</h3>")
    parts.append(
        "<table><tr>"
        + "".join(
            f"<th>{esc(h)}</th>"
            for h in (
                text("summary.head.indicator", lang),
                name,
                ref,
                text("summary.head.verdict", lang),
            )
        )
        + "</tr>"
    )
    for row in _records(versus):
        head = row["title"]
        if not age_in_title(row["indicator"], row["age"], lang=lang):
            head += f" ({age_label(row['age'], lang=lang)})"
        value = (
            format_number(row["value"], lang=lang)
            if pd.notna(row["value"])
            else text("suppressed", lang)
        )
        other = (
            format_number(row["reference_value"], lang=lang)
            if pd.notna(row["reference_value"])
            else ""
        )
        parts.append(
            f'<tr><td>{esc(head)}, {esc(row["period"])}</td><td class="n">{esc(value)}</td>'
            f'<td class="n">{esc(other)}</td><td class="v-{row["judgement"]}">'
            f"{esc(text('verdict.' + row['judgement'], lang))}</td></tr>"
        )
    parts.append("</table>")
    parts.append(f"<h3>{esc(text('summary.districts', lang, name=name, k=2))}</h3><ul>")
    districts = found.worse_districts
    if districts.empty:
        parts.append(f"<li>{esc(text('summary.districts.none', lang, name=name, k=2))}</li>")
    for row in _records(districts):
        line = text(
            "summary.district_line",
            lang,
            name=row["region_name"],
            n=row["n_worse"],
            shown=row["n_shown"],
            what=row["worse_on"],
        )
        parts.append(f"<li>{esc(line)}</li>")
    parts.append(f"</ul><h3>{esc(text('summary.trends', lang, name=name))}</h3><ul>")
    clear = found.trends[found.trends["judgement"].isin(["worse", "better"])].head(6)
    if clear.empty:
        parts.append(f"<li>{esc(text('summary.trends.none', lang, name=name))}</li>")
    for row in _records(clear):
        line = text(
            "summary.trend_line",
            lang,
            title=row["title"],
            age=age_label(row["age"], lang=lang),
            first_value=format_number(row["first_value"], lang=lang),
            first=row["first"],
            last_value=format_number(row["last_value"], lang=lang),
            last=row["last"],
            verdict=text(f"change.{row['judgement']}", lang),
        )
        if age_in_title(row["indicator"], row["age"], lang=lang):
            line = line.replace(f" ({age_label(row['age'], lang=lang)})", "", 1)
        parts.append(f"<li>{esc(line)}</li>")
    level = format_number(found.level * 100, decimals=0, lang=lang)
    parts.append(f'</ul><p class="meta">{esc(text("summary.note", lang, level=level))}</p>')
    parts.append("</section>")
    return parts


def _how_to_read(lang: str, level: str, rule: str, method: str) -> list[str]:
    esc = html.escape
    keys = (
        ("worse", text("verdict.worse", lang)),
        ("better", text("verdict.better", lang)),
        ("similar", text("verdict.similar", lang)),
        ("hatched", text("suppressed", lang)),
    )
    legend = " ".join(f'<span class="key {cls}"></span>{esc(label)}' for cls, label in keys)
    parts = [f'<section id="read"><h2>{esc(text("read.head", lang))}</h2>', f"<p>{legend}</p>"]
    for key, fields in (
        ("method.compare", {}),
        ("method.intervals", {"level": level, "method": method}),
        ("read.funnel", {}),
        ("method.pooled", {}),
    ):
        parts.append(f"<p>{esc(text(key, lang, **fields))}</p>")
    parts.append(f"<p>{esc(text('method.suppressed', lang, rule=rule))}</p>")
    parts.append("</section>")
    return parts


def write_index(
    figures: Sequence[FigureFile],
    folder: str | Path,
    *,
    title: str,
    tables: Sequence[str] | None = None,
    lang: str = "nb",
    synthetic: bool = False,
    sources: pd.DataFrame | None = None,
    data: pd.DataFrame | None = None,
    made: datetime.date | None = None,
) -> Path:
    """Write ``index.html``: a page that explains itself, then the figures by theme.

    The page says what it is (area, date made, an introduction), links to
    the report, the deck and the tables that exist, explains how to read
    the colours, intervals, funnel plots and "prikket", gives the key
    findings (with ``data``), and then shows every figure with a caption
    that says what that kind of chart shows, its alternative text and
    links to its files. It has no external assets (no scripts, fonts or
    style sheets fetched), so it opens offline from disk. Images are shown
    at half their pixel size (the PNGs are drawn at 200 dpi).

    Parameters
    ----------
    figures
        Figures from :func:`utenforskap.publish.write_figure_pack`.
    folder
        The figures folder.
    title
        Area name for the heading.
    tables
        Links (relative to the folder) to offer; default :data:`DOWNLOADS`.
        Files that do not exist are left out.
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Say on the page that the data are synthetic.
    sources
        The run's source table (:func:`utenforskap.sources.source_table`): the
        page credits every source of the figures it shows. None: only the
        computation is credited.
    data
        The published IndicatorFrame: the key findings and the confidence
        level and suppression rule in the explanations; None leaves the
        findings out.
    made
        The date the outputs were made; None prints no date.

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
    from utenforskap.plot.labels import format_number
    from utenforskap.publish.pages import format_date

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
    if made is not None:
        parts.append(
            f'<p class="meta">{esc(text("made", lang, date=format_date(made, lang=lang)))}</p>'
        )
    if synthetic:
        parts.append(f'<p class="synthetic">{esc(text("synthetic", lang))}</p>')
    parts.append(f"<p>{esc(text('intro', lang, name=title))}</p>")
    offered = (
        [(t, "") for t in tables] if tables is not None else [(t, key) for t, key in DOWNLOADS]
    )
    present = [(t, key) for t, key in offered if (base / t).exists()]
    if present:
        links = "".join(
            f'<a href="{esc(t)}">{esc(text(key, lang) if key else Path(t).name)}</a>'
            for t, key in present
        )
        parts.append(f'<p class="downloads"><b>{esc(text("downloads", lang))}:</b> {links}</p>')
    groups = group_by_theme(figures)
    nav = ['<nav><ul><li><a href="#read">' + esc(text("read.head", lang)) + "</a></li>"]
    if data is not None:
        nav.append(f'<li><a href="#summary">{esc(text("summary", lang))}</a></li>')
    nav += [
        f'<li><a href="#{key}">{esc(theme_name(key, lang=lang))}</a> ({len(items)})</li>'
        for key, items in groups
    ]
    parts += [*nav, "</ul></nav>"]
    level = "95"
    rule = text("rule.default", lang, k=5)
    method = "Wilson"
    if data is not None and not data.empty:
        from utenforskap import frames as F
        from utenforskap.disclosure import legend_note

        levels = data[F.CI_LEVEL].dropna().unique()
        if len(levels):
            level = format_number(float(levels[0]) * 100, decimals=0, lang=lang)
        rule = legend_note(data, lang).split(":", 1)[-1].strip().rstrip(".") or rule
        methods = sorted({str(m).title() for m in data[F.CI_METHOD].dropna() if m})
        method = ", ".join(methods) or method
    parts += _how_to_read(lang, level, rule, method)
    if data is not None and not data.empty:
        parts += _findings(data, lang)
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
