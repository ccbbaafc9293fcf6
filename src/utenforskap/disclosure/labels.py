"""Words for suppressed cells in figures and tables: reason labels and the legend line."""

from __future__ import annotations

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.disclosure.gate import recorded_rules
from utenforskap.errors import ConfigError

__all__ = ["legend_note", "reason_labels", "suppressed_label"]

_LANGS = ("nb", "en")

_SUPPRESSED = {"nb": "prikket", "en": "suppressed"}

_REASONS = {
    "nb": {
        "primary": "for få personer med kjennetegnet",
        "complement": "for få personer uten kjennetegnet",
        "denominator": "for få personer i gruppen",
        "secondary": "kunne ellers regnes ut fra andre tall",
        "series": "for mange prikkede perioder i tidsserien",
        "coverage": "for mange med ukjent bydel eller delområde",
    },
    "en": {
        "primary": "too few people with the trait",
        "complement": "too few people without the trait",
        "denominator": "too few people in the group",
        "secondary": "could otherwise be derived from other figures",
        "series": "too many suppressed periods in the series",
        "coverage": "too many people with unknown district",
    },
}

_NOTE = {
    "nb": {
        "lead": "Prikket",
        "count": "færre enn {k} personer i telleren eller resten av gruppen",
        "denominator": "færre enn {k} personer i gruppen",
    },
    "en": {
        "lead": "Suppressed",
        "count": "fewer than {k} people in the numerator or the rest of the group",
        "denominator": "fewer than {k} people in the group",
    },
}


def _check_lang(lang: str) -> None:
    if lang not in _LANGS:
        raise ConfigError(f"lang must be one of {list(_LANGS)}; not {lang!r}", key="lang")


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
    _check_lang(lang)
    return _SUPPRESSED[lang]


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
    _check_lang(lang)
    return dict(_REASONS[lang])


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
    _check_lang(lang)
    book = recorded_rules(frame)
    hidden = frame[F.SUPPRESSED].to_numpy(dtype=bool)
    if not hidden.any():
        return ""
    reasons = frame[F.SUPPRESSION_REASON].to_numpy(dtype=object)[hidden]
    indicators = frame[F.INDICATOR].to_numpy(dtype=object)[hidden]
    words = _NOTE[lang]
    parts = []
    count_rows = np.isin(reasons, ["primary", "complement"])
    if count_rows.any():
        ks = [book.rules_for(str(i)).min_count for i in pd.unique(indicators[count_rows])]
        parts.append(words["count"].format(k=_span(ks)))
    den_rows = reasons == "denominator"
    if den_rows.any():
        ks = [book.rules_for(str(i)).min_denominator for i in pd.unique(indicators[den_rows])]
        parts.append(words["denominator"].format(k=_span(ks)))
    for reason in ("secondary", "series", "coverage"):
        if (reasons == reason).any():
            parts.append(_REASONS[lang][reason])
    return f"{words['lead']}: " + "; ".join(parts) + "."
