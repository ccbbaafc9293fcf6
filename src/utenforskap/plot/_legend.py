"""Legend pieces shared by the charts: comparison swatches, the hidden-cell swatch, placement."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from utenforskap.plot.labels import text
from utenforskap.plot.style import COLOURS, comparison_key

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.legend import Legend

__all__ = [
    "HATCH",
    "comparison_handles",
    "figure_width",
    "hidden_handle",
    "judgement_handles",
    "legend_below",
]

#: Hatch pattern of hidden ("prikket") cells in every chart.
HATCH = "////"

_ORDER = ("worse", "similar", "better", "not_tested")


def comparison_handles(
    comparisons: Iterable[str], *, high_is_bad: bool, reference: str, lang: str
) -> list[Artist]:
    """One swatch per judgement that occurs, in a fixed order (worse, similar, better, untested).

    Parameters
    ----------
    comparisons
        ``comparison`` values drawn.
    high_is_bad
        Direction of the indicator.
    reference
        Reference name used in the labels ("Dårligere enn Oslo").
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    list
        Patches for a legend.
    """
    keys = {comparison_key(str(c), high_is_bad=high_is_bad) for c in comparisons}
    return judgement_handles(keys, reference=reference, lang=lang)


def judgement_handles(keys: Iterable[object], *, reference: str, lang: str) -> list[Artist]:
    """One swatch per judgement (``worse``, ``similar``, ``better``, ``not_tested``) in ``keys``.

    Parameters
    ----------
    keys
        Judgements that occur; other values are ignored.
    reference
        Reference name used in the labels.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    list
        Patches for a legend, in a fixed order.
    """
    from matplotlib.patches import Patch

    present = set(keys)
    ref = reference or text("reference", lang)
    return [
        Patch(color=COLOURS[key], label=text(key, lang, ref=ref))
        for key in _ORDER
        if key in present
    ]


def hidden_handle(lang: str) -> Artist:
    """The legend swatch for hidden cells: white with grey hatching, labelled "prikket"."""
    from matplotlib.patches import Patch

    return Patch(
        facecolor="white",
        edgecolor=COLOURS["suppressed"],
        hatch=HATCH,
        linewidth=0.6,
        label=text("suppressed", lang),
    )


def legend_below(
    ax: Axes, handles: Sequence[Artist], *, offset_pt: float = 16.0, ncol: int | None = None
) -> Legend:
    """Put a legend under the axes (below the tick labels), where it cannot cover data.

    Parameters
    ----------
    ax
        The axes.
    handles
        Legend handles with labels.
    offset_pt
        Distance below the axes' bottom edge, in points.
    ncol
        Columns; default as many as fit the figure's width with the longest label.

    Returns
    -------
    matplotlib.legend.Legend
        The legend.
    """
    from matplotlib.transforms import ScaledTranslation

    if ncol is None:
        longest = max((len(str(h.get_label())) for h in handles), default=10)
        # Legend text is 8 pt; a glyph is about 0.56 em wide, plus the swatch.
        column_in = (longest * 0.56 * 8.0 + 34.0) / 72.0
        # The legend starts at the axes' left edge, right of the y tick labels:
        # names set as fixed labels are measured, numbers take about five glyphs.
        from matplotlib.ticker import FixedFormatter

        formatter = ax.yaxis.get_major_formatter()
        ticks = [str(t) for t in formatter.seq] if isinstance(formatter, FixedFormatter) else []
        size = 8.5
        if ticks and ax.yaxis.get_majorticklabels():
            size = float(ax.yaxis.get_majorticklabels()[0].get_fontsize())
        widest = max((len(line) for t in ticks for line in t.split("\n")), default=5)
        usable_in = figure_width(ax) * 0.96 - (widest * 0.56 * size + 12.0) / 72.0
        ncol = max(1, min(len(handles), int(usable_in // column_in)))
    shift = ScaledTranslation(0.0, -offset_pt / 72.0, ax.figure.dpi_scale_trans)
    return ax.legend(
        handles=list(handles),
        loc="upper left",
        bbox_to_anchor=(0.0, 0.0),
        bbox_transform=ax.transAxes + shift,
        ncol=ncol,
        borderaxespad=0.0,
        handlelength=1.6,
        columnspacing=1.2,
    )


def figure_width(ax: Axes) -> float:
    """Width in inches of the figure holding ``ax`` (the A4 width when it has none)."""
    fig = ax.get_figure(root=True)
    return float(fig.get_size_inches()[0]) if fig is not None else 6.3
