"""The text pages of report.pdf, drawn as A4 matplotlib figures: cover, summary, method, frames."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from utenforskap.plot.labels import age_label, format_number, wrap
from utenforskap.plot.style import COLOURS
from utenforskap.select import age_in_title
from utenforskap.texts import text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from utenforskap.publish.summary import KeyFindings

__all__ = [
    "A4",
    "A4_LANDSCAPE",
    "Writer",
    "cover_page",
    "figure_frame",
    "format_date",
    "method_page",
    "summary_page",
]

#: A4 portrait and landscape in inches.
A4: tuple[float, float] = (8.27, 11.69)
A4_LANDSCAPE: tuple[float, float] = (11.69, 8.27)
#: Page margin in inches.
MARGIN = 0.75
_VERDICT_COLOURS = {
    "worse": COLOURS["worse"],
    "better": COLOURS["better"],
    "similar": "#555555",
    "not_tested": "#555555",
    "suppressed": "#777777",
}
# DejaVu Sans: an average glyph is about 0.55 em wide, a bold one about 0.62.
_EM = 0.55
_EM_BOLD = 0.62


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a findings table as dicts (named access, typed for the checker)."""
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def format_date(day: datetime.date, *, lang: str = "nb") -> str:
    """A date as a reader writes it: ``2.12.2026`` in Norwegian, ISO in English.

    Examples
    --------
    >>> import datetime
    >>> format_date(datetime.date(2026, 12, 2)), format_date(datetime.date(2026, 12, 2), lang="en")
    ('2.12.2026', '2026-12-02')
    """
    return text("date", lang, day=day.day, month=day.month, year=day.year)


@dataclass
class Writer:
    """Lines of text down a page, from the top margin: wraps to the page width.

    Attributes
    ----------
    fig
        The page.
    y
        The next line's top, in inches from the bottom.
    """

    fig: Figure
    y: float

    @property
    def width(self) -> float:
        return float(self.fig.get_size_inches()[0])

    @property
    def height(self) -> float:
        return float(self.fig.get_size_inches()[1])

    def chars(self, size: float, width: float | None = None, *, bold: bool = False) -> int:
        usable = width if width is not None else self.width - 2 * MARGIN
        return max(int(usable * 72.0 / (size * (_EM_BOLD if bold else _EM))), 10)

    def line(
        self,
        value: str,
        *,
        size: float = 10.0,
        x: float = MARGIN,
        width: float | None = None,
        gap: float = 0.0,
        advance: bool = True,
        **style: object,
    ) -> float:
        """Write ``value`` wrapped at ``x``; return its height in inches."""
        chars = self.chars(size, width, bold=style.get("fontweight") == "bold")
        wrapped = "\n".join(wrap(part, chars) for part in value.split("\n"))
        self.fig.text(
            x / self.width,
            self.y / self.height,
            wrapped,
            fontsize=size,
            va="top",
            ha="left",
            linespacing=1.35,
            **style,  # type: ignore[arg-type]
        )
        height = (wrapped.count("\n") + 1) * size * 1.35 / 72.0
        if advance:
            self.y -= height + gap
        return height

    def space(self, inches: float) -> None:
        self.y -= inches


def _page(size: tuple[float, float] = A4) -> tuple[Figure, Writer]:
    from utenforskap.plot import new_figure

    fig = new_figure(size)
    return fig, Writer(fig, size[1] - MARGIN)


