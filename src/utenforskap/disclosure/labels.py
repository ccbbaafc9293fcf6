"""Words for suppressed cells in figures and tables: reason labels and the legend line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure.gate import recorded_rules
from utenforskap.texts import check_lang, text

__all__ = ["REASONS", "legend_note", "reason_labels", "suppressed_label"]

#: Suppression reasons, in the order the rules apply.
REASONS: tuple[str, ...] = tuple(r for r in F.SUPPRESSION_REASONS if r)


def suppressed_label(lang: str = "nb") -> str:
    """The word figures print on a hidden cell: ``prikket`` / ``suppressed``.

    Parameters
    ----------
    lang
        ``nb`` or ``en``.

    Returns
    -------
    str
        The label.

    Examples
    --------
    >>> suppressed_label("en")
    'suppressed'
    """
    return text("suppressed", lang)


def reason_labels(lang: str = "nb") -> dict[str, str]:
    """Short explanation of each suppression reason.

    Parameters
    ----------
    lang
        ``nb`` (Norwegian bokmål) or ``en``.

    Returns
    -------
    dict
        Reason (``primary`` … ``coverage``) → label.

    Examples
    --------
    >>> reason_labels()["secondary"]
    'kunne ellers regnes ut fra andre tall'
    """
    check_lang(lang)
    return {r: text(f"reason.{r}", lang) for r in REASONS}


def _span(values: list[int]) -> str:
    low, high = min(values), max(values)
    return f"{low}" if low == high else f"{low}–{high}"


def legend_note(frame: pd.DataFrame, lang: str = "nb") -> str:
    """The legend line that says why cells in a figure or table are hidden.

    Only the reasons that occur in ``frame`` are named, with the thresholds
    recorded by :func:`~utenforskap.disclosure.suppress` for the indicators
    concerned (a range such as ``3–5`` when they differ).

    Parameters
    ----------
    frame
        A suppressed IndicatorFrame, or the subset of rows a figure shows.
    lang
        ``nb`` or ``en``.

    Returns
    -------
    str
        E.g. ``"Prikket: færre enn 5 personer i telleren eller resten av
        gruppen; kunne ellers regnes ut fra andre tall."``; ``""`` when no
        cell is hidden.

    Raises
    ------
    DisclosureError
        The frame has not been through disclosure control.
    """
    check_lang(lang)
    book = recorded_rules(frame)
    hidden = frame[F.SUPPRESSED].to_numpy(dtype=bool)
    if not hidden.any():
        return ""
    reasons = frame[F.SUPPRESSION_REASON].to_numpy(dtype=object)[hidden]
    indicators = frame[F.INDICATOR].to_numpy(dtype=object)[hidden]
    parts = []
    count_rows = np.isin(reasons, ["primary", "complement"])
    if count_rows.any():
        ks = [book.rules_for(str(i)).min_count for i in pd.unique(indicators[count_rows])]
        parts.append(text("note.count", lang, k=_span(ks)))
    den_rows = reasons == "denominator"
    if den_rows.any():
        ks = [book.rules_for(str(i)).min_denominator for i in pd.unique(indicators[den_rows])]
        parts.append(text("note.denominator", lang, k=_span(ks)))
    for reason in ("secondary", "series", "coverage"):
        if (reasons == reason).any():
            parts.append(text(f"reason.{reason}", lang))
    return f"{text('note.lead', lang)}: " + "; ".join(parts) + "."
