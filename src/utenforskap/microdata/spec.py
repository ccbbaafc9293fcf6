"""What an aggregation reads and how each value is judged: one definition for every engine.

Every engine (pandas, DuckDB, Spark) first turns each column it uses into the
*text of its codes* (:func:`utenforskap.io.labelled.code_text` semantics:
``1.0`` → ``"1"``, missing → ``""``), then runs the checks below in their
fixed order and reports the first failing row of the first failing check. The
predicates are written once here: as Python functions on one value and as
regular expressions that the SQL compiler (:mod:`.sql`) reuses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from utenforskap.ages import OLDEST, parse_band
from utenforskap.errors import DataError, ParameterError
from utenforskap.registry import Rule

__all__ = [
    "DEFAULT_SEX_CODES",
    "NUMBER",
    "REGION_LENGTHS",
    "SEX_LABELS",
    "Check",
    "Spec",
    "is_number",
]

#: Sex codes when an input declares none.
DEFAULT_SEX_CODES: Mapping[str, str] = {"male": "male", "female": "female"}
#: What a sex code may map to (``total`` is computed, never mapped).
SEX_LABELS: tuple[str, ...] = ("male", "female", "unknown")
#: Lengths of region codes: land ``0``, fylke, kommune, bydel, grunnkrets, levekårssone.
REGION_LENGTHS: tuple[int, ...] = (1, 2, 4, 6, 8, 10)

# Regular expressions matched against the whole text (Python fullmatch, DuckDB
# regexp_full_match, Spark RLIKE '^(?:…)\z'); character classes only, so the
# three dialects read them alike.
DIGITS = "[0-9]+"
YEAR = "[0-9]{4}"
SPREADSHEET_YEAR = "[0-9]{4}[.]0+"
NUMBER = "-?[0-9]+([.][0-9]+)?"

_NUMBER = re.compile(NUMBER)
_DIGITS = re.compile(DIGITS)
_YEAR = re.compile(YEAR)
_SPREADSHEET_YEAR = re.compile(SPREADSHEET_YEAR)


def is_number(text: str) -> bool:
    """Whether ``text`` is a plain decimal number (``17``, ``-1``, ``1.0``)."""
    return _NUMBER.fullmatch(text) is not None


@dataclass(frozen=True)
class Check:
    """One check of the fixed order: which column, and for items which item."""

    name: str
    column: str
    item: int = -1


@dataclass(frozen=True)
class Spec:
    """A resolved aggregation: columns, declared codes, bands and the rule.

    Built by :meth:`build` from the arguments of :func:`utenforskap.aggregate`;
    every engine reads only this.
    """

    indicator: str
    rule: Rule
    bands: tuple[str, ...]
    region: str
    period: str
    age: str
    sex: str
    group: str | None
    id: str | None
    sex_codes: Mapping[str, str]
    group_codes: Mapping[str, str] | None
    code_bands: Mapping[str, tuple[str, ...]]
    number_bands: Mapping[str, tuple[int, int]]
    age_codes: frozenset[str]
    recode: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    region_names: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        indicator: str,
        rule: Rule,
        bands: Sequence[str],
        region: str,
        period: str,
        age: str,
        sex: str,
        group: str | None,
        id: str | None,
        sex_codes: Mapping[str, str] | None,
        group_codes: Mapping[str, str] | None,
        age_groups: Mapping[str, Sequence[str]] | None,
        labels: Mapping[str, Mapping[str, str]],
        answers: str,
    ) -> Spec:
        """Resolve the options; codes given as labels are turned into the file's codes."""
        if isinstance(bands, str) or not bands:
            raise ParameterError(
                f"bands must be a non-empty list of age band labels; not {bands!r}",
                parameter="bands",
                value=bands,
            )
        if group_codes is not None and group is None:
            raise ParameterError("group_codes needs group= (the column)", parameter="group")
        if group is not None and group_codes is None:
            raise ParameterError(
                "group= needs group_codes (code → label, or a standard map such as "
                "'ssb_immigrant_category')",
                parameter="group_codes",
            )
        sexes = dict(DEFAULT_SEX_CODES if sex_codes is None else sex_codes)
        for code, label in sexes.items():
            if label not in SEX_LABELS:
                raise ParameterError(
                    f"sex_codes[{code!r}] must be one of {list(SEX_LABELS)}; not {label!r}",
                    parameter="sex_codes",
                    value=label,
                )
        groups = dict(age_groups or {})
        code_bands: dict[str, tuple[str, ...]] = {}
        number_bands: dict[str, tuple[int, int]] = {}
        for band in bands:
            if band in groups:
                code_bands[band] = tuple(_codes(groups[band], labels.get(age, {})))
            else:
                number_bands[band] = parse_band(band)
        age_codes = frozenset(
            c for codes in groups.values() for c in _codes(codes, labels.get(age, {}))
        )
        recode = {}
        if answers == "label":
            recode = {item: _answer_recode(rule, item, labels.get(item)) for item in rule.items}
        return cls(
            indicator=indicator,
            rule=rule,
            bands=tuple(bands),
            region=region,
            period=period,
            age=age,
            sex=sex,
            group=group,
            id=id,
            sex_codes=_keyed(sexes, labels.get(sex, {})),
            group_codes=None
            if group_codes is None
            else _keyed(group_codes, labels.get(group or "", {})),
            code_bands=code_bands,
            number_bands=number_bands,
            age_codes=age_codes,
            recode=recode,
            region_names=dict(labels.get(region, {})),
        )

    @property
    def columns(self) -> tuple[str, ...]:
        """The source columns read, in the order their absence is reported."""
        keys = [self.region, self.period, self.age, self.sex]
        keys += [c for c in (self.group, self.id) if c is not None]
        out: list[str] = []
        for column in (*keys, *self.rule.items):
            if column not in out:
                out.append(column)
        return tuple(out)

    @property
    def checks(self) -> tuple[Check, ...]:
        """The checks in the order they are reported (the first failing one wins)."""
        out = [
            Check("region", self.region),
            Check("period", self.period),
            Check("age", self.age),
            Check("sex", self.sex),
        ]
        if self.group is not None:
            out.append(Check("group", self.group))
        if self.id is not None:
            out.append(Check("id", self.id))
        out += [Check("item", item, i) for i, item in enumerate(self.rule.items)]
        return tuple(out)

    # -- the predicates, on one value's text -----------------------------------------

    def valid(self, check: Check, text: str) -> bool:
        """Whether ``text`` passes ``check``."""
        if check.name == "region":
            return (
                _DIGITS.fullmatch(text) is not None
                and len(text) in REGION_LENGTHS
                and (len(text) != 1 or text == "0")
            )
        if check.name == "period":
            return _YEAR.fullmatch(text) is not None
        if check.name == "age":
            if text in self.age_codes:
                return True
            if not self.number_bands or not is_number(text):
                return False
            age = float(text)
            return age == int(age) and 0 <= age <= OLDEST
        if check.name == "sex":
            return text in self.sex_codes
        if check.name == "group":
            return self.group_codes is not None and text in self.group_codes
        if check.name == "id":
            return text != ""
        text = self.recode[check.column].get(text, "#") if check.column in self.recode else text
        return text == "" or (is_number(text) and float(text) in self.rule.codes)

    def describe(self, check: Check, text: str) -> tuple[str, str | None]:
        """The problem and hint for a value that fails ``check``."""
        if text == "" and check.name in ("region", "period", "age", "id"):
            noun = {"region": "region code", "period": "year", "age": "age", "id": "person id"}
            return f"blank {noun[check.name]}", None
        if check.name == "region":
            if _DIGITS.fullmatch(text) is None:
                return "region code must be digits", None
            hint = None
            if len(text) % 2 == 1:
                hint = "a leading zero may have been lost: keep codes as text (0301, not 301)"
            return (
                f"region code has {len(text)} digits; codes have 2 (fylke), 4 (kommune), "
                "6 (bydel), 8 (grunnkrets) or 10 (levekårssone) digits, or are 0 (land)",
                hint,
            )
        if check.name == "period":
            if _SPREADSHEET_YEAR.fullmatch(text) is not None:
                year = text.split(".")[0]
                return (
                    "expected a year such as 2024",
                    f"the year looks like a number from a spreadsheet: write {year}",
                )
            return "expected a year such as 2024", None
        if check.name == "age":
            return self._describe_age(text), None
        if check.name in ("sex", "group"):
            declared = self.sex_codes if check.name == "sex" else (self.group_codes or {})
            target = "sex_codes" if check.name == "sex" else "group_codes"
            return (
                f"{check.name} code not declared; declared codes are {sorted(declared)}",
                f"map it in {target}, to 'unknown' on purpose if it is not known",
            )
        codes = list(self.rule.codes)
        problem = f"expected one of {codes} or blank"
        if check.column in self.recode:
            problem = f"answer label not on the indicator's scale {list(self.rule.labels)}"
        return problem, None

    def _describe_age(self, text: str) -> str:
        if not self.number_bands:
            return (
                f"age code not declared in age_groups; declared codes are {sorted(self.age_codes)}"
            )
        if not is_number(text):
            return "expected an age in whole years"
        age = float(text)
        if age < 0:
            return "negative age"
        if age > OLDEST:
            return f"age above {OLDEST}"
        return "expected an age in whole years"