def cover_page(
    *,
    heading: str,
    title: str,
    made: datetime.date | None,
    periods: str,
    sources: Sequence[str],
    contents: Sequence[tuple[str, int, int]],
    lang: str = "nb",
    synthetic: bool = False,
) -> Figure:
    """The cover: heading, kommune, date made, data periods, sources and contents.

    Parameters
    ----------
    heading, title
        The report's heading and the area's name.
    made
        The date the report was made (None: not printed).
    periods
        The line on data periods.
    sources
        Every source credited in the report.
    contents
        ``(section, first page, last page)``.
    lang
        ``"nb"`` or ``"en"``.
    synthetic
        Say that the data are synthetic.

    Returns
    -------
    matplotlib.figure.Figure
        An A4 page.
    """
    fig, w = _page()
    w.space(1.2)
    w.line(heading, size=22, fontweight="bold", gap=0.15)
    w.line(title, size=18, gap=0.35, color="#0072B2")
    if made is not None:
        w.line(text("made", lang, date=format_date(made, lang=lang)), size=11, gap=0.08)
    w.line(periods, size=11, gap=0.35)
    if sources:
        w.line(text("sources.head", lang), size=11, fontweight="bold", gap=0.05)
        w.line("\n".join(f"• {s}" for s in sources), size=9.5, gap=0.35)
    w.line(text("contents", lang), size=11, fontweight="bold", gap=0.08)
    for name, first, last in contents:
        pages = str(first) if first == last else f"{first}\u2013{last}"
        w.line(name, size=10, advance=False)
        w.line(pages, size=10, x=w.width - MARGIN - 0.6, gap=0.04)
    if synthetic:
        fig.text(
            MARGIN / w.width,
            MARGIN / w.height,
            text("synthetic", lang),
            fontsize=13,
            color="#B00000",
            fontweight="bold",
        )
    return fig


def _number(value: float, lang: str) -> str:
    return format_number(value, lang=lang) if np.isfinite(value) else "\u2013"


def summary_page(found: KeyFindings, *, lang: str = "nb", most: int = 6) -> Figure:
    """The one-page summary ("Hovedfunn"): kommune vs country, districts, trends.

    Parameters
    ----------
    found
        From :func:`~utenforskap.publish.summary.key_findings`.
    lang
        ``"nb"`` or ``"en"``.
    most
        At most this many districts and trends are listed.

    Returns
    -------
    matplotlib.figure.Figure
        An A4 page.
    """
    fig, w = _page()
    name = found.kommune_name
    level = format_number(found.level * 100, decimals=0, lang=lang)
    w.line(text("summary", lang), size=18, fontweight="bold", gap=0.2)
    versus = found.versus_country
    refs = [r for r in dict.fromkeys(versus["reference_name"]) if r]
    ref = refs[0] if refs else ""
    w.line(text("summary.versus", lang, name=name, ref=ref), size=12, fontweight="bold", gap=0.1)
    if versus.empty:
        w.line(text("summary.versus.none", lang, name=name), size=9.5, gap=0.2)
    else:
        cols = (MARGIN, 3.75, 5.25, 6.2)
        heads = (
            text("summary.head.indicator", lang),
            name,
            ref,
            text("summary.head.verdict", lang),
        )
        for x, head in zip(cols, heads, strict=True):
            w.line(head, size=8.5, x=x, advance=False, fontweight="bold", color="#444444")
        w.space(8.5 * 1.35 / 72 + 0.06)
        for row in _records(versus):
            head = row["title"]
            if not age_in_title(row["indicator"], row["age"], lang=lang):
                head += f" ({age_label(row['age'], lang=lang)})"
            head += f", {row['period']}"
            if np.isfinite(row["value"]):
                own = (
                    f"{_number(row['value'], lang)} "
                    f"({_number(row['ci_lower'], lang)}\u2013{_number(row['ci_upper'], lang)})"
                )
            else:
                own = text("suppressed", lang)
            h = w.line(head, size=8.5, width=cols[1] - cols[0] - 0.15, advance=False)
            w.line(own, size=8.5, x=cols[1], advance=False)
            w.line(_number(row["reference_value"], lang), size=8.5, x=cols[2], advance=False)
            w.line(
                text(f"verdict.{row['judgement']}", lang),
                size=8.5,
                x=cols[3],
                advance=False,
                color=_VERDICT_COLOURS[row["judgement"]],
                fontweight="bold" if row["judgement"] in ("worse", "better") else "normal",
            )
            w.space(h + 0.05)
    w.space(0.2)
    k = 2
    districts = found.worse_districts.head(most)
    w.line(text("summary.districts", lang, name=name, k=k), size=12, fontweight="bold", gap=0.1)
    if districts.empty:
        w.line(text("summary.districts.none", lang, name=name, k=k), size=9.5, gap=0.1)
    for row in _records(districts):
        line = text(
            "summary.district_line",
            lang,
            name=row["region_name"],
            n=row["n_worse"],
            shown=row["n_shown"],
            what=row["worse_on"],
        )
        w.line(f"• {line}", size=9, gap=0.05)
    w.space(0.2)
    w.line(text("summary.trends", lang, name=name), size=12, fontweight="bold", gap=0.1)
    clear = found.trends[found.trends["judgement"].isin(["worse", "better"])].head(most)
    if clear.empty:
        w.line(text("summary.trends.none", lang, name=name), size=9.5, gap=0.1)
    for row in _records(clear):
        line = text(
            "summary.trend_line",
            lang,
            title=row["title"],
            age=age_label(row["age"], lang=lang),
            first_value=_number(row["first_value"], lang),
            first=row["first"],
            last_value=_number(row["last_value"], lang),
            last=row["last"],
            verdict=text(f"change.{row['judgement']}", lang),
        )
        if age_in_title(row["indicator"], row["age"], lang=lang):
            line = line.replace(f" ({age_label(row['age'], lang=lang)})", "", 1)
        w.line(f"• {line}", size=9, gap=0.05)
    w.space(0.25)
    w.line(text("summary.note", lang, level=level), size=8.5, color="#444444")
    return fig


