"""Figure texts in bokmål and English, and numbers in Norwegian format."""

from __future__ import annotations

import math

__all__ = ["LANGS", "format_number", "format_percent", "text"]

LANGS: tuple[str, ...] = ("nb", "en")

_TEXTS: dict[str, tuple[str, str]] = {
    "source": ("Kilde", "Source"),
    "computed": ("beregninger: utenforskap", "computed with utenforskap"),
    "synthetic": ("Syntetiske data", "Synthetic data"),
    "suppressed": ("prikket", "suppressed"),
    "suppressed_note": (
        "Prikket: for få personer til å publisere tallet (personvern)",
        "Suppressed: too few persons to publish the figure (privacy)",
    ),
    "reference": ("Referanse", "Reference"),
    "interval": ("{level} % konfidensintervall", "{level} % confidence interval"),
    "worse": ("Dårligere enn referansen", "Worse than the reference"),
    "better": ("Bedre enn referansen", "Better than the reference"),
    "similar": ("Ikke signifikant forskjellig", "Not significantly different"),
    "not_tested": ("Ikke testet", "Not tested"),
    "age": ("alder", "age"),
    "years": ("år", "years"),
    "total": ("begge kjønn", "both sexes"),
    "male": ("gutter/menn", "boys/men"),
    "female": ("jenter/kvinner", "girls/women"),
    "period": ("Periode", "Period"),
}


def _check(lang: str) -> int:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of 'nb', 'en'; not {lang!r}")
    return LANGS.index(lang)


def text(key: str, lang: str = "nb", **fields: object) -> str:
    """A figure text in ``lang``.

    Parameters
    ----------
    key
        Text id, e.g. ``"source"`` or ``"suppressed_note"``.
    lang
        ``"nb"`` (bokmål) or ``"en"``.
    **fields
        Values for placeholders in the text.

    Returns
    -------
    str
        The text.

    Examples
    --------
    >>> text("synthetic")
    'Syntetiske data'
    """
    return _TEXTS[key][_check(lang)].format(**fields)


def format_number(value: float, *, decimals: int = 1, lang: str = "nb") -> str:
    """Format a number: decimal comma and a no-break space as thousands separator in ``nb``.

    Parameters
    ----------
    value
        The number; NaN gives ``""``.
    decimals
        Digits after the decimal mark.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        E.g. ``"12 345,6"`` in ``nb`` and ``"12,345.6"`` in ``en``.

    Examples
    --------
    >>> format_number(12345.67)
    '12\\xa0345,7'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    english = f"{value:,.{decimals}f}"
    if _check(lang) == 1:
        return english
    return english.replace(",", "\u00a0").replace(".", ",")


def format_percent(value: float, *, decimals: int = 1, lang: str = "nb") -> str:
    """Format a percentage with the unit: ``"11,2 %"`` in ``nb``, ``"11.2%"`` in ``en``.

    Parameters
    ----------
    value
        The percentage (already ×100).
    decimals
        Digits after the decimal mark.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        The formatted value; ``""`` for NaN.
    """
    number = format_number(value, decimals=decimals, lang=lang)
    if not number:
        return ""
    return f"{number}\u00a0%" if lang == "nb" else f"{number}%"
