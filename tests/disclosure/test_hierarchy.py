"""Which cells add up to which: age band nesting and unknown-district codes."""

from __future__ import annotations

import pytest

from utenforskap.disclosure.hierarchy import age_parents
from utenforskap.geo.codes import unknown_district_code


def test_two_level_age_nesting() -> None:
    assert age_parents(["16-25", "16-19", "20-25", "16-17", "18-19"]) == {
        "16-19": "16-25",
        "20-25": "16-25",
        "16-17": "16-19",
        "18-19": "16-19",
    }


def test_bands_that_do_not_partition_have_no_parent() -> None:
    # 16-19 and 21-25 leave 20 uncovered; 16-19 and 18-25 overlap.
    assert age_parents(["16-25", "16-19", "21-25"]) == {}
    assert age_parents(["16-25", "16-19", "18-25"]) == {}


def test_open_band_and_school_grades() -> None:
    assert age_parents(["18+", "18-24", "25+", "8-10 trinn"]) == {
        "18-24": "18+",
        "25+": "18+",
    }


def test_smallest_partitioned_parent_wins() -> None:
    # 0-17 = 0-5 + 6-17; 6-17 = 6-12 + 13-17. 13-17's parent is 6-17, not 0-17.
    got = age_parents(["0-17", "0-5", "6-17", "6-12", "13-17"])
    assert got["13-17"] == "6-17"
    assert got["6-17"] == "0-17"


@pytest.mark.parametrize(
    ("kommune", "length", "code"),
    [("0301", 6, "030199"), ("0301", 8, "03019999"), ("1103", 10, "1103999999")],
)
def test_unknown_district_code(kommune: str, length: int, code: str) -> None:
    level = {6: "bydel", 8: "grunnkrets", 10: "levekarssone"}[length]
    assert unknown_district_code([kommune], level).tolist() == [code]