def method_page(
    *,
    level: float,
    method: str,
    rule: str,
    risk_method: str = "",
    lang: str = "nb",
) -> Figure:
    """The method page in plain words: intervals, comparisons, pooled years, prikking, sources.

    Parameters
    ----------
    level
        Confidence level (0.95).
    method
        Interval method's name (``Wilson``).
    rule
        The suppression rule in words.
    risk_method
        The risk index's method in words; ``""`` leaves the risk paragraph out.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    matplotlib.figure.Figure
        An A4 page.
    """
    fig, w = _page()
    pct = format_number(level * 100, decimals=0, lang=lang)
    w.line(text("method", lang), size=18, fontweight="bold", gap=0.25)
    parts = [
        ("method.intervals", {"level": pct, "method": method}),
        ("method.compare", {}),
        ("method.pooled", {}),
        ("method.suppressed", {"rule": rule}),
    ]
    if risk_method:
        parts.append(("method.risk", {"method": risk_method}))
    parts.append(("method.sources", {}))
    for key, fields in parts:
        w.line(text(f"{key}.head", lang), size=12, fontweight="bold", gap=0.06)
        w.line(text(key, lang, **fields), size=10, gap=0.22)
    return fig


def figure_frame(
    *,
    size: tuple[float, float],
    chart: tuple[float, float],
    header: str,
    caption: str,
    page: int,
    pages: int,
    lang: str = "nb",
) -> tuple[Figure, tuple[float, float, float, float]]:
    """An A4 page around one chart: running header, the caption below the chart, page number.

    Parameters
    ----------
    size
        The page (:data:`A4` or :data:`A4_LANDSCAPE`).
    chart
        The chart's width and height in inches.
    header
        The running header (theme and area).
    caption
        The figure's caption.
    page, pages
        This page's number and the report's page count.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    tuple
        The page, and the chart's rectangle ``(x0, y0, x1, y1)`` in points
        from the page's lower left corner (scaled down to fit when needed).
    """
    fig, w = _page(size)
    w.line(header, size=8, color="#666666", gap=0.12)
    top = w.y
    usable_w = w.width - 2 * MARGIN
    caption_chars = w.chars(9.0)
    caption_h = (wrap(caption, caption_chars).count("\n") + 1) * 9.0 * 1.35 / 72.0
    usable_h = top - MARGIN - 0.35 - caption_h - 0.15
    scale = min(1.0, usable_w / chart[0], usable_h / chart[1])
    cw, ch = chart[0] * scale, chart[1] * scale
    x0 = (w.width - cw) / 2.0
    y0 = top - ch
    w.y = y0 - 0.12
    w.line(caption, size=9.0, color="#222222")
    fig.text(
        0.5,
        (MARGIN * 0.6) / w.height,
        text("page", lang, n=page, total=pages),
        ha="center",
        va="bottom",
        fontsize=8,
        color="#666666",
    )
    rect = (x0 * 72.0, y0 * 72.0, (x0 + cw) * 72.0, (y0 + ch) * 72.0)
    return fig, rect
