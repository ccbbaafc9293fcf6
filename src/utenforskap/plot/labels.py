"""Figure texts in bokmål and English, and numbers in Norwegian format."""

from __future__ import annotations

import math
import re
import textwrap
from typing import TYPE_CHECKING

from utenforskap.texts import LANGS, check_lang, text

if TYPE_CHECKING:
    from matplotlib.ticker import Formatter

__all__ = [
    "LANGS",
    "age_label",
    "format_number",
    "format_percent",
    "format_tick",
    "format_value",
    "period_span",
    "text",
    "tick_formatter",
    "wrap",
]


def wrap(label: str, width: int) -> str:
    """Break a label into lines of at most ``width`` characters, at spaces.

    Parameters
    ----------
    label
        The text.
    width
        Maximum characters per line (at least 1).

    Returns
    -------
    str
        Lines joined with ``"\\n"``; a word longer than ``width`` stays whole.

    Examples
    --------
    >>> wrap("Unge utenfor arbeid og utdanning", 16)
    'Unge utenfor\\narbeid og\\nutdanning'
    """
    lines = textwrap.wrap(label, max(width, 1), break_long_words=False, break_on_hyphens=False)
    return "\n".join(lines) if lines else label


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
    if check_lang(lang) == 1:
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


def format_value(value: float, unit: str, *, decimals: int = 1, lang: str = "nb") -> str:
    """Format a value for its unit: with ``%`` when the unit is percent, else the number.

    Parameters
    ----------
    value
        The value.
    unit
        The indicator's unit (``prosent``/``percent`` get a percent sign).
    decimals
        Digits after the decimal mark.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        E.g. ``"11,2 %"``; ``""`` for NaN.

    Examples
    --------
    >>> format_value(3.25, "per 1000")
    '3,2'
    """
    if unit.lower() in ("prosent", "percent", "%"):
        return format_percent(value, decimals=decimals, lang=lang)
    return format_number(value, decimals=decimals, lang=lang)


def format_tick(value: float, *, lang: str = "nb") -> str:
    """An axis tick: no decimals for whole numbers, one otherwise (``"2,5"``, ``"10"``).

    Examples
    --------
    >>> format_tick(2.5), format_tick(10.0)
    ('2,5', '10')
    """
    whole = abs(value - round(value)) < 1e-9
    return format_number(value, decimals=0 if whole else 1, lang=lang)


def tick_formatter(lang: str = "nb") -> Formatter:
    """A matplotlib tick formatter using :func:`format_tick` (Norwegian format in ``nb``)."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: format_tick(value, lang=lang))


def period_span(first: str, last: str, *, lang: str = "nb") -> str:
    """A span of periods: ``"2015–2024"``, or ``"2019-2021 til 2022-2024"`` for pooled spans.

    Examples
    --------
    >>> period_span("2015", "2024"), period_span("2019-2021", "2022-2024", lang="en")
    ('2015–2024', '2019-2021 to 2022-2024')
    """
    check_lang(lang)
    if first == last:
        return first
    if "-" in first or "-" in last:
        return text("period_span", lang, first=first, last=last)
    return f"{first}–{last}"


def age_label(band: str, *, lang: str = "nb") -> str:
    """An age band as a person reads it: ``"16-25 år"``, ``"8.–10. trinn"``, ``"VG1–VG3"``.

    The data keep their labels (``8-10 trinn``, ``VG1-VG3``); figures print
    school levels as a Norwegian reader writes them (ordinal points and an en
    dash; in English "grades 8–10").

    Parameters
    ----------
    band
        Age band label.
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    str
        The band with the word for years after it when it is an age band;
        school levels written out; ``""`` and other labels as they are.

    Examples
    --------
    >>> age_label("16-25"), age_label("21", lang="en"), age_label("8-10 trinn")
    ('16-25 år', '21 years', '8.–10. trinn')
    >>> age_label("VG1-VG3"), age_label("10 trinn", lang="en"), age_label("8-10 trinn", lang="en")
    ('VG1–VG3', 'grade 10', 'grades 8–10')
    """
    grades = _GRADES.fullmatch(band.strip())
    if grades:
        low, high = grades.group("low"), grades.group("high")
        if high is None:
            return text("age.grade", lang, grade=low)
        return text("age.grades", lang, low=low, high=high)
    upper = _UPPER.fullmatch(band.strip())
    if upper:
        return f"VG{upper.group('low')}\u2013VG{upper.group('high')}"
    if not band[:1].isdigit():
        return band
    return f"{band} {text('years', lang)}"


# "8-10 trinn", "8 - 10. trinn", "10 trinn"; "VG1-VG3".
_GRADES = re.compile(r"(?P<low>\d+)\.?(?:\s*[-\u2013]\s*(?P<high>\d+)\.?)?\s*trinn", re.IGNORECASE)
_UPPER = re.compile(r"VG(?P<low>\d)\s*[-\u2013]\s*VG(?P<high>\d)", re.IGNORECASE)
