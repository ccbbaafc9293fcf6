"""Write ssb_neet_land.json: a SYNTHETIC NEET table shaped like SSB's PxWebApi v2 answer."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["build", "main"]

SEED = 20240611
YEARS = [str(y) for y in range(2015, 2025)]
# SSB-style age codes with the number of single years in each band.
AGES = {"016-019": ("16-19 år", 4), "020-025": ("20-25 år", 6)}
SEXES = {"0": "Begge kjønn", "1": "Menn", "2": "Kvinner"}
CONTENTS = {
    "NEETPers": "Personer utenfor arbeid, utdanning og opplæring (NEET)",
    "Personer": "Personer i befolkningen",
}
# NEET share by band and sex (male, female), and a cohort size near 130,000 per
# single year of age, as in Norway in the 2010s-2020s; the 2020 bump mimics the
# pandemic year. Orders of magnitude only: these are not SSB's numbers.
NEET_SHARE = {"016-019": (0.055, 0.045), "020-025": (0.140, 0.115)}
COHORT = 130_000
MALE_SHARE = 0.512
MISSING = ("1", "016-019", "2015")  # one numerator cell published as ".." (not available)


def build() -> dict[str, Any]:
    """Return the synthetic dataset as a JSON-stat 2.0 document.

    Returns
    -------
    dict
        Region × Alder × Kjonn × ContentsCode × Tid with SSB's ``role``,
        ``extension`` and ``status`` layout; totals equal the sum of their parts.
    """
    rng = np.random.default_rng(SEED)
    years = len(YEARS)
    bump = np.where(np.array(YEARS) == "2020", 1.12, 1.0)
    people = {}
    neet = {}
    for age, (_, width) in AGES.items():
        cohort = COHORT * width * (1 + 0.004 * np.arange(years))
        for sex, share in zip(("1", "2"), NEET_SHARE[age], strict=True):
            weight = MALE_SHARE if sex == "1" else 1 - MALE_SHARE
            size = np.rint(cohort * weight + rng.normal(0, 400, years)).astype(np.int64)
            people[age, sex] = size
            neet[age, sex] = rng.binomial(size, np.clip(share * bump, 0, 1))
    for age in AGES:
        people[age, "0"] = people[age, "1"] + people[age, "2"]
        neet[age, "0"] = neet[age, "1"] + neet[age, "2"]
    ages = [*AGES, "016-025"]
    for sex in SEXES:
        people["016-025", sex] = people["016-019", sex] + people["020-025", sex]
        neet["016-025", sex] = neet["016-019", sex] + neet["020-025", sex]
    values: list[int | None] = []
    status: dict[str, str] = {}
    for age in ages:
        for sex in SEXES:
            for content in CONTENTS:
                series = neet[age, sex] if content == "NEETPers" else people[age, sex]
                for year, value in zip(YEARS, series, strict=True):
                    if content == "NEETPers" and (sex, age, year) == MISSING:
                        status[str(len(values))] = ".."
                        values.append(None)
                    else:
                        values.append(int(value))
    age_labels = {**{k: v[0] for k, v in AGES.items()}, "016-025": "16-25 år"}
    ids = ["Region", "Alder", "Kjonn", "ContentsCode", "Tid"]

    def category(labels: dict[str, str]) -> dict[str, Any]:
        return {"index": {c: i for i, c in enumerate(labels)}, "label": labels}

    dimension: dict[str, dict[str, Any]] = {
        "Region": {
            "label": "region",
            "category": category({"0": "Hele landet"}),
            "extension": {"elimination": True, "eliminationValueCode": "0", "show": "value"},
        },
        "Alder": {
            "label": "alder",
            "category": category(age_labels),
            "extension": {"elimination": False, "show": "value"},
        },
        "Kjonn": {
            "label": "kjønn",
            "category": category(SEXES),
            "extension": {"elimination": True, "eliminationValueCode": "0", "show": "value"},
        },
        "ContentsCode": {
            "label": "statistikkvariabel",
            "category": {
                **category(CONTENTS),
                "unit": {c: {"base": "personer", "decimals": 0} for c in CONTENTS},
            },
            "extension": {"elimination": False, "show": "value"},
        },
        "Tid": {
            "label": "år",
            "category": category({y: y for y in YEARS}),
            "extension": {"elimination": False, "show": "code"},
        },
    }
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "99999: SYNTETISKE DATA. Personer 16-25 år utenfor arbeid, utdanning og "
        "opplæring (NEET), etter region, alder, kjønn, statistikkvariabel og år",
        "source": "SYNTETISKE DATA laget av utenforskap (make_ssb_neet_land.py), "
        "formet som Statistisk sentralbyrås PxWebApi v2-svar. Ikke SSBs tall.",
        "updated": "2025-01-01T07:00:00Z",
        "note": [
            "SYNTHETIC DATA for the utenforskap demo: invented values shaped like an SSB "
            "JSON-stat 2.0 response. Not official statistics.",
            "Personer 16-19 år, menn, 2015: '..' (not available) to show status handling.",
        ],
        "role": {"geo": ["Region"], "metric": ["ContentsCode"], "time": ["Tid"]},
        "id": ids,
        "size": [len(dimension[i]["category"]["index"]) for i in ids],
        "dimension": dimension,
        "extension": {
            "px": {
                "infofile": "None",
                "tableid": "99999",
                "decimals": 0,
                "official-statistics": False,
                "aggregallowed": True,
                "language": "no",
                "contents": "Personer utenfor arbeid, utdanning og opplæring (syntetisk)",
            },
            "contact": [{"name": "utenforskap", "raw": "SYNTHETIC"}],
        },
        "value": values,
        "status": status,
    }


def main(argv: list[str] | None = None) -> int:
    """Write the dataset next to this script (or to the path given)."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path(__file__).with_name("ssb_neet_land.json")
    text = json.dumps(build(), ensure_ascii=False, indent=1)
    target.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
