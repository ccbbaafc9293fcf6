"""Indicator definitions: id, titles (bokmål, English), unit, direction, theme, source, rule."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import pandas as pd

from utenforskap.errors import DataError, ParameterError, check_choice
from utenforskap.texts import TEXTS

__all__ = [
    "INDICATORS",
    "RULE_KINDS",
    "THEMES",
    "Indicator",
    "Rule",
    "RuleSQL",
    "get_indicator",
    "indicator_table",
    "rule_sql",
]

#: The kinds of microdata rule (see :class:`Rule`).
RULE_KINDS: tuple[str, ...] = ("flag", "any_of", "mean_at_least")

#: Theme id → (bokmål, English) heading, in the order figures are grouped; the
#: headings live in the text catalogue as ``theme.<id>``.
THEMES: dict[str, tuple[str, str]] = {
    key: TEXTS[f"theme.{key}"]
    for key in ("work_education", "economy", "mental_health", "participation")
}


@dataclass(frozen=True)
class Rule:
    """How a person or respondent counts towards an indicator.

    Attributes
    ----------
    items
        Source column(s) the rule reads.
    kind
        ``"flag"``: the item is 1 (trait) or 0 (no trait), blank means not in
        the population. ``"any_of"``: the item's answer is one of ``values``;
        respondents who did not answer are left out of the denominator.
        ``"mean_at_least"``: the mean of the answered items is at least
        ``threshold``, counted only for respondents with at least
        ``min_answered`` items answered.
    values
        Answers that count as the trait, for ``any_of``.
    threshold
        For ``mean_at_least``.
    min_answered
        For ``mean_at_least``.
    codes
        The answer codes a valid answer may have; anything else (apart from a
        blank) is an error. Default: ``(0, 1)`` for ``flag``, and ``1`` to ``9``
        for the other kinds.
    labels
        The answer labels of ``codes`` as the questionnaire writes them (same
        order), so a file with value labels (SPSS) can be matched by label
        instead of by code; empty when the rule is defined by code only.
    """

    items: tuple[str, ...]
    kind: str = "flag"
    values: tuple[int, ...] = ()
    threshold: float = 0.0
    min_answered: int = 1
    codes: tuple[int, ...] = ()
    labels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_choice("rule.kind", self.kind, RULE_KINDS)
        if not self.items:
            raise ParameterError("a rule needs at least one item", parameter="items")
        if not self.codes:
            default = (0, 1) if self.kind == "flag" else tuple(range(1, 10))
            object.__setattr__(self, "codes", default)
        if self.labels and len(self.labels) != len(self.codes):
            raise ParameterError(
                f"a rule's labels must match its codes one to one; codes {list(self.codes)}, "
                f"labels {list(self.labels)}",
                parameter="labels",
            )
        stray = [v for v in self.values if v not in self.codes]
        if stray:
            raise ParameterError(
                f"rule values {stray} are not among its answer codes {list(self.codes)}",
                parameter="values",
                value=stray,
            )


@dataclass(frozen=True)
class RuleSQL:
    """A rule compiled to SQL expressions (valid in DuckDB and Spark SQL).

    The expressions read, for item ``i`` of the rule, a column ``_v{i}``: the
    item's answer as a DOUBLE, NULL when blank or not a number.

    Attributes
    ----------
    numerator, denominator
        Per-row 0/1 contributions.
    valid
        Per item: TRUE when the answer is blank or one of the rule's codes,
        given a column ``_b{i}`` that is TRUE for a blank answer.
    """

    numerator: str
    denominator: str
    valid: tuple[str, ...]


def _answered(i: int) -> str:
    return f"(CASE WHEN _v{i} IS NULL THEN 0 ELSE 1 END)"


def _in(i: int, codes: tuple[int, ...]) -> str:
    return f"_v{i} IN ({', '.join(f'{c:d}.0' for c in codes)})"


@functools.cache
def rule_sql(rule: Rule) -> RuleSQL:
    """Compile a rule to SQL once (cached per rule).

    Parameters
    ----------
    rule
        The rule.

    Returns
    -------
    RuleSQL
        Numerator, denominator and validity expressions.

    Examples
    --------
    >>> rule_sql(Rule(items=("neet",))).denominator
    '(CASE WHEN _v0 IS NULL THEN 0 ELSE 1 END)'
    """
    valid = tuple(
        f"(_b{i} OR coalesce({_in(i, rule.codes)}, FALSE))" for i in range(len(rule.items))
    )
    if rule.kind == "flag":
        return RuleSQL("coalesce(_v0, 0.0)", _answered(0), valid[:1])
    if rule.kind == "any_of":
        hit = f"(CASE WHEN {_in(0, rule.values)} THEN 1 ELSE 0 END)" if rule.values else "0"
        return RuleSQL(hit, _answered(0), valid[:1])
    answered = " + ".join(_answered(i) for i in range(len(rule.items)))
    total = " + ".join(f"coalesce(_v{i}, 0.0)" for i in range(len(rule.items)))
    enough = f"({answered}) >= {rule.min_answered:d}"
    # threshold × answered, not the mean: no division, the same float rounding everywhere.
    at_least = f"({total}) >= {float(rule.threshold)!r} * ({answered})"
    hit = f"(CASE WHEN {enough} AND {at_least} THEN 1 ELSE 0 END)"
    return RuleSQL(hit, f"(CASE WHEN {enough} THEN 1 ELSE 0 END)", valid)


@dataclass(frozen=True)
class Indicator:
    """One indicator in the registry.

    Attributes
    ----------
    id
        Registry id used in the ``indicator`` column.
    title_nb, title_en
        Short titles for figures.
    definition_nb, definition_en
        One-sentence definitions, for captions and the index page.
    unit_nb, unit_en
        Unit of ``value``.
    high_is_bad
        Direction: whether a high value is unfavourable (colours comparisons).
    theme
        Key of :data:`THEMES`.
    source_nb, source_en
        Text after "Kilde:" / "Source:" on figures.
    rule
        How microdata count towards it (:class:`Rule`), or None when it is only
        read as counts from official statistics.
    default_ages
        Age bands computed when the configuration does not say.
    """

    id: str
    title_nb: str
    title_en: str
    definition_nb: str
    definition_en: str
    theme: str
    high_is_bad: bool
    source_nb: str
    rule: Rule | None = None
    default_ages: tuple[str, ...] = ()
    unit_nb: str = "prosent"
    unit_en: str = "percent"
    source_en: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def title(self, lang: str = "nb") -> str:
        """Title in ``lang`` (``"nb"`` or ``"en"``)."""
        return self.title_en if lang == "en" else self.title_nb

    def definition(self, lang: str = "nb") -> str:
        """Definition in ``lang`` (``"nb"`` or ``"en"``)."""
        return self.definition_en if lang == "en" else self.definition_nb

    def source(self, lang: str = "nb") -> str:
        """Source text in ``lang``; bokmål when no English text is given."""
        return self.source_en if lang == "en" and self.source_en else self.source_nb

    def unit(self, lang: str = "nb") -> str:
        """Unit in ``lang`` (``"nb"`` or ``"en"``)."""
        return self.unit_en if lang == "en" else self.unit_nb


# Fallback credits for a frame built by hand, when no source table says where
# its numbers come from. A run credits each input's own ``source`` instead
# (:mod:`utenforskap.sources`), so these never claim a run's data are synthetic.
_REGISTER = "registerdata"
_UNGDATA = "Ungdata-undersøkelsen (NOVA/KoRus)"
_REGISTER_EN = "register data"
_UNGDATA_EN = "the Ungdata survey (NOVA/KoRus)"
_FHI = "FHI, Kommunehelsa statistikkbank"
_FHI_EN = "NIPH, Kommunehelsa statistics bank"
_FHI_SCHOOL = "Elevundersøkelsen (Udir), via FHI Kommunehelsa statistikkbank"
_FHI_SCHOOL_EN = "the Pupil Survey (Udir), via the NIPH Kommunehelsa statistics bank"
_DEPRESSION_ITEMS = tuple(f"dep{k}" for k in range(1, 7))
# Ungdata's answer scales (codes 1..k, labels as the questionnaire words them).
_BOTHERED = ("Ikke plaget i det hele tatt", "Litt plaget", "Ganske mye plaget", "Veldig mye plaget")
_AGREE = ("Helt enig", "Litt enig", "Litt uenig", "Helt uenig")
_HOW_OFTEN = (
    "Aldri/nesten aldri",
    "Omtrent hver måned",
    "Omtrent hver 14. dag",
    "Omtrent en gang i uka eller oftere",
)
_SATISFIED = (
    "Svært fornøyd",
    "Ganske fornøyd",
    "Verken fornøyd eller misfornøyd",
    "Ganske misfornøyd",
    "Svært misfornøyd",
)


def _codes(labels: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(range(1, len(labels) + 1))


INDICATORS: dict[str, Indicator] = {
    ind.id: ind
    for ind in (
        Indicator(
            id="neet",
            title_nb="Unge utenfor arbeid, utdanning og opplæring (NEET)",
            title_en="Young people not in employment, education or training (NEET)",
            definition_nb=(
                "Andel av befolkningen som verken er i arbeid, utdanning eller opplæring."
            ),
            definition_en="Share of the population not in employment, education or training.",
            theme="work_education",
            high_is_bad=True,
            source_nb=_REGISTER,
            source_en=_REGISTER_EN,
            rule=Rule(items=("neet",)),
            default_ages=("16-19", "20-25", "16-25"),
        ),
        Indicator(
            id="upper_secondary_completed",
            title_nb="Fullført videregående opplæring ved 21 år",
            title_en="Completed upper secondary education by age 21",
            definition_nb="Andel 21-åringer som har fullført videregående opplæring.",
            definition_en="Share of 21-year-olds who have completed upper secondary education.",
            theme="work_education",
            high_is_bad=False,
            source_nb=_REGISTER,
            source_en=_REGISTER_EN,
            rule=Rule(items=("upper_secondary",)),
            default_ages=("21",),
        ),
        Indicator(
            id="low_income_children",
            title_nb="Barn i husholdninger med lavinntekt (EU-60)",
            title_en="Children in low-income households (EU-60)",
            definition_nb=(
                "Andel barn 0–17 år i husholdninger med inntekt under 60 % av "
                "medianinntekten (EU-skala)."
            ),
            definition_en=(
                "Share of children 0–17 in households with income below 60 % of the "
                "median (EU scale)."
            ),
            theme="economy",
            high_is_bad=True,
            source_nb=_REGISTER,
            source_en=_REGISTER_EN,
            rule=Rule(items=("low_income",)),
            default_ages=("0-17",),
        ),
        Indicator(
            id="ungdata_loneliness",
            title_nb="Plaget av ensomhet",
            title_en="Troubled by loneliness",
            definition_nb=(
                "Andel som har vært ganske mye eller veldig mye plaget av ensomhet den siste uka."
            ),
            definition_en="Share quite or very much troubled by loneliness in the past week.",
            theme="mental_health",
            high_is_bad=True,
            source_nb=_UNGDATA,
            source_en=_UNGDATA_EN,
            rule=Rule(
                items=("lonely",),
                kind="any_of",
                values=(3, 4),
                codes=_codes(_BOTHERED),
                labels=_BOTHERED,
            ),
            default_ages=("8-10 trinn", "VG1-VG3"),
        ),
        Indicator(
            id="ungdata_depressive_symptoms",
            title_nb="Depressive symptomer",
            title_en="Depressive symptoms",
            definition_nb=(
                "Andel med gjennomsnittsskåre 3,0 eller høyere på seks spørsmål om "
                "depressive symptomer (skala 1–4), blant dem som svarte på minst fire."
            ),
            definition_en=(
                "Share with a mean score of 3.0 or more on six depressive-symptom items "
                "(scale 1–4), among those answering at least four."
            ),
            theme="mental_health",
            high_is_bad=True,
            source_nb=_UNGDATA,
            source_en=_UNGDATA_EN,
            rule=Rule(
                items=_DEPRESSION_ITEMS,
                kind="mean_at_least",
                threshold=3.0,
                min_answered=4,
                codes=_codes(_BOTHERED),
                labels=_BOTHERED,
            ),
            default_ages=("8-10 trinn", "VG1-VG3"),
        ),
        Indicator(
            id="ungdata_school_wellbeing",
            title_nb="Trives på skolen",
            title_en="Thrives at school",
            definition_nb="Andel som er helt eller litt enig i at de trives på skolen.",
            definition_en="Share who fully or partly agree that they thrive at school.",
            theme="mental_health",
            high_is_bad=False,
            source_nb=_UNGDATA,
            source_en=_UNGDATA_EN,
            rule=Rule(
                items=("school_wellbeing",),
                kind="any_of",
                values=(1, 2),
                codes=_codes(_AGREE),
                labels=_AGREE,
            ),
            default_ages=("8-10 trinn", "VG1-VG3"),
        ),
        Indicator(
            id="ungdata_bullied",
            title_nb="Utsatt for mobbing",
            title_en="Bullied",
            definition_nb=(
                "Andel som blir utsatt for plaging, trusler eller utfrysing hver 14. dag "
                "eller oftere."
            ),
            definition_en=(
                "Share exposed to teasing, threats or exclusion every other week or more often."
            ),
            theme="participation",
            high_is_bad=True,
            source_nb=_UNGDATA,
            source_en=_UNGDATA_EN,
            rule=Rule(
                items=("bullied",),
                kind="any_of",
                values=(3, 4),
                codes=_codes(_HOW_OFTEN),
                labels=_HOW_OFTEN,
            ),
            default_ages=("8-10 trinn", "VG1-VG3"),
        ),
        Indicator(
            id="ungdata_local_satisfaction",
            title_nb="Fornøyd med lokalmiljøet",
            title_en="Satisfied with the local environment",
            definition_nb="Andel som er svært eller ganske fornøyd med lokalmiljøet.",
            definition_en="Share very or fairly satisfied with their local environment.",
            theme="participation",
            high_is_bad=False,
            source_nb=_UNGDATA,
            source_en=_UNGDATA_EN,
            rule=Rule(
                items=("local_satisfaction",),
                kind="any_of",
                values=(1, 2),
                codes=_codes(_SATISFIED),
                labels=_SATISFIED,
            ),
            default_ages=("8-10 trinn", "VG1-VG3"),
        ),
        # Published rates from FHI's Kommunehelsa (no counts, no microdata rule):
        # read with ``[inputs.rate]`` (``utenforskap init`` writes the inputs).
        Indicator(
            id="persistent_low_income_children",
            title_nb="Barn i husholdninger med vedvarende lavinntekt",
            title_en="Children in households with persistent low income",
            definition_nb=(
                "Andel barn 0–17 år i husholdninger med inntekt under 60 % av medianinntekten "
                "(EU-skala) i gjennomsnitt over tre år."
            ),
            definition_en=(
                "Share of children 0–17 in households whose income averaged over three years "
                "is below 60 % of the median (EU scale)."
            ),
            theme="economy",
            high_is_bad=True,
            source_nb=_FHI,
            source_en=_FHI_EN,
            default_ages=("0-17",),
        ),
        Indicator(
            id="child_welfare",
            title_nb="Barn med barnevernstiltak",
            title_en="Children receiving child welfare measures",
            definition_nb="Andel barn 0–17 år som mottar tiltak fra barnevernet i løpet av året.",
            definition_en=(
                "Share of children 0–17 receiving child welfare measures during the year."
            ),
            theme="economy",
            high_is_bad=True,
            source_nb=_FHI,
            source_en=_FHI_EN,
            default_ages=("0-17",),
        ),
        Indicator(
            id="crowded_housing_children",
            title_nb="Barn som bor trangt",
            title_en="Children in crowded housing",
            definition_nb=(
                "Andel barn 0–17 år som bor i en trangbodd husholdning (for få rom eller "
                "for lite areal per person)."
            ),
            definition_en=(
                "Share of children 0–17 living in a crowded household (too few rooms or too "
                "little floor space per person)."
            ),
            theme="economy",
            high_is_bad=True,
            source_nb=_FHI,
            source_en=_FHI_EN,
            default_ages=("0-17",),
        ),
        Indicator(
            id="school_wellbeing",
            title_nb="Trives på skolen (Elevundersøkelsen)",
            title_en="Thrives at school (Pupil Survey)",
            definition_nb=(
                "Andel elever som svarer at de trives godt eller svært godt på skolen, "
                "Elevundersøkelsen, standardisert."
            ),
            definition_en=(
                "Share of pupils who say they thrive well or very well at school, Pupil "
                "Survey, standardised."
            ),
            theme="mental_health",
            high_is_bad=False,
            source_nb=_FHI_SCHOOL,
            source_en=_FHI_SCHOOL_EN,
            default_ages=("10 trinn",),
        ),
        Indicator(
            id="bullied",
            title_nb="Mobbet på skolen (Elevundersøkelsen)",
            title_en="Bullied at school (Pupil Survey)",
            definition_nb=(
                "Andel elever som svarer at de blir mobbet på skolen to til tre ganger i "
                "måneden eller oftere, Elevundersøkelsen, standardisert."
            ),
            definition_en=(
                "Share of pupils who say they are bullied at school two or three times a "
                "month or more often, Pupil Survey, standardised."
            ),
            theme="participation",
            high_is_bad=True,
            source_nb=_FHI_SCHOOL,
            source_en=_FHI_SCHOOL_EN,
            default_ages=("7 trinn",),
        ),
        Indicator(
            id="mental_health_primary_care",
            title_nb="Psykiske symptomer og lidelser, fastlege og legevakt",
            title_en="Psychological symptoms and disorders, GP and emergency care",
            definition_nb=(
                "Brukere av fastlege og legevakt med psykiske symptomer eller lidelser "
                "(ICPC-2, kapittel P), per 1000 innbyggere 15–24 år, standardisert."
            ),
            definition_en=(
                "Users of GP and emergency care with psychological symptoms or disorders "
                "(ICPC-2, chapter P), per 1,000 residents aged 15–24, standardised."
            ),
            theme="mental_health",
            high_is_bad=True,
            source_nb=_FHI,
            source_en=_FHI_EN,
            default_ages=("15-24",),
            unit_nb="per 1000",
            unit_en="per 1,000",
        ),
    )
}


def get_indicator(indicator_id: str) -> Indicator:
    """Return the registry entry of ``indicator_id``.

    Parameters
    ----------
    indicator_id
        A registry id such as ``"neet"``.

    Returns
    -------
    Indicator
        The definition.

    Raises
    ------
    DataError
        When the id is not in the registry; the message lists the known ids.

    Examples
    --------
    >>> get_indicator("neet").title_en
    'Young people not in employment, education or training (NEET)'
    """
    try:
        return INDICATORS[indicator_id]
    except KeyError:
        raise DataError(
            f"unknown indicator; known indicators are {sorted(INDICATORS)}",
            column="indicator",
            value=indicator_id,
        ) from None


def indicator_table(lang: str = "nb") -> pd.DataFrame:
    """The registry as a table, one row per indicator.

    Parameters
    ----------
    lang
        ``"nb"`` or ``"en"`` for titles, units and themes.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``title``, ``unit``, ``theme``, ``high_is_bad``,
        ``default_ages`` (comma-separated) and ``definition``.

    Examples
    --------
    >>> table = indicator_table("en")
    >>> table.loc[table["id"] == "neet", ["unit", "high_is_bad"]].values.tolist()
    [['percent', True]]
    """
    en = lang == "en"
    rows = [
        {
            "id": ind.id,
            "title": ind.title(lang),
            "unit": ind.unit(lang),
            "theme": THEMES[ind.theme][1 if en else 0],
            "high_is_bad": ind.high_is_bad,
            "default_ages": ", ".join(ind.default_ages),
            "definition": ind.definition(lang),
        }
        for ind in INDICATORS.values()
    ]
    return pd.DataFrame(rows)
