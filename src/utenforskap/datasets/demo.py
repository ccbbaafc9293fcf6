"""Seeded generator of the demo: register-like and Ungdata-like files for a fictional kommune.

The demo kommune is **Eksempelkommune**, code ``9901``, in the fictional fylke
``99``. SSB and FHI use fylke numbers up to 56 and the kommune code ``9999``
only for "uoppgitt", so ``99xx`` codes cannot be mistaken for a real kommune.
Its ten districts are ``990101`` … ``990110``; ``990199`` holds persons whose
district is unknown, as real registers have. Two districts, Fjellstad
(``990108``) and Skogly (``990109``), are small on purpose so that disclosure
control must act.

Every number is synthetic. The NEET share for 16–25 year olds is calibrated to
about 11 % for the kommune in the latest year (as reported for Asker), districts
range roughly 5–20 %, and the share rises over 2015–2024. The register holds
SSB's immigrant category of each person (about 15–17 % immigrants and 5–8 %
Norwegian-born to immigrant parents among 16–25 year olds, as in an Oslo-area
kommune), with more NEET and much more low income among immigrants.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DEMO_DIR",
    "DEMO_FILES",
    "DEMO_KOMMUNE",
    "DEMO_SEED",
    "YEARS",
    "write_demo_data",
]

DEMO_KOMMUNE = "9901"
DEMO_SEED = 20240611
DEMO_DIR = Path("data") / "raw" / "demo"
#: Environment variable naming the user cache folder (see :func:`user_cache_dir`).
CACHE_ENV = "UTENFORSKAP_CACHE"
YEARS = tuple(range(2015, 2025))
SURVEY_YEARS = tuple(range(2019, 2025))
SCHOOL_LEVELS = ("8. trinn", "9. trinn", "10. trinn", "VG1", "VG2", "VG3")
UNKNOWN_DISTRICT = "990199"
# Log-odds intercepts, set so that the whole kommune keeps the calibrated
# shares (NEET 16-25 about 11 % in 2024) with the immigrant-category effects.
NEET_INTERCEPT = -1.58
LOW_INCOME_INTERCEPT = -2.47
DROPOUT_INTERCEPT = -1.45

REGISTER_FILE = "register.csv"
UNGDATA_FILE = "ungdata.csv"
REGIONS_FILE = "regions.csv"
README_FILE = "README.md"
SSB_FILE = "ssb_neet_land.json"
FHI_FILE = "fhi_lavinntekt.csv"
NATIONAL_FILE = "land_referanse.csv"
CROSSWALK_FILE = "demo_crosswalk.csv"
#: Files copied as they are from the package.
_BUNDLED = (REGIONS_FILE, SSB_FILE, CROSSWALK_FILE)
#: Every file of the demo folder, in the order written.
DEMO_FILES = (*_BUNDLED, REGISTER_FILE, UNGDATA_FILE, FHI_FILE, NATIONAL_FILE, README_FILE)

# National reference shares (synthetic, of the order Ungdata and SSB report):
# indicator → age band → (female share, male share), and respondents or persons
# per sex and year.
_NATIONAL: dict[str, dict[str, tuple[float, float]]] = {
    "ungdata_loneliness": {"8-10 trinn": (0.27, 0.13), "VG1-VG3": (0.31, 0.16)},
    "ungdata_depressive_symptoms": {"8-10 trinn": (0.22, 0.09), "VG1-VG3": (0.27, 0.11)},
    "ungdata_school_wellbeing": {"8-10 trinn": (0.89, 0.90), "VG1-VG3": (0.87, 0.88)},
    "ungdata_bullied": {"8-10 trinn": (0.07, 0.07), "VG1-VG3": (0.04, 0.05)},
    "ungdata_local_satisfaction": {"8-10 trinn": (0.70, 0.73), "VG1-VG3": (0.66, 0.69)},
    "upper_secondary_completed": {"21": (0.81, 0.72)},
}
_NATIONAL_SIZE = {"ungdata": 45_000, "upper_secondary_completed": 31_000}

# Kommuner in the FHI-style file: code, name, first and last year, low-income
# share, children. Gamlevik and Østervik merged into Fjordvik in 2020 (a
# fictional reform), so the file holds their old codes before 2020, as real
# time series do.
_FHI_REGIONS: tuple[tuple[str, str, int, int, float, int], ...] = (
    ("0", "Hele landet", 2015, 2024, 0.112, 1_120_000),
    ("9902", "Nabodal", 2015, 2024, 0.092, 2_300),
    ("9912", "Gamlevik", 2015, 2019, 0.151, 1_400),
    ("9913", "Østervik", 2015, 2019, 0.128, 900),
    ("9903", "Fjordvik", 2020, 2024, 0.140, 2_350),
)


# SSB's immigrant categories (register variable innvandringskategori): A born in
# Norway to two Norwegian-born parents, B immigrants, C Norwegian-born to
# immigrant parents, E/F/G the smaller mixed categories. Shares are of the
# order SSB reports for an Oslo-area kommune: among 16-25 year olds about
# 15 % immigrants and 5-7 % Norwegian-born to immigrant parents, among
# children fewer immigrants and more Norwegian-born to immigrant parents.
_CATEGORIES = np.array(["A", "B", "C", "E", "F", "G"], dtype=object)
# Effects on the log-odds of NEET, low income and not completing upper
# secondary, by category (immigrants' households have far more low income).
_CATEGORY_EFFECTS: dict[str, dict[str, float]] = {
    "neet": {"B": 0.50, "C": 0.20},
    "low_income": {"B": 1.40, "C": 1.00},
    "dropout": {"B": 0.40, "C": 0.15},
}


@dataclass(frozen=True)
class _District:
    code: str
    persons_per_birth_year: int
    neet_logit: float  # district effect on the NEET log-odds
    low_income_logit: float
    dropout_logit: float
    wellbeing: float  # district effect on the Ungdata latent distress score


# Sizes are persons per one-year birth cohort; effects are on the logit scale.
_DISTRICTS: tuple[_District, ...] = (
    _District("990101", 78, 0.35, 0.35, 0.25, 0.15),
    _District("990102", 64, 0.05, 0.05, 0.00, 0.00),
    _District("990103", 55, 0.72, 0.85, 0.55, 0.30),
    _District("990104", 50, -0.45, -0.60, -0.35, -0.20),
    _District("990105", 44, -0.62, -0.90, -0.50, -0.25),
    _District("990106", 37, -0.05, 0.10, 0.05, 0.05),
    _District("990107", 30, 0.25, 0.40, 0.20, 0.10),
    _District("990108", 5, 0.40, 0.30, 0.30, 0.20),
    _District("990109", 4, -0.30, -0.20, -0.10, -0.10),
    _District("990110", 27, -0.35, -0.45, -0.25, -0.15),
    _District(UNKNOWN_DISTRICT, 2, 0.60, 0.50, 0.40, 0.20),
)

_README = """\
# Demo data: Eksempelkommune (synthetic)

