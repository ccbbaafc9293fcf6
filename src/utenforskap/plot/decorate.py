"""Texts every published figure carries: title, subtitle, source, notes, synthetic mark."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from utenforskap.plot.labels import age_label, text, wrap
from utenforskap.select import age_in_title

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["decorate", "fit_axes", "frame_texts", "subtitle"]

_TITLE_PT = 12.0
_SUBTITLE_PT = 9.5
_FOOT_PT = 7.5
# Average glyph width of DejaVu Sans as a share of the font size (bold ≈ 0.62):
# enough to wrap long Norwegian titles before they run off the figure.
_GLYPH = {"bold": 0.62, "normal": 0.56}
_LINE = 1.3
_PAD_IN = 0.1


def subtitle(
    *,
    unit: str,
    age: str,
    period: str,
    sex: str = "total",
    lang: str = "nb",
    indicator: str | None = None,
) -> str:
    """Subtitle with unit, age band, period and sex, e.g. ``"prosent · 16-25 år · 2024"``.

    Parameters
    ----------
    unit
        Unit of the values (``"prosent, standardisert"`` for standardised rates).
    age
        Age band label, written out as a reader writes it (``8.–10. trinn``);
        ``""`` leaves it out (e.g. a chart over age bands).
    period
        Period label (a year or a pooled span).
    sex
        ``total``, ``male`` or ``female``; ``""`` leaves it out.
    lang
        ``"nb"`` or ``"en"``.
    indicator
        The indicator shown: when its title states the age band ("ved 21
        år"), the band is left out, so the age is not printed twice.

    Returns
    -------
    str
        The subtitle.

    Examples
    --------
    >>> subtitle(unit="prosent", age="16-25", period="2024")
    'prosent · 16-25 år · 2024 · begge kjønn'
    >>> subtitle(unit="prosent", age="8-10 trinn", period="2022-2024", sex="")
    'prosent · 8.–10. trinn · 2022-2024'
    >>> subtitle(unit="prosent", age="21", period="2024", indicator="upper_secondary_completed")
    'prosent · 2024 · begge kjønn'
    """
    if indicator is not None and age and age_in_title(indicator, age, lang=lang):
        age = ""
    parts = [unit, age_label(age, lang=lang), period, text(sex, lang) if sex else ""]
    return " · ".join(p for p in parts if p)


def _chars(width_in: float, points: float, weight: str) -> int:
    return max(int(width_in * 72.0 / (points * _GLYPH[weight])), 10)


def decorate(
    fig: Figure,
    *,
    title: str,
    subtitle: str,
    credit: str,
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
    credit
        The credit line, as :func:`utenforskap.sources.credit_line` writes it
        ("Kilde: SSB, tabell 13563; beregninger: utenforskap").
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
    rect = frame_texts(
        fig,
        title=title,
        subtitle=subtitle,
        credit=credit,
        lang=lang,
        suppressed=suppressed,
        synthetic=synthetic,
        notes=notes,
    )
    if layout:
        fit_axes(fig, rect)
    return fig


def fit_axes(fig: Figure, rect: tuple[float, float, float, float]) -> None:
    """Lay the axes out within ``rect`` (figure fractions), between header and footer.

    The figure's one chart (a 1 × 1 grid, as every figure of the package
    has) is measured once and placed where ``Figure.tight_layout(rect=rect)``
    places it, to the last bit; other layouts go through ``tight_layout``,
    which measures twice.

    Parameters
    ----------
    fig
        The figure.
    rect
        ``(left, bottom, right, top)`` as :func:`frame_texts` returns it.
    """
    if not fig.axes:
        return
    adjust = _single_chart_layout(fig, rect)
    if adjust is not None:
        if adjust:
            fig.subplots_adjust(**adjust)
        return
    with warnings.catch_warnings():
        # Axes that hold only a legend or a table cannot be fitted; the rest are.
        warnings.filterwarnings("ignore", message=".*tight_layout.*", category=UserWarning)
        fig.tight_layout(rect=rect, pad=_FIT_PAD, h_pad=0.8, w_pad=0.8)


# Padding around the fitted axes, as a fraction of the font size (as tight_layout's pad).
_FIT_PAD = 0.3


def _single_chart_layout(
    fig: Figure, rect: tuple[float, float, float, float]
) -> dict[str, float] | None:
    """The subplot parameters ``tight_layout(rect=rect, pad=0.3)`` sets for one Axes, 1 × 1 grid.

    ``tight_layout`` with a ``rect`` measures the axes twice, the second
    time only to turn the margins into the rect's; with one cell the second
    measure changes nothing, so the margins are measured once here and the
    same arithmetic applied (same floating-point steps, same result).

    Returns
    -------
    dict or None
        The keyword arguments for ``subplots_adjust`` (empty when
        ``tight_layout`` would give up: margins too large); None when the
        figure is not one chart in a 1 × 1 grid (use ``tight_layout``).
    """
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties
    from matplotlib.gridspec import GridSpec

    from utenforskap.plot._place import renderer_of

    if len(fig.axes) != 1 or fig.get_suptitle() or fig.get_supxlabel() or fig.get_supylabel():
        return None
    ax = fig.axes[0]
    spec = ax.get_subplotspec()
    if spec is None:
        return None
    spec = spec.get_topmost_subplotspec()
    grid = spec.get_gridspec()
    if not isinstance(grid, GridSpec) or grid.get_geometry() != (1, 1):
        return None
    if grid.locally_modified_subplot_params():
        return None
    if not ax.get_visible():
        return {}
    renderer = renderer_of(fig)
    cell = spec.get_position(fig)
    measured = ax.get_tightbbox(renderer, for_layout_only=True)
    if measured is None:
        return None
    tight = fig.transFigure.inverted().transform_bbox(measured)
    width, height = fig.get_size_inches()
    font_inch = FontProperties(size=mpl.rcParams["font.size"]).get_size_in_points() / 72
    pad = _FIT_PAD * font_inch
    # The first measure (no rect): margins around the figure.
    left = max(cell.xmin - tight.xmin, 0) + pad / width
    right = max(tight.xmax - cell.xmax, 0) + pad / width
    top = max(tight.ymax - cell.ymax, 0) + pad / height
    bottom = max(cell.ymin - tight.ymin, 0) + pad / height
    if left + right >= 1 or bottom + top >= 1:
        return {}
    first = {"left": left, "right": 1 - right, "bottom": bottom, "top": 1 - top}
    # The margins moved into the rect, as tight_layout's second call takes them.
    r_left, r_bottom, r_right, r_top = rect
    left2 = r_left + first["left"]
    bottom2 = r_bottom + first["bottom"]
    right2 = r_right - (1 - first["right"])
    top2 = r_top - (1 - first["top"])
    m_left = left2 if left2 else max(cell.xmin - tight.xmin, 0) + pad / width
    m_bottom = bottom2 if bottom2 else max(cell.ymin - tight.ymin, 0) + pad / height
    m_right = 1 - right2 if right2 else max(tight.xmax - cell.xmax, 0) + pad / width
    m_top = 1 - top2 if top2 else max(tight.ymax - cell.ymax, 0) + pad / height
    if m_left + m_right >= 1 or m_bottom + m_top >= 1:
        return {}
    return {"left": m_left, "right": 1 - m_right, "bottom": m_bottom, "top": 1 - m_top}


def frame_texts(
    fig: Figure,
    *,
    title: str,
    subtitle: str,
    credit: str,
    lang: str = "nb",
    suppressed: str = "",
    synthetic: bool = False,
    notes: tuple[str, ...] = (),
) -> tuple[float, float, float, float]:
    """Write the header and footer texts of :func:`decorate`; return the space left for the axes.

    Returns
    -------
    tuple of float
        ``(left, bottom, right, top)`` in figure fractions, for :func:`fit_axes`.
    """
    width_in, height_in = (float(v) for v in fig.get_size_inches())
    usable = width_in - 2 * _PAD_IN
    title_text = wrap(title, _chars(usable, _TITLE_PT, "bold"))
    sub_text = wrap(subtitle, _chars(usable, _SUBTITLE_PT, "normal"))
    foot_chars = _chars(usable, _FOOT_PT, "normal")
    foot_text = "\n".join(wrap(line, foot_chars) for line in (*notes, suppressed) if line)
    credit_text = wrap(credit, foot_chars)
    x0 = _PAD_IN / width_in
    y = 1.0 - _PAD_IN / height_in
    fig.text(x0, y, title_text, ha="left", va="top", fontsize=_TITLE_PT, fontweight="bold")
    y -= (title_text.count("\n") + 1) * _TITLE_PT * _LINE / 72.0 / height_in
    y -= 0.03 / height_in
    fig.text(x0, y, sub_text, ha="left", va="top", fontsize=_SUBTITLE_PT, color="#444444")
    y -= (sub_text.count("\n") + 1) * _SUBTITLE_PT * _LINE / 72.0 / height_in
    top = y - 0.08 / height_in
    # From the bottom up: the synthetic mark, the credit line, the notes.
    foot_line = _FOOT_PT * _LINE / 72.0 / height_in
    y_credit = _PAD_IN * 0.6 / height_in
    if synthetic:
        fig.text(
            x0,
            y_credit,
            text("synthetic", lang),
            ha="left",
            va="bottom",
            fontsize=8.5,
            color="#B00000",
            fontweight="bold",
            gid="synthetic",
        )
        y_credit += 8.5 * _LINE / 72.0 / height_in
    y_notes = y_credit + (credit_text.count("\n") + 1) * foot_line
    bottom = y_notes
    if foot_text:
        fig.text(
            x0,
            y_notes,
            foot_text,
            ha="left",
            va="bottom",
            fontsize=_FOOT_PT,
            color="#444444",
            gid="notes",
        )
        bottom += (foot_text.count("\n") + 1) * foot_line
    # The credit line is the figure's last text: the sources of exactly what is shown.
    fig.text(
        x0,
        y_credit,
        credit_text,
        ha="left",
        va="bottom",
        fontsize=_FOOT_PT,
        color="#444444",
        gid="credit",
    )
    bottom += 0.06 / height_in
    return (0.0, bottom, 1.0, top)
