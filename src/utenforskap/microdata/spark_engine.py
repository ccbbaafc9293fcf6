"""The Spark engine: the same compiled SQL on a SparkSession, for data that live on a cluster."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from utenforskap.errors import DataError, ParameterError
from utenforskap.microdata.common import duplicate_error, finish, row_error
from utenforskap.microdata.sources import Source
from utenforskap.microdata.spec import Spec
from utenforskap.microdata.sql import SPARK, compile_spec

__all__ = ["aggregate_spark", "open_spark_source", "spark_session"]

_VIEW = "__utenforskap_micro"
_FINE = "__utenforskap_fine"
_POS = "__utenforskap_pos"
_FILE = "__utenforskap_file"


def spark_session(spark: Any = None) -> Any:
    """The SparkSession to use: the one given, one started from a master URL, or the active one.

    Parameters
    ----------
    spark
        A ``SparkSession``; a master URL such as ``"local[2]"`` or
        ``"spark://host:7077"``; or None for the active session.

    Returns
    -------
    pyspark.sql.SparkSession
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ParameterError(
            "engine='spark' needs pyspark: pip install 'utenforskap[spark]' (and Java 17+)",
            parameter="engine",
        ) from None
    if isinstance(spark, str):
        return (
            SparkSession.builder.master(spark)
            .appName("utenforskap")
            .config("spark.ui.enabled", "false")
            .getOrCreate()
        )
    if spark is not None:
        return spark
    active = SparkSession.getActiveSession()
    if active is None:
        raise ParameterError(
            "engine='spark' needs a SparkSession: pass spark=session or a master URL "
            "such as spark='local[2]'",
            parameter="spark",
        )
    return active


def open_spark_source(
    path: str | Path, *, spark: Any = None, source: object | None = None
) -> Source:
    """A Parquet file or folder read by Spark (local, HDFS, S3 …), as a source.

    Parameters
    ----------
    path
        Parquet file or folder, in any file system Spark can read.
    spark
        As :func:`spark_session`.
    source
        Name for error messages (default: the path).

    Returns
    -------
    Source
    """
    session = spark_session(spark)
    frame = session.read.parquet(str(path))
    name = str(source) if source is not None else str(path)
    return Source("spark", name, tuple(frame.columns), frame=frame, first_row=1)


def _positioned(frame: Any) -> tuple[Any, list[str]]:
    """The frame with each row's file and row number, where Spark knows them (Parquet)."""
    from pyspark.sql import functions as sf

    try:
        located = frame.select(
            "*",
            sf.col("_metadata.file_path").alias(_FILE),
            sf.col("_metadata.row_index").alias(_POS),
        )
        located.schema  # noqa: B018  (resolves the columns now)
        return located, [_FILE, _POS]
    except Exception:  # not a file source: rows have no numbers
        return frame, []


def aggregate_spark(source: Source, spec: Spec, *, spark: Any = None) -> pd.DataFrame:
    """Validate and count with Spark SQL; see :func:`utenforskap.aggregate`."""
    if source.kind != "spark":
        session = spark_session(spark)
        if source.kind == "parquet":
            source = replace(source, kind="spark", frame=session.read.parquet(str(source.path)))
        else:
            raise ParameterError(
                f"engine='spark' reads Parquet files and Spark DataFrames; not {source.kind!r} "
                "(use engine='duckdb')",
                parameter="engine",
            )
    frame = source.frame
    session = frame.sparkSession
    types = dict(frame.dtypes)
    compiled = compile_spec(spec, SPARK, {c: types[c] for c in spec.columns})
    frame.createOrReplaceTempView(_VIEW)
    fine = session.sql(compiled.fine(_VIEW)).cache()
    try:
        fine.createOrReplaceTempView(_FINE)
        query = compiled.checks(_FINE)
        failures = session.sql(query).collect()[0]
        for index, count in enumerate(failures):
            if count:
                raise _first_error(session, compiled, source, index)
        if spec.id is not None and session.sql(compiled.duplicates(_VIEW)).collect()[0][0]:
            error = _duplicate(session, compiled, source)
            if error is not None:  # else: two hashes collided, no person is repeated
                raise error
        cells = session.sql(compiled.cells(_FINE))
        table = cells.toArrow() if hasattr(cells, "toArrow") else None
        result = table.to_pandas() if table is not None else pd.DataFrame(cells.collect())
    finally:
        fine.unpersist()
        session.catalog.dropTempView(_FINE)
        session.catalog.dropTempView(_VIEW)
    return finish(result, spec, is_sorted=True)


def _ordered(session: Any, source: Source) -> tuple[str, list[str]]:
    located, position = _positioned(source.frame)
    located.createOrReplaceTempView(_VIEW + "_pos")
    return _VIEW + "_pos", position


def _named(source: Source, position: list[str], row: Any) -> tuple[Source, int | None]:
    if not position:
        return replace(source, first_row=None), None
    file = str(row[0]).removeprefix("file:")
    return replace(source, name=file), int(row[1])


def _first_error(session: Any, compiled: Any, source: Source, index: int) -> DataError:
    check = compiled.spec.checks[index]
    view, position = _ordered(session, source)
    order = [SPARK.ident(c) for c in position] or ["0"]
    row = session.sql(compiled.first_bad(view, check, order)).collect()[0]
    k = len(order)
    raw = row[k]
    texts = dict(zip(("r", "p", "a", "s", "g", "idt"), row[k + 1 : k + 7], strict=True))
    items = row[k + 7 :]
    key = {"region": "r", "period": "p", "age": "a", "sex": "s", "group": "g", "id": "idt"}
    text = texts[key[check.name]] if check.name in key else items[check.item]
    named, at = _named(source, position, row)
    if at is None:
        problem, hint = compiled.spec.describe(check, text)
        return DataError(problem, file=source.name, column=check.column, value=raw, hint=hint)
    return row_error(named, compiled.spec, check, at, text, raw)


def _duplicate(session: Any, compiled: Any, source: Source) -> DataError | None:
    view, position = _ordered(session, source)
    order = [SPARK.ident(c) for c in position] or ["0"]
    rows = session.sql(compiled.first_duplicate(view, order)).collect()
    if not rows:
        return None
    row = rows[0]
    k = len(order)
    period, raw, first = row[k], row[k + 1], row[-1]
    named, at = _named(source, position, row)
    if at is None:
        return DataError(
            f"person id appears more than once in period {period}",
            file=source.name,
            column=compiled.spec.id,
            value=raw,
        )
    return duplicate_error(named, compiled.spec, at, int(first), period, raw)
