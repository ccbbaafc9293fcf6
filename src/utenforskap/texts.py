"""Every Norwegian (bokmål) and English text the package shows a person, in one catalogue."""

from __future__ import annotations

from utenforskap.errors import check_choice

__all__ = ["LANGS", "TEXTS", "check_lang", "text"]

#: Languages of every text: Norwegian bokmål and English.
LANGS: tuple[str, ...] = ("nb", "en")

#: Text id → (bokmål, English); ``{placeholders}`` are filled by :func:`text`.
TEXTS: dict[str, tuple[str, str]] = {
    "source": ("Kilde", "Source"),
    "computed": ("beregninger: utenforskap", "computed with utenforskap"),
    "synthetic": ("Syntetiske data", "Synthetic data"),
    "reference": ("Referanse", "Reference"),
    "interval": ("{level} % konfidensintervall", "{level} % confidence interval"),
    "worse": ("Dårligere enn {ref}", "Worse than {ref}"),
    "better": ("Bedre enn {ref}", "Better than {ref}"),
    "similar": ("Ikke sikker forskjell", "No clear difference"),
    "not_tested": ("Ikke testet", "Not tested"),
    "age": ("Alder", "Age"),
    "years": ("år", "years"),
    "total": ("begge kjønn", "both sexes"),
    "male": ("gutter/menn", "boys/men"),
    "female": ("jenter/kvinner", "girls/women"),
    "unknown": ("ukjent kjønn", "sex not known"),
    # population groups (utenforskap.microdata.groups): SSB's immigrant categories
    "group.total": ("hele befolkningen", "whole population"),
    "group.immigrants": ("innvandrere", "immigrants"),
    "group.norwegian_born_to_immigrant_parents": (
        "norskfødte med innvandrerforeldre",
        "Norwegian-born to immigrant parents",
    ),
    "group.immigrants_and_descendants": (
        "innvandrere og norskfødte med innvandrerforeldre",
        "immigrants and Norwegian-born to immigrant parents",
    ),
    "group.rest_of_population": ("befolkningen ellers", "rest of the population"),
    "group.unknown": ("ukjent gruppe", "group not known"),
    "period": ("Periode", "Period"),
    "district": ("Område", "District"),
    "denominator": ("Antall personer i gruppen (nevner)", "Persons in the group (denominator)"),
    "limit": ("{level} % kontrollgrense", "{level} % control limit"),
    "outside_high": ("Over {level} %-grensen", "Above the {level} % limit"),
    "outside_low": ("Under {level} %-grensen", "Below the {level} % limit"),
    "within": ("Innenfor grensene", "Within the limits"),
    "hidden_list": ("Prikket (ikke vist): {names}", "Suppressed (not shown): {names}"),
    "gap": ("brudd i linjen: prikket", "gap in the line: suppressed"),
    "no_data": ("ingen data", "no data"),
    "bars": ("Stolpediagram", "Bar chart"),
    "trend": ("Linjediagram", "Line chart"),
    "funnel": ("Traktdiagram", "Funnel plot"),
    "barometer": ("Barometer", "Barometer"),
    "profile": ("Alders- og kjønnsprofil", "Age and sex profile"),
    "map": ("Kart", "Map"),
    "tiles": ("Flisekart", "Tile map"),
    "overview": ("Oversikt over indikatorene", "Overview of the indicators"),
    "district_profile": ("Områdeprofil", "District profile"),
    # disclosure control: the word on a hidden cell, reasons, the legend note
    "suppressed": ("prikket", "suppressed"),
    "reason.primary": ("for få personer med kjennetegnet", "too few people with the trait"),
    "reason.complement": ("for få personer uten kjennetegnet", "too few people without the trait"),
    "reason.denominator": ("for få personer i gruppen", "too few people in the group"),
    "reason.secondary": (
        "kunne ellers regnes ut fra andre tall",
        "could otherwise be derived from other figures",
    ),
    "reason.series": (
        "for mange prikkede perioder i tidsserien",
        "too many suppressed periods in the series",
    ),
    "reason.coverage": (
        "for mange med ukjent bydel eller delområde",
        "too many people with unknown district",
    ),
    "note.lead": ("Prikket", "Suppressed"),
    "note.count": (
        "færre enn {k} personer i telleren eller resten av gruppen",
        "fewer than {k} people in the numerator or the rest of the group",
    ),
    "note.denominator": ("færre enn {k} personer i gruppen", "fewer than {k} people in the group"),
}


def check_lang(lang: str) -> int:
    """Return the position of ``lang`` in :data:`LANGS`; raise a ParameterError otherwise.

    Parameters
    ----------
    lang
        ``"nb"`` or ``"en"``.

    Returns
    -------
    int
        0 for ``nb``, 1 for ``en``.

    Examples
    --------
    >>> check_lang("en")
    1
    """
    return LANGS.index(check_choice("lang", lang, LANGS))


def text(key: str, lang: str = "nb", **fields: object) -> str:
    """A text in ``lang``, with its placeholders filled.

    Parameters
    ----------
    key
        Text id, e.g. ``"source"`` or ``"reason.secondary"``.
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
    >>> text("synthetic"), text("worse", "en", ref="Oslo")
    ('Syntetiske data', 'Worse than Oslo')
    """
    return TEXTS[key][check_lang(lang)].format(**fields)
