"""Kommune crosswalks: the shared 1994–2024 file, chains, splits, weights, cycles."""

from __future__ import annotations

import pandas as pd
import pytest

from utenforskap.errors import DataError
from utenforskap.geo import crosswalk_from_frame, read_crosswalk


@pytest.fixture(scope="module")
def crosswalk(geo_dir):
    return read_crosswalk(geo_dir / "kommune_codes_to_2024.csv")


def _to(crosswalk, code: str) -> str:
    return crosswalk.table.set_index("from_code").loc[code, "to_code"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # Facts from shared/data/README.md (SSB classification 131).
        ("0220", "3203"),
        ("3025", "3203"),
        ("0627", "3203"),
        ("0628", "3203"),
        ("1201", "4601"),
        ("0602", "3301"),
        ("3005", "3301"),
        ("0230", "3222"),
        ("3029", "3222"),
        ("0301", "0301"),
        ("1103", "1103"),
    ],
)
def test_real_crosswalk_maps_reformed_codes(crosswalk, old, new):
    assert crosswalk.to_year == 2024
    assert _to(crosswalk, old) == new


def test_split_and_unknown_kommuner_have_no_successor(crosswalk):
    splits = set(crosswalk.split_codes())
    # Halsa (split between Heim and Surnadal 2020), Tysfjord, Snillfjord, "uoppgitt".
    assert {"1571", "1850", "5012", "9999"} <= splits
    assert "0220" not in splits


def test_reused_code_with_one_successor_is_folded(crosswalk):
    # 0716 was Våle until 2001 and Re 2002–2019; both are in Tønsberg now.
    rows = crosswalk.table[crosswalk.table["from_code"] == "0716"]
    assert rows["to_code"].tolist() == ["3905"]


def test_targets_outside_kommuner_are_left_unresolved(crosswalk):
    table = crosswalk.table.set_index("from_code")
    assert table.loc["2111", "to_code"] == ""
    assert "Svalbard" in table.loc["2111", "successors"]


def test_weights_of_single_successors_are_one(crosswalk):
    mapped = crosswalk.table[crosswalk.table["to_code"] != ""]
    assert (mapped["weight"] == 1.0).all()
    assert not mapped.duplicated("from_code").any()


def test_chains_are_followed():
    frame = pd.DataFrame(
        {"from_code": ["0220", "3025", "3203"], "to_code": ["3025", "3203", "3203"]}
    )
    cw = crosswalk_from_frame(frame, to_year=2024)
    assert cw.table["to_code"].tolist() == ["3203"] * 3


def test_cycle_is_refused_naming_a_row(tmp_path):
    path = tmp_path / "cw.csv"
    path.write_text("from_code,to_code\n1000,2000\n2000,3000\n3000,1000\n", encoding="utf-8")
    with pytest.raises(DataError, match="cycle") as info:
        read_crosswalk(path, to_year=2024)
    assert info.value.row in (1, 2, 3)
    assert str(path) in str(info.value)


def test_two_successors_without_weights_are_refused_naming_rows(tmp_path):
    path = tmp_path / "cw.csv"
    path.write_text("from_code,to_code\n0301,0301\n1571,5055\n1571,1566\n", encoding="utf-8")
    with pytest.raises(DataError, match="2 successors") as info:
        read_crosswalk(path, to_year=2024)
    assert "rows [2, 3]" in str(info.value)


def test_weights_must_add_up_to_one(tmp_path):
    path = tmp_path / "cw.csv"
    path.write_text("from_code,to_code,weight\n1571,5055,0.5\n1571,1566,0.4\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"add up to 0\.9"):
        read_crosswalk(path, to_year=2024)


def test_weighted_split_is_accepted(tmp_path):
    path = tmp_path / "cw.csv"
    path.write_text(
        "from_code,to_code,weight\n1571,5055,0.7\n1571,1566,0.3\n5055,5055,\n1566,1566,\n",
        encoding="utf-8",
    )
    cw = read_crosswalk(path, to_year=2024)
    rows = cw.table[cw.table["from_code"] == "1571"].set_index("to_code")["weight"]
    assert rows.to_dict() == {"1566": 0.3, "5055": 0.7}


def test_year_must_match_column(geo_dir):
    with pytest.raises(DataError, match="not to_year=2020"):
        read_crosswalk(geo_dir / "kommune_codes_to_2024.csv", to_year=2020)


def test_plain_layout_needs_a_year(tmp_path):
    path = tmp_path / "cw.csv"
    path.write_text("from_code,to_code\n0220,3203\n", encoding="utf-8")
    with pytest.raises(DataError, match="no target year"):
        read_crosswalk(path)


def test_with_weights_replaces_a_split(crosswalk):
    weights = pd.DataFrame(
        {"from_code": ["1571", "1571"], "to_code": ["5055", "1566"], "weight": [0.6, 0.4]}
    )
    cw = crosswalk.with_weights(weights)
    assert "1571" not in cw.split_codes()
    with pytest.raises(DataError, match="not a 2024 kommune"):
        crosswalk.with_weights(weights.assign(to_code=["5055", "1571"]))