def _keyed(codes: Mapping[str, str], labels: Mapping[str, str]) -> dict[str, str]:
    """Codes as the file writes them: a key that is a value label stands for its code."""
    by_label = {label: code for code, label in labels.items()}
    out: dict[str, str] = {}
    for key, target in codes.items():
        text = str(key)
        code = text if text in labels or text not in by_label else by_label[text]
        out[code] = target
    return out


def _codes(codes: Sequence[str], labels: Mapping[str, str]) -> list[str]:
    by_label = {label: code for code, label in labels.items()}
    return [
        str(c) if str(c) in labels or str(c) not in by_label else by_label[str(c)] for c in codes
    ]


def _norm(label: str) -> str:
    return " ".join(label.split()).casefold()


def _answer_recode(rule: Rule, item: str, labels: Mapping[str, str] | None) -> dict[str, str]:
    """File code → the rule's code, matched by answer label; blanks stay blank."""
    if not rule.labels:
        raise ParameterError(
            f"answers='label' needs answer labels in the rule; the rule of item {item!r} "
            "is defined by code only",
            parameter="answers",
        )
    if not labels:
        raise DataError(
            "answers='label' but the column has no value labels",
            column=item,
            hint="read an SPSS/Stata file with value labels, or use answers='code'",
        )
    scale = {_norm(label): str(code) for code, label in zip(rule.codes, rule.labels, strict=True)}
    recode = {code: scale[_norm(label)] for code, label in labels.items() if _norm(label) in scale}
    recode[""] = ""
    return recode
