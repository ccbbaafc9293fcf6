"""``aggregate``: person or respondent rows → CountFrame, on pandas, DuckDB or Spark."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from utenforskap.errors import ParameterError, check_choice
from utenforskap.microdata.groups import group_map
from utenforskap.microdata.sources import open_source
from utenforskap.microdata.spec import Spec
from utenforskap.registry import Rule, get_indicator

__all__ = ["ANSWERS", "ENGINES", "PANDAS_MAX_ROWS", "aggregate", "choose_engine"]

#: Engines of :func:`aggregate`.
ENGINES: tuple[str, ...] = ("auto", "pandas", "duckdb", "spark")
#: How a rule's answers are matched: by code, or by the file's value labels.
ANSWERS: tuple[str, ...] = ("code", "label")
#: ``engine="auto"`` counts in-memory frames up to this many rows with pandas.
PANDAS_MAX_ROWS = 200_000


def choose_engine(kind: str, rows: int | None, engine: str) -> str:
    """The engine ``engine="auto"`` picks for a source.

    Parameters
    ----------
    kind
        The source's kind (``csv``, ``parquet``, ``frame``, ``arrow``, ``spark``).
    rows
        Rows of an in-memory source, None for files.
    engine
        The engine asked for.

    Returns
    -------
    str
        ``pandas``, ``duckdb`` or ``spark``.

    Examples
    --------
    >>> choose_engine("csv", None, "auto"), choose_engine("frame", 1000, "auto")
    ('duckdb', 'pandas')
    """
    check_choice("engine", engine, ENGINES)
    if kind == "spark":
        if engine not in ("auto", "spark"):
            raise ParameterError(
                f"a Spark DataFrame is counted by engine='spark'; not {engine!r}",
                parameter="engine",
                value=engine,
            )
        return "spark"
    if engine != "auto":
        return engine
    if kind in ("frame", "arrow") and rows is not None and rows <= PANDAS_MAX_ROWS:
        return "pandas"
    return "duckdb"


def aggregate(
    data: str | Path | pd.DataFrame | Any,
    *,
    indicator: str,
    rule: Rule | None = None,
    bands: Sequence[str] | None = None,
    region: str = "district",
    period: str = "year",
    age: str = "age",
    sex: str = "sex",
    sex_codes: Mapping[str, str] | None = None,
    age_groups: Mapping[str, Sequence[str]] | None = None,
    group: str | None = None,
    group_codes: str | Mapping[str, str] | None = None,
    id: str | None = None,
    items: Mapping[str, str] | None = None,
    answers: str = "code",
    engine: str = "auto",
    spark: Any = None,
    memory_limit: str | None = None,
    source: object | None = None,
) -> pd.DataFrame:
    """Count persons with and without a trait per region, period, age band, sex and group.

    Every row is checked first, the same way by every engine, and the first bad
    value is an error naming the file, column, row and the value as written.
    Then all age bands, ``total``/``male``/``female`` (and ``unknown`` where
    declared) and all groups are counted in one pass.

    Parameters
    ----------
    data
        One row per person-year or respondent: a path to a CSV file (UTF-8,
        comma-separated, header on line 1), a Parquet file or folder, an SPSS
        ``.sav``/``.zsav`` or Stata ``.dta`` file (value labels are used, see
        below), a pandas DataFrame, a pyarrow Table, an
        :class:`utenforskap.io.Labelled`, or a Spark DataFrame.
    indicator
        Registry id written to the ``indicator`` column.
    rule
        How a row counts (:class:`utenforskap.registry.Rule`); default: the
        registry's rule for ``indicator``.
    bands
        Age band labels; default: the indicator's ``default_ages``. A label
        found in ``age_groups`` selects rows whose ``age`` column holds one of
        its codes (e.g. school levels); any other label is an age range
        (``"16-25"``) over whole-year ages 0–120.
    region, period, age, sex
        Source column names. Region codes are digits (leading zeros kept);
        periods are years written ``2024``.
    sex_codes
        Source code → ``"male"``, ``"female"`` or ``"unknown"``. Default:
        ``male`` and ``female`` as they are. Any other code, blanks included,
        is an error unless mapped here; codes mapped to ``"unknown"`` get cells
        of their own (``total`` = male + female + unknown).
    age_groups
        Band label → the ``age`` column's codes (e.g. ``{"8-10 trinn":
        ["8. trinn", "9. trinn", "10. trinn"]}``). Every code the input uses
        must be declared.
    group, group_codes
        A population breakdown: the column, and its code → group label
        mapping (or a standard map by name, see
        :mod:`utenforskap.microdata.groups`, e.g. ``"ssb_immigrant_category"``).
        Cells come per group and for ``group = "total"``. An unmapped code,
        blank included, is an error; map it to ``"unknown"`` on purpose to
        count it as its own group.
    id
        A person or respondent id column: the same id twice in one period is
        an error. None: not checked.
    items
        The rule's item → the column that holds it in this file, for files
        whose questions are named otherwise (e.g. ``{"lonely": "ensom"}``).
    answers
        ``"code"``: the rule's answer codes are the file's codes.
        ``"label"``: the file's value labels are matched to the rule's answer
        labels (Ungdata's wording), whatever the codes.
    engine
        ``"auto"`` (DuckDB for files and frames over
        :data:`PANDAS_MAX_ROWS` rows, pandas for smaller frames), ``"pandas"``,
        ``"duckdb"`` or ``"spark"``. All give identical CountFrames and errors.
    spark
        For ``engine="spark"``: a ``SparkSession``, or a master URL to start
        one (e.g. ``"local[2]"``, ``"spark://host:7077"``). Default: the
        active session.
    memory_limit
        DuckDB's memory limit (e.g. ``"8GB"``); beyond it DuckDB spills to a
        private temporary folder. Default ``"2GB"``: a 100-million-row file
        counts in under 4 GB of memory; raise it on a larger machine for speed.
    source
        Name for error messages (default: the file, or ``"data"``).

    Returns
    -------
    pandas.DataFrame
        CountFrame, sorted: ``indicator``, ``region``, ``region_name`` (the
        region column's value label in a labelled file, else ``""``),
        ``period``, ``age`` (the band), ``sex``, ``group`` (``"total"`` without
        ``group=``), ``numerator`` (rows with the trait), ``denominator`` (rows
        in the rule's population), ``status`` (``""``). Only cells with at
        least one person in the population.

    Raises
    ------
    DataError
        A missing column, or a value outside the vocabulary: region code not
        digits or of a wrong length, period not a year (``2024.0`` gets a
        spreadsheet hint), age not a whole number or not a declared code, a sex
        or group code not declared, a blank or repeated person id, an answer
        outside the rule's codes.
    ParameterError
        Options that do not fit together.

    See Also
    --------
    utenforskap.registry.rule_sql : the rules compiled to SQL.

    Examples
    --------
    >>> import pandas as pd
    >>> micro = pd.DataFrame({"district": ["990101"] * 3, "year": ["2024"] * 3,
    ...     "age": ["17", "18", "30"], "sex": ["male", "female", "male"],
    ...     "neet": ["1", "0", ""]})
    >>> cf = aggregate(micro, indicator="neet", bands=["16-19"])
    >>> cf["sex"].tolist(), cf["numerator"].tolist(), cf["denominator"].tolist()
    (['female', 'male', 'total'], [0.0, 1.0, 1.0], [1.0, 1.0, 2.0])
    """
    check_choice("answers", answers, ANSWERS)
    check_choice("engine", engine, ENGINES)
    entry = get_indicator(indicator)
    if rule is None:
        if entry.rule is None:
            raise ParameterError(
                f"indicator {indicator!r} has no microdata rule; pass rule=",
                parameter="rule",
            )
        rule = entry.rule
    if items:
        stray = [item for item in items if item not in rule.items]
        if stray:
            raise ParameterError(
                f"items: {stray} are not items of the rule; its items are {list(rule.items)}",
                parameter="items",
                value=stray,
            )
        rule = dataclasses.replace(rule, items=tuple(items.get(i, i) for i in rule.items))
    if engine == "spark" and isinstance(data, str | Path):
        # A path on the cluster (HDFS, S3, a local folder): Spark reads it.
        from utenforskap.microdata.spark_engine import open_spark_source

        src = open_spark_source(data, spark=spark, source=source)
    else:
        src = open_source(data, source=source)
    spec = Spec.build(
        indicator=indicator,
        rule=rule,
        bands=tuple(entry.default_ages if bands is None else bands),
        region=region,
        period=period,
        age=age,
        sex=sex,
        group=group,
        id=id,
        sex_codes=sex_codes,
        group_codes=None if group_codes is None else group_map(group_codes),
        age_groups=age_groups,
        labels=src.labels,
        answers=answers,
    )
    src.missing(spec.columns)
    chosen = choose_engine(src.kind, src.rows, engine)
    if chosen == "pandas":
        from utenforskap.microdata.pandas_engine import aggregate_pandas

        return aggregate_pandas(src, spec)
    if chosen == "duckdb":
        from utenforskap.microdata.duckdb_engine import aggregate_duckdb

        return aggregate_duckdb(src, spec, memory_limit=memory_limit)
    from utenforskap.microdata.spark_engine import aggregate_spark

    return aggregate_spark(src, spec, spark=spark)