Generated by `utenforskap demo-data` (seed {seed}); regenerating gives the same
bytes. Every number is synthetic: no real person is described.

- `regions.csv`: the fictional kommune `9901` Eksempelkommune in fylke `99`,
  its districts `990101`-`990110`, and `990199` for an unknown district.
  `99xx` codes are not used by SSB for any kommune (`9999` means "uoppgitt").
- `register.csv`: one row per person and year, {first}-{last}, ages 0-29:
  `year, person_id, district, age, sex`, `innvkat` (SSB's immigrant category:
  A born in Norway to Norwegian-born parents, B immigrants, C Norwegian-born
  to immigrant parents, E/F/G the mixed categories), `neet` (1/0 for ages 15-29: not in
  employment, education or training), `low_income` (1/0 for ages 0-17: living
  in a household below 60 % of the median equivalised income, EU-60),
  `upper_secondary` (1/0 at age 21: completed upper secondary education).
- `ssb_neet_land.json`: NEET counts for the whole country in SSB's
  JSON-stat 2.0 format (PxWebApi v2 layout), the national reference.
- `fhi_lavinntekt.csv`: children 0-17 in low-income households for the whole
  country and two neighbouring kommuner, as an FHI Kommunehelsa-style semicolon
  export (decimal comma, "K-" region cells). Gamlevik `9912` and Østervik `9913`
  merged into Fjordvik `9903` in 2020 (fictional); `demo_crosswalk.csv` maps the
  old codes, so the run harmonises them.
- `land_referanse.csv`: national reference counts for the Ungdata indicators
  and upper secondary completion, and NEET and low-income children by SSB's
  three immigrant groups, in the CountFrame layout (`format = "counts"`).
