"""What every engine shares: column texts, the error for a failing row, the CountFrame finish."""

from __future__ import annotations

import numpy as np
import pandas as pd

from utenforskap import frames as F
from utenforskap.errors import DataError
from utenforskap.microdata.sources import Source
from utenforskap.microdata.spec import Check, Spec

__all__ = [
    "CELL_COLUMNS",
    "code_texts",
    "duplicate_error",
    "finish",
    "raw_value",
    "row_error",
    "sort_cells",
]

#: Columns of the cells an engine hands to :func:`finish`.
CELL_COLUMNS = ("region", "period", "band", "sex", "group", "numerator", "denominator")


def raw_value(value: object) -> object:
    """A cell's value as the user wrote it: blank for missing, Python scalars, not NumPy's."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, float | np.floating) and np.isnan(value):
        return ""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _not_text(series: pd.Series, source: Source, column: str) -> None:
    kind = pd.api.types.infer_dtype(series, skipna=True)
    if kind in ("string", "empty"):
        return
    values = series.to_numpy(dtype=object)
    bad = np.fromiter(
        (
            not (
                isinstance(v, str)
                or v is None
                or v is pd.NA
                or (isinstance(v, float) and np.isnan(v))
            )
            for v in values
        ),
        dtype=bool,
        count=len(values),
    )
    position = int(np.flatnonzero(bad)[0])
    raise DataError(
        "a text column holds a value that is not text",
        file=source.name,
        column=column,
        row=source.row_label(position),
        value=raw_value(values[position]),
        hint="codes are text; convert the column with .astype(str) first",
    )


def code_texts(series: pd.Series, source: Source, column: str) -> np.ndarray:
    """The text of every code in a column (see :func:`utenforskap.io.labelled.code_text`).

    Parameters
    ----------
    series
        The column.
    source, column
        For error messages.

    Returns
    -------
    numpy.ndarray
        Object array of ``str``; ``""`` where the value is missing.
    """
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        values = series.astype(object).to_numpy(dtype=object)
        present = ~pd.isna(values)
        truth = np.zeros(len(values), dtype=bool)
        truth[present] = values[present].astype(bool)
        out = np.full(len(values), "", dtype=object)
        out[present & truth] = "1"
        out[present & ~truth] = "0"
        return out
    if pd.api.types.is_integer_dtype(dtype):
        return series.astype("string").fillna("").to_numpy(dtype=object)
    if pd.api.types.is_float_dtype(dtype):
        numbers = series.to_numpy(dtype=float, na_value=np.nan)
        out = np.full(len(numbers), "#", dtype=object)
        with np.errstate(invalid="ignore"):
            whole = np.isfinite(numbers) & (numbers == np.floor(numbers)) & (np.abs(numbers) < 1e15)
        out[np.isnan(numbers)] = ""
        out[whole] = numbers[whole].astype(np.int64).astype(str)
        return out
    if isinstance(dtype, pd.StringDtype) or pd.api.types.is_object_dtype(dtype):
        if pd.api.types.is_object_dtype(dtype):
            _not_text(series, source, column)
        values = series.to_numpy(dtype=object, na_value="")
        return values
    raise DataError(
        f"column type {dtype} is not supported; expected text, whole numbers or booleans",
        file=source.name,
        column=column,
    )


def row_error(
    source: Source, spec: Spec, check: Check, position: int, text: str, raw: object
) -> DataError:
    """The error for the first failing row of a check (the same in every engine)."""
    problem, hint = spec.describe(check, text)
    return DataError(
        problem,
        file=source.name,
        column=check.column,
        row=source.row_label(position),
        value=raw_value(raw),
        hint=hint,
    )


def duplicate_error(
    source: Source, spec: Spec, position: int, first: int, period: str, raw: object
) -> DataError:
    """The error for a person id seen twice in one period."""
    return DataError(
        f"person id appears more than once in period {period} "
        f"(also on row {source.row_label(first)})",
        file=source.name,
        column=spec.id,
        row=source.row_label(position),
        value=raw_value(raw),
        hint="one row per person and period; remove the duplicated rows",
    )


def sort_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """Sort cells by their key, deterministically."""
    return cells.sort_values(
        ["region", "period", "band", "sex", "group"], kind="mergesort"
    ).reset_index(drop=True)


def finish(cells: pd.DataFrame, spec: Spec, *, is_sorted: bool = False) -> pd.DataFrame:
    """Turn engine cells (:data:`CELL_COLUMNS`) into a sorted CountFrame.

    Cells whose denominator is 0 (persons present, none in the rule's
    population) are left out. ``is_sorted``: the engine sorted the cells by
    region, period, band, sex and group already (SQL engines sort in parallel,
    in code-point order, as Python does).
    """
    cells = cells[cells["denominator"].to_numpy(dtype=float) > 0]
    n = len(cells)

    def text(values: object) -> pd.Series:
        # dtype=object up front: no inference of pandas' string dtype and back.
        return pd.Series(np.asarray(values, dtype=object), dtype=object, copy=False)

    region = text(cells["region"])
    names = spec.region_names
    frame = pd.DataFrame(
        {
            F.INDICATOR: text([spec.indicator] * n),
            F.REGION: region,
            F.REGION_NAME: text([names.get(r, "") for r in region]) if names else text([""] * n),
            F.PERIOD: text(cells["period"]),
            F.AGE: text(cells["band"]),
            F.SEX: text(cells["sex"]),
            F.GROUP: text(cells["group"]),
            F.NUMERATOR: pd.Series(cells["numerator"].to_numpy(dtype=float)),
            F.DENOMINATOR: pd.Series(cells["denominator"].to_numpy(dtype=float)),
            F.STATUS: text([""] * n),
        },
    )
    return frame if is_sorted else F.sort_frame(frame)
