"""Pieces every chart shares: the disclosure gate, reference lines, cell states, the measure."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.plot.labels import format_value, text
from utenforskap.plot.style import COLOURS
from utenforskap.select import Reference, hidden_cells, is_standardised

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = ["CellStates", "cell_states", "gate", "reference_lines", "unit_text"]


def gate(data: pd.DataFrame, chart: str) -> pd.DataFrame:
    """Refuse rows that have not passed disclosure control, naming the chart and what to do.

    Parameters
    ----------
    data
        The rows about to be drawn.
    chart
        The public function drawing them (named in the message).

    Returns
    -------
    pandas.DataFrame
        ``data``.

    Raises
    ------
    utenforskap.disclosure.DisclosureError
        No disclosure record, or rows changed after suppression (see
        :func:`utenforskap.disclosure.require_disclosed`).
    """
    from utenforskap.disclosure import DisclosureError, require_disclosed

    try:
        return require_disclosed(data)
    except DisclosureError as err:
        reason = str(err).replace("refusing to write", "refusing to draw")
        raise DisclosureError(
            f"{chart}: {reason}. Charts draw only frames returned by ut.suppress(data, rules) "
            "(utenforskap.disclosure.suppress): call ut.suppress first"
        ) from None


class CellStates:
    """Which rows a chart draws as a value, as "prikket", or as "no data".

    Attributes
    ----------
    hidden
        Suppressed here or hidden by the publisher (status ``:``): never a value.
    shown
        A finite value that may be drawn.
    missing
        Neither: the value is not known (status ``..``, a blank published rate).
    """

    def __init__(self, data: pd.DataFrame) -> None:
        self.hidden = hidden_cells(data)
        value = data[F.VALUE].to_numpy(dtype=float)
        self.shown = ~self.hidden & np.isfinite(value)
        self.missing = ~self.hidden & ~self.shown


def cell_states(data: pd.DataFrame) -> CellStates:
    """The :class:`CellStates` of ``data``'s rows."""
    return CellStates(data)


def unit_text(unit: str, data: pd.DataFrame, measure: str | None, lang: str) -> str:
    """The unit as a subtitle prints it, with "standardisert" for standardised rates.

    Parameters
    ----------
    unit
        The indicator's unit ("prosent").
    data
        Rows shown (a ``measure`` column is read when present).
    measure
        The publisher's measure label given by the caller.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        E.g. ``"prosent, standardisert"``.
    """
    if is_standardised(data, measure):
        word = text("standardised", lang)
        return f"{unit}, {word}" if unit else word
    return unit


def reference_lines(
    ax: Axes,
    refs: Sequence[Reference],
    *,
    unit: str,
    lang: str,
    first_is_main: bool = True,
) -> list[Artist]:
    """Draw vertical reference lines (the reference dashed and black, larger regions grey).

    Parameters
    ----------
    ax
        The axes (values on the x axis).
    refs
        References with finite values, the main reference first.
    unit
        The indicator's unit, for the legend's value.
    lang
        ``"nb"`` or ``"en"``.
    first_is_main
        The first reference is the one the bars are compared with (gid
        ``reference``, dashed black); the others are context (gid
        ``reference-<code>``: dotted for a fylke, dash-dotted for the country).

    Returns
    -------
    list
        Legend handles labelled "name: value".
    """
    from matplotlib.lines import Line2D

    handles: list[Artist] = []
    for i, ref in enumerate(refs):
        if not np.isfinite(ref.value):
            continue
        main = first_is_main and i == 0
        style: Literal["--", "-.", ":"]
        if main:
            style, colour, width, gid = "--", COLOURS["reference"], 1.2, "reference"
        else:
            style = "-." if ref.code == "0" else ":"
            colour, width, gid = COLOURS["muted"], 1.4, f"reference-{ref.code}"
        ax.axvline(ref.value, color=colour, linewidth=width, linestyle=style, gid=gid, zorder=2.5)
        handles.append(
            Line2D(
                [],
                [],
                color=colour,
                linestyle=style,
                linewidth=width,
                label=f"{ref.name}: {format_value(ref.value, unit, lang=lang)}",
            )
        )
    return handles
