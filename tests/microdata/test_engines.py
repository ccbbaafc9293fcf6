"""pandas and DuckDB give identical CountFrames and identical errors (hypothesis).

The random micro-tables include blanks, out-of-range answer codes, undeclared
sex codes, spreadsheet-damaged years and missing columns; they are written to
CSV and Parquet and also passed as frames, so the row numbers in errors (the
file's own lines, frame index labels) are compared too. An independent count
by hand (a plain Python loop over the rows) checks the shared result.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from utenforskap.errors import DataError
from utenforskap.microdata import aggregate
from utenforskap.registry import get_indicator

BANDS = ["0-5", "3-9", "10-12"]
SEX_CODES = {"1": "male", "2": "female", "9": "unknown"}
DEPRESSION = get_indicator("ungdata_depressive_symptoms").rule

# Mostly valid values, sometimes one that must be refused.
_region = st.sampled_from(["030101", "030102", "0301"]) | st.sampled_from(["30101", "03a1", ""])
_year = st.sampled_from(["2023", "2024"]) | st.sampled_from(["2024.0", "20x9", ""])
_age = st.integers(0, 14).map(str) | st.sampled_from(["-1", "7.5", "sju", "", "121"])
_sex = st.sampled_from(["1", "2", "9"]) | st.sampled_from(["", "3", "mann"])
_answer = st.sampled_from(["1", "2", "3", "4", ""]) | st.sampled_from(["0", "5", "x", "4.0"])


_valid = {
    "region": st.sampled_from(["030101", "030102", "0301"]),
    "year": st.sampled_from(["2023", "2024"]),
    "age": st.integers(0, 14).map(str),
    "sex": st.sampled_from(["1", "2", "9"]),
    "answer": st.sampled_from(["1", "2", "3", "4", ""]),
}


def _rows(valid_only: bool) -> st.SearchStrategy[list[tuple[str, ...]]]:
    if valid_only:
        parts = [_valid["region"], _valid["year"], _valid["age"], _valid["sex"]]
        answers = [_valid["answer"]] * 6
    else:
        parts = [_region, _year, _age, _sex]
        answers = [_answer] * 6
    return st.lists(st.tuples(*parts, *answers), min_size=1, max_size=40)


COLUMNS = ["district", "year", "age", "sex", *DEPRESSION.items]


def _frame(rows: list[tuple[str, ...]], drop: str | None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS, dtype=object)
    return frame.drop(columns=[drop]) if drop else frame


def _typed(column: pd.Series) -> pd.Series:
    """A text column as numbers (blanks as NaN) when every value is a number."""
    if column.name == "district":
        return column
    try:
        return pd.to_numeric(column.replace("", None))
    except (ValueError, TypeError):
        return column


def _outcome(data: object, engine: str) -> pd.DataFrame | str:
    try:
        return aggregate(
            data,
            indicator="ungdata_depressive_symptoms",
            bands=BANDS,
            sex_codes=SEX_CODES,
            engine=engine,
            source="micro",
        )
    except DataError as exc:
        return str(exc)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=_rows(valid_only=False),
    drop=st.sampled_from([None, None, None, "sex", "dep3"]),
    as_text=st.booleans(),
)
def test_pandas_and_duckdb_agree_on_counts_and_errors(
    rows: list[tuple[str, ...]], drop: str | None, as_text: bool
) -> None:
    frame = _frame(rows, drop)
    if not as_text and drop is None:
        # The same table as typed columns where the values allow it.
        frame = frame.apply(_typed)
    frame.index = pd.RangeIndex(1, len(frame) + 1)
    outcomes = {engine: _outcome(frame, engine) for engine in ("pandas", "duckdb")}
    with tempfile.TemporaryDirectory() as folder:
        csv = Path(folder) / "micro.csv"
        _frame(rows, drop).to_csv(csv, index=False)
        outcomes |= {f"csv-{engine}": _outcome(csv, engine) for engine in ("pandas", "duckdb")}
    first = outcomes["pandas"]
    if isinstance(first, str):
        assert outcomes["duckdb"] == first
    else:
        pd.testing.assert_frame_equal(outcomes["duckdb"], first)
    csv_first = outcomes["csv-pandas"]
    if isinstance(csv_first, str):
        assert outcomes["csv-duckdb"] == csv_first
    else:
        pd.testing.assert_frame_equal(outcomes["csv-duckdb"], csv_first)


def _by_hand(rows: list[tuple[str, ...]]) -> dict[tuple[str, str, str, str], list[int]]:
    """The FHI/Ungdata definition counted row by row: mean ≥ 3 among ≥ 4 answered."""
    cells: dict[tuple[str, str, str, str], list[int]] = {}
    labels = {"1": "male", "2": "female", "9": "unknown"}
    for region, year, age, sex, *answers in rows:
        given_answers = [int(a) for a in answers if a]
        if len(given_answers) < 4:
            continue
        case = int(sum(given_answers) / len(given_answers) >= 3)
        for band in BANDS:
            low, high = (int(x) for x in band.split("-"))
            if low <= int(age) <= high:
                for s in (labels[sex], "total"):
                    cell = cells.setdefault((region, year, band, s), [0, 0])
                    cell[0] += case
                    cell[1] += 1
    return cells


@settings(max_examples=15, deadline=None)
@given(rows=_rows(valid_only=True))
def test_counts_equal_a_count_by_hand(rows: list[tuple[str, ...]]) -> None:
    frame = _frame(rows, None)
    expected = _by_hand(rows)
    for engine in ("pandas", "duckdb"):
        got = _outcome(frame, engine)
        assert isinstance(got, pd.DataFrame), got
        cells = {
            (r.region, r.period, r.age, r.sex): [r.numerator, r.denominator]
            for r in got.itertuples()
        }
        assert cells == expected


def test_errors_name_the_files_own_line(tmp_path: Path) -> None:
    path = tmp_path / "micro.csv"
    path.write_text(
        "district,year,age,sex,neet\n030101,2024,17,male,1\n030101,2024,18,mann,0\n",
        encoding="utf-8",
    )
    for engine in ("pandas", "duckdb"):
        with pytest.raises(DataError) as info:
            aggregate(path, indicator="neet", bands=["16-19"], engine=engine)
        # Line 3: the header is line 1.
        assert str(info.value).startswith(f"{path}, column 'sex', row 3, value 'mann'")


def test_parquet_rows_are_counted_from_one(tmp_path: Path) -> None:
    path = tmp_path / "micro.parquet"
    frame = pd.DataFrame(
        {
            "district": ["030101"] * 3,
            "year": [2024, 2024, 2024],
            "age": [17, 18, 19],
            "sex": ["male", "female", "male"],
            "neet": [1, 7, 0],
        }
    )
    frame.to_parquet(path)
    messages = set()
    for engine in ("pandas", "duckdb"):
        with pytest.raises(DataError) as info:
            aggregate(path, indicator="neet", bands=["16-19"], engine=engine)
        messages.add(str(info.value))
    assert messages == {f"{path}, column 'neet', row 2, value 7: expected one of [0, 1] or blank"}


def test_auto_engine_uses_duckdb_for_files_and_pandas_for_small_frames() -> None:
    from utenforskap.microdata.engine import choose_engine

    assert choose_engine("parquet", None, "auto") == "duckdb"
    assert choose_engine("frame", 10, "auto") == "pandas"
    assert choose_engine("frame", 10_000_000, "auto") == "duckdb"


def test_a_hash_collision_is_not_a_duplicate(monkeypatch: pytest.MonkeyPatch) -> None:
    from utenforskap.microdata import sql

    # Every (period, id) pair gets the same hash: the exact comparison must clear them.
    monkeypatch.setattr(sql.Dialect, "hash", lambda self, *exprs: "0")
    micro = pd.DataFrame(
        {
            "district": ["030101"] * 3,
            "year": ["2024"] * 3,
            "id": ["1", "2", "3"],
            "age": ["17"] * 3,
            "sex": ["male"] * 3,
            "neet": ["1", "0", "0"],
        }
    )
    counts = aggregate(micro, indicator="neet", bands=["16-19"], id="id", engine="duckdb")
    assert counts.loc[counts["sex"] == "total", "denominator"].tolist() == [3.0]
    micro.loc[2, "id"] = "1"
    with pytest.raises(DataError, match=r"more than once in period 2024 \(also on row 0\)"):
        aggregate(micro, indicator="neet", bands=["16-19"], id="id", engine="duckdb")


def test_arrow_table_and_memory_limit() -> None:
    import pyarrow as pa

    frame = pd.DataFrame(
        {
            "district": ["030101", "030102"],
            "year": [2024, 2024],
            "age": [17, 18],
            "sex": ["male", "female"],
            "neet": [1, 0],
        }
    )
    table = pa.Table.from_pandas(frame)
    got = {
        engine: aggregate(
            table,
            indicator="neet",
            bands=["16-19"],
            engine=engine,
            memory_limit="200MB" if engine == "duckdb" else None,
        )
        for engine in ("pandas", "duckdb")
    }
    pd.testing.assert_frame_equal(got["pandas"], got["duckdb"])
    assert got["duckdb"]["denominator"].sum() == 4.0  # 2 persons, each in a sex cell and the total


@pytest.mark.parametrize(
    "body",
    [
        "030101,2024,17,male,1,5\n",  # the first data line: pandas would take an index column
        "030101,2024,17,male,1\n030101,2024,17,male,1,5\n",
    ],
)
@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_a_line_with_too_many_fields_is_refused(tmp_path: Path, body: str, engine: str) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("district,year,age,sex,neet\n" + body, encoding="utf-8")
    with pytest.raises(DataError, match="not a well-formed CSV file"):
        aggregate(path, indicator="neet", bands=["16-19"], engine=engine)
