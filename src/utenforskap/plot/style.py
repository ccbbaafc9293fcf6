"""House style: one matplotlib style as a context manager, colour-blind-safe colours, sizes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from utenforskap.errors import check_choice

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "COLOURS",
    "SEQUENTIAL",
    "SIZES",
    "comparison_colour",
    "comparison_key",
    "house_style",
    "new_figure",
]

#: Okabe–Ito colours (colour-blind safe) for comparisons and series.
COLOURS: dict[str, str] = {
    "worse": "#D55E00",
    "better": "#0072B2",
    "similar": "#BDBDBD",
    "not_tested": "#EBEBEB",
    "reference": "#000000",
    "suppressed": "#7F7F7F",
    "series": "#0072B2",
    "series2": "#E69F00",
    "series3": "#009E73",
    "series4": "#CC79A7",
    "female": "#CC79A7",
    "male": "#009E73",
    "total": "#555555",
    "text": "#222222",
    "muted": "#555555",
    "grid": "#E5E5E5",
}

#: Single-hue sequential classes (ColorBrewer "Blues", 3–7 classes): readable
#: for every kind of colour vision and in greyscale print.
SEQUENTIAL: dict[int, tuple[str, ...]] = {
    3: ("#DEEBF7", "#9ECAE1", "#3182BD"),
    4: ("#EFF3FF", "#BDD7E7", "#6BAED6", "#2171B5"),
    5: ("#EFF3FF", "#BDD7E7", "#6BAED6", "#3182BD", "#08519C"),
    6: ("#EFF3FF", "#C6DBEF", "#9ECAE1", "#6BAED6", "#3182BD", "#08519C"),
    7: ("#EFF3FF", "#C6DBEF", "#9ECAE1", "#6BAED6", "#4292C6", "#2171B5", "#084594"),
}

#: Figure sizes in inches: A4 report text width and a 16:9 slide.
SIZES: dict[str, tuple[float, float]] = {"a4": (6.3, 4.6), "slide": (10.0, 5.625)}

_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.labelcolor": COLOURS["text"],
    "axes.labelsize": 9,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "xtick.labelsize": 8.5,
    "ytick.labelsize": 8.5,
    "axes.grid": False,
    "legend.frameon": False,
    "legend.fontsize": 8,
    # Lay out at the PNG resolution: hinted text widths differ between dpis.
    "figure.dpi": 200,
    "figure.facecolor": "white",
    "savefig.dpi": 200,
    "savefig.facecolor": "white",
    "hatch.color": COLOURS["suppressed"],
    "hatch.linewidth": 0.6,
    # Fixed salt and glyphs as paths: the same SVG bytes on every run and machine.
    "svg.hashsalt": "utenforskap",
    "svg.fonttype": "path",
    "svg.id": "utenforskap",
    "pdf.fonttype": 42,
    "path.simplify": True,
}


def comparison_key(comparison: str, *, high_is_bad: bool) -> str:
    """The judgement a comparison means: ``worse``, ``better``, ``similar`` or ``not_tested``.

    Parameters
    ----------
    comparison
        ``higher``, ``lower``, ``similar`` or ``not_tested``.
    high_is_bad
        Direction of the indicator.

    Returns
    -------
    str
        A key of :data:`COLOURS` and of the figure texts.

    Examples
    --------
    >>> comparison_key("higher", high_is_bad=False)
    'better'
    """
    if comparison == "higher":
        return "worse" if high_is_bad else "better"
    if comparison == "lower":
        return "better" if high_is_bad else "worse"
    if comparison == "similar":
        return "similar"
    return "not_tested"


def comparison_colour(comparison: str, *, high_is_bad: bool) -> str:
    """Colour of a comparison result, respecting whether high values are bad.

    Parameters
    ----------
    comparison
        ``higher``, ``lower``, ``similar`` or ``not_tested``.
    high_is_bad
        Direction of the indicator.

    Returns
    -------
    str
        A hex colour from :data:`COLOURS`.
    """
    return COLOURS[comparison_key(comparison, high_is_bad=high_is_bad)]


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house style to figures created inside the ``with`` block.

    Examples
    --------
    >>> from utenforskap.plot import house_style
    >>> with house_style():
    ...     pass
    """
    import matplotlib as mpl

    rc = dict(_RC)
    if "svg.id" not in mpl.rcParams:
        rc.pop("svg.id")
    with mpl.rc_context(rc):  # type: ignore[arg-type]
        yield


def new_figure(size: str | tuple[float, float] = "a4") -> Figure:
    """A blank figure of a house size (call inside :func:`house_style`).

    Parameters
    ----------
    size
        ``"a4"`` (report width), ``"slide"`` (16:9) or ``(width, height)`` in inches.

    Returns
    -------
    matplotlib.figure.Figure
        A figure not managed by pyplot (no global state; garbage-collected).

    Raises
    ------
    ValueError
        An unknown size name.
    """
    from matplotlib.figure import Figure

    if isinstance(size, str):
        size = SIZES[check_choice("size", size, sorted(SIZES))]
    return Figure(figsize=size)
