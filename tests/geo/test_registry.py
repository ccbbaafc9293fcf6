"""Region registry: user regions, crosswalk names, levekårssoner, unknown-code check."""

from __future__ import annotations

import pandas as pd
import pytest

from utenforskap.errors import DataError
from utenforskap.geo import FYLKER_2024, RegionRegistry, read_crosswalk, read_levekarssone_map

DEMO = """code,name,parent
99,Eksempelfylke,0
9901,Eksempelkommune,99
990101,Sentrum,
990102,Nordbyen,9901
990199,Ukjent delområde,9901
"""


@pytest.fixture
def demo(tmp_path) -> RegionRegistry:
    path = tmp_path / "regions.csv"
    path.write_text(DEMO, encoding="utf-8")
    return RegionRegistry.from_csv(path)


def test_user_regions_with_parents_given_or_implied(demo):
    assert demo.parent_of(["990101", "990102", "9901", "99", "nope"]).tolist() == [
        "9901",
        "9901",
        "99",
        "0",
        "",
    ]
    assert demo.name_of(["990199"]).tolist() == ["Ukjent delområde"]
    assert "9901" in demo
    assert "0301" not in demo


def test_parent_column_is_optional():
    reg = RegionRegistry.from_frame(pd.DataFrame({"code": ["9901", "990101"], "name": ["K", "D"]}))
    assert reg.parents() == {"9901": "99", "990101": "9901"}
    assert reg.table["level"].tolist() == ["kommune", "bydel"]


def test_check_names_the_row_of_an_unknown_code(demo):
    codes = pd.Series(["990101", "990111", "990102"], index=[10, 11, 12])
    with pytest.raises(DataError, match="unknown region code") as info:
        demo.check(codes, source="counts.csv")
    assert info.value.row == 11
    assert info.value.value == "990111"
    assert info.value.file == "counts.csv"
    demo.check(["990101", "9901"])


def test_code_with_two_names_is_refused():
    frame = pd.DataFrame({"code": ["9901", "9901"], "name": ["A", "B"]})
    with pytest.raises(DataError, match="different names"):
        RegionRegistry.from_frame(frame)


def test_parent_must_be_coarser(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,name,parent\n9901,K,990101\n", encoding="utf-8")
    with pytest.raises(DataError, match="coarser") as info:
        RegionRegistry.from_csv(path)
    assert info.value.row == 2  # the file's own line: the header is line 1


def test_code_without_leading_zero_in_file_is_refused(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("code,name\n0301,Oslo\n30101,Gamle Oslo\n", encoding="utf-8")
    with pytest.raises(DataError, match="not a region code") as info:
        RegionRegistry.from_csv(path)
    assert info.value.row == 3  # the file's own line: the header is line 1
    assert "'030101'" in str(info.value)  # the hint: a spreadsheet dropped the leading zero


def test_combine_with_crosswalk_kommuner(demo, geo_dir):
    crosswalk = read_crosswalk(geo_dir / "kommune_codes_to_2024.csv")
    national = RegionRegistry.from_crosswalk(crosswalk)
    both = demo.combine(national)
    assert both.name_of(["3203", "9901", "32", "0"]).tolist() == [
        "Asker",
        "Eksempelkommune",
        "Akershus",
        "Hele landet",
    ]
    # SSB: 357 kommuner on 1 January 2024.
    assert (national.table["level"] == "kommune").sum() == 357
    # Every 2024 kommune's fylke is one of the 15 fylker of 2024.
    assert set(national.table.loc[national.table["level"] == "fylke", "code"]) == set(
        FYLKER_2024
    ) - {"0"}


def test_combine_refuses_conflicting_names(demo):
    other = RegionRegistry.from_frame(pd.DataFrame({"code": ["9901"], "name": ["Annen"]}))
    with pytest.raises(DataError, match="different names"):
        demo.combine(other)


def test_levekarssone_registry_from_real_mapping(geo_dir):
    path = geo_dir / "levekarssone_grunnkrets_2026.csv"
    mapping = read_levekarssone_map(path)
    raw = pd.read_csv(path, dtype=str)
    assert len(mapping) == len(raw) == 5558
    reg = RegionRegistry.from_levekarssone_csv(path)
    zones = reg.table[reg.table["level"] == "levekarssone"]
    # Counted independently from the raw file: Stavanger has 69 levekårssoner.
    assert (zones["code"].str[:4] == "1103").sum() == raw.loc[
        raw["levekaar"].str.startswith("1103"), "levekaar"
    ].nunique()
    first = raw.iloc[0]
    assert reg.parent_of([first["grunnkrets"]]).tolist() == [first["levekaar"]]
    assert reg.parent_of([first["levekaar"]]).tolist() == ["1103"]


def test_levekarssone_mapping_refuses_grunnkrets_in_two_zones(tmp_path):
    path = tmp_path / "lks.csv"
    path.write_text(
        "levekaar,lksnavn,grunnkrets\n1103010001,A,11031102\n1103010002,B,11031102\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError, match="two levekårssoner") as info:
        read_levekarssone_map(path)
    assert info.value.row == 2


def test_fill_names_keeps_given_names(demo):
    # 0301 is not in the demo registry: its name comes from the built-in catalogue;
    # 9902 is in neither and stays unnamed.
    frame = pd.DataFrame(
        {"region": ["9901", "990101", "0301", "9902"], "region_name": ["", "Mitt", "", ""]}
    )
    assert demo.fill_names(frame)["region_name"].tolist() == [
        "Eksempelkommune",
        "Mitt",
        "Oslo",
        "",
    ]
