"""Texts every published figure carries: title, subtitle, source, notes, synthetic mark."""

from __future__ import annotations

from typing import TYPE_CHECKING

from utenforskap.plot.labels import text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["decorate", "subtitle"]


def subtitle(*, unit: str, age: str, period: str, sex: str = "total", lang: str = "nb") -> str:
    """Subtitle with unit, age band, period and sex, e.g. ``"prosent · 16-25 år · 2024"``.

    Parameters
    ----------
    unit
        Unit of the values.
    age
        Age band label.
    period
        Period label (a year or a pooled span).
    sex
        ``total``, ``male`` or ``female``.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        The subtitle.
    """
    age_text = age if not age[:1].isdigit() or "trinn" in age else f"{age} {text('years', lang)}"
    parts = [unit, age_text, period, text(sex, lang)]
    return " · ".join(parts)


def decorate(
    fig: Figure,
    *,
    title: str,
    subtitle: str,
    source: str,
    lang: str = "nb",
    suppressed: bool = False,
    synthetic: bool = False,
    notes: tuple[str, ...] = (),
) -> Figure:
    """Put title, subtitle, source line, notes and the synthetic-data mark on a figure.

    Parameters
    ----------
    fig
        The figure.
    title, subtitle
        Top lines.
    source
        Text after "Kilde:"; "beregninger: utenforskap" is appended.
    lang
        ``"nb"`` or ``"en"``.
    suppressed
        Add the "prikket" note.
    synthetic
        Mark the figure "Syntetiske data".
    notes
        Extra lines above the source line.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig``.
    """
    fig.text(0.01, 0.985, title, ha="left", va="top", fontsize=12, fontweight="bold", wrap=True)
    fig.text(0.01, 0.925, subtitle, ha="left", va="top", fontsize=9.5, color="#444444")
    lines = list(notes)
    if suppressed:
        lines.append(text("suppressed_note", lang))
    lines.append(f"{text('source', lang)}: {source}; {text('computed', lang)}")
    fig.text(0.01, 0.012, "\n".join(lines), ha="left", va="bottom", fontsize=7.5, color="#444444")
    if synthetic:
        fig.text(
            0.99,
            0.012,
            text("synthetic", lang),
            ha="right",
            va="bottom",
            fontsize=9,
            color="#B00000",
            fontweight="bold",
        )
    return fig