- `ungdata.csv`: one row per respondent in the Ungdata-like surveys
  {survey_first}-{survey_last}, pupils in 8.-10. trinn and VG1-VG3:
  `lonely` and `dep1`-`dep6` (1 = ikke plaget i det hele tatt, 2 = litt plaget,
  3 = ganske mye plaget, 4 = veldig mye plaget), `school_wellbeing`
  ("Jeg trives på skolen": 1 = helt enig ... 4 = helt uenig), `bullied`
  (1 = aldri/nesten aldri, 2 = omtrent hver måned, 3 = omtrent hver 14. dag,
  4 = omtrent en gang i uka eller oftere), `local_satisfaction`
  (1 = svært fornøyd ... 5 = svært misfornøyd). Blank means not answered.
"""


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _as_int_text(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Integers as text, blank where not applicable (so the CSV keeps no decimals)."""
    text = values.astype(np.int64).astype(str).astype(object)
    text[~present] = ""
    return text


def _categories(
    seed: int,
    birth: np.ndarray,
    district_index: np.ndarray,
    districts: Sequence[_District] = _DISTRICTS,
) -> np.ndarray:
    """Each person's immigrant category, from a stream of its own (the other draws are unchanged).

    Older cohorts hold more immigrants (many arrive as young adults), younger
    ones more Norwegian-born to immigrant parents; districts with much low
    income hold more of both.
    """
    rng = np.random.default_rng([seed, 14])
    older = np.clip((YEARS[-1] - birth - 5) / 20.0, 0.0, 1.0)
    spread = np.exp(0.8 * np.array([d.low_income_logit for d in districts]))[district_index]
    shares = np.column_stack(
        [
            np.zeros(len(birth)),
            (0.05 + 0.13 * older) * spread,
            (0.11 - 0.06 * older) * spread,
            np.full(len(birth), 0.010),
            np.full(len(birth), 0.030),
            np.full(len(birth), 0.005),
        ]
    )
    shares[:, 0] = 1.0 - shares[:, 1:].sum(axis=1)
    drawn = (rng.random(len(birth))[:, None] > np.cumsum(shares, axis=1)).sum(axis=1)
    return _CATEGORIES[np.minimum(drawn, len(_CATEGORIES) - 1)]


def _effect(category: np.ndarray, outcome: str) -> np.ndarray:
    """The immigrant-category effect of each person on an outcome's log-odds."""
    effects = _CATEGORY_EFFECTS[outcome]
    return np.array([effects.get(c, 0.0) for c in _CATEGORIES])[
        np.searchsorted(_CATEGORIES.astype(str), category.astype(str))
    ]


def _persons(
    rng: np.random.Generator,
    seed: int = DEMO_SEED,
    districts: Sequence[_District] = _DISTRICTS,
) -> pd.DataFrame:
    """One row per person: birth year, district, sex, immigrant category, a persistent frailty."""
    birth_years = np.arange(YEARS[0] - 29, YEARS[-1] + 1)
    sizes = np.array([d.persons_per_birth_year for d in districts])
    cohort = rng.poisson(np.broadcast_to(sizes, (len(birth_years), len(sizes))))
    district_index = np.repeat(np.tile(np.arange(len(sizes)), len(birth_years)), cohort.ravel())
    birth = np.repeat(np.repeat(birth_years, len(sizes)), cohort.ravel())
    n = len(birth)
    return pd.DataFrame(
        {
            "person_id": np.arange(1, n + 1),
            "birth_year": birth,
            "district_index": district_index,
            "female": rng.random(n) < 0.49,
            "frailty": rng.normal(0.0, 0.9, n),
            "household": rng.normal(0.0, 1.0, n),
            "innvkat": _categories(seed, birth, district_index, districts),
        }
    )


