"""engine="spark" on local[2]: the same CountFrame and the same errors as DuckDB (slow: a JVM)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from utenforskap.errors import DataError
from utenforskap.microdata import aggregate

pyspark = pytest.importorskip("pyspark")

pytestmark = pytest.mark.slow

BANDS = ["0-17", "15-29", "16-19", "20-25", "16-25"]


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("utenforskap-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _register(path: Path, n: int = 5000, *, group: bool = True) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "year": rng.choice([2023, 2024], n),
            "person_id": np.arange(n),
            "district": rng.choice(["030101", "030102", "030103"], n),
            "age": rng.integers(0, 30, n),
            "sex": rng.choice(["male", "female", ""], n, p=[0.49, 0.49, 0.02]),
            "neet": rng.choice([0.0, 1.0, np.nan], n, p=[0.8, 0.1, 0.1]),
            "innvkat": rng.choice(list("ABCEFG"), n),
        }
    )
    frame.to_parquet(path)
    return frame


OPTIONS = dict(
    indicator="neet",
    bands=BANDS,
    id="person_id",
    sex_codes={"male": "male", "female": "female", "": "unknown"},
    group="innvkat",
    group_codes="ssb_immigrant_background",
)


def test_spark_counts_equal_duckdb(tmp_path: Path, spark: object) -> None:
    path = tmp_path / "register.parquet"
    _register(path)
    expected = aggregate(path, engine="duckdb", **OPTIONS)
    got = aggregate(str(path), engine="spark", spark=spark, **OPTIONS)
    pd.testing.assert_frame_equal(got, expected)
    # A master URL instead of a session (here it finds the running local session).
    again = aggregate(spark.read.parquet(str(path)), engine="spark", spark="local[2]", **OPTIONS)
    pd.testing.assert_frame_equal(again, expected)
    assert set(got["sex"]) == {"male", "female", "unknown", "total"}


def test_spark_errors_equal_duckdb(tmp_path: Path, spark: object) -> None:
    path = tmp_path / "register.parquet"
    frame = _register(path)
    frame.loc[4321, "neet"] = 2.0
    frame.to_parquet(path)
    messages = set()
    for engine in ("duckdb", "spark", "pandas"):
        with pytest.raises(DataError) as info:
            aggregate(str(path), engine=engine, spark=spark, **OPTIONS)
        messages.add(str(info.value))
    assert messages == {
        f"{path}, column 'neet', row 4322, value 2.0: expected one of [0, 1] or blank"
    }
