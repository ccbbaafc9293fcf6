"""Region codes: levels, parents, unknown districts, repair of lost leading zeros."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from utenforskap.errors import DataError
from utenforskap.geo import (
    GeoWarning,
    is_unknown_district,
    level_of,
    levels_of,
    normalise_codes,
    parent_code,
)


def test_levels_follow_code_length_as_in_design():
    # DESIGN.md: 0 land, 2 fylke, 4 kommune, 6 bydel, 8 grunnkrets, 10 levekårssone.
    codes = ["0", "03", "0301", "030101", "11031102", "1103010001"]
    assert levels_of(codes).tolist() == [
        "land",
        "fylke",
        "kommune",
        "bydel",
        "grunnkrets",
        "levekarssone",
    ]
    assert [level_of(c) for c in codes] == levels_of(codes).tolist()


def test_levels_of_marks_non_codes_blank():
    assert levels_of(["301", "x", 301, "0301 "]).tolist() == ["", "", "", ""]


def test_level_of_refuses_integer():
    with pytest.raises(DataError, match="not a region code"):
        level_of(301)  # type: ignore[arg-type]


def test_parent_codes_up_the_hierarchy():
    assert parent_code(["030101", "1103010001", "0301", "03", "0"]).tolist() == [
        "0301",
        "1103",
        "03",
        "0",
        "",
    ]


def test_unknown_district_is_six_digits_ending_99():
    assert is_unknown_district(["030199", "460199", "030101", "9999", "0399"]).tolist() == [
        True,
        True,
        False,
        False,
        False,
    ]


def test_lost_zero_is_restored_with_a_warning():
    with pytest.warns(GeoWarning, match=r"301→0301"):
        out = normalise_codes(["301", "030101", "3203"])
    assert out.tolist() == ["0301", "030101", "3203"]


def test_lost_zero_in_integers_and_districts():
    with pytest.warns(GeoWarning, match="2 rows"):
        out = normalise_codes(pd.Series([301, "30101"], dtype=object))
    assert out.tolist() == ["0301", "030101"]


def test_well_formed_codes_give_no_warning(recwarn):
    assert normalise_codes(["0301", "030199"]).tolist() == ["0301", "030199"]
    assert not [w for w in recwarn if issubclass(w.category, GeoWarning)]


def test_repair_refused_when_both_spellings_occur():
    codes = pd.Series(["0301", "301"], index=["a", "b"], dtype=object)
    with pytest.raises(DataError, match="also occurs") as info:
        normalise_codes(codes, source="in.csv")
    assert info.value.row == "b"
    assert info.value.file == "in.csv"


def test_repair_refused_when_repaired_code_is_unknown():
    with pytest.raises(DataError, match="not a known code") as info:
        normalise_codes(["0301", "999"], known={"0301", "3203"})
    assert info.value.row == 1
    assert info.value.value == "999"


def test_repair_refused_when_raw_code_is_known():
    # A user region "3" would be ambiguous with fylke "03".
    with pytest.raises(DataError, match="ambiguous"):
        normalise_codes(["3"], known={"3", "03"})


@pytest.mark.parametrize("bad", ["301.0", 301.0, "03O1", "", "12345678901", True])
def test_non_codes_are_refused_naming_the_row(bad):
    with pytest.raises(DataError) as info:
        normalise_codes(["0301", bad])
    assert info.value.row == 1


_ZERO_CODES = (
    st.sampled_from([2, 4, 6, 8, 10])
    .flatmap(
        lambda n: st.text("0123456789", min_size=n - 1, max_size=n - 1).map(lambda rest: "0" + rest)
    )
    .filter(lambda code: not code.startswith("00"))
)


@given(_ZERO_CODES)
def test_a_code_that_lost_its_zero_gets_it_back(code):
    with pytest.warns(GeoWarning):
        assert normalise_codes([code[1:]]).tolist() == [code]
    assert normalise_codes([code]).tolist() == [code]