def _register(
    rng: np.random.Generator, persons: pd.DataFrame, districts: Sequence[_District] = _DISTRICTS
) -> pd.DataFrame:
    years = np.array(YEARS)
    age = years[None, :] - persons["birth_year"].to_numpy()[:, None]
    person_pos, year_pos = np.nonzero((age >= 0) & (age <= 29))
    frame = persons.iloc[person_pos].reset_index(drop=True)
    year = years[year_pos]
    age = year - frame["birth_year"].to_numpy()
    d = frame["district_index"].to_numpy()
    neet_effect = np.array([x.neet_logit for x in districts])[d]
    income_effect = np.array([x.low_income_logit for x in districts])[d]
    dropout_effect = np.array([x.dropout_logit for x in districts])[d]
    female = frame["female"].to_numpy()
    category = frame["innvkat"].to_numpy(dtype=object)
    trend = (year - YEARS[-1]) / (YEARS[-1] - YEARS[0])  # -1 … 0

    # NEET rises steeply from 16 to the early twenties, as in SSB's NEET statistics.
    age_effect = np.interp(age, [15, 16, 19, 22, 25, 29], [-2.6, -2.3, -1.2, -0.45, -0.35, -0.3])
    neet_logit = (
        NEET_INTERCEPT
        + _effect(category, "neet")
        + age_effect
        + neet_effect
        + 0.35 * trend
        + np.where(female, -0.12, 0.10)
        + 0.55 * frame["frailty"].to_numpy()
    )
    in_neet_age = (age >= 15) & (age <= 29)
    neet = rng.random(len(age)) < _expit(neet_logit)

    income_logit = (
        LOW_INCOME_INTERCEPT
        + _effect(category, "low_income")
        + income_effect
        - 0.35 * trend
        + 0.9 * frame["household"].to_numpy()
    )
    in_child_age = age <= 17
    low_income = rng.random(len(age)) < _expit(income_logit)

    at_21 = age == 21
    dropout_logit = (
        DROPOUT_INTERCEPT
        + _effect(category, "dropout")
        + dropout_effect
        + np.where(female, -0.35, 0.25)
        - 0.3 * trend
    )
    dropout_logit += 0.5 * frame["frailty"].to_numpy()
    completed = rng.random(len(age)) >= _expit(dropout_logit)

    codes = np.array([x.code for x in districts], dtype=object)
    out = pd.DataFrame(
        {
            "year": year,
            "person_id": frame["person_id"].to_numpy(),
            "district": codes[d],
            "age": age,
            "sex": np.where(female, "female", "male"),
            "innvkat": category,
            "neet": _as_int_text(neet, in_neet_age),
            "low_income": _as_int_text(low_income, in_child_age),
            "upper_secondary": _as_int_text(completed, at_21),
        }
    )
    return out.sort_values(["year", "person_id"], kind="mergesort").reset_index(drop=True)


def _likert(
    rng: np.random.Generator, latent: np.ndarray, cuts: tuple[float, ...], missing: float
) -> np.ndarray:
    """Ordinal answers 1…k from a latent score, with item non-response as 0."""
    noisy = latent + rng.logistic(0.0, 0.6, latent.shape)
    answer = 1 + np.searchsorted(np.asarray(cuts), noisy)
    answer[rng.random(latent.shape) < missing] = 0
    return answer


def _ungdata(
    rng: np.random.Generator, persons: pd.DataFrame, districts: Sequence[_District] = _DISTRICTS
) -> pd.DataFrame:
    years = np.array(SURVEY_YEARS)
    # 8. trinn pupils are 13 at the end of the survey year; VG3 pupils 18.
    grade_age = np.arange(13, 19)
    age = years[None, :] - persons["birth_year"].to_numpy()[:, None]
    eligible = (age >= grade_age[0]) & (age <= grade_age[-1])
    # About 80 % of pupils answer, as in Ungdata's typical response rates.
    answers = eligible & (rng.random(eligible.shape) < 0.80)
    person_pos, year_pos = np.nonzero(answers)
    frame = persons.iloc[person_pos].reset_index(drop=True)
    year = years[year_pos]
    level = year - frame["birth_year"].to_numpy() - grade_age[0]
    n = len(year)
    d = frame["district_index"].to_numpy()
    female = frame["female"].to_numpy()
    district_effect = np.array([x.wellbeing for x in districts])[d]
    trend = (year - SURVEY_YEARS[-1]) / (SURVEY_YEARS[-1] - SURVEY_YEARS[0])
    distress = (
        rng.normal(0.0, 1.0, n)
        + district_effect
        + np.where(female, 0.45, -0.2)
        + 0.08 * level
        + 0.25 * trend
        + 0.3 * frame["frailty"].to_numpy()
    )
    items = {
        "lonely": _likert(rng, distress, (0.2, 1.3, 2.2), 0.02),
    }
    for k in range(1, 7):
        items[f"dep{k}"] = _likert(rng, distress, (-0.4, 0.9, 2.0), 0.03)
    items["school_wellbeing"] = _likert(rng, 0.7 * distress, (0.1, 1.6, 2.5), 0.02)
    items["bullied"] = _likert(rng, 0.6 * distress, (1.7, 2.2, 2.7), 0.03)
    items["local_satisfaction"] = _likert(
        rng, 0.5 * distress + district_effect, (-0.3, 0.8, 1.5, 2.2), 0.03
    )
    sex = np.where(female, "female", "male").astype(object)
    sex[rng.random(n) < 0.015] = ""  # some pupils do not state their sex
    codes = np.array([x.code for x in districts], dtype=object)
    out = pd.DataFrame(
        {
            "year": year,
            "respondent_id": np.zeros(n, dtype=np.int64),
            "district": codes[d],
            "school_level": np.array(SCHOOL_LEVELS, dtype=object)[level],
            "sex": sex,
        }
    )
    for name, values in items.items():
        out[name] = _as_int_text(values, values > 0)
    out = out.sort_values(["year", "district", "school_level"], kind="mergesort")
    out["respondent_id"] = np.arange(1, n + 1)
    return out.reset_index(drop=True)


