"""Build the bundled region catalogue and kommune neighbours from the shared geo lists (offline).

Run once when the lists change, from the project root::

    python -m utenforskap.geo._build_catalogue ../shared/data/geo

It writes ``src/utenforskap/geo/data/regions.csv`` and ``neighbours.csv``.
Nothing here runs when the package is used; the test suite rebuilds both
files in memory from ``../shared/data/geo`` and checks that the bundled ones
are equal (see ``tests/geo/test_catalogue.py``).

How the columns are derived
---------------------------
- land ``0``: "Hele landet" (English "Norway").
- fylker from ``fylker.csv``: ``name`` (Norwegian form), ``name_official``
  (SSB's full name with Sámi/Kven forms), ``valid_from``/``valid_to``
  (blank: before 2010 / still valid), every snapshot name as an alias.
- kommuner valid in 2024 from ``kommuner_2024.csv`` (Klass name, statbank
  label as an alias); earlier kommune codes from ``kommune_codes_to_2024.csv``,
  whose statbank labels carry their validity (``Asker (2020-2023)``,
  ``Bø (Telemark) (-2019)``). A 2024 kommune's ``valid_from`` is its fylke's
  first year or the year after the last year of an earlier code with exactly
  the same name (Asker ``3025`` ended 2023, so ``3203`` starts 2024),
  whichever is later; Haram ``1580`` (re-established 2024) is set by hand.
- bydeler from ``bydeler_2024.csv`` and ``bydeler_historical.csv`` (``FRA``/``TIL``).

Neighbours: two kommuner are neighbours when their generalised 2024
boundaries (``kommuner_2024.geojson``, csmaps) come within about 0.5 km of
each other at two or more boundary points: every vertex is put in a grid of
0.5 km cells (longitude scaled by the cosine of the latitude), and two
kommuner with vertices in the same or adjacent cells at least twice are
neighbours. The generalised lines do not share every vertex, so exact shared
edges miss real borders (Oslo–Lørenskog); islands without land borders
within 0.5 km (Utsira, Røst …) have no neighbours.
"""

from __future__ import annotations

import collections
import csv
import io
import json
import re
import sys
from pathlib import Path

__all__ = ["build_neighbours", "build_regions", "main"]

REGION_COLUMNS = (
    "code",
    "level",
    "name",
    "name_en",
    "name_official",
    "parent",
    "valid_from",
    "valid_to",
    "successor",
    "aliases",
)
_SUFFIX = re.compile(r"^(.*?)\s*\((\d{4})?-(\d{4})\)\s*$")
#: Statbank spellings seen in newer code lists that neither Klass nor regtools give.
_EXTRA_ALIASES = {"03": ("Oslo - Oslove",)}
_CELL_KM = 0.5
#: Statbank's Svalbard, Jan Mayen and continental-shelf codes: no kommuner, not catalogued.
_OUTSIDE = ("21", "22", "23")
#: First years the lists cannot tell: Haram was merged into Ålesund in 2020 and
#: re-established as 1580 in 2024 (SSB classification 131).
_STARTS = {"1580": 2024}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return [
            {k: (v or "").strip().replace("\u00a0", " ").strip() for k, v in row.items()}
            for row in csv.DictReader(stream)
        ]


