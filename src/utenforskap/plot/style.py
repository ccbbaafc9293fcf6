"""House style: one matplotlib style as a context manager, colour-blind-safe colours, sizes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["COLOURS", "SIZES", "comparison_colour", "house_style"]

#: Okabe–Ito colours (colour-blind safe).
COLOURS: dict[str, str] = {
    "worse": "#D55E00",
    "better": "#0072B2",
    "similar": "#B8B8B8",
    "not_tested": "#E6E6E6",
    "reference": "#000000",
    "suppressed": "#7F7F7F",
    "series": "#0072B2",
    "series2": "#E69F00",
    "series3": "#009E73",
    "series4": "#CC79A7",
    "text": "#222222",
}

#: Figure sizes in inches: A4 report width and a 16:9 slide.
SIZES: dict[str, tuple[float, float]] = {"a4": (6.3, 4.2), "slide": (10.0, 5.625)}

_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9.5,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.labelcolor": COLOURS["text"],
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "axes.grid": False,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "svg.hashsalt": "utenforskap",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "path.simplify": True,
}


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
    if comparison == "higher":
        return COLOURS["worse" if high_is_bad else "better"]
    if comparison == "lower":
        return COLOURS["better" if high_is_bad else "worse"]
    if comparison == "similar":
        return COLOURS["similar"]
    return COLOURS["not_tested"]


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

    with mpl.rc_context(_RC):  # type: ignore[arg-type]
        yield
