"""District bar chart: sorted bars, interval whiskers, reference line, hidden cells marked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.plot._select import select, single
from utenforskap.plot.labels import format_number, format_percent, text
from utenforskap.plot.style import COLOURS, comparison_colour
from utenforskap.registry import INDICATORS

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes

__all__ = ["district_bars", "reference_row"]

_HATCH = "////"


def reference_row(rows: pd.DataFrame) -> tuple[str, float, str]:
    """The reference shared by most rows: its code, value and display name.

    Parameters
    ----------
    rows
        IndicatorFrame rows of one indicator, period, age band and sex.

    Returns
    -------
    tuple
        ``(code, value, name)``; value is NaN when unknown.
    """
    refs = rows[F.REFERENCE][rows[F.REFERENCE] != ""]
    if refs.empty:
        return "", float("nan"), ""
    code = str(refs.value_counts(sort=True).index[0])
    own = rows[rows[F.REGION] == code]
    if not own.empty and not bool(own[F.SUPPRESSED].iloc[0]):
        value = float(own[F.VALUE].iloc[0])
        name = str(own[F.REGION_NAME].iloc[0]) or code
    else:
        finite = rows.loc[rows[F.REFERENCE] == code, F.REFERENCE_VALUE].dropna()
        value = float(finite.iloc[0]) if not finite.empty else float("nan")
        name = str(own[F.REGION_NAME].iloc[0]) if not own.empty else code
    return code, value, name or code


def district_bars(
    data: pd.DataFrame,
    *,
    indicator: str | None = None,
    period: str | None = None,
    age: str | None = None,
    sex: str = "total",
    high_is_bad: bool | None = None,
    lang: str = "nb",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars of the districts of one reference region, sorted by value.

    Parameters
    ----------
    data
        An IndicatorFrame that has been through disclosure control.
    indicator, period, age
        Which cells to draw; may be omitted when ``data`` holds only one.
    sex
        ``total``, ``male`` or ``female``.
    high_is_bad
        Direction for colouring; default from the indicator registry.
    lang
        ``"nb"`` or ``"en"`` for labels and number format.
    ax
        Axes to draw on; default a new figure's.

    Returns
    -------
    matplotlib.axes.Axes
        Bars (one per published district, length = ``value``) coloured by
        ``comparison``; whiskers from ``ci_lower`` to ``ci_upper``; a vertical
        reference line at the reference region's value; hidden cells labelled
        "prikket" over a hatched marker, never drawn as a zero-length bar.

    Examples
    --------
    >>> import utenforskap as ut
    >>> frame = ut.run(write=False)  # doctest: +SKIP
    >>> ut.plot.district_bars(frame, indicator="neet", period="2024", age="16-25")  # doctest: +SKIP
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter

    rows = select(data, indicator=indicator, period=period, age=age, sex=sex)
    ind_id = single(rows, F.INDICATOR)
    single(rows, F.PERIOD)
    single(rows, F.AGE)
    if high_is_bad is None:
        high_is_bad = INDICATORS[ind_id].high_is_bad if ind_id in INDICATORS else True
    ref_code, ref_value, ref_name = reference_row(rows)
    districts = rows[(rows[F.REFERENCE] == ref_code) & (rows[F.REGION] != ref_code)]
    published = districts[~districts[F.SUPPRESSED].astype(bool)].sort_values(
        [F.VALUE, F.REGION], ascending=[True, False], kind="mergesort"
    )
    hidden = districts[districts[F.SUPPRESSED].astype(bool)].sort_values(
        F.REGION, ascending=False, kind="mergesort"
    )
    ordered = pd.concat([hidden, published])
    if ax is None:
        _, ax = plt.subplots()
    y = np.arange(len(ordered), dtype=float)
    y_pub = y[len(hidden) :]
    values = published[F.VALUE].to_numpy(dtype=float)
    colours = [comparison_colour(c, high_is_bad=high_is_bad) for c in published[F.COMPARISON]]
    ax.barh(y_pub, values, height=0.7, color=colours, edgecolor="none", gid="values")
    lower = published[F.CI_LOWER].to_numpy(dtype=float)
    upper = published[F.CI_UPPER].to_numpy(dtype=float)
    ax.errorbar(
        values,
        y_pub,
        xerr=np.vstack([values - lower, upper - values]),
        fmt="none",
        ecolor="#333333",
        elinewidth=0.9,
        capsize=2.5,
        gid="intervals",
    )
    span = float(np.nanmax(upper)) if len(upper) and np.isfinite(upper).any() else 1.0
    for yy, value, hi in zip(y_pub, values, upper, strict=True):
        ax.text(hi + span * 0.015, yy, format_number(value, lang=lang), va="center", fontsize=8)
    for yy in y[: len(hidden)]:
        ax.barh(
            yy,
            span * 0.04,
            height=0.7,
            color="white",
            edgecolor=COLOURS["suppressed"],
            hatch=_HATCH,
            linewidth=0.6,
            gid="suppressed",
        )
        ax.text(
            span * 0.055,
            yy,
            text("suppressed", lang),
            va="center",
            fontsize=8,
            style="italic",
            color=COLOURS["suppressed"],
        )
    labels = [
        name or code for code, name in zip(ordered[F.REGION], ordered[F.REGION_NAME], strict=True)
    ]
    ax.set_yticks(y, labels)
    ax.set_xlim(0, span * 1.15)
    handles: list[Artist] = []
    if np.isfinite(ref_value):
        ax.axvline(
            ref_value, color=COLOURS["reference"], linewidth=1.2, linestyle="--", gid="reference"
        )
        handles.append(
            plt.Line2D(
                [],
                [],
                color=COLOURS["reference"],
                linestyle="--",
                label=f"{ref_name}: {format_percent(ref_value, lang=lang)}",
            )
        )
    seen = list(dict.fromkeys(published[F.COMPARISON]))
    key = {
        "higher": "worse" if high_is_bad else "better",
        "lower": "better" if high_is_bad else "worse",
    }
    for comparison in ("higher", "lower", "similar", "not_tested"):
        if comparison in seen:
            handles.append(
                Patch(
                    color=comparison_colour(comparison, high_is_bad=high_is_bad),
                    label=text(key.get(comparison, comparison), lang),
                )
            )
    level = rows[F.CI_LEVEL].dropna()
    if not level.empty:
        handles.append(
            plt.Line2D(
                [],
                [],
                color="#333333",
                marker="|",
                linestyle="-",
                label=text(
                    "interval",
                    lang,
                    level=format_number(100 * float(level.iloc[0]), decimals=0, lang=lang),
                ),
            )
        )
    if len(hidden):
        handles.append(
            Patch(
                facecolor="white",
                edgecolor=COLOURS["suppressed"],
                hatch=_HATCH,
                label=text("suppressed", lang),
            )
        )
    ax.legend(handles=handles, loc="lower right", fontsize=7.5)
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _: format_number(v, decimals=0, lang=lang))
    )
    ax.set_xlabel(INDICATORS[ind_id].unit(lang) if ind_id in INDICATORS else "")
    ax.tick_params(axis="y", length=0)
    return ax