def _thousands(values: pd.Series) -> pd.Series:
    """Whole numbers with a space as thousands separator, as FHI's exports write them."""
    return values.map("{:,d}".format).str.replace(",", " ")


def _write_fhi(rng: np.random.Generator, path: Path) -> None:
    """Low-income children per kommune in FHI Kommunehelsa's semicolon layout."""
    pieces = []
    for code, name, first, last, share, children in _FHI_REGIONS:
        years = np.arange(first, last + 1)
        trend = 1.0 - 0.012 * (years - YEARS[0])
        nevner = np.rint(children * (1 + 0.003 * (years - YEARS[0]))).astype(np.int64)
        teller = rng.binomial(nevner, np.clip(share * trend, 0, 1))
        prefix = "" if code == "0" else "K-"
        pieces.append(
            pd.DataFrame(
                {
                    "Sted": f"{prefix}{code} {name}",
                    "År": years.astype(str),
                    "Alder": "0-17 år",
                    "Kjønn": "kjønn samlet",
                    "Teller": teller,
                    "Nevner": nevner,
                    "Andel (prosent)": np.round(100 * teller / nevner, 1),
                }
            )
        )
    table = pd.concat(pieces, ignore_index=True)
    table["Teller"] = _thousands(table["Teller"])
    table["Nevner"] = _thousands(table["Nevner"])
    table["Andel (prosent)"] = table["Andel (prosent)"].map("{:.1f}".format).str.replace(".", ",")
    # FHI's exports open in Excel: UTF-8 with a byte-order mark.
    table.to_csv(path, sep=";", index=False, lineterminator="\n", encoding="utf-8-sig")


def _write_national(rng: np.random.Generator, path: Path, seed: int = DEMO_SEED) -> None:
    """National reference counts in the CountFrame layout (the ``counts`` input format)."""
    pieces = []
    for indicator, bands in _NATIONAL.items():
        ungdata = indicator.startswith("ungdata_")
        years = np.array(SURVEY_YEARS if ungdata else YEARS)
        size = _NATIONAL_SIZE["ungdata" if ungdata else indicator]
        for band, shares in bands.items():
            for sex, share in zip(("female", "male"), shares, strict=True):
                n = rng.poisson(size, len(years))
                pieces.append(
                    pd.DataFrame(
                        {
                            "indicator": indicator,
                            "period": years.astype(str),
                            "age": band,
                            "sex": sex,
                            "numerator": rng.binomial(n, share),
                            "denominator": n,
                        }
                    )
                )
    table = pd.concat(pieces, ignore_index=True)
    keys = ["indicator", "period", "age"]
    total = table.groupby(keys, sort=False)[["numerator", "denominator"]].sum().reset_index()
    table = pd.concat([table, total.assign(sex="total")], ignore_index=True)
    table = pd.concat([table.assign(group="total"), _national_groups(seed)], ignore_index=True)
    table = table.assign(region="0", region_name="Hele landet", status="")
    columns = ["indicator", "region", "region_name", "period", "age", "sex", "group"]
    table = table.sort_values(columns, kind="mergesort")
    table[[*columns, "numerator", "denominator", "status"]].to_csv(
        path, index=False, lineterminator="\n", encoding="utf-8"
    )


