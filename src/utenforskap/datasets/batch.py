"""Seeded synthetic data for a batch: demo-like files for several real kommuner, with districts.

Each kommune gets register-like and Ungdata-like files in a folder of its
own (``<code>/register.csv``, ``<code>/ungdata.csv``), made by the demo's
generator (:mod:`utenforskap.datasets.demo`) with the demo's eleven districts
recoded to the kommune (``<code>01`` … ``<code>10``, ``<code>99`` for an
unknown district), their sizes scaled by ``scale`` and their effects drawn
anew per kommune. The national reference files are the demo's. The kommune
codes are real (so that ``"fylke:40"`` means something) but **every number is
synthetic** and the figures say so; the districts are fictional.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from utenforskap.datasets.demo import (
    _DISTRICTS,
    DEMO_SEED,
    NATIONAL_FILE,
    SSB_FILE,
    _District,
    _persons,
    _register,
    _ungdata,
    _write_csv,
    _write_national,
)

__all__ = ["BATCH_CONFIG", "BATCH_PACKS", "write_batch_data"]

#: The configuration file :func:`write_batch_data` writes.
BATCH_CONFIG = "batch.toml"
#: ``demo``: the demo's whole pack (every indicator, PNG and SVG, report.pdf);
#: ``small``: NEET and low income only, PNG only, no report (for tests).
BATCH_PACKS: tuple[str, ...] = ("demo", "small")
_DISTRICT_NAMES = (
    "Sentrum",
    "Nordbyen",
    "Sørhavna",
    "Østmarka",
    "Vestlia",
    "Bakkehaugen",
    "Elvedalen",
    "Fjellstad",
    "Skogly",
    "Strandvik",
    "Ukjent delområde",
)

_HEAD = """\
# A batch of synthetic kommuner (utenforskap.datasets.batch, seed {seed}).
# Every number is synthetic; the kommune codes are real, the districts fictional.
title = "{title}"
output = "out"

[batch]
kommuner = {kommuner}

[geography]
regions = "regions.csv"
to_year = 2024

[[inputs]]
id = "register"
format = "microdata"
path = "{{kommune}}/register.csv"
source = "Syntetiske registerdata"
indicators = ["neet", "low_income_children"]
region = "district"
person_id = "person_id"

[[inputs]]
id = "land_referanse"
format = "counts"
path = "{national}"
source = "Syntetiske landstall"

[[inputs]]
id = "ssb_neet_land"
format = "jsonstat"
path = "{ssb}"
source = "Syntetiske landstall i SSBs format"

[inputs.mapping]
indicator = "neet"
region = "Region"
region_name = "Region_label"
period = "Tid"
age = "Alder"
sex = "Kjonn"
content = "ContentsCode"
numerator = "NEETPers"
denominator = "Personer"

[inputs.mapping.age_map]
"016-019" = "16-19"
"020-025" = "20-25"
"016-025" = "16-25"

[inputs.mapping.sex_map]
"0" = "total"
"1" = "male"
"2" = "female"
"""

_DEMO = """
[[inputs]]
id = "ungdata"
format = "microdata"
path = "{kommune}/ungdata.csv"
source = "Ungdata-lignende syntetiske data"
indicators = [
  "ungdata_loneliness",
  "ungdata_depressive_symptoms",
  "ungdata_school_wellbeing",
  "ungdata_bullied",
  "ungdata_local_satisfaction",
]
region = "district"
age = "school_level"

[inputs.sex_codes]
male = "male"
female = "female"
"" = "unknown"

[inputs.age_groups]
"8-10 trinn" = ["8. trinn", "9. trinn", "10. trinn"]
"VG1-VG3" = ["VG1", "VG2", "VG3"]

[[inputs]]
id = "register_vgs"
format = "microdata"
path = "{kommune}/register.csv"
source = "Syntetiske registerdata"
indicators = ["upper_secondary_completed"]
person_id = "person_id"

[indicators.neet]
ages = ["16-19", "20-25", "16-25"]

[indicators.low_income_children]
ages = ["0-17"]

[indicators.upper_secondary_completed]
ages = ["21"]
"""
_UNGDATA_INDICATORS = (
    "ungdata_loneliness",
    "ungdata_depressive_symptoms",
    "ungdata_school_wellbeing",
    "ungdata_bullied",
    "ungdata_local_satisfaction",
)
_DEMO_TAIL = "".join(
    f'\n[indicators.{ind}]\nages = ["8-10 trinn", "VG1-VG3"]\npool = 3\n'
    for ind in _UNGDATA_INDICATORS
) + (
    "\n[disclosure]\nmin_count = 5\nmin_denominator = 20\nseries_share = 0.5\n"
    '\n[figures]\nlang = "nb"\nformats = ["png", "svg"]\nsynthetic = true\n'
)
_SMALL = """
[indicators.neet]
ages = ["16-25"]

