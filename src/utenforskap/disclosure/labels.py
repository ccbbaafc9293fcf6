"""Words for suppressed cells in figures and tables: reason labels and the legend line."""

from __future__ import annotations

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
    """The legend line for hidden cells in a figure or table: one sentence, no reasons.

    A published figure or table never says *why* a cell is hidden (an
    attacker who knows the reason knows more about the cell): the line is the
    same whatever rules acted, with the ``min_count`` recorded by
    :func:`~utenforskap.disclosure.suppress` for the indicators shown (a range
    such as ``3–5`` when they differ). The reasons are in the restricted
    audit file (:func:`~utenforskap.disclosure.published.write_disclosure_audit`).

    Parameters
    ----------
    frame
        A suppressed IndicatorFrame, or the subset of rows a figure shows.
    lang
        ``nb`` or ``en``.

    Returns
    -------
    str
        ``"Prikket: færre enn 5 personer bak tallet, eller tallet kunne regnes
        ut fra andre tall."``; ``""`` when no cell is hidden.

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
    indicators = pd.unique(frame[F.INDICATOR].to_numpy(dtype=object))
    ks = [book.rules_for(str(i)).min_count for i in indicators]
    return f"{text('note.lead', lang)}: {text('note.generic', lang, k=_span(ks))}."
