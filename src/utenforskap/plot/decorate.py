"""Texts every published figure carries: title, subtitle, source, notes, synthetic mark."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from utenforskap.plot.labels import age_label, text, wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["decorate", "subtitle"]

_TITLE_PT = 12.0
_SUBTITLE_PT = 9.5
_FOOT_PT = 7.5
# Average glyph width of DejaVu Sans as a share of the font size (bold ≈ 0.62):
# enough to wrap long Norwegian titles before they run off the figure.
_GLYPH = {"bold": 0.62, "normal": 0.56}
_LINE = 1.3
_PAD_IN = 0.1


def subtitle(*, unit: str, age: str, period: str, sex: str = "total", lang: str = "nb") -> str:
    """Subtitle with unit, age band, period and sex, e.g. ``"prosent · 16-25 år · 2024"``.

    Parameters
    ----------
    unit
        Unit of the values.
    age
        Age band label; ``""`` leaves it out (e.g. a chart over age bands).
    period
        Period label (a year or a pooled span).
    sex
        ``total``, ``male`` or ``female``; ``""`` leaves it out.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        The subtitle.

    Examples
    --------
    >>> subtitle(unit="prosent", age="16-25", period="2024")
    'prosent · 16-25 år · 2024 · begge kjønn'
    """
    parts = [unit, age_label(age, lang=lang), period, text(sex, lang) if sex else ""]
    return " · ".join(p for p in parts if p)


def _chars(width_in: float, points: float, weight: str) -> int:
    return max(int(width_in * 72.0 / (points * _GLYPH[weight])), 10)


def decorate(
    fig: Figure,
    *,
    title: str,
    subtitle: str,
    source: str,
    lang: str = "nb",
    suppressed: str = "",
    synthetic: bool = False,
    notes: tuple[str, ...] = (),
    layout: bool = True,
) -> Figure:
    """Put title, subtitle, source line, notes and the synthetic-data mark on a figure.

    Long titles and notes are wrapped to the figure's width, and the axes are
    laid out in the space left between the header and the footer.

    Parameters
    ----------
    fig
        The figure, with its charts drawn.
    title, subtitle
        Top lines.
    source
        Text after "Kilde:"; "beregninger: utenforskap" is appended.
    lang
        ``"nb"`` or ``"en"``.
    suppressed
        The "prikket" note (from :func:`utenforskap.disclosure.legend_note`);
        ``""`` when no cell is hidden.
    synthetic
        Mark the figure "Syntetiske data".
    notes
        Extra lines above the source line.
    layout
        Fit the axes between header and footer (``tight_layout`` within them).

    Returns
    -------
    matplotlib.figure.Figure
        ``fig``.
    """
    width_in, height_in = (float(v) for v in fig.get_size_inches())
    usable = width_in - 2 * _PAD_IN
    title_text = wrap(title, _chars(usable, _TITLE_PT, "bold"))
    sub_text = wrap(subtitle, _chars(usable, _SUBTITLE_PT, "normal"))
    foot_chars = _chars(usable, _FOOT_PT, "normal")
    foot = [wrap(line, foot_chars) for line in (*notes, suppressed) if line]
    foot.append(wrap(f"{text('source', lang)}: {source}; {text('computed', lang)}", foot_chars))
    foot_text = "\n".join(foot)
    x0 = _PAD_IN / width_in
    y = 1.0 - _PAD_IN / height_in
    fig.text(x0, y, title_text, ha="left", va="top", fontsize=_TITLE_PT, fontweight="bold")
    y -= (title_text.count("\n") + 1) * _TITLE_PT * _LINE / 72.0 / height_in
    y -= 0.03 / height_in
    fig.text(x0, y, sub_text, ha="left", va="top", fontsize=_SUBTITLE_PT, color="#444444")
    y -= (sub_text.count("\n") + 1) * _SUBTITLE_PT * _LINE / 72.0 / height_in
    top = y - 0.08 / height_in
    bottom_y = _PAD_IN * 0.6 / height_in
    if synthetic:
        fig.text(
            x0,
            bottom_y,
            text("synthetic", lang),
            ha="left",
            va="bottom",
            fontsize=8.5,
            color="#B00000",
            fontweight="bold",
            gid="synthetic",
        )
        bottom_y += 8.5 * _LINE / 72.0 / height_in
    fig.text(x0, bottom_y, foot_text, ha="left", va="bottom", fontsize=_FOOT_PT, color="#444444")
    bottom = bottom_y + (foot_text.count("\n") + 1) * _FOOT_PT * _LINE / 72.0 / height_in
    bottom += 0.06 / height_in
    if layout and fig.axes:
        with warnings.catch_warnings():
            # Axes that hold only a legend or a table cannot be fitted; the rest are.
            warnings.filterwarnings("ignore", message=".*tight_layout.*", category=UserWarning)
            fig.tight_layout(rect=(0.0, bottom, 1.0, top), pad=0.3, h_pad=0.8, w_pad=0.8)
    return fig
