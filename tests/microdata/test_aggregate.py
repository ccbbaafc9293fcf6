"""Microdata → CountFrame, checked against independent pandas computations (every engine)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utenforskap import frames as F
from utenforskap.errors import DataError
from utenforskap.microdata import aggregate, read_microdata
from utenforskap.registry import get_indicator

SCHOOL_GROUPS = {
    "8-10 trinn": ["8. trinn", "9. trinn", "10. trinn"],
    "VG1-VG3": ["VG1", "VG2", "VG3"],
}


def _micro(rows: list[tuple[str, str, int, str, str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["district", "year", "age", "sex", "neet"], dtype=object)
    frame["age"] = frame["age"].astype(str)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    return frame


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_counts_by_band_and_sex_match_crosstab(engine: str) -> None:
    rng = np.random.default_rng(1)
    n = 2000
    age = rng.integers(10, 30, n)
    micro = pd.DataFrame(
        {
            "district": rng.choice(["990101", "990102"], n),
            "year": rng.choice(["2023", "2024"], n),
            "age": age.astype(str),
            "sex": rng.choice(["male", "female"], n),
            "neet": np.where(age >= 15, rng.choice(["0", "1"], n), ""),
        },
        dtype=object,
    )
    counts = aggregate(
        micro, indicator="neet", rule=get_indicator("neet").rule, bands=["16-25"], engine=engine
    )
    F.validate_counts(counts)
    # Independent computation: filter and group by hand.
    sub = micro[(age >= 16) & (age <= 25)]
    expected = (
        sub.assign(n=1, x=(sub["neet"] == "1").astype(int))
        .groupby(["district", "year", "sex"])[["x", "n"]]
        .sum()
    )
    got = counts[counts[F.SEX] != "total"].set_index([F.REGION, F.PERIOD, F.SEX])
    for key, row in expected.iterrows():
        assert got.loc[key, F.NUMERATOR] == row["x"]
        assert got.loc[key, F.DENOMINATOR] == row["n"]
    totals = counts[counts[F.SEX] == "total"].set_index([F.REGION, F.PERIOD])
    by_hand = expected.groupby(level=[0, 1]).sum()
    assert (totals.loc[by_hand.index, F.DENOMINATOR].to_numpy() == by_hand["n"].to_numpy()).all()


def test_depressive_symptoms_rule_follows_fhi_definition() -> None:
    # FHI/Ungdata: mean of six items (1-4) >= 3, among those answering at least four.
    rows = [
        ["4", "4", "3", "3", "", ""],  # 4 answered, mean 3.5 → case
        ["4", "4", "4", "", "", ""],  # 3 answered → not in the denominator
        ["3", "3", "3", "3", "3", "2"],  # mean 2.83 → not a case
        ["3", "3", "3", "3", "3", "3"],  # mean exactly 3 → case
    ]
    micro = pd.DataFrame(rows, columns=[f"dep{k}" for k in range(1, 7)], dtype=object)
    micro["district"] = "990101"
    micro["year"] = "2024"
    micro["school_level"] = "9. trinn"
    micro["sex"] = "female"
    counts = aggregate(
        micro,
        indicator="ungdata_depressive_symptoms",
        rule=get_indicator("ungdata_depressive_symptoms").rule,
        bands=["8-10 trinn"],
        age="school_level",
        age_groups=SCHOOL_GROUPS,
    )
    total = counts[counts[F.SEX] == "total"].iloc[0]
    assert (total[F.NUMERATOR], total[F.DENOMINATOR]) == (2.0, 3.0)


def test_any_of_rule_leaves_non_answers_out() -> None:
    micro = pd.DataFrame(
        {
            "lonely": ["1", "3", "4", "", "2"],
            "district": "990101",
            "year": "2024",
            "school_level": "VG1",
            "sex": ["male", "female", "", "male", "female"],
        },
        dtype=object,
    )
    counts = aggregate(
        micro,
        indicator="ungdata_loneliness",
        rule=get_indicator("ungdata_loneliness").rule,
        bands=["VG1-VG3"],
        age="school_level",
        age_groups=SCHOOL_GROUPS,
        sex_codes={"male": "male", "female": "female", "": "unknown"},
    ).set_index(F.SEX)
    # The pupil without a stated sex is mapped to "unknown" on purpose: a cell of its own.
    assert counts.loc["total", F.NUMERATOR] == 2 and counts.loc["total", F.DENOMINATOR] == 4
    assert counts.loc["female", F.DENOMINATOR] == 2 and counts.loc["male", F.DENOMINATOR] == 1
    assert counts.loc["unknown", F.DENOMINATOR] == 1 and counts.loc["unknown", F.NUMERATOR] == 1


def test_bad_flag_value_names_row_and_value() -> None:
    micro = _micro([("990101", "2024", 17, "male", "1"), ("990101", "2024", 18, "male", "ja")])
    with pytest.raises(DataError, match="expected one of") as info:
        aggregate(
            micro,
            indicator="neet",
            rule=get_indicator("neet").rule,
            bands=["16-19"],
            source="register.csv",
        )
    assert (info.value.column, info.value.row, info.value.value) == ("neet", 2, "ja")
    assert str(info.value).startswith("register.csv, column 'neet', row 2")


def test_text_in_age_column() -> None:
    micro = _micro([("990101", "2024", 17, "male", "1")])
    micro.loc[1, "age"] = "sytten"
    with pytest.raises(DataError, match="an age in whole years") as info:
        aggregate(micro, indicator="neet", rule=get_indicator("neet").rule, bands=["16-19"])
    assert info.value.value == "sytten"


def test_read_microdata_keeps_leading_zeros_and_blanks(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("district,year,neet\n030101,2024,\n030102,2024,1\n", encoding="utf-8")
    frame = read_microdata(path)
    assert list(frame["district"]) == ["030101", "030102"]
    assert list(frame["neet"]) == ["", "1"]
    # The file's own line numbers: the header is line 1.
    assert list(frame.index) == [2, 3]


def test_read_microdata_errors(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="file not found"):
        read_microdata(tmp_path / "none.csv")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes("district,name\n030101,Sørhavna\n".encode("latin-1"))
    with pytest.raises(DataError, match="not UTF-8"):
        read_microdata(bad)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2\n1,2,3\n", encoding="utf-8")
    with pytest.raises(DataError, match="well-formed"):
        read_microdata(ragged)
    with pytest.raises(DataError, match="missing column") as info:
        read_microdata(_ok(tmp_path), required=("year",))
    assert info.value.column == "year"


def _ok(tmp_path: Path) -> Path:
    path = tmp_path / "ok.csv"
    path.write_text("district\n030101\n", encoding="utf-8")
    return path


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 29), st.sampled_from(["male", "female", ""]), st.booleans()),
        min_size=1,
        max_size=60,
    )
)
def test_total_equals_male_plus_female_plus_unknown(rows: list[tuple[int, str, bool]]) -> None:
    micro = pd.DataFrame(
        {
            "district": "990101",
            "year": "2024",
            "age": [str(a) for a, _, _ in rows],
            "sex": [s for _, s, _ in rows],
            "neet": ["1" if t else "0" for _, _, t in rows],
        },
        dtype=object,
    )
    counts = aggregate(
        micro,
        indicator="neet",
        rule=get_indicator("neet").rule,
        bands=["0-29"],
        sex_codes={"male": "male", "female": "female", "": "unknown"},
    )
    by_sex = counts.set_index(F.SEX)
    assert by_sex.loc["total", F.DENOMINATOR] == len(rows)
    assert by_sex.loc["total", F.NUMERATOR] == sum(t for _, _, t in rows)
    parts = by_sex.drop(index="total")
    assert parts[F.DENOMINATOR].sum() == len(rows)
    assert parts[F.NUMERATOR].sum() == sum(t for _, _, t in rows)
    unknown = sum(1 for _, s, _ in rows if not s)
    assert by_sex[F.DENOMINATOR].get("unknown", 0.0) == unknown
