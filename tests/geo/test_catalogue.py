"""The built-in region catalogue: codes, names, validity years, names → codes, neighbours.

Expected facts come from ``../shared/data/README.md`` (SSB classifications 104,
131 and 103 as stored by norgeo and regtools) and from the shared lists
themselves, never from the catalogue's own output.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utenforskap.errors import DataError
from utenforskap.geo import RegionRegistry, rollup_levels
from utenforskap.geo._build_catalogue import build_neighbours, build_regions
from utenforskap.geo.catalogue import (
    catalogue,
    kommune_neighbours,
    region_codes,
    region_name,
    region_names,
)


def test_bundled_files_equal_a_rebuild_from_the_shared_lists(geo_dir):
    from importlib import resources

    folder = resources.files("utenforskap.geo") / "data"
    assert (folder / "regions.csv").read_text(encoding="utf-8") == build_regions(geo_dir)
    assert (folder / "neighbours.csv").read_text(encoding="utf-8") == build_neighbours(geo_dir)


def test_counts_of_regions_in_force():
    cat = catalogue()
    # README: 357 kommuner in 2024 (358 with 9999); 15 fylker in 2024, 11 in 2020 (without 99).
    kommuner = set(cat.codes(year=2024, level="kommune"))
    assert len(kommuner - {"9999"}) == 357
    assert len(set(cat.codes(year=2024, level="fylke")) - {"99"}) == 15
    assert len(set(cat.codes(year=2020, level="fylke")) - {"99"}) == 11
    for code in ("0301", "3203", "3222", "3301", "4003", "5501", "1508", "1580"):
        assert code in kommuner
    # Every kommune's first two digits are its fylke.
    table = cat.table[cat.table["level"] == "kommune"]
    assert (table["code"].str[:2] == table["parent"]).all()


def test_the_2024_kommuner_equal_the_shared_list(geo_dir):
    expected = pd.read_csv(geo_dir / "kommuner_2024.csv", dtype=str, keep_default_na=False)
    got = set(catalogue().codes(year=2024, level="kommune")) - {"9999"}
    assert got == set(expected["code"])


def test_names_for_people():
    assert region_name("0") == "Hele landet"
    assert region_name("0", lang="en") == "Norway"
    assert region_names(["40", "31", "55", "3203", "030101", "9901"]).tolist() == [
        "Telemark",
        "Østfold",
        "Troms",
        "Asker",
        "Gamle Oslo",
        "",
    ]


@pytest.mark.parametrize(
    ("text", "year", "code"),
    [
        ("Hele landet", 2024, "0"),
        ("Norge", 2019, "0"),
        ("Skien", 2024, "4003"),
        ("Asker", 2024, "3203"),
        ("Asker", 2022, "3025"),
        ("Asker", 2019, "0220"),
        ("Asker (2020-2023)", 2024, "3025"),  # the suffix decides, not the year
        ("Østfold (-2019)", 2024, "01"),
        ("Østfold", 2024, "31"),
        ("Sør-Trøndelag (-2017)", 2024, "16"),
        ("Viken (2020-2023)", 2024, "30"),
        ("Troms - Romsa (-2019)", 2024, "19"),
        ("Troms - Romsa - Tromssa", 2024, "55"),
        ("Oslo - Oslove", 2024, "03"),
        ("Oslo", 2024, "0301"),  # the kommune over its own fylke
        ("K-3203 Asker", 2024, "3203"),
        ("F-31", 2024, "31"),
        ("K.4001", 2024, "4001"),
        ("0301 Oslo", 2024, "0301"),
        # Klass vs statbank labels (README): both spellings resolve.
        ("Røros - Rossen", 2024, "5025"),
        ("Røros - Rosse", 2024, "5025"),
        ("Aarborte - Hattfjelldal", 2024, "1826"),
        ("Hattfjelldal", 2024, "1826"),
        ("Kárášjohka - Karasjok", 2024, "5610"),
        ("Kárásjohka - Karasjok", 2024, "5610"),
        # Sámi forms first, and either part alone.
        ("Guovdageaidnu - Kautokeino", 2024, "5612"),
        ("Kautokeino", 2024, "5612"),
        ("Trondheim", 2024, "5001"),
        ("Bø (Nordland)", 2024, "1867"),
        ("Sande (Møre og Romsdal)", 2024, "1514"),
        ("Bø", 2024, "1867"),  # only one Bø since 2020
        ("Bø (Telemark)", 2019, "0821"),
        ("  skien ", 2024, "4003"),
        ("Finnøy (-2019)", 2024, "1141"),  # the kommune, not Stavanger's bydel
    ],
)
def test_names_to_codes(text, year, code):
    assert region_codes([text], year=year).tolist() == [code]


@pytest.mark.parametrize(
    ("name", "year", "candidates"),
    [
        ("Våler", 2024, ["3114", "3419"]),
        ("Herøy", 2024, ["1515", "1818"]),
        ("Våler", 2019, ["0137", "0426"]),
        ("Os", 2019, ["0441", "1243"]),
        ("Bø", 2019, ["0821", "1867"]),
        ("Sande", 2019, ["0713", "1514"]),
        ("Nes", 2019, ["0236", "0616"]),
    ],
)
def test_ambiguous_bare_names_are_errors_naming_the_candidates(name, year, candidates):
    with pytest.raises(DataError, match="ambiguous") as info:
        region_codes(pd.Series([name], index=[7]), year=year, source="f.csv", column="Geografi")
    message = str(info.value)
    for code in candidates:
        assert code in message
    assert info.value.row == 7
    assert info.value.column == "Geografi"


@pytest.mark.parametrize(
    ("name", "year", "fylke", "code"),
    [
        ("Våler", 2024, "Innlandet", "3419"),
        ("Våler", 2024, "31", "3114"),
        ("Herøy", 2024, "Nordland", "1818"),
        ("Os", 2019, "Hordaland", "1243"),
        ("Bø", 2019, "08", "0821"),
        ("Nes", 2019, "Buskerud", "0616"),
    ],
)
def test_the_fylke_settles_ambiguous_names(name, year, fylke, code):
    assert region_codes([name], year=year, within=fylke).tolist() == [code]


def test_within_per_row():
    got = region_codes(["Herøy", "Herøy"], year=2024, within=["15", "18"])
    assert got.tolist() == ["1515", "1818"]


def test_level_chooses_between_fylke_and_kommune():
    assert region_codes(["Oslo"], year=2024, level="fylke").tolist() == ["03"]
    assert region_codes(["Oslo"], year=2024, level="kommune").tolist() == ["0301"]


def test_a_name_not_in_force_says_when_it_was():
    with pytest.raises(DataError, match="in force in 2022") as info:
        region_codes(["Haram"], year=2022)
    assert "1534" in str(info.value) and "1580" in str(info.value)


def test_a_misspelt_name_suggests_the_right_one():
    with pytest.raises(DataError, match="Skien"):
        region_codes(["Skein"], year=2024)


def test_every_statbank_label_of_1994_to_2024_resolves_to_its_code(geo_dir):
    # regtools' labels carry their validity ("Halden (-2019)"): each must give its own code.
    table = pd.read_csv(geo_dir / "kommune_codes_to_2024.csv", dtype=str, keep_default_na=False)
    table = table[
        table["from_code"].str.fullmatch(r"\d{4}")
        & ~table["from_code"].str[:2].isin(["21", "22", "23"])
    ]
    got = region_codes(table["from_label"], year=2024)
    assert got.tolist() == table["from_code"].tolist()


@pytest.mark.parametrize("column", ["name", "name_statbank"])
def test_every_2024_name_resolves(geo_dir, column):
    table = pd.read_csv(geo_dir / "kommuner_2024.csv", dtype=str, keep_default_na=False)
    assert region_codes(table[column], year=2024).tolist() == table["code"].tolist()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(catalogue().codes(year=2024, level="kommune")))
def test_a_code_and_its_own_name_round_trip(code):
    name = region_name(code)
    fylke = code[:2]
    assert region_codes([name], year=2024, within=fylke).tolist() == [code]
    # Written as statbank's "<code> <name>" it is the code, whatever the name.
    assert region_codes([f"{code} {name}"], year=2024).tolist() == [code]


def test_neighbours_are_symmetric_2024_kommuner():
    cat = catalogue()
    kommuner = set(cat.codes(year=2024, level="kommune"))
    from importlib import resources

    path = resources.files("utenforskap.geo") / "data" / "neighbours.csv"
    with path.open(encoding="utf-8") as stream:
        pairs = pd.read_csv(stream, dtype=str)
    assert set(pairs["code"]) <= kommuner
    forward = set(zip(pairs["code"], pairs["neighbour"], strict=True))
    assert forward == {(b, a) for a, b in forward}
    # Land borders known from the map of Norway.
    assert {"3201", "3312"} <= set(kommune_neighbours("3203"))  # Asker: Bærum, Lier
    assert {"4001", "4010"} <= set(kommune_neighbours("4003"))  # Skien: Porsgrunn, Siljan
    assert {"3201", "3207", "3222"} <= set(kommune_neighbours("0301"))
    assert "1103" not in kommune_neighbours("5001")
    assert kommune_neighbours("1151") == ()  # Utsira, an island


def test_builtin_registry_and_rollup_names_the_kommune():
    registry = RegionRegistry.builtin(2024)
    assert registry.name_of(["0", "40", "4003"]).tolist() == ["Hele landet", "Telemark", "Skien"]
    assert registry.parent_of(["030101", "0301", "03"]).tolist() == ["0301", "03", "0"]
    # Old codes are not in force in 2024.
    assert "3025" not in registry
    counts = pd.DataFrame(
        {
            "indicator": "neet",
            "region": ["030101", "030102"],
            "region_name": ["Gamle Oslo", "Grünerløkka"],
            "period": "2024",
            "age": "16-25",
            "sex": "total",
            "group": "total",
            "numerator": [5.0, 7.0],
            "denominator": [50.0, 70.0],
            "status": "",
        }
    )
    # Without a registry, the rolled-up kommune, fylke and land still get names.
    with pytest.warns(UserWarning, match="Hele landet"):  # the country is not Oslo
        rolled, _ = rollup_levels(counts, to="land")
    names = dict(zip(rolled["region"], rolled["region_name"], strict=True))
    assert names["0301"] == "Oslo" and names["03"] == "Oslo" and "0" not in names
    assert names["030101"] == "Gamle Oslo"
    # A registry that lists only districts: the kommune is named from the catalogue.
    districts = RegionRegistry.from_frame(
        pd.DataFrame({"code": ["030101", "030102"], "name": ["GO", "GL"]})
    )
    rolled, _ = rollup_levels(counts, to="kommune", registry=districts)
    assert dict(zip(rolled["region"], rolled["region_name"], strict=True))["0301"] == "Oslo"


def test_catalogue_validity_years_follow_the_reforms():
    table = catalogue().table.set_index("code")
    # README: Asker 0220 → 3025 (2020–2023) → 3203 (2024).
    assert table.loc["0220", "valid_to"] == 2019
    assert (table.loc["3025", "valid_from"], table.loc["3025", "valid_to"]) == (2020, 2023)
    assert table.loc["3203", "valid_from"] == 2024 and pd.isna(table.loc["3203", "valid_to"])
    assert table.loc["3025", "successor"] == "3203"
    # valid_to of fylker: 16/17 → 2017, 01–20 → 2019, 30/38/54 → 2023.
    assert table.loc[["16", "17"], "valid_to"].tolist() == [2017, 2017]
    assert table.loc[["30", "38", "54"], "valid_to"].tolist() == [2023] * 3
    assert re.fullmatch(r"\d+", str(table.loc["1580", "valid_from"]))
    assert np.all(table.loc[table["level"] == "bydel"].index.str.len() == 6)
