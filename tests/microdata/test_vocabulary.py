"""Issue 13's microdata cases: each bad value refused with file, column, line and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from utenforskap.errors import DataError
from utenforskap.microdata import aggregate, read_counts

HEADER = "district,year,person_id,age,sex,neet\n"
GOOD = "030101,2024,1,17,male,1\n"


def _file(tmp_path: Path, bad_line: str) -> Path:
    path = tmp_path / "register.csv"
    path.write_text(HEADER + GOOD + bad_line, encoding="utf-8")
    return path


CASES = {
    # name: (the bad line, column, value, fragments of the message)
    "spreadsheet year": (
        "030101,2024.0,2,18,female,0\n",
        "year",
        "2024.0",
        ["expected a year such as 2024", "looks like a number from a spreadsheet: write 2024"],
    ),
    "year with a letter": ("030101,20x9,2,18,female,0\n", "year", "20x9", ["a year"]),
    "undeclared sex": (
        "030101,2024,2,18,mann,0\n",
        "sex",
        "mann",
        ["sex code not declared", "'unknown' on purpose"],
    ),
    "blank sex": ("030101,2024,2,18,,0\n", "sex", "", ["sex code not declared"]),
    "fractional flag": ("030101,2024,2,18,male,0.5\n", "neet", "0.5", ["expected one of [0, 1]"]),
    "negative age": ("030101,2024,2,-1,male,0\n", "age", "-1", ["negative age"]),
    "lost leading zero": (
        "30101,2024,2,18,male,0\n",
        "district",
        "30101",
        ["5 digits", "leading zero"],
    ),
    "duplicated person": (
        "030101,2024,1,17,male,1\n",
        "person_id",
        "1",
        ["appears more than once in period 2024 (also on row 2)"],
    ),
}


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_value_names_file_column_line_value(tmp_path: Path, case: str, engine: str) -> None:
    line, column, value, fragments = CASES[case]
    path = _file(tmp_path, line)
    with pytest.raises(DataError) as info:
        aggregate(path, indicator="neet", bands=["16-19"], id="person_id", engine=engine)
    error = info.value
    assert (error.file, error.column, error.row, error.value) == (str(path), column, 3, value)
    for fragment in fragments:
        assert fragment in str(error)


def test_sex_mapped_to_unknown_on_purpose_gets_its_own_cells(tmp_path: Path) -> None:
    path = _file(tmp_path, "030101,2024,2,18,mann,0\n")
    counts = aggregate(
        path,
        indicator="neet",
        bands=["16-19"],
        sex_codes={"male": "male", "female": "female", "mann": "unknown"},
    ).set_index("sex")
    assert counts.loc["unknown", "denominator"] == 1
    assert counts.loc["total", "denominator"] == 2
    assert sorted(counts.index) == ["male", "total", "unknown"]


def test_sex_codes_must_map_to_known_sexes(tmp_path: Path) -> None:
    from utenforskap.errors import ParameterError

    with pytest.raises(ParameterError, match=r"sex_codes\['1'\] must be one of"):
        aggregate(_file(tmp_path, GOOD), indicator="neet", bands=["16-19"], sex_codes={"1": "mann"})


@pytest.mark.parametrize(
    ("cell", "fragment"),
    [("80.5", "a count must be a whole number"), ("80,5", "write decimals with a point")],
)
def test_counts_file_refuses_fractional_counts(tmp_path: Path, cell: str, fragment: str) -> None:
    path = tmp_path / "counts.csv"
    path.write_text(
        "indicator,region,period,age,sex,numerator,denominator\n"
        f'neet,0301,2024,16-25,total,"{cell}",100\n',
        encoding="utf-8",
    )
    with pytest.raises(DataError, match=fragment) as info:
        read_counts(path)
    assert (info.value.column, info.value.row, info.value.value) == ("numerator", 2, cell)
