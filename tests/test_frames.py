"""Table contracts: validators report the first offending column, row and value."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from utenforskap import frames as F
from utenforskap.errors import DataError


def _counts() -> pd.DataFrame:
    return pd.DataFrame(
        {
            F.INDICATOR: ["neet", "neet", "neet"],
            F.REGION: ["0301", "030101", "030102"],
            F.REGION_NAME: ["Oslo", "Gamle Oslo", "Grünerløkka"],
            F.PERIOD: ["2023", "2023", "2023"],
            F.AGE: ["16-25", "16-25", "16-25"],
            F.SEX: ["total", "total", "total"],
            F.GROUP: ["total", "total", "total"],
            F.NUMERATOR: [90.0, 10.0, 12.0],
            F.DENOMINATOR: [1000.0, 100.0, 120.0],
            F.STATUS: ["", "", ""],
        }
    )


def test_valid_frame_passes_unchanged() -> None:
    frame = _counts()
    assert F.validate_counts(frame) is frame


def test_a_frame_without_group_reads_as_the_whole_population() -> None:
    frame = _counts().drop(columns=F.GROUP)
    out = F.validate_counts(frame)
    assert out is not frame and out[F.GROUP].tolist() == ["total"] * 3
    assert list(out.columns) == list(F.COUNT_COLUMNS)


def test_a_true_zero_with_a_count_is_refused() -> None:
    frame = _counts()
    frame.loc[1, F.STATUS] = "-"
    with pytest.raises(DataError, match=r"row 1, value 10.0: status '-' says the count is a true"):
        F.validate_counts(frame)


def test_empty_counts_has_contract_columns() -> None:
    empty = F.empty_counts()
    assert tuple(empty.columns) == F.COUNT_COLUMNS
    F.validate_counts(empty)


def test_missing_column_is_named() -> None:
    with pytest.raises(DataError, match="missing column 'denominator'") as info:
        F.validate_counts(_counts().drop(columns=F.DENOMINATOR), source="x.csv")
    assert info.value.column == F.DENOMINATOR
    assert "x.csv" in str(info.value)


def test_codes_must_be_strings() -> None:
    frame = _counts().astype({F.REGION: object})
    frame.loc[2, F.REGION] = 30102
    with pytest.raises(DataError, match="must be text") as info:
        F.validate_counts(frame)
    assert (info.value.column, info.value.row, info.value.value) == (F.REGION, 2, 30102)


def test_negative_count_names_row_and_value() -> None:
    frame = _counts()
    frame.loc[1, F.NUMERATOR] = -3.0
    with pytest.raises(DataError, match="negative count") as info:
        F.validate_counts(frame)
    assert (info.value.column, info.value.row, info.value.value) == (F.NUMERATOR, 1, -3.0)


def test_numerator_above_denominator() -> None:
    frame = _counts()
    frame.loc[2, F.NUMERATOR] = 121.0
    with pytest.raises(DataError, match="greater than denominator") as info:
        F.validate_counts(frame)
    assert info.value.row == 2
    assert "row 2" in str(info.value) and "121.0" in str(info.value)


def test_text_in_count_column() -> None:
    frame = _counts().astype({F.DENOMINATOR: object})
    frame.loc[0, F.DENOMINATOR] = "tusen"
    with pytest.raises(DataError, match="not a number") as info:
        F.validate_counts(frame)
    assert (info.value.row, info.value.value) == (0, "tusen")


def test_unknown_sex() -> None:
    frame = _counts()
    frame.loc[1, F.SEX] = "K"
    with pytest.raises(DataError, match="unknown sex") as info:
        F.validate_counts(frame)
    assert (info.value.row, info.value.value) == (1, "K")


def test_missing_count_needs_a_status() -> None:
    frame = _counts()
    frame.loc[1, F.NUMERATOR] = np.nan
    with pytest.raises(DataError, match="without a status"):
        F.validate_counts(frame)
    frame.loc[1, F.STATUS] = ".."
    F.validate_counts(frame)


def test_unknown_status_symbol() -> None:
    frame = _counts()
    frame.loc[0, F.STATUS] = "x"
    with pytest.raises(DataError, match="unknown status symbol"):
        F.validate_counts(frame)


def test_duplicate_keys() -> None:
    frame = pd.concat([_counts(), _counts().iloc[[1]]], ignore_index=True)
    with pytest.raises(DataError, match="duplicate key") as info:
        F.validate_counts(frame)
    assert info.value.row == 3


def test_sort_frame_is_deterministic() -> None:
    frame = _counts().iloc[::-1]
    assert list(F.sort_frame(frame)[F.REGION]) == ["0301", "030101", "030102"]


def test_indicator_columns_extend_count_columns() -> None:
    assert F.INDICATOR_COLUMNS[: len(F.COUNT_COLUMNS)] == F.COUNT_COLUMNS
    assert len(set(F.INDICATOR_COLUMNS)) == len(F.INDICATOR_COLUMNS)


def test_missing_code_in_string_column_is_reported() -> None:
    frame = _counts().astype({F.REGION: "str"})
    frame.loc[1, F.REGION] = None
    assert isinstance(frame[F.REGION].dtype, pd.StringDtype)
    with pytest.raises(DataError, match="must be text") as info:
        F.validate_counts(frame)
    assert (info.value.column, info.value.row) == (F.REGION, 1)
