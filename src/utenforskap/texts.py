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
    # the one reason-free sentence every published legend uses
    "note.generic": (
        "færre enn {k} personer bak tallet, eller tallet kunne regnes ut fra andre tall",
        "fewer than {k} people behind the figure, or the figure could be derived from others",
    ),
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
    # what each kind of chart shows: the second sentence of every caption
    "explain.bars": (
        "Stolpene viser verdien i hvert område, de tynne strekene konfidensintervallet; "
        "de loddrette linjene viser {refs}. Oransje: sikkert dårligere enn {ref}, blått: "
        "sikkert bedre, grått: ingen sikker forskjell, skravert: prikket.",
        "The bars show each district's value, the thin lines its confidence interval; the "
        "vertical lines show {refs}. Orange: clearly worse than {ref}, blue: clearly better, "
        "grey: no clear difference, hatched: suppressed.",
    ),
    "explain.trend": (
        "Linjene viser utviklingen over tid, det skyggelagte feltet rundt hver linje "
        "konfidensintervallet; et brudd i linjen er en prikket periode.",
        "The lines show the change over time, the shaded band around each line its "
        "confidence interval; a gap in a line is a suppressed period.",
    ),
    "explain.funnel": (
        "Hvert punkt er et område: antall personer langs den vannrette aksen, verdien langs "
        "den loddrette. Trakten viser hvor langt fra {ref} et område kan ligge av tilfeldighet "
        "alene; punkter utenfor trakten skiller seg sikkert ut. Små områder har vid trakt.",
        "Each dot is a district: the number of people along the horizontal axis, the value "
        "along the vertical. The funnel shows how far from {ref} a district can lie by chance "
        "alone; dots outside it clearly differ. Small districts have a wide funnel.",
    ),
    "explain.map": (
        "Kartet viser verdien i hvert område i fargetrinn (mørkere: høyere); skraverte "
        "områder er prikket.",
        "The map shows each district's value in colour classes (darker: higher); hatched "
        "districts are suppressed.",
    ),
    "explain.tiles": (
        "Hver rute er et område, farget etter verdien i trinn (mørkere: høyere); skraverte "
        "ruter er prikket.",
        "Each tile is a district, coloured by its value in classes (darker: higher); hatched "
        "tiles are suppressed.",
    ),
    "explain.profile": (
        "Verdien for hver aldersgruppe, for gutter/menn og jenter/kvinner hver for seg.",
        "The value for each age band, for boys/men and girls/women separately.",
    ),
    "explain.neighbours": (
        "{name} ved siden av nabokommunene, hver med konfidensintervall; linjene viser {refs}.",
        "{name} beside its neighbouring municipalities, each with its confidence interval; "
        "the lines show {refs}.",
    ),
    "explain.groups": (
        "Én stolpe per befolkningsgruppe i hvert område, med konfidensintervall; den svarte "
        "streken viser hele befolkningen i området.",
        "One bar per population group in each area, with its confidence interval; the black "
        "line shows the area's whole population.",
    ),
    "and": ("og", "and"),
    "groups.differ": (
        "I {name} sammenlignet med resten av befolkningen: {parts}.",
        "In {name} compared with the rest of the population: {parts}.",
    ),
    "groups.higher": ("sikkert høyere for {groups}", "clearly higher for {groups}"),
    "groups.lower": ("sikkert lavere for {groups}", "clearly lower for {groups}"),
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
    # report.pdf, slides.pptx and the index page: cover, summary, method
    "made": ("Laget {date}", "Made {date}"),
    "date": ("{day}.{month}.{year}", "{year}-{month:02d}-{day:02d}"),
    "summary.against": (
        "{head}: {value} mot {ref} – {verdict}",
        "{head}: {value} against {ref} – {verdict}",
    ),
    "periods.line": (
        "Tallene gjelder {first} til {last}; siste periode: {latest}.",
        "The figures cover {first} to {last}; latest period: {latest}.",
    ),
    "sources.head": ("Kilder", "Sources"),
    "page": ("Side {n} av {total}", "Page {n} of {total}"),
    "summary": ("Hovedfunn", "Key findings"),
    "summary.versus": ("{name} sammenlignet med {ref}", "{name} compared with {ref}"),
    "summary.versus.none": (
        "Ingen indikator har tall for {name} i siste periode.",
        "No indicator has figures for {name} in the latest period.",
    ),
    "summary.districts": (
        "Områder som er sikkert dårligere enn {name} på {k} eller flere indikatorer",
        "Districts clearly worse than {name} on {k} or more indicators",
    ),
    "summary.districts.none": (
        "Ingen områder er sikkert dårligere enn {name} på {k} eller flere indikatorer.",
        "No district is clearly worse than {name} on {k} or more indicators.",
    ),
    "summary.district_line": (
        "{name}: dårligere på {n} av {shown} ({what})",
        "{name}: worse on {n} of {shown} ({what})",
    ),
    "summary.trends": ("Tydeligste endringer i {name}", "Clearest changes in {name}"),
    "summary.trends.none": (
        "Ingen sikre endringer over tid i {name}.",
        "No clear changes over time in {name}.",
    ),
    "summary.trend_line": (
        "{title} ({age}): {first_value} i {first} til {last_value} i {last} – {verdict}",
        "{title} ({age}): {first_value} in {first} to {last_value} in {last} – {verdict}",
    ),
    "summary.head.indicator": ("Indikator", "Indicator"),
    "summary.head.value": ("{name}", "{name}"),
    "summary.head.interval": ("Intervall", "Interval"),
    "summary.head.ref": ("{ref}", "{ref}"),
    "summary.head.verdict": ("Vurdering", "Assessment"),
    "summary.note": (
        "Verdier i prosent med {level} % konfidensintervall. «Sikkert» betyr at forskjellen "
        "er større enn tilfeldig variasjon kan forklare ({level} % nivå).",
        'Values in percent with {level} % confidence intervals. "Clearly" means the '
        "difference is larger than chance variation can explain ({level} % level).",
    ),
    "verdict.worse": ("sikkert dårligere", "clearly worse"),
    "verdict.better": ("sikkert bedre", "clearly better"),
    "verdict.similar": ("ingen sikker forskjell", "no clear difference"),
    "verdict.not_tested": ("ikke testet", "not tested"),
    "verdict.suppressed": ("prikket", "suppressed"),
    "change.worse": ("sikker forverring", "clearly worse"),
    "change.better": ("sikker forbedring", "clearly better"),
    "change.similar": ("ingen sikker endring", "no clear change"),
    "change.not_tested": ("ikke testet", "not tested"),
    "method": ("Slik leser du tallene", "How to read the figures"),
    "method.intervals.head": ("Konfidensintervall", "Confidence intervals"),
    "method.intervals": (
        "Hver andel har et {level} % konfidensintervall (de tynne strekene i stolpediagrammene "
        "og det skyggelagte feltet i linjediagrammene). Intervallet viser hvor mye tallet "
        "kunne variert av tilfeldigheter: i små områder er det få personer, og intervallet "
        "blir bredt. Intervallene er regnet med {method}-metoden fra tellingene.",
        "Each share has a {level} % confidence interval (the thin lines in the bar charts and "
        "the shaded band in the line charts). It shows how much the figure could vary by "
        "chance: small districts have few people and wide intervals. The intervals are "
        "computed from the counts with the {method} method.",
    ),
    "method.compare.head": ("Sammenligninger og farger", "Comparisons and colours"),
    "method.compare": (
        "Hvert område sammenlignes med kommunen, og kommunen med hele landet. Oransje betyr "
        "sikkert dårligere, blått sikkert bedre og grått ingen sikker forskjell: forskjellen "
        "kan skyldes tilfeldigheter. For noen indikatorer er høye tall bra (for eksempel "
        "fullført videregående); fargene tar hensyn til det. I traktdiagrammet skiller "
        "punkter utenfor trakten seg sikkert fra kommunen.",
        "Each district is compared with the kommune, and the kommune with the whole country. "
        "Orange means clearly worse, blue clearly better and grey no clear difference: the "
        "difference may be chance. For some indicators high values are good (e.g. completed "
        "upper secondary); the colours take that into account. In the funnel plots, dots "
        "outside the funnel clearly differ from the kommune.",
    ),
    "method.pooled.head": ("Sammenslåtte år", "Pooled years"),
    "method.pooled": (
        "Der det er få svar, slås flere år sammen (for eksempel 2022-2024): personene og "
        "tilfellene fra alle årene telles sammen, og andelen regnes av summen. Det gir "
        "sikrere tall for små områder, men viser et gjennomsnitt over årene.",
        "Where answers are few, several years are pooled (e.g. 2022-2024): the people and "
        "cases of all the years are counted together and the share is computed from the "
        "sums. That gives surer figures for small districts, but shows an average over the "
        "years.",
    ),
    "method.suppressed.head": ("Prikking", "Suppression"),
    "method.suppressed": (
        "Tall som bygger på svært få personer, vises ikke («prikket», skravert i figurene og "
        "«:» i tabellene), slik at ingen enkeltpersoner kan kjennes igjen. Noen tall prikkes "
        "også fordi de ellers kunne regnes ut fra andre tall (for eksempel kommunen minus de "
        "andre områdene). Regelen: {rule}.",
        'Figures built on very few people are not shown ("suppressed", hatched in the '
        'figures and ":" in the tables), so that no individual can be recognised. Some '
        "figures are also suppressed because they could otherwise be worked out from others "
        "(e.g. the kommune minus the other districts). The rule: {rule}.",
    ),
    "method.risk.head": ("Risikoindeks", "Risk index"),
    "method.risk": (
        "Risikoindeksen samler flere indikatorer per område ({method}). Den viser hvor "
        "risikofaktorer hoper seg opp, ikke hvor det er best å bo; usikkerheten i "
        "rangeringen vises som et intervall.",
        "The risk index combines several indicators per district ({method}). It shows where "
        "risk factors accumulate, not where it is best to live; the uncertainty of the rank "
        "is shown as an interval.",
    ),
    "method.sources.head": ("Kilder", "Sources"),
    "method.sources": (
        "Hver figur nevner kildene til tallene den viser. Tabellene med alle tall ligger i "
        "indicators.xlsx.",
        "Every figure names the sources of the numbers it shows. The tables of all figures are "
        "in indicators.xlsx.",
    ),
    "rule.default": ("færre enn {k} personer i telleren eller i gruppen", "fewer than {k} people"),
    "intro": (
        "Denne siden viser indikatorer for ungt utenforskap i {name} per område og "
        "aldersgruppe: arbeid og utdanning, økonomi, psykisk helse og nærmiljø. Start med "
        "hovedfunnene og oversikten; hver figur har en tekst som forklarer hva den viser.",
        "This page shows indicators of youth exclusion in {name} by district and age band: "
        "work and education, economy, mental health and local environment. Start with the key "
        "findings and the overview; each figure has a caption that says what it shows.",
    ),
    "read.head": ("Slik leser du figurene", "How to read the figures"),
    "read.funnel": (
        "Traktdiagram: hvert punkt er et område; punkter utenfor trakten skiller seg sikkert "
        "fra kommunen, punkter innenfor kan skyldes tilfeldigheter.",
        "Funnel plots: each dot is a district; dots outside the funnel clearly differ from the "
        "kommune, dots inside may differ by chance.",
    ),
    "downloads": ("Last ned", "Download"),
    "download.report": ("Rapport (PDF)", "Report (PDF)"),
    "download.slides": ("Lysbilder (PowerPoint)", "Slides (PowerPoint)"),
    "download.xlsx": ("Tabeller (Excel)", "Tables (Excel)"),
    "download.csv": ("Tabeller (CSV)", "Tables (CSV)"),
    "download.parquet": ("Tabeller (Parquet)", "Tables (Parquet)"),
    "theme.districts": ("Områdeprofiler", "District profiles"),
    "theme.risk": ("Risikofaktorer som hoper seg opp", "Risk factors that accumulate"),
    "slide.alt": ("Alternativ tekst", "Alternative text"),
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
    "xlsx.group": ("Befolkningsgruppe", "Population group"),
    "xlsx.source": ("Kilde", "Source"),
    "xlsx.contents": ("Innhold", "Contents"),
    "xlsx.contents.head": ("Tabell (klikk for å åpne)", "Table (click to open)"),
    "xlsx.contents.definition": ("Definisjon", "Definition"),
    "xlsx.contents.notes": (
        "Hva kolonnene betyr, konfidensnivå, symboler, prikking og kilder",
        "What the columns mean, confidence level, symbols, suppression and sources",
    ),
    "xlsx.notes.intro": (
        "Én tabell per indikator. Tallene er prosent (andel) med én desimal vist; cellen "
        "har hele verdien. Kopier rett inn i planen.",
        "One table per indicator. Values are percentages shown with one decimal; the cell "
        "keeps the full value. Paste straight into a plan.",
    ),
    "xlsx.notes.columns": ("Kolonnene", "The columns"),
    "xlsx.about.region_name": ("Områdets navn", "The area's name"),
    "xlsx.about.region": (
        "SSBs kode: 0 hele landet, 2 siffer fylke, 4 kommune, 6 bydel, 10 levekårssone",
        "SSB's code: 0 the country, 2 digits fylke, 4 kommune, 6 bydel, 10 levekårssone",
    ),
    "xlsx.about.period": (
        "År, eller flere år slått sammen (2022-2024: tellingene fra alle årene summert)",
        "Year, or several years pooled (2022-2024: the counts of all the years summed)",
    ),
    "xlsx.about.age": ("Aldersgruppe eller klassetrinn", "Age band or school level"),
    "xlsx.about.sex": ("Kjønn", "Sex"),
    "xlsx.about.group": (
        "Befolkningsgruppe (for eksempel innvandrere); «hele befolkningen» ellers",
        "Population group (e.g. immigrants); «whole population» otherwise",
    ),
    "xlsx.about.numerator": (
        "Antall personer med kjennetegnet (teller)",
        "Number of people with the trait (numerator)",
    ),
    "xlsx.about.denominator": (
        "Antall personer i gruppen (nevner)",
        "People in the group (denominator)",
    ),
    "xlsx.about.value": (
        "Andel i prosent: teller / nevner × 100",
        "Share in percent: numerator / denominator × 100",
    ),
    "xlsx.about.ci_lower": (
        "Nedre grense for konfidensintervallet",
        "Lower limit of the confidence interval",
    ),
    "xlsx.about.ci_upper": (
        "Øvre grense for konfidensintervallet",
        "Upper limit of the confidence interval",
    ),
    "xlsx.about.reference": (
        "Området tallet er sammenlignet med (kommunen for bydeler, landet for kommunen)",
        "The area the figure is compared with (the kommune for districts, the country for it)",
    ),
    "xlsx.about.reference_value": ("Verdien for referansen", "The reference's value"),
    "xlsx.about.comparison": (
        "Høyere / Lavere: sikker forskjell fra referansen; Ikke sikker forskjell: kan skyldes "
        "tilfeldigheter",
        "Higher / Lower: a clear difference from the reference; No clear difference: may be chance",
    ),
    "xlsx.about.source": ("Hvor tallene kommer fra", "Where the numbers come from"),
    "xlsx.notes.level.head": ("Konfidensnivå", "Confidence level"),
    "xlsx.notes.level": (
        "Intervallene er {level} % konfidensintervall ({method}). Sammenligningene er testet "
        "på samme nivå.",
        "The intervals are {level} % confidence intervals ({method}). The comparisons are "
        "tested at the same level.",
    ),
    "xlsx.notes.symbols": ("Symboler (som SSB bruker dem)", "Symbols (as SSB uses them)"),
    "xlsx.symbol.hidden": (
        "prikket: vises ikke for å verne personvernet ({rule})",
        "suppressed: not shown to protect privacy ({rule})",
    ),
    "xlsx.symbol.missing": ("tall mangler", "figure missing"),
    "xlsx.symbol.zero": ("null (ingen med kjennetegnet)", "zero (nobody with the trait)"),
    "xlsx.symbol.not_applicable": ("kan ikke forekomme", "cannot occur"),
    "xlsx.symbol.not_yet": ("tall er ennå ikke publisert", "figure not yet published"),
    "xlsx.notes.no_sources": ("Kildene er ikke oppgitt.", "The sources are not given."),
    "xlsx.risk.region_name": ("Område", "Area"),
    "xlsx.risk.region": ("Områdekode", "Area code"),
    "xlsx.risk.score": ("Indeks", "Index"),
    "xlsx.risk.score_lower": ("Indeks, nedre grense", "Index, lower limit"),
    "xlsx.risk.score_upper": ("Indeks, øvre grense", "Index, upper limit"),
    "xlsx.risk.rank": ("Rangering (1 = mest risiko)", "Rank (1 = most risk)"),
    "xlsx.risk.rank_lower": ("Rangering, fra", "Rank, from"),
    "xlsx.risk.rank_upper": ("Rangering, til", "Rank, to"),
    "xlsx.risk.p_worst": (
        "Sannsynlighet for å være blant de mest utsatte",
        "Probability of being among the worst",
    ),
    "xlsx.risk.n_components": ("Indikatorer brukt", "Indicators used"),
    "xlsx.risk.n_hidden": ("Indikatorer prikket", "Indicators suppressed"),
    "xlsx.risk.n_criteria": ("Kriterier", "Criteria"),
    "xlsx.risk.n_met": ("Oppfylt", "Met"),
    "xlsx.risk.n_uncertain": ("Usikre", "Uncertain"),
    "xlsx.risk.n_unknown": ("Ukjente (prikket)", "Unknown (suppressed)"),
    "xlsx.risk.classification": ("Klassifisering", "Classification"),
    "xlsx.risk.p_classified": (
        "Sannsynlighet for klassifiseringen",
        "Probability of the classification",
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