[indicators.low_income_children]
ages = ["0-17"]

[disclosure]
min_count = 5
min_denominator = 20

[figures]
lang = "nb"
formats = ["png"]
report = false
synthetic = true
"""


def _districts(code: str, rng: np.random.Generator, scale: float) -> list[_District]:
    """The demo's districts recoded to ``code``, sizes scaled, effects varied per kommune."""
    shift = rng.normal(0.0, 0.2, size=(len(_DISTRICTS), 4))
    return [
        dataclasses.replace(
            d,
            code=code + d.code[4:],
            persons_per_birth_year=max(1, round(d.persons_per_birth_year * scale)),
            neet_logit=d.neet_logit + shift[i, 0],
            low_income_logit=d.low_income_logit + shift[i, 1],
            dropout_logit=d.dropout_logit + shift[i, 2],
            wellbeing=d.wellbeing + shift[i, 3],
        )
        for i, d in enumerate(_DISTRICTS)
    ]


def _toml_list(codes: Sequence[str] | str) -> str:
    if isinstance(codes, str):
        return f'"{codes}"'
    return "[" + ", ".join(f'"{c}"' for c in codes) + "]"


def write_batch_data(
    directory: str | Path,
    *,
    kommuner: Sequence[str] | str = ("4001", "4003", "4005"),
    seed: int = DEMO_SEED,
    scale: float = 1.0,
    pack: str = "demo",
    title: str = "Syntetiske kommuner",
) -> Path:
    """Write demo-like files for several kommuner and a batch configuration over them.

    Parameters
    ----------
    directory
        Folder to write into (created if needed).
    kommuner
        Kommune codes of 2024, or ``"fylke:40"`` / ``"all"`` (resolved with the
        region catalogue; files are written for each).
    seed
        Seed: the same seed gives the same bytes.
    scale
        Persons per district relative to the demo (1.0: the demo's sizes,
        about 80,000 person-years per kommune; 0.2 for quick tests).
    pack
        ``"demo"`` (the demo's whole pack) or ``"small"`` (see :data:`BATCH_PACKS`).
    title
        The batch's title (heading of its index page).

    Returns
    -------
    pathlib.Path
        The configuration, ``<directory>/batch.toml``; outputs go to ``<directory>/out``.

    Examples
    --------
    >>> import tempfile
    >>> from utenforskap.job.config import load_config
    >>> path = write_batch_data(tempfile.mkdtemp(), kommuner=["4001", "4003"], scale=0.1,
    ...                         pack="small")
    >>> cfg = load_config(path)
    >>> [k.folder for k in cfg.batch.kommuner], (path.parent / "4003" / "register.csv").is_file()
    (['4001-porsgrunn', '4003-skien'], True)
    """
    from utenforskap.errors import check_choice
    from utenforskap.job.batch_config import resolve_kommuner

    check_choice("pack", pack, BATCH_PACKS)
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    resolved = resolve_kommuner(kommuner, year=2024)
    regions = [("0", "Hele landet", "")]
    for k in resolved:
        rng = np.random.default_rng([seed, int(k.code)])
        districts = _districts(k.code, rng, scale)
        persons = _persons(rng, seed, districts)
        folder = target / k.code
        folder.mkdir(exist_ok=True)
        _write_csv(_register(rng, persons, districts), folder / "register.csv")
        if pack == "demo":
            _write_csv(_ungdata(rng, persons, districts), folder / "ungdata.csv")
        regions += [(d.code, n, k.code) for d, n in zip(districts, _DISTRICT_NAMES, strict=True)]
    frame = pd.DataFrame(regions, columns=["code", "name", "parent"])
    _write_csv(frame, target / "regions.csv")
    _write_national(np.random.default_rng(seed), target / NATIONAL_FILE, seed)
    with resources.as_file(resources.files("utenforskap.datasets") / SSB_FILE) as bundled:
        shutil.copyfile(bundled, target / SSB_FILE)
    text = _HEAD.format(
        seed=seed, title=title, kommuner=_toml_list(kommuner), national=NATIONAL_FILE, ssb=SSB_FILE
    )
    text += _DEMO + _DEMO_TAIL if pack == "demo" else _SMALL
    path = target / BATCH_CONFIG
    path.write_text(text, encoding="utf-8")
    return path