# The country's NEET and low-income children by SSB's three published groups
# (synthetic, of the order SSB reports): group → (persons per one-year cohort,
# NEET share at 16-19, at 20-25, low-income share at 0-17).
_NATIONAL_GROUPS: dict[str, tuple[int, float, float, float]] = {
    "immigrants": (17_000, 0.080, 0.220, 0.36),
    "norwegian_born_to_immigrant_parents": (6_500, 0.060, 0.150, 0.30),
    "rest_of_population": (106_000, 0.040, 0.105, 0.075),
}


def _national_groups(seed: int) -> pd.DataFrame:
    """National counts by immigrant group: NEET by age band and sex, low income 0-17.

    Drawn from a stream of their own, so the whole-population rows keep their values.
    """
    rng = np.random.default_rng([seed, 18])
    pieces = []
    for group, (cohort, young, older, low_income) in _NATIONAL_GROUPS.items():
        years = np.array(YEARS)
        for band, width, share in (("16-19", 4, young), ("20-25", 6, older)):
            for sex, weight in (("female", 0.49), ("male", 0.51)):
                n = rng.poisson(cohort * width * weight, len(years))
                pieces.append(
                    pd.DataFrame(
                        {
                            "indicator": "neet",
                            "period": years.astype(str),
                            "age": band,
                            "sex": sex,
                            "group": group,
                            "numerator": rng.binomial(n, share * (1.1 if sex == "male" else 0.9)),
                            "denominator": n,
                        }
                    )
                )
        n = rng.poisson(cohort * 18 * 0.85, len(years))
        pieces.append(
            pd.DataFrame(
                {
                    "indicator": "low_income_children",
                    "period": years.astype(str),
                    "age": "0-17",
                    "sex": "total",
                    "group": group,
                    "numerator": rng.binomial(n, low_income),
                    "denominator": n,
                }
            )
        )
    neet = pd.concat([p for p in pieces if p["indicator"].iat[0] == "neet"], ignore_index=True)
    keys = ["indicator", "period", "group"]
    wide = neet.groupby([*keys, "sex"], sort=False)[["numerator", "denominator"]].sum()
    wide = wide.reset_index().assign(age="16-25")
    both = pd.concat([neet, wide], ignore_index=True)
    sexes = both.groupby([*keys, "age"], sort=False)[["numerator", "denominator"]].sum()
    both = pd.concat([both, sexes.reset_index().assign(sex="total")], ignore_index=True)
    low = [p for p in pieces if p["indicator"].iat[0] == "low_income_children"]
    return pd.concat([both, *low], ignore_index=True)


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def write_demo_data(directory: str | Path = DEMO_DIR, *, seed: int = DEMO_SEED) -> list[Path]:
    """Write the demo files, byte-identically for the same seed.

    Parameters
    ----------
    directory
        Folder to write into (created if needed); existing demo files are replaced.
    seed
        Seed of the random generator.

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of :data:`DEMO_FILES`.

    Examples
    --------
    >>> import tempfile
    >>> from utenforskap.datasets import write_demo_data
    >>> names = [p.name for p in write_demo_data(tempfile.mkdtemp())]
    >>> names[:3], names[-1]
    (['regions.csv', 'ssb_neet_land.json', 'demo_crosswalk.csv'], 'README.md')
    """
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    persons = _persons(rng, seed)
    register = _register(rng, persons)
    ungdata = _ungdata(rng, persons)

    for name in _BUNDLED:
        with resources.as_file(resources.files(__package__) / name) as bundled:
            shutil.copyfile(bundled, target / name)
    _write_csv(register, target / REGISTER_FILE)
    _write_csv(ungdata, target / UNGDATA_FILE)
    _write_fhi(rng, target / FHI_FILE)
    _write_national(rng, target / NATIONAL_FILE, seed)
    (target / README_FILE).write_text(
        _README.format(
            seed=seed,
            first=YEARS[0],
            last=YEARS[-1],
            survey_first=SURVEY_YEARS[0],
            survey_last=SURVEY_YEARS[-1],
        ),
        encoding="utf-8",
    )
    return [target / name for name in DEMO_FILES]
