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
    "group.population_except_immigrants": (
        "befolkningen unntatt innvandrere",
        "population except immigrants",
    ),
    # the comparator of a group (utenforskap.indicators.compare_groups)
    "group.except": ("befolkningen utenom {group}", "the population except {group}"),
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
    "reason.publisher": ("prikket av utgiveren", "suppressed by the publisher"),
    "note.lead": ("Prikket", "Suppressed"),
    "note.count": (
        "færre enn {k} personer i telleren eller resten av gruppen",
        "fewer than {k} people in the numerator or the rest of the group",
    ),
    "note.denominator": ("færre enn {k} personer i gruppen", "fewer than {k} people in the group"),
    # chart texts beyond labels
    "percent": ("prosent", "percent"),
    "period_span": ("{first} til {last}", "{first} to {last}"),
    "barometer.note": (
        "Fargen viser om området er sikkert bedre eller dårligere enn {ref} "
        "(grått: {similar}). Tall i prosent.",
        "The colour shows whether the district is clearly better or worse than {ref} "
        "(grey: {similar}). Values in percent.",
    ),
    # charts (utenforskap.plot): school levels, standardised rates, neighbours,
    # population groups, maps and labels
    "age.grades": ("{low}.\u2013{high}. trinn", "grades {low}\u2013{high}"),
    "age.grade": ("{grade}. trinn", "grade {grade}"),
    "standardised": ("standardisert", "standardised"),
    "neighbours": ("Nabokommuner", "Neighbouring municipalities"),
    "neighbours.subtitle": ("{name} og nabokommunene", "{name} and its neighbours"),
    "groups": ("Befolkningsgrupper", "Population groups"),
    "groups.subtitle": ("etter befolkningsgruppe", "by population group"),
    "no_data_count": ("ingen data ({n})", "no data ({n})"),
    "outside_unlabelled": ("Også utenfor grensene: {names}", "Also outside the limits: {names}"),
    "alt.neighbours": (
        "Stolpediagram: {title} for {name} og nabokommunene ({names}), {when}; linjer for {refs}.",
        "Bar chart: {title} for {name} and its neighbours ({names}), {when}; lines for {refs}.",
    ),
    "alt.groups": (
        "Stolpediagram: {title} etter befolkningsgruppe ({groups}) for {regions}, {when}; "
        "en linje viser hele befolkningen.",
        "Bar chart: {title} by population group ({groups}) for {regions}, {when}; "
        "a line shows the whole population.",
    ),
    # captions and alternative texts of the figure pack
    "caption.barometer": (
        "{overview}, {when}: alle indikatorer per område, "
        "farget etter om området er bedre eller dårligere enn {ref}.",
        "{overview}, {when}: every indicator by district, "
        "coloured by whether the district is better or worse than {ref}.",
    ),
    "alt.barometer": (
        "Tabell med fargede celler: områder i rader, indikatorer i kolonner, {when}.",
        "Table of coloured cells: districts in rows, indicators in columns, {when}.",
    ),
    "caption.district": (
        "{profile} for {name}, {when}: hver indikator med konfidensintervall og verdien for {ref}.",
        "{profile} for {name}, {when}: every indicator with its confidence interval "
        "and the value for {ref}.",
    ),
    "alt.district": (
        "Punktdiagram for {name}: én rad per indikator, med referanseverdien for {ref}.",
        "Dot chart for {name}: one row per indicator, with the value for {ref}.",
    ),
    "alt.extremes": (
        "Høyest: {high}; lavest: {low}; {ref}.",
        "Highest: {high}; lowest: {low}; {ref}.",
    ),
    # headings of the index page and the report's cover; theme names
    "heading": ("Indikatorer for ungt utenforskap", "Youth exclusion indicators"),
    "contents": ("Innhold", "Contents"),
    "contents.pages": ("{theme}: sider {first}–{last}", "{theme}: pages {first}–{last}"),
    "links": ("Tabeller og rapport", "Tables and report"),
    # the index page of a batch (one pack per kommune)
    "batch.heading": ("Kommunene", "The kommuner"),
    "batch.kommune": ("Kommune", "Kommune"),
    "batch.status": ("Status", "Status"),
    "batch.date": ("Resultater fra", "Results of"),
    "batch.files": ("Filer", "Files"),
    "batch.figures": ("figurer", "figures"),
    "batch.status.written": ("oppdatert", "updated"),
    "batch.status.skipped": ("uendret", "unchanged"),
    "batch.status.failed": ("feilet", "failed"),
    "batch.failed.2": (
        "inndata eller konfigurasjon må rettes",
        "an input or the configuration must be fixed",
    ),
    "batch.failed.3": (
        "en annen kjøring skrev mappen",
        "another run was writing the folder",
    ),
    "batch.failed.1": ("uventet feil", "unexpected error"),
    "batch.failed.kept": (
        "viser forrige resultater",
        "showing the previous results",
    ),
    "batch.no_results": ("ingen resultater", "no results"),
    "batch.summary": (
        "{total} kommuner: {written} oppdatert, {skipped} uendret, {failed} feilet.",
        "{total} kommuner: {written} updated, {skipped} unchanged, {failed} failed.",
    ),
    "batch.details": (
        "Feilmeldinger står i {file}.",
        "Error messages are in {file}.",
    ),
    "theme.overview": ("Oversikt", "Overview"),
    "theme.work_education": ("Arbeid og utdanning", "Work and education"),
    "theme.economy": ("Økonomi og levekår", "Economy and living conditions"),
    "theme.mental_health": ("Psykisk helse og trivsel", "Mental health and wellbeing"),
    "theme.participation": ("Deltakelse og nærmiljø", "Participation and local environment"),
    "theme.other": ("Andre indikatorer", "Other indicators"),
    # the workbook: column heads, category names, the notes sheet
    "xlsx.region": ("Områdekode", "Region code"),
    "xlsx.region_name": ("Område", "Region"),
    "xlsx.period": ("Periode", "Period"),
    "xlsx.age": ("Alder", "Age"),
    "xlsx.sex": ("Kjønn", "Sex"),
    "xlsx.numerator": ("Teller", "Numerator"),
    "xlsx.denominator": ("Nevner", "Denominator"),
    "xlsx.value": ("Verdi", "Value"),
    "xlsx.ci_lower": ("Nedre grense", "Lower limit"),
    "xlsx.ci_upper": ("Øvre grense", "Upper limit"),
    "xlsx.reference": ("Referanse", "Reference"),
    "xlsx.reference_value": ("Referanseverdi", "Reference value"),
    "xlsx.comparison": ("Sammenlignet med referansen", "Compared with the reference"),
    "xlsx.suppression_reason": ("Prikket fordi", "Suppressed because"),
    "xlsx.total": ("Begge kjønn", "Both sexes"),
    "xlsx.male": ("Gutter/menn", "Boys/men"),
    "xlsx.female": ("Jenter/kvinner", "Girls/women"),
    "xlsx.higher": ("Høyere", "Higher"),
    "xlsx.lower": ("Lavere", "Lower"),
    "xlsx.notes": ("Om tabellene", "About"),
    "xlsx.notes.hidden": (
        "{symbol} = prikket (for få personer til å publisere tallet)",
        "{symbol} = suppressed (too few people to publish the figure)",
    ),
    "xlsx.notes.values": (
        "Verdi i prosent; grensene er et konfidensintervall (se ci_level i CSV).",
        "Value in percent; the limits are a confidence interval (see ci_level in the CSV).",
    ),
    # risk accumulation (utenforskap.risk, plot/risk.py)
    "risk.heatmap": ("Hvor risikofaktorene hoper seg opp", "Where risk factors accumulate"),
    "risk.caterpillar": (
        "Samlet risikoindeks med usikkerhet",
        "Composite risk index with uncertainty",
    ),
    "risk.criteria": ("Områder som oppfyller risikokriteriene", "Areas meeting the risk criteria"),
    "risk.map": ("Samlet risikoindeks", "Composite risk index"),
    "risk.method.deciles": (
        "desiler: 1 = minst, 10 = mest risiko",
        "deciles: 1 = least, 10 = most risk",
    ),
    "risk.method.zscore": (
        "avstand fra {ref} i standardavvik; over 0 = mer risiko",
        "distance from {ref} in standard deviations; above 0 = more risk",
    ),
    "risk.method.rank": (
        "rangering: 1 = minst risiko",
        "rank: 1 = least risk",
    ),
    "risk.method.count_worse": (
        "antall indikatorer sikkert dårligere enn {ref}",
        "number of indicators clearly worse than {ref}",
    ),
    "risk.composite": ("Samlet", "Composite"),
    "risk.rank_axis": ("Rangering (1 = mest risiko)", "Rank (1 = most risk)"),
    "risk.rank_interval": ("{level} % intervall for rangeringen", "{level} % rank interval"),
    "risk.point_rank": ("Rangering etter tallene", "Rank from the figures"),
    "risk.surely_worst": (
        "Sikkert blant de {k} med mest risiko",
        "Clearly among the {k} with most risk",
    ),
    "risk.significant": ("Sikker forskjell fra {ref}", "Clear difference from {ref}"),
    "risk.partial": (
        "* indeks uten prikkede indikatorer (de er ikke anslått)",
        "* index without suppressed indicators (they are not estimated)",
    ),
    "risk.no_index": ("ingen indeks: for mange prikket", "no index: too many suppressed"),
    "risk.no_index_short": ("ingen", "none"),
    "risk.draws": (
        "Usikkerhet fra {draws} trekninger fra tellingene",
        "Uncertainty from {draws} draws from the counts",
    ),
    "risk.no_draws": ("uten usikkerhetsintervall", "without uncertainty interval"),
    "risk.weights_equal": ("like vekter", "equal weights"),
    "risk.weights_given": ("vekter: {weights}", "weights: {weights}"),
    "risk.not_best": (
        "Indeksen viser hvor risikofaktorer hoper seg opp, ikke hvor det er best å bo.",
        "The index shows where risk factors accumulate, not where it is best to live.",
    ),
    "risk.status.met": ("oppfylt", "met"),
    "risk.status.not_met": ("ikke oppfylt", "not met"),
    "risk.status.uncertain": ("usikkert", "uncertain"),
    "risk.status.unknown": ("ukjent (prikket)", "unknown (suppressed)"),
    "risk.class.yes": ("Ja", "Yes"),
    "risk.class.no": ("Nei", "No"),
    "risk.class.unknown": ("Uavklart", "Undetermined"),
    "risk.class.excluded": ("Ikke vurdert", "Not assessed"),
    "risk.class.head": ("Minst {k} av {m} kriterier", "At least {k} of {m} criteria"),
    "risk.gate": (
        "oppfylt/ikke oppfylt når sannsynligheten fra tellingene er minst {gate} %",
        "met/not met when the counts make it at least {gate} % likely",
    ),
    "risk.min_population": (
        "områder under {n} innbyggere er ikke vurdert",
        "areas below {n} residents are not assessed",
    ),
    "risk.times": ("× {ref}", "× {ref}"),
    "risk.none": ("ingen", "none"),
    "risk.caption.criteria": (
        "{title}: hvilke kriterier hvert område oppfyller. Oppfyller minst {at_least}: {listed}.",
        "{title}: which criteria each area meets. Meets at least {at_least}: {listed}.",
    ),
    "risk.caption.index": (
        "{title} ({method}). Mest risiko: {top}. {note}",
        "{title} ({method}). Most risk: {top}. {note}",
    ),
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