def build_regions(geo: Path) -> str:
    """Return the text of ``regions.csv`` built from the shared geo lists in ``geo``."""
    rows: list[dict[str, str]] = [
        {
            "code": "0",
            "level": "land",
            "name": "Hele landet",
            "name_en": "Norway",
            "aliases": "Norge|Landet|Hele landet|Norway|Heile landet",
        }
    ]
    fylke_from: dict[str, str] = {}
    for f in _read(geo / "fylker.csv"):
        names = [n.split(":", 1)[1].strip() for n in f["names_in_source"].split(";") if ":" in n]
        aliases = [
            n for n in dict.fromkeys([*names, *_EXTRA_ALIASES.get(f["code"], ())]) if n != f["name"]
        ]
        fylke_from[f["code"]] = f["valid_from"]
        rows.append(
            {
                "code": f["code"],
                "level": "fylke",
                "name": f["name"],
                "name_official": f["name_official"],
                "parent": "0",
                "valid_from": f["valid_from"],
                "valid_to": f["valid_to"],
                "successor": f["replaced_by"],
                "aliases": "|".join(aliases),
            }
        )
    current = {k["code"]: k for k in _read(geo / "kommuner_2024.csv")}
    history = _read(geo / "kommune_codes_to_2024.csv")
    last_of_name: dict[str, int] = {}
    old_rows = []
    for h in history:
        match = _SUFFIX.match(h["from_label"])
        code = h["from_code"]
        if code in current or not re.fullmatch(r"\d{4}", code) or code[:2] in _OUTSIDE:
            continue
        if match is None:  # 9999 "Uoppgitt kommune", valid throughout
            name, start, end = h["from_label"], "", ""
        else:
            name, start, end = match.group(1), match.group(2) or "", match.group(3)
        successor = h["to_code_2024"] if re.fullmatch(r"\d{4}", h["to_code_2024"]) else ""
        old_rows.append(
            {
                "code": code,
                "level": "kommune",
                "name": name,
                "parent": code[:2],
                "valid_from": start,
                "valid_to": end,
                "successor": successor,
            }
        )
        if end:
            last_of_name[name] = max(last_of_name.get(name, 0), int(end))
    for code, k in current.items():
        starts = [int(fylke_from[k["fylke_code"]])] if fylke_from.get(k["fylke_code"]) else []
        if code in _STARTS:
            starts.append(_STARTS[code])
        for key in (k["name"], k["name_statbank"]):
            if key in last_of_name:
                starts.append(last_of_name[key] + 1)
        aliases = [a for a in dict.fromkeys([k["name_statbank"]]) if a and a != k["name"]]
        rows.append(
            {
                "code": code,
                "level": "kommune",
                "name": k["name"],
                "parent": k["fylke_code"],
                "valid_from": str(max(starts)) if starts else "",
                "aliases": "|".join(aliases),
            }
        )
    rows += old_rows
    for b in _read(geo / "bydeler_2024.csv"):
        rows.append(
            {"code": b["code"], "level": "bydel", "name": b["name"], "parent": b["kommune_code"]}
        )
    for b in _read(geo / "bydeler_historical.csv"):
        rows.append(
            {
                "code": b["GEO"],
                "level": "bydel",
                "name": b["NAVN"],
                "parent": b["GEO"][:4],
                "valid_from": b["FRA"],
                "valid_to": b["TIL"],
            }
        )
    rows.sort(key=lambda r: (len(r["code"]), r["code"]))
    codes = [r["code"] for r in rows]
    if len(set(codes)) != len(codes):
        raise ValueError("a code is listed twice")
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=REGION_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({c: r.get(c, "") for c in REGION_COLUMNS})
    return out.getvalue()


def build_neighbours(geo: Path) -> str:
    """Return the text of ``neighbours.csv`` (``code,neighbour``) from ``kommuner_2024.geojson``."""
    import math

    document = json.loads((geo / "kommuner_2024.geojson").read_text(encoding="utf-8"))
    cells: dict[tuple[int, int], set[str]] = collections.defaultdict(set)
    for feature in document["features"]:
        code = str(feature["properties"]["code"])
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        for polygon in polygons:
            for ring in polygon:
                for lon, lat in ring:
                    x = lon * 111.32 * math.cos(math.radians(lat))
                    y = lat * 110.57
                    cells[(math.floor(x / _CELL_KM), math.floor(y / _CELL_KM))].add(code)
    contacts: collections.Counter[tuple[str, str]] = collections.Counter()
    for (a, b), here in cells.items():
        near: set[str] = set()
        for da in (-1, 0, 1):
            for db in (-1, 0, 1):
                near |= cells.get((a + da, b + db), set())
        for x in here:
            for y in near:
                if x != y:
                    contacts[(x, y)] += 1
    pairs = sorted({(x, y) for (x, y), n in contacts.items() if n >= 2})
    pairs = [(x, y) for x, y in pairs if (y, x) in set(pairs)]
    return "code,neighbour\n" + "".join(f"{x},{y}\n" for x, y in pairs)


def main(argv: list[str] | None = None) -> int:
    """Write ``regions.csv`` and ``neighbours.csv`` next to this module's ``data`` folder."""
    args = sys.argv[1:] if argv is None else argv
    geo = Path(args[0] if args else "../shared/data/geo")
    target = Path(__file__).with_name("data")
    target.mkdir(exist_ok=True)
    (target / "regions.csv").write_text(build_regions(geo), encoding="utf-8")
    (target / "neighbours.csv").write_text(build_neighbours(geo), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
